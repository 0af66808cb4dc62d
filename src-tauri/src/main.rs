//! The `permgrid-app` desktop binary. Everything lives in the library so tests can reach it.

// No console window next to the app in Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    permgrid_app::run()
}
