//! The permgrid desktop shell: a thin Tauri 2 layer over the engine's one facade,
//! [`permgrid::api`].
//!
//! At startup it resolves the workspace file (`PERMGRID_WORKSPACE`, else the most recently opened
//! one, else the same default as the CLI), opens it or creates the demo workspace there, and keeps
//! the outcome in managed state. The user may then open or create others ([`recent`] remembers
//! which).
//! A workspace that cannot be opened does not stop the app: the window opens and every command
//! answers with the opening error, which the UI shows.
//!
//! Commands live in [`commands`]; each unpacks its arguments, calls the engine and maps
//! [`permgrid::api::ApiError`] to the wire [`permgrid::api::ErrorDto`]. No business logic here.

mod commands;
#[cfg(test)]
mod fixtures;
pub mod recent;
mod saved;
mod state;
#[cfg(test)]
mod typescript;

use std::process::ExitCode;

pub use recent::{RecentList, RecentWorkspace};
pub use state::{workspace_path, AppState, WORKSPACE_ENV};

/// WebKitGTK composites pages with OpenGL. Without a GPU (virtual machines, remote desktops,
/// CI under Xvfb) that is Mesa's software renderer, measured here at ~300 ms a frame while
/// scrolling the matrix, against 16 ms with compositing off; the matrix is one canvas, so
/// compositing buys it nothing. Off unless the user chose otherwise (set the variable to `0`).
#[cfg(target_os = "linux")]
fn webkit_rendering() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_none() {
        // Called first thing in `run`, before any thread exists.
        std::env::set_var(VAR, "1");
    }
}

/// Opens the workspace, then runs the app until its last window closes.
pub fn run() -> ExitCode {
    #[cfg(target_os = "linux")]
    webkit_rendering();
    let context = tauri::generate_context!();
    // Keyed by the app's identifier, so the test build keeps a list of its own.
    let recent = RecentList::for_app(&context.config().identifier);
    let state = AppState::open_at_startup(recent);
    let app = tauri::Builder::default()
        .manage(state)
        .invoke_handler(commands::handler())
        .run(context);
    match app {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("permgrid: cannot start the desktop app: {e}");
            ExitCode::FAILURE
        }
    }
}
