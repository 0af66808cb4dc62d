/**
 * The mock's answers for the org and catalog screens (see ./mock.ts): departments and employees
 * of assets/demo in memory beside the mock workspace's roles, objects, tiers and fields; the
 * same checks and messages as the engine for the flows the UI tests drive; and a small CSV
 * reader for departments.csv and employees.csv only (the real parsing is the engine's, tested
 * in Rust and in the desktop test). Nothing here is in the production bundle.
 */
import departmentsCsv from '../../../../assets/demo/departments.csv?raw';
import employeesCsv from '../../../../assets/demo/employees.csv?raw';
import type { Commands } from './commands';
import type { CsvKind } from './bindings/CsvKind';
import type { Department } from './bindings/Department';
import type { EditReport } from './bindings/EditReport';
import type { Employee } from './bindings/Employee';
import type { ErrorDto } from './bindings/ErrorDto';
import type { Field } from './bindings/Field';
import type { ImportIssue } from './bindings/ImportIssue';
import type { ImportPreview } from './bindings/ImportPreview';
import type { ImportProgress } from './bindings/ImportProgress';
import type { ObjectDef } from './bindings/ObjectDef';
import type { ObjectPolicy } from './bindings/ObjectPolicy';
import type { OrgCatalog } from './bindings/OrgCatalog';
import type { OrgEntity } from './bindings/OrgEntity';
import type { OrgKind } from './bindings/OrgKind';
import type { Role } from './bindings/Role';
import type { Status } from './bindings/Status';
import type { Tier } from './bindings/Tier';

/** What the org mock needs of the mock workspace. */
export interface CatalogHost {
  revision: number;
  roles: Role[];
  objects: ObjectDef[];
  tiers: Tier[];
  fields: Field[];
  policies: Map<string, ObjectPolicy>;
  counts: { departments: number; employees: number };
  holders: Map<string, { id: string; name: string; roles: string[] }[]>;
  putRole: (role: Role) => EditReport;
  putField: (field: Field) => EditReport;
  deleteRole: (id: string) => EditReport;
}

function fail(code: ErrorDto['code'], message: string): never {
  const error: ErrorDto = { code, message };
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the real IPC rejects with a plain object
  throw error;
}

/** RFC 4180 lines: quoted cells may hold commas and doubled quotes (not newlines: enough here). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quoted) {
      if (c === '"' && line.charAt(i + 1) === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cell); cell = ''; }
    else cell += c;
  }
  out.push(cell);
  return out;
}

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

class CsvProblem extends Error {
  constructor(readonly issue: ImportIssue) {
    super(issue.message);
  }
}

function issue(file: string, line: number, column: number | null, name: string | null, reason: string): CsvProblem {
  const where = `${file}${line > 0 ? ` line ${line}` : ''}${column !== null ? ` column ${column} (\`${name ?? ''}\`)` : ''}`;
  return new CsvProblem({ file, line, column, columnName: name, reason, message: `${where}: ${reason}` });
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATUSES: readonly Status[] = ['active', 'suspended', 'left'];
const COLUMNS: Partial<Record<CsvKind, string[]>> = {
  departments: ['id', 'name_zh', 'name_en', 'parent'],
  employees: ['id', 'name', 'title', 'department', 'manager', 'roles', 'status'],
};

/** Departments and employees of one mock workspace. */
export class MockOrg {
  departments: Department[] = [];
  employees: Employee[] = [];

  static demo(): MockOrg {
    const org = new MockOrg();
    org.departments = parseRows('departments', 'departments.csv', departmentsCsv).rows.map((r) => r.entity as Department);
    org.employees = parseRows('employees', 'employees.csv', employeesCsv).rows.map((r) => r.entity as Employee);
    return org;
  }

  /** Adds `n` generated sales reps spread over the departments (`?mockEmployees=<n>`), for scale. */
  generate(host: CatalogHost, n: number) {
    const depts = this.departments.length > 0 ? this.departments : [{ id: 'hq', nameZh: '总部', nameEn: 'Head office', parent: null }];
    if (this.departments.length === 0) this.departments = [...depts];
    for (let i = 0; i < n; i++) {
      const d = depts[i % depts.length]?.id ?? 'hq';
      this.employees.push({ id: `G${String(i + 1).padStart(5, '0')}`, name: `员工 ${i + 1}`, title: `Rep ${i + 1}`, department: d, manager: null, roles: host.roles.slice(0, 1).map((r) => r.id), status: 'active' });
    }
    this.sync(host);
  }

  view(host: CatalogHost): OrgCatalog {
    return { revision: host.revision, departments: this.departments, employees: this.employees, roles: host.roles, objects: host.objects, tiers: host.tiers, fields: host.fields };
  }

  /** The engine's reference checks (`Snapshot::check`), with its messages. */
  private check(host: CatalogHost, e: OrgEntity) {
    const known = (list: { id: string }[], id: string) => list.some((x) => x.id === id);
    if (e.kind === 'department') {
      const d = e.value;
      if (d.parent !== null && !known(this.departments, d.parent) && d.parent !== d.id) fail('preconditionFailed', `parent: unknown department \`${d.parent}\``);
      const parents = new Map(this.departments.map((x) => [x.id, x.parent]));
      parents.set(d.id, d.parent);
      const seen = new Set<string>();
      for (let cur: string | null = d.id; cur !== null; cur = parents.get(cur) ?? null) {
        if (seen.has(cur)) fail('preconditionFailed', `parent: department \`${d.id}\` is in a cycle`);
        seen.add(cur);
      }
    }
    if (e.kind === 'employee') {
      const x = e.value;
      if (!known(this.departments, x.department)) fail('preconditionFailed', `department: unknown department \`${x.department}\``);
      if (x.manager !== null && !known(this.employees, x.manager) && x.manager !== x.id) fail('preconditionFailed', `manager: unknown employee \`${x.manager}\``);
      const managers = new Map(this.employees.map((y) => [y.id, y.manager]));
      managers.set(x.id, x.manager);
      const seen = new Set<string>();
      for (let cur: string | null = x.id; cur !== null; cur = managers.get(cur) ?? null) {
        if (seen.has(cur)) fail('preconditionFailed', `manager: manager chain of employee \`${x.id}\` is in a cycle`);
        seen.add(cur);
      }
      const bad = x.roles.find((r) => !known(host.roles, r));
      if (bad !== undefined) fail('preconditionFailed', `roles: unknown role \`${bad}\``);
      if (!STATUSES.includes(x.status)) fail('invalidInput', `unknown status \`${x.status}\``);
    }
    if (e.kind === 'role') {
      const r = e.value;
      if (r.rank > 100) fail('preconditionFailed', `rank: rank ${r.rank} is above the maximum 100`);
      const bad = r.inherits.find((i) => !known(host.roles, i));
      if (bad !== undefined) fail('preconditionFailed', `inherits: unknown role \`${bad}\``);
      const inherits = new Map(host.roles.map((y) => [y.id, y.inherits]));
      inherits.set(r.id, r.inherits);
      const stack = [...r.inherits];
      const seen = new Set<string>();
      while (stack.length > 0) {
        const cur = stack.pop() ?? '';
        if (cur === r.id) fail('preconditionFailed', `inherits: role \`${r.id}\` is in a cycle`);
        if (!seen.has(cur)) { seen.add(cur); stack.push(...(inherits.get(cur) ?? [])); }
      }
    }
    if (e.kind === 'field') {
      const f = e.value;
      if (!known(host.objects, f.object)) fail('preconditionFailed', `object: unknown object \`${f.object}\``);
      if (!f.id.startsWith(`${f.object}.`)) fail('preconditionFailed', `key: field \`${f.id}\` is not of object \`${f.object}\``);
    }
  }

  private list(host: CatalogHost, kind: OrgKind): { id: string }[] {
    return { department: this.departments, employee: this.employees, role: host.roles, object: host.objects, tier: host.tiers, field: host.fields }[kind];
  }

  private sync(host: CatalogHost) {
    host.counts.departments = this.departments.length;
    host.counts.employees = this.employees.length;
    host.holders.clear();
    for (const e of this.employees) {
      for (const r of e.roles) host.holders.set(r, [...(host.holders.get(r) ?? []), { id: e.id, name: e.name, roles: e.roles }]);
    }
  }

  put(host: CatalogHost, entity: OrgEntity, create: boolean): EditReport {
    const v = entity.value;
    const names = 'name' in v ? [['name', v.name]] : 'labelZh' in v ? [['label_zh', v.labelZh], ['label_en', v.labelEn]] : [['name_zh', v.nameZh], ['name_en', v.nameEn]];
    for (const [column, text] of names) if ((text ?? '').trim() === '') fail('preconditionFailed', `${column ?? ''}: must not be empty`);
    const list = this.list(host, entity.kind);
    const i = list.findIndex((x) => x.id === v.id);
    if (create && i >= 0) fail('alreadyExists', `${entity.kind} \`${v.id}\` exists already`);
    this.check(host, entity);
    if (entity.kind === 'role') return host.putRole(entity.value);
    if (entity.kind === 'field') return host.putField(entity.value);
    if (i >= 0 && JSON.stringify(list[i]) === JSON.stringify(v)) return { revision: null, changed: 0 };
    if (i >= 0) list[i] = v;
    else list.push(v);
    this.sync(host);
    host.revision++;
    return { revision: host.revision, changed: 1 };
  }

  remove(host: CatalogHost, kind: OrgKind, id: string): EditReport {
    const list = this.list(host, kind);
    if (!list.some((x) => x.id === id)) fail('notFound', `unknown ${kind} \`${id}\``);
    if (kind === 'role') {
      const r = host.deleteRole(id);
      for (const e of this.employees) e.roles = e.roles.filter((x) => x !== id);
      this.sync(host);
      return r;
    }
    const some = (what: string, ids: string[]) => `${ids.length} ${what} (${ids.slice(0, 3).map((x) => `\`${x}\``).join(', ')}${ids.length > 3 ? ', ...' : ''})`;
    const blockers: string[] = [];
    const block = (what: string, ids: string[]) => { if (ids.length > 0) blockers.push(some(what, ids)); };
    let hint = 'change them first';
    if (kind === 'department') {
      block('sub-departments', this.departments.filter((d) => d.parent === id).map((d) => d.id));
      block('employees', this.employees.filter((e) => e.department === id).map((e) => e.id));
      hint = 'move or delete them first';
    }
    if (kind === 'employee') {
      block('direct reports', this.employees.filter((e) => e.manager === id).map((e) => e.id));
      hint = 'give them another manager or owner first (or set the status to `left`)';
    }
    if (kind === 'object') {
      block('fields', host.fields.filter((f) => f.object === id).map((f) => f.id));
      hint = 'delete or change them first';
    }
    if (kind === 'tier') block('role scopes reaching up to it', [...host.policies.values()].filter((p) => p.maxTier === id).map((p) => `${p.role}/${p.object}`));
    if (blockers.length > 0) fail('preconditionFailed', `cannot delete ${kind} \`${id}\`: it still has ${blockers.join(' and ')}; ${hint}`);
    if (kind === 'department') this.departments = this.departments.filter((d) => d.id !== id);
    if (kind === 'employee') this.employees = this.employees.filter((e) => e.id !== id);
    if (kind === 'object') {
      host.objects = host.objects.filter((o) => o.id !== id);
      for (const k of [...host.policies.keys()]) if (k.endsWith(`/${id}`)) host.policies.delete(k);
    }
    if (kind === 'tier') host.tiers = host.tiers.filter((t) => t.id !== id);
    if (kind === 'field') host.fields = host.fields.filter((f) => f.id !== id);
    this.sync(host);
    host.revision++;
    return { revision: host.revision, changed: 1 };
  }

  /** Parses and checks a file against this org (a copy), without changing anything. */
  private parse(host: CatalogHost, kind: CsvKind, file: string, text: string, progress: (p: ImportProgress) => void) {
    if (COLUMNS[kind] === undefined) fail('internal', `the mock backend imports only departments.csv and employees.csv, not ${kind}.csv`);
    const parsed = parseRows(kind, file, text);
    progress({ stage: 'read', done: text.length, total: text.length });
    const copy = new MockOrg();
    copy.departments = [...this.departments];
    copy.employees = [...this.employees];
    const seen = new Map<string, number>();
    for (const r of parsed.rows) {
      const first = seen.get(r.entity.id);
      if (first !== undefined) throw issue(file, r.line, null, null, `${kind === 'employees' ? 'employee' : 'department'} \`${r.entity.id}\` appears twice (first on line ${first})`);
      seen.set(r.entity.id, r.line);
      const list: { id: string }[] = kind === 'employees' ? copy.employees : copy.departments;
      const i = list.findIndex((x) => x.id === r.entity.id);
      if (i >= 0) list[i] = r.entity;
      else list.push(r.entity);
    }
    parsed.rows.forEach((r, i) => {
      if (i % 20 === 0) progress({ stage: 'check', done: i, total: parsed.rows.length });
      try {
        copy.check(host, kind === 'employees' ? { kind: 'employee', value: r.entity as Employee } : { kind: 'department', value: r.entity as Department });
      } catch (e) {
        const reason = (e as ErrorDto).message;
        const [column, ...rest] = reason.split(': ');
        const col = parsed.headers.indexOf(column ?? '');
        throw issue(file, r.line, col < 0 ? null : col + 1, col < 0 ? null : (column ?? null), rest.join(': '));
      }
    });
    progress({ stage: 'check', done: parsed.rows.length, total: parsed.rows.length });
    return { parsed, copy };
  }

  preview(host: CatalogHost, { kind, file, text, onProgress }: Commands['preview_csv']['args']): ImportPreview {
    const progress = channelOf(onProgress);
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const preview: ImportPreview = {
      kind,
      file,
      rows: Math.max(0, lines.length - 1),
      added: 0,
      changed: 0,
      unchanged: 0,
      removed: 0,
      headers: splitLine(lines[0] ?? '').map((h) => h.trim()),
      sample: [],
      error: null,
    };
    try {
      const { parsed } = this.parse(host, kind, file, text, progress);
      const current: { id: string }[] = kind === 'employees' ? this.employees : this.departments;
      for (const r of parsed.rows) {
        const old = current.find((x) => x.id === r.entity.id);
        if (old === undefined) preview.added++;
        else if (JSON.stringify(old) === JSON.stringify(r.entity)) preview.unchanged++;
        else preview.changed++;
      }
    } catch (e) {
      if (!(e instanceof CsvProblem)) throw e;
      preview.error = e.issue;
    }
    // Line numbers as the engine gives them (blank lines skipped): the first rows and the one at fault.
    text.split(/\r?\n/).forEach((line, i) => {
      const n = i + 1;
      if (n === 1 || line.trim() === '') return;
      if (preview.sample.length < 5 || n === preview.error?.line) preview.sample.push({ line: n, cells: splitLine(line) });
    });
    return preview;
  }

  import(host: CatalogHost, { kind, file, text, onProgress }: Commands['import_csv']['args']): EditReport {
    const progress = channelOf(onProgress);
    let result;
    try {
      result = this.parse(host, kind, file, text, progress);
    } catch (e) {
      if (e instanceof CsvProblem) fail('invalidInput', e.issue.message);
      throw e;
    }
    progress({ stage: 'write', done: 0, total: 1 });
    const before = JSON.stringify([this.departments, this.employees]);
    const changed = result.parsed.rows.filter((r) => {
      const list: { id: string }[] = kind === 'employees' ? this.employees : this.departments;
      return JSON.stringify(list.find((x) => x.id === r.entity.id)) !== JSON.stringify(r.entity);
    }).length;
    this.departments = result.copy.departments;
    this.employees = result.copy.employees;
    this.sync(host);
    progress({ stage: 'write', done: 1, total: 1 });
    if (JSON.stringify([this.departments, this.employees]) === before) return { revision: null, changed: 0 };
    host.revision++;
    return { revision: host.revision, changed };
  }

  export(host: CatalogHost, kind: CsvKind): string {
    const rows: string[][] = [];
    if (kind === 'departments') rows.push(['id', 'name_zh', 'name_en', 'parent'], ...this.departments.map((d) => [d.id, d.nameZh, d.nameEn, d.parent ?? '']));
    else if (kind === 'employees') rows.push(COLUMNS.employees ?? [], ...this.employees.map((e) => [e.id, e.name, e.title, e.department, e.manager ?? '', e.roles.join(';'), e.status]));
    else if (kind === 'roles') rows.push(['id', 'name_zh', 'name_en', 'rank', 'inherits', 'description'], ...host.roles.map((r) => [r.id, r.nameZh, r.nameEn, String(r.rank), r.inherits.join(';'), r.description]));
    else if (kind === 'objects') rows.push(['id', 'name_zh', 'name_en'], ...host.objects.map((o) => [o.id, o.nameZh, o.nameEn]));
    else if (kind === 'tiers') rows.push(['id', 'rank', 'name_zh', 'name_en'], ...host.tiers.map((t) => [t.id, String(t.rank), t.nameZh, t.nameEn]));
    else if (kind === 'fields') rows.push(['object', 'key', 'label_zh', 'label_en', 'type', 'sensitivity', 'mask', 'category'], ...host.fields.map((f) => [f.object, f.id.slice(f.object.length + 1), f.labelZh, f.labelEn, f.type, f.sensitivity, f.mask, f.category]));
    else fail('internal', `the mock backend does not export ${kind}.csv`);
    return rows.map((r) => r.map(quote).join(',')).join('\n') + '\n';
  }
}

/** The progress callback of a `Channel` passed by ./index (the mock calls its handler directly). */
function channelOf(channel: unknown): (p: ImportProgress) => void {
  const handler = (channel as { onmessage?: (p: ImportProgress) => void } | null)?.onmessage;
  return typeof handler === 'function' ? handler : () => undefined;
}

function parseRows(kind: CsvKind, file: string, text: string) {
  const expected = COLUMNS[kind] ?? [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headers = splitLine(lines[0] ?? '').map((h) => h.trim());
  headers.forEach((h, i) => {
    if (!expected.includes(h)) throw issue(file, 1, i + 1, h, `unexpected column \`${h}\` (expected ${expected.join(', ')})`);
  });
  const missing = expected.find((c) => !headers.includes(c));
  if (missing !== undefined) throw issue(file, 1, null, null, `missing column \`${missing}\``);
  const rows: { line: number; entity: Department | Employee }[] = [];
  lines.slice(1).forEach((line, i) => {
    const n = i + 2;
    if (line.trim() === '') return;
    const cells = splitLine(line).map((c) => c.trim());
    if (cells.length !== headers.length) throw issue(file, n, null, null, `${cells.length} columns where the header has ${headers.length}`);
    const get = (c: string) => cells[headers.indexOf(c)] ?? '';
    const id = (c: string, what: string, optional = false) => {
      const v = get(c);
      if (optional && v === '') return null;
      if (!ID.test(v)) throw issue(file, n, headers.indexOf(c) + 1, c, `\`${v}\` is not a valid ${what} id (1 to 64 characters from A-Z a-z 0-9 _ -)`);
      return v;
    };
    const required = (c: string) => {
      const v = get(c);
      if (v === '') throw issue(file, n, headers.indexOf(c) + 1, c, 'must not be empty');
      return v;
    };
    if (kind === 'departments') {
      rows.push({ line: n, entity: { id: id('id', 'department') ?? '', nameZh: required('name_zh'), nameEn: required('name_en'), parent: id('parent', 'department', true) } });
    } else {
      const status = get('status') as Status;
      if (!STATUSES.includes(status)) throw issue(file, n, headers.indexOf('status') + 1, 'status', `unknown status \`${status}\` (expected active, suspended, left)`);
      rows.push({
        line: n,
        entity: {
          id: id('id', 'employee') ?? '',
          name: required('name'),
          title: get('title'),
          department: id('department', 'department') ?? '',
          manager: id('manager', 'employee', true),
          roles: get('roles').split(';').map((r) => r.trim()).filter((r) => r !== ''),
          status,
        },
      });
    }
  });
  return { headers, rows };
}
