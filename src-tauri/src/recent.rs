//! The workspaces this user opened recently, newest first: a shell concern (which files were
//! opened on this machine), kept as a small JSON file in the app's configuration directory.
//! The test configuration has its own identifier, so tests never touch the list people use.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many workspaces the list remembers.
pub const RECENT_MAX: usize = 10;

/// A workspace opened recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecentWorkspace {
    pub path: String,
    /// The workspace's name when it was last opened.
    pub name: String,
    pub opened_at: DateTime<Utc>,
    /// Whether the file is still there (checked when the list is read; not stored).
    #[serde(default, skip_deserializing)]
    pub exists: bool,
}

/// The list's file, or none (then nothing is remembered).
#[derive(Debug, Clone, Default)]
pub struct RecentList {
    file: Option<PathBuf>,
}

impl RecentList {
    /// A list kept in `file`.
    pub fn at(file: PathBuf) -> RecentList {
        RecentList { file: Some(file) }
    }

    /// A list that remembers nothing (tests, or no configuration directory).
    pub fn none() -> RecentList {
        RecentList { file: None }
    }

    /// `recent-workspaces.json` in the configuration directory of the app `identifier`
    /// (`$XDG_CONFIG_HOME/<identifier>` on Linux, as Tauri's `app_config_dir`).
    pub fn for_app(identifier: &str) -> RecentList {
        match directories::BaseDirs::new() {
            Some(dirs) => RecentList::at(
                dirs.config_dir()
                    .join(identifier)
                    .join("recent-workspaces.json"),
            ),
            None => RecentList::none(),
        }
    }

    /// The list, newest first. A missing or unreadable file is an empty list: losing the
    /// history of opened files must never keep the app from starting.
    pub fn load(&self) -> Vec<RecentWorkspace> {
        let Some(file) = &self.file else {
            return Vec::new();
        };
        let mut list: Vec<RecentWorkspace> = std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        for w in &mut list {
            w.exists = Path::new(&w.path).is_file();
        }
        list
    }

    /// Puts `path` first (or moves it there), keeping at most [`RECENT_MAX`] entries.
    pub fn touch(&self, path: &Path, name: &str, at: DateTime<Utc>) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let path = path.display().to_string();
        let mut list = self.load();
        list.retain(|w| w.path != path);
        list.insert(
            0,
            RecentWorkspace {
                path,
                name: name.to_owned(),
                opened_at: at,
                exists: true,
            },
        );
        list.truncate(RECENT_MAX);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Write then rename, so a crash never leaves half a list.
        let tmp = file.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&list)?)?;
        std::fs::rename(&tmp, file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_newest_comes_first_once_and_the_list_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let list = RecentList::at(dir.path().join("config/recent-workspaces.json"));
        assert!(list.load().is_empty(), "no file yet: an empty list");
        let at = |s: i64| Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap();
        for i in 0..12 {
            let path = dir.path().join(format!("w{i}.permgrid"));
            std::fs::write(&path, b"x").unwrap();
            list.touch(&path, &format!("W{i}"), at(i)).unwrap();
        }
        let again = dir.path().join("w5.permgrid");
        list.touch(&again, "W5 renamed", at(100)).unwrap();
        let names: Vec<String> = list.load().into_iter().map(|w| w.name).collect();
        assert_eq!(names.len(), RECENT_MAX, "capped");
        assert_eq!(names[0], "W5 renamed", "reopening moves it to the front");
        assert_eq!(names[1], "W11");
        assert_eq!(
            names.iter().filter(|n| n.starts_with("W5")).count(),
            1,
            "listed once"
        );
    }

    #[test]
    fn a_moved_file_is_flagged_and_a_damaged_list_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("recent-workspaces.json");
        let list = RecentList::at(file.clone());
        let ws = dir.path().join("a.permgrid");
        std::fs::write(&ws, b"x").unwrap();
        list.touch(&ws, "A", Utc::now()).unwrap();
        assert!(list.load()[0].exists);
        std::fs::remove_file(&ws).unwrap();
        assert!(!list.load()[0].exists, "a file that is gone is flagged");

        std::fs::write(&file, b"{ not json").unwrap();
        assert!(list.load().is_empty(), "a damaged list is an empty one");
        list.touch(&ws, "A", Utc::now()).unwrap();
        assert_eq!(list.load().len(), 1, "and it is rewritten on the next open");
    }
}
