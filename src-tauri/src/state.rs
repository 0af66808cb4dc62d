//! The app's managed state: the one open workspace, or why it could not be opened.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use chrono::Utc;
use permgrid::api::{ApiError, ErrorCode, ErrorDto, Workspace};
use permgrid::model::Actor;

/// The environment variable that points the app at a workspace file (the CLI reads it too).
pub const WORKSPACE_ENV: &str = "PERMGRID_WORKSPACE";

/// Where the workspace lives: `$PERMGRID_WORKSPACE`, else `workspace.permgrid` in the user's
/// data directory, the same default as the `permgrid` CLI.
pub fn workspace_path() -> Result<PathBuf, ErrorDto> {
    if let Some(path) = std::env::var_os(WORKSPACE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "permgrid")
        .map(|dirs| dirs.data_dir().join("workspace.permgrid"))
        .ok_or_else(|| ErrorDto {
            code: ErrorCode::Io,
            message: format!("no home directory to keep the workspace in: set `{WORKSPACE_ENV}`"),
        })
}

/// Who is acting, recorded in the audit log: `$PERMGRID_ACTOR`, else the login name, as in the CLI.
fn actor() -> Actor {
    let name = std::env::var("PERMGRID_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::new(name, Utc::now())
}

/// Opens `path`, or creates the demo workspace there when nothing exists yet.
fn open(path: &Path) -> Result<Workspace, ErrorDto> {
    let (ws, created) = Workspace::open_or_create_demo(path, &actor())?;
    let verb = if created {
        "created the demo workspace"
    } else {
        "opened"
    };
    eprintln!("permgrid: {verb} `{}`", path.display());
    Ok(ws)
}

/// The open workspace, or the error that kept it from opening.
pub struct AppState {
    path: Result<PathBuf, ErrorDto>,
    // INVARIANT: only `with` touches it, one command at a time.
    workspace: Mutex<Result<Workspace, ErrorDto>>,
}

impl AppState {
    /// Opens the workspace at [`workspace_path`], creating the demo workspace there on first run.
    pub fn open_at_startup() -> AppState {
        AppState::open_at(workspace_path())
    }

    /// Opens the workspace at `path` (or keeps the error that resolving the path gave).
    pub fn open_at(path: Result<PathBuf, ErrorDto>) -> AppState {
        let workspace = path.clone().and_then(|p| open(&p));
        if let Err(e) = &workspace {
            eprintln!("permgrid: cannot open the workspace: {}", e.message);
        }
        AppState {
            path,
            workspace: Mutex::new(workspace),
        }
    }

    /// Runs `f` on the open workspace. If opening failed, it is tried again first (the user may
    /// have fixed the cause, e.g. a permission, and pressed "Try again"); if it fails again,
    /// the answer is that error.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Workspace) -> Result<T, ApiError>,
    ) -> Result<T, ErrorDto> {
        // A panic while the lock was held cannot leave the workspace half-written (every write is
        // one SQLite transaction), so a poisoned lock is still safe to use.
        let mut guard = self
            .workspace
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if guard.is_err() {
            *guard = self.path.clone().and_then(|p| open(&p));
        }
        match &*guard {
            Ok(ws) => f(ws).map_err(ErrorDto::from),
            Err(e) => Err(e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_start_creates_the_demo_workspace_and_summarises_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/workspace.permgrid");
        let summary = AppState::open_at(Ok(path.clone()))
            .with(Workspace::summary)
            .unwrap();
        assert!(
            path.exists(),
            "the demo workspace is created on first start"
        );
        assert_eq!(summary.employees, 60, "the demo company has 60 employees");
        assert_eq!(summary.customers, 10_000, "the demo has 10,000 customers");

        let again = AppState::open_at(Ok(path))
            .with(Workspace::summary)
            .unwrap();
        assert_eq!(
            again.meta.id, summary.meta.id,
            "the second start opens the same workspace instead of creating another"
        );
    }

    #[test]
    fn a_file_that_is_not_a_workspace_is_reported_and_left_alone_until_it_is_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.permgrid");
        let notes = "not a workspace, just text that happens to be long enough\n".repeat(10);
        std::fs::write(&path, &notes).unwrap();
        let state = AppState::open_at(Ok(path.clone()));
        let first = state.with(Workspace::summary).unwrap_err();
        assert_eq!(first.code, ErrorCode::NotAWorkspace, "{}", first.message);
        assert!(
            first.message.contains("notes.permgrid"),
            "the message names the file: {}",
            first.message
        );
        let second = state.with(Workspace::summary).unwrap_err();
        assert_eq!(
            first, second,
            "trying again without a fix fails the same way"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            notes,
            "a file that is not a workspace is never overwritten"
        );

        std::fs::remove_file(&path).unwrap();
        let fixed = state.with(Workspace::summary).unwrap();
        assert_eq!(
            fixed.employees, 60,
            "once the cause is gone, trying again opens it"
        );
    }

    #[test]
    fn without_a_path_every_command_answers_with_the_reason() {
        let reason = ErrorDto {
            code: ErrorCode::Io,
            message: "no home directory".into(),
        };
        let state = AppState::open_at(Err(reason.clone()));
        assert_eq!(state.with(Workspace::summary).unwrap_err(), reason);
    }

    #[test]
    fn the_environment_variable_chooses_the_workspace() {
        // The only test that touches the variable, so no other test races with it.
        std::env::set_var(WORKSPACE_ENV, "/tmp/elsewhere.permgrid");
        let chosen = workspace_path();
        std::env::remove_var(WORKSPACE_ENV);
        assert_eq!(chosen.unwrap(), PathBuf::from("/tmp/elsewhere.permgrid"));
        let default = workspace_path().unwrap();
        assert!(
            default.ends_with("permgrid/workspace.permgrid"),
            "same default as the CLI: {}",
            default.display()
        );
    }
}
