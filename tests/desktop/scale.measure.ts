/**
 * A measurement, not part of the test suite (`npm --prefix tests run measure:desktop`, see
 * docs/benchmarks.md): the real app on the workspace `PERMGRID_SCALE_WORKSPACE` names, of 500
 * roles x 5,000 fields (the store benchmark's fixture, `cargo bench -p permgrid-engine --bench
 * store` builds it in `$CARGO_TARGET_DIR/bench-fixtures/big-500x5000.permgrid`). Paints a 10,000-cell range (100 x 100) with a chip dropped on a
 * selection, undoes it, and writes what the status bar measured (applied and redrawn; saved
 * through IPC and the engine) to tests/desktop/output/timings-scale.json.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Key } from 'webdriverio';

import { SHOTS, appSessions, boxOf, pointerDrag, screenshotDisplay } from './support';

const source = process.env.PERMGRID_SCALE_WORKSPACE;
if (source === undefined) throw new Error('set PERMGRID_SCALE_WORKSPACE to a workspace of 500 roles x 5,000 fields');
const { scratch, open } = appSessions('permgrid-desktop-scale-');

const GRID = { fieldWidth: 300, roleWidth: 96, rowHeight: 30, headerHeight: 64 };

async function status(b: WebdriverIO.Browser) {
  const el = b.$('[data-testid="status-timing"]');
  return { cells: await el.getAttribute('data-cells'), paint: Number(await el.getAttribute('data-paint-ms')), save: Number(await el.getAttribute('data-save-ms')) };
}

async function waitSaved(b: WebdriverIO.Browser, revision: number) {
  await b.waitUntil(async () => (await b.$('[data-testid="matrix-editor"]').getAttribute('data-save')) === 'saved' && (await b.$('[data-testid="matrix-editor"]').getAttribute('data-revision')) === String(revision), {
    timeout: 60_000,
  });
}

describe('permgrid-app on 500 roles x 5,000 fields', () => {
  it('paints and undoes a 10,000-cell range', async () => {
    const workspace = path.join(scratch, 'scale.permgrid');
    copyFileSync(source, workspace);
    const started = Date.now();
    const browser = await open({ ...process.env, PERMGRID_WORKSPACE: workspace }, 'tauri-driver-scale');
    await browser.$('[data-testid="matrix-grid"][data-cols="501"]').waitForExist({ timeout: 60_000 });
    const loadMs = Date.now() - started;
    await browser.$('[data-testid="language-en"]').click();
    const revision = Number(await browser.$('[data-testid="matrix-editor"]').getAttribute('data-revision'));

    // Select 100 x 100 from the far corner back to cell (1, 1), so the grid ends scrolled home.
    const grid = await boxOf(browser, '[data-testid="matrix-grid"]');
    const cell = (col: number, row: number) => ({
      x: Math.round(grid.x + 1 + GRID.fieldWidth + (col - 1) * GRID.roleWidth + GRID.roleWidth / 2),
      y: Math.round(grid.y + 1 + GRID.headerHeight + row * GRID.rowHeight + GRID.rowHeight / 2),
    });
    await browser.action('pointer').move({ ...cell(1, 1), origin: 'viewport' }).down().up().perform();
    await browser.waitUntil(() => browser.execute(() => document.querySelector('[data-testid="matrix-grid"]')?.contains(document.activeElement) === true));
    for (let i = 0; i < 99; i++) await browser.keys([Key.ArrowRight]);
    for (let i = 0; i < 99; i++) await browser.keys([Key.ArrowDown]);
    for (let i = 0; i < 99; i++) await browser.keys([Key.Shift, Key.ArrowLeft]);
    for (let i = 0; i < 99; i++) await browser.keys([Key.Shift, Key.ArrowUp]);

    const chip = await boxOf(browser, '[data-testid="chip-3"]');
    await pointerDrag(browser, { x: chip.x + chip.width / 2, y: chip.y + chip.height / 2 }, cell(1, 1));
    await waitSaved(browser, revision + 1);
    const paint = await status(browser);
    expect(paint.cells).toBe('10000');
    screenshotDisplay('window-scale-painted');

    await browser.$('[data-testid="undo"]').click();
    await waitSaved(browser, revision + 2);
    const undo = await status(browser);

    const timings = { loadMs, paintCells: 10_000, paintAppliedAndRedrawnMs: paint.paint, paintSavedMs: paint.save, undoAppliedAndRedrawnMs: undo.paint, undoSavedMs: undo.save };
    writeFileSync(path.join(SHOTS, 'timings-scale.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log('desktop scale timings:', JSON.stringify(timings));
  });
});
