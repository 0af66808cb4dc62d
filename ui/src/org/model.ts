/**
 * Pure helpers of the org and catalog screens: the department tree, filtering employees, and
 * the checks made before a form is sent (the engine checks everything again and says why).
 */
import type { Department, Employee } from '../lib/backend';

/** A department with its children, for the tree. */
export interface DeptNode {
  dept: Department;
  depth: number;
  children: DeptNode[];
}

/** The department forest in display order; a department whose parent is unknown is a root. */
export function deptTree(departments: readonly Department[]): DeptNode[] {
  const ids = new Set(departments.map((d) => d.id));
  const byParent = new Map<string | null, Department[]>();
  for (const d of departments) {
    const p = d.parent !== null && ids.has(d.parent) ? d.parent : null;
    byParent.set(p, [...(byParent.get(p) ?? []), d]);
  }
  const build = (parent: string | null, depth: number, seen: Set<string>): DeptNode[] =>
    (byParent.get(parent) ?? [])
      .filter((d) => !seen.has(d.id))
      .map((d) => ({ dept: d, depth, children: build(d.id, depth + 1, new Set([...seen, d.id])) }));
  return build(null, 0, new Set());
}

/** The tree flattened in display order (for the list and for selects). */
export function flatten(nodes: readonly DeptNode[]): DeptNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** Employees per department, counting everyone in the departments below it too. */
export function headcounts(nodes: readonly DeptNode[], employees: readonly Employee[]): Map<string, number> {
  const direct = new Map<string, number>();
  for (const e of employees) direct.set(e.department, (direct.get(e.department) ?? 0) + 1);
  const out = new Map<string, number>();
  const walk = (n: DeptNode): number => {
    const total = n.children.reduce((sum, c) => sum + walk(c), direct.get(n.dept.id) ?? 0);
    out.set(n.dept.id, total);
    return total;
  };
  nodes.forEach(walk);
  return out;
}

/** `id` and every department below it. */
export function subtree(departments: readonly Department[], id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of departments) {
      if (d.parent !== null && out.has(d.parent) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Employees in `dept` (and below it) whose id, name or title contains `query`. */
export function filterEmployees(
  employees: readonly Employee[],
  departments: readonly Department[],
  dept: string | null,
  query: string,
): Employee[] {
  const within = dept === null ? null : subtree(departments, dept);
  const q = query.trim().toLowerCase();
  return employees.filter(
    (e) =>
      (within === null || within.has(e.department)) &&
      (q === '' || e.id.toLowerCase().includes(q) || e.name.toLowerCase().includes(q) || e.title.toLowerCase().includes(q)),
  );
}

/** The id rule of the engine: 1 to 64 characters from A-Z a-z 0-9 _ -. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A field id: `object.key`, each part following the id rule. */
export const FIELD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/;

/** Rows the employee table shows at once; a search narrows the rest. */
export const MAX_ROWS = 500;
