import { describe, expect, it } from 'vitest';

import { chipOnRect, copyText, parseClipboard, pasteChanges } from './actions';
import { smallView } from './testFixture';
import { NO_FILTER, buildLayout } from './layout';
import { UNDECIDED, makeCode } from './levels';
import { MatrixModel } from './model';

function setup() {
  const model = MatrixModel.fromView(smallView());
  return { model, layout: buildLayout(model, NO_FILTER, '') };
}

describe('chips on a rectangle', () => {
  it('changes only the cells that differ, naming them by id with before and after', () => {
    const { model, layout } = setup();
    // Rows 1-2 (customer.name: edit, edit; customer.mobile: read, read) x roles rep, mgr.
    const changes = chipOnRect(model, layout, { x: 1, y: 1, width: 2, height: 2 }, 3);
    expect(changes).toEqual([
      { role: 'rep', field: 'customer.mobile', before: 2, after: 3 },
      { role: 'mgr', field: 'customer.mobile', before: 2, after: 3 },
    ]);
  });

  it('on the field column: every role for that field', () => {
    const { model, layout } = setup();
    const changes = chipOnRect(model, layout, { x: 0, y: 3, width: 1, height: 1 }, 0);
    expect(changes.map((c) => `${c.role}:${c.before}->${c.after}`)).toEqual([`rep:${UNDECIDED}->0`, `mgr:${UNDECIDED}->0`, `fin:${UNDECIDED}->0`]);
  });
});

describe('copy and paste', () => {
  it('copies a range as tab-separated keywords, headings skipped', () => {
    const { model, layout } = setup();
    expect(copyText(model, layout, { x: 1, y: 3, width: 3, height: 3 })).toBe('\t\t\nmasked+read\tmasked\thidden');
  });

  it('pastes rows onto field rows from the target, skipping headings and unknown text', () => {
    const { model, layout } = setup();
    const changes = pasteChanges(model, layout, [2, 3], parseClipboard('read\tedit\nxx\tread+edit\n'));
    expect(changes).toEqual([
      { role: 'mgr', field: 'customer.wechat', before: UNDECIDED, after: 2 },
      { role: 'fin', field: 'customer.wechat', before: UNDECIDED, after: 3 },
      { role: 'fin', field: 'customer.id_card', before: 0, after: makeCode(2, 3) },
    ]);
  });

  it('fills a selected range with a single pasted value', () => {
    const { model, layout } = setup();
    const changes = pasteChanges(model, layout, [1, 1], [['masked']], { x: 1, y: 1, width: 3, height: 2 });
    expect(changes).toHaveLength(6);
    expect(changes.every((c) => c.after === 1)).toBe(true);
  });

  it('reads spreadsheet text: tabs, CRLF, a trailing newline; commas when there is no tab', () => {
    expect(parseClipboard('a\tb\r\nc\td\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseClipboard('read,edit')).toEqual([['read', 'edit']]);
  });
});
