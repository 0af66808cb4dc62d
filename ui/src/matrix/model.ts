/**
 * The matrix as the editor holds it: the engine's `MatrixView` unpacked into one byte per cell,
 * so a 500 x 5,000 matrix is a 2.5 MB array that a paint of 10,000 cells updates in place.
 *
 * Roles keep the slot they had when the view was loaded; display order is a separate list of
 * slots, so reordering roles moves no cells. Edits name cells by role and field id, so they
 * stay valid when the view is reloaded (a role added, a field added).
 */
import type { Action } from '../lib/backend/bindings/Action';
import type { Effect } from '../lib/backend/bindings/Effect';
import type { FieldRow } from '../lib/backend/bindings/FieldRow';
import type { MatrixView } from '../lib/backend/bindings/MatrixView';
import type { ObjectDef } from '../lib/backend/bindings/ObjectDef';
import type { ObjectPolicy } from '../lib/backend/bindings/ObjectPolicy';
import type { Role } from '../lib/backend/bindings/Role';
import type { RoleColumn } from '../lib/backend/bindings/RoleColumn';
import type { Scope } from '../lib/backend/bindings/Scope';
import type { Tier } from '../lib/backend/bindings/Tier';
import { type Code, UNDECIDED, fromViewChar, makeCode, rankOf } from './levels';

/** One cell's change, before and after: what an undo entry holds. */
export interface CellChange {
  role: string;
  field: string;
  before: Code;
  after: Code;
}

/** The eight actions, in the engine's order (`ObjectPolicy.actions` is indexed by it). */
export const ACTIONS = ['view', 'create', 'edit', 'delete', 'export', 'bulk_export', 'share', 'transfer'] as const satisfies readonly Action[];

export const SCOPES = ['none', 'own', 'team', 'department', 'department_tree', 'all'] as const satisfies readonly Scope[];

export const EFFECTS = ['deny', 'approval', 'allow'] as const satisfies readonly Effect[];

export function policyKey(role: string, object: string): string {
  return `${role}/${object}`;
}

/** What a role has on an object when nothing is set: no records, every action denied. */
export function noPolicy(role: string, object: string): ObjectPolicy {
  return { role, object, scope: 'none', maxTier: null, actions: ['deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'deny', 'deny'] };
}

/** The role a column shows (a column also counts the people holding it). */
export function roleOf(column: RoleColumn): Role {
  return {
    id: column.id,
    nameZh: column.nameZh,
    nameEn: column.nameEn,
    rank: column.rank,
    inherits: [...column.inherits],
    description: column.description,
  };
}

export class MatrixModel {
  revision: number;
  /** By slot (the order of the loaded view). */
  readonly roles: RoleColumn[];
  /** Slots in display order. */
  order: number[];
  readonly fields: readonly FieldRow[];
  readonly objects: readonly ObjectDef[];
  readonly tiers: readonly Tier[];
  readonly policies: Map<string, ObjectPolicy>;
  /** `codes[field * roles.length + slot]`. */
  readonly codes: Uint8Array;
  /** Per field, how many roles have not decided it yet. */
  readonly undecided: Int32Array;
  readonly roleSlot: Map<string, number>;
  readonly fieldIndex: Map<string, number>;

  private constructor(view: MatrixView) {
    this.revision = view.revision;
    this.roles = view.roles.map((r) => ({ ...r }));
    this.order = this.roles.map((_, i) => i);
    this.fields = view.fields;
    this.objects = view.objects;
    this.tiers = [...view.tiers].sort((a, b) => a.rank - b.rank);
    this.policies = new Map(view.policies.map((p) => [policyKey(p.role, p.object), p]));
    const nr = this.roles.length;
    this.codes = new Uint8Array(nr * view.fields.length);
    this.undecided = new Int32Array(view.fields.length);
    view.cells.forEach((row, f) => {
      let open = 0;
      for (let r = 0; r < nr; r++) {
        const code = fromViewChar(row.charAt(r) || '.');
        this.codes[f * nr + r] = code;
        if (code === UNDECIDED) open++;
      }
      this.undecided[f] = open;
    });
    for (const g of view.gated) {
      const i = g.field * nr + g.role;
      const base = this.codes[i];
      if (base !== undefined && base !== UNDECIDED) {
        this.codes[i] = makeCode((base & 3) as 0 | 1 | 2 | 3, rankOf(g.approval));
      }
    }
    this.roleSlot = new Map(this.roles.map((r, i) => [r.id, i]));
    this.fieldIndex = new Map(view.fields.map((f, i) => [f.id, i]));
  }

  static fromView(view: MatrixView): MatrixModel {
    return new MatrixModel(view);
  }

  get roleCount(): number {
    return this.roles.length;
  }

  get(field: number, slot: number): Code {
    return this.codes[field * this.roles.length + slot] ?? UNDECIDED;
  }

  /** The code of a cell named by ids, or `undefined` if either is gone. */
  getById(role: string, field: string): Code | undefined {
    const slot = this.roleSlot.get(role);
    const f = this.fieldIndex.get(field);
    return slot === undefined || f === undefined ? undefined : this.get(f, slot);
  }

  set(field: number, slot: number, code: Code): void {
    const i = field * this.roles.length + slot;
    const old = this.codes[i];
    if (old === undefined || old === code) return;
    this.codes[i] = code;
    const count = this.undecided[field] ?? 0;
    if (old === UNDECIDED) this.undecided[field] = count - 1;
    else if (code === UNDECIDED) this.undecided[field] = count + 1;
  }

  /** Writes the `before` or `after` side of changes; cells of roles or fields now gone are skipped. */
  apply(changes: readonly CellChange[], side: 'before' | 'after'): void {
    for (const c of changes) {
      const slot = this.roleSlot.get(c.role);
      const f = this.fieldIndex.get(c.field);
      if (slot !== undefined && f !== undefined) this.set(f, slot, c[side]);
    }
  }

  /** Field indices still undecided for some role, in display order. */
  fieldsToReview(): number[] {
    const out: number[] = [];
    this.undecided.forEach((n, f) => {
      if (n > 0) out.push(f);
    });
    return out;
  }

  role(slot: number): RoleColumn | undefined {
    return this.roles[slot];
  }

  /** The role ids in display order. */
  orderedRoleIds(): string[] {
    return this.order.map((s) => this.roles[s]?.id ?? '').filter((id) => id !== '');
  }

  policy(role: string, object: string): ObjectPolicy {
    return this.policies.get(policyKey(role, object)) ?? noPolicy(role, object);
  }

  setPolicy(policy: ObjectPolicy): void {
    this.policies.set(policyKey(policy.role, policy.object), policy);
  }

  /** Moves the role shown at display position `from` to position `to`. */
  static moved(order: readonly string[], from: number, to: number): string[] {
    const next = [...order];
    const [item] = next.splice(from, 1);
    if (item !== undefined) next.splice(to, 0, item);
    return next;
  }

  setOrder(ids: readonly string[]): void {
    const slots = ids.map((id) => this.roleSlot.get(id)).filter((s): s is number => s !== undefined);
    if (slots.length === this.roles.length) this.order = slots;
  }
}
