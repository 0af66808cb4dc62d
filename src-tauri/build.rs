//! Generates the Tauri context (config, capabilities, icons) and the ACL permissions of the app's
//! own commands. Every command listed here gets an `allow-<command>` permission that
//! `capabilities/default.json` must grant explicitly: with an app manifest, no app command is
//! reachable from the webview unless a capability allows it.

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "workspace_summary",
            "matrix_view",
            "edit_cells",
            "set_scope",
            "set_action",
            "put_role",
            "role_deletion_impact",
            "delete_role",
            "reorder_roles",
            "put_field",
            "fields_to_review",
            "recent_workspaces",
            "open_workspace",
            "create_workspace",
            "sim_directory",
            "sim_view",
            "sim_explain",
            "sim_who_can",
            "sim_compare",
            "sim_compare_revision",
            "sim_people_diff",
            "sim_people_diff_pending",
            "org_catalog",
            "put_org_entity",
            "delete_org_entity",
            "preview_csv",
            "import_csv",
            "save_csv",
            "export_csv",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
