import { describe, expect, it } from 'vitest';

import { smallView } from './testFixture';
import { UNDECIDED, makeCode } from './levels';
import { MatrixModel, roleOf } from './model';

describe('MatrixModel', () => {
  it('unpacks the compact view: one byte per cell, gated cells, undecided counts', () => {
    const m = MatrixModel.fromView(smallView());
    expect(m.get(0, 0)).toBe(2);
    expect(m.get(3, 0), 'rep: masked, read with approval').toBe(makeCode(1, 2));
    expect(m.get(4, 2)).toBe(UNDECIDED);
    expect([...m.undecided]).toEqual([0, 0, 0, 0, 3]);
    expect(m.fieldsToReview()).toEqual([4]);
    expect(m.tiers.map((t) => t.id), 'tiers by rank').toEqual(['std', 'key']);
  });

  it('applies changes by id, keeps the review counts, and skips cells that are gone', () => {
    const m = MatrixModel.fromView(smallView());
    const changes = [
      { role: 'rep', field: 'customer.wechat', before: UNDECIDED, after: 0 },
      { role: 'mgr', field: 'customer.wechat', before: UNDECIDED, after: 2 },
      { role: 'gone', field: 'customer.wechat', before: UNDECIDED, after: 2 },
    ];
    m.apply(changes, 'after');
    expect(m.undecided[4]).toBe(1);
    expect(m.getById('mgr', 'customer.wechat')).toBe(2);
    m.apply(changes, 'before');
    expect(m.undecided[4]).toBe(3);
    expect(m.getById('mgr', 'customer.wechat')).toBe(UNDECIDED);
  });

  it('reorders roles without moving cells', () => {
    const m = MatrixModel.fromView(smallView());
    const order = MatrixModel.moved(m.orderedRoleIds(), 0, 2);
    expect(order).toEqual(['mgr', 'fin', 'rep']);
    m.setOrder(order);
    expect(m.order).toEqual([1, 2, 0]);
    expect(m.getById('rep', 'deal.amount')).toBe(2);
    m.setOrder(['mgr', 'rep']);
    expect(m.order, 'an order that misses a role is refused').toEqual([1, 2, 0]);
  });

  it('gives every role a policy, "nothing" when none is set', () => {
    const m = MatrixModel.fromView(smallView());
    expect(m.policy('rep', 'customer').scope).toBe('own');
    expect(m.policy('fin', 'deal')).toEqual({ role: 'fin', object: 'deal', scope: 'none', maxTier: null, actions: Array(8).fill('deny') });
  });

  it('turns a column back into the role it shows', () => {
    const m = MatrixModel.fromView(smallView());
    const role = m.roles[1];
    expect(role && roleOf(role)).toEqual({ id: 'mgr', nameZh: '销售经理', nameEn: 'Sales manager', rank: 3, inherits: ['rep'], description: '' });
  });
});
