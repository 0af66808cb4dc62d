//! The permgrid desktop shell: a thin Tauri 2 layer over the engine's one facade,
//! [`permgrid::api`].
//!
//! At startup it resolves the workspace file (`PERMGRID_WORKSPACE`, else the same default as the
//! CLI), opens it or creates the demo workspace there, and keeps the outcome in managed state.
//! A workspace that cannot be opened does not stop the app: the window opens and every command
//! answers with the opening error, which the UI shows.
//!
//! Commands live in [`commands`]; each unpacks its arguments, calls the engine and maps
//! [`permgrid::api::ApiError`] to the wire [`permgrid::api::ErrorDto`]. No business logic here.

mod commands;
mod state;

use std::process::ExitCode;

pub use state::{workspace_path, AppState, WORKSPACE_ENV};

/// Opens the workspace, then runs the app until its last window closes.
pub fn run() -> ExitCode {
    let state = AppState::open_at_startup();
    let app = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::workspace_summary])
        .run(tauri::generate_context!());
    match app {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("permgrid: cannot start the desktop app: {e}");
            ExitCode::FAILURE
        }
    }
}
