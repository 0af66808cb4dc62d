import { describe, expect, it } from 'vitest';

import { smallView } from './testFixture';
import { NO_FILTER, buildLayout, cellsIn, fieldRowsFrom } from './layout';
import { MatrixModel } from './model';

const model = () => MatrixModel.fromView(smallView());

describe('buildLayout', () => {
  it('groups fields by object (in object order) and category, with a heading row per group', () => {
    const l = buildLayout(model(), NO_FILTER, '');
    expect(l.rows.map((r) => (r.kind === 'group' ? `# ${r.object}/${r.category}` : r.field))).toEqual([
      '# customer/basic',
      1,
      2,
      4,
      '# customer/sensitive',
      3,
      '# deal/business',
      0,
    ]);
    expect(l.slots).toEqual([0, 1, 2]);
    expect(l.shownFields).toBe(5);
    expect(l.rowOfField.get(3)).toBe(5);
  });

  it('filters fields by text (either language or id), object, sensitivity and review state', () => {
    const m = model();
    const fields = (f: Partial<typeof NO_FILTER>) =>
      buildLayout(m, { ...NO_FILTER, ...f }, '')
        .rows.flatMap((r) => (r.kind === 'field' ? [m.fields[r.field]?.id] : []));
    expect(fields({ text: '手机' })).toEqual(['customer.mobile']);
    expect(fields({ text: 'MOBILE' })).toEqual(['customer.mobile']);
    expect(fields({ text: 'deal.' })).toEqual(['deal.amount']);
    expect(fields({ object: 'deal' })).toEqual(['deal.amount']);
    expect(fields({ sensitivity: 'restricted' })).toEqual(['customer.id_card']);
    expect(fields({ reviewOnly: true })).toEqual(['customer.wechat']);
  });

  it('filters roles by name or id, in display order', () => {
    const m = model();
    m.setOrder(['fin', 'rep', 'mgr']);
    expect(buildLayout(m, NO_FILTER, 'sales').slots).toEqual([0, 1]);
    expect(buildLayout(m, NO_FILTER, '').slots).toEqual([2, 0, 1]);
    expect(buildLayout(m, NO_FILTER, '财务').slots).toEqual([2]);
  });
});

describe('cellsIn', () => {
  const l = buildLayout(model(), NO_FILTER, '');

  it('maps a rectangle to fields and roles, skipping headings inside it', () => {
    expect(cellsIn(l, { x: 1, y: 1, width: 2, height: 5 })).toEqual({ fields: [1, 2, 4, 3], slots: [0, 1] });
  });

  it('reads a heading alone as its whole group, and the field column alone as every role', () => {
    expect(cellsIn(l, { x: 2, y: 0, width: 1, height: 1 })).toEqual({ fields: [1, 2, 4], slots: [1] });
    expect(cellsIn(l, { x: 0, y: 2, width: 1, height: 1 })).toEqual({ fields: [2], slots: [0, 1, 2] });
    expect(cellsIn(l, { x: 0, y: 2, width: 4, height: 1 }), 'a whole row').toEqual({ fields: [2], slots: [0, 1, 2] });
  });

  it('lists the field rows from a row on, for pasting', () => {
    expect(fieldRowsFrom(l, 3)).toEqual([4, 3, 0]);
  });
});
