/**
 * Helpers for the UI flows: a tiny static HTTP server for ui/dist-mock and Debian's Chromium
 * driven by playwright-core (never a downloaded browser).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

import { ROOT, outputDir } from '../support/paths';

export const DIST_MOCK = path.join(ROOT, 'ui', 'dist-mock');
export const DIST = path.join(ROOT, 'ui', 'dist');
export const SHOTS = outputDir('ui');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The desktop app's Content Security Policy (src-tauri/tauri.conf.json), sent with every page
 * so the flows run under the same rules as the webview: anything it would block shows up as a
 * console error, which fails the flow.
 */
export function appCsp(): string {
  const conf = JSON.parse(readFileSync(path.join(ROOT, 'src-tauri', 'tauri.conf.json'), 'utf8')) as {
    app: { security: { csp: Record<string, string> } };
  };
  return Object.entries(conf.app.security.csp)
    .map(([directive, value]) => `${directive} ${value}`)
    .join('; ');
}

/** Serves `root` on 127.0.0.1 at a free port; resolves to its base URL and a stop function. */
export async function serveStatic(root: string): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html is missing: run \`npm --prefix ui run build:mock\` first (make test does)`);
  }
  const csp = appCsp();
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.normalize(path.join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, type.startsWith('text/html') ? { 'content-type': type, 'content-security-policy': csp } : { 'content-type': type });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Opened {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far: a flow expects none. */
  problems: string[];
  /** Closes the browser and removes its profile. */
  close: () => Promise<void>;
}

/**
 * Debian's Chromium, headless, with a fresh profile (user data dir) of its own, so no stored
 * language or theme leaks between flows; `locale` and `colorScheme` play the system's settings.
 */
export async function openApp(
  url: string,
  { locale = 'en-US', colorScheme = 'light' as 'light' | 'dark' } = {},
): Promise<Opened> {
  const profile = mkdtempSync(path.join(tmpdir(), 'permgrid-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    locale,
    colorScheme,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.goto(url);
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * One browser on the mock UI for a whole test file (starting one per flow would cost more than
 * the flows): registers the hooks that start and stop it, and checks after every flow that the
 * page logged no errors. Each flow loads the page afresh, so the mock workspace starts from the
 * demo each time. The fields are set once `beforeAll` has run.
 */
export function sharedMockApp(): { server: { url: string }; browser: Opened } {
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let browser: Opened | undefined;
  beforeAll(async () => {
    server = await serveStatic(DIST_MOCK);
    browser = await openApp(server.url, { locale: 'en-US' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => {
    const problems = browser?.problems.splice(0) ?? [];
    expect(problems, 'the page logs no errors').toEqual([]);
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the shared browser is not started yet (use it inside a test)');
    return v;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
  };
}
