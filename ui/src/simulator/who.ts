/** Whose view the simulator shows, and helpers shared by its panes. */
import type { Department, Directory, Employee, Who } from '../lib/backend';
import type { Language } from '../i18n';

/** A stable key for a `Who` (the same as the mock's fixture keys). */
export function whoKey(who: Who): string {
  return who.kind === 'employee' ? `employee:${who.id}` : `roles:${who.roles.join('+')}`;
}

/** The time a query is made at: now, to the second (the engine takes it as a parameter). */
export function nowIso(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function departmentName(dir: Directory, id: string, lang: Language): string {
  const d = dir.departments.find((x) => x.id === id);
  if (d === undefined) return id;
  return lang === 'zh' ? d.nameZh : d.nameEn;
}

export function roleName(dir: Directory, id: string, lang: Language): string {
  const r = dir.roles.find((x) => x.id === id);
  if (r === undefined) return id;
  return lang === 'zh' ? r.nameZh : r.nameEn;
}

export function fieldLabel(dir: Directory, id: string, lang: Language): string {
  const f = dir.fields.find((x) => x.id === id);
  if (f === undefined) return id;
  return lang === 'zh' ? f.labelZh : f.labelEn;
}

/** The department and its ancestors' names, for matching a search. */
function departmentPath(departments: Department[], id: string): string[] {
  const out: string[] = [];
  let cur = departments.find((d) => d.id === id);
  for (let guard = 0; cur !== undefined && guard < 32; guard++) {
    out.push(cur.id, cur.nameZh, cur.nameEn);
    const parent = cur.parent;
    cur = parent === null ? undefined : departments.find((d) => d.id === parent);
  }
  return out;
}

/** Employees whose name, id, title or department (or a parent department) contains `text`. */
export function searchEmployees(dir: Directory, text: string, limit = 12): Employee[] {
  const q = text.trim().toLowerCase();
  if (q === '') return dir.employees.slice(0, limit);
  return dir.employees
    .filter((e) => [e.name, e.id, e.title, ...departmentPath(dir.departments, e.department)].some((s) => s.toLowerCase().includes(q)))
    .slice(0, limit);
}

/** What to call a `Who` on screen. */
export function whoLabel(dir: Directory, who: Who, lang: Language): string {
  if (who.kind === 'employee') {
    const e = dir.employees.find((x) => x.id === who.id);
    return e === undefined ? who.id : `${e.name} · ${e.title}`;
  }
  return who.roles.map((r) => roleName(dir, r, lang)).join(' + ');
}
