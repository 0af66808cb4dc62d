/**
 * A canned backend for running the UI in a plain browser (`npm run build:mock` -> dist-mock).
 * It is loaded only when Vite's mode is `mock`, so the production bundle never contains it.
 *
 * Query-string switches, for the Playwright flows and for trying things by hand:
 * - `?mockError=<ErrorCode>`: every command fails with that code (`notAWorkspace`, `io`, ...)
 * - `?mockDelay=<ms>`: every command answers after that many milliseconds
 */
import { mockIPC } from '@tauri-apps/api/mocks';

import type { ErrorDto } from './bindings/ErrorDto';
import type { Summary } from './bindings/Summary';
import type { CommandName, Commands } from './commands';
import { isErrorCode } from './errors';
import { markMockInstalled } from './index';

/** Present only in the mock bundle; the build check looks for it to prove the production one is clean. */
export const MOCK_MARKER = 'permgrid-mock-backend';

/** The demo workspace as the engine summarises it right after `permgrid init --demo`. */
export const MOCK_SUMMARY: Summary = {
  path: '/home/demo/.local/share/permgrid/workspace.permgrid',
  meta: {
    id: '5f1c9a0e2b7d4c83',
    name: '华信科技 (demo)',
    createdAt: '2026-03-02T09:30:00Z',
    createdBy: 'li.lei',
    producer: 'permgrid 0.1.0',
  },
  revision: 3,
  departments: 18,
  employees: 60,
  roles: 10,
  objects: 4,
  fields: 60,
  tiers: 4,
  cells: 570,
  cellsTotal: 600,
  fieldsToReview: 3,
  policies: 40,
  guardrails: 6,
  grants: 2,
  customers: 10000,
};

const MOCK_ERROR_MESSAGES: Partial<Record<ErrorDto['code'], string>> = {
  notAWorkspace: '`/home/demo/notes.permgrid` is not a permgrid workspace',
  newerVersion: '`/home/demo/workspace.permgrid` was written by permgrid 9.0.0, a newer version',
  io: '`/home/demo/.local/share/permgrid`: permission denied (os error 13)',
};

function mockError(code: ErrorDto['code']): ErrorDto {
  return { code, message: MOCK_ERROR_MESSAGES[code] ?? `mock failure with code \`${code}\`` };
}

/** Fails the way the shell does: `invoke` rejects with the plain `ErrorDto` object, not an `Error`. */
function failLikeTheShell(error: ErrorDto): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the real IPC rejects with a plain object
  throw error;
}

const handlers: { [C in CommandName]: (args: Commands[C]['args']) => Commands[C]['result'] } = {
  workspace_summary: () => MOCK_SUMMARY,
};

function isCommand(cmd: string): cmd is CommandName {
  return Object.hasOwn(handlers, cmd);
}

export function installMockBackend(params: URLSearchParams): void {
  const failWith = params.get('mockError');
  const delayMs = Math.max(0, Number(params.get('mockDelay') ?? 0) || 0);
  mockIPC(async (cmd) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (failWith !== null) {
      failLikeTheShell(mockError(isErrorCode(failWith) ? failWith : 'internal'));
    }
    if (!isCommand(cmd)) {
      failLikeTheShell({ code: 'notFound', message: `unknown command \`${cmd}\`` });
    }
    return handlers[cmd]({});
  });
  document.documentElement.dataset.backend = MOCK_MARKER;
  markMockInstalled();
}
