//! The decision semantics of DESIGN.md as properties over random workspaces, and a
//! differential test against a naive evaluator written straight from the text.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;

use crate::random::{build, text};
use crate::support::t0;
use permgrid::decide::mask::mask;
use permgrid::decide::Policy;
use permgrid::model::*;
use permgrid::simulate::{simulate, CustomerTable};

fn snapshot(entities: Vec<Entity>) -> Snapshot {
    let mut s = Snapshot::default();
    for e in entities {
        s.put(e);
    }
    s.check_all().unwrap();
    s
}

/// The semantics, evaluated naively on the snapshot (no compilation, no caches).
fn naive_level(
    s: &Snapshot,
    emp: &EmployeeId,
    c: &Customer,
    field: &FieldId,
    now: DateTime<Utc>,
) -> Level {
    let e = &s.employees[emp];
    if e.status != Status::Active {
        return Level::Hidden;
    }
    let closure = |start: &[RoleId]| {
        let mut out = BTreeSet::new();
        let mut stack: Vec<RoleId> = start.to_vec();
        while let Some(r) = stack.pop() {
            if out.insert(r.clone()) {
                stack.extend(s.roles[&r].inherits.iter().cloned());
            }
        }
        out
    };
    let mut roles = closure(&e.roles);
    for g in s.grants.values() {
        if let (GrantSubject::Employee(x), GrantWhat::Role { role }) = (&g.subject, &g.what) {
            if x == emp && g.valid_at(now) && g.customers.is_empty() {
                roles.extend(closure(std::slice::from_ref(role)));
            }
        }
    }
    let max_rank = roles.iter().map(|r| s.roles[r].rank).max().unwrap_or(0);
    let applies = |g: &TemporaryGrant| {
        g.valid_at(now)
            && (g.customers.is_empty() || g.customers.contains(&c.id))
            && match &g.subject {
                GrantSubject::Employee(x) => x == emp,
                GrantSubject::Role(r) => roles.contains(r),
            }
    };
    let f = &s.fields[field];
    if f.object.as_str() != "customer" {
        return Level::Hidden;
    }
    let tier_rank = s.tiers[&c.tier].rank;
    let in_tier = |max: &Option<TierId>| max.as_ref().is_none_or(|m| tier_rank <= s.tiers[m].rank);
    let manages = |boss: &EmployeeId, mut x: Option<EmployeeId>| {
        let mut steps = 0;
        while let Some(cur) = x {
            if &cur == boss {
                return true;
            }
            steps += 1;
            if steps > s.employees.len() {
                return false;
            }
            x = s.employees.get(&cur).and_then(|e| e.manager.clone());
        }
        false
    };
    let within = |inner: &DeptId, outer: &DeptId| {
        let mut x = Some(inner.clone());
        while let Some(d) = x {
            if &d == outer {
                return true;
            }
            x = s.departments[&d].parent.clone();
        }
        false
    };
    let scope_ok = |scope: Scope, max: &Option<TierId>| {
        in_tier(max)
            && match scope {
                Scope::None => false,
                Scope::Own => &c.owner == emp,
                Scope::Team => manages(emp, Some(c.owner.clone())),
                Scope::Department => c.department == e.department,
                Scope::DepartmentTree => within(&c.department, &e.department),
                Scope::All => true,
            }
    };
    let mut covering: BTreeSet<RoleId> = roles
        .iter()
        .filter(|r| {
            s.policies
                .get(&PolicyKey {
                    role: (*r).clone(),
                    object: f.object.clone(),
                })
                .is_some_and(|p| scope_ok(p.scope, &p.max_tier))
        })
        .cloned()
        .collect();
    let mut reached = !covering.is_empty();
    for g in s.grants.values().filter(|g| applies(g)) {
        if let GrantWhat::Scope {
            object,
            scope,
            max_tier,
        } = &g.what
        {
            if object == &f.object && scope_ok(*scope, max_tier) {
                reached = true;
                match &g.subject {
                    GrantSubject::Employee(_) => covering.extend(roles.iter().cloned()),
                    GrantSubject::Role(r) => {
                        covering.insert(r.clone());
                    }
                }
            }
        }
    }
    if !reached {
        return Level::Hidden;
    }
    let mut level = covering
        .iter()
        .map(|r| s.cell(r, field).level)
        .max()
        .unwrap_or(Level::Hidden);
    for g in s.grants.values().filter(|g| applies(g)) {
        if let GrantWhat::Field {
            field: gf,
            level: l,
        } = &g.what
        {
            if gf == field {
                level = level.max(*l);
            }
        }
    }
    for g in s.guardrails.values() {
        if let GuardrailEffect::CapLevel { level: cap } = g.effect {
            let w = &g.when;
            let holds = w.object.as_ref().is_none_or(|o| o == &f.object)
                && w.min_sensitivity.is_none_or(|m| f.sensitivity >= m)
                && (w.fields.is_empty() || w.fields.contains(field))
                && w.min_tier
                    .as_ref()
                    .is_none_or(|t| tier_rank >= s.tiers[t].rank)
                && w.below_rank.is_none_or(|b| max_rank < b);
            if holds {
                level = level.min(cap);
            }
        }
    }
    level
}

fn now_variants() -> [DateTime<Utc>; 3] {
    [t0() - Duration::hours(30), t0(), t0() + Duration::hours(20)]
}

/// Every (employee, customer, field of customer) of a workspace.
fn triples(s: &Snapshot, customers: &[Customer]) -> Vec<(EmployeeId, usize, FieldId)> {
    let mut out = Vec::new();
    for e in s.employees.keys() {
        for (ci, _) in customers.iter().enumerate() {
            for f in s
                .fields
                .values()
                .filter(|f| f.object.as_str() == "customer")
            {
                out.push((e.clone(), ci, f.id.clone()));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// The compiled engine, its explanation path and the naive reading of the semantics agree.
    #[test]
    fn compiled_explained_and_naive_decisions_agree(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, customers) = build(seed, &texts);
        let s = snapshot(entities);
        let p = Policy::compile(&s);
        for now in now_variants() {
            for (emp, ci, field) in triples(&s, &customers) {
                let c = &customers[ci];
                let subject = p.subject(p.emp_ix[&emp], now);
                let rec = p.record(c);
                let fi = p.field_ix[&field];
                let fast = p.level(&subject, &rec, fi);
                let naive = naive_level(&s, &emp, c, &field, now);
                prop_assert_eq!(fast, naive, "{} on {} of {} at {}", emp, field, c.id, now);
                let explained = p.explain(&s, &subject, &rec, fi, now);
                prop_assert_eq!(explained.level, fast, "the explanation gives the same level");
                // A guardrail cap is never exceeded.
                for cap in &explained.caps {
                    prop_assert!(explained.level <= cap.cap);
                }
            }
        }
    }

    /// Adding a grant (raising a cell, widening a scope, assigning a role) never removes access.
    #[test]
    fn adding_a_grant_never_removes_access(seed in any::<u64>(), texts in prop::collection::vec(text(), 40), pick in any::<u64>()) {
        let (entities, customers) = build(seed, &texts);
        let before = snapshot(entities);
        let mut after = before.clone();
        let roles: Vec<RoleId> = before.roles.keys().cloned().collect();
        let fields: Vec<FieldId> = before.fields.keys().cloned().collect();
        let role = roles[(pick % roles.len() as u64) as usize].clone();
        match pick % 3 {
            0 => {
                let f = fields[((pick / 3) % fields.len() as u64) as usize].clone();
                let old = before.cell(&role, &f);
                let up = Level::from_rank((old.level.rank() + 1).min(3)).unwrap();
                let cell = match old.approval { Some(a) if a > up => Cell::gated(up, a).unwrap(), _ => Cell::plain(up) };
                after.put(Entity::Cell(CellEntry { key: CellKey { role: role.clone(), field: f }, cell }));
            }
            1 => {
                let object: ObjectId = "customer".parse().unwrap();
                let key = PolicyKey { role: role.clone(), object: object.clone() };
                let mut pol = before.policies.get(&key).cloned().unwrap_or_else(|| ObjectPolicy::none(role.clone(), object));
                pol.scope = Scope::All;
                pol.max_tier = None;
                after.put(Entity::Policy(pol));
            }
            _ => {
                if let Some(mut e) = before.employees.values().next().cloned() {
                    // Widening: a new role may raise the rank and lift rank-based caps, never lower access.
                    if !e.roles.contains(&role) {
                        e.roles.push(role.clone());
                    }
                    after.put(Entity::Employee(e));
                }
            }
        }
        let (pb, pa) = (Policy::compile(&before), Policy::compile(&after));
        for (emp, ci, field) in triples(&before, &customers) {
            let c = &customers[ci];
            let lb = pb.level(&pb.subject(pb.emp_ix[&emp], t0()), &pb.record(c), pb.field_ix[&field]);
            let la = pa.level(&pa.subject(pa.emp_ix[&emp], t0()), &pa.record(c), pa.field_ix[&field]);
            prop_assert!(la >= lb, "{} on {} of {}: {:?} became {:?}", emp, field, c.id, lb, la);
        }
    }

    /// In a simulated view: hidden cells carry no value, masked ones never the raw value,
    /// and employees who are not active see nothing at all.
    #[test]
    fn views_never_leak(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, customers) = build(seed, &texts);
        let s = snapshot(entities);
        let p = Policy::compile(&s);
        let table = CustomerTable::new(&p, &customers);
        for (ei, e) in s.employees.values().enumerate() {
            let subject = p.subject(ei as u32, t0());
            let sim = simulate(&p, &subject, &table, t0(), b"k");
            if e.status != Status::Active {
                prop_assert_eq!(sim.visible(), 0, "{} is {} and must see nothing", e.id, e.status);
            }
            for r in 0..sim.visible() {
                let row = sim.rows[r].row as usize;
                for col in 0..table.fields.len() {
                    let raw = table.value(col, row);
                    match sim.cell(&table, r, col) {
                        None => prop_assert_eq!(sim.level(r, col), Level::Hidden),
                        Some((Level::Masked, shown)) => {
                            let t = raw.trim();
                            if !t.is_empty() && !t.contains('*') {
                                prop_assert_ne!(shown, t, "a masked value never equals the raw value");
                            }
                            let rule = p.fields[table.fields[col] as usize].mask;
                            prop_assert_eq!(shown, mask(rule, raw, b"k"));
                        }
                        Some((_, shown)) => prop_assert_eq!(shown, raw),
                    }
                }
            }
        }
    }
}

#[test]
fn a_left_employee_sees_nothing_on_the_demo() {
    let (_t, mut ws) = crate::support::demo(500);
    let snap = ws.snapshot().unwrap();
    let left: Vec<_> = snap
        .employees
        .values()
        .filter(|e| e.status != Status::Active)
        .collect();
    assert!(
        !left.is_empty(),
        "the demo has employees who left or are suspended"
    );
    for e in left {
        let r = ws
            .simulate(
                &permgrid::api::Who::Employee { id: e.id.clone() },
                t0(),
                None,
                0,
                10,
            )
            .unwrap();
        assert_eq!(r.page.visible, 0, "{} ({}) sees nothing", e.name, e.status);
        assert!(!r.active);
    }
}
