//! Comparing two views: two employees, or one employee before and after a change.

use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

use super::{CustomerTable, Simulation, ViewCell, ROW_ACTIONS};
use crate::decide::{Policy, Subject};
use crate::model::{Action, CustomerId, Effect, FieldId, Level, Snapshot};

/// One side of a comparison.
pub struct Side<'a> {
    pub policy: &'a Policy,
    pub snap: &'a Snapshot,
    pub subject: &'a Subject,
    pub table: &'a CustomerTable,
    pub sim: &'a Simulation,
}

/// A differing cell, with why on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RowDiff {
    pub customer: CustomerId,
    pub a: ViewCell,
    pub b: ViewCell,
    /// The explanations' sentences, per side: `[a, b]`.
    pub why_zh: Vec<Vec<String>>,
    pub why_en: Vec<Vec<String>>,
}

/// How one field differs over the customers both see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldDiff {
    pub field: FieldId,
    pub label_zh: String,
    pub label_en: String,
    /// Customers where A's level is higher.
    pub a_higher: u32,
    /// Customers where B's level is higher.
    pub b_higher: u32,
    /// The first differing customer, explained.
    pub example: Option<RowDiff>,
}

/// How one action differs over the customers both see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionDiff {
    pub action: Action,
    pub differing: u32,
    /// The first differing customer and both outcomes.
    pub example: Option<(CustomerId, Effect, Effect)>,
}

/// The differences between two views of the same customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Comparison {
    pub total: u32,
    pub a_visible: u32,
    pub b_visible: u32,
    pub both: u32,
    /// Customers only A sees (the first 50).
    pub only_a: Vec<CustomerId>,
    pub only_a_count: u32,
    pub only_b: Vec<CustomerId>,
    pub only_b_count: u32,
    /// Cells (customer x field) that differ among customers both see.
    pub cells_differing: u32,
    pub fields: Vec<FieldDiff>,
    pub actions: Vec<ActionDiff>,
}

fn n(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn cell(side: &Side<'_>, r: usize, col: usize) -> ViewCell {
    match side.sim.cell(side.table, r, col) {
        Some((level, v)) => ViewCell {
            level,
            value: Some(v.to_owned()),
        },
        None => ViewCell {
            level: Level::Hidden,
            value: None,
        },
    }
}

/// Compares two views. Both tables must hold the same customers in the same order.
pub fn compare(a: &Side<'_>, b: &Side<'_>) -> Comparison {
    let pos = |s: &Side<'_>| -> HashMap<u32, usize> {
        s.sim
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.row, i))
            .collect()
    };
    let (pa, pb) = (pos(a), pos(b));
    let total = a.table.len();
    let mut only_a = Vec::new();
    let mut only_b = Vec::new();
    let (mut only_a_count, mut only_b_count, mut both) = (0usize, 0usize, 0usize);
    // Columns by field id, over the union of both tables.
    let mut cols: Vec<(FieldId, Option<usize>, Option<usize>)> = Vec::new();
    for (ci, f) in a.table.fields.iter().enumerate() {
        if let Some(info) = a.policy.fields.get(*f as usize) {
            cols.push((info.id.clone(), Some(ci), None));
        }
    }
    for (ci, f) in b.table.fields.iter().enumerate() {
        if let Some(info) = b.policy.fields.get(*f as usize) {
            match cols.iter_mut().find(|c| c.0 == info.id) {
                Some(c) => c.2 = Some(ci),
                None => cols.push((info.id.clone(), None, Some(ci))),
            }
        }
    }
    let mut fields: Vec<FieldDiff> = cols
        .iter()
        .map(|(id, _, _)| {
            let f = a.snap.fields.get(id).or_else(|| b.snap.fields.get(id));
            FieldDiff {
                field: id.clone(),
                label_zh: f.map(|f| f.label_zh.clone()).unwrap_or_default(),
                label_en: f.map(|f| f.label_en.clone()).unwrap_or_default(),
                a_higher: 0,
                b_higher: 0,
                example: None,
            }
        })
        .collect();
    let mut actions: Vec<ActionDiff> = ROW_ACTIONS
        .iter()
        .map(|x| ActionDiff {
            action: *x,
            differing: 0,
            example: None,
        })
        .collect();
    let mut cells_differing = 0usize;
    for i in 0..total {
        let key = n(i);
        let (ra, rb) = (pa.get(&key).copied(), pb.get(&key).copied());
        let id = match a.table.ids.get(i) {
            Some(id) => id.clone(),
            None => continue,
        };
        match (ra, rb) {
            (None, None) => {}
            (Some(_), None) => {
                only_a_count += 1;
                if only_a.len() < 50 {
                    only_a.push(id);
                }
            }
            (None, Some(_)) => {
                only_b_count += 1;
                if only_b.len() < 50 {
                    only_b.push(id);
                }
            }
            (Some(ra), Some(rb)) => {
                both += 1;
                for (k, (_, ca, cb)) in cols.iter().enumerate() {
                    let la = ca.map(|c| a.sim.level(ra, c)).unwrap_or(Level::Hidden);
                    let lb = cb.map(|c| b.sim.level(rb, c)).unwrap_or(Level::Hidden);
                    if la == lb {
                        continue;
                    }
                    cells_differing += 1;
                    let Some(fd) = fields.get_mut(k) else {
                        continue;
                    };
                    if la > lb {
                        fd.a_higher += 1;
                    } else {
                        fd.b_higher += 1;
                    }
                    if fd.example.is_none() {
                        let explain = |s: &Side<'_>, row: usize, col: Option<usize>| {
                            let rec = s
                                .sim
                                .rows
                                .get(row)
                                .and_then(|r| s.table.rec(r.row as usize));
                            let field = col.and_then(|c| s.table.fields.get(c)).copied();
                            match (rec, field) {
                                (Some(rec), Some(f)) => {
                                    let e = s.policy.explain(s.snap, s.subject, &rec, f, s.sim.at);
                                    (e.text.zh, e.text.en)
                                }
                                _ => (
                                    vec!["该字段不存在".to_owned()],
                                    vec!["the field does not exist on this side".to_owned()],
                                ),
                            }
                        };
                        let (za, ea) = explain(a, ra, *ca);
                        let (zb, eb) = explain(b, rb, *cb);
                        fd.example = Some(RowDiff {
                            customer: id.clone(),
                            a: ca.map(|c| cell(a, ra, c)).unwrap_or(ViewCell {
                                level: Level::Hidden,
                                value: None,
                            }),
                            b: cb.map(|c| cell(b, rb, c)).unwrap_or(ViewCell {
                                level: Level::Hidden,
                                value: None,
                            }),
                            why_zh: vec![za, zb],
                            why_en: vec![ea, eb],
                        });
                    }
                }
                let (aa, ab) = (a.sim.actions(ra), b.sim.actions(rb));
                for (k, d) in actions.iter_mut().enumerate() {
                    let (ea, eb) = (aa.get(k).map(|o| o.effect), ab.get(k).map(|o| o.effect));
                    if ea != eb {
                        d.differing += 1;
                        if d.example.is_none() {
                            d.example = Some((
                                id.clone(),
                                ea.unwrap_or(Effect::Deny),
                                eb.unwrap_or(Effect::Deny),
                            ));
                        }
                    }
                }
            }
        }
    }
    fields.retain(|f| f.a_higher + f.b_higher > 0);
    actions.retain(|d| d.differing > 0);
    Comparison {
        total: n(total),
        a_visible: n(a.sim.visible()),
        b_visible: n(b.sim.visible()),
        both: n(both),
        only_a,
        only_a_count: n(only_a_count),
        only_b,
        only_b_count: n(only_b_count),
        cells_differing: n(cells_differing),
        fields,
        actions,
    }
}
