//! People-level diff: what every employee gains and loses between two versions, checked
//! against the per-employee reading (what each can see, field by field and tier by tier,
//! and which sample customers each reaches) on random workspaces, and through the API and
//! the revisions of a real workspace file.

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use crate::random::{build, text, Pick};
use crate::support::{actor, demo, t0};
use permgrid::decide::{Policy, Subject};
use permgrid::model::*;
use permgrid::simulate::{self, CustomerTable, PeopleDiff, Presence, Version};

fn snapshot(entities: Vec<Entity>) -> Snapshot {
    let mut s = Snapshot::default();
    for e in entities {
        s.put(e);
    }
    s.check_all().unwrap();
    s
}

/// Level per (field, tier) of one employee (absent: hidden).
fn sees(
    s: &Snapshot,
    p: &Policy,
    emp: &EmployeeId,
    at: chrono::DateTime<chrono::Utc>,
) -> BTreeMap<(FieldId, TierId), Level> {
    let subject = match p.emp_ix.get(emp) {
        Some(ix) => p.subject(*ix, at),
        None => Subject::nobody(),
    };
    simulate::what_can(p, s, &subject)
        .into_iter()
        .flat_map(|f| {
            let field = f.field.clone();
            f.tiers
                .into_iter()
                .map(move |t| ((field.clone(), t.tier), t.level))
        })
        .collect()
}

/// Which sample customers one employee reaches (by position).
fn reach(
    p: &Policy,
    table: &CustomerTable,
    emp: &EmployeeId,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<bool> {
    let subject = p.emp_ix.get(emp).map(|ix| p.subject(*ix, at));
    (0..table.len())
        .map(|i| match (&subject, table.rec(i)) {
            (Some(s), Some(rec)) => p.reaches(s, &rec),
            _ => false,
        })
        .collect()
}

/// Checks a diff against the per-employee reading of both versions.
fn check(
    a: &Snapshot,
    b: &Snapshot,
    customers: &[Customer],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<PeopleDiff, TestCaseError> {
    let (pa, pb) = (Policy::compile(a), Policy::compile(b));
    let (ta, tb) = (
        CustomerTable::new(&pa, customers),
        CustomerTable::new(&pb, customers),
    );
    let d = simulate::people_diff(
        &Version {
            policy: &pa,
            snap: a,
            table: &ta,
        },
        &Version {
            policy: &pb,
            snap: b,
            table: &tb,
        },
        at,
    );
    let everyone: BTreeSet<EmployeeId> = a
        .employees
        .keys()
        .chain(b.employees.keys())
        .cloned()
        .collect();
    prop_assert_eq!(d.employees as usize, everyone.len());
    let listed: BTreeMap<&EmployeeId, &simulate::PersonChange> =
        d.people.iter().map(|p| (&p.employee, p)).collect();
    prop_assert_eq!(listed.len(), d.people.len(), "each person once");
    for emp in &everyone {
        let (before, after) = (sees(a, &pa, emp, at), sees(b, &pb, emp, at));
        let keys: BTreeSet<&(FieldId, TierId)> = before.keys().chain(after.keys()).collect();
        let expected: BTreeSet<(FieldId, TierId, Level, Level)> = keys
            .into_iter()
            .filter_map(|k| {
                let x = before.get(k).copied().unwrap_or(Level::Hidden);
                let y = after.get(k).copied().unwrap_or(Level::Hidden);
                (x != y).then(|| (k.0.clone(), k.1.clone(), x, y))
            })
            .collect();
        let (ra, rb) = (reach(&pa, &ta, emp, at), reach(&pb, &tb, emp, at));
        let gained = ra.iter().zip(&rb).filter(|(x, y)| !**x && **y).count() as u32;
        let lost = ra.iter().zip(&rb).filter(|(x, y)| **x && !**y).count() as u32;
        let presence = match (a.employees.contains_key(emp), b.employees.contains_key(emp)) {
            (true, true) => Presence::Both,
            (false, _) => Presence::Added,
            (_, false) => Presence::Removed,
        };
        match listed.get(emp) {
            None => {
                prop_assert!(
                    expected.is_empty(),
                    "{} changes {:?} but is not listed",
                    emp,
                    expected
                );
                prop_assert_eq!(
                    (gained, lost),
                    (0, 0),
                    "{} reach changes but is not listed",
                    emp
                );
                prop_assert_eq!(presence, Presence::Both);
            }
            Some(p) => {
                prop_assert_eq!(p.presence, presence, "{}", emp);
                prop_assert_eq!(
                    (p.customers_gained, p.customers_lost),
                    (gained, lost),
                    "reach of {}",
                    emp
                );
                let got: BTreeSet<(FieldId, TierId, Level, Level)> = p
                    .change
                    .map(|c| {
                        d.changes[c as usize]
                            .levels
                            .iter()
                            .map(|l| (l.field.clone(), l.tier.clone(), l.before, l.after))
                            .collect()
                    })
                    .unwrap_or_default();
                prop_assert_eq!(&got, &expected, "levels of {}", emp);
            }
        }
    }
    // Each change's head count is the number of people pointing at it, most first.
    for (i, c) in d.changes.iter().enumerate() {
        let n = d
            .people
            .iter()
            .filter(|p| p.change == Some(i as u32))
            .count() as u32;
        prop_assert_eq!(c.people, n);
        prop_assert!(
            !c.levels.is_empty() || !c.actions.is_empty(),
            "no empty change"
        );
    }
    prop_assert!(d.changes.windows(2).all(|w| w[0].people >= w[1].people));
    Ok(d)
}

/// `s` with some cells, scopes and role assignments changed, and sometimes one person moved.
fn edited(s: &Snapshot, pick: u64) -> Snapshot {
    let mut p = Pick(pick);
    let mut out = s.clone();
    let roles: Vec<RoleId> = s.roles.keys().cloned().collect();
    let fields: Vec<FieldId> = s.fields.keys().cloned().collect();
    if roles.is_empty() || fields.is_empty() {
        return out;
    }
    for _ in 0..p.n(6) {
        let key = CellKey {
            role: roles[p.n(roles.len())].clone(),
            field: fields[p.n(fields.len())].clone(),
        };
        out.put(Entity::Cell(CellEntry {
            key,
            cell: Cell::plain(p.one(Level::ALL)),
        }));
    }
    let policies: Vec<ObjectPolicy> = s.policies.values().cloned().collect();
    if !policies.is_empty() && p.chance(50) {
        let mut pol = policies[p.n(policies.len())].clone();
        pol.scope = p.one(Scope::ALL);
        pol.actions[p.n(ACTION_COUNT)] = p.one(Effect::ALL);
        out.put(Entity::Policy(pol));
    }
    let emps: Vec<Employee> = s.employees.values().cloned().collect();
    if !emps.is_empty() && p.chance(30) {
        let mut e = emps[p.n(emps.len())].clone();
        e.roles = vec![roles[p.n(roles.len())].clone()];
        out.put(Entity::Employee(e));
    }
    // Someone moves department or loses their manager: reach by department or team changes
    // for people whose own rules do not.
    let depts: Vec<DeptId> = s.departments.keys().cloned().collect();
    if !emps.is_empty() && p.chance(40) {
        let mut e = emps[p.n(emps.len())].clone();
        if p.chance(50) {
            e.department = depts[p.n(depts.len())].clone();
        } else {
            e.manager = None;
        }
        out.put(Entity::Employee(e));
    }
    out.check_all().unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Between two unrelated random workspaces (over the same id pools: people added, removed,
    /// moved; every rule different), the diff is exactly the per-employee reading.
    #[test]
    fn diff_of_two_workspaces_is_the_per_employee_reading(
        s1 in any::<u64>(), s2 in any::<u64>(), texts in prop::collection::vec(text(), 40),
    ) {
        let (e1, customers) = build(s1, &texts);
        let (e2, _) = build(s2, &texts);
        check(&snapshot(e1), &snapshot(e2), &customers, t0())?;
    }

    /// After a few edits to one workspace (reach is recounted for everyone only when the org
    /// changes, otherwise only for people whose row scopes change), the same holds.
    #[test]
    fn diff_after_edits_is_the_per_employee_reading(
        seed in any::<u64>(), pick in any::<u64>(), texts in prop::collection::vec(text(), 40),
    ) {
        let (entities, customers) = build(seed, &texts);
        let a = snapshot(entities);
        let b = edited(&a, pick);
        let d = check(&a, &b, &customers, t0())?;
        if a == b {
            prop_assert!(d.people.is_empty() && d.changes.is_empty(), "no edit, no change");
        }
    }
}

fn head(ws: &permgrid::api::Workspace) -> i64 {
    ws.summary().unwrap().revision
}

#[test]
fn revisions_of_a_workspace_file_compare_person_by_person() {
    let (_t, mut ws) = demo(200);
    let before = head(&ws);
    let sales_manager: RoleId = "sales_manager".parse().unwrap();
    // Managers see every tier of their department's customers; export needs approval.
    ws.set_scope(
        &actor(),
        &sales_manager,
        &"customer".parse().unwrap(),
        Scope::Department,
        None,
    )
    .unwrap();
    let d = ws.people_diff(before, None, t0()).unwrap();
    let managers: BTreeSet<EmployeeId> = ws
        .snapshot()
        .unwrap()
        .employees
        .values()
        .filter(|e| e.roles.contains(&sales_manager))
        .map(|e| e.id.clone())
        .collect();
    assert!(!managers.is_empty());
    let changed: BTreeSet<EmployeeId> = d.people.iter().map(|p| p.employee.clone()).collect();
    assert_eq!(changed, managers, "exactly the sales managers change");
    assert!(
        d.people
            .iter()
            .all(|p| p.customers_gained > 0 && p.customers_lost == 0),
        "{:?}",
        d.people
    );
    assert_eq!(d.changes.len(), 1, "one change, shared by every manager");
    let c = &d.changes[0];
    assert_eq!(c.people as usize, managers.len());
    assert!(c.lowered == 0 && c.raised > 0);
    assert!(
        c.actions.iter().any(|a| a.action == Action::View
            && a.before == Effect::Deny
            && a.after == Effect::Allow),
        "a tier they did not reach opens: {:?}",
        c.actions
    );
    // The same comparison through an explicit revision pair, and nothing between equal revisions.
    let latest = head(&ws);
    assert_eq!(ws.people_diff(before, Some(latest), t0()).unwrap(), d);
    assert!(ws
        .people_diff(latest, Some(latest), t0())
        .unwrap()
        .people
        .is_empty());
    // Before a change is made: the same as after making it.
    ws.restore(&actor(), before).unwrap();
    let edit = [(
        "sales_rep".parse::<RoleId>().unwrap(),
        "customer.wechat".parse::<FieldId>().unwrap(),
        Some(Cell::plain(Level::Hidden)),
    )];
    let pending = ws.people_diff_pending(&edit, t0()).unwrap();
    let at_restore = head(&ws);
    ws.set_cells(&actor(), &edit).unwrap();
    assert_eq!(pending, ws.people_diff(at_restore, None, t0()).unwrap());
    assert!(!pending.people.is_empty(), "sales reps lose WeChat");
    assert!(pending.changes.iter().all(|c| c.raised == 0));
    // An unknown revision is an error that names it.
    let err = ws.people_diff(999, None, t0()).unwrap_err();
    assert!(err.to_string().contains("999"), "{err}");
}
