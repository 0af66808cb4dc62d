import { describe, expect, it } from 'vitest';

import { UNDECIDED, applyChip, approvalOf, fromCell, fromViewChar, keyword, levelOf, makeCode, parseCellText, toCell } from './levels';

describe('cell codes', () => {
  it('round-trip every cell the engine can hold', () => {
    const cells = [null, ...(['hidden', 'masked', 'read', 'edit'] as const).map((level) => ({ level, approval: null }))];
    cells.push({ level: 'hidden', approval: 'masked' } as never, { level: 'masked', approval: 'read' } as never, { level: 'read', approval: 'edit' } as never, { level: 'masked', approval: 'edit' } as never);
    for (const cell of cells) expect(toCell(fromCell(cell))).toEqual(cell);
  });

  it('never gate a level behind one that is not higher', () => {
    expect(makeCode(2, 1)).toBe(2);
    expect(makeCode(2, 2)).toBe(2);
    expect(approvalOf(makeCode(1, 2))).toBe(2);
  });

  it('read the compact view: digits, and `.` for undecided', () => {
    expect(fromViewChar('0')).toBe(0);
    expect(fromViewChar('3')).toBe(3);
    expect(fromViewChar('.')).toBe(UNDECIDED);
    expect(levelOf(UNDECIDED), 'undecided is hidden until decided').toBe(0);
  });
});

describe('chips', () => {
  it('set a plain level, dropping any approval', () => {
    expect(applyChip(makeCode(1, 2), 3)).toBe(3);
    expect(applyChip(UNDECIDED, 0), 'Hidden decides an undecided cell').toBe(0);
  });

  it('"+approval" gates the next level up, and leaves gated and edit cells alone', () => {
    expect(toCell(applyChip(1, 'approval'))).toEqual({ level: 'masked', approval: 'read' });
    expect(toCell(applyChip(UNDECIDED, 'approval'))).toEqual({ level: 'hidden', approval: 'masked' });
    expect(applyChip(makeCode(0, 3), 'approval')).toBe(makeCode(0, 3));
    expect(applyChip(3, 'approval')).toBe(3);
  });
});

describe('clipboard text', () => {
  it('uses the matrix CSV keywords', () => {
    expect(keyword(2)).toBe('read');
    expect(keyword(makeCode(1, 2))).toBe('masked+read');
    expect(keyword(UNDECIDED)).toBe('');
  });

  it('parses keywords, digits, letters and the Chinese names; refuses what it does not know', () => {
    expect(parseCellText(' Read ')).toBe(2);
    expect(parseCellText('masked+read')).toBe(makeCode(1, 2));
    expect(parseCellText('0')).toBe(0);
    expect(parseCellText('E')).toBe(3);
    expect(parseCellText('脱敏+只读')).toBe(makeCode(1, 2));
    expect(parseCellText('可编辑')).toBe(3);
    expect(parseCellText(''), 'an empty cell leaves the target alone').toBeUndefined();
    expect(parseCellText('reed')).toBeUndefined();
    expect(parseCellText('read+masked'), 'approval must be higher').toBeUndefined();
    expect(parseCellText('read+edit+edit')).toBeUndefined();
  });
});
