/**
 * Driving the matrix grid with real pointer and keyboard input, and reading back what the mock
 * backend received. The grid's geometry is fixed (ui/src/matrix/geometry.ts): a frozen field
 * column, role columns of one width, rows of one height, under a header.
 */
import type { Page } from 'playwright-core';

export const GRID = { fieldWidth: 300, roleWidth: 96, rowHeight: 30, headerHeight: 64 } as const;

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export interface CellEditArg {
  role: string;
  field: string;
  cell: { level: string; approval: string | null } | null;
}

/** Waits for the editor and its grid to show the loaded matrix. */
export async function openEditor(page: Page): Promise<void> {
  await page.getByTestId('matrix-grid').waitFor();
  await page.locator('[data-testid="matrix-grid"] canvas').first().waitFor();
}

async function gridBox(page: Page) {
  const box = await page.getByTestId('matrix-grid').boundingBox();
  if (box === null) throw new Error('the grid is not on screen');
  // The grid sits inside a 1px border.
  return { x: box.x + 1, y: box.y + 1 };
}

/** The centre of grid cell (col, row) on screen, for an unscrolled grid (col 0 is the field column). */
export async function cellPoint(page: Page, col: number, row: number): Promise<{ x: number; y: number }> {
  const b = await gridBox(page);
  const x = col === 0 ? b.x + GRID.fieldWidth / 2 : b.x + GRID.fieldWidth + (col - 1) * GRID.roleWidth + GRID.roleWidth / 2;
  return { x, y: b.y + GRID.headerHeight + row * GRID.rowHeight + GRID.rowHeight / 2 };
}

/** The centre of a role column's header. */
export async function headerPoint(page: Page, col: number): Promise<{ x: number; y: number }> {
  const b = await gridBox(page);
  return { x: b.x + GRID.fieldWidth + (col - 1) * GRID.roleWidth + GRID.roleWidth / 2, y: b.y + GRID.headerHeight / 2 };
}

/** Presses a chip of the palette and drags it, in small pointer moves, to a point. */
export async function dragChip(page: Page, chip: string, to: { x: number; y: number }): Promise<void> {
  const box = await page.getByTestId(`chip-${chip}`).boundingBox();
  if (box === null) throw new Error(`chip ${chip} is not on screen`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** Waits until the grid has the keyboard focus (it takes it a frame after a click selects a cell). */
export async function gridFocused(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-testid="matrix-grid"]')?.contains(document.activeElement) === true);
}

export async function clickCell(page: Page, col: number, row: number, modifiers: ('Shift' | 'Control')[] = []): Promise<void> {
  const p = await cellPoint(page, col, row);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(p.x, p.y);
  for (const m of modifiers) await page.keyboard.up(m);
  await gridFocused(page);
}

/** Press at one cell, drag to another, release: a paint stroke when a chip is armed. */
export async function strokeCells(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await cellPoint(page, from[0], from[1]);
  const b = await cellPoint(page, to[0], to[1]);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
}

export function calls(page: Page): Promise<Call[]> {
  return page.evaluate(() => (window as unknown as { __permgridMock: { calls: Call[] } }).__permgridMock.calls);
}

/** The edit_cells calls received so far, each with its edits. */
export async function cellEdits(page: Page): Promise<CellEditArg[][]> {
  return (await calls(page)).filter((c) => c.cmd === 'edit_cells').map((c) => c.args.edits as CellEditArg[]);
}

/** A cell as the mock workspace holds it now (`read`, `masked+read`, `` when undecided). */
export function storedCell(page: Page, role: string, field: string): Promise<string> {
  return page.evaluate(([r, f]) => (window as unknown as { __permgridMock: { cell: (r: string, f: string) => string } }).__permgridMock.cell(r, f), [role, field] as const);
}

export function storedRoles(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __permgridMock: { roles: () => string[] } }).__permgridMock.roles());
}

export function storedPolicy(page: Page, role: string, object: string): Promise<{ scope: string; maxTier: string | null; actions: string[] }> {
  return page.evaluate(
    ([r, o]) =>
      (window as unknown as { __permgridMock: { policy: (r: string, o: string) => { scope: string; maxTier: string | null; actions: string[] } } }).__permgridMock.policy(r, o),
    [role, object] as const,
  );
}

/** Waits until every change is saved (the status bar says so). */
export async function saved(page: Page): Promise<void> {
  await page.locator('[data-testid="status-save"][data-save="saved"]').waitFor();
}

/**
 * The text the grid gives a cell in its accessibility tree (what a screen reader reads), once
 * it reads `expected` (the tree is refreshed a moment after a change) or after 5 s.
 */
export async function cellLabel(page: Page, col: number, row: number, expected: string | RegExp): Promise<string> {
  const read = () => page.evaluate((id) => document.getElementById(id)?.textContent ?? '', `glide-cell-${col}-${row}`);
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = await read();
    if ((typeof expected === 'string' ? text === expected : expected.test(text)) || Date.now() > deadline) return text;
    await page.waitForTimeout(50);
  }
}
