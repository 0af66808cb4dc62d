import { describe, expect, it } from 'vitest';

import { GRID, type Geometry, locate } from './geometry';

// A grid at (100, 50), 1000 x 600, scrolled by 2.5 role columns and 10 rows.
const g: Geometry = {
  left: 100,
  top: 50,
  width: 1000,
  height: 600,
  originX: 100 + GRID.fieldWidth - 2.5 * GRID.roleWidth,
  originY: 50 + GRID.headerHeight - 10 * GRID.rowHeight,
  cols: 501,
  rows: 5016,
};

describe('locate', () => {
  it('finds cells under the scrolled body', () => {
    expect(locate(100 + GRID.fieldWidth + 1, 50 + GRID.headerHeight + 1, g)).toEqual({ kind: 'cell', col: 3, row: 10 });
    expect(locate(100 + GRID.fieldWidth + GRID.roleWidth, 50 + GRID.headerHeight + 2 * GRID.rowHeight + 29, g)).toEqual({ kind: 'cell', col: 4, row: 12 });
  });

  it('finds the frozen field column and the frozen headers', () => {
    expect(locate(120, 50 + GRID.headerHeight + 5, g)).toEqual({ kind: 'rowHeader', row: 10 });
    expect(locate(100 + GRID.fieldWidth + 10, 60, g)).toEqual({ kind: 'columnHeader', col: 3 });
    expect(locate(120, 60, g)).toEqual({ kind: 'corner' });
  });

  it('is outside beyond the box or the last row and column', () => {
    expect(locate(99, 300, g)).toEqual({ kind: 'outside' });
    expect(locate(1100, 300, g)).toEqual({ kind: 'outside' });
    expect(locate(500, 300, { ...g, rows: 3 })).toEqual({ kind: 'outside' });
    expect(locate(1050, 300, { ...g, cols: 4, originX: g.left + GRID.fieldWidth })).toEqual({ kind: 'outside' });
  });
});
