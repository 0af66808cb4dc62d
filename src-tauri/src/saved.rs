//! Where the desktop app saves exported files: a new file in the user's downloads folder
//! (`$PERMGRID_EXPORT_DIR` instead, when set), never overwriting one that exists, written
//! through a temporary file so that a failed export leaves no half-written file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use permgrid::api::ApiError;

/// Overrides the downloads folder (tests, or an administrator's choice).
pub const EXPORT_DIR_ENV: &str = "PERMGRID_EXPORT_DIR";

/// The folder exports go to: `$PERMGRID_EXPORT_DIR`, else the downloads folder, else home.
pub fn export_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let user = directories::UserDirs::new()?;
    Some(
        user.download_dir()
            .map_or_else(|| user.home_dir().to_owned(), Path::to_owned),
    )
}

/// Writes `bytes` to a new file `<stem>-<stamp>.<ext>` in `dir` (`-2`, `-3`... if taken) and
/// returns its path.
pub fn save_new(
    dir: &Path,
    stem: &str,
    stamp: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<PathBuf, ApiError> {
    let io = |path: &Path, source: std::io::Error| ApiError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut n = 1u32;
    let path = loop {
        let name = if n == 1 {
            format!("{stem}-{stamp}.{ext}")
        } else {
            format!("{stem}-{stamp}-{n}.{ext}")
        };
        let candidate = dir.join(name);
        if !candidate.exists() {
            break candidate;
        }
        n = n.saturating_add(1);
    };
    let part = path.with_extension(format!("{ext}.part"));
    let written = std::fs::File::create_new(&part)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::hard_link(&part, &path))
        .map_err(|e| io(&path, e));
    // The temporary name goes whether the export worked or not; `hard_link` never replaces
    // a file that appeared meanwhile.
    let _ = std::fs::remove_file(&part);
    written.map(|()| path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn saves_a_new_file_and_never_overwrites_one() {
        let dir = tempfile::tempdir().unwrap();
        let a = save_new(
            dir.path(),
            "employees",
            "20261205-0100",
            "csv",
            b"id\nE001\n",
        )
        .unwrap();
        let b = save_new(
            dir.path(),
            "employees",
            "20261205-0100",
            "csv",
            b"id\nE002\n",
        )
        .unwrap();
        assert_eq!(a.file_name().unwrap(), "employees-20261205-0100.csv");
        assert_eq!(b.file_name().unwrap(), "employees-20261205-0100-2.csv");
        assert_eq!(std::fs::read(&a).unwrap(), b"id\nE001\n");
        assert_eq!(std::fs::read(&b).unwrap(), b"id\nE002\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "no temporary file is left behind: {names:?}"
        );
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, b"x").unwrap();
        let err = save_new(&file, "roles", "s", "csv", b"id\n").unwrap_err();
        assert!(err.to_string().contains("not-a-folder"), "{err}");
    }
}
