//! Revisions and audit entries: the history of a workspace.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who does something, and when. Time is passed in, never read inside the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Actor {
    pub name: String,
    pub at: DateTime<Utc>,
}

impl Actor {
    /// An actor at a time.
    pub fn new(name: impl Into<String>, at: DateTime<Utc>) -> Self {
        Actor {
            name: name.into(),
            at,
        }
    }
}

/// A saved state of the matrix and org. Revision 0 is the empty workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Revision {
    #[ts(type = "number")]
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub message: String,
    /// Number of entity changes this revision made.
    pub changes: u32,
}

/// One append-only, hash-chained entry of the audit log (审计日志).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// What was done, e.g. `matrix.set`, `import.matrix`, `revision.restore`.
    pub action: String,
    /// What it was done to, e.g. `sales_rep/customer.mobile` or `matrix.csv`.
    pub target: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The revision it made, if any.
    #[ts(type = "number | null")]
    pub revision: Option<i64>,
    /// SHA-256 of the revision's change rows (hex), so they are covered by the chain.
    pub details_digest: String,
    pub prev_hash: String,
    pub hash: String,
}
