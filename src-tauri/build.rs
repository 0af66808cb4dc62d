//! Generates the Tauri context (config, capabilities, icons) and the ACL permissions of the app's
//! own commands. Every command listed here gets an `allow-<command>` permission that
//! `capabilities/default.json` must grant explicitly: with an app manifest, no app command is
//! reachable from the webview unless a capability allows it.

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(&["workspace_summary"]));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
