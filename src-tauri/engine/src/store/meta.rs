//! The `meta` table: workspace id, name, creation time, producer.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{format_time, parse_time, StoreError};

/// Facts about a workspace that never change after creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkspaceMeta {
    /// A stable id, used in bundles.
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The permgrid version that created it.
    pub producer: String,
}

pub fn write(conn: &Connection, m: &WorkspaceMeta) -> Result<(), StoreError> {
    let mut stmt = conn.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?;
    for (k, v) in [
        ("id", m.id.clone()),
        ("name", m.name.clone()),
        ("created_at", format_time(m.created_at)),
        ("created_by", m.created_by.clone()),
        ("producer", m.producer.clone()),
    ] {
        stmt.execute(params![k, v])?;
    }
    Ok(())
}

pub fn read(conn: &Connection) -> Result<WorkspaceMeta, StoreError> {
    let get = |k: &str| -> Result<String, StoreError> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::BadData {
                table: "meta".into(),
                key: k.into(),
                detail: "missing".into(),
            })
    };
    Ok(WorkspaceMeta {
        id: get("id")?,
        name: get("name")?,
        created_at: parse_time(&get("created_at")?)?,
        created_by: get("created_by")?,
        producer: get("producer")?,
    })
}

/// The workspace's secret key for keyed masking (`hash` rule). Never exported.
pub fn mask_key(conn: &Connection) -> Result<Vec<u8>, StoreError> {
    let hexkey: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'mask_key'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let bad = |detail: String| StoreError::BadData {
        table: "meta".into(),
        key: "mask_key".into(),
        detail,
    };
    hex::decode(hexkey.ok_or_else(|| bad("missing".into()))?).map_err(|e| bad(e.to_string()))
}

/// Stores the mask key (at creation).
pub fn set_mask_key(conn: &Connection, key: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('mask_key', ?1)",
        [hex::encode(key)],
    )?;
    Ok(())
}
