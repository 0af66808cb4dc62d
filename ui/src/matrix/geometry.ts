/**
 * Where a point of the screen falls on the grid, for drops driven by pointer events (a chip
 * dragged from the palette). Every role column has the same width and every row the same
 * height, so one reference point (the top-left corner of cell (1, 0) as the grid reports it,
 * scrolled) places any point exactly.
 */

export const GRID = {
  /** The frozen field column. */
  fieldWidth: 300,
  roleWidth: 96,
  rowHeight: 30,
  headerHeight: 64,
} as const;

export type Spot =
  | { kind: 'cell'; col: number; row: number }
  | { kind: 'rowHeader'; row: number }
  | { kind: 'columnHeader'; col: number }
  | { kind: 'corner' }
  | { kind: 'outside' };

export interface Geometry {
  /** The grid's box on screen. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** Screen position of the top-left corner of cell (column 1, row 0), after scrolling. */
  originX: number;
  originY: number;
  /** Grid columns (field column included) and rows. */
  cols: number;
  rows: number;
}

export function locate(x: number, y: number, g: Geometry, sizes: typeof GRID = GRID): Spot {
  if (x < g.left || y < g.top || x >= g.left + g.width || y >= g.top + g.height) return { kind: 'outside' };
  const inHeader = y < g.top + sizes.headerHeight;
  const inFieldColumn = x < g.left + sizes.fieldWidth;
  const col = inFieldColumn ? 0 : 1 + Math.floor((x - g.originX) / sizes.roleWidth);
  const row = Math.floor((y - g.originY) / sizes.rowHeight);
  if (col >= g.cols) return { kind: 'outside' };
  if (inHeader) return col === 0 ? { kind: 'corner' } : { kind: 'columnHeader', col };
  if (row < 0 || row >= g.rows) return { kind: 'outside' };
  return col === 0 ? { kind: 'rowHeader', row } : { kind: 'cell', col, row };
}
