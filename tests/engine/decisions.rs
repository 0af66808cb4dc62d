//! The decision semantics of DESIGN.md as properties over random workspaces, and a
//! differential test against `decide::reference`, the semantics written straight from the text.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use crate::random::{build, text};
use crate::support::t0;
use permgrid::decide::mask::mask;
use permgrid::decide::{reference, Policy};
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
                let naive = reference::level(&s, &emp, c, &field, now);
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

/// Regression: an alert was reported on a denied action when an alerting guardrail came
/// before a denying one.
#[test]
fn a_denied_action_raises_no_alert_whatever_the_guardrail_order() {
    let (changes, _) = permgrid::demo::build(0).unwrap();
    let mut base = Snapshot::default();
    for c in &changes {
        base.apply(c);
    }
    let alerting = Guardrail {
        id: "g_alert".parse().unwrap(),
        name_zh: "告警".into(),
        name_en: "alert".into(),
        when: GuardrailWhen::default(),
        effect: GuardrailEffect::CapAction {
            action: Action::Export,
            max: Effect::Allow,
            alert: true,
        },
    };
    let denying = Guardrail {
        id: "g_deny".parse().unwrap(),
        name_zh: "禁止".into(),
        name_en: "deny".into(),
        when: GuardrailWhen::default(),
        effect: GuardrailEffect::CapAction {
            action: Action::Export,
            max: Effect::Deny,
            alert: false,
        },
    };
    for order in [[&alerting, &denying], [&denying, &alerting]] {
        let mut s = base.clone();
        s.guardrails.clear();
        for g in order {
            s.put(Entity::Guardrail(g.clone()));
        }
        let p = Policy::compile(&s);
        let c = Customer {
            id: "C1".parse().unwrap(),
            owner: "E018".parse().unwrap(),
            department: "sales_east_sh".parse().unwrap(),
            tier: "customer".parse().unwrap(),
            values: Default::default(),
        };
        let o = p.action(
            &p.subject(p.emp_ix[&"E009".parse::<EmployeeId>().unwrap()], t0()),
            &p.record(&c),
            Action::Export,
        );
        assert_eq!(
            (o.effect, o.alert),
            (Effect::Deny, false),
            "order {:?}",
            order.map(|g| g.id.as_str())
        );
    }
}

/// The simulator's bulk-export outcome: the view's records counted, the record threshold
/// (approvals and alert) applied only over it, restricted fields left out, guardrails named.
#[test]
fn a_simulation_says_what_a_bulk_export_of_the_whole_view_needs() {
    use permgrid::api::Who;
    let (_t, mut ws) = crate::support::demo(3000);
    let emp = |id: &str| Who::Employee {
        id: EmployeeId::new(id).unwrap(),
    };
    // 韩梅梅, sales manager: bulk export needs approval; her team's customers exceed 200.
    let manager = ws.simulate(&emp("E012"), t0(), None, 0, 5).unwrap();
    let b = &manager.bulk_export;
    assert_eq!(b.records, manager.page.visible);
    assert!(b.records > 200, "the manager sees {} customers", b.records);
    assert_eq!(b.effect, Effect::Approval);
    assert_eq!(
        b.approvals, 2,
        "the demo's threshold rule asks for two approvals"
    );
    assert!(
        b.alert,
        "over 200 records raises a sensitive-operation alert"
    );
    let ids: Vec<&str> = b.guardrails.iter().map(|g| g.id.as_str()).collect();
    assert!(ids.contains(&"g_bulk_export"), "{ids:?}");
    assert!(ids.contains(&"g_restricted_no_export"), "{ids:?}");
    assert!(b
        .excluded_fields
        .iter()
        .any(|f| f.as_str() == "customer.id_card"));
    // 李雷, sales rep: bulk export denied by his role, so no alert and no approvals.
    let rep = ws.simulate(&emp("E018"), t0(), None, 0, 5).unwrap();
    assert_eq!(rep.bulk_export.records, rep.page.visible);
    assert_eq!(rep.bulk_export.effect, Effect::Deny);
    assert!(!rep.bulk_export.alert);
    assert_eq!(rep.bulk_export.approvals, 0);
    // A set of roles that reaches nothing exports nothing.
    let none = ws
        .simulate(
            &Who::Roles {
                roles: vec![RoleId::new("sales_rep").unwrap()],
                department: None,
            },
            t0(),
            None,
            0,
            5,
        )
        .unwrap();
    assert_eq!(none.page.visible, 0);
    assert_eq!(none.bulk_export.records, 0);
    assert_eq!(none.bulk_export.effect, Effect::Deny);
}

#[test]
fn the_directory_lists_people_roles_and_the_customer_fields() {
    let (_t, mut ws) = crate::support::demo(10);
    let snap = ws.snapshot().unwrap();
    let dir = ws.directory().unwrap();
    assert_eq!(dir.employees.len(), snap.employees.len());
    assert_eq!(dir.departments.len(), snap.departments.len());
    assert_eq!(dir.roles.len(), snap.roles.len());
    assert_eq!(dir.tiers.len(), snap.tiers.len());
    assert!(!dir.fields.is_empty());
    assert!(dir
        .fields
        .iter()
        .all(|f| f.object.as_str() == CUSTOMER_OBJECT));
    let customer_fields = snap
        .fields
        .values()
        .filter(|f| f.object.as_str() == CUSTOMER_OBJECT)
        .count();
    assert_eq!(dir.fields.len(), customer_fields);
}

/// An explanation for a set of roles gives the level the simulation showed, cell by cell.
#[test]
fn explanations_for_a_set_of_roles_match_the_simulated_view() {
    use permgrid::api::Who;
    let (_t, mut ws) = crate::support::demo(200);
    let who = Who::Roles {
        roles: vec![RoleId::new("customer_service").unwrap()],
        department: None,
    };
    let view = ws.simulate(&who, t0(), None, 0, 3).unwrap();
    assert!(!view.page.rows.is_empty());
    for row in &view.page.rows {
        for (col, cell) in view.page.columns.iter().zip(&row.cells) {
            let e = ws
                .explain_as(&who, &col.field, Some(&row.id), t0())
                .unwrap();
            assert_eq!(e.level, cell.level, "{} of {}", col.field, row.id);
            assert_eq!(e.employee, None);
            assert!(!e.text.zh.is_empty() && !e.text.en.is_empty());
        }
    }
}
