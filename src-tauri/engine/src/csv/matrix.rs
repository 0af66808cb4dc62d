//! matrix.csv (wide: one row per field, one column per role) and matrix-long.csv.

use super::{CsvError, Located, Table, W};
use crate::model::{
    Cell, CellEntry, CellKey, Change, Entity, EntityKind, FieldId, RoleId, Snapshot,
};

fn cell_change(key: CellKey, text: &str) -> Result<Change, crate::model::ModelError> {
    if text.is_empty() {
        let k = format!("{}/{}", key.role, key.field);
        return Ok(Change::remove(EntityKind::Cell, k));
    }
    let cell: Cell = text.parse()?;
    Ok(Change::put(Entity::Cell(CellEntry { key, cell })))
}

pub fn wide(t: &Table, snap: &Snapshot) -> Result<Vec<Located>, CsvError> {
    if t.headers.first().map(String::as_str) != Some("field") {
        return Err(t.header_err(
            0,
            "the first column of a wide matrix must be `field`".into(),
        ));
    }
    let mut roles = Vec::new();
    for (i, h) in t.headers.iter().enumerate().skip(1) {
        let role: RoleId = h
            .parse()
            .map_err(|e: crate::model::ModelError| t.header_err(i, e.to_string()))?;
        if !snap.roles.contains_key(&role) {
            return Err(t.header_err(i, format!("unknown role `{role}`")));
        }
        if roles.iter().any(|(_, r)| r == &role) {
            return Err(t.header_err(i, format!("role `{role}` appears twice")));
        }
        roles.push((i, role));
    }
    let mut out = Vec::new();
    for r in t.rows() {
        let field: FieldId = r.parse("field")?;
        if !snap.fields.contains_key(&field) {
            return Err(r.err_col(0, format!("unknown field `{field}`")));
        }
        for (i, role) in &roles {
            let key = CellKey {
                role: role.clone(),
                field: field.clone(),
            };
            let change = cell_change(key, r.at(*i)).map_err(|e| r.err_col(*i, e.to_string()))?;
            let mut l = Located::new(&r, change);
            l.columns = vec![("field", 0), ("role", *i)];
            out.push(l);
        }
    }
    Ok(out)
}

pub fn long(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&["role", "field", "level"])?;
    t.rows()
        .map(|r| {
            let key = CellKey {
                role: r.parse("role")?,
                field: r.parse("field")?,
            };
            let change =
                cell_change(key, r.text("level")).map_err(|e| r.err("level", e.to_string()))?;
            Ok(Located::new(&r, change))
        })
        .collect()
}

pub fn export_wide(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    let mut header = vec!["field".to_owned()];
    header.extend(s.roles.keys().map(|r| r.to_string()));
    w.write_record(&header)?;
    for f in s.fields.keys() {
        let mut row = vec![f.to_string()];
        for r in s.roles.keys() {
            row.push(
                s.cells
                    .get(r.as_str(), f.as_str())
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            );
        }
        w.write_record(&row)?;
    }
    Ok(())
}

pub fn export_long(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record(["role", "field", "level"])?;
    for f in s.fields.keys() {
        for r in s.roles.keys() {
            if let Some(c) = s.cells.get(r.as_str(), f.as_str()) {
                w.write_record([r.as_str(), f.as_str(), &c.to_string()])?;
            }
        }
    }
    Ok(())
}
