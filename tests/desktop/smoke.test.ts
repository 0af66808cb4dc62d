/**
 * Smoke test of the real desktop app: the permgrid-app binary (with ui/dist embedded) started
 * by tauri-driver + WebKitWebDriver under Xvfb, pointed at a fresh workspace file.
 * Results are read from the DOM; screenshots of the display go to tests/desktop/output/.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { openApp, screenshotDisplay, startTauriDriver, type Driver } from './support';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'permgrid-desktop-'));
let driver: Driver | undefined;
let browser: WebdriverIO.Browser | undefined;

afterEach(async () => {
  try {
    await browser?.deleteSession();
  } finally {
    browser = undefined;
    await driver?.stop();
    driver = undefined;
  }
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function textOf(b: WebdriverIO.Browser, testId: string, timeout = 30_000): Promise<string> {
  const el = b.$(`[data-testid="${testId}"]`);
  await el.waitForDisplayed({ timeout });
  return el.getText();
}

async function waitForText(b: WebdriverIO.Browser, testId: string, expected: string): Promise<void> {
  await b.waitUntil(async () => (await textOf(b, testId)) === expected, {
    timeout: 30_000,
    timeoutMsg: `[data-testid=${testId}] never read "${expected}"`,
  });
}

describe('permgrid-app', () => {
  it('creates the demo workspace on first start and shows what it holds', async () => {
    const workspace = path.join(scratch, 'first-run', 'workspace.permgrid');
    driver = await startTauriDriver({ ...process.env, PERMGRID_WORKSPACE: workspace }, 'tauri-driver-demo');
    browser = await openApp(driver);

    await waitForText(browser, 'stat-employees-value', '60');
    expect(existsSync(workspace), 'the app created the workspace file on first start').toBe(true);
    expect(await textOf(browser, 'stat-customers-value')).toBe('10,000');
    expect(await textOf(browser, 'workspace-name')).toContain('demo');
    expect(await textOf(browser, 'detail-path')).toBe(workspace);
    expect(await textOf(browser, 'status-workspace')).toContain('demo');

    // The language switch works in the real webview too.
    await browser.$('[data-testid="language-en"]').click();
    await browser.waitUntil(async () => (await browser!.$('[data-testid="stat-employees"] dt').getText()) === 'Employees');
    await browser.$('[data-testid="language-zh"]').click();
    await browser.waitUntil(async () => (await browser!.$('[data-testid="stat-employees"] dt').getText()) === '员工');
    expect(await textOf(browser, 'status-revision')).toMatch(/^版本 \d+$/);

    // Let WebKit paint the last change before photographing the display.
    await new Promise((r) => setTimeout(r, 500));
    screenshotDisplay('window-demo');
  });

  it('opens the window and shows the error when the file is not a workspace, leaving the file alone', async () => {
    const notes = path.join(scratch, 'notes.permgrid');
    const content = 'these are my notes, not a permgrid workspace\n'.repeat(20);
    writeFileSync(notes, content);
    driver = await startTauriDriver({ ...process.env, PERMGRID_WORKSPACE: notes }, 'tauri-driver-error');
    browser = await openApp(driver);

    await browser.$('[data-testid="language-en"]').waitForClickable({ timeout: 30_000 });
    await browser.$('[data-testid="language-en"]').click();
    expect(await textOf(browser, 'error-code')).toBe('notAWorkspace');
    expect(await textOf(browser, 'error-message')).toContain(notes);
    expect(await browser.$('[role="alert"] h2').getText()).toContain('Could not open the workspace');
    expect(readFileSync(notes, 'utf8'), 'the app never overwrites a file it cannot open').toBe(content);

    await new Promise((r) => setTimeout(r, 500));
    screenshotDisplay('window-error');
  });
});
