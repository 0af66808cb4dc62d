//! The decision semantics of DESIGN.md written as directly as possible on the [`Snapshot`]:
//! no compilation, no caches, no bit tricks. It is the executable specification that the
//! compiled [`super::Policy`] is tested against, and the baseline the benchmarks compare with.

use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

use crate::model::{
    Customer, DeptId, EmployeeId, FieldId, GrantSubject, GrantWhat, GuardrailEffect, Level,
    PolicyKey, RoleId, Scope, Snapshot, Status, TemporaryGrant, TierId,
};

fn closure(s: &Snapshot, start: &[RoleId]) -> BTreeSet<RoleId> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<RoleId> = start.to_vec();
    while let Some(r) = stack.pop() {
        if out.insert(r.clone()) {
            if let Some(role) = s.roles.get(&r) {
                stack.extend(role.inherits.iter().cloned());
            }
        }
    }
    out
}

/// The roles of `emp` at `now`: assigned, inherited and temporary (with their closure).
pub fn roles(s: &Snapshot, emp: &EmployeeId, now: DateTime<Utc>) -> BTreeSet<RoleId> {
    let Some(e) = s.employees.get(emp) else {
        return BTreeSet::new();
    };
    let mut roles = closure(s, &e.roles);
    for g in s.grants.values() {
        if let (GrantSubject::Employee(x), GrantWhat::Role { role }) = (&g.subject, &g.what) {
            if x == emp && g.valid_at(now) && g.customers.is_empty() {
                roles.extend(closure(s, std::slice::from_ref(role)));
            }
        }
    }
    roles
}

fn tier_rank(s: &Snapshot, t: &TierId) -> Option<u32> {
    s.tiers.get(t).map(|t| t.rank)
}

/// The level of `field` of customer `c` for employee `emp` at `now`.
pub fn level(
    s: &Snapshot,
    emp: &EmployeeId,
    c: &Customer,
    field: &FieldId,
    now: DateTime<Utc>,
) -> Level {
    let Some(e) = s.employees.get(emp) else {
        return Level::Hidden;
    };
    if e.status != Status::Active {
        return Level::Hidden;
    }
    let roles = roles(s, emp, now);
    let max_rank = roles
        .iter()
        .filter_map(|r| s.roles.get(r))
        .map(|r| r.rank)
        .max()
        .unwrap_or(0);
    let applies = |g: &TemporaryGrant| {
        g.valid_at(now)
            && (g.customers.is_empty() || g.customers.contains(&c.id))
            && match &g.subject {
                GrantSubject::Employee(x) => x == emp,
                GrantSubject::Role(r) => roles.contains(r),
            }
    };
    let Some(f) = s.fields.get(field) else {
        return Level::Hidden;
    };
    if f.object.as_str() != crate::model::CUSTOMER_OBJECT {
        return Level::Hidden;
    }
    let rank = tier_rank(s, &c.tier);
    // A scope reaching an unknown tier reaches only rank 0; a record of unknown tier is
    // reached only by scopes reaching every tier (fail closed).
    let in_tier = |max: &Option<TierId>| match max {
        None => true,
        Some(m) => rank.is_some_and(|r| r <= tier_rank(s, m).unwrap_or(0)),
    };
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
        let mut steps = 0;
        while let Some(d) = x {
            if &d == outer {
                return true;
            }
            steps += 1;
            if steps > s.departments.len() {
                return false;
            }
            x = s.departments.get(&d).and_then(|d| d.parent.clone());
        }
        false
    };
    let known = |id: &EmployeeId| s.employees.contains_key(id);
    let dept_known = |d: &DeptId| s.departments.contains_key(d);
    let scope_ok = |scope: Scope, max: &Option<TierId>| {
        in_tier(max)
            && match scope {
                Scope::None => false,
                Scope::Own => &c.owner == emp,
                Scope::Team => known(&c.owner) && manages(emp, Some(c.owner.clone())),
                Scope::Department => dept_known(&c.department) && c.department == e.department,
                Scope::DepartmentTree => {
                    dept_known(&c.department)
                        && dept_known(&e.department)
                        && within(&c.department, &e.department)
                }
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
            let min_tier_ok = match &w.min_tier {
                None => true,
                // Unknown tiers count as the highest (fail closed).
                Some(t) => match (rank, tier_rank(s, t)) {
                    (Some(r), Some(m)) => r >= m,
                    _ => true,
                },
            };
            let holds = w.object.as_ref().is_none_or(|o| o == &f.object)
                && w.min_sensitivity.is_none_or(|m| f.sensitivity >= m)
                && (w.fields.is_empty() || w.fields.contains(field))
                && min_tier_ok
                && w.below_rank.is_none_or(|b| max_rank < b);
            if holds {
                level = level.min(cap);
            }
        }
    }
    level
}
