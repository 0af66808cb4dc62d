//! The entity tables: one JSON table per kind (`departments`, `roles`, ...), and `cells`
//! with real columns because a workspace holds millions of them.

use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;
use crate::model::{
    Cell, CellEntry, CellKey, Entity, EntityKind, FieldId, Level, RoleId, Snapshot,
};

fn table(kind: EntityKind) -> Option<&'static str> {
    Some(match kind {
        EntityKind::Department => "departments",
        EntityKind::Role => "roles",
        EntityKind::Employee => "employees",
        EntityKind::Object => "objects",
        EntityKind::Tier => "tiers",
        EntityKind::Field => "fields",
        EntityKind::Policy => "policies",
        EntityKind::Guardrail => "guardrails",
        EntityKind::Grant => "grants",
        EntityKind::Request => "requests",
        EntityKind::Cell => return None,
    })
}

fn bad(table: &str, key: &str, detail: impl ToString) -> StoreError {
    StoreError::BadData {
        table: table.to_owned(),
        key: key.to_owned(),
        detail: detail.to_string(),
    }
}

fn level_from_db(role: &str, field: &str, v: i64) -> Result<Level, StoreError> {
    u8::try_from(v)
        .ok()
        .and_then(Level::from_rank)
        .ok_or_else(|| {
            bad(
                "cells",
                &format!("{role}/{field}"),
                format!("level {v} out of range"),
            )
        })
}

/// The cell of a `cells` row's level and approval columns, checked.
fn cell_value(
    role: &str,
    field: &str,
    level: i64,
    approval: Option<i64>,
) -> Result<Cell, StoreError> {
    let level = level_from_db(role, field, level)?;
    match approval {
        Some(a) => Cell::gated(level, level_from_db(role, field, a)?)
            .map_err(|e| bad("cells", &format!("{role}/{field}"), e)),
        None => Ok(Cell::plain(level)),
    }
}

fn cell_from_row(
    role: &str,
    field: &str,
    level: i64,
    approval: Option<i64>,
) -> Result<CellEntry, StoreError> {
    let key = || format!("{role}/{field}");
    let k = CellKey {
        role: RoleId::new(role).map_err(|e| bad("cells", &key(), e))?,
        field: FieldId::new(field).map_err(|e| bad("cells", &key(), e))?,
    };
    Ok(CellEntry {
        key: k,
        cell: cell_value(role, field, level, approval)?,
    })
}

/// The current JSON of an entity, or `None` when absent.
pub fn read_json(
    conn: &Connection,
    kind: EntityKind,
    key: &str,
) -> Result<Option<String>, StoreError> {
    match table(kind) {
        Some(t) => Ok(conn
            .prepare_cached(&format!("SELECT data FROM {t} WHERE id = ?1"))?
            .query_row([key], |r| r.get::<_, String>(0))
            .optional()?),
        None => {
            let Some((role, field)) = key.split_once('/') else {
                return Ok(None);
            };
            let row = conn
                .prepare_cached("SELECT level, approval FROM cells WHERE role = ?1 AND field = ?2")?
                .query_row([role, field], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
                })
                .optional()?;
            match row {
                Some((level, approval)) => Ok(Some(
                    Entity::Cell(cell_from_row(role, field, level, approval)?).to_json(),
                )),
                None => Ok(None),
            }
        }
    }
}

/// Adds or replaces an entity; a new entity goes last in display order.
pub fn write(conn: &Connection, entity: &Entity) -> Result<(), StoreError> {
    match (table(entity.kind()), entity) {
        (_, Entity::Cell(c)) => {
            conn.prepare_cached(
                "INSERT INTO cells (role, field, level, approval) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (role, field) DO UPDATE SET level = excluded.level, approval = excluded.approval",
            )?
            .execute(params![
                c.key.role.as_str(),
                c.key.field.as_str(),
                c.cell.level.rank(),
                c.cell.approval.map(|a| a.rank())
            ])?;
        }
        (Some(t), e) => {
            conn.prepare_cached(&format!(
                "INSERT INTO {t} (id, pos, data) VALUES (?1, (SELECT COALESCE(MAX(pos), 0) + 1 FROM {t}), ?2)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data"
            ))?
            .execute(params![e.key(), e.to_json()])?;
        }
        (None, _) => {}
    }
    Ok(())
}

/// Removes an entity if present.
pub fn delete(conn: &Connection, kind: EntityKind, key: &str) -> Result<(), StoreError> {
    match table(kind) {
        Some(t) => {
            conn.prepare_cached(&format!("DELETE FROM {t} WHERE id = ?1"))?
                .execute([key])?;
        }
        None => {
            if let Some((role, field)) = key.split_once('/') {
                conn.prepare_cached("DELETE FROM cells WHERE role = ?1 AND field = ?2")?
                    .execute([role, field])?;
            }
        }
    }
    Ok(())
}

/// Loads every entity into a snapshot.
pub fn load(conn: &Connection) -> Result<Snapshot, StoreError> {
    let mut snap = load_without_cells(conn)?;
    let mut stmt = conn.prepare("SELECT role, field, level, approval FROM cells")?;
    let mut rows = stmt.query([])?;
    // Millions of rows: the ids are borrowed from SQLite and checked once each, when first seen.
    while let Some(row) = rows.next()? {
        let text = |i: usize| -> Result<&str, StoreError> {
            row.get_ref(i)?
                .as_str()
                .map_err(|e| bad("cells", &format!("row with column {i}"), e))
        };
        let (role, field) = (text(0)?, text(1)?);
        let cell = cell_value(role, field, row.get(2)?, row.get(3)?)?;
        snap.cells
            .insert_str(role, field, cell)
            .map_err(|e| bad("cells", &format!("{role}/{field}"), e))?;
    }
    Ok(snap)
}

/// Every entity but the cells (fast even on a workspace of millions of cells).
pub fn load_without_cells(conn: &Connection) -> Result<Snapshot, StoreError> {
    let mut snap = Snapshot::default();
    for kind in EntityKind::ALL {
        let Some(t) = table(*kind) else { continue };
        let mut stmt = conn.prepare(&format!("SELECT id, data FROM {t} ORDER BY pos"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let data: String = row.get(1)?;
            let e = Entity::from_json(*kind, &data).map_err(|e| bad(t, &id, e))?;
            if e.key() != id {
                return Err(bad(t, &id, format!("row holds `{}`", e.key())));
            }
            snap.put(e);
        }
    }
    Ok(snap)
}

/// The cells as a dense grid, `grid[field * roles + role]` = level rank, or `u8::MAX` when
/// undecided, and the approval-gated ones as (field, role, approval rank). Roles and fields
/// are given by index; cells of unknown roles or fields are skipped.
#[allow(clippy::type_complexity)]
pub fn cell_grid(
    conn: &Connection,
    roles: &std::collections::HashMap<&str, usize>,
    fields: &std::collections::HashMap<&str, usize>,
) -> Result<(Vec<u8>, Vec<(usize, usize, u8)>), StoreError> {
    let nr = roles.len();
    let mut grid = vec![u8::MAX; nr.saturating_mul(fields.len())];
    let mut gated = Vec::new();
    let mut stmt = conn.prepare("SELECT role, field, level, approval FROM cells")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let role = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let field = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let (Some(&r), Some(&f)) = (roles.get(role), fields.get(field)) else {
            continue;
        };
        let level: i64 = row.get(2)?;
        let approval: Option<i64> = row.get(3)?;
        if let Some(slot) = grid.get_mut(f * nr + r) {
            *slot = u8::try_from(level).unwrap_or(0).min(3);
        }
        if let Some(a) = approval {
            gated.push((f, r, u8::try_from(a).unwrap_or(0).min(3)));
        }
    }
    Ok((grid, gated))
}
