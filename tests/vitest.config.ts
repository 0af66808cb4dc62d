import { defineConfig } from 'vitest/config';

// Two suites, run one at a time by the Makefile (`make test`):
// - ui:      the built mock UI (ui/dist-mock) in Debian's Chromium through playwright-core
// - desktop: the real permgrid-app binary through tauri-driver + WebKitWebDriver (needs a display: xvfb-run)
// - measure: measurements of the real app at scale, run by hand (docs/benchmarks.md), not by `make test`
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'ui',
          include: ['ui/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'desktop',
          include: ['desktop/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'measure',
          include: ['desktop/**/*.measure.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
