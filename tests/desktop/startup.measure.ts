/**
 * A measurement, not part of the test suite (`npm --prefix tests run measure:desktop`, see
 * docs/benchmarks.md): how long the real app takes from its process starting to its first
 * matrix drawn, on the demo workspace. Run it against a release build:
 * `PERMGRID_APP_BINARY=$CARGO_TARGET_DIR/release/permgrid-app` after
 * `ui/node_modules/.bin/tauri build --no-bundle --config src-tauri/tauri.test.conf.json`.
 *
 * The app marks `<html data-first-matrix-ms>` with `performance.now()` two animation frames after
 * the grid first mounts. The process's age comes from /proc (its start time in clock ticks since
 * boot against /proc/uptime), so the WebDriver session's own start-up is not counted:
 * cold start = process age now - (page time now - page time at the first matrix).
 * Writes tests/desktop/output/timings-startup.json.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { APP_BINARY, SHOTS, appSessions, permgrid } from './support';

const RUNS = 5;
const app = appSessions('permgrid-desktop-startup-');

/** Seconds since the process `pid` started. */
function processAge(pid: number): number {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  // Field 22 of /proc/PID/stat, counted after the command name (which may contain spaces).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const started = Number(fields[19]) / ticks;
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return uptime - started;
}

describe(`permgrid-app (${APP_BINARY}) on the demo workspace`, () => {
  it('starts to an interactive matrix', async () => {
    const template = path.join(app.scratch, 'template.permgrid');
    permgrid(template, 'init', '--demo');
    const runs: { coldStartMs: number; sessionMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const workspace = path.join(app.scratch, `run${i}.permgrid`);
      copyFileSync(template, workspace);
      const asked = Date.now();
      const browser = await app.open({ ...process.env, PERMGRID_WORKSPACE: workspace }, `tauri-driver-startup-${i}`);
      try {
        await browser.waitUntil(() => browser.execute(() => document.documentElement.dataset.firstMatrixMs !== undefined), { timeout: 60_000, interval: 20 });
        const sessionMs = Date.now() - asked;
        const [readyMs, pageNow] = await browser.execute(() => [Number(document.documentElement.dataset.firstMatrixMs), performance.now()]);
        const pid = Number(execFileSync('pgrep', ['-n', '-f', APP_BINARY], { encoding: 'utf8' }).trim());
        const age = processAge(pid);
        runs.push({ coldStartMs: Math.round(age * 1000 - (pageNow - readyMs)), sessionMs });
      } finally {
        await app.close();
      }
    }
    const sorted = runs.map((r) => r.coldStartMs).sort((a, b) => a - b);
    const result = { binary: APP_BINARY, runs, medianColdStartMs: sorted[Math.floor(sorted.length / 2)] };
    writeFileSync(path.join(SHOTS, 'timings-startup.json'), JSON.stringify(result, null, 2));
    console.log(`desktop cold start: ${JSON.stringify(result)}`);
    expect(runs).toHaveLength(RUNS);
  });
});
