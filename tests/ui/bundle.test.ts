/** The mock backend must never reach the bundle the desktop app embeds. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { DIST, DIST_MOCK } from './support';

const MARKER = 'permgrid-mock-backend';

function scripts(dist: string): string[] {
  const assets = path.join(dist, 'assets');
  if (!existsSync(assets)) throw new Error(`${assets} is missing: build the UI first (make test does)`);
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(path.join(assets, f), 'utf8'));
}

describe('bundles', () => {
  it('the production bundle (ui/dist) has no mock backend', () => {
    const js = scripts(DIST);
    expect(js.length).toBeGreaterThan(0);
    expect(js.some((s) => s.includes(MARKER))).toBe(false);
    expect(js.some((s) => s.includes('mockIPC') || s.includes('__TAURI_EVENT_PLUGIN_INTERNALS__'))).toBe(false);
  });

  it('the mock bundle (ui/dist-mock) has it, so the check above can see it', () => {
    expect(scripts(DIST_MOCK).some((s) => s.includes(MARKER))).toBe(true);
  });
});
