//! The `audit` table: append-only (triggers refuse UPDATE and DELETE) and hash-chained.
//!
//! `hash = SHA-256(JSON [seq, at, actor, action, target, old, new, revision, details_digest, prev_hash])`
//! and each entry's `prev_hash` is the previous entry's `hash` (64 zeros for the first).
//! `verify` recomputes every hash, link and revision digest, and reports the first break.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{format_time, parse_time, revisions, StoreError};
use crate::model::AuditEntry;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub struct NewEntry<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub revision: Option<i64>,
    pub details_digest: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    old: Option<&str>,
    new: Option<&str>,
    revision: Option<i64>,
    details_digest: &str,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([
        seq,
        at,
        actor,
        action,
        target,
        old,
        new,
        revision,
        details_digest,
        prev_hash
    ])
    .to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

pub fn append(conn: &Connection, e: &NewEntry<'_>) -> Result<i64, StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s.saturating_add(1), h),
        None => (1, GENESIS.to_owned()),
    };
    let at = format_time(e.at);
    let hash = entry_hash(
        seq,
        &at,
        e.actor,
        e.action,
        e.target,
        e.old,
        e.new,
        e.revision,
        e.details_digest,
        &prev,
    );
    conn.prepare_cached(
        "INSERT INTO audit (seq, at, actor, action, target, old, new, revision, details_digest, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        seq,
        at,
        e.actor,
        e.action,
        e.target,
        e.old,
        e.new,
        e.revision,
        e.details_digest,
        prev,
        hash
    ])?;
    Ok(seq)
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exact actor name.
    pub actor: Option<String>,
    /// Action prefix, e.g. `import` or `matrix.set`.
    pub action: Option<String>,
    /// Substring of the target.
    pub target: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Keep only the last `limit` matching entries.
    pub limit: Option<usize>,
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: parse_time(&r.get::<_, String>(1)?)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        target: r.get(4)?,
        old: r.get(5)?,
        new: r.get(6)?,
        revision: r.get(7)?,
        details_digest: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

const COLUMNS: &str =
    "seq, at, actor, action, target, old, new, revision, details_digest, prev_hash, hash";

pub fn list(conn: &Connection, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM audit
           WHERE (?1 IS NULL OR actor = ?1)
             AND (?2 IS NULL OR action = ?2 OR action LIKE ?2 || '.%')
             AND (?3 IS NULL OR instr(target, ?3) > 0)
             AND (?4 IS NULL OR at >= ?4)
             AND (?5 IS NULL OR at < ?5)
           ORDER BY seq DESC LIMIT ?6) ORDER BY seq"
    );
    let limit = f
        .limit
        .map(|l| i64::try_from(l).unwrap_or(i64::MAX))
        .unwrap_or(-1);
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![
        f.actor,
        f.action,
        f.target,
        f.since.map(format_time),
        f.until.map(format_time),
        limit
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(row_to_entry(r)?);
    }
    Ok(out)
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BrokenLink {
    #[ts(type = "number")]
    pub seq: i64,
    pub reason: String,
}

/// Result of walking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditReport {
    #[ts(type = "number")]
    pub entries: u64,
    /// Hash of the last entry: record it elsewhere to detect removal of the newest entries.
    pub head: String,
    pub broken: Option<BrokenLink>,
}

/// Verifies the whole chain: every entry's hash and link, and every revision's content
/// (its change rows re-hashed) against the digest its entry carries.
pub fn verify(conn: &Connection) -> Result<AuditReport, StoreError> {
    verify_with(conn, true)
}

/// Verifies every entry's hash and link, without re-hashing revisions' change rows (which on
/// a 2.5M-cell workspace are millions of rows): what must hold before a bundle is signed.
pub fn verify_links(conn: &Connection) -> Result<AuditReport, StoreError> {
    verify_with(conn, false)
}

fn verify_with(conn: &Connection, revisions_too: bool) -> Result<AuditReport, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut entries = 0u64;
    let broken = |seq: i64, reason: String, entries: u64, head: String| AuditReport {
        entries,
        head,
        broken: Some(BrokenLink { seq, reason }),
    };
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let actor: String = r.get(2)?;
        let action: String = r.get(3)?;
        let target: String = r.get(4)?;
        let old: Option<String> = r.get(5)?;
        let new: Option<String> = r.get(6)?;
        let revision: Option<i64> = r.get(7)?;
        let details: String = r.get(8)?;
        let prev_hash: String = r.get(9)?;
        let hash: String = r.get(10)?;
        if seq != expected_seq {
            return Ok(broken(
                seq,
                format!("entry {expected_seq} is missing"),
                entries,
                prev,
            ));
        }
        if prev_hash != prev {
            return Ok(broken(
                seq,
                "does not link to the previous entry".into(),
                entries,
                prev,
            ));
        }
        let computed = entry_hash(
            seq,
            &at,
            &actor,
            &action,
            &target,
            old.as_deref(),
            new.as_deref(),
            revision,
            &details,
            &prev_hash,
        );
        if computed != hash {
            return Ok(broken(
                seq,
                "its content does not match its hash".into(),
                entries,
                prev,
            ));
        }
        if let Some(rev) = revision.filter(|_| revisions_too) {
            if revisions::digest(conn, rev)? != details {
                return Ok(broken(
                    seq,
                    format!("revision {rev} or its changes were modified"),
                    entries,
                    prev,
                ));
            }
        }
        prev = hash;
        entries = entries.saturating_add(1);
        expected_seq = expected_seq.saturating_add(1);
    }
    Ok(AuditReport {
        entries,
        head: prev,
        broken: None,
    })
}
