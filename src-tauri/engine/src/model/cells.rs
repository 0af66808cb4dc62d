//! The decided cells of a matrix, stored densely: one row per role, one slot per field id.
//!
//! A workspace of 500 roles x 5,000 fields has 2.5 million cells. Kept as a hash map keyed by
//! (role id, field id) strings, every pass over them (compiling decisions, building a bundle)
//! chased two heap strings per cell and took most of a second. Here each field id is stored
//! once, as a column, and a role's cells are one vector of two-byte slots: a pass over all
//! cells is a walk over contiguous memory, and lookups hash one role id and one field id.

use indexmap::{IndexMap, IndexSet};

use super::{Cell, CellKey, FieldId, RoleId};

type Hasher = foldhash::fast::RandomState;

/// Decided cells by role and field. An absent cell is undecided (hidden, in the review queue).
#[derive(Debug, Clone, Default)]
pub struct CellMap {
    /// Every field id that has had a cell, in first-seen order; a field's position is its column.
    columns: IndexSet<FieldId, Hasher>,
    /// Per role, its cells by column (shorter than `columns` when the last columns are unset).
    rows: IndexMap<RoleId, Vec<Option<Cell>>, Hasher>,
    len: usize,
}

impl PartialEq for CellMap {
    /// Same cells, whatever the column and row order.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .iter()
                .all(|(r, f, c)| other.get(r.as_str(), f.as_str()) == Some(c))
    }
}

impl CellMap {
    /// The number of decided cells.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no cell is decided.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cell of `role` x `field`, if decided.
    pub fn get(&self, role: &str, field: &str) -> Option<Cell> {
        let col = self.columns.get_index_of(field)?;
        self.rows.get(role)?.get(col).copied().flatten()
    }

    /// The cell at `key`, if decided.
    pub fn get_key(&self, key: &CellKey) -> Option<Cell> {
        self.get(key.role.as_str(), key.field.as_str())
    }

    /// Whether `role` x `field` is decided.
    pub fn contains(&self, role: &str, field: &str) -> bool {
        self.get(role, field).is_some()
    }

    /// Sets a cell, returning the one it replaced.
    pub fn insert(&mut self, key: CellKey, cell: Cell) -> Option<Cell> {
        let (col, _) = self.columns.insert_full(key.field);
        let row = self.rows.entry(key.role).or_default();
        if row.len() <= col {
            row.resize(col + 1, None);
        }
        let old = row.get_mut(col).and_then(|slot| slot.replace(cell));
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Sets a cell by ids given as text (bulk loading: an id is parsed and checked only the
    /// first time it is seen), returning the one it replaced.
    pub fn insert_str(
        &mut self,
        role: &str,
        field: &str,
        cell: Cell,
    ) -> Result<Option<Cell>, super::ModelError> {
        let col = match self.columns.get_index_of(field) {
            Some(c) => c,
            None => self.columns.insert_full(FieldId::new(field)?).0,
        };
        let row = match self.rows.get_index_of(role) {
            Some(r) => r,
            None => self.rows.insert_full(RoleId::new(role)?, Vec::new()).0,
        };
        let Some((_, row)) = self.rows.get_index_mut(row) else {
            return Ok(None);
        };
        if row.len() <= col {
            row.resize(col + 1, None);
        }
        let old = row.get_mut(col).and_then(|slot| slot.replace(cell));
        if old.is_none() {
            self.len += 1;
        }
        Ok(old)
    }

    /// Removes a cell, returning it.
    pub fn remove(&mut self, role: &str, field: &str) -> Option<Cell> {
        let col = self.columns.get_index_of(field)?;
        let old = self.rows.get_mut(role)?.get_mut(col)?.take();
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// Every decided cell (rows in first-seen order, then columns).
    pub fn iter(&self) -> impl Iterator<Item = (&RoleId, &FieldId, Cell)> + '_ {
        self.rows.iter().flat_map(move |(role, row)| {
            row.iter()
                .zip(&self.columns)
                .filter_map(move |(c, f)| c.map(|c| (role, f, c)))
        })
    }

    /// Every decided cell, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Cell> + '_ {
        self.rows
            .values_mut()
            .flat_map(|row| row.iter_mut().flatten())
    }

    /// The column of each slot of [`CellMap::rows`]: map it once to your own field indices,
    /// then walk the rows without touching an id.
    pub fn columns(&self) -> &IndexSet<FieldId, Hasher> {
        &self.columns
    }

    /// Per role, its cells by column (see [`CellMap::columns`]).
    pub fn rows(&self) -> impl Iterator<Item = (&RoleId, &[Option<Cell>])> + '_ {
        self.rows.iter().map(|(r, row)| (r, row.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Level;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn key(r: u8, f: u8) -> CellKey {
        CellKey {
            role: RoleId::new(format!("r{r}")).unwrap(),
            field: FieldId::new(format!("o.f{f}")).unwrap(),
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u8, u8),
        Remove(u8, u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..6u8, 0..9u8, 0..4u8).prop_map(|(r, f, l)| Op::Insert(r, f, l)),
            (0..6u8, 0..9u8).prop_map(|(r, f)| Op::Remove(r, f)),
        ]
    }

    proptest! {
        /// The dense map behaves exactly like a hash map keyed by (role, field).
        #[test]
        fn behaves_like_a_hash_map(ops in proptest::collection::vec(op(), 0..200)) {
            let mut dense = CellMap::default();
            let mut model: HashMap<CellKey, Cell> = HashMap::new();
            for op in ops {
                match op {
                    Op::Insert(r, f, l) => {
                        let cell = Cell::plain(Level::from_rank(l).unwrap());
                        let k = key(r, f);
                        let old = if l % 2 == 0 {
                            dense.insert(k.clone(), cell)
                        } else {
                            dense.insert_str(k.role.as_str(), k.field.as_str(), cell).unwrap()
                        };
                        prop_assert_eq!(old, model.insert(k, cell));
                    }
                    Op::Remove(r, f) => {
                        let k = key(r, f);
                        prop_assert_eq!(
                            dense.remove(k.role.as_str(), k.field.as_str()),
                            model.remove(&k)
                        );
                    }
                }
                prop_assert_eq!(dense.len(), model.len());
            }
            for r in 0..6 {
                for f in 0..9 {
                    let k = key(r, f);
                    prop_assert_eq!(dense.get_key(&k), model.get(&k).copied());
                }
            }
            let mut listed: Vec<(CellKey, Cell)> = dense
                .iter()
                .map(|(r, f, c)| (CellKey { role: r.clone(), field: f.clone() }, c))
                .collect();
            listed.sort_by(|a, b| a.0.cmp(&b.0));
            let mut expected: Vec<(CellKey, Cell)> = model.into_iter().collect();
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            prop_assert_eq!(listed, expected);
        }
    }

    #[test]
    fn text_ids_are_checked_when_first_seen() {
        let mut m = CellMap::default();
        assert!(m.insert_str("bad role", "o.f1", Cell::HIDDEN).is_err());
        assert!(m.insert_str("r1", "no-object", Cell::HIDDEN).is_err());
        assert!(m.is_empty(), "nothing kept from a refused id");
        assert_eq!(
            m.insert_str("r1", "o.f1", Cell::plain(Level::Read)),
            Ok(None)
        );
        assert_eq!(m.get("r1", "o.f1"), Some(Cell::plain(Level::Read)));
    }

    #[test]
    fn equality_ignores_insertion_order() {
        let mut a = CellMap::default();
        let mut b = CellMap::default();
        a.insert(key(1, 1), Cell::plain(Level::Read));
        a.insert(key(2, 2), Cell::plain(Level::Edit));
        b.insert(key(2, 2), Cell::plain(Level::Edit));
        b.insert(key(1, 1), Cell::plain(Level::Read));
        assert_eq!(a, b);
        b.remove("r1", "o.f1");
        assert_ne!(a, b);
    }
}
