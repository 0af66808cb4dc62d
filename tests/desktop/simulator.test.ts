/**
 * The simulator in the real desktop app (tauri-driver + WebKitWebDriver under Xvfb) on a fresh
 * demo workspace: the live preview docked beside the matrix, viewing as a demo sales rep. What
 * the app shows is checked against the `permgrid` CLI's simulation of the same workspace, and a
 * matrix edit must reach the preview at once.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { PeopleDiff } from '../../ui/src/lib/backend/bindings/PeopleDiff';
import type { SimulationReport } from '../../ui/src/lib/backend/bindings/SimulationReport';
import { CLI_BINARY, appSessions, boxOf, permgrid, pointerDrag, screenshotDisplay } from './support';

const app = appSessions('permgrid-desktop-sim-');
const { scratch } = app;

/** Matrix grid geometry (ui/src/matrix/geometry.ts). */
const GRID = { fieldWidth: 300, roleWidth: 96, rowHeight: 30, headerHeight: 64 };

async function attr(b: WebdriverIO.Browser, testId: string, name: string): Promise<string | null> {
  return b.execute((id: string, a: string) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(a) ?? null, testId, name);
}

async function gridText(b: WebdriverIO.Browser, col: number, row: number): Promise<string> {
  const id = `glide-cell-${col}-${row}`;
  await b.waitUntil(async () => (await b.execute((x: string) => document.getElementById(x)?.textContent ?? '', id)) !== '', {
    timeout: 20_000,
    timeoutMsg: `grid cell ${col},${row} never drawn`,
  });
  return b.execute((x: string) => document.getElementById(x)?.textContent ?? '', id);
}

/** The CLI's simulation of an employee (every visible row). */
function simulated(workspace: string, employee: string): SimulationReport {
  return JSON.parse(permgrid(workspace, 'simulate', employee, '--format', 'json')) as SimulationReport;
}

describe('simulator in the desktop app', () => {
  it('views the demo as a sales rep: only their customers, restricted fields masked; a matrix edit reaches the live preview at once', async () => {
    const workspace = path.join(scratch, 'workspace.permgrid');
    const browser = await app.open({ ...process.env, PERMGRID_WORKSPACE: workspace, PERMGRID_ACTOR: 'desktop-sim' }, 'tauri-driver-sim');
    const b = browser;
    await b.$('[data-testid="matrix-grid"] canvas').waitForDisplayed({ timeout: 60_000 });
    await b.$('[data-testid="language-en"]').click();

    // What the engine says, through the CLI, for the same workspace.
    const cli = simulated(workspace, 'E018');
    const rows = cli.page.rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.owner === 'E018'), 'the CLI agrees: a rep sees only their own customers').toBe(true);

    // The simulator screen, as 李雷.
    await b.$('[data-testid="nav-simulator"]').click();
    await b.$('[data-testid="who-search"]').setValue('李雷');
    await b.$('[data-testid="who-pick-E018"]').click();
    await b.$('[data-testid="sim-sees"]').waitForDisplayed({ timeout: 30_000 });
    expect(await attr(b, 'sim-sees', 'data-visible')).toBe(String(rows.length));
    expect(await attr(b, 'sim-sees', 'data-total')).toBe('10000');

    const columns = (await attr(b, 'sim-grid', 'data-columns'))?.split(' ') ?? [];
    expect(columns).toEqual(cli.page.columns.map((c) => c.field));
    // A restricted field shown masked: the ID card number.
    const idCard = columns.indexOf('customer.id_card');
    expect(idCard, 'the rep sees the ID card column (masked)').toBeGreaterThanOrEqual(0);
    const shown = await gridText(b, 3 + idCard, 0);
    expect(shown).toMatch(/\*{4,}/);
    expect(shown).toBe(rows[0]?.cells[idCard]?.value);
    expect(rows[0]?.cells[idCard]?.level).toBe('masked');
    // Another rep's customers are absent: every row drawn is the rep's own.
    const others = new Set(simulated(workspace, 'E019').page.rows.map((r) => r.id));
    expect(others.size).toBeGreaterThan(0);
    for (let r = 0; r < Math.min(10, rows.length); r++) {
      const id = await gridText(b, 0, r);
      expect(others.has(id), `${id} belongs to another rep`).toBe(false);
      expect(await gridText(b, 2, r)).toBe('李雷');
    }
    screenshotDisplay('simulator-screen');

    // A view of thousands of customers (customer service role): the grid pages rows in from the
    // engine as they scroll into view; the last row is the engine's last.
    const csIds = execFileSync(CLI_BINARY, ['simulate', '--roles', 'customer_service', '--format', 'csv', '--workspace', workspace], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0] ?? '');
    expect(csIds.length).toBeGreaterThan(5000);
    await b.$('[data-testid="who-mode-roles"]').click();
    await b.$('[data-testid="who-role-customer_service"]').click();
    await b.waitUntil(async () => (await attr(b, 'sim-sees', 'data-visible')) === String(csIds.length), {
      timeout: 30_000,
      timeoutMsg: 'the customer service view never came',
    });
    const scrolled = Date.now();
    await b.execute(() => {
      const scroller = document.querySelector<HTMLElement>('[data-testid="sim-grid"] .dvn-scroller');
      if (scroller !== null) scroller.scrollTop = scroller.scrollHeight;
    });
    expect(await gridText(b, 0, csIds.length - 1)).toBe(csIds.at(-1));
    console.log(`simulator: last of ${csIds.length} rows drawn ${Date.now() - scrolled} ms after scrolling to the end`);
    screenshotDisplay('simulator-scrolled');
    await b.$('[data-testid="who-mode-employee"]').click();

    // Live preview beside the matrix: Hidden onto sales_rep x customer.mobile; the column goes.
    expect(columns).toContain('customer.mobile');
    await b.$('[data-testid="nav-matrix"]').click();
    await b.$('[data-testid="matrix-grid"] canvas').waitForDisplayed({ timeout: 30_000 });
    await b.$('[data-testid="preview-toggle"]').click();
    await b.$('[data-testid="preview-who-search"]').setValue('李雷');
    await b.$('[data-testid="preview-who-pick-E018"]').click();
    await b.$('[data-testid="sim-sees"]').waitForDisplayed({ timeout: 30_000 });
    await b.waitUntil(async () => (await attr(b, 'sim-grid', 'data-columns'))?.includes('customer.mobile') === true, { timeout: 30_000 });
    screenshotDisplay('simulator-preview-before');
    const chip = await boxOf(b, '[data-testid="chip-0"]');
    const grid = await boxOf(b, '[data-testid="matrix-grid"]');
    const started = Date.now();
    await pointerDrag(
      b,
      { x: chip.x + chip.width / 2, y: chip.y + chip.height / 2 },
      { x: grid.x + 1 + GRID.fieldWidth + GRID.roleWidth / 2, y: grid.y + 1 + GRID.headerHeight + 3 * GRID.rowHeight + GRID.rowHeight / 2 },
    );
    await b.waitUntil(async () => !((await attr(b, 'sim-grid', 'data-columns')) ?? '').split(' ').includes('customer.mobile'), {
      timeout: 30_000,
      timeoutMsg: 'the mobile column never left the preview',
    });
    const ms = Date.now() - started;
    expect(permgrid(workspace, 'export', 'matrix')).toMatch(/^customer\.mobile,hidden,/m);
    expect(await attr(b, 'sim-sees', 'data-visible'), 'the same customers, one column fewer').toBe(String(rows.length));
    screenshotDisplay('simulator-preview-after');
    console.log(`live preview: edit to updated view in ${ms} ms`);

    // Before and after that change, on the simulator screen: the rep loses the mobile column
    // on every customer he sees, and nothing else changes.
    await b.$('[data-testid="nav-simulator"]').click();
    await b.$('[data-testid="sim-tab-compare"]').click();
    await b.$('[data-testid="compare-mode-beforeAfter"]').click();
    await b.$('[data-testid="compare-a-search"]').setValue('李雷');
    await b.$('[data-testid="compare-a-pick-E018"]').click();
    await b.$('[data-testid="compare-run"]').click();
    await b.$('[data-testid="comparison"]').waitForDisplayed({ timeout: 30_000 });
    expect(await attr(b, 'comparison', 'data-fields')).toBe('1');
    expect(await attr(b, 'comparison', 'data-cells')).toBe(String(rows.length));
    expect(await attr(b, 'comparison', 'data-only-a')).toBe('0');
    const differing = await b.execute(() => [...document.querySelectorAll('[data-testid="compare-fields"] tbody tr')].map((r) => r.getAttribute('data-field')));
    expect(differing).toEqual(['customer.mobile']);
    screenshotDisplay('simulator-compare-before-after');

    // Who changes since the revision before that edit, person by person: what the app shows is
    // what the engine says through the CLI on the same file.
    const revisions = JSON.parse(permgrid(workspace, 'revisions', '--format', 'json')) as { id: number }[];
    const head = revisions.at(-1)?.id ?? 0;
    const diff = JSON.parse(permgrid(workspace, 'diff', String(head - 1), String(head), '--people', '--format', 'json')) as PeopleDiff;
    expect(diff.people.some((p) => p.employee === 'E018')).toBe(true);
    expect(diff.changes.every((c) => c.levels.every((l) => l.field === 'customer.mobile'))).toBe(true);
    await b.$('[data-testid="sim-tab-people"]').click();
    await b.$('[data-testid="people-run"]').click();
    await b.$('[data-testid="people-count"]').waitForDisplayed({ timeout: 30_000 });
    expect(await attr(b, 'people-count', 'data-changed')).toBe(String(diff.people.length));
    const cards = await b.execute(() => [...document.querySelectorAll('[data-testid="people-change"]')].map((c) => Number(c.getAttribute('data-people'))));
    expect(cards).toEqual(diff.changes.map((c) => c.people));
    const listed = await b.execute(() => [...document.querySelectorAll('[data-testid="people-change"] [data-employee]')].map((x) => x.getAttribute('data-employee')));
    expect(listed).toContain('E018');
    const rowsShown = await b.execute(() => [...document.querySelectorAll('[data-testid="people-levels"] tbody tr')].map((r) => r.getAttribute('data-field')));
    expect(new Set(rowsShown)).toEqual(new Set(['customer.mobile']));
    expect(await b.$('[data-testid="status-revision"]').getText(), 'the status bar still shows the revision the edit made').toBe(`Revision ${head}`);
    screenshotDisplay('simulator-people');

    // Who would change, before an edit is made: Hidden on sales_rep x customer.email (row 5),
    // previewed in the matrix editor, then applied from the dialog. What the dialog said is what
    // the CLI finds between the revisions around the edit.
    await b.$('[data-testid="nav-matrix"]').click();
    await b.$('[data-testid="matrix-grid"] canvas').waitForDisplayed({ timeout: 30_000 });
    const g = await boxOf(b, '[data-testid="matrix-grid"]');
    const email = { x: Math.round(g.x + 1 + GRID.fieldWidth + GRID.roleWidth / 2), y: Math.round(g.y + 1 + GRID.headerHeight + 5 * GRID.rowHeight + GRID.rowHeight / 2) };
    await b.action('pointer').move({ ...email, origin: 'viewport' }).down().up().perform();
    await b.$('[data-testid="impact"]').click();
    await b.$('[data-testid="people-count"]').waitForDisplayed({ timeout: 30_000 });
    expect(await attr(b, 'impact-cells', 'data-cells')).toBe('1');
    const wouldChange = await attr(b, 'people-count', 'data-changed');
    screenshotDisplay('matrix-impact');
    await b.$('[data-testid="impact-apply"]').click();
    await b.waitUntil(async () => (await attr(b, 'matrix-editor', 'data-save')) === 'saved' && (await attr(b, 'matrix-editor', 'data-revision')) === String(head + 1), {
      timeout: 30_000,
      timeoutMsg: 'the edit applied from the dialog was never saved',
    });
    expect(permgrid(workspace, 'export', 'matrix')).toMatch(/^customer\.email,hidden,/m);
    const made = JSON.parse(permgrid(workspace, 'diff', String(head), String(head + 1), '--people', '--format', 'json')) as PeopleDiff;
    expect(made.people.length).toBeGreaterThan(0);
    expect(String(made.people.length)).toBe(wouldChange);
  });
});
