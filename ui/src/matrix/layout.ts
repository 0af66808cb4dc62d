/**
 * What the grid shows: field rows grouped by object and category (a heading row per group),
 * filtered by the search and filters, and role columns in display order, filtered by the role
 * search. Grid column 0 is the frozen field column; role columns start at 1.
 */
import type { Category } from '../lib/backend/bindings/Category';
import type { Sensitivity } from '../lib/backend/bindings/Sensitivity';
import type { MatrixModel } from './model';

export const CATEGORIES = ['basic', 'business', 'sensitive', 'history'] as const satisfies readonly Category[];
export const SENSITIVITIES = ['public', 'internal', 'confidential', 'restricted'] as const satisfies readonly Sensitivity[];

export type Row =
  | { kind: 'group'; object: string; category: Category; fields: number[] }
  | { kind: 'field'; field: number; group: number };

export interface FieldFilter {
  text: string;
  /** An object id, or `all`. */
  object: string;
  sensitivity: Sensitivity | 'all';
  reviewOnly: boolean;
}

export const NO_FILTER: FieldFilter = { text: '', object: 'all', sensitivity: 'all', reviewOnly: false };

export interface Layout {
  rows: Row[];
  /** Role slots, one per grid column from column 1. */
  slots: number[];
  /** Field index -> grid row, for fields shown. */
  rowOfField: Map<number, number>;
  /** Fields shown (not counting headings), and fields in the workspace. */
  shownFields: number;
}

function matches(needle: string, ...haystack: string[]): boolean {
  if (needle === '') return true;
  return haystack.some((h) => h.toLowerCase().includes(needle));
}

export function buildLayout(model: MatrixModel, filter: FieldFilter, roleText: string): Layout {
  const needle = filter.text.trim().toLowerCase();
  const objectRank = new Map(model.objects.map((o, i) => [o.id, i]));
  const groups = new Map<string, { object: string; category: Category; fields: number[] }>();
  model.fields.forEach((f, i) => {
    if (filter.object !== 'all' && f.object !== filter.object) return;
    if (filter.sensitivity !== 'all' && f.sensitivity !== filter.sensitivity) return;
    if (filter.reviewOnly && (model.undecided[i] ?? 0) === 0) return;
    if (!matches(needle, f.labelZh, f.labelEn, f.id)) return;
    const key = `${f.object}\u0000${f.category}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { object: f.object, category: f.category, fields: [] };
      groups.set(key, g);
    }
    g.fields.push(i);
  });
  const ordered = [...groups.values()].sort(
    (a, b) =>
      (objectRank.get(a.object) ?? Number.MAX_SAFE_INTEGER) - (objectRank.get(b.object) ?? Number.MAX_SAFE_INTEGER) ||
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category),
  );
  const rows: Row[] = [];
  const rowOfField = new Map<number, number>();
  let shownFields = 0;
  for (const g of ordered) {
    const group = rows.length;
    rows.push({ kind: 'group', ...g });
    for (const field of g.fields) {
      rowOfField.set(field, rows.length);
      rows.push({ kind: 'field', field, group });
      shownFields++;
    }
  }
  const roleNeedle = roleText.trim().toLowerCase();
  const slots = model.order.filter((slot) => {
    const r = model.roles[slot];
    return r !== undefined && matches(roleNeedle, r.nameZh, r.nameEn, r.id);
  });
  return { rows, slots, rowOfField, shownFields };
}

/** A rectangle of grid cells (Glide's `Rectangle`). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The fields and role slots a rectangle of the grid covers. A heading row alone stands for the
 * fields of its group (in a taller rectangle it is skipped: its fields are rows of their own);
 * column 0 (the field column) alone stands for every role column shown, so a rectangle that is
 * only column 0 means "every role" for its fields.
 */
export function cellsIn(layout: Layout, rect: Rect): { fields: number[]; slots: number[] } {
  const fields: number[] = [];
  const seen = new Set<number>();
  const lastRow = Math.min(layout.rows.length, rect.y + rect.height);
  for (let y = Math.max(0, rect.y); y < lastRow; y++) {
    const row = layout.rows[y];
    if (row === undefined) continue;
    const add = row.kind === 'field' ? [row.field] : rect.height === 1 ? row.fields : [];
    for (const f of add) {
      if (!seen.has(f)) {
        seen.add(f);
        fields.push(f);
      }
    }
  }
  const firstCol = Math.max(1, rect.x);
  const lastCol = Math.min(layout.slots.length + 1, rect.x + rect.width);
  const slots = rect.x + rect.width <= 1 ? [...layout.slots] : layout.slots.slice(firstCol - 1, Math.max(firstCol - 1, lastCol - 1));
  return { fields, slots };
}

/** Field rows only, from grid row `from` on (heading rows skipped): where pasted rows land. */
export function fieldRowsFrom(layout: Layout, from: number): number[] {
  const out: number[] = [];
  for (let y = Math.max(0, from); y < layout.rows.length; y++) {
    const row = layout.rows[y];
    if (row?.kind === 'field') out.push(row.field);
  }
  return out;
}
