/**
 * The org and catalog screens in Chromium against the mock backend (the demo company of
 * assets/demo in memory): adding, editing and deleting with the engine's validation messages
 * shown where the user is, and a CSV import whose bad row is named by line and column in the
 * preview and changes nothing, then a good import.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { screenshot, sharedMockApp } from './support';

const app = sharedMockApp();
let loads = 0;

/** A screen freshly loaded (the mock starts from the demo each time) in `lang` and `theme`. */
async function open(section: 'org' | 'catalog', { lang = 'en', theme = 'light', query = '' } = {}): Promise<Page> {
  const { page } = app.browser;
  await page.evaluate(
    ([l, th]) => {
      localStorage.clear();
      localStorage.setItem('permgrid.language', l ?? 'en');
      localStorage.setItem('permgrid.theme', th ?? 'light');
    },
    [lang, theme],
  );
  loads++;
  await page.goto(`${app.server.url}?load=${loads}${query}#${section}`);
  await page.getByTestId(`${section}-screen`).waitFor();
  return page;
}

/** The commands the mock received, with their arguments (channels left out). */
function calls(page: Page, cmd: string): Promise<unknown[]> {
  type Call = { cmd: string; args: unknown };
  return page.evaluate((c) => (window as unknown as { __permgridMock: { calls: Call[] } }).__permgridMock.calls.filter((x) => x.cmd === c).map((x) => {
    const args = { ...(x.args as Record<string, unknown>) };
    delete args.onProgress;
    delete args.text;
    return args;
  }), cmd);
}

async function employeeRows(page: Page): Promise<number> {
  return page.getByTestId('employee-table').locator('tbody tr').count();
}

describe('organisation', () => {
  it('adds, edits and deletes an employee, showing why a change is refused', async () => {
    const page = await open('org');
    expect(await page.getByTestId('employee-count').innerText()).toContain('60 of 60 employees');

    // Add, with a manager who does not exist: the engine's reason is shown in the dialog.
    await page.getByTestId('employee-add').click();
    const dialog = page.getByTestId('employee-dialog');
    await dialog.getByTestId('employee-id').fill('E900');
    await dialog.getByTestId('employee-name').fill('林晓');
    await dialog.getByTestId('employee-title').fill('Sales rep');
    await dialog.getByTestId('employee-department').selectOption('sales_east_sh');
    await dialog.getByTestId('employee-manager').fill('E999');
    await dialog.getByRole('checkbox', { name: 'Sales Representative', exact: true }).check();
    await dialog.getByTestId('entity-save').click();
    const problem = dialog.getByTestId('error-message');
    await problem.waitFor();
    expect(await problem.innerText()).toBe('manager: unknown employee `E999`');
    expect(await dialog.getByTestId('error-code').innerText()).toBe('preconditionFailed');
    await screenshot(page, 'org-employee-error-en');
    expect(await employeeRows(page), 'nothing was added').toBe(60);

    // A duplicate id is refused too, by name.
    await dialog.getByTestId('employee-id').fill('E001');
    await dialog.getByTestId('employee-manager').fill('E003');
    await dialog.getByTestId('entity-save').click();
    await page.getByText('employee `E001` exists already').waitFor();

    // Fixed: saved as one call, the row appears.
    await dialog.getByTestId('employee-id').fill('E900');
    await dialog.getByTestId('entity-save').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('employee-E900').waitFor();
    expect(await page.getByTestId('employee-E900').innerText()).toContain('林晓');
    expect(await page.getByTestId('orgcat-outcome').innerText()).toMatch(/Saved \(revision \d+\)/);
    const puts = await calls(page, 'put_org_entity');
    expect(puts.at(-1)).toEqual({
      entity: {
        kind: 'employee',
        value: { id: 'E900', name: '林晓', title: 'Sales rep', department: 'sales_east_sh', manager: 'E003', roles: ['sales_rep'], status: 'active' },
      },
      create: true,
    });

    // Edit: suspend them.
    await page.getByTestId('employee-edit-E900').click();
    expect(await page.getByTestId('employee-id').isDisabled(), 'an id cannot change').toBe(true);
    await page.getByTestId('employee-status').selectOption('suspended');
    await page.getByTestId('entity-save').click();
    await page.getByTestId('employee-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('employee-E900').innerText()).toContain('Suspended');
    expect((await calls(page, 'put_org_entity')).at(-1)).toMatchObject({ create: false, entity: { value: { status: 'suspended' } } });

    // A manager with reports cannot be deleted: the reason names them.
    await page.getByTestId('employee-delete-E003').click();
    await page.getByTestId('delete-confirm').click();
    const refusal = page.getByTestId('delete-dialog').getByTestId('error-message');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/^cannot delete employee `E003`: it still has \d+ direct reports \(`E\d+`/);
    await page.keyboard.press('Escape');

    // Delete the new one.
    await page.getByTestId('employee-delete-E900').click();
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('employee-E900').waitFor({ state: 'detached' });
    expect(await employeeRows(page)).toBe(60);
    expect(await calls(page, 'delete_org_entity')).toEqual([
      { kind: 'employee', id: 'E003' },
      { kind: 'employee', id: 'E900' },
    ]);
  });

  it('keeps a department that still has sub-departments, and filters employees by the tree', async () => {
    const page = await open('org');
    await page.getByTestId('dept-sales_east').click();
    const count = await page.getByTestId('employee-count').innerText();
    expect(count).toMatch(/^\d+ of 60 employees/);
    expect(Number(count.split(' ')[0])).toBeGreaterThan(0);
    expect(Number(count.split(' ')[0])).toBeLessThan(60);
    await page.getByTestId('department-delete').click();
    await page.getByTestId('delete-confirm').click();
    const refusal = page.getByTestId('error-message');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('cannot delete department `sales_east`: it still has 2 sub-departments (`sales_east_sh`, `sales_east_hz`)');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('dept-sales_east').count()).toBe(1);
  });

  it('imports employees.csv: a bad row is named by line and column and changes nothing; a good file is imported', async () => {
    const page = await open('org');
    const header = 'id,name,title,department,manager,roles,status';
    const good = `${header}\nE001,张建国,董事长,mgmt,,executive,active\nE901,王芳,销售代表,sales_east_sh,E003,sales_rep,active\n`;
    const bad = `${good}E902,李雷,销售代表,sales_east_sh,E999,sales_rep,active\n`;

    await page.getByTestId('csv-kind').selectOption('employees');
    await page.getByTestId('csv-import').click();
    const dialog = page.getByTestId('csv-import-dialog');
    await dialog.getByTestId('csv-file').setInputFiles({ name: 'employees.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const error = dialog.getByTestId('csv-error');
    await error.waitFor();
    expect(await error.getAttribute('data-line')).toBe('4');
    expect(await dialog.getByTestId('csv-error-where').innerText()).toBe('Line 4, column 5 (manager)');
    expect(await dialog.getByTestId('csv-error-message').innerText()).toBe('employees.csv line 4 column 5 (`manager`): unknown employee `E999`');
    expect(await dialog.getByTestId('csv-confirm').isDisabled(), 'a file with an error cannot be imported').toBe(true);
    expect(await dialog.getByTestId('csv-sample-4').getAttribute('class'), 'the bad row is marked in the preview').toBe('orgcat-bad-row');
    expect(await dialog.getByTestId('csv-counts').innerText(), 'no counts for a file that cannot be imported').toBe('3 rows');
    await screenshot(page, 'org-import-error-en');
    expect(await calls(page, 'import_csv'), 'nothing was imported').toEqual([]);
    await dialog.getByTestId('csv-close').click();
    expect(await employeeRows(page)).toBe(60);
    expect(await page.getByTestId('employee-E001').innerText()).toContain('首席执行官');

    await page.getByTestId('csv-import').click();
    await dialog.getByTestId('csv-file').setInputFiles({ name: 'employees.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await dialog.getByTestId('csv-preview').waitFor();
    expect(await dialog.getByTestId('csv-counts').innerText()).toBe('2 rows · 1 to add, 1 to change, 0 unchanged, 0 to remove');
    expect(await dialog.getByTestId('csv-error').count()).toBe(0);
    await dialog.getByTestId('csv-confirm').click();
    await dialog.getByTestId('csv-done').waitFor();
    expect(await dialog.getByTestId('csv-done').innerText()).toMatch(/^Imported: 2 changed \(revision \d+\)$/);
    await dialog.getByTestId('csv-close').click();
    await page.getByTestId('employee-E901').waitFor();
    expect(await employeeRows(page)).toBe(61);
    expect(await page.getByTestId('employee-E001').innerText()).toContain('董事长');
    expect(await calls(page, 'import_csv')).toEqual([{ kind: 'employees', file: 'employees.csv' }]);
  });

  it('stays usable with 5,000 employees: at most 500 rows drawn, search narrows the rest; focus is visible', async () => {
    const started = Date.now();
    const page = await open('org', { query: '&mockEmployees=4940' });
    expect(await page.getByTestId('employee-count').innerText()).toBe('5000 of 5000 employees Showing the first 500: search to narrow the list.');
    const loadMs = Date.now() - started;
    expect(await employeeRows(page)).toBe(500);
    const t0 = Date.now();
    await page.getByTestId('employee-search').fill('G04321');
    await page.getByTestId('employee-G04321').waitFor();
    const searchMs = Date.now() - t0;
    expect(await employeeRows(page)).toBe(1);
    expect(loadMs, 'the screen opens quickly').toBeLessThan(5000);
    expect(searchMs, 'a search answers quickly').toBeLessThan(1000);
    // Keyboard: Tab moves along the department tree with a visible focus ring; Enter selects.
    await page.getByTestId('dept-sales').focus();
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement;
      return el instanceof HTMLElement ? { id: el.dataset.testid, outline: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth } : null;
    });
    expect(ring).toEqual({ id: 'dept-sales_east', outline: 'solid', width: '3px' });
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('dept-sales_east').getAttribute('aria-current')).toBe('true');
  });

  it('looks right in Chinese, light theme', async () => {
    const page = await open('org', { lang: 'zh' });
    expect(await page.getByTestId('nav-org').innerText()).toBe('组织');
    expect(await page.locator('h1').innerText()).toBe('组织');
    await page.getByTestId('dept-sales').click();
    await screenshot(page, 'org-zh');
    await page.getByTestId('language-en').click();
    expect(await page.locator('h1').innerText()).toBe('Organisation');
    await screenshot(page, 'org-en');
  });
});

describe('catalog', () => {
  it('refuses a role inheriting in a cycle, and adds a tier; tabs work from the keyboard', async () => {
    const page = await open('catalog', { theme: 'dark' });
    await screenshot(page, 'catalog-en-dark');
    // sales_manager inherits sales_rep; making sales_rep inherit sales_manager is a loop.
    await page.getByTestId('role-table-sales_rep').getByRole('button', { name: /^Edit/ }).click();
    const dialog = page.getByTestId('role-dialog');
    await dialog.getByRole('checkbox', { name: 'Sales Manager', exact: true }).check();
    await dialog.getByTestId('entity-save').click();
    const problem = dialog.getByTestId('error-message');
    await problem.waitFor();
    expect(await problem.innerText()).toBe('inherits: role `sales_rep` is in a cycle');
    await page.keyboard.press('Escape');

    await page.getByTestId('catalog-tab-roles').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('catalog-tab-tiers').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('catalog-tab-tiers');
    await page.getByTestId('catalog-add').click();
    const tier = page.getByTestId('tier-dialog');
    await tier.getByTestId('tier-id').fill('vip');
    await tier.getByTestId('tier-rank').fill('5');
    await tier.getByTestId('tier-name-zh').fill('贵宾客户');
    await tier.getByTestId('tier-name-en').fill('VIP');
    await tier.getByTestId('entity-save').click();
    await page.getByTestId('tier-table-vip').waitFor();

    // Deleting a role says who would lose what first (the engine's impact), then removes it.
    await page.getByTestId('catalog-tab-roles').click();
    await page.getByTestId('role-table-marketing').getByRole('button', { name: /^Delete/ }).click();
    const impact = page.getByTestId('role-impact');
    await impact.waitFor();
    expect(await impact.innerText()).toMatch(/^\d+ employees? would lose access to fields: /);
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('role-table-marketing').waitFor({ state: 'detached' });
    expect(await calls(page, 'delete_org_entity')).toEqual([{ kind: 'role', id: 'marketing' }]);

    await page.getByTestId('catalog-tab-fields').click();
    await page.getByTestId('field-filter-object').selectOption('customer');
    await screenshot(page, 'catalog-fields-en-dark');
  });

  it('looks right in English and in Chinese', async () => {
    const page = await open('catalog');
    await page.getByTestId('catalog-tab-fields').click();
    expect(await page.getByTestId('csv-kind').inputValue(), 'the file offered follows the tab').toBe('fields');
    await screenshot(page, 'catalog-en');
    await page.getByTestId('language-zh').click();
    expect(await page.getByTestId('catalog-tab-fields').innerText()).toContain('字段');
    await page.getByTestId('catalog-tab-roles').click();
    await screenshot(page, 'catalog-zh');
  });
});
