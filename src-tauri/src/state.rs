//! The app's managed state: the one open workspace, or why it could not be opened, and the
//! list of recently opened workspaces.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::Utc;
use permgrid::api::{ApiError, ErrorCode, ErrorDto, Summary, Workspace};
use permgrid::model::Actor;

use crate::recent::{RecentList, RecentWorkspace};

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

/// Who is acting, recorded in the audit log: `$PERMGRID_ACTOR`, else the login name, as in the
/// CLI. Read at each command, so every audit entry carries the time of its own action.
pub fn actor() -> Actor {
    let name = std::env::var("PERMGRID_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::new(name, Utc::now())
}

/// Opens `path`, or creates the demo workspace there when nothing exists yet.
fn open_or_demo(path: &Path) -> Result<Workspace, ErrorDto> {
    let (ws, created) = Workspace::open_or_create_demo(path, &actor())?;
    let verb = if created {
        "created the demo workspace"
    } else {
        "opened"
    };
    eprintln!("permgrid: {verb} `{}`", path.display());
    Ok(ws)
}

/// The most recently opened workspace that still exists, unless `$PERMGRID_WORKSPACE` names
/// one (then [`workspace_path`] decides, as it does when nothing was opened before).
fn startup_path(from_env: bool, recent: &[RecentWorkspace]) -> Option<PathBuf> {
    if from_env {
        return None;
    }
    recent
        .iter()
        .find(|w| w.exists)
        .map(|w| PathBuf::from(&w.path))
}

/// The workspace in use and the path it came from.
struct Current {
    path: Result<PathBuf, ErrorDto>,
    workspace: Result<Workspace, ErrorDto>,
}

/// The open workspace, or the error that kept it from opening, and the list of recent ones.
pub struct AppState {
    // INVARIANT: only `with`, `with_mut` and `switch` touch it, one command at a time.
    current: Mutex<Current>,
    recent: RecentList,
}

impl AppState {
    /// The workspace to start with: `$PERMGRID_WORKSPACE`, else the most recently opened one
    /// that still exists, else the default file (the demo workspace is created there on
    /// first run).
    pub fn open_at_startup(recent: RecentList) -> AppState {
        let from_env = std::env::var_os(WORKSPACE_ENV).is_some_and(|p| !p.is_empty());
        let path = startup_path(from_env, &recent.load()).map_or_else(workspace_path, Ok);
        AppState::open_at(path).remembering(recent)
    }

    /// Opens the workspace at `path` (or keeps the error that resolving the path gave).
    pub fn open_at(path: Result<PathBuf, ErrorDto>) -> AppState {
        let workspace = path.clone().and_then(|p| open_or_demo(&p));
        if let Err(e) = &workspace {
            eprintln!("permgrid: cannot open the workspace: {}", e.message);
        }
        AppState {
            current: Mutex::new(Current { path, workspace }),
            recent: RecentList::none(),
        }
    }

    /// Keeps the list of recent workspaces in `recent` (and puts the open one first).
    pub fn remembering(mut self, recent: RecentList) -> AppState {
        self.recent = recent;
        let guard = self.lock();
        if let (Ok(path), Ok(ws)) = (&guard.path, &guard.workspace) {
            self.touch(path, ws);
        }
        drop(guard);
        self
    }

    fn lock(&self) -> MutexGuard<'_, Current> {
        // A panic while the lock was held cannot leave the workspace half-written (every write
        // is one SQLite transaction), so a poisoned lock is still safe to use.
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn touch(&self, path: &Path, ws: &Workspace) {
        let name = ws.summary().map(|s| s.meta.name).unwrap_or_default();
        if let Err(e) = self.recent.touch(path, &name, Utc::now()) {
            eprintln!("permgrid: cannot update the list of recent workspaces: {e}");
        }
    }

    /// Runs `f` on the open workspace. If opening failed, it is tried again first (the user may
    /// have fixed the cause, e.g. a permission, and pressed "Try again"); if it fails again,
    /// the answer is that error.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Workspace) -> Result<T, ApiError>,
    ) -> Result<T, ErrorDto> {
        self.with_mut(|ws| f(ws))
    }

    /// Like [`AppState::with`], for the engine calls that change the workspace.
    pub fn with_mut<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T, ApiError>,
    ) -> Result<T, ErrorDto> {
        let mut guard = self.lock();
        if guard.workspace.is_err() {
            guard.workspace = guard.path.clone().and_then(|p| open_or_demo(&p));
        }
        match &mut guard.workspace {
            Ok(ws) => f(ws).map_err(ErrorDto::from),
            Err(e) => Err(e.clone()),
        }
    }

    /// Switches to another workspace file, made by `make` (which opens or creates it). On
    /// failure the workspace in use stays open and the answer is the error.
    pub fn switch(
        &self,
        path: PathBuf,
        make: impl FnOnce(&Path) -> Result<Workspace, ApiError>,
    ) -> Result<Summary, ErrorDto> {
        let ws = make(&path)?;
        let summary = ws.summary()?;
        self.touch(&path, &ws);
        let mut guard = self.lock();
        *guard = Current {
            path: Ok(path),
            workspace: Ok(ws),
        };
        Ok(summary)
    }

    /// The recently opened workspaces, newest first.
    pub fn recent(&self) -> Vec<RecentWorkspace> {
        self.recent.load()
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
    fn opening_and_creating_switch_the_workspace_and_are_remembered_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.permgrid");
        let list = RecentList::at(dir.path().join("config/recent-workspaces.json"));
        let state = AppState::open_at(Ok(first.clone())).remembering(list);
        assert_eq!(
            state.recent().len(),
            1,
            "the workspace opened at startup is remembered"
        );

        let second = dir.path().join("second.permgrid");
        let made = state
            .switch(second.clone(), |p| Workspace::create(p, "Second", &actor()))
            .unwrap();
        assert_eq!(made.meta.name, "Second");
        assert_eq!(made.roles, 0, "a new workspace starts empty");
        let summary = state.with(Workspace::summary).unwrap();
        assert_eq!(
            summary.path,
            second.display().to_string(),
            "commands now act on the new file"
        );
        let recent: Vec<String> = state.recent().into_iter().map(|w| w.path).collect();
        assert_eq!(
            recent,
            [second.display().to_string(), first.display().to_string()],
            "newest first"
        );

        let missing = dir.path().join("missing.permgrid");
        let err = state.switch(missing, Workspace::open).unwrap_err();
        assert_ne!(err.code, ErrorCode::Internal, "{}", err.message);
        assert_eq!(
            state.with(Workspace::summary).unwrap().meta.name,
            "Second",
            "a file that cannot be opened leaves the open workspace in place"
        );

        let again = state.switch(first.clone(), Workspace::open).unwrap();
        assert_eq!(again.employees, 60, "back to the demo");
        assert_eq!(state.recent()[0].path, first.display().to_string());
    }

    #[test]
    fn startup_opens_the_last_workspace_that_still_exists_unless_the_environment_names_one() {
        let at = Utc::now();
        let entry = |path: &str, exists| RecentWorkspace {
            path: path.into(),
            name: String::new(),
            opened_at: at,
            exists,
        };
        let recent = [
            entry("/gone.permgrid", false),
            entry("/kept.permgrid", true),
        ];
        assert_eq!(
            startup_path(false, &recent),
            Some(PathBuf::from("/kept.permgrid"))
        );
        assert_eq!(startup_path(true, &recent), None, "the environment wins");
        assert_eq!(
            startup_path(false, &[]),
            None,
            "first run: the default file (the demo workspace)"
        );
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
