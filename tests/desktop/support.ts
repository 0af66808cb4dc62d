/**
 * Helpers for the desktop smoke test: tauri-driver (in front of Debian's WebKitWebDriver) on free
 * local ports, a WebdriverIO session that starts the real permgrid-app binary, and a screenshot
 * of the X display the test runs on (xvfb-run).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { remote } from 'webdriverio';

import { outputDir } from '../support/paths';

export const SHOTS = outputDir('desktop');

/** The binary `make test` builds with `tauri build --debug --no-bundle` (ui/dist embedded). */
export const APP_BINARY =
  process.env.PERMGRID_APP_BINARY ??
  path.join(process.env.CARGO_TARGET_DIR ?? '/var/tmp/permgrid-target', 'debug', 'permgrid-app');

function tauriDriverPath(): string {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const installed = path.join(os.homedir(), '.cargo', 'bin', 'tauri-driver');
  return existsSync(installed) ? installed : 'tauri-driver';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Driver {
  port: number;
  pid: number;
  /** Ends tauri-driver and whatever it started (WebKitWebDriver, the app): its process group. */
  stop: () => Promise<void>;
}

/**
 * Starts tauri-driver with `env`; the app it launches inherits that environment, which is how a
 * test points it at a workspace (`PERMGRID_WORKSPACE`).
 */
export async function startTauriDriver(env: NodeJS.ProcessEnv, logName: string): Promise<Driver> {
  if (!process.env.DISPLAY) throw new Error('no DISPLAY: run the desktop test under `xvfb-run -a` (make test does)');
  if (!existsSync(APP_BINARY)) throw new Error(`${APP_BINARY} is missing: build it with \`npx tauri build --debug --no-bundle\``);
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  const log = openSync(path.join(SHOTS, `${logName}.log`), 'w');
  const child = spawn(
    tauriDriverPath(),
    ['--port', String(port), '--native-port', String(nativePort), '--native-driver', '/usr/bin/WebKitWebDriver'],
    // Its own process group, so stopping it also ends WebKitWebDriver and the app.
    { env, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('tauri-driver did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    // tauri-driver listens at once but proxies to WebKitWebDriver, which needs a moment more.
    await waitForPort(port, 20_000);
    await waitForPort(nativePort, 20_000);
  } catch (e) {
    process.kill(-pid, 'SIGKILL');
    throw e;
  }
  return {
    port,
    pid,
    stop: async () => {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return; // already gone
      }
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    },
  };
}

/**
 * A test file's scratch folder and its app sessions. `open` starts tauri-driver (the app inherits
 * `env`) and a WebDriver session on the app; the session and driver end after each test, or at
 * `close`; the folder goes after the file.
 */
export function appSessions(prefix: string): {
  scratch: string;
  open: (env: NodeJS.ProcessEnv, logName: string) => Promise<WebdriverIO.Browser>;
  close: () => Promise<void>;
} {
  const scratch = mkdtempSync(path.join(os.tmpdir(), prefix));
  let driver: Driver | undefined;
  let browser: WebdriverIO.Browser | undefined;
  const close = async () => {
    try {
      await browser?.deleteSession();
    } finally {
      browser = undefined;
      await driver?.stop();
      driver = undefined;
    }
  };
  afterEach(close);
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });
  return {
    scratch,
    open: async (env, logName) => {
      await close();
      driver = await startTauriDriver(env, logName);
      browser = await openApp(driver);
      return browser;
    },
    close,
  };
}

/** A WebDriver session whose window is the real app. */
export async function openApp(driver: Driver): Promise<WebdriverIO.Browser> {
  return remote({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'warn',
    connectionRetryCount: 0,
    capabilities: {
      'tauri:options': { application: APP_BINARY },
    } as WebdriverIO.Capabilities,
  });
}

/** The permgrid CLI built next to the app (`cargo test --workspace` builds it). */
export const CLI_BINARY =
  process.env.PERMGRID_CLI_BINARY ?? path.join(process.env.CARGO_TARGET_DIR ?? '/var/tmp/permgrid-target', 'debug', 'permgrid');

/** Runs the permgrid CLI on a workspace and returns what it printed. */
export function permgrid(workspace: string, ...args: string[]): string {
  if (!existsSync(CLI_BINARY)) throw new Error(`${CLI_BINARY} is missing: build it with \`cargo build -p permgrid-engine\``);
  return execFileSync(CLI_BINARY, [...args, '--workspace', workspace], { encoding: 'utf8' });
}

/** An element's box in the window (CSS pixels), read from the DOM. */
export async function boxOf(b: WebdriverIO.Browser, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await b.execute((sel: string) => {
    const el = document.querySelector(sel);
    if (el === null) return null;
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, selector);
  if (box === null) throw new Error(`no element matches ${selector}`);
  return box;
}

/** Presses at one point, moves to another and releases: a pointer drag, as a person makes it. */
export async function pointerDrag(b: WebdriverIO.Browser, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await b
    .action('pointer', { parameters: { pointerType: 'mouse' } })
    .move({ x: Math.round(from.x), y: Math.round(from.y), origin: 'viewport' })
    .down({ button: 0 })
    .move({ x: Math.round((from.x + to.x) / 2), y: Math.round((from.y + to.y) / 2), origin: 'viewport', duration: 100 })
    .move({ x: Math.round(to.x), y: Math.round(to.y), origin: 'viewport', duration: 100 })
    .up({ button: 0 })
    .perform();
}

/** A screenshot of the whole X display (the real window, as a person would see it). */
export function screenshotDisplay(name: string): string {
  const file = path.join(SHOTS, `${name}.png`);
  execFileSync('import', ['-window', 'root', file]);
  return file;
}
