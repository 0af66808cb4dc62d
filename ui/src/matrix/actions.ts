/**
 * Turning what the user did (a chip dropped or painted, a key pressed, a range pasted) into the
 * cell changes of one action, and a range into clipboard text.
 */
import { type Chip, type Code, applyChip, keyword, parseCellText } from './levels';
import { type Layout, type Rect, cellsIn, fieldRowsFrom } from './layout';
import type { CellChange, MatrixModel } from './model';

/** The changes a chip makes on every cell of `fields` x `slots`. */
export function chipChanges(model: MatrixModel, fields: readonly number[], slots: readonly number[], chip: Chip): CellChange[] {
  const out: CellChange[] = [];
  for (const f of fields) {
    const field = model.fields[f]?.id;
    if (field === undefined) continue;
    for (const s of slots) {
      const role = model.roles[s]?.id;
      if (role === undefined) continue;
      const before = model.get(f, s);
      const after = applyChip(before, chip);
      if (after !== before) out.push({ role, field, before, after });
    }
  }
  return out;
}

/** The changes a chip makes on a rectangle of the grid. */
export function chipOnRect(model: MatrixModel, layout: Layout, rect: Rect, chip: Chip): CellChange[] {
  const { fields, slots } = cellsIn(layout, rect);
  return chipChanges(model, fields, slots, chip);
}

/**
 * The changes of a paste at grid cell `target` (column, row). Rows land on field rows only
 * (heading rows are skipped, as copying skips them); cells that do not parse are left alone.
 * A single value pasted onto a selected range fills the range, as spreadsheets do.
 */
export function pasteChanges(
  model: MatrixModel,
  layout: Layout,
  target: readonly [number, number],
  values: readonly (readonly string[])[],
  selection?: Rect,
): CellChange[] {
  const single = values.length === 1 && values[0]?.length === 1;
  if (single && selection !== undefined && selection.width * selection.height > 1) {
    const code = parseCellText(values[0]?.[0] ?? '');
    if (code === undefined) return [];
    const { fields, slots } = cellsIn(layout, selection);
    return setAll(model, fields, slots, () => code);
  }
  const fields = fieldRowsFrom(layout, target[1]);
  const out: CellChange[] = [];
  values.forEach((row, dy) => {
    const f = fields[dy];
    const field = f === undefined ? undefined : model.fields[f]?.id;
    if (f === undefined || field === undefined) return;
    row.forEach((text, dx) => {
      const slot = layout.slots[Math.max(1, target[0]) - 1 + dx];
      const role = slot === undefined ? undefined : model.roles[slot]?.id;
      const after = parseCellText(text);
      if (slot === undefined || role === undefined || after === undefined) return;
      const before = model.get(f, slot);
      if (after !== before) out.push({ role, field, before, after });
    });
  });
  return out;
}

function setAll(model: MatrixModel, fields: readonly number[], slots: readonly number[], code: (before: Code) => Code): CellChange[] {
  const out: CellChange[] = [];
  for (const f of fields) {
    const field = model.fields[f]?.id;
    if (field === undefined) continue;
    for (const s of slots) {
      const role = model.roles[s]?.id;
      if (role === undefined) continue;
      const before = model.get(f, s);
      const after = code(before);
      if (after !== before) out.push({ role, field, before, after });
    }
  }
  return out;
}

/**
 * A range as tab-separated text, one line per field row (heading rows skipped), cells as the
 * matrix CSV's keywords (`read`, `masked+read`; empty for undecided).
 */
export function copyText(model: MatrixModel, layout: Layout, rect: Rect): string {
  const { fields, slots } = cellsIn(layout, rect);
  return fields.map((f) => slots.map((s) => keyword(model.get(f, s))).join('\t')).join('\n');
}

/** Splits clipboard text into rows of cells (tabs, or commas when there is no tab). */
export function parseClipboard(text: string): string[][] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const sep = text.includes('\t') ? '\t' : ',';
  return lines.map((line) => line.split(sep));
}
