//! The `keys` table (public part and sealed private part of signing keys) and the `bundles`
//! table (every bundle built: who, when, revision, serial, digest, keys, targets).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::{format_time, parse_time, StoreError};
use crate::keys::KeyInfo;

fn bad(key: &str, detail: impl ToString) -> StoreError {
    StoreError::BadData {
        table: "keys".into(),
        key: key.to_owned(),
        detail: detail.to_string(),
    }
}

pub fn insert(conn: &Connection, k: &KeyInfo, sealed: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO keys (id, algorithm, label, public_pem, sealed, created_at, created_by, retired_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)",
        params![
            k.id,
            k.algorithm.to_string(),
            k.label,
            k.public_pem,
            STANDARD.encode(sealed),
            format_time(k.created_at),
            k.created_by
        ],
    )?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> Result<KeyInfo, StoreError> {
    let id: String = r.get(0)?;
    Ok(KeyInfo {
        algorithm: r.get::<_, String>(1)?.parse().map_err(|e| bad(&id, e))?,
        label: r.get(2)?,
        public_pem: r.get(3)?,
        created_at: parse_time(&r.get::<_, String>(4)?)?,
        created_by: r.get(5)?,
        retired_at: r
            .get::<_, Option<String>>(6)?
            .map(|t| parse_time(&t))
            .transpose()?,
        id,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<KeyInfo>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, algorithm, label, public_pem, created_at, created_by, retired_at FROM keys ORDER BY created_at, id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(row(r)?);
    }
    Ok(out)
}

/// The key and its sealed private part.
pub fn get(conn: &Connection, id: &str) -> Result<Option<(KeyInfo, Vec<u8>)>, StoreError> {
    let found = conn
        .query_row(
            "SELECT id, algorithm, label, public_pem, created_at, created_by, retired_at, sealed FROM keys WHERE id = ?1",
            [id],
            |r| Ok((row(r), r.get::<_, String>(7)?)),
        )
        .optional()?;
    match found {
        None => Ok(None),
        Some((info, sealed)) => {
            let info = info?;
            let blob = STANDARD.decode(sealed).map_err(|e| bad(id, e))?;
            Ok(Some((info, blob)))
        }
    }
}

pub fn retire(conn: &Connection, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = conn.execute(
        "UPDATE keys SET retired_at = ?2 WHERE id = ?1 AND retired_at IS NULL",
        params![id, format_time(at)],
    )?;
    Ok(n > 0)
}

/// A bundle recorded in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BundleRecord {
    #[ts(type = "number")]
    pub serial: u64,
    pub at: DateTime<Utc>,
    pub actor: String,
    #[ts(type = "number")]
    pub revision: i64,
    pub targets: Vec<String>,
    pub digest: String,
    pub key_ids: Vec<String>,
    pub expires_at: DateTime<Utc>,
    /// Where it was written.
    pub file: String,
}

/// The next serial: one more than any recorded (strictly increasing).
pub fn next_serial(conn: &Connection) -> Result<u64, StoreError> {
    let max: i64 = conn.query_row("SELECT COALESCE(MAX(serial), 0) FROM bundles", [], |r| {
        r.get(0)
    })?;
    Ok(u64::try_from(max).unwrap_or(0).saturating_add(1))
}

pub fn record_bundle(conn: &Connection, b: &BundleRecord) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO bundles (serial, at, actor, revision, targets, digest, key_ids, expires_at, file)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            i64::try_from(b.serial).unwrap_or(i64::MAX),
            format_time(b.at),
            b.actor,
            b.revision,
            b.targets.join(","),
            b.digest,
            b.key_ids.join(","),
            format_time(b.expires_at),
            b.file
        ],
    )?;
    Ok(())
}

pub fn bundles(conn: &Connection) -> Result<Vec<BundleRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT serial, at, actor, revision, targets, digest, key_ids, expires_at, file FROM bundles ORDER BY serial",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let split = |s: String| {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    while let Some(r) = rows.next()? {
        out.push(BundleRecord {
            serial: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
            at: parse_time(&r.get::<_, String>(1)?)?,
            actor: r.get(2)?,
            revision: r.get(3)?,
            targets: split(r.get(4)?),
            digest: r.get(5)?,
            key_ids: split(r.get(6)?),
            expires_at: parse_time(&r.get::<_, String>(7)?)?,
            file: r.get(8)?,
        });
    }
    Ok(out)
}
