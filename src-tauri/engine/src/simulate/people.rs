//! People-level diff: between two versions of a workspace (two revisions, or now and a change
//! not yet made), what every employee gains and loses — field levels tier by tier, actions,
//! and the sample customers they reach — not just which cells changed.
//!
//! Employees whose decisions depend on the same things (active, roles with their closure,
//! temporary grants in force, whether they have a department) are one class: field levels
//! and actions are computed once per class and side, and compared once per pair of classes.
//! Reach is recounted over the sample customers only for employees whose row scopes, or
//! whose organisation, differ between the sides.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

use crate::decide::{GrantKind, ObjIx, Policy, Rec, Subject};
use crate::model::{
    Action, CustomerId, DeptId, Effect, EmployeeId, FieldId, Level, ObjectId, Scope, Snapshot,
    TierId, ACTION_COUNT,
};

use super::CustomerTable;

/// One version of the workspace.
pub struct Version<'a> {
    pub policy: &'a Policy,
    pub snap: &'a Snapshot,
    pub table: &'a CustomerTable,
}

/// A field whose level changes on one tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LevelChange {
    pub field: FieldId,
    pub tier: TierId,
    pub before: Level,
    pub after: Level,
}

/// An action whose effect changes on one tier (on a record the employee reaches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionChange {
    pub object: ObjectId,
    pub action: Action,
    pub tier: TierId,
    pub before: Effect,
    pub after: Effect,
}

/// One way access changes, shared by every employee it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccessChange {
    /// In field order, then tier rank.
    pub levels: Vec<LevelChange>,
    pub actions: Vec<ActionChange>,
    /// Level changes that raise / lower a level.
    pub raised: u32,
    pub lowered: u32,
    /// Employees it applies to.
    pub people: u32,
}

/// Whether an employee is in both versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Presence {
    Both,
    /// Only in the second version.
    Added,
    /// Only in the first version.
    Removed,
}

/// One employee whose access changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonChange {
    pub employee: EmployeeId,
    pub name: String,
    pub department: DeptId,
    pub presence: Presence,
    /// Index into [`PeopleDiff::changes`]; `None` when only their reach changes.
    pub change: Option<u32>,
    /// Sample customers reached only in the second / only in the first version.
    pub customers_gained: u32,
    pub customers_lost: u32,
}

/// What every employee gains and loses between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeopleDiff {
    pub at: DateTime<Utc>,
    /// Employees in either version.
    pub employees: u32,
    /// Sample customers reach is counted over.
    pub customers: u32,
    /// The distinct changes, most people first.
    pub changes: Vec<AccessChange>,
    /// Employees whose access changes, by id.
    pub people: Vec<PersonChange>,
}

/// Ids present in either version, first's order then the second's additions.
fn union<'a, K: Eq + std::hash::Hash + Clone + 'a>(
    a: impl Iterator<Item = &'a K>,
    b: impl Iterator<Item = &'a K>,
) -> Vec<K> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for k in a.chain(b) {
        if seen.insert(k.clone()) {
            out.push(k.clone());
        }
    }
    out
}

/// What a class's decisions depend on, in one version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ClassKey {
    active: bool,
    has_dept: bool,
    roles: Vec<u16>,
    grants: Vec<u32>,
}

fn key_of(s: &Subject) -> ClassKey {
    ClassKey {
        active: s.active,
        has_dept: s.dept.is_some(),
        roles: s.roles.clone(),
        grants: s.grants.clone(),
    }
}

/// The customer row scopes of a subject: (scope, highest tier rank, customers named by a
/// scope grant), sorted.
type ReachKey = Vec<(Scope, Option<u32>, Vec<CustomerId>)>;

/// Field levels (union field x union tier) and action effects (union object x action x union
/// tier) of one class in one version.
struct Decisions {
    levels: Vec<Level>,
    actions: Vec<Effect>,
}

/// One version, with the union orders mapped to its indices.
struct Side<'a> {
    v: &'a Version<'a>,
    /// Per union field: its index here.
    fields: Vec<Option<u32>>,
    /// Per union tier: its rank here.
    tiers: Vec<Option<u32>>,
    /// Per union object: its index here.
    objects: Vec<Option<ObjIx>>,
    subjects: HashMap<EmployeeId, Subject>,
    classes: Vec<Decisions>,
    class_of: HashMap<ClassKey, u32>,
}

/// The record an employee owns, of `object`, on a tier: reached by every row scope they
/// have on it, so its decisions are "what they may do with records they reach".
fn own_record<'a>(s: &Subject, object: ObjIx, tier_rank: u32, id: &'a CustomerId) -> Rec<'a> {
    Rec {
        id,
        object,
        owner: s.emp,
        dept: s.dept,
        tier_rank: Some(tier_rank),
    }
}

/// Every action, in [`Action::index`] order.
const ACTIONS: &[Action] = Action::ALL;

impl<'a> Side<'a> {
    fn new(
        v: &'a Version<'a>,
        fields: &[FieldId],
        tiers: &[TierId],
        objects: &[ObjectId],
        at: DateTime<Utc>,
    ) -> Side<'a> {
        let p = v.policy;
        Side {
            v,
            fields: fields.iter().map(|f| p.field_ix.get(f).copied()).collect(),
            tiers: tiers.iter().map(|t| p.tier_rank.get(t).copied()).collect(),
            objects: objects
                .iter()
                .map(|o| p.object_ix.get(o).copied())
                .collect(),
            subjects: p
                .employees
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let ix = u32::try_from(i).unwrap_or(u32::MAX);
                    (e.id.clone(), p.subject(ix, at))
                })
                .collect(),
            classes: Vec::new(),
            class_of: HashMap::new(),
        }
    }

    /// The class of a subject (`None`: not in this version), its decisions computed once.
    fn class(&mut self, s: Option<&Subject>) -> u32 {
        let nobody = Subject::nobody();
        let s = s.unwrap_or(&nobody);
        let key = key_of(s);
        if let Some(c) = self.class_of.get(&key) {
            return *c;
        }
        let d = self.decide(s);
        let c = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
        self.classes.push(d);
        self.class_of.insert(key, c);
        c
    }

    fn decide(&self, s: &Subject) -> Decisions {
        let p = self.v.policy;
        let nt = self.tiers.len();
        let mut levels = vec![Level::Hidden; self.fields.len() * nt];
        let mut actions = vec![Effect::Deny; self.objects.len() * ACTION_COUNT * nt];
        if !s.active {
            return Decisions { levels, actions };
        }
        let mut per_field = Vec::new();
        let probe = CustomerId::trusted("permgrid-own-record");
        for (t, rank) in self.tiers.iter().enumerate() {
            let Some(rank) = rank else { continue };
            p.levels_on_tier(s, *rank, &mut per_field);
            for (f, ix) in self.fields.iter().enumerate() {
                let level = ix
                    .and_then(|i| per_field.get(i as usize).copied())
                    .unwrap_or(Level::Hidden);
                if let Some(slot) = levels.get_mut(f * nt + t) {
                    *slot = level;
                }
            }
            for (o, ix) in self.objects.iter().enumerate() {
                let Some(ix) = ix else { continue };
                let rec = own_record(s, *ix, *rank, &probe);
                for (a, action) in ACTIONS.iter().enumerate() {
                    if let Some(slot) = actions.get_mut((o * ACTION_COUNT + a) * nt + t) {
                        *slot = p.action(s, &rec, *action).effect;
                    }
                }
            }
        }
        Decisions { levels, actions }
    }

    /// What reach depends on besides the organisation: the customer object's row scopes of
    /// the subject's roles and scope grants (with their customer lists).
    fn reach_key(&self, s: Option<&Subject>) -> Option<ReachKey> {
        let s = s.filter(|s| s.active)?;
        let p = self.v.policy;
        let object = p.object_ix.get(crate::model::CUSTOMER_OBJECT).copied()?;
        let mut key: ReachKey = s
            .roles
            .iter()
            .filter_map(|r| p.scope(*r, object))
            .filter(|sc| sc.scope != Scope::None)
            .map(|sc| (sc.scope, sc.max_tier_rank, Vec::new()))
            .collect();
        for gi in &s.grants {
            if let Some(g) = p.grants.get(*gi as usize) {
                if let GrantKind::Scope(o, scope, max) = g.what {
                    if o == object {
                        key.push((scope, max, g.customers.clone()));
                    }
                }
            }
        }
        key.sort();
        key.dedup();
        Some(key)
    }

    /// Which sample customers `s` reaches (by row).
    fn reached(&self, s: Option<&Subject>) -> Vec<bool> {
        let t = self.v.table;
        let p = self.v.policy;
        (0..t.len())
            .map(|i| match (s, t.rec(i)) {
                (Some(s), Some(rec)) => p.reaches(s, &rec),
                _ => false,
            })
            .collect()
    }
}

/// Whether anything reach depends on, other than an employee's own scopes, differs: the
/// employees' departments and managers, the department tree, tier ranks, the sample customers.
fn org_differs(a: &Version<'_>, b: &Version<'_>) -> bool {
    let people = |s: &Snapshot| -> HashMap<EmployeeId, (DeptId, Option<EmployeeId>)> {
        s.employees
            .values()
            .map(|e| (e.id.clone(), (e.department.clone(), e.manager.clone())))
            .collect()
    };
    let depts = |s: &Snapshot| -> HashMap<DeptId, Option<DeptId>> {
        s.departments
            .values()
            .map(|d| (d.id.clone(), d.parent.clone()))
            .collect()
    };
    let tiers = |s: &Snapshot| -> HashMap<TierId, u32> {
        s.tiers.values().map(|t| (t.id.clone(), t.rank)).collect()
    };
    people(a.snap) != people(b.snap)
        || depts(a.snap) != depts(b.snap)
        || tiers(a.snap) != tiers(b.snap)
        || a.table.ids != b.table.ids
        || a.table.owners != b.table.owners
}

/// What every employee gains and loses from `a` to `b`, deciding at `at`.
pub fn people_diff(a: &Version<'_>, b: &Version<'_>, at: DateTime<Utc>) -> PeopleDiff {
    let fields = union(a.snap.fields.keys(), b.snap.fields.keys());
    let mut tiers: Vec<(TierId, u32)> = union(a.snap.tiers.keys(), b.snap.tiers.keys())
        .into_iter()
        .map(|t| {
            let rank = b
                .snap
                .tiers
                .get(&t)
                .or_else(|| a.snap.tiers.get(&t))
                .map(|x| x.rank)
                .unwrap_or(0);
            (t, rank)
        })
        .collect();
    tiers.sort_by_key(|(_, r)| *r);
    let tiers: Vec<TierId> = tiers.into_iter().map(|(t, _)| t).collect();
    let objects = union(a.snap.objects.keys(), b.snap.objects.keys());
    let employees = union(a.snap.employees.keys(), b.snap.employees.keys());
    let mut sa = Side::new(a, &fields, &tiers, &objects, at);
    let mut sb = Side::new(b, &fields, &tiers, &objects, at);
    let recount_all = org_differs(a, b);
    let nt = tiers.len();

    let mut pair_change: HashMap<(u32, u32), Option<u32>> = HashMap::new();
    let mut changes: Vec<AccessChange> = Vec::new();
    let mut people = Vec::new();
    for id in &employees {
        let (subj_a, subj_b) = (sa.subjects.get(id).cloned(), sb.subjects.get(id).cloned());
        let presence = match (&subj_a, &subj_b) {
            (Some(_), Some(_)) => Presence::Both,
            (None, _) => Presence::Added,
            (_, None) => Presence::Removed,
        };
        let ca = sa.class(subj_a.as_ref());
        let cb = sb.class(subj_b.as_ref());
        let change = *pair_change.entry((ca, cb)).or_insert_with(|| {
            let (Some(da), Some(db)) = (sa.classes.get(ca as usize), sb.classes.get(cb as usize))
            else {
                return None;
            };
            let c = compare(da, db, &fields, &tiers, &objects, nt);
            if c.levels.is_empty() && c.actions.is_empty() {
                return None;
            }
            changes.push(c);
            Some(u32::try_from(changes.len() - 1).unwrap_or(u32::MAX))
        });
        let (mut gained, mut lost) = (0u32, 0u32);
        let recount = recount_all
            || presence != Presence::Both
            || sa.reach_key(subj_a.as_ref()) != sb.reach_key(subj_b.as_ref());
        if recount {
            let ra = sa.reached(subj_a.as_ref());
            let rb = sb.reached(subj_b.as_ref());
            for (x, y) in ra.iter().zip(&rb) {
                match (x, y) {
                    (false, true) => gained += 1,
                    (true, false) => lost += 1,
                    _ => {}
                }
            }
        }
        if change.is_none() && gained == 0 && lost == 0 && presence == Presence::Both {
            continue;
        }
        if let Some(c) = change.and_then(|c| changes.get_mut(c as usize)) {
            c.people += 1;
        }
        let e = b
            .snap
            .employees
            .get(id)
            .or_else(|| a.snap.employees.get(id));
        people.push(PersonChange {
            employee: id.clone(),
            name: e.map(|e| e.name.clone()).unwrap_or_default(),
            department: e
                .map(|e| e.department.clone())
                .unwrap_or_else(|| DeptId::trusted("unknown")),
            presence,
            change,
            customers_gained: gained,
            customers_lost: lost,
        });
    }
    // Most people first; renumber the people's references.
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by(|x, y| {
        let (cx, cy) = (changes.get(*x), changes.get(*y));
        cy.map(|c| c.people)
            .cmp(&cx.map(|c| c.people))
            .then(x.cmp(y))
    });
    let mut renumber = vec![0u32; changes.len()];
    for (new, old) in order.iter().enumerate() {
        if let Some(slot) = renumber.get_mut(*old) {
            *slot = u32::try_from(new).unwrap_or(u32::MAX);
        }
    }
    let mut sorted: Vec<Option<AccessChange>> = changes.into_iter().map(Some).collect();
    let changes: Vec<AccessChange> = order
        .iter()
        .filter_map(|i| sorted.get_mut(*i).and_then(Option::take))
        .collect();
    for p in &mut people {
        p.change = p.change.and_then(|c| renumber.get(c as usize).copied());
    }
    people.sort_by(|x, y| x.employee.cmp(&y.employee));
    PeopleDiff {
        at,
        employees: u32::try_from(employees.len()).unwrap_or(u32::MAX),
        customers: u32::try_from(b.table.len()).unwrap_or(u32::MAX),
        changes,
        people,
    }
}

fn compare(
    a: &Decisions,
    b: &Decisions,
    fields: &[FieldId],
    tiers: &[TierId],
    objects: &[ObjectId],
    nt: usize,
) -> AccessChange {
    let mut c = AccessChange {
        levels: Vec::new(),
        actions: Vec::new(),
        raised: 0,
        lowered: 0,
        people: 0,
    };
    for (i, (x, y)) in a.levels.iter().zip(&b.levels).enumerate() {
        if x == y {
            continue;
        }
        if y > x {
            c.raised += 1;
        } else {
            c.lowered += 1;
        }
        if let (Some(field), Some(tier)) = (fields.get(i / nt.max(1)), tiers.get(i % nt.max(1))) {
            c.levels.push(LevelChange {
                field: field.clone(),
                tier: tier.clone(),
                before: *x,
                after: *y,
            });
        }
    }
    for (i, (x, y)) in a.actions.iter().zip(&b.actions).enumerate() {
        if x == y {
            continue;
        }
        let t = i % nt.max(1);
        let oa = i / nt.max(1);
        if let (Some(object), Some(action), Some(tier)) = (
            objects.get(oa / ACTION_COUNT),
            ACTIONS.get(oa % ACTION_COUNT),
            tiers.get(t),
        ) {
            c.actions.push(ActionChange {
                object: object.clone(),
                action: *action,
                tier: tier.clone(),
                before: *x,
                after: *y,
            });
        }
    }
    c
}
