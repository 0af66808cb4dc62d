//! The IPC commands the webview may call (each one also listed in `build.rs` and granted in
//! `capabilities/default.json`). A command unpacks its arguments, calls the engine through
//! [`AppState::with`] and returns the engine's result; errors cross as `ErrorDto { code, message }`.
//!
//! Commands are `async` so Tauri runs them off the main thread and a slow engine call never
//! freezes the window.

use permgrid::api::{ErrorDto, Summary, Workspace};
use tauri::State;

use crate::AppState;

/// What the open workspace holds, in numbers.
#[tauri::command]
pub async fn workspace_summary(state: State<'_, AppState>) -> Result<Summary, ErrorDto> {
    state.with(Workspace::summary)
}
