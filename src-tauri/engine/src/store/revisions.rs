//! The `revisions` and `revision_changes` tables.
//!
//! A revision records, for every entity it changed, the JSON before and after. That is
//! enough to diff any two revisions (first `old` after the lower one, last `new` up to the
//! higher one) and to restore any revision (undo every later change), without snapshots.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use ts_rs::TS;

use super::{format_time, parse_time, StoreError};
use crate::model::{Actor, Change, Entity, EntityKind, Revision};

/// One entity change as stored: JSON before and after (`None` = absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangeRecord {
    pub kind: EntityKind,
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One entity that differs between two revisions, with readable summaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiffEntry {
    pub kind: EntityKind,
    pub key: String,
    /// Summary of the value in the first revision (`None`: absent).
    pub from: Option<String>,
    /// Summary of the value in the second revision (`None`: absent).
    pub to: Option<String>,
}

pub fn insert(
    conn: &Connection,
    actor: &Actor,
    message: &str,
    records: &[ChangeRecord],
) -> Result<i64, StoreError> {
    let rev = head(conn)?.saturating_add(1);
    conn.execute(
        "INSERT INTO revisions (id, at, actor, message, changes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            rev,
            format_time(actor.at),
            actor.name,
            message,
            i64::try_from(records.len()).unwrap_or(i64::MAX)
        ],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO revision_changes (revision, seq, kind, key, old, new) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (seq, r) in records.iter().enumerate() {
        stmt.execute(params![
            rev,
            i64::try_from(seq).unwrap_or(i64::MAX),
            r.kind.as_str(),
            r.key,
            r.old,
            r.new
        ])?;
    }
    Ok(rev)
}

/// SHA-256 (hex) over a revision's row and its change rows, in order. The audit entry
/// carries it, so editing a change row or a revision by hand breaks the audit chain.
pub fn digest(conn: &Connection, rev: i64) -> Result<String, StoreError> {
    let mut h = Sha256::new();
    let row = conn
        .query_row(
            "SELECT at, actor, message, changes FROM revisions WHERE id = ?1",
            [rev],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((at, actor, message, changes)) = row else {
        return Ok(String::new());
    };
    let head = serde_json::json!([rev, at, actor, message, changes]).to_string();
    h.update(head.as_bytes());
    h.update(b"\n");
    let mut stmt = conn.prepare_cached(
        "SELECT seq, kind, key, old, new FROM revision_changes WHERE revision = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([rev])?;
    while let Some(r) = rows.next()? {
        let line = serde_json::json!([
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?
        ])
        .to_string();
        h.update(line.as_bytes());
        h.update(b"\n");
    }
    Ok(hex::encode(h.finalize()))
}

fn summary(kind: EntityKind, json: Option<&str>) -> Option<String> {
    let json = json?;
    Some(match Entity::from_json(kind, json) {
        Ok(e) => e.summary(),
        Err(_) => json.to_owned(),
    })
}

/// Old and new values for an audit entry: the values themselves for a single change,
/// counts for many.
pub fn summarize(records: &[ChangeRecord]) -> (Option<String>, Option<String>) {
    match records {
        [one] => (
            summary(one.kind, one.old.as_deref()),
            summary(one.kind, one.new.as_deref()),
        ),
        many => {
            let added = many.iter().filter(|r| r.old.is_none()).count();
            let removed = many.iter().filter(|r| r.new.is_none()).count();
            let changed = many.len() - added - removed;
            (
                None,
                Some(format!(
                    "{} changes ({added} added, {changed} changed, {removed} removed)",
                    many.len()
                )),
            )
        }
    }
}

pub fn head(conn: &Connection) -> Result<i64, StoreError> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM revisions", [], |r| {
            r.get(0)
        })?,
    )
}

pub fn list(conn: &Connection) -> Result<Vec<Revision>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT id, at, actor, message, changes FROM revisions ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Revision {
            id: r.get(0)?,
            at: parse_time(&r.get::<_, String>(1)?)?,
            actor: r.get(2)?,
            message: r.get(3)?,
            changes: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX),
        });
    }
    Ok(out)
}

fn check_rev(conn: &Connection, rev: i64) -> Result<(), StoreError> {
    if rev < 0 || rev > head(conn)? {
        return Err(StoreError::UnknownRevision(rev));
    }
    Ok(())
}

/// For every entity changed in `(lo, hi]`: (value at `lo`, value at `hi`), as JSON.
type Span = BTreeMap<(EntityKind, String), (Option<String>, Option<String>)>;

fn span(conn: &Connection, lo: i64, hi: i64) -> Result<Span, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT kind, key, old, new FROM revision_changes WHERE revision > ?1 AND revision <= ?2
         ORDER BY revision, seq",
    )?;
    let mut rows = stmt.query([lo, hi])?;
    let mut out: Span = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let kind_s: String = r.get(0)?;
        let key: String = r.get(1)?;
        let kind: EntityKind = kind_s.parse().map_err(|e| StoreError::BadData {
            table: "revision_changes".into(),
            key: key.clone(),
            detail: format!("{e}"),
        })?;
        let old: Option<String> = r.get(2)?;
        let new: Option<String> = r.get(3)?;
        out.entry((kind, key))
            .and_modify(|v| v.1 = new.clone())
            .or_insert((old, new));
    }
    Ok(out)
}

pub fn diff(conn: &Connection, from: i64, to: i64) -> Result<Vec<DiffEntry>, StoreError> {
    check_rev(conn, from)?;
    check_rev(conn, to)?;
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    let mut out = Vec::new();
    for ((kind, key), (at_lo, at_hi)) in span(conn, lo, hi)? {
        if at_lo == at_hi {
            continue;
        }
        let (a, b) = if from <= to {
            (at_lo, at_hi)
        } else {
            (at_hi, at_lo)
        };
        out.push(DiffEntry {
            kind,
            from: summary(kind, a.as_deref()),
            to: summary(kind, b.as_deref()),
            key,
        });
    }
    Ok(out)
}

pub fn changes_to_restore(conn: &Connection, rev: i64) -> Result<Vec<Change>, StoreError> {
    check_rev(conn, rev)?;
    let now = head(conn)?;
    let mut out = Vec::new();
    for ((kind, key), (at_rev, at_now)) in span(conn, rev, now)? {
        if at_rev == at_now {
            continue;
        }
        let new = match at_rev {
            Some(json) => {
                Some(
                    Entity::from_json(kind, &json).map_err(|e| StoreError::BadData {
                        table: "revision_changes".into(),
                        key: key.clone(),
                        detail: e.to_string(),
                    })?,
                )
            }
            None => None,
        };
        out.push(Change { kind, key, new });
    }
    // Dependency order, so that a restored state is built parents first.
    out.sort_by_key(|c| c.kind);
    Ok(out)
}
