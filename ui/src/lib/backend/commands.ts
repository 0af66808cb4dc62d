import type { Summary } from './bindings/Summary';

/**
 * Every IPC command of the desktop shell (src-tauri/src/commands.rs), with its arguments and
 * result. The real backend and the mock are both checked against this table.
 */
export interface Commands {
  workspace_summary: { args: Record<string, never>; result: Summary };
}

export type CommandName = keyof Commands;
