//! Ordered migrations and the version guard.
//!
//! Migration N brings a workspace from `user_version` N-1 to N. All pending migrations are
//! applied in one transaction: a failure leaves the file exactly as it was.

use rusqlite::Connection;

use super::StoreError;

/// `PRAGMA application_id` of a permgrid workspace ("PGRD").
pub const APPLICATION_ID: i64 = 0x5047_5244;

/// The tables holding entities as JSON, one per entity kind except cells.
pub const ENTITY_TABLES: &[&str] = &[
    "departments",
    "roles",
    "employees",
    "objects",
    "tiers",
    "fields",
    "policies",
    "guardrails",
    "grants",
    "requests",
];

/// Every migration, in order. Never edit one that has shipped: add a new one.
pub fn migrations() -> Vec<String> {
    let mut v1 = String::from(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE cells (role TEXT NOT NULL, field TEXT NOT NULL, level INTEGER NOT NULL,
             approval INTEGER, PRIMARY KEY (role, field)) WITHOUT ROWID;
         CREATE INDEX cells_field ON cells(field);
         CREATE TABLE customers (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, owner TEXT NOT NULL,
             department TEXT NOT NULL, tier TEXT NOT NULL, data TEXT NOT NULL);
         CREATE INDEX customers_pos ON customers(pos);
         CREATE TABLE revisions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
             message TEXT NOT NULL, changes INTEGER NOT NULL);
         CREATE TABLE revision_changes (revision INTEGER NOT NULL REFERENCES revisions(id),
             seq INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, old TEXT, new TEXT,
             PRIMARY KEY (revision, seq)) WITHOUT ROWID;
         CREATE INDEX revision_changes_key ON revision_changes(kind, key, revision);
         CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
             action TEXT NOT NULL, target TEXT NOT NULL, old TEXT, new TEXT, revision INTEGER,
             details_digest TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
         CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
         CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
         INSERT INTO revisions (id, at, actor, message, changes)
             VALUES (0, '1970-01-01T00:00:00.000000Z', 'permgrid', 'empty workspace', 0);
        ",
    );
    for t in ENTITY_TABLES {
        v1.push_str(&format!(
            "CREATE TABLE {t} (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, data TEXT NOT NULL);
             CREATE INDEX {t}_pos ON {t}(pos);\n"
        ));
    }
    // 2: signing keys (private parts sealed) and the history of built bundles.
    let v2 = "CREATE TABLE keys (id TEXT PRIMARY KEY, algorithm TEXT NOT NULL, label TEXT NOT NULL,
                  public_pem TEXT NOT NULL, sealed TEXT NOT NULL, created_at TEXT NOT NULL,
                  created_by TEXT NOT NULL, retired_at TEXT);
              CREATE TABLE bundles (serial INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
                  revision INTEGER NOT NULL, targets TEXT NOT NULL, digest TEXT NOT NULL,
                  key_ids TEXT NOT NULL, expires_at TEXT NOT NULL, file TEXT NOT NULL);"
        .to_owned();
    vec![v1, v2]
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    i64::try_from(migrations().len()).unwrap_or(i64::MAX)
}

/// Applies the pending migrations of `list` in one transaction.
pub fn migrate(conn: &mut Connection, list: &[String]) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = i64::try_from(list.len()).unwrap_or(i64::MAX);
    if current > latest {
        return Err(StoreError::NewerVersion {
            found: current,
            supported: latest,
        });
    }
    if current == latest {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (i, sql) in list
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        let version = i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1);
        tx.execute_batch(sql).map_err(|e| StoreError::Migration {
            version,
            detail: e.to_string(),
        })?;
    }
    tx.pragma_update(None, "user_version", latest)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}
