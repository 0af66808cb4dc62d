/**
 * The UI in Chromium against the mock backend (ui/dist-mock, canned data in
 * ui/src/lib/backend/mock.ts). Screenshots go to tests/ui/output/.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DIST_MOCK, openApp, screenshot, serveStatic, type Opened } from './support';

let server: Awaited<ReturnType<typeof serveStatic>>;
let opened: Opened | undefined;

beforeAll(async () => {
  server = await serveStatic(DIST_MOCK);
});

afterAll(async () => {
  await server.stop();
});

afterEach(async () => {
  if (opened) {
    const { problems, close } = opened;
    opened = undefined;
    await close();
    expect(problems, 'the page logs no errors').toEqual([]);
  }
});

async function open(query = '', options?: Parameters<typeof openApp>[1]): Promise<Page> {
  opened = await openApp(server.url + query, options);
  return opened.page;
}

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

describe('overview', () => {
  it('shows the workspace and what it holds, from the backend', async () => {
    const page = await open('#overview');
    await page.getByTestId('workspace-name').waitFor();
    expect(await text(page, 'workspace-name')).toBe('华信科技 (demo)');
    expect(await text(page, 'detail-path')).toBe('/home/demo/.local/share/permgrid/workspace.permgrid');
    expect(await text(page, 'detail-revision')).toBe('3');
    expect(await text(page, 'stat-departments-value')).toBe('18');
    expect(await text(page, 'stat-employees-value')).toBe('60');
    expect(await text(page, 'stat-roles-value')).toBe('10');
    expect(await text(page, 'stat-objects-value')).toBe('4');
    expect(await text(page, 'stat-fields-value')).toBe('60');
    expect(await text(page, 'stat-tiers-value')).toBe('4');
    expect(await text(page, 'stat-cells-value')).toBe('570 of 600');
    expect(await text(page, 'stat-cells')).toContain('95% of roles × fields decided');
    expect(await text(page, 'stat-fields-to-review-value')).toBe('3');
    expect(await text(page, 'stat-policies-value')).toBe('40');
    expect(await text(page, 'stat-guardrails-value')).toBe('6');
    expect(await text(page, 'stat-grants-value')).toBe('2');
    expect(await text(page, 'stat-customers-value')).toBe('10,000');
    // The status bar says which workspace is open and at which revision.
    expect(await text(page, 'status-workspace')).toBe('华信科技 (demo)');
    expect(await text(page, 'status-revision')).toBe('Revision 3');
    expect(await text(page, 'status-bar')).toContain('Mock backend');
    await screenshot(page, 'overview-en-light');
  });

  it('shows a loading state while the backend answers', async () => {
    const page = await open('?mockDelay=1500#overview');
    expect(await page.getByTestId('loading').innerText()).toBe('Opening the workspace…');
    await page.getByTestId('workspace-name').waitFor();
  });
});

describe('language', () => {
  it('starts in Chinese on a Chinese system and switches to English and back', async () => {
    const page = await open('#overview', { locale: 'zh-CN' });
    await page.getByTestId('workspace-name').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('.overview-kicker').innerText()).toBe('工作区概览');
    expect(await page.getByTestId('stat-employees').locator('dt').innerText()).toBe('员工');
    expect(await page.getByRole('heading', { name: '权限矩阵' }).count()).toBe(1);
    expect(await text(page, 'stat-cells-value')).toBe('570 / 600');
    expect(await text(page, 'status-revision')).toBe('版本 3');
    expect(await page.getByTestId('language-zh').getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'overview-zh-light');

    await page.getByTestId('language-en').click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-US');
    expect(await page.locator('.overview-kicker').innerText()).toBe('WORKSPACE OVERVIEW');
    expect(await page.getByTestId('stat-employees').locator('dt').innerText()).toBe('Employees');
    expect(await page.getByRole('heading', { name: 'Permission matrix' }).count()).toBe(1);
    expect(await text(page, 'status-revision')).toBe('Revision 3');
    expect(await page.getByTestId('language-en').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('body').innerText(), 'no Chinese UI text is left after switching').not.toMatch(
      /权限|员工|工作区|版本/,
    );

    await page.getByTestId('language-zh').click();
    expect(await page.getByTestId('stat-customers').locator('dt').innerText()).toBe('客户');
  });

  it('starts in English on any other system and remembers a switch to Chinese', async () => {
    const page = await open('#overview', { locale: 'de-DE' });
    await page.getByTestId('workspace-name').waitFor();
    expect(await page.getByTestId('stat-guardrails').locator('dt').innerText()).toBe('Guardrails');
    await page.getByTestId('language-zh').click();
    expect(await page.getByTestId('stat-guardrails').locator('dt').innerText()).toBe('管控规则');
    await page.reload();
    await page.getByTestId('workspace-name').waitFor();
    expect(await page.getByTestId('stat-guardrails').locator('dt').innerText(), 'the choice survives a reload').toBe('管控规则');
  });
});

describe('theme', () => {
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

  it('follows a light system and toggles to dark and back', async () => {
    const page = await open('#overview', { colorScheme: 'light' });
    await page.getByTestId('workspace-name').waitFor();
    expect(await theme(page)).toBe('light');
    expect(await background(page)).toBe('rgb(244, 246, 249)');
    const toggle = page.getByTestId('theme-toggle');
    expect(await toggle.getAttribute('aria-label')).toBe('Switch to the dark theme');
    expect(await toggle.innerText()).toContain('Light');

    await toggle.click();
    expect(await theme(page)).toBe('dark');
    expect(await background(page)).toBe('rgb(17, 22, 29)');
    expect(await toggle.getAttribute('aria-label')).toBe('Switch to the light theme');
    expect(await toggle.innerText()).toContain('Dark');
    await screenshot(page, 'overview-en-dark');

    await toggle.click();
    expect(await theme(page)).toBe('light');
  });

  it('starts dark on a dark system', async () => {
    const page = await open('#overview', { colorScheme: 'dark', locale: 'zh-CN' });
    await page.getByTestId('workspace-name').waitFor();
    expect(await theme(page)).toBe('dark');
    expect(await page.getByTestId('theme-toggle').getAttribute('aria-label')).toBe('切换到浅色主题');
    await screenshot(page, 'overview-zh-dark');
  });
});

describe('keyboard', () => {
  it('shows where the focus is', async () => {
    const page = await open('#overview');
    await page.getByTestId('workspace-name').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Permission matrix');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement)) return null;
      const style = getComputedStyle(el);
      return { text: el.innerText, outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth };
    });
    expect(focused?.text).toBe('Overview');
    expect(focused?.outlineStyle).toBe('solid');
    expect(focused?.outlineWidth).toBe('3px');
    for (const section of ['simulator', 'org', 'catalog']) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`nav-${section}`);
    }
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('workspace-menu');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('language-zh');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('stat-employees').locator('dt').innerText(), 'the switch works from the keyboard').toBe('员工');
    await screenshot(page, 'keyboard-focus');
  });
});

describe('backend errors', () => {
  it('shows a failure to open the workspace as a readable message, in both languages', async () => {
    const page = await open('?mockError=notAWorkspace');
    const notice = page.getByRole('alert');
    await notice.waitFor();
    expect(await notice.locator('h2').innerText()).toContain('Could not open the workspace');
    expect(await notice.innerText()).toContain('The file is not a permgrid workspace.');
    expect(await text(page, 'error-code')).toBe('notAWorkspace');
    expect(await text(page, 'error-message')).toBe('`/home/demo/notes.permgrid` is not a permgrid workspace');
    expect(await text(page, 'status-bar')).toContain('No workspace open');
    await screenshot(page, 'error-en');

    await page.getByTestId('language-zh').click();
    expect(await notice.locator('h2').innerText()).toContain('无法打开工作区');
    expect(await notice.innerText()).toContain('该文件不是 permgrid 工作区。');
    expect(await text(page, 'error-code')).toBe('notAWorkspace');
    await screenshot(page, 'error-zh');
  });

  it('shows preconditionFailed as a warning, not a failure', async () => {
    const page = await open('?mockError=preconditionFailed');
    const notice = page.getByRole('alert');
    await notice.waitFor();
    expect(await notice.getAttribute('class')).toContain('notice-warning');
    expect(await notice.locator('h2').innerText()).toContain('Not possible right now');
  });

  it('lets the user try again', async () => {
    const page = await open('?mockError=io');
    await page.getByRole('alert').waitFor();
    expect(await text(page, 'error-message')).toContain('permission denied');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('alert').waitFor();
    expect(await text(page, 'error-code')).toBe('io');
  });
});
