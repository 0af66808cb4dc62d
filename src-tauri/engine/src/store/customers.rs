//! The `customers` table: sample records for the simulator (not part of revisions).

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::model::Customer;

/// Upserts customers and returns the SHA-256 (hex) of what was written.
pub fn put(conn: &Connection, customers: &[Customer]) -> Result<String, StoreError> {
    let mut h = Sha256::new();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO customers (id, pos, owner, department, tier, data)
         VALUES (?1, (SELECT COALESCE(MAX(pos), 0) + 1 FROM customers), ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, department = excluded.department,
             tier = excluded.tier, data = excluded.data",
    )?;
    for c in customers {
        let data = serde_json::to_string(&c.values).unwrap_or_default();
        h.update(c.id.as_str().as_bytes());
        h.update(b"\0");
        h.update(data.as_bytes());
        h.update(b"\n");
        stmt.execute(params![
            c.id.as_str(),
            c.owner.as_str(),
            c.department.as_str(),
            c.tier.as_str(),
            data
        ])?;
    }
    Ok(hex::encode(h.finalize()))
}

pub fn count(conn: &Connection) -> Result<usize, StoreError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

pub fn load(conn: &Connection, limit: Option<usize>) -> Result<Vec<Customer>, StoreError> {
    let limit = limit
        .map(|l| i64::try_from(l).unwrap_or(i64::MAX))
        .unwrap_or(-1);
    let mut stmt = conn
        .prepare("SELECT id, owner, department, tier, data FROM customers ORDER BY pos LIMIT ?1")?;
    let mut rows = stmt.query([limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let bad = |detail: String| StoreError::BadData {
            table: "customers".into(),
            key: id.clone(),
            detail,
        };
        let values =
            serde_json::from_str(&r.get::<_, String>(4)?).map_err(|e| bad(e.to_string()))?;
        out.push(Customer {
            id: id
                .parse()
                .map_err(|e: crate::model::ModelError| bad(e.to_string()))?,
            owner: r
                .get::<_, String>(1)?
                .parse()
                .map_err(|e: crate::model::ModelError| bad(e.to_string()))?,
            department: r
                .get::<_, String>(2)?
                .parse()
                .map_err(|e: crate::model::ModelError| bad(e.to_string()))?,
            tier: r
                .get::<_, String>(3)?
                .parse()
                .map_err(|e: crate::model::ModelError| bad(e.to_string()))?,
            values,
        });
    }
    Ok(out)
}
