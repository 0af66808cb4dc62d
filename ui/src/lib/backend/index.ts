/**
 * The one door to the desktop shell. Only this folder imports `@tauri-apps/*`; the rest of the
 * UI calls these typed functions, whose types are generated from the Rust engine (./bindings,
 * written by `cargo test -p permgrid-engine`, never edited by hand).
 *
 * Every function rejects with a `BackendError` ({ code, message }).
 */
import { invoke } from '@tauri-apps/api/core';

import type { Summary } from './bindings/Summary';
import type { CommandName, Commands } from './commands';
import { toBackendError } from './errors';

export { BackendError, isErrorCode, toBackendError } from './errors';
export type { ErrorCode } from './bindings/ErrorCode';
export type { ErrorDto } from './bindings/ErrorDto';
export type { Summary } from './bindings/Summary';
export type { WorkspaceMeta } from './bindings/WorkspaceMeta';

async function call<C extends CommandName>(
  command: C,
  args: Commands[C]['args'],
): Promise<Commands[C]['result']> {
  try {
    return await invoke<Commands[C]['result']>(command, args);
  } catch (reason) {
    throw toBackendError(reason);
  }
}

/** What the open workspace holds, in numbers. */
export function workspaceSummary(): Promise<Summary> {
  return call('workspace_summary', {});
}

/** Whether the UI talks to the desktop shell or to the canned mock (`vite build --mode mock`). */
export function backendKind(): 'desktop' | 'mock' {
  return mockInstalled ? 'mock' : 'desktop';
}

let mockInstalled = false;

/** Called by ./mock once it has replaced the IPC layer. */
export function markMockInstalled(): void {
  mockInstalled = true;
}
