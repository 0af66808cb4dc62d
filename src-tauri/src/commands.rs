//! The IPC commands the webview may call (each one also listed in `build.rs` and granted in
//! `capabilities/default.json`; a test checks all three agree). A command unpacks its
//! arguments, calls the engine through [`AppState::with`] / [`AppState::with_mut`] and returns
//! the engine's result; errors cross as `ErrorDto { code, message }`.
//!
//! Commands are declared once, in the [`commands!`] block below: it defines the Tauri commands,
//! the handler that registers them, and the TypeScript table of their arguments and results
//! (`ui/src/lib/backend/bindings/Commands.ts`, written by `cargo test`, checked for drift).
//!
//! Commands are `async` so Tauri runs them off the main thread and a slow engine call never
//! freezes the window.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use permgrid::api::{
    CellEdit, EditReport, ErrorDto, ImportPreview, MatrixView, OrgCatalog, OrgEntity, OrgKind,
    PersonLoss, Summary, Workspace,
};
use permgrid::api::{Directory, SimulationReport, Who};
use permgrid::csv::{CsvKind, ImportProgress};
use permgrid::decide::explain::Explanation;
use permgrid::model::{Action, Effect, Field, FieldId, ObjectId, Role, RoleId, Scope, TierId};
use permgrid::model::{CustomerId, Level};
use permgrid::simulate::{Comparison, PeopleDiff, WhoCan};
use tauri::State;

use crate::recent::RecentWorkspace;
use crate::state::actor;
use crate::AppState;

/// Declares the commands: each `fn name(state, arg: Type, ...) -> Result { body }` becomes an
/// async `#[tauri::command]` taking the managed [`AppState`] as `state`; `handler()` registers
/// them all and, in tests, `signatures()` describes them for the TypeScript table.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($state:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name($state: State<'_, AppState> $(, $arg: $ty)*) -> Result<$ret, ErrorDto> $body
        )*

        /// The invoke handler with every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command's name, arguments and result, for the TypeScript table.
        #[cfg(test)]
        pub fn signatures() -> Vec<crate::typescript::Signature> {
            use crate::typescript::{Signature, TsType};
            vec![$(
                Signature {
                    name: stringify!($name),
                    doc: vec![$($doc),*],
                    args: vec![$((stringify!($arg), TsType::of::<$ty>())),*],
                    result: TsType::of::<$ret>(),
                }
            ),*]
        }
    };
}

commands! {
    /// What the open workspace holds, in numbers.
    fn workspace_summary(state) -> Summary {
        state.with(Workspace::summary)
    }

    /// The whole matrix, compactly, for the editor.
    fn matrix_view(state) -> MatrixView {
        state.with(Workspace::matrix_view)
    }

    /// Sets cells (`cell: null` makes one undecided again) as one revision and one audit entry:
    /// one call per user action.
    fn edit_cells(state, edits: Vec<CellEdit>) -> EditReport {
        state.with_mut(|ws| ws.edit_cells(&actor(), &edits))
    }

    /// Sets the row scope and tier reach (`maxTier: null` reaches every tier) of a role on an object.
    fn set_scope(state, role: RoleId, object: ObjectId, scope: Scope, max_tier: Option<TierId>) -> EditReport {
        state.with_mut(|ws| ws.set_scope(&actor(), &role, &object, scope, max_tier))
    }

    /// Sets one action grant of a role on an object.
    fn set_action(state, role: RoleId, object: ObjectId, action: Action, effect: Effect) -> EditReport {
        state.with_mut(|ws| ws.set_action(&actor(), &role, &object, action, effect))
    }

    /// Adds a role, or renames / updates an existing one.
    fn put_role(state, role: Role) -> EditReport {
        state.with_mut(|ws| ws.put_role(&actor(), role))
    }

    /// Who would lose what if the role were deleted now.
    fn role_deletion_impact(state, role: RoleId) -> Vec<PersonLoss> {
        state.with(|ws| ws.role_deletion_impact(&role, chrono::Utc::now()))
    }

    /// Deletes a role with everything that names it, as one revision.
    fn delete_role(state, role: RoleId) -> EditReport {
        state.with_mut(|ws| ws.delete_role(&actor(), &role))
    }

    /// Sets the display order of the roles (every role exactly once).
    fn reorder_roles(state, order: Vec<RoleId>) -> () {
        state.with_mut(|ws| ws.reorder_roles(&actor(), &order))
    }

    /// Adds a field (undecided, so hidden, for every role until reviewed) or updates one.
    fn put_field(state, field: Field) -> EditReport {
        state.with_mut(|ws| ws.put_field(&actor(), field))
    }

    /// Fields with at least one undecided role (the review queue).
    fn fields_to_review(state) -> Vec<FieldId> {
        state.with(Workspace::fields_to_review)
    }

    /// The workspaces opened recently, newest first.
    fn recent_workspaces(state) -> Vec<RecentWorkspace> {
        Ok(state.recent())
    }

    /// Opens an existing workspace file instead of the one in use.
    fn open_workspace(state, path: String) -> Summary {
        state.switch(PathBuf::from(path), Workspace::open)
    }

    /// Creates a workspace file (empty, or the demo company) and switches to it.
    fn create_workspace(state, path: String, name: String, demo: bool) -> Summary {
        state.switch(PathBuf::from(path), |p| {
            if demo {
                Workspace::create_demo(p, &actor(), permgrid::demo::DEMO_CUSTOMERS)
            } else {
                Workspace::create(p, &name, &actor())
            }
        })
    }

    /// The departments, employees and roles, for choosing whose view to simulate.
    fn sim_directory(state) -> Directory {
        state.with_mut(Workspace::directory)
    }

    /// The customer table as `who` sees it at `at`: visible rows `offset..offset+limit`, the
    /// count, the columns shown, and what a bulk export of the view would need.
    fn sim_view(state, who: Who, at: DateTime<Utc>, offset: u32, limit: u32) -> SimulationReport {
        state.with_mut(|ws| ws.simulate(&who, at, None, offset as usize, limit as usize))
    }

    /// Why `who` sees `field` of `customer` as they do at `at`, and what would grant more.
    fn sim_explain(state, who: Who, field: FieldId, customer: Option<CustomerId>, at: DateTime<Utc>) -> Explanation {
        state.with_mut(|ws| ws.explain_as(&who, &field, customer.as_ref(), at))
    }

    /// Who can see `field` at `min_level` or more (on `tier`, or any tier), with the reasons.
    fn sim_who_can(state, field: FieldId, min_level: Level, tier: Option<TierId>, at: DateTime<Utc>) -> WhoCan {
        state.with_mut(|ws| ws.who_can(&field, min_level, tier.as_ref(), at))
    }

    /// The views of `a` and `b` at `at`, compared.
    fn sim_compare(state, a: Who, b: Who, at: DateTime<Utc>) -> Comparison {
        state.with_mut(|ws| ws.compare(&a, &b, at))
    }

    /// `who`'s view at an earlier `revision` (A) against now (B).
    fn sim_compare_revision(state, who: Who, revision: u32, at: DateTime<Utc>) -> Comparison {
        state.with_mut(|ws| ws.compare_revision(&who, i64::from(revision), at))
    }

    /// What every employee gains and loses from revision `from` to `to` (now when absent).
    fn sim_people_diff(state, from: u32, to: Option<u32>, at: DateTime<Utc>) -> PeopleDiff {
        state.with_mut(|ws| ws.people_diff(i64::from(from), to.map(i64::from), at))
    }

    /// What every employee would gain and lose if `edits` were made now (nothing is saved).
    fn sim_people_diff_pending(state, edits: Vec<CellEdit>, at: DateTime<Utc>) -> PeopleDiff {
        let cells: Vec<_> = edits.into_iter().map(|e| (e.role, e.field, e.cell)).collect();
        state.with_mut(|ws| ws.people_diff_pending(&cells, at))
    }

    /// The departments, employees, roles, objects, fields and tiers, for the org and catalog screens.
    fn org_catalog(state) -> OrgCatalog {
        state.with(Workspace::org_catalog)
    }

    /// Adds (`create`: refused when the id exists) or updates a department, employee, role,
    /// object, tier or field, after checking what it refers to.
    fn put_org_entity(state, entity: OrgEntity, create: bool) -> EditReport {
        state.with_mut(|ws| ws.put_org_entity(&actor(), entity, create))
    }

    /// Deletes a department, employee, role, object, tier or field, refusing (and saying why)
    /// while anything still depends on it.
    fn delete_org_entity(state, kind: OrgKind, id: String) -> EditReport {
        state.with_mut(|ws| ws.delete_org_entity(&actor(), kind, &id))
    }

    /// Parses and checks a CSV file against the workspace without writing anything, reporting
    /// progress on `on_progress`.
    fn preview_csv(state, kind: CsvKind, file: String, text: String, on_progress: ProgressChannel) -> ImportPreview {
        state.with(|ws| ws.preview_csv(kind, &file, text.as_bytes(), &mut |p| on_progress.send(p)))
    }

    /// Imports a CSV file atomically (on any error nothing changes), reporting progress.
    fn import_csv(state, kind: CsvKind, file: String, text: String, on_progress: ProgressChannel) -> EditReport {
        state.with_mut(|ws| ws.import_csv_with_progress(&actor(), kind, &file, text.as_bytes(), &mut |p| on_progress.send(p)))
    }

    /// Saves the CSV of one kind as a new file in the user's downloads folder (or
    /// `$PERMGRID_EXPORT_DIR`) and returns its path (the export is recorded in the audit log).
    fn save_csv(state, kind: CsvKind) -> String {
        let dir = crate::saved::export_dir().ok_or_else(|| ErrorDto {
            code: permgrid::api::ErrorCode::Io,
            message: format!(
                "no downloads or home folder to save the export in: set `{}`",
                crate::saved::EXPORT_DIR_ENV
            ),
        })?;
        state.with_mut(|ws| {
            let mut out = Vec::new();
            ws.export_csv(&actor(), kind, &mut out)?;
            let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
            let path = crate::saved::save_new(&dir, kind.as_str(), &stamp, "csv", &out)?;
            Ok(path.display().to_string())
        })
    }

    /// The CSV text of one kind (the export is recorded in the audit log).
    fn export_csv(state, kind: CsvKind) -> String {
        state.with_mut(|ws| {
            let mut out = Vec::new();
            ws.export_csv(&actor(), kind, &mut out)?;
            Ok(String::from_utf8_lossy(&out).into_owned())
        })
    }
}

/// Where the shell reports an import's progress: a `Channel<ImportProgress>` the webview
/// creates and passes as an argument (TypeScript sees it as what it serializes to).
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct ProgressChannel(
    #[ts(type = "{ toJSON(): string }")] tauri::ipc::Channel<ImportProgress>,
);

impl ProgressChannel {
    /// Sends one report; a webview that stopped listening does not stop the import.
    fn send(&self, p: ImportProgress) {
        let _ = self.0.send(p);
    }
}

impl<'de, R: tauri::Runtime> tauri::ipc::CommandArg<'de, R> for ProgressChannel {
    fn from_command(
        command: tauri::ipc::CommandItem<'de, R>,
    ) -> Result<Self, tauri::ipc::InvokeError> {
        tauri::ipc::Channel::from_command(command).map(ProgressChannel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_listed_in_build_rs_and_granted_to_the_window_and_nothing_else() {
        let names: Vec<&str> = signatures().iter().map(|s| s.name).collect();
        let build = include_str!("../build.rs");
        let listed: Vec<&str> = build
            .split_once(".commands(&[")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map(|(list, _)| list)
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            listed, names,
            "build.rs must list exactly the commands (each gets an allow-<command> permission)"
        );
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        let wanted: Vec<String> = names
            .iter()
            .map(|n| format!("allow-{}", n.replace('_', "-")))
            .collect();
        assert_eq!(
            granted, wanted,
            "the window may call exactly the app's commands: nothing of the core or plugins"
        );
    }
}
