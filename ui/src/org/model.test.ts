import { describe, expect, it } from 'vitest';

import type { Department, Employee } from '../lib/backend';
import { FIELD_ID_PATTERN, ID_PATTERN, deptTree, filterEmployees, flatten, headcounts, subtree } from './model';

const dept = (id: string, parent: string | null): Department => ({ id, nameZh: id, nameEn: id, parent });
const emp = (id: string, department: string, name = id): Employee => ({ id, name, title: 'rep', department, manager: null, roles: [], status: 'active' });

const DEPTS = [dept('hq', null), dept('sales', 'hq'), dept('east', 'sales'), dept('sh', 'east'), dept('finance', 'hq'), dept('orphan', 'gone')];

describe('department tree', () => {
  it('nests departments under their parents in display order; an unknown parent makes a root', () => {
    const flat = flatten(deptTree(DEPTS)).map((n) => `${'-'.repeat(n.depth)}${n.dept.id}`);
    expect(flat).toEqual(['hq', '-sales', '--east', '---sh', '-finance', 'orphan']);
  });

  it('survives a cycle without looping', () => {
    const flat = flatten(deptTree([dept('a', 'b'), dept('b', 'a'), dept('c', null)])).map((n) => n.dept.id);
    expect(flat).toEqual(['c']);
  });

  it('counts everyone in a department and below it', () => {
    const counts = headcounts(deptTree(DEPTS), [emp('E1', 'sh'), emp('E2', 'east'), emp('E3', 'finance'), emp('E4', 'hq')]);
    expect(Object.fromEntries(counts)).toEqual({ hq: 4, sales: 2, east: 2, sh: 1, finance: 1, orphan: 0 });
  });

  it('a subtree holds the department and everything below it', () => {
    expect([...subtree(DEPTS, 'sales')].sort()).toEqual(['east', 'sales', 'sh']);
  });
});

describe('employee filter', () => {
  const people = [emp('E1', 'sh', '王芳'), emp('E2', 'finance', 'Li Lei'), emp('E3', 'east', '张伟')];
  it('keeps the employees of the selected department and below', () => {
    expect(filterEmployees(people, DEPTS, 'sales', '').map((e) => e.id)).toEqual(['E1', 'E3']);
    expect(filterEmployees(people, DEPTS, null, '').map((e) => e.id)).toEqual(['E1', 'E2', 'E3']);
  });
  it('matches id, name or title, ignoring case', () => {
    expect(filterEmployees(people, DEPTS, null, 'li').map((e) => e.id)).toEqual(['E2']);
    expect(filterEmployees(people, DEPTS, null, '王').map((e) => e.id)).toEqual(['E1']);
    expect(filterEmployees(people, DEPTS, null, 'e3').map((e) => e.id)).toEqual(['E3']);
  });
});

describe('id rules', () => {
  it('follow the engine', () => {
    expect(ID_PATTERN.test('sales_east-1')).toBe(true);
    expect(ID_PATTERN.test('a b')).toBe(false);
    expect(ID_PATTERN.test('')).toBe(false);
    expect(ID_PATTERN.test('x'.repeat(65))).toBe(false);
    expect(FIELD_ID_PATTERN.test('customer.mobile')).toBe(true);
    expect(FIELD_ID_PATTERN.test('customer.')).toBe(false);
  });
});
