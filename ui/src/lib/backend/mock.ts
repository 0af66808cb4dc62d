/**
 * A canned backend for running the UI in a plain browser (`npm run build:mock` -> dist-mock).
 * It is loaded only when Vite's mode is `mock`, so the production bundle never contains it.
 *
 * It keeps a workspace in memory: the demo company of assets/demo (roles, fields, matrix,
 * scopes; three fields left undecided, as if just added to the catalog), and answers every
 * command of the shell, typed by the generated command table. Edits change that state and make
 * revisions, as the engine would; nothing is written anywhere.
 *
 * Query-string switches, for the Playwright flows and for trying things by hand:
 * - `?mockError=<ErrorCode>`: every command fails with that code (`notAWorkspace`, `io`, ...)
 * - `?mockDelay=<ms>`: every command answers after that many milliseconds
 * - `?mockScale=<roles>x<fields>`: a generated workspace of that size (e.g. `500x5000`)
 * - `?mockFailEdits=1`: every edit fails (`io`), to see how the editor recovers
 * - `?mockEmployees=<n>`: n more (generated) employees, for the org screen at scale
 *
 * The simulator's commands (`sim_*`) answer from `fixtures/simulator.json`, which the real engine
 * wrote for the demo workspace at a fixed time (`cargo test`, src-tauri/src/fixtures.rs): a few
 * people's views (all rows of a sales rep's, the first page of wider ones), the explanations of their first rows' cells, comparisons and who-can queries.
 * The mock does not decide anything itself; a question without a fixture fails with `notFound`
 * (saying so), and the `at` argument is ignored (the answers are at the fixtures' time).
 *
 * `window.__permgridMock` exposes the commands received (`calls`), for the flows to check that
 * one user action is one backend call.
 */
import { mockIPC } from '@tauri-apps/api/mocks';

import fieldsCsv from '../../../../assets/demo/fields.csv?raw';
import employeesCsv from '../../../../assets/demo/employees.csv?raw';
import matrixCsv from '../../../../assets/demo/matrix.csv?raw';
import objectsCsv from '../../../../assets/demo/objects.csv?raw';
import rolesCsv from '../../../../assets/demo/roles.csv?raw';
import scopesCsv from '../../../../assets/demo/scopes.csv?raw';
import tiersCsv from '../../../../assets/demo/tiers.csv?raw';
import type { Category } from './bindings/Category';
import type { Cell } from './bindings/Cell';
import type { CellEdit } from './bindings/CellEdit';
import type { Effect } from './bindings/Effect';
import type { ErrorDto } from './bindings/ErrorDto';
import type { Field } from './bindings/Field';
import type { FieldType } from './bindings/FieldType';
import type { Level } from './bindings/Level';
import type { MaskRule } from './bindings/MaskRule';
import type { MatrixView } from './bindings/MatrixView';
import type { ObjectDef } from './bindings/ObjectDef';
import type { ObjectPolicy } from './bindings/ObjectPolicy';
import type { PersonLoss } from './bindings/PersonLoss';
import type { RecentWorkspace } from './bindings/RecentWorkspace';
import type { Role } from './bindings/Role';
import type { Scope } from './bindings/Scope';
import type { SimFixtures } from './bindings/SimFixtures';
import type { Sensitivity } from './bindings/Sensitivity';
import type { Summary } from './bindings/Summary';
import type { Tier } from './bindings/Tier';
import type { Who } from './bindings/Who';
import type { CommandName, Commands } from './commands';
import { isErrorCode } from './errors';
import { markMockInstalled } from './index';
import simulatorJson from './fixtures/simulator.json?raw';
import { MockOrg } from './mockOrg';

/** Present only in the mock bundle; the build check looks for it to prove the production one is clean. */
export const MOCK_MARKER = 'permgrid-mock-backend';

const DEMO_PATH = '/home/demo/.local/share/permgrid/workspace.permgrid';

/** The demo workspace as the engine summarises it right after `permgrid init --demo` (counts the matrix does not hold). */
const DEMO_META: Summary['meta'] = {
  id: '5f1c9a0e2b7d4c83',
  name: '华信科技 (demo)',
  createdAt: '2026-03-02T09:30:00Z',
  createdBy: 'li.lei',
  producer: 'permgrid 0.1.0',
};

const LEVELS: readonly Level[] = ['hidden', 'masked', 'read', 'edit'];
const ACTION_COUNT = 8;

/** Fields the mock leaves undecided for every role, as if the catalog had just gained them. */
const UNDECIDED_DEMO_FIELDS = ['customer.wechat', 'deal.gross_margin', 'contract.payment_terms'];

const MOCK_ERROR_MESSAGES: Partial<Record<ErrorDto['code'], string>> = {
  notAWorkspace: '`/home/demo/notes.permgrid` is not a permgrid workspace',
  newerVersion: '`/home/demo/workspace.permgrid` was written by permgrid 9.0.0, a newer version',
  io: '`/home/demo/.local/share/permgrid`: permission denied (os error 13)',
};

function mockError(code: ErrorDto['code'], message?: string): ErrorDto {
  return { code, message: message ?? MOCK_ERROR_MESSAGES[code] ?? `mock failure with code \`${code}\`` };
}

/** Fails the way the shell does: `invoke` rejects with the plain `ErrorDto` object, not an `Error`. */
function fail(error: ErrorDto): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the real IPC rejects with a plain object
  throw error;
}

function csvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const keys = (head ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? '']));
  });
}

function parseCell(text: string): Cell | null {
  if (text === '') return null;
  const [level, approval] = text.split('+') as [Level, Level | undefined];
  return { level, approval: approval ?? null };
}

/** One workspace held in memory. Cells are kept as `Map<"role/field", Cell>`, as the store does. */
class MockWorkspace {
  path: string;
  meta: Summary['meta'];
  revision: number;
  roles: Role[];
  objects: ObjectDef[];
  tiers: Tier[];
  fields: Field[];
  cells = new Map<string, Cell>();
  policies = new Map<string, ObjectPolicy>();
  holders = new Map<string, { id: string; name: string; roles: string[] }[]>();
  counts: Pick<Summary, 'departments' | 'employees' | 'guardrails' | 'grants' | 'customers'>;
  /** Departments and employees, for the org and catalog screens (./mockOrg). */
  org = new MockOrg();

  constructor(path: string, meta: Summary['meta']) {
    this.path = path;
    this.meta = meta;
    this.revision = 0;
    this.roles = [];
    this.objects = [];
    this.tiers = [];
    this.fields = [];
    this.counts = { departments: 0, employees: 0, guardrails: 0, grants: 0, customers: 0 };
  }

  static demo(path = DEMO_PATH, meta = DEMO_META): MockWorkspace {
    const ws = new MockWorkspace(path, meta);
    ws.revision = 3;
    ws.counts = { departments: 18, employees: 60, guardrails: 6, grants: 2, customers: 10000 };
    ws.org = MockOrg.demo();
    ws.roles = csvRows(rolesCsv).map((r) => ({
      id: r.id ?? '',
      nameZh: r.name_zh ?? '',
      nameEn: r.name_en ?? '',
      rank: Number(r.rank),
      inherits: (r.inherits ?? '').split(';').filter((x) => x !== ''),
      description: r.description ?? '',
    }));
    ws.objects = csvRows(objectsCsv).map((o) => ({ id: o.id ?? '', nameZh: o.name_zh ?? '', nameEn: o.name_en ?? '' }));
    ws.tiers = csvRows(tiersCsv).map((t) => ({ id: t.id ?? '', rank: Number(t.rank), nameZh: t.name_zh ?? '', nameEn: t.name_en ?? '' }));
    ws.fields = csvRows(fieldsCsv).map((f) => ({
      id: `${f.object ?? ''}.${f.key ?? ''}`,
      object: f.object ?? '',
      labelZh: f.label_zh ?? '',
      labelEn: f.label_en ?? '',
      type: (f.type ?? 'text') as FieldType,
      sensitivity: (f.sensitivity ?? 'internal') as Sensitivity,
      mask: (f.mask ?? 'full') as MaskRule,
      category: (f.category ?? 'basic') as Category,
    }));
    const undecided = new Set(UNDECIDED_DEMO_FIELDS.filter((id) => ws.fields.some((f) => f.id === id)));
    for (const row of csvRows(matrixCsv)) {
      const field = row.field ?? '';
      if (undecided.has(field)) continue;
      for (const role of ws.roles) {
        const cell = parseCell(row[role.id] ?? '');
        if (cell !== null) ws.cells.set(`${role.id}/${field}`, cell);
      }
    }
    for (const s of csvRows(scopesCsv)) {
      const actions = ['view', 'create', 'edit', 'delete', 'export', 'bulk_export', 'share', 'transfer'].map((a) => (s[a] ?? 'deny') as Effect);
      ws.policies.set(`${s.role ?? ''}/${s.object ?? ''}`, {
        role: s.role ?? '',
        object: s.object ?? '',
        scope: (s.scope ?? 'none') as Scope,
        maxTier: s.max_tier === '' || s.max_tier === undefined ? null : s.max_tier,
        actions: actions as ObjectPolicy['actions'],
      });
    }
    for (const e of csvRows(employeesCsv)) {
      const roles = (e.roles ?? '').split(';').filter((r) => r !== '');
      for (const r of roles) {
        const list = ws.holders.get(r) ?? [];
        list.push({ id: e.id ?? '', name: e.name ?? '', roles });
        ws.holders.set(r, list);
      }
    }
    return ws;
  }

  /** A generated workspace of `roleCount` x `fieldCount`, for the scale flows. */
  static generated(roleCount: number, fieldCount: number): MockWorkspace {
    const ws = new MockWorkspace('/home/demo/scale.permgrid', { ...DEMO_META, id: 'scale', name: `scale ${roleCount}x${fieldCount}` });
    ws.revision = 1;
    ws.counts = { departments: 1, employees: 0, guardrails: 0, grants: 0, customers: 0 };
    ws.objects = ['customer', 'contact', 'deal', 'contract'].map((id) => ({ id, nameZh: `对象 ${id}`, nameEn: `Object ${id}` }));
    ws.tiers = [{ id: 'customer', rank: 1, nameZh: '成交客户', nameEn: 'Customer' }];
    const categories: Category[] = ['basic', 'business', 'sensitive', 'history'];
    const sensitivities: Sensitivity[] = ['public', 'internal', 'confidential', 'restricted'];
    for (let r = 0; r < roleCount; r++) {
      const n = String(r + 1).padStart(3, '0');
      ws.roles.push({ id: `role_${n}`, nameZh: `角色 ${n}`, nameEn: `Role ${n}`, rank: r % 6, inherits: [], description: '' });
    }
    for (let f = 0; f < fieldCount; f++) {
      const object = ws.objects[f % 4]?.id ?? 'customer';
      const n = String(f + 1).padStart(4, '0');
      ws.fields.push({
        id: `${object}.f${n}`,
        object,
        labelZh: `字段 ${n}`,
        labelEn: `Field ${n}`,
        type: 'text',
        sensitivity: sensitivities[f % 4] ?? 'internal',
        mask: 'full',
        category: categories[Math.floor(f / 4) % 4] ?? 'basic',
      });
    }
    // Dense and deterministic: the view is built from a level grid, as the engine does.
    ws.dense = new Uint8Array(roleCount * fieldCount);
    // Hidden, masked or read (never edit), so an Edit chip changes every cell it covers.
    for (let i = 0; i < ws.dense.length; i++) ws.dense[i] = (i * 7 + (i >> 5)) % 3;
    return ws;
  }

  /** Generated workspaces keep their cells dense (a map of 2.5M entries would be slow to build). */
  dense: Uint8Array | null = null;

  private cellAt(roleIx: number, role: string, fieldIx: number, field: string): Cell | null {
    if (this.dense !== null) {
      const v = this.dense[fieldIx * this.roles.length + roleIx] ?? 255;
      return v === 255 ? null : { level: LEVELS[v & 3] ?? 'hidden', approval: v >> 2 === 0 ? null : (LEVELS[v >> 2] ?? null) };
    }
    return this.cells.get(`${role}/${field}`) ?? null;
  }

  private setCell(role: string, field: string, cell: Cell | null): boolean {
    if (this.dense !== null) {
      const r = this.index().roles.get(role) ?? -1;
      const f = this.index().fields.get(field) ?? -1;
      const i = f * this.roles.length + r;
      const v = cell === null ? 255 : LEVELS.indexOf(cell.level) | (cell.approval === null ? 0 : LEVELS.indexOf(cell.approval) << 2);
      if (this.dense[i] === v) return false;
      this.dense[i] = v;
      return true;
    }
    const key = `${role}/${field}`;
    const old = this.cells.get(key) ?? null;
    if (old?.level === cell?.level && old?.approval === cell?.approval) return false;
    if (cell === null) this.cells.delete(key);
    else this.cells.set(key, cell);
    return true;
  }

  private indexCache: { roles: Map<string, number>; fields: Map<string, number>; of: [Role[], Field[]] } | null = null;

  /** Role and field positions, rebuilt when the lists change. */
  private index() {
    const c = this.indexCache;
    if (c !== null && c.of[0] === this.roles && c.of[1] === this.fields && c.roles.size === this.roles.length && c.fields.size === this.fields.length) return c;
    this.indexCache = {
      roles: new Map(this.roles.map((r, i) => [r.id, i])),
      fields: new Map(this.fields.map((f, i) => [f.id, i])),
      of: [this.roles, this.fields],
    };
    return this.indexCache;
  }

  keyword(role: string, field: string): string {
    const ri = this.index().roles.get(role) ?? -1;
    const fi = this.index().fields.get(field) ?? -1;
    const c = ri < 0 || fi < 0 ? null : this.cellAt(ri, role, fi, field);
    return c === null ? '' : c.approval === null ? c.level : `${c.level}+${c.approval}`;
  }

  view(): MatrixView {
    const cells: string[] = [];
    const gated: MatrixView['gated'] = [];
    this.fields.forEach((f, fi) => {
      let row = '';
      this.roles.forEach((r, ri) => {
        const c = this.cellAt(ri, r.id, fi, f.id);
        row += c === null ? '.' : String(LEVELS.indexOf(c.level));
        if (c?.approval != null) gated.push({ field: fi, role: ri, approval: c.approval });
      });
      cells.push(row);
    });
    return {
      revision: this.revision,
      roles: this.roles.map((r) => ({ ...r, holders: this.holders.get(r.id)?.length ?? 0 })),
      objects: this.objects,
      tiers: this.tiers,
      fields: this.fields.map((f) => ({
        id: f.id,
        object: f.object,
        labelZh: f.labelZh,
        labelEn: f.labelEn,
        fieldType: f.type,
        sensitivity: f.sensitivity,
        mask: f.mask,
        category: f.category,
      })),
      cells,
      gated,
      policies: [...this.policies.values()],
    };
  }

  summary(): Summary {
    const view = this.view();
    const decided = view.cells.reduce((n, row) => n + row.replaceAll('.', '').length, 0);
    return {
      path: this.path,
      meta: this.meta,
      revision: this.revision,
      ...this.counts,
      roles: this.roles.length,
      objects: this.objects.length,
      fields: this.fields.length,
      tiers: this.tiers.length,
      cells: decided,
      cellsTotal: this.roles.length * this.fields.length,
      fieldsToReview: view.cells.filter((row) => row.includes('.')).length,
      policies: this.policies.size,
    };
  }

  private revise(changed: number) {
    if (changed > 0) this.revision++;
    return { revision: changed > 0 ? this.revision : null, changed };
  }

  private role(id: string): Role {
    return this.roles.find((r) => r.id === id) ?? fail(mockError('notFound', `unknown role \`${id}\``));
  }

  editCells(edits: Commands['edit_cells']['args']['edits']) {
    const { roles, fields } = this.index();
    for (const e of edits) {
      if (!roles.has(e.role)) fail(mockError('notFound', `unknown role \`${e.role}\``));
      if (!fields.has(e.field)) fail(mockError('notFound', `unknown field \`${e.field}\``));
    }
    let changed = 0;
    for (const e of edits) if (this.setCell(e.role, e.field, e.cell)) changed++;
    return this.revise(changed);
  }

  policy(role: string, object: string): ObjectPolicy {
    this.role(role);
    return (
      this.policies.get(`${role}/${object}`) ?? {
        role,
        object,
        scope: 'none',
        maxTier: null,
        actions: Array.from({ length: ACTION_COUNT }, () => 'deny') as ObjectPolicy['actions'],
      }
    );
  }

  setScope({ role, object, scope, maxTier }: Commands['set_scope']['args']) {
    const p = this.policy(role, object);
    this.policies.set(`${role}/${object}`, { ...p, scope, maxTier });
    return this.revise(1);
  }

  setAction({ role, object, action, effect }: Commands['set_action']['args']) {
    const p = this.policy(role, object);
    const i = ['view', 'create', 'edit', 'delete', 'export', 'bulk_export', 'share', 'transfer'].indexOf(action);
    const actions = [...p.actions] as ObjectPolicy['actions'];
    actions[i] = effect;
    this.policies.set(`${role}/${object}`, { ...p, actions });
    return this.revise(1);
  }

  putRole(role: Role) {
    const i = this.roles.findIndex((r) => r.id === role.id);
    if (i >= 0) this.roles[i] = role;
    else {
      this.roles.push(role);
      if (this.dense !== null) this.dense = null; // not kept for generated workspaces
    }
    return this.revise(1);
  }

  putField(field: Field) {
    const i = this.fields.findIndex((f) => f.id === field.id);
    if (i >= 0) this.fields[i] = field;
    else this.fields.push(field);
    return this.revise(1);
  }

  impact(id: string): PersonLoss[] {
    this.role(id);
    const rank = (c: Cell | null) => (c === null ? 0 : LEVELS.indexOf(c.level));
    return (this.holders.get(id) ?? []).flatMap((e) => {
      const fields: PersonLoss['fields'] = [];
      for (const f of this.fields) {
        const mine = rank(this.cells.get(`${id}/${f.id}`) ?? null);
        const others = Math.max(0, ...e.roles.filter((r) => r !== id).map((r) => rank(this.cells.get(`${r}/${f.id}`) ?? null)));
        if (others < mine) fields.push([f.id, LEVELS[mine] ?? 'hidden', LEVELS[others] ?? 'hidden']);
      }
      return fields.length > 0 ? [{ employee: e.id, name: e.name, fields }] : [];
    });
  }

  deleteRole(id: string) {
    this.role(id);
    this.roles = this.roles.filter((r) => r.id !== id);
    for (const key of [...this.cells.keys()]) if (key.startsWith(`${id}/`)) this.cells.delete(key);
    for (const key of [...this.policies.keys()]) if (key.startsWith(`${id}/`)) this.policies.delete(key);
    this.holders.delete(id);
    this.dense = null;
    return this.revise(1);
  }

  reorder(order: string[]) {
    if (order.length !== this.roles.length || order.some((id) => !this.roles.some((r) => r.id === id))) {
      fail(mockError('preconditionFailed', 'the new order must list every role exactly once'));
    }
    if (this.dense !== null) {
      const old = this.roles.map((r) => r.id);
      const next = new Uint8Array(this.dense.length);
      const nr = old.length;
      const from = order.map((id) => old.indexOf(id));
      for (let f = 0; f < this.fields.length; f++) {
        for (let r = 0; r < nr; r++) next[f * nr + r] = this.dense[f * nr + (from[r] ?? r)] ?? 0;
      }
      this.dense = next;
    }
    this.roles = order.map((id) => this.role(id));
    return null;
  }
}

/** The engine's answers for the simulator (see the file comment). */
const SIM = JSON.parse(simulatorJson) as SimFixtures;

/** A `Who` as the fixtures key it: `employee:E018`, `roles:sales_rep+finance`. */
/** The key of a set of cell edits in the fixtures' `pendingDiffs` (`pending_key` in fixtures.rs). */
export function pendingKey(edits: CellEdit[]): string {
  return edits
    .map((e) => `${e.role}/${e.field}=${e.cell === null ? 'none' : e.cell.approval === null ? e.cell.level : `${e.cell.level}+${e.cell.approval}`}`)
    .sort()
    .join(',');
}

function fixtureKey(who: Who): string {
  return who.kind === 'employee' ? `employee:${who.id}` : `roles:${who.roles.join('+')}`;
}

function fixture<T>(table: Partial<Record<string, T>>, key: string, what: string): T {
  const found = table[key];
  if (found === undefined) fail(mockError('notFound', `the mock backend has no fixture for ${what} \`${key}\` (fixtures: src-tauri/src/fixtures.rs)`));
  return found;
}

export interface MockHandle {
  /** Every command received, oldest first, with its arguments. */
  calls: { cmd: string; args: unknown }[];
  /** A cell as the mock workspace holds it: `read`, `masked+read`, or `` when undecided. */
  cell: (role: string, field: string) => string;
  /** The roles in display order. */
  roles: () => string[];
  /** A role's row scope, tier reach and action grants on an object. */
  policy: (role: string, object: string) => ObjectPolicy;
}

declare global {
  interface Window {
    __permgridMock?: MockHandle;
  }
}

export function installMockBackend(params: URLSearchParams): void {
  const failWith = params.get('mockError');
  const failEdits = params.get('mockFailEdits') === '1';
  const delayMs = Math.max(0, Number(params.get('mockDelay') ?? 0) || 0);
  const scale = /^(\d+)x(\d+)$/.exec(params.get('mockScale') ?? '');
  let ws = scale ? MockWorkspace.generated(Number(scale[1]), Number(scale[2])) : MockWorkspace.demo();
  ws.org.generate(ws, Math.max(0, Number(params.get('mockEmployees') ?? 0) || 0));
  let recent: RecentWorkspace[] = [
    { path: ws.path, name: ws.meta.name, openedAt: '2026-03-02T09:30:00Z', exists: true },
    { path: '/home/demo/archive/2025-q4.permgrid', name: '华信科技 2025 Q4', openedAt: '2026-01-05T08:00:00Z', exists: false },
  ];
  const handle: MockHandle = {
    calls: [],
    cell: (role, field) => ws.keyword(role, field),
    roles: () => ws.roles.map((r) => r.id),
    policy: (role, object) => ws.policy(role, object),
  };
  window.__permgridMock = handle;

  const editFails = () => {
    if (failEdits) fail(mockError('io', '`/home/demo/.local/share/permgrid/workspace.permgrid`: disk full (os error 28)'));
  };
  const switchTo = (next: MockWorkspace) => {
    ws = next;
    recent = [
      { path: next.path, name: next.meta.name, openedAt: new Date().toISOString(), exists: true },
      ...recent.filter((r) => r.path !== next.path),
    ];
    return ws.summary();
  };

  const handlers: { [C in CommandName]: (args: Commands[C]['args']) => Commands[C]['result'] } = {
    workspace_summary: () => ws.summary(),
    matrix_view: () => ws.view(),
    edit_cells: ({ edits }) => {
      editFails();
      return ws.editCells(edits);
    },
    set_scope: (args) => {
      editFails();
      return ws.setScope(args);
    },
    set_action: (args) => {
      editFails();
      return ws.setAction(args);
    },
    put_role: ({ role }) => ws.putRole(role),
    role_deletion_impact: ({ role }) => ws.impact(role),
    delete_role: ({ role }) => ws.deleteRole(role),
    reorder_roles: ({ order }) => ws.reorder(order),
    put_field: ({ field }) => ws.putField(field),
    fields_to_review: () => {
      const view = ws.view();
      return view.fields.filter((_, i) => view.cells[i]?.includes('.')).map((f) => f.id);
    },
    recent_workspaces: () => recent,
    open_workspace: ({ path }) => {
      const known = recent.find((r) => r.path === path);
      if (known?.exists === false || !path.endsWith('.permgrid')) {
        fail(mockError('notFound', `\`${path}\`: no such file (os error 2)`));
      }
      const name = known?.name ?? path.split('/').pop()?.replace(/\.permgrid$/, '') ?? path;
      return switchTo(MockWorkspace.demo(path, { ...DEMO_META, id: path, name }));
    },
    create_workspace: ({ path, name, demo }) => {
      if (recent.some((r) => r.path === path && r.exists)) fail(mockError('alreadyExists', `\`${path}\` exists already`));
      const meta = { ...DEMO_META, id: path, name, createdAt: new Date().toISOString() };
      return switchTo(demo ? MockWorkspace.demo(path, meta) : new MockWorkspace(path, meta));
    },
    sim_directory: () => SIM.directory,
    sim_view: ({ who, offset, limit }) => {
      const report = fixture(SIM.views, fixtureKey(who), 'the view of');
      const { page } = report;
      const kept = page.rows.length;
      if (offset + Math.min(limit, page.visible - offset) > kept) {
        fail(mockError('notFound', `the fixtures keep the first ${kept} of ${page.visible} rows of this view; rows from ${offset} are not in them`));
      }
      return { ...report, page: { ...page, offset, rows: page.rows.slice(offset, offset + limit) } };
    },
    sim_explain: ({ who, field, customer }) => fixture(SIM.explanations, `${fixtureKey(who)}|${field}|${customer ?? ''}`, 'the explanation'),
    sim_who_can: ({ field, minLevel, tier }) => fixture(SIM.whoCan, `${field}|${minLevel}|${tier ?? ''}`, 'who can see'),
    sim_compare: ({ a, b }) => fixture(SIM.comparisons, `${fixtureKey(a)}|${fixtureKey(b)}`, 'the comparison'),
    sim_compare_revision: ({ revision }) => fail(mockError('notFound', `the mock backend keeps no earlier revisions (asked for revision ${revision}); compare two people instead`)),
    sim_people_diff: ({ from, to }) => {
      const kept = Object.keys(SIM.peopleDiffs).join(', ');
      if (to !== null) fail(mockError('notFound', `the mock backend compares with now only (asked for revision ${to})`));
      return fixture(SIM.peopleDiffs, String(from), `the people-level diff since revision (the fixtures keep ${kept})`);
    },
    sim_people_diff_pending: ({ edits }) => fixture(SIM.pendingDiffs, pendingKey(edits), 'the people-level diff of the edits'),
    org_catalog: () => ws.org.view(ws),
    put_org_entity: ({ entity, create }) => ws.org.put(ws, entity, create),
    delete_org_entity: ({ kind, id }) => ws.org.remove(ws, kind, id),
    preview_csv: (args) => ws.org.preview(ws, args),
    import_csv: (args) => ws.org.import(ws, args),
    export_csv: ({ kind }) => ws.org.export(ws, kind),
    save_csv: ({ kind }) => {
      ws.org.export(ws, kind);
      return `/home/demo/Downloads/${kind}-20260302-100000.csv`;
    },
  };

  const isCommand = (cmd: string): cmd is CommandName => Object.hasOwn(handlers, cmd);

  mockIPC(async (cmd, payload) => {
    handle.calls.push({ cmd, args: payload });
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (failWith !== null) fail(mockError(isErrorCode(failWith) ? failWith : 'internal'));
    if (!isCommand(cmd)) fail({ code: 'notFound', message: `unknown command \`${cmd}\`` });
    const handler = handlers[cmd] as (args: unknown) => unknown;
    return handler(payload ?? {});
  });
  document.documentElement.dataset.backend = MOCK_MARKER;
  markMockInstalled();
}
