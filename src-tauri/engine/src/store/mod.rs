//! The workspace store: one SQLite file is one workspace.
//!
//! Responsible for opening (refusing foreign, corrupt or newer files without touching them),
//! migrating, loading the [`Snapshot`], and applying changes. Every change set is one
//! transaction that writes the entities, a revision with its change rows and a hash-chained
//! audit entry together. Called by the `api` facade only.

mod audit;
mod customers;
mod entities;
mod keys;
mod meta;
mod revisions;
mod schema;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::model::{Actor, Change, Snapshot};

pub use audit::{AuditFilter, AuditReport, BrokenLink};
pub use keys::BundleRecord;
pub use meta::WorkspaceMeta;
pub use revisions::{ChangeRecord, DiffEntry};
pub use schema::{latest_version, migrate, migrations, APPLICATION_ID};

/// Why the store refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("workspace `{0}` does not exist")]
    NotFound(PathBuf),
    #[error("`{0}` already exists; choose another path or remove it first")]
    AlreadyExists(PathBuf),
    #[error("`{path}` is not a permgrid workspace: {reason}")]
    NotAWorkspace { path: PathBuf, reason: String },
    #[error("workspace was written by a newer permgrid (schema version {found}; this build supports up to {supported})")]
    NewerVersion { found: i64, supported: i64 },
    #[error("workspace `{path}` is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("migration to schema version {version} failed: {detail}")]
    Migration { version: i64, detail: String },
    #[error("{table} `{key}` cannot be read: {detail}")]
    BadData {
        table: String,
        key: String,
        detail: String,
    },
    #[error("unknown revision {0}")]
    UnknownRevision(i64),
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The outcome of applying a change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The revision made, or `None` when nothing actually changed (no revision, no audit entry).
    pub revision: Option<i64>,
    /// The changes that took effect (no-ops dropped).
    pub changes: Vec<ChangeRecord>,
}

/// An open workspace file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn corrupt(path: &Path, e: impl ToString) -> StoreError {
    StoreError::Corrupt {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a committed edit survives a power cut, not only a crash of the app.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 64 MiB of page cache (SQLite's default is 2 MiB): a large edit touches cells all over a
    // big workspace's B-trees, and re-reading those pages from the OS dominated its cost.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

impl Store {
    /// Creates a new, empty workspace at `path`, refusing to overwrite anything.
    /// `mask_key` is the secret for keyed masking; pass fresh random bytes (randomness is
    /// passed in so tests are repeatable).
    pub fn create(path: &Path, meta: &WorkspaceMeta, mask_key: &[u8]) -> Result<Store, StoreError> {
        if path.exists() {
            return Err(StoreError::AlreadyExists(path.to_owned()));
        }
        let made = (|| {
            let mut conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            configure(&conn)?;
            migrate(&mut conn, &migrations())?;
            meta::write(&conn, meta)?;
            meta::set_mask_key(&conn, mask_key)?;
            Ok::<_, StoreError>(conn)
        })();
        match made {
            Ok(conn) => Ok(Store {
                conn,
                path: path.to_owned(),
            }),
            Err(e) => {
                // Leave nothing half-made behind.
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
                Err(e)
            }
        }
    }

    /// Opens an existing workspace. A file that is not a permgrid workspace, is damaged, or
    /// was written by a newer version is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::probe(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(path, e))?;
        configure(&conn).map_err(|e| corrupt(path, e))?;
        migrate(&mut conn, &migrations())?;
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    /// Read-only checks of a file, before it is opened for writing.
    fn probe(path: &Path) -> Result<(), StoreError> {
        let mut file = std::fs::File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::NotFound(path.to_owned()),
            _ => StoreError::Io {
                path: path.to_owned(),
                source: e,
            },
        })?;
        let mut header = [0u8; 16];
        let n = file.read(&mut header).map_err(|e| StoreError::Io {
            path: path.to_owned(),
            source: e,
        })?;
        if n < header.len() || &header != SQLITE_HEADER {
            return Err(StoreError::NotAWorkspace {
                path: path.to_owned(),
                reason: "it is not an SQLite database".into(),
            });
        }
        drop(file);
        let ro = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(path, e))?;
        let app: i64 = ro
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| corrupt(path, e))?;
        if app != APPLICATION_ID {
            return Err(StoreError::NotAWorkspace {
                path: path.to_owned(),
                reason: "it is an SQLite database of another application".into(),
            });
        }
        let version: i64 = ro
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| corrupt(path, e))?;
        if version > latest_version() {
            return Err(StoreError::NewerVersion {
                found: version,
                supported: latest_version(),
            });
        }
        let check: String = ro
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| corrupt(path, e))?;
        if check != "ok" {
            return Err(corrupt(path, check));
        }
        Ok(())
    }

    /// Where the workspace lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Workspace metadata.
    pub fn meta(&self) -> Result<WorkspaceMeta, StoreError> {
        meta::read(&self.conn)
    }

    /// The secret key of the `hash` mask rule.
    pub fn mask_key(&self) -> Result<Vec<u8>, StoreError> {
        meta::mask_key(&self.conn)
    }

    /// Loads every entity (not customers).
    pub fn load(&self) -> Result<Snapshot, StoreError> {
        entities::load(&self.conn)
    }

    /// Whether the entity `kind`/`key` exists.
    pub fn exists(&self, kind: crate::model::EntityKind, key: &str) -> Result<bool, StoreError> {
        Ok(entities::read_json(&self.conn, kind, key)?.is_some())
    }

    /// Decided cells, and fields whose every role is decided (given the number of roles).
    pub fn cell_counts(&self, roles: usize) -> Result<(usize, usize), StoreError> {
        let total: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM cells", [], |r| r.get(0))?;
        let complete: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM (SELECT field FROM cells GROUP BY field HAVING COUNT(*) >= ?1)",
            [i64::try_from(roles).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )?;
        Ok((
            usize::try_from(total).unwrap_or(0),
            usize::try_from(complete).unwrap_or(0),
        ))
    }

    /// Loads every entity except cells.
    pub fn load_without_cells(&self) -> Result<Snapshot, StoreError> {
        entities::load_without_cells(&self.conn)
    }

    /// The cells as a dense grid (see [`entities::cell_grid`]).
    #[allow(clippy::type_complexity)]
    pub fn cell_grid(
        &self,
        roles: &std::collections::HashMap<&str, usize>,
        fields: &std::collections::HashMap<&str, usize>,
    ) -> Result<(Vec<u8>, Vec<(usize, usize, u8)>), StoreError> {
        entities::cell_grid(&self.conn, roles, fields)
    }

    /// Applies `changes` as one revision with one audit entry, in one transaction.
    /// Changes that leave an entity as it is are dropped; if none remain, nothing is written.
    pub fn apply(
        &mut self,
        actor: &Actor,
        action: &str,
        target: &str,
        changes: &[Change],
    ) -> Result<Applied, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut records = Vec::new();
        for c in changes {
            let old = entities::read_json(&tx, c.kind, &c.key)?;
            let new = c.new.as_ref().map(|e| e.to_json());
            if old == new {
                continue;
            }
            match &c.new {
                Some(e) => entities::write(&tx, e)?,
                None => entities::delete(&tx, c.kind, &c.key)?,
            }
            records.push(ChangeRecord {
                kind: c.kind,
                key: c.key.clone(),
                old,
                new,
            });
        }
        if records.is_empty() {
            return Ok(Applied {
                revision: None,
                changes: records,
            });
        }
        let rev = revisions::insert(&tx, actor, &format!("{action} {target}"), &records)?;
        let digest = revisions::digest(&tx, rev)?;
        let (old, new) = revisions::summarize(&records);
        audit::append(
            &tx,
            &audit::NewEntry {
                at: actor.at,
                actor: &actor.name,
                action,
                target,
                old: old.as_deref(),
                new: new.as_deref(),
                revision: Some(rev),
                details_digest: &digest,
            },
        )?;
        tx.commit()?;
        Ok(Applied {
            revision: Some(rev),
            changes: records,
        })
    }

    /// Records an event that changes no entity (an export, a key operation...) in the audit log.
    pub fn record(
        &mut self,
        actor: &Actor,
        action: &str,
        target: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        audit::append(
            &tx,
            &audit::NewEntry {
                at: actor.at,
                actor: &actor.name,
                action,
                target,
                old,
                new,
                revision: None,
                details_digest: "",
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The revisions, oldest first (revision 0 is the empty workspace).
    pub fn revisions(&self) -> Result<Vec<crate::model::Revision>, StoreError> {
        revisions::list(&self.conn)
    }

    /// The latest revision id.
    pub fn head(&self) -> Result<i64, StoreError> {
        revisions::head(&self.conn)
    }

    /// Entity-level differences between revisions `from` and `to` (either order).
    pub fn diff(&self, from: i64, to: i64) -> Result<Vec<DiffEntry>, StoreError> {
        revisions::diff(&self.conn, from, to)
    }

    /// The changes that bring the current state back to revision `rev`.
    pub fn changes_to_restore(&self, rev: i64) -> Result<Vec<Change>, StoreError> {
        revisions::changes_to_restore(&self.conn, rev)
    }

    /// Audit entries matching `filter`, oldest first.
    pub fn audit_log(
        &self,
        filter: &AuditFilter,
    ) -> Result<Vec<crate::model::AuditEntry>, StoreError> {
        audit::list(&self.conn, filter)
    }

    /// Walks the audit chain and reports the first broken link.
    pub fn audit_verify(&self) -> Result<AuditReport, StoreError> {
        audit::verify(&self.conn)
    }

    /// Verifies the audit entries' hashes and links only (see [`audit::verify_links`]).
    pub fn audit_verify_links(&self) -> Result<AuditReport, StoreError> {
        audit::verify_links(&self.conn)
    }

    /// Adds or replaces sample customers, with one audit entry, in one transaction.
    pub fn put_customers(
        &mut self,
        actor: &Actor,
        target: &str,
        customers: &[crate::model::Customer],
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let digest = customers::put(&tx, customers)?;
        let total = customers::count(&tx)?;
        let new = format!("{} customers written, {total} in all", customers.len());
        audit::append(
            &tx,
            &audit::NewEntry {
                at: actor.at,
                actor: &actor.name,
                action: "import.customers",
                target,
                old: None,
                new: Some(&new),
                revision: None,
                details_digest: &digest,
            },
        )?;
        tx.commit()?;
        Ok(customers.len())
    }

    /// Sample customers in import order; `limit` caps how many.
    pub fn customers(
        &self,
        limit: Option<usize>,
    ) -> Result<Vec<crate::model::Customer>, StoreError> {
        customers::load(&self.conn, limit)
    }

    /// Stores a new key (public part, sealed private part) with its audit entry.
    pub fn add_key(
        &mut self,
        actor: &Actor,
        info: &crate::keys::KeyInfo,
        sealed: &[u8],
        action: &str,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        keys::insert(&tx, info, sealed)?;
        let new = format!("{} key {} ({})", info.algorithm, info.id, info.label);
        audit::append(
            &tx,
            &audit::NewEntry {
                at: actor.at,
                actor: &actor.name,
                action,
                target: &info.id,
                old: None,
                new: Some(&new),
                revision: None,
                details_digest: "",
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Retires a key (it stays listed, and can no longer sign) with its audit entry.
    pub fn retire_key(&mut self, actor: &Actor, id: &str) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done = keys::retire(&tx, id, actor.at)?;
        if done {
            audit::append(
                &tx,
                &audit::NewEntry {
                    at: actor.at,
                    actor: &actor.name,
                    action: "keys.retire",
                    target: id,
                    old: Some("active"),
                    new: Some("retired"),
                    revision: None,
                    details_digest: "",
                },
            )?;
        }
        tx.commit()?;
        Ok(done)
    }

    /// Every key (never the private parts).
    pub fn keys(&self) -> Result<Vec<crate::keys::KeyInfo>, StoreError> {
        keys::list(&self.conn)
    }

    /// One key and its sealed private part.
    pub fn key(&self, id: &str) -> Result<Option<(crate::keys::KeyInfo, Vec<u8>)>, StoreError> {
        keys::get(&self.conn, id)
    }

    /// The serial the next bundle gets.
    pub fn next_serial(&self) -> Result<u64, StoreError> {
        keys::next_serial(&self.conn)
    }

    /// Records a built bundle and its audit entry, in one transaction.
    pub fn record_bundle(&mut self, actor: &Actor, b: &BundleRecord) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        keys::record_bundle(&tx, b)?;
        let new = format!(
            "serial {} revision {} targets {} keys {} digest {}",
            b.serial,
            b.revision,
            b.targets.join(","),
            b.key_ids.join(","),
            b.digest
        );
        audit::append(
            &tx,
            &audit::NewEntry {
                at: actor.at,
                actor: &actor.name,
                action: "bundle.build",
                target: &b.file,
                old: None,
                new: Some(&new),
                revision: None,
                details_digest: &b.digest,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every bundle built, oldest first.
    pub fn bundles(&self) -> Result<Vec<BundleRecord>, StoreError> {
        keys::bundles(&self.conn)
    }

    /// Sets the display order of the entities of `table` (`roles` or `fields`) to `ids`, with
    /// an audit entry. Display order is not part of revisions.
    pub fn reorder(
        &mut self,
        actor: &Actor,
        table: &str,
        ids: &[String],
    ) -> Result<(), StoreError> {
        if !matches!(table, "roles" | "fields") {
            return Err(StoreError::BadData {
                table: table.to_owned(),
                key: String::new(),
                detail: "only roles and fields have a display order".into(),
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare(&format!("UPDATE {table} SET pos = ?2 WHERE id = ?1"))?;
            for (i, id) in ids.iter().enumerate() {
                stmt.execute(rusqlite::params![
                    id,
                    i64::try_from(i).unwrap_or(i64::MAX) + 1
                ])?;
            }
        }
        let new = ids.join(",");
        audit::append(
            &tx,
            &audit::NewEntry {
                at: actor.at,
                actor: &actor.name,
                action: &format!("{table}.reorder"),
                target: table,
                old: None,
                new: Some(&new),
                revision: None,
                details_digest: "",
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Number of sample customers.
    pub fn customer_count(&self) -> Result<usize, StoreError> {
        customers::count(&self.conn)
    }
}

/// Formats a time the way the store writes it (fixed width, UTC, microseconds).
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses a time written by [`format_time`].
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::BadData {
            table: "time".into(),
            key: s.to_owned(),
            detail: e.to_string(),
        })
}
