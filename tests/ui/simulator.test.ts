/**
 * The simulator ("view as"), its explanations, compare and who-can, in Chromium against the mock
 * backend. The mock answers the simulator from fixtures the real engine wrote for the demo
 * workspace (ui/src/lib/backend/fixtures/simulator.json, made by `cargo test`), so every expected
 * value here is read from that file: the flows check that the UI shows what the engine decided.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { SimFixtures } from '../../ui/src/lib/backend/bindings/SimFixtures';
import type { SimulationReport } from '../../ui/src/lib/backend/bindings/SimulationReport';
import { ROOT } from '../support/paths';
import { calls, cellPoint, dragChip, openEditor, saved } from './grid';
import { screenshot, sharedMockApp } from './support';

const FX = JSON.parse(readFileSync(path.join(ROOT, 'ui/src/lib/backend/fixtures/simulator.json'), 'utf8')) as SimFixtures;
/** ui/src/simulator/SimGrid.tsx: customer, tier and owner columns, then one per field. */
const SIM_GRID = { rowHeight: 32, headerHeight: 36, fixed: [110, 96, 96], fieldWidth: 150 };

function view(key: string): SimulationReport {
  const v = FX.views[key];
  if (v === undefined) throw new Error(`no fixture view ${key}`);
  return v;
}

const app = sharedMockApp();
let loads = 0;

async function open(hash: string, query = ''): Promise<Page> {
  const { page } = app.browser;
  await page.evaluate(() => {
    localStorage.clear();
  });
  loads++;
  const params = new URLSearchParams(query);
  params.set('load', String(loads));
  await page.goto(`${app.server.url}?${params.toString()}${hash}`);
  return page;
}

/** Types into a picker's search and picks an employee from the matches. */
async function pick(page: Page, picker: string, search: string, id: string): Promise<void> {
  await page.getByTestId(`${picker}-search`).fill(search);
  await page.getByTestId(`${picker}-pick-${id}`).click();
}

async function gridCellText(page: Page, col: number, row: number): Promise<string> {
  const id = `glide-cell-${col}-${row}`;
  await page.waitForFunction((x) => (document.getElementById(x)?.textContent ?? '') !== '', id);
  return page.evaluate((x) => document.getElementById(x)?.textContent ?? '', id);
}

async function gridCellPoint(page: Page, col: number, row: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('sim-grid').boundingBox();
  if (box === null) throw new Error('no simulator grid');
  let x = box.x + 1;
  for (let c = 0; c < col; c++) x += c < 3 ? (SIM_GRID.fixed[c] ?? 0) : SIM_GRID.fieldWidth;
  x += col < 3 ? (SIM_GRID.fixed[col] ?? 0) / 2 : SIM_GRID.fieldWidth / 2;
  return { x, y: box.y + 1 + SIM_GRID.headerHeight + row * SIM_GRID.rowHeight + SIM_GRID.rowHeight / 2 };
}

/** The first masked cell of the view among the first `maxCol` field columns: [row, column]. */
function firstMasked(v: SimulationReport, maxCol: number): [number, number] {
  for (const [r, row] of v.page.rows.slice(0, 3).entries()) {
    const c = row.cells.findIndex((cell, i) => i < maxCol && cell.level === 'masked');
    if (c >= 0) return [r, c];
  }
  throw new Error('the fixture has no masked cell in its first rows');
}

describe('simulator', () => {
  it('shows a sales rep the customers they own, hidden columns absent, masked values masked, actions and the bulk-export alert', async () => {
    const rep = view('employee:E018');
    const page = await open('#simulator');
    await pick(page, 'who', '李雷', 'E018');
    const sees = page.getByTestId('sim-sees');
    await sees.waitFor();
    expect(await sees.getAttribute('data-visible')).toBe(String(rep.page.visible));
    expect(await sees.innerText()).toContain(`sees ${rep.page.visible.toLocaleString('en-US')} of ${rep.page.total.toLocaleString('en-US')} customers`);
    expect(rep.page.visible).toBeLessThan(rep.page.total);

    const shown = (await page.getByTestId('sim-grid').getAttribute('data-columns'))?.split(' ');
    expect(shown).toEqual(rep.page.columns.map((c) => c.field));
    const hidden = FX.directory.fields.filter((f) => !shown?.includes(f.id));
    expect(hidden.length, 'some customer fields are hidden from a sales rep and absent from the table').toBeGreaterThan(0);

    // Every row is the rep's own: the owner column names 李雷 on the rows drawn.
    for (let r = 0; r < Math.min(8, rep.page.visible); r++) {
      expect(await gridCellText(page, 0, r)).toBe(rep.page.rows[r]?.id);
      expect(await gridCellText(page, 2, r)).toBe('李雷');
    }
    const [mr, mc] = firstMasked(rep, 6);
    const masked = rep.page.rows[mr]?.cells[mc]?.value ?? '';
    expect(masked).toMatch(/\*/);
    expect(await gridCellText(page, 3 + mc, mr)).toBe(masked);

    const first = rep.page.rows[0];
    for (const a of ['export', 'share', 'transfer'] as const) {
      const want = first?.actions.find((x) => x.action === a);
      expect(await page.getByTestId(`sim-action-${a}`).getAttribute('data-effect')).toBe(want?.effect);
    }
    const bulk = page.getByTestId('sim-action-bulk_export');
    expect(await bulk.getAttribute('data-effect')).toBe(rep.bulkExport.effect);
    expect(await bulk.getAttribute('data-alert')).toBe(rep.bulkExport.alert ? 'yes' : 'no');
    await screenshot(page, 'simulator-en');
  });

  it('raises the bulk-export alert for a view over the threshold (a manager), naming the guardrail', async () => {
    const manager = view('employee:E012');
    const page = await open('#simulator');
    await pick(page, 'who', '韩梅梅', 'E012');
    await page.getByTestId('sim-sees').waitFor();
    const bulk = page.getByTestId('sim-action-bulk_export');
    expect(await bulk.getAttribute('data-effect')).toBe(manager.bulkExport.effect);
    expect(await bulk.getAttribute('data-alert')).toBe(manager.bulkExport.alert ? 'yes' : 'no');
    if (manager.bulkExport.alert) {
      expect(await bulk.innerText()).toContain('raises a sensitive-operation alert');
      const names = manager.bulkExport.guardrails.map((g) => g.nameEn);
      for (const n of names) expect(await page.getByTestId('sim-bulk-rules').innerText()).toContain(n);
    }
  });

  it('finds employees by department, and simulates a set of roles', async () => {
    const page = await open('#simulator');
    await page.getByTestId('who-search').fill('Shanghai Team');
    const team = FX.directory.employees.filter((e) => e.department === 'sales_east_sh').map((e) => e.id);
    expect(team.length).toBeGreaterThan(1);
    for (const id of team) await page.getByTestId(`who-pick-${id}`).waitFor();
    expect(await page.locator('[data-testid="who-matches"] li').count()).toBe(team.length);

    const cs = view('roles:customer_service');
    await page.getByTestId('who-mode-roles').check();
    await page.getByTestId('who-role-customer_service').check();
    const sees = page.getByTestId('sim-sees');
    await sees.waitFor();
    expect(await sees.getAttribute('data-visible')).toBe(String(cs.page.visible));
    expect(await page.getByTestId('sim-grid').getAttribute('data-columns')).toBe(cs.page.columns.map((c) => c.field).join(' '));
  });

  it('explains a clicked cell with its reasons and the change that would grant more, in English and Chinese', async () => {
    const rep = view('employee:E018');
    const page = await open('#simulator');
    await pick(page, 'who', '李雷', 'E018');
    await page.getByTestId('sim-sees').waitFor();
    const [mr, mc] = firstMasked(rep, 6);
    const field = rep.page.columns[mc]?.field ?? '';
    const customer = rep.page.rows[mr]?.id ?? '';
    const ex = FX.explanations[`employee:E018|${field}|${customer}`];
    if (ex === undefined) throw new Error('no fixture explanation for the clicked cell');
    const p = await gridCellPoint(page, 3 + mc, mr);
    await page.mouse.click(p.x, p.y);
    const panel = page.getByTestId('sim-explain');
    await panel.waitFor();
    expect(await page.getByTestId('sim-explain-level').getAttribute('data-level')).toBe('masked');
    const reasons = await page.locator('[data-testid="sim-explain-reasons"] li').allInnerTexts();
    expect(reasons).toEqual(ex.text.en);
    const kinds = await page.locator('[data-testid="sim-explain-suggestions"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(ex.suggestions.map((s) => s.kind));
    expect(kinds.length, 'a masked cell can be raised somehow').toBeGreaterThan(0);
    await screenshot(page, 'simulator-explain-en');

    await page.getByTestId('language-zh').click();
    await page.waitForFunction((first) => document.querySelector('[data-testid="sim-explain-reasons"] li')?.textContent === first, ex.text.zh[0] ?? '');
    expect(await page.locator('[data-testid="sim-explain-reasons"] li').allInnerTexts()).toEqual(ex.text.zh);
    expect(await page.getByTestId('sim-sees').innerText()).toContain(`可见 ${rep.page.visible.toLocaleString('zh-CN')} / ${rep.page.total.toLocaleString('zh-CN')} 个客户`);
    await screenshot(page, 'simulator-zh');
  });

  it('compares two employees side by side, counting and highlighting the differences', async () => {
    const c = FX.comparisons['employee:E018|employee:E012'];
    if (c === undefined) throw new Error('no fixture comparison');
    const page = await open('#simulator');
    await page.getByTestId('sim-tab-compare').click();
    await pick(page, 'compare-a', '李雷', 'E018');
    await pick(page, 'compare-b', '韩梅梅', 'E012');
    await page.getByTestId('compare-run').click();
    const result = page.getByTestId('comparison');
    await result.waitFor();
    expect(await result.getAttribute('data-only-a')).toBe(String(c.onlyACount));
    expect(await result.getAttribute('data-only-b')).toBe(String(c.onlyBCount));
    expect(await result.getAttribute('data-cells')).toBe(String(c.cellsDiffering));
    expect(await page.getByTestId('compare-only-b').innerText()).toBe(`Only B sees ${c.onlyBCount.toLocaleString('en-US')}`);
    const differing = c.fields.filter((f) => f.aHigher > 0 || f.bHigher > 0).map((f) => f.field);
    expect(differing.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="compare-fields"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))).toEqual(differing);
    expect(await page.locator('[data-testid="compare-fields"] td.sim-diff').count(), 'differences are highlighted').toBeGreaterThan(0);
    await screenshot(page, 'compare-en');

    // Before/after needs earlier revisions, which the mock does not keep: it says so.
    await page.getByTestId('compare-mode-beforeAfter').check();
    await page.getByTestId('compare-run').click();
    expect(await page.getByTestId('error-code').innerText()).toBe('notFound');
  });

  it('lists who can see a field, at what level and why', async () => {
    const w = FX.whoCan['customer.id_card|read|'];
    if (w === undefined) throw new Error('no fixture who-can');
    const page = await open('#simulator');
    await page.getByTestId('sim-tab-whoCan').click();
    await page.getByTestId('whocan-field').selectOption('customer.id_card');
    await page.getByTestId('whocan-level').selectOption('read');
    const count = page.getByTestId('whocan-count');
    await count.waitFor();
    expect(await count.getAttribute('data-count')).toBe(String(w.entries.length));
    expect(await count.innerText()).toBe(`${w.entries.length} of ${w.considered} active employees`);
    const rows = await page.locator('[data-testid="whocan-table"] tbody tr').evaluateAll((trs) => trs.map((r) => [r.getAttribute('data-employee'), r.getAttribute('data-level')]));
    expect(rows).toEqual(w.entries.map((e) => [e.employee, e.level]));
    await screenshot(page, 'whocan-en');

    // Masked or more reaches more people than read or more.
    const masked = FX.whoCan['customer.id_card|masked|'];
    await page.getByTestId('whocan-level').selectOption('masked');
    await page.waitForFunction((n) => document.querySelector('[data-testid="whocan-count"]')?.getAttribute('data-count') === n, String(masked?.entries.length));
    expect(masked?.entries.length ?? 0).toBeGreaterThanOrEqual(w.entries.length);
  });

  it('lists who gains and loses what since a revision, the people of each change together, in English and Chinese', async () => {
    const [from, d] = Object.entries(FX.peopleDiffs)[0] ?? [];
    if (from === undefined || d === undefined) throw new Error('no fixture people diff');
    const first = d.changes[0];
    if (first === undefined) throw new Error('the fixture diff has no change');
    const page = await open('#simulator');
    await page.getByTestId('sim-tab-people').click();
    await page.getByTestId('people-revision').fill(from);
    await page.getByTestId('people-run').click();
    const count = page.getByTestId('people-count');
    await count.waitFor();
    expect(await count.getAttribute('data-changed')).toBe(String(d.people.length));
    expect(await count.innerText()).toBe(`Since revision ${from}: ${d.people.length} of ${d.employees} employees change`);
    // One card per distinct change, each with its head count and the people it applies to.
    const cards = page.getByTestId('people-change');
    expect(await cards.evaluateAll((xs) => xs.map((x) => Number(x.getAttribute('data-people'))))).toEqual(d.changes.map((c) => c.people));
    const listed = await cards.first().locator('[data-employee]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-employee')));
    expect(listed).toEqual(d.people.filter((p) => p.change === 0).slice(0, 30).map((p) => p.employee));
    // Every level change of the first change is in its table, on its tier, highlighted.
    for (const l of first.levels.slice(0, 12)) {
      const cell = cards.first().locator(`[data-testid="people-levels"] tr[data-field="${l.field}"] td[data-tier="${l.tier}"]`);
      expect(await cell.getAttribute('data-change'), `${l.field} on ${l.tier}`).toBe(`${l.before}>${l.after}`);
    }
    const levels = cards.first().getByTestId('people-levels');
    expect(await levels.locator('td[data-change]:not([data-change=""])').count()).toBe(first.levels.length);
    expect(await levels.locator('td.sim-up, td.sim-down').count(), 'each change marked up or down').toBe(first.levels.length);
    const gainer = d.people.find((p) => p.customersGained > 0);
    if (gainer !== undefined) {
      expect(await page.locator(`[data-employee="${gainer.employee}"]`).first().innerText()).toContain(`customers +${gainer.customersGained}`);
    }
    await screenshot(page, 'people-en');

    await page.getByTestId('language-zh').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="people-count"]')?.textContent?.startsWith('自第') === true);
    expect(await count.innerText()).toBe(`自第 ${from} 版以来：${d.employees} 名员工中有 ${d.people.length} 名权限变化`);
    await screenshot(page, 'people-zh');

    // A revision the fixtures do not keep: the mock says so instead of inventing an answer.
    await page.getByTestId('people-revision').fill('0');
    await page.getByTestId('people-run').click();
    expect(await page.getByTestId('error-code').innerText()).toBe('notFound');
  });

  it('says plainly when the mock has no answer for someone', async () => {
    const page = await open('#simulator');
    const other = FX.directory.employees.find((e) => FX.views[`employee:${e.id}`] === undefined);
    if (other === undefined) throw new Error('every employee has a fixture');
    await pick(page, 'who', other.name, other.id);
    expect(await page.getByTestId('error-code').innerText()).toBe('notFound');
    expect(await page.getByTestId('error-message').innerText()).toContain('no fixture');
  });
});

describe('live preview beside the matrix', () => {
  it('re-runs the simulation as soon as a matrix edit is saved', async () => {
    const page = await open('');
    await openEditor(page);
    await page.getByTestId('preview-toggle').click();
    await pick(page, 'preview-who', '李雷', 'E018');
    await page.getByTestId('sim-sees').waitFor();
    const before = (await calls(page)).filter((c) => c.cmd === 'sim_view').length;
    expect(before).toBeGreaterThan(0);
    // Hidden onto sales_rep x customer.mobile (column 1, row 3 of the matrix).
    await dragChip(page, '0', await cellPoint(page, 1, 3));
    await saved(page);
    await page.waitForFunction((n) => (window as unknown as { __permgridMock: { calls: { cmd: string }[] } }).__permgridMock.calls.filter((c) => c.cmd === 'sim_view').length > n, before);
    const log = (await calls(page)).map((c) => c.cmd);
    expect(log.lastIndexOf('sim_view'), 'the simulation ran again after the edit').toBeGreaterThan(log.lastIndexOf('edit_cells'));
    await page.getByTestId('sim-sees').waitFor();
    await screenshot(page, 'preview-en');
  });
});
