//! Simulation ("view as"): the customer table exactly as an employee (or a set of roles)
//! would see it — unreachable rows removed, hidden columns absent, masked values masked,
//! per-row action availability — plus comparisons and access queries.
//!
//! Decisions are made once per (covering roles, tier) class and reused for every row of
//! that class; per row only coverage is computed and masked values are written into one
//! buffer. Pure: no I/O, time passed in. Called by `api`.

mod access;
mod compare;
mod people;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

use crate::decide::mask::mask_into;
use crate::decide::{ActionOutcome, FieldIx, Policy, Rec, Subject};
use crate::model::{
    Action, Customer, CustomerId, Effect, EmployeeId, Level, ObjectId, TierId, CUSTOMER_OBJECT,
};

pub use access::{what_can, who_can, AccessEntry, FieldAccess, TierLevel, WhoCan};
pub use compare::{compare, ActionDiff, Comparison, FieldDiff, RowDiff, Side};
pub use people::{
    people_diff, AccessChange, ActionChange, LevelChange, PeopleDiff, PersonChange, Presence,
    Version,
};

/// Actions shown per row in the simulator.
pub const ROW_ACTIONS: [Action; 6] = [
    Action::View,
    Action::Edit,
    Action::Export,
    Action::Share,
    Action::Transfer,
    Action::Delete,
];

/// Sample customers laid out by column for fast simulation.
#[derive(Debug, Clone)]
pub struct CustomerTable {
    pub ids: Vec<CustomerId>,
    pub owners: Vec<EmployeeId>,
    pub tiers: Vec<TierId>,
    recs: Vec<(Option<u32>, Option<u32>, Option<u32>)>,
    object: u16,
    /// The customer object's fields (indices into the policy), display order.
    pub fields: Vec<FieldIx>,
    /// `columns[i][row]`: value of `fields[i]` (empty when absent).
    columns: Vec<Vec<String>>,
}

impl CustomerTable {
    /// Lays out `customers` for `policy`.
    pub fn new(policy: &Policy, customers: &[Customer]) -> CustomerTable {
        let object = ObjectId::new(CUSTOMER_OBJECT)
            .ok()
            .and_then(|o| policy.object_ix.get(&o).copied())
            .unwrap_or(u16::MAX);
        let fields: Vec<FieldIx> = policy
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.object == object)
            .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        let columns = fields
            .iter()
            .map(|fi| {
                let key = policy
                    .fields
                    .get(*fi as usize)
                    .map(|f| f.id.key().to_owned())
                    .unwrap_or_default();
                customers
                    .iter()
                    .map(|c| c.values.get(&key).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        CustomerTable {
            ids: customers.iter().map(|c| c.id.clone()).collect(),
            owners: customers.iter().map(|c| c.owner.clone()).collect(),
            tiers: customers.iter().map(|c| c.tier.clone()).collect(),
            recs: customers
                .iter()
                .map(|c| {
                    let r = policy.record(c);
                    (r.owner, r.dept, r.tier_rank)
                })
                .collect(),
            object,
            fields,
            columns,
        }
    }

    /// Lays out only what reach needs (owner, department, tier), without field values: for
    /// comparisons that count reached customers and never show a value.
    pub fn records(policy: &Policy, customers: &[Customer]) -> CustomerTable {
        let mut t = CustomerTable::new(policy, &[]);
        t.ids = customers.iter().map(|c| c.id.clone()).collect();
        t.owners = customers.iter().map(|c| c.owner.clone()).collect();
        t.tiers = customers.iter().map(|c| c.tier.clone()).collect();
        t.recs = customers
            .iter()
            .map(|c| {
                let r = policy.record(c);
                (r.owner, r.dept, r.tier_rank)
            })
            .collect();
        t
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The record form of row `i`.
    pub fn rec(&self, i: usize) -> Option<Rec<'_>> {
        let id = self.ids.get(i)?;
        let (owner, dept, tier_rank) = *self.recs.get(i)?;
        Some(Rec {
            id,
            object: self.object,
            owner,
            dept,
            tier_rank,
        })
    }

    /// The raw value of column `col` (position in `fields`) of row `i`.
    pub fn value(&self, col: usize, i: usize) -> &str {
        self.columns
            .get(col)
            .and_then(|c| c.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Decisions shared by every row with the same covering roles and tier.
#[derive(Debug, Clone)]
pub struct RowClass {
    /// Level per column of the table.
    pub levels: Vec<Level>,
    /// Outcome per [`ROW_ACTIONS`] entry.
    pub actions: Vec<ActionOutcome>,
    /// Columns shown masked (positions in the table's `fields`).
    pub masked: Vec<u16>,
}

/// One visible row.
#[derive(Debug, Clone, Copy)]
pub struct SimRow {
    /// Row in the [`CustomerTable`].
    pub row: u32,
    pub class: u32,
    /// Index of this row's first masked value in the value buffer.
    pub first_masked: u32,
}

/// The customer table as one subject sees it.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub at: DateTime<Utc>,
    pub total: usize,
    pub rows: Vec<SimRow>,
    pub classes: Vec<RowClass>,
    /// Per table column: shown (not hidden) on at least one visible row.
    pub visible_columns: Vec<bool>,
    buffer: String,
    /// End offset of each masked value in `buffer`.
    ends: Vec<u32>,
}

/// Simulates `subject`'s view of `table`.
pub fn simulate(
    policy: &Policy,
    subject: &Subject,
    table: &CustomerTable,
    now: DateTime<Utc>,
    mask_key: &[u8],
) -> Simulation {
    let ncol = table.fields.len();
    let mut sim = Simulation {
        at: now,
        total: table.len(),
        rows: Vec::new(),
        classes: Vec::new(),
        visible_columns: vec![false; ncol],
        buffer: String::new(),
        ends: Vec::new(),
    };
    if !subject.active {
        return sim;
    }
    let per_record_grants = subject.grants.iter().any(|g| {
        policy
            .grants
            .get(*g as usize)
            .is_some_and(|g| !g.customers.is_empty())
    });
    let mut cache: HashMap<(u64, Option<u32>), u32> = HashMap::new();
    for i in 0..table.len() {
        let Some(rec) = table.rec(i) else { continue };
        let (mask, reached) = policy.coverage(subject, &rec);
        if !reached {
            continue;
        }
        let special = per_record_grants
            && subject.grants.iter().any(|g| {
                policy.grants.get(*g as usize).is_some_and(|x| {
                    !x.customers.is_empty() && x.customers.binary_search(rec.id).is_ok()
                })
            });
        let class = match (special, cache.get(&(mask, rec.tier_rank))) {
            (false, Some(c)) => *c,
            _ => {
                let c = make_class(policy, subject, table, &rec, mask);
                for (col, l) in c.levels.iter().enumerate() {
                    if *l > Level::Hidden {
                        if let Some(v) = sim.visible_columns.get_mut(col) {
                            *v = true;
                        }
                    }
                }
                let id = u32::try_from(sim.classes.len()).unwrap_or(u32::MAX);
                sim.classes.push(c);
                if !special {
                    cache.insert((mask, rec.tier_rank), id);
                }
                id
            }
        };
        let first_masked = u32::try_from(sim.ends.len()).unwrap_or(u32::MAX);
        if let Some(c) = sim.classes.get(class as usize) {
            for col in &c.masked {
                let col = usize::from(*col);
                let rule = table
                    .fields
                    .get(col)
                    .and_then(|f| policy.fields.get(*f as usize))
                    .map(|f| f.mask)
                    .unwrap_or(crate::model::MaskRule::Full);
                mask_into(&mut sim.buffer, rule, table.value(col, i), mask_key);
                sim.ends
                    .push(u32::try_from(sim.buffer.len()).unwrap_or(u32::MAX));
            }
        }
        sim.rows.push(SimRow {
            row: u32::try_from(i).unwrap_or(u32::MAX),
            class,
            first_masked,
        });
    }
    sim
}

fn make_class(
    policy: &Policy,
    s: &Subject,
    table: &CustomerTable,
    rec: &Rec<'_>,
    mask: u64,
) -> RowClass {
    let levels: Vec<Level> = table
        .fields
        .iter()
        .map(|f| policy.level_with(s, rec, *f, mask, true))
        .collect();
    let masked = levels
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == Level::Masked)
        .map(|(i, _)| u16::try_from(i).unwrap_or(u16::MAX))
        .collect();
    let actions = ROW_ACTIONS
        .iter()
        .map(|a| policy.action_with(s, rec, *a, mask))
        .collect();
    RowClass {
        levels,
        actions,
        masked,
    }
}

impl Simulation {
    /// Number of visible rows.
    pub fn visible(&self) -> usize {
        self.rows.len()
    }

    /// The shown value of column `col` of visible row `r`: `None` when hidden.
    pub fn cell<'a>(
        &'a self,
        table: &'a CustomerTable,
        r: usize,
        col: usize,
    ) -> Option<(Level, &'a str)> {
        let row = self.rows.get(r)?;
        let class = self.classes.get(row.class as usize)?;
        let level = *class.levels.get(col)?;
        match level {
            Level::Hidden => None,
            Level::Masked => {
                let k = class.masked.iter().position(|c| usize::from(*c) == col)?;
                let idx = row.first_masked as usize + k;
                let end = *self.ends.get(idx)? as usize;
                let start = if idx == 0 {
                    0
                } else {
                    *self.ends.get(idx - 1)? as usize
                };
                Some((level, self.buffer.get(start..end)?))
            }
            _ => Some((level, table.value(col, row.row as usize))),
        }
    }

    /// The level of column `col` on visible row `r`.
    pub fn level(&self, r: usize, col: usize) -> Level {
        self.rows
            .get(r)
            .and_then(|row| self.classes.get(row.class as usize))
            .and_then(|c| c.levels.get(col))
            .copied()
            .unwrap_or(Level::Hidden)
    }

    /// The action outcomes of visible row `r`, in [`ROW_ACTIONS`] order.
    pub fn actions(&self, r: usize) -> &[ActionOutcome] {
        self.rows
            .get(r)
            .and_then(|row| self.classes.get(row.class as usize))
            .map(|c| c.actions.as_slice())
            .unwrap_or(&[])
    }
}

/// A column of a simulated view, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewColumn {
    pub field: crate::model::FieldId,
    pub label_zh: String,
    pub label_en: String,
    pub sensitivity: crate::model::Sensitivity,
}

/// A cell of a simulated view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewCell {
    pub level: Level,
    /// The value as shown (masked when `level` is masked); `None` when hidden on this row.
    pub value: Option<String>,
}

/// An action's availability on a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewAction {
    pub action: Action,
    pub effect: Effect,
    pub alert: bool,
    pub approvals: u32,
}

/// A row of a simulated view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewRow {
    pub id: CustomerId,
    pub owner: EmployeeId,
    pub tier: TierId,
    /// One per column of the page.
    pub cells: Vec<ViewCell>,
    pub actions: Vec<ViewAction>,
}

/// A page of a simulated view, ready to show or print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewPage {
    pub at: DateTime<Utc>,
    /// Customers in the table.
    pub total: u32,
    /// Customers the subject sees.
    pub visible: u32,
    /// Columns shown on at least one visible row (hidden columns are absent).
    pub columns: Vec<ViewColumn>,
    pub offset: u32,
    pub rows: Vec<ViewRow>,
}

impl Simulation {
    /// Rows `offset..offset+limit` as display data.
    pub fn page(
        &self,
        policy: &Policy,
        snap: &crate::model::Snapshot,
        table: &CustomerTable,
        offset: usize,
        limit: usize,
    ) -> ViewPage {
        let cols: Vec<usize> = (0..table.fields.len())
            .filter(|c| self.visible_columns.get(*c).copied().unwrap_or(false))
            .collect();
        let columns = cols
            .iter()
            .filter_map(|c| table.fields.get(*c))
            .filter_map(|f| policy.fields.get(*f as usize))
            .filter_map(|f| snap.fields.get(&f.id))
            .map(|f| ViewColumn {
                field: f.id.clone(),
                label_zh: f.label_zh.clone(),
                label_en: f.label_en.clone(),
                sensitivity: f.sensitivity,
            })
            .collect();
        let rows = (offset..self.rows.len().min(offset.saturating_add(limit)))
            .filter_map(|r| {
                let row = self.rows.get(r)?;
                let i = row.row as usize;
                Some(ViewRow {
                    id: table.ids.get(i)?.clone(),
                    owner: table.owners.get(i)?.clone(),
                    tier: table.tiers.get(i)?.clone(),
                    cells: cols
                        .iter()
                        .map(|c| match self.cell(table, r, *c) {
                            Some((level, v)) => ViewCell {
                                level,
                                value: Some(v.to_owned()),
                            },
                            None => ViewCell {
                                level: Level::Hidden,
                                value: None,
                            },
                        })
                        .collect(),
                    actions: ROW_ACTIONS
                        .iter()
                        .zip(self.actions(r))
                        .map(|(a, o)| ViewAction {
                            action: *a,
                            effect: o.effect,
                            alert: o.alert,
                            approvals: o.approvals,
                        })
                        .collect(),
                })
            })
            .collect();
        ViewPage {
            at: self.at,
            total: u32::try_from(self.total).unwrap_or(u32::MAX),
            visible: u32::try_from(self.rows.len()).unwrap_or(u32::MAX),
            columns,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            rows,
        }
    }
}
