import { describe, expect, it } from 'vitest';

import type { Directory } from '../lib/backend';
import { searchEmployees, whoKey } from './who';

const dir: Directory = {
  departments: [
    { id: 'sales', nameZh: '销售部', nameEn: 'Sales', parent: null },
    { id: 'sales_sh', nameZh: '上海团队', nameEn: 'Shanghai Team', parent: 'sales' },
    { id: 'finance', nameZh: '财务部', nameEn: 'Finance', parent: null },
  ],
  employees: [
    { id: 'E1', name: '李雷', title: '销售代表', department: 'sales_sh', manager: null, roles: ['sales_rep'], status: 'active' },
    { id: 'E2', name: '韩梅梅', title: '财务经理', department: 'finance', manager: null, roles: ['finance'], status: 'active' },
  ],
  roles: [],
  fields: [],
  tiers: [],
};

describe('simulator helpers', () => {
  it('finds employees by name, by department and by a parent department, in either language', () => {
    expect(searchEmployees(dir, '李').map((e) => e.id)).toEqual(['E1']);
    expect(searchEmployees(dir, 'shanghai').map((e) => e.id)).toEqual(['E1']);
    expect(searchEmployees(dir, '销售部').map((e) => e.id)).toEqual(['E1']);
    expect(searchEmployees(dir, 'finance').map((e) => e.id)).toEqual(['E2']);
    expect(searchEmployees(dir, 'nobody')).toEqual([]);
  });

  it('keys a who as the fixtures do', () => {
    expect(whoKey({ kind: 'employee', id: 'E018' })).toBe('employee:E018');
    expect(whoKey({ kind: 'roles', roles: ['sales_rep', 'finance'], department: null })).toBe('roles:sales_rep+finance');
  });
});
