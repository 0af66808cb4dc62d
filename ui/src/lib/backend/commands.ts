/**
 * Every IPC command of the desktop shell with its arguments and result: the table generated from
 * the Rust commands (src-tauri/src/commands.rs) into ./bindings/Commands.ts by `cargo test`.
 * The real backend (./index.ts) and the mock (./mock.ts) are both checked against it.
 */
import type { Commands } from './bindings/Commands';

export type { Commands };

export type CommandName = keyof Commands;
