/**
 * The matrix editor in Chromium against the mock backend (the demo company of assets/demo,
 * in memory). Every flow drives the UI with real pointer and keyboard input and checks what
 * the backend received: one call per user action.
 *
 * Grid coordinates: column 0 is the field column, role columns start at 1 (sales_rep,
 * sales_manager, regional_director, customer_service, ...); row 0 is the heading
 * "Customer · Basic info", rows 1-9 its fields (customer.name, contact_name, mobile, landline,
 * email, address, province, city, wechat).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { SimFixtures } from '../../ui/src/lib/backend/bindings/SimFixtures';
import { ROOT } from '../support/paths';

import {
  cellEdits,
  cellLabel,
  cellPoint,
  clickCell,
  dragChip,
  gridFocused,
  headerPoint,
  openEditor,
  saved,
  storedCell,
  storedPolicy,
  storedRoles,
  strokeCells,
} from './grid';
import { screenshot, sharedMockApp } from './support';

const app = sharedMockApp();
/** What the real engine answered for edits not made (ui/src/lib/backend/fixtures/simulator.json). */
const FX = JSON.parse(readFileSync(path.join(ROOT, 'ui/src/lib/backend/fixtures/simulator.json'), 'utf8')) as SimFixtures;
let loads = 0;

/** The editor, freshly loaded with `query` (mock switches), in English and the light theme. */
async function open(query = ''): Promise<Page> {
  const { page } = app.browser;
  await page.evaluate(() => {
    localStorage.clear();
  });
  loads++;
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  params.set('load', String(loads));
  await page.goto(`${app.server.url}?${params.toString()}`);
  await openEditor(page);
  return page;
}

const ROLES = ['sales_rep', 'sales_manager', 'regional_director', 'customer_service'];
const FIELDS = ['customer.name', 'customer.contact_name', 'customer.mobile', 'customer.landline'];

describe('matrix editor', () => {
  it('opens on the demo workspace: fields grouped with sensitivity, roles as columns, levels as colour and letter', async () => {
    const page = await open();
    expect(await page.getByTestId('status-save').innerText()).toBe('All changes saved');
    expect(await cellLabel(page, 0, 0, /Customer · Basic info/)).toContain('Customer · Basic info');
    expect(await cellLabel(page, 0, 3, 'Mobile (Confidential)')).toBe('Mobile (Confidential)');
    expect(await cellLabel(page, 1, 3, 'Read'), 'sales_rep reads mobiles').toBe('Read');
    expect(await cellLabel(page, 4, 3, 'Masked, Read with approval'), 'customer service: masked, read with approval').toBe('Masked, Read with approval');
    expect(await cellLabel(page, 1, 9, 'Undecided (hidden until reviewed)'), 'customer.wechat is new and undecided').toBe('Undecided (hidden until reviewed)');
    expect(await page.getByTestId('review-toggle').innerText()).toBe('To review: 3');
    await screenshot(page, 'matrix-en-light');
  });

  it('applies a chip dragged onto a cell, as one edit', async () => {
    const page = await open();
    expect(await storedCell(page, 'sales_rep', 'customer.mobile')).toBe('read');
    await dragChip(page, '3', await cellPoint(page, 1, 3));
    await saved(page);
    expect(await cellEdits(page)).toEqual([[{ role: 'sales_rep', field: 'customer.mobile', cell: { level: 'edit', approval: null } }]]);
    expect(await storedCell(page, 'sales_rep', 'customer.mobile')).toBe('edit');
    expect(await cellLabel(page, 1, 3, 'Edit')).toBe('Edit');
    expect(await page.getByTestId('status-revision').innerText()).toBe('Revision 4');

    // "+approval" gates the next level up.
    await dragChip(page, 'approval', await cellPoint(page, 2, 5));
    await saved(page);
    expect(await storedCell(page, 'sales_manager', 'customer.email')).toBe('edit');
    await dragChip(page, 'approval', await cellPoint(page, 8, 3));
    await saved(page);
    expect(await storedCell(page, 'marketing', 'customer.mobile'), 'masked becomes masked, read with approval').toBe('masked+read');
    expect((await cellEdits(page)).length, 'a drop that changes nothing is no edit').toBe(2);
  });

  it('applies a chip dropped on a role header to every field shown, and on a field to every role', async () => {
    const page = await open();
    // Only the customer's fields: the header drop reaches the fields shown.
    await page.getByTestId('filter-object').selectOption('customer');
    await dragChip(page, '0', await headerPoint(page, 10));
    await saved(page);
    const [column] = await cellEdits(page);
    expect(new Set(column?.map((e) => e.role))).toEqual(new Set(['perm_admin']));
    expect(column?.every((e) => e.field.startsWith('customer.') && e.cell?.level === 'hidden')).toBe(true);
    expect(await storedCell(page, 'perm_admin', 'customer.name')).toBe('hidden');
    expect(await storedCell(page, 'perm_admin', 'deal.product'), 'a field not shown is left alone').toBe('read');

    await dragChip(page, '2', await cellPoint(page, 0, 9));
    await saved(page);
    const edits = await cellEdits(page);
    expect(edits).toHaveLength(2);
    expect(edits[1]).toHaveLength(10);
    for (const role of ROLES) expect(await storedCell(page, role, 'customer.wechat')).toBe('read');
    expect(await page.getByTestId('review-toggle').innerText(), 'wechat is decided now').toBe('To review: 2');
  });

  it('paints a range with an armed chip, in one edit, and undoes and redoes it', async () => {
    const page = await open();
    const before = await Promise.all(FIELDS.flatMap((f) => ROLES.slice(0, 3).map((r) => storedCell(page, r, f))));
    await page.getByTestId('chip-1').click();
    expect(await page.getByTestId('chip-1').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('palette-hint').innerText()).toContain('Painting with Masked');
    await strokeCells(page, [1, 1], [3, 4]);
    await saved(page);
    const edits = await cellEdits(page);
    expect(edits, 'the whole stroke is one edit').toHaveLength(1);
    for (const f of FIELDS) for (const r of ROLES.slice(0, 3)) expect(await storedCell(page, r, f)).toBe('masked');
    expect(await storedCell(page, 'customer_service', 'customer.name'), 'outside the stroke').toBe('read');
    expect(await page.getByTestId('status-timing').innerText()).toMatch(/^12 cells in \d+ ms$/);

    await page.keyboard.press('Escape');
    expect(await page.getByTestId('chip-1').getAttribute('aria-pressed')).toBe('false');

    await page.keyboard.press('Control+z');
    await saved(page);
    const after = await Promise.all(FIELDS.flatMap((f) => ROLES.slice(0, 3).map((r) => storedCell(page, r, f))));
    expect(after, 'undo restores every painted cell').toEqual(before);
    expect(await cellEdits(page), 'undo is one more edit, with the old values').toHaveLength(2);

    await page.keyboard.press('Control+Shift+z');
    await saved(page);
    expect(await storedCell(page, 'sales_rep', 'customer.name')).toBe('masked');
    expect(await cellEdits(page)).toHaveLength(3);
    await page.getByTestId('undo').click();
    await saved(page);
    expect(await storedCell(page, 'sales_rep', 'customer.name')).toBe(before[0]);
    expect(await page.getByTestId('status-revision').innerText()).toBe('Revision 7');
  });

  it('edits by keyboard: arrows, shift-select, 0-3, A, Delete, copy and paste', async () => {
    const page = await open();
    await clickCell(page, 1, 1);
    await page.keyboard.press('2');
    await saved(page);
    expect(await storedCell(page, 'sales_rep', 'customer.name')).toBe('read');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('1');
    await saved(page);
    for (const f of ['customer.contact_name', 'customer.mobile']) {
      for (const r of ['sales_rep', 'sales_manager']) expect(await storedCell(page, r, f)).toBe('masked');
    }
    await page.keyboard.press('a');
    await saved(page);
    expect(await storedCell(page, 'sales_manager', 'customer.mobile')).toBe('masked+read');
    await page.keyboard.press('Delete');
    await saved(page);
    expect(await storedCell(page, 'sales_rep', 'customer.contact_name'), 'Delete = hidden').toBe('hidden');
    expect(await cellEdits(page)).toHaveLength(4);

    // Copy the 2 x 2 range (hidden) and paste it two columns to the right.
    await page.keyboard.press('Control+c');
    await clickCell(page, 5, 2);
    await page.keyboard.press('Control+v');
    await saved(page);
    const pasted = (await cellEdits(page))[4];
    expect(pasted?.map((e) => `${e.role}/${e.field}=${e.cell?.level ?? ''}`).sort(), 'finance/customer.mobile was hidden already').toEqual([
      'cs_supervisor/customer.contact_name=hidden',
      'cs_supervisor/customer.mobile=hidden',
      'finance/customer.contact_name=hidden',
    ]);
    expect(await storedCell(page, 'cs_supervisor', 'customer.mobile')).toBe('hidden');
    await screenshot(page, 'matrix-keyboard');
  });

  it('reorders roles by dragging a header, as the engine stores it', async () => {
    const page = await open();
    const from = await headerPoint(page, 1);
    const to = await headerPoint(page, 3);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x + 20, to.y, { steps: 15 });
    await page.mouse.up();
    await saved(page);
    expect((await storedRoles(page)).slice(0, 3)).toEqual(['sales_manager', 'regional_director', 'sales_rep']);
    await page.keyboard.press('Control+z');
    await saved(page);
    expect((await storedRoles(page)).slice(0, 3), 'undo restores the order').toEqual(['sales_rep', 'sales_manager', 'regional_director']);
  });

  it('edits a role in its side panel: scope, tier reach, action grants, names', async () => {
    const page = await open();
    const h = await headerPoint(page, 1);
    await page.mouse.click(h.x, h.y);
    await page.getByTestId('role-panel').waitFor();
    expect(await page.getByTestId('role-panel-title').innerText()).toBe('Sales Representative');
    await page.getByTestId('scope-customer').selectOption('team');
    await page.getByTestId('tier-customer').selectOption('strategic');
    await page.getByTestId('action-customer-export').selectOption('allow');
    await saved(page);
    expect(await storedPolicy(page, 'sales_rep', 'customer')).toMatchObject({ scope: 'team', maxTier: 'strategic' });
    expect((await storedPolicy(page, 'sales_rep', 'customer')).actions[4]).toBe('allow');
    await page.getByTestId('panel-name-en').fill('Sales Rep');
    await page.getByTestId('panel-rename').click();
    await saved(page);
    expect(await page.getByTestId('role-panel-title').innerText()).toBe('Sales Rep');
    await page.getByTestId('undo').click();
    await saved(page);
    expect(await page.getByTestId('role-panel-title').innerText(), 'a rename is undone too').toBe('Sales Representative');
    await page.getByTestId('undo').click();
    await saved(page);
    expect((await storedPolicy(page, 'sales_rep', 'customer')).actions[4]).toBe('approval');
    await screenshot(page, 'matrix-role-panel');
  });

  it('adds a role and a field; a new field starts undecided and is listed for review until decided', async () => {
    const page = await open();
    await page.getByTestId('add-role').click();
    await page.getByTestId('role-name-zh').fill('大客户经理');
    await page.getByTestId('role-name-en').fill('Key Account Manager');
    expect(await page.getByTestId('role-id').inputValue()).toBe('key_account_manager');
    await page.getByTestId('role-add-submit').click();
    await page.getByTestId('role-panel').waitFor();
    expect(await page.getByTestId('role-panel-title').innerText()).toBe('Key Account Manager');
    expect((await storedRoles(page)).at(-1)).toBe('key_account_manager');

    await page.getByTestId('add-field').click();
    await page.getByTestId('field-key').fill('passport');
    await page.getByTestId('field-label-zh').fill('护照号');
    await page.getByTestId('field-label-en').fill('Passport number');
    await page.getByTestId('field-sensitivity').selectOption('restricted');
    await page.getByTestId('field-add-submit').click();
    await page.getByTestId('review-panel').waitFor();
    const item = page.locator('[data-testid="review-item"][data-field="customer.passport"]');
    await item.waitFor();
    expect(await item.innerText()).toContain('11 roles undecided');
    for (const role of [...ROLES, 'key_account_manager']) expect(await storedCell(page, role, 'customer.passport')).toBe('');

    // Decide it for every role: the row is selected by "Show"; 0 hides it for all.
    await page.getByTestId('review-show-customer.passport').click();
    await gridFocused(page);
    await page.keyboard.press('0');
    await saved(page);
    expect(await item.count(), 'decided for every role: off the list').toBe(0);
    expect(await storedCell(page, 'executive', 'customer.passport')).toBe('hidden');
  });

  it('deletes a role after saying who loses what', async () => {
    const page = await open();
    const h = await headerPoint(page, 6);
    await page.mouse.click(h.x, h.y);
    await page.getByTestId('role-delete').click();
    const dialog = page.getByTestId('delete-role-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h2').innerText()).toBe('Delete the role “Finance”?');
    await page.getByTestId('impact-person').first().waitFor();
    expect(await page.getByTestId('delete-impact').innerText()).toMatch(/\d+ people would lose access/);
    expect(await page.getByTestId('delete-impact').innerText()).toMatch(/→ Hidden/);
    await screenshot(page, 'matrix-delete-role');
    await page.getByTestId('delete-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await storedRoles(page)).not.toContain('finance');
    expect(await page.getByTestId('matrix-grid').getAttribute('data-cols')).toBe('10');
  });

  it('shows who would change before a level is set on the selection, then sets it', async () => {
    const d = FX.pendingDiffs['sales_rep/customer.mobile=hidden'];
    if (d === undefined) throw new Error('no fixture pending diff');
    const page = await open();
    await clickCell(page, 1, 3);
    await page.getByTestId('impact').click();
    await page.getByTestId('impact-dialog').waitFor();
    expect(await page.getByTestId('impact-cells').getAttribute('data-cells')).toBe('1');
    const count = page.getByTestId('people-count');
    await count.waitFor();
    expect(await count.innerText()).toBe(`If made: ${d.people.length} of ${d.employees} employees would change`);
    const listed = await page.locator('[data-testid="people-change"] [data-employee]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-employee')));
    expect(listed).toEqual(d.people.filter((p) => p.change === 0).slice(0, 30).map((p) => p.employee));
    expect(await page.locator('[data-testid="people-levels"] tr[data-field="customer.mobile"] td[data-tier="prospect"]').getAttribute('data-change')).toBe('read>hidden');
    expect(await cellEdits(page), 'nothing is saved by looking').toEqual([]);
    await screenshot(page, 'impact-en');

    // The cell is at read already: nothing would change, nothing to apply.
    await page.getByTestId('impact-level').selectOption('2');
    expect(await page.getByTestId('impact-cells').innerText()).toBe('The selected cells are at this level already.');
    expect(await page.getByTestId('impact-apply').isDisabled()).toBe(true);
    await page.getByTestId('impact-level').selectOption('0');
    await page.getByTestId('impact-apply').click();
    await saved(page);
    expect(await cellEdits(page)).toEqual([[{ role: 'sales_rep', field: 'customer.mobile', cell: { level: 'hidden', approval: null } }]]);
    expect(await storedCell(page, 'sales_rep', 'customer.mobile')).toBe('hidden');
    expect(await page.getByTestId('impact-dialog').count(), 'the dialog closes').toBe(0);
  });

  it('filters fields and roles', async () => {
    const page = await open();
    await page.getByTestId('search-fields').fill('mobile');
    expect(await cellLabel(page, 0, 1, 'Mobile (Confidential)')).toBe('Mobile (Confidential)');
    await page.getByTestId('search-roles').fill('sales');
    expect(await page.getByTestId('matrix-grid').getAttribute('data-cols'), 'the field column and two sales roles').toBe('3');
    await page.getByTestId('search-fields').fill('');
    await page.getByTestId('filter-sensitivity').selectOption('restricted');
    expect(await cellLabel(page, 0, 1, /\(Restricted\)/)).toContain('(Restricted)');
    await page.getByTestId('search-fields').fill('nothing like this');
    await page.getByTestId('no-match').waitFor();
  });

  it('switches language at run time: headers, cells, palette and status', async () => {
    const page = await open();
    expect(await page.getByTestId('chip-2').innerText()).toContain('Read');
    await page.getByTestId('language-zh').click();
    expect(await page.getByTestId('chip-2').innerText()).toContain('只读');
    expect(await page.getByTestId('status-save').innerText()).toBe('所有更改已保存');
    await page.waitForFunction(() => document.getElementById('glide-cell-1-3')?.textContent === '只读');
    expect(await cellLabel(page, 0, 3, '手机号码 (机密)')).toBe('手机号码 (机密)');
    expect(await cellLabel(page, 4, 3, '脱敏，审批后只读')).toBe('脱敏，审批后只读');
    expect(await page.locator('.editor').innerText(), 'no English UI text is left').not.toMatch(/Search|Undo|Hidden|Masked|review/);
    await screenshot(page, 'matrix-zh-light');
    await page.getByTestId('theme-toggle').click();
    await screenshot(page, 'matrix-zh-dark');
    await page.getByTestId('language-en').click();
    expect(await page.getByTestId('chip-2').innerText()).toContain('Read');
    await screenshot(page, 'matrix-en-dark');
  });

  it('opens, creates and lists workspaces from the header', async () => {
    const page = await open();
    await page.getByTestId('workspace-menu').click();
    const dialog = page.getByTestId('workspace-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('workspace-current').innerText()).toBe('/home/demo/.local/share/permgrid/workspace.permgrid');
    const recent = page.getByTestId('recent-item');
    expect(await recent.count()).toBe(1);
    expect(await recent.first().innerText()).toContain('File not found');
    expect(await recent.first().isDisabled(), 'a file that is gone cannot be opened').toBe(true);

    await page.getByTestId('open-path').fill('/home/demo/notes.txt');
    await page.getByTestId('open-submit').click();
    expect(await dialog.getByTestId('error-code').innerText(), 'the reason is shown and the workspace stays open').toBe('notFound');

    await page.getByTestId('create-path').fill('/home/demo/new.permgrid');
    await page.getByTestId('create-name').fill('New company');
    await page.getByTestId('create-submit').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('status-workspace').innerText()).toBe('New company');
    expect(await page.getByTestId('no-match').innerText()).toContain('no roles or fields yet');

    await page.getByTestId('workspace-menu').click();
    expect(await page.getByTestId('recent-item').first().innerText()).toContain('华信科技 (demo)');
    await page.getByTestId('recent-item').first().click();
    await page.getByTestId('workspace-dialog').waitFor({ state: 'detached' });
    await page.locator('[data-testid="matrix-grid"][data-cols="11"]').waitFor();
    expect(await page.getByTestId('status-workspace').innerText()).toBe('华信科技 (demo)');
  });

  it('recovers from a failed save by showing the error and the workspace as it is', async () => {
    const page = await open('?mockFailEdits=1');
    await dragChip(page, '3', await cellPoint(page, 1, 3));
    await page.locator('[data-testid="status-save"][data-save="failed"]').waitFor();
    expect(await page.getByTestId('status-save').innerText()).toContain('disk full');
    await page.getByRole('alert').first().waitFor();
    await page.waitForFunction(() => document.getElementById('glide-cell-1-3')?.textContent === 'Read');
    expect(await storedCell(page, 'sales_rep', 'customer.mobile')).toBe('read');
  });
});
