//! The Casbin export against the real engine (casbin-rs): an enforcer loaded with permgrid's
//! model.conf and policy.csv gives permgrid's decision on every probe over random workspaces
//! and the demo — field levels, action effects, whether a record is in view, and the level an
//! approval would give; hand-written cases pin masking, guardrail denies, temporary grants and
//! org chains deeper than Casbin follows role links.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;

use crate::random::{build, text, Pick};
use crate::support::{demo, describe, disagreements, snapshot, t0};
use permgrid::bundle::{PolicyDoc, Target};
use permgrid::decide::Policy;
use permgrid::export::casbin::{self, CasbinEngine, RecordRef};
use permgrid::export::{expected, probes, Answer, Ask, Engine, ExportError, Probe};
use permgrid::model::*;

fn export(s: &Snapshot) -> BTreeMap<String, String> {
    casbin::files(s, &PolicyDoc::from_snapshot(s, true)).unwrap()
}

fn engine(s: &Snapshot) -> CasbinEngine {
    CasbinEngine::load(&export(s)).unwrap()
}

fn record_of(p: &Probe) -> (ObjectId, &Customer) {
    (CUSTOMER_OBJECT.parse().unwrap(), &p.record)
}

fn rec<'a>(object: &'a ObjectId, c: &'a Customer) -> RecordRef<'a> {
    RecordRef {
        object,
        id: &c.id,
        owner: &c.owner,
        department: &c.department,
        tier: &c.tier,
    }
}

/// The snapshot with every approval-gated cell granted at its approval level: what an
/// employee would have if their requests were approved (guardrails still apply).
fn approved(s: &Snapshot) -> Snapshot {
    let mut out = s.clone();
    for cell in out.cells.values_mut() {
        if let Some(a) = cell.approval {
            *cell = Cell::plain(a);
        }
    }
    out
}

/// Beyond the probes `disagreements` runs: the `+approval` questions (against permgrid on the
/// approved snapshot) and the `row` question (against permgrid's reach), on `n` probes.
fn extra_disagreements(s: &Snapshot, n: usize, seed: u64) -> Vec<String> {
    let eng = engine(s);
    let policy = Policy::compile(s);
    let gated = Policy::compile(&approved(s));
    let mut out = Vec::new();
    for p in probes(s, n, seed, t0()) {
        let (object, c) = record_of(&p);
        let r = rec(&object, c);
        if let Ask::Field(f) = &p.ask {
            let want = expected(&gated, &p);
            let got = eng.level(&p.employee, &r, f, p.at, true).map(Answer::Level);
            if got != Ok(want) {
                out.push(describe(
                    &p,
                    &format!("approved {want:?}"),
                    &format!("{got:?}"),
                ));
            }
        }
        let want = policy.emp_ix.get(&p.employee).is_some_and(|e| {
            let subject = policy.subject(*e, p.at);
            policy.reaches(&subject, &policy.record(c))
        });
        let got = eng.reaches(&p.employee, &r, p.at);
        if got != Ok(want) {
            out.push(describe(&p, &format!("row {want}"), &format!("{got:?}")));
        }
    }
    out
}

/// A random workspace made denser in the interactions the Casbin encoding expands: mostly
/// active employees, role ranks near the guardrails' `below_rank` thresholds (0-5), often a
/// rank-0 role everyone holds, one or two more rank-conditioned caps, and up to eight more temporary
/// grants — roles, scopes, field levels, actions; to employees and roles; some revoked, some
/// for named customers — so grants meet other grants (a field grant reached only through an
/// employee's scope grant, a rank reached only through a temporary role, ...).
fn dense(seed: u64, texts: &[String]) -> Snapshot {
    let (mut es, _) = build(seed, texts);
    let mut p = Pick(seed ^ 0xd15e);
    let (mut employees, mut roles, mut fields, mut objects, mut tiers) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for e in es.iter_mut() {
        match e {
            Entity::Role(r) => {
                r.rank %= 6;
                roles.push((r.rank, r.id.clone()));
            }
            Entity::Employee(x) => {
                if p.chance(60) {
                    x.status = Status::Active;
                }
                employees.push(x.id.clone());
            }
            Entity::Field(f) => fields.push(f.id.clone()),
            Entity::Object(o) => objects.push(o.id.clone()),
            Entity::Tier(t) => tiers.push(t.id.clone()),
            _ => {}
        }
    }
    // Half the time everyone also holds a rank-0 `base` role with a wide scope, so a
    // temporary higher role moves them across a guardrail's rank line while they see things.
    if p.chance(50) {
        es.push(Entity::Role(Role {
            id: id("base"),
            name_zh: "base".into(),
            name_en: "base".into(),
            rank: 0,
            inherits: Vec::new(),
            description: String::new(),
        }));
        for e in es.iter_mut() {
            if let Entity::Employee(x) = e {
                x.roles.push(id("base"));
            }
        }
        for f in &fields {
            es.push(Entity::Cell(CellEntry {
                key: CellKey {
                    role: id("base"),
                    field: f.clone(),
                },
                cell: Cell::plain(p.one(&[Level::Masked, Level::Read, Level::Edit])),
            }));
        }
        for o in &objects {
            let mut policy = ObjectPolicy::none(id("base"), o.clone());
            policy.scope = p.one(&[Scope::All, Scope::DepartmentTree, Scope::Team]);
            for a in Action::ALL {
                policy.set_action(*a, p.one(&[Effect::Approval, Effect::Allow]));
            }
            es.push(Entity::Policy(policy));
        }
    }
    for i in 0..1 + p.n(2) {
        let when = GuardrailWhen {
            object: None,
            min_sensitivity: p.chance(40).then(|| p.one(Sensitivity::ALL)),
            fields: Vec::new(),
            min_tier: p.chance(40).then(|| tiers[p.n(tiers.len())].clone()),
            below_rank: Some(1 + p.n(5) as u32),
        };
        let effect = if p.chance(60) {
            GuardrailEffect::CapLevel {
                level: p.one(&[Level::Hidden, Level::Masked, Level::Read]),
            }
        } else {
            GuardrailEffect::CapAction {
                action: p.one(Action::ALL),
                max: p.one(&[Effect::Deny, Effect::Approval]),
                alert: false,
            }
        };
        es.push(Entity::Guardrail(Guardrail {
            id: id(&format!("dgr{i}")),
            name_zh: "dense".into(),
            name_en: "dense".into(),
            when,
            effect,
        }));
    }
    for i in 0..p.n(9) {
        let subject = if !employees.is_empty() && p.chance(60) {
            GrantSubject::Employee(employees[p.n(employees.len())].clone())
        } else {
            GrantSubject::Role(roles[p.n(roles.len())].1.clone())
        };
        let what = match p.n(5) {
            // Often the highest-ranked role, so the grant crosses a guardrail's rank line.
            0 | 4 if matches!(subject, GrantSubject::Employee(_)) => GrantWhat::Role {
                role: if p.chance(50) {
                    roles.iter().max().unwrap().1.clone()
                } else {
                    roles[p.n(roles.len())].1.clone()
                },
            },
            0 | 1 | 4 => GrantWhat::Field {
                field: fields[p.n(fields.len())].clone(),
                level: p.one(Level::ALL),
            },
            2 => GrantWhat::Scope {
                object: objects[p.n(objects.len())].clone(),
                scope: p.one(Scope::ALL),
                max_tier: p.chance(40).then(|| tiers[p.n(tiers.len())].clone()),
            },
            _ => GrantWhat::Action {
                object: objects[p.n(objects.len())].clone(),
                action: p.one(Action::ALL),
                effect: p.one(Effect::ALL),
            },
        };
        let from = t0() - Duration::hours(p.n(30) as i64);
        let until = (t0() + Duration::hours(p.n(30) as i64 - 6)).max(from + Duration::minutes(30));
        es.push(Entity::Grant(TemporaryGrant {
            id: id(&format!("dg{i}")),
            subject,
            what,
            customers: if p.chance(30) {
                (0..1 + p.n(2))
                    .map(|_| id(&format!("c{}", p.n(4))))
                    .collect()
            } else {
                Vec::new()
            },
            valid_from: from,
            valid_until: until,
            reason: "dense".into(),
            approver: None,
            created_by: "test".into(),
            revoked_at: p.chance(15).then(|| from + Duration::hours(p.n(40) as i64)),
            request: None,
        }));
    }
    snapshot(es)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Over random workspaces (roles with inheritance, every scope, tier reach, gated cells,
    /// guardrails with tier and rank conditions, temporary grants of every kind around t0,
    /// revoked and per-customer ones, suspended and departed employees), the Casbin enforcer
    /// gives permgrid's answer.
    #[test]
    fn casbin_agrees_with_permgrid_on_random_workspaces(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, _) = build(seed, &texts);
        let s = snapshot(entities);
        let d = disagreements(Target::Casbin, &s, 300, seed);
        prop_assert!(d.is_empty(), "{} disagreements, first: {}", d.len(), d[0]);
        let d = extra_disagreements(&s, 200, seed ^ 0xa11);
        prop_assert!(d.is_empty(), "{} disagreements, first: {}", d.len(), d[0]);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    /// The same over denser random workspaces (see [`dense`]).
    #[test]
    fn casbin_agrees_with_permgrid_on_dense_random_workspaces(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let s = dense(seed, &texts);
        let d = disagreements(Target::Casbin, &s, 600, seed);
        prop_assert!(d.is_empty(), "{} disagreements, first: {}", d.len(), d[0]);
        let d = extra_disagreements(&s, 300, seed ^ 0xa11);
        prop_assert!(d.is_empty(), "{} disagreements, first: {}", d.len(), d[0]);
    }
}

/// The demo company: 6,000 probes over all employees, owners, departments, tiers, fields
/// and actions, plus the approval and row questions.
#[test]
fn casbin_agrees_with_permgrid_on_the_demo() {
    let s = demo();
    let d = disagreements(Target::Casbin, &s, 6_000, 0xca5b);
    assert!(
        d.is_empty(),
        "{} disagreements, e.g. {:#?}",
        d.len(),
        &d[..d.len().min(5)]
    );
    let d = extra_disagreements(&s, 1_000, 0xca5c);
    assert!(
        d.is_empty(),
        "{} disagreements, e.g. {:#?}",
        d.len(),
        &d[..d.len().min(5)]
    );
}

// ---- hand-written cases ----------------------------------------------------------------

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

fn dept(i: &str, parent: Option<&str>) -> Entity {
    Entity::Department(Department {
        id: id(i),
        name_zh: i.into(),
        name_en: i.into(),
        parent: parent.map(id),
    })
}

fn role(i: &str, rank: u32, inherits: &[&str]) -> Entity {
    Entity::Role(Role {
        id: id(i),
        name_zh: i.into(),
        name_en: i.into(),
        rank,
        inherits: inherits.iter().map(|r| id(r)).collect(),
        description: String::new(),
    })
}

fn employee(i: &str, dept: &str, manager: Option<&str>, roles: &[&str]) -> Entity {
    Entity::Employee(Employee {
        id: id(i),
        name: i.into(),
        title: String::new(),
        department: id(dept),
        manager: manager.map(id),
        roles: roles.iter().map(|r| id(r)).collect(),
        status: Status::Active,
    })
}

fn tier(i: &str, rank: u32) -> Entity {
    Entity::Tier(Tier {
        id: id(i),
        rank,
        name_zh: i.into(),
        name_en: i.into(),
    })
}

fn field(key: &str, sensitivity: Sensitivity) -> Entity {
    Entity::Field(Field {
        id: id(&format!("customer.{key}")),
        object: id("customer"),
        label_zh: key.into(),
        label_en: key.into(),
        field_type: FieldType::Text,
        sensitivity,
        mask: MaskRule::Full,
        category: Category::Basic,
    })
}

fn cell(role: &str, key: &str, cell: &str) -> Entity {
    Entity::Cell(CellEntry {
        key: CellKey {
            role: id(role),
            field: id(&format!("customer.{key}")),
        },
        cell: cell.parse().unwrap(),
    })
}

fn scope(role: &str, scope: Scope, max_tier: Option<&str>, export: Effect) -> Entity {
    let mut p = ObjectPolicy::none(id(role), id("customer"));
    p.scope = scope;
    p.max_tier = max_tier.map(id);
    p.set_action(Action::View, Effect::Allow);
    p.set_action(Action::Export, export);
    Entity::Policy(p)
}

fn grant(
    gid: &str,
    subject: GrantSubject,
    what: GrantWhat,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Entity {
    Entity::Grant(TemporaryGrant {
        id: id(gid),
        subject,
        what,
        customers: Vec::new(),
        valid_from: from,
        valid_until: until,
        reason: "test".into(),
        approver: None,
        created_by: "test".into(),
        revoked_at: None,
        request: None,
    })
}

fn customer(cid: &str, owner: &str, dept: &str, tier: &str) -> Customer {
    Customer {
        id: id(cid),
        owner: id(owner),
        department: id(dept),
        tier: id(tier),
        values: BTreeMap::new(),
    }
}

/// A small company: a sales rep and their manager, a restricted ID-card field capped at
/// masked below rank 3, strategic accounts only exportable with approval.
fn small() -> Vec<Entity> {
    vec![
        dept("sales", None),
        dept("east", Some("sales")),
        role("rep", 1, &[]),
        role("manager", 3, &["rep"]),
        role("director", 5, &[]),
        employee("boss", "sales", None, &["manager"]),
        employee("li", "east", Some("boss"), &["rep"]),
        employee("wang", "east", Some("boss"), &[]),
        Entity::Object(ObjectDef {
            id: id("customer"),
            name_zh: "客户".into(),
            name_en: "Customer".into(),
        }),
        tier("normal", 1),
        tier("strategic", 4),
        field("name", Sensitivity::Internal),
        field("mobile", Sensitivity::Confidential),
        field("id_card", Sensitivity::Restricted),
        cell("rep", "name", "edit"),
        cell("rep", "mobile", "masked+read"),
        cell("rep", "id_card", "read"),
        cell("manager", "mobile", "read"),
        cell("director", "id_card", "edit"),
        scope("rep", Scope::Own, None, Effect::Allow),
        scope("manager", Scope::Team, None, Effect::Allow),
        scope("director", Scope::Own, None, Effect::Allow),
        Entity::Guardrail(Guardrail {
            id: id("id_below_3"),
            name_zh: "身份证".into(),
            name_en: "ID cards masked below rank 3".into(),
            when: GuardrailWhen {
                min_sensitivity: Some(Sensitivity::Restricted),
                below_rank: Some(3),
                ..GuardrailWhen::default()
            },
            effect: GuardrailEffect::CapLevel {
                level: Level::Masked,
            },
        }),
        Entity::Guardrail(Guardrail {
            id: id("strategic_export"),
            name_zh: "战略客户导出".into(),
            name_en: "Strategic exports need approval".into(),
            when: GuardrailWhen {
                min_tier: Some(id("strategic")),
                ..GuardrailWhen::default()
            },
            effect: GuardrailEffect::CapAction {
                action: Action::Export,
                max: Effect::Approval,
                alert: true,
            },
        }),
    ]
}

fn customer_ref(c: &Customer) -> RecordRef<'_> {
    // The object id lives as long as the test: leak one (tests only).
    let object: &'static ObjectId = Box::leak(Box::new(id("customer")));
    rec(object, c)
}

fn level(eng: &CasbinEngine, who: &str, c: &Customer, key: &str) -> Level {
    eng.level(
        &id(who),
        &customer_ref(c),
        &id(&format!("customer.{key}")),
        t0(),
        false,
    )
    .unwrap()
}

#[test]
fn masked_is_not_read_and_approval_gating_does_not_change_the_level() {
    let eng = engine(&snapshot(small()));
    let own = customer("c1", "li", "east", "normal");
    assert_eq!(level(&eng, "li", &own, "name"), Level::Edit);
    assert_eq!(
        level(&eng, "li", &own, "mobile"),
        Level::Masked,
        "the cell is masked+read: masked until a request is approved"
    );
    assert_eq!(
        eng.level(
            &id("li"),
            &customer_ref(&own),
            &id("customer.mobile"),
            t0(),
            true
        )
        .unwrap(),
        Level::Read,
        "the +approval question tells the service a request would give read"
    );
    assert_eq!(
        level(&eng, "boss", &own, "mobile"),
        Level::Read,
        "the manager reaches a report's customer (team) and reads the mobile"
    );
    let others = customer("c2", "wang", "east", "normal");
    assert_eq!(
        level(&eng, "li", &others, "name"),
        Level::Hidden,
        "a colleague's customer is out of an own scope"
    );
}

#[test]
fn a_guardrail_deny_overrides_an_allow() {
    let eng = engine(&snapshot(small()));
    let own = customer("c1", "li", "east", "normal");
    assert_eq!(
        level(&eng, "li", &own, "id_card"),
        Level::Masked,
        "the rep's cell says read, the rank-3 guardrail caps restricted fields at masked"
    );
    assert_eq!(
        eng.level(
            &id("li"),
            &customer_ref(&own),
            &id("customer.id_card"),
            t0(),
            true
        )
        .unwrap(),
        Level::Masked,
        "an approval never lifts a guardrail"
    );
    let strategic = customer("c3", "li", "east", "strategic");
    let export = |c: &Customer| {
        eng.effect(&id("li"), &customer_ref(c), Action::Export, t0())
            .unwrap()
    };
    assert_eq!(export(&own), Effect::Allow);
    assert_eq!(
        export(&strategic),
        Effect::Approval,
        "exporting a strategic account is capped at approval"
    );
}

#[test]
fn temporary_grants_hold_only_in_their_window() {
    let from = t0() - Duration::hours(1);
    let until = t0() + Duration::hours(1);
    let mut es = small();
    // A temporary director role lifts li above the rank-3 guardrail, only in its window.
    es.push(grant(
        "tg_director",
        GrantSubject::Employee(id("li")),
        GrantWhat::Role {
            role: id("director"),
        },
        from,
        until,
    ));
    // A field grant to wang, who reaches nothing: it never makes a row visible.
    es.push(grant(
        "tg_field",
        GrantSubject::Employee(id("wang")),
        GrantWhat::Field {
            field: id("customer.mobile"),
            level: Level::Read,
        },
        from,
        until,
    ));
    let s = snapshot(es);
    let eng = engine(&s);
    let own = customer("c1", "li", "east", "normal");
    let card = |at: DateTime<Utc>| {
        eng.level(
            &id("li"),
            &customer_ref(&own),
            &id("customer.id_card"),
            at,
            false,
        )
        .unwrap()
    };
    assert_eq!(
        card(from - Duration::seconds(1)),
        Level::Masked,
        "before the grant"
    );
    assert_eq!(
        card(from),
        Level::Edit,
        "from validFrom, inclusive: rank 5, director's edit"
    );
    assert_eq!(card(until - Duration::nanoseconds(1)), Level::Edit);
    assert_eq!(card(until), Level::Masked, "validUntil is exclusive");
    let wangs = customer("c4", "wang", "east", "normal");
    assert_eq!(level(&eng, "wang", &wangs, "mobile"), Level::Hidden);
    assert!(!eng
        .reaches(&id("wang"), &customer_ref(&wangs), t0())
        .unwrap());
}

#[test]
fn unknown_and_inactive_employees_get_nothing() {
    let mut es = small();
    if let Some(Entity::Employee(e)) = es
        .iter_mut()
        .find(|e| matches!(e, Entity::Employee(x) if x.id.as_str() == "boss"))
    {
        e.status = Status::Left;
    }
    let s = snapshot(es);
    let eng = engine(&s);
    let c = customer("c1", "li", "east", "normal");
    assert_eq!(
        level(&eng, "boss", &c, "mobile"),
        Level::Hidden,
        "a leaver sees nothing"
    );
    // Ids that collide with the names of groups, roles, departments and tiers.
    for who in [
        "nobody", "rep", "manager", "east", "normal", "c1", "customer",
    ] {
        let p = Probe {
            employee: id(who),
            record: c.clone(),
            at: t0(),
            ask: Ask::Field(id("customer.name")),
        };
        assert_eq!(
            eng.answer(&p),
            Ok(Answer::Level(Level::Hidden)),
            "{who} is not an employee"
        );
        let p = Probe {
            ask: Ask::Action(Action::View),
            ..p
        };
        assert_eq!(
            eng.answer(&p),
            Ok(Answer::Effect(Effect::Deny)),
            "{who} is not an employee"
        );
    }
}

/// Manager chains, department trees and role inheritance far deeper than the 9 links Casbin
/// follows: the export flattens them, so the top of each chain still reaches the bottom.
#[test]
fn org_chains_deeper_than_casbins_role_depth() {
    const DEPTH: usize = 16;
    let mut es = vec![dept("d0", None)];
    for i in 1..DEPTH {
        es.push(dept(&format!("d{i}"), Some(&format!("d{}", i - 1))));
    }
    es.push(role("r0", 1, &[]));
    for i in 1..DEPTH {
        es.push(role(&format!("r{i}"), 1, &[&format!("r{}", i - 1)]));
    }
    es.push(role("lead", 2, &[&format!("r{}", DEPTH - 1)]));
    es.push(role("head", 2, &[]));
    es.push(employee("e0", "d0", None, &["lead", "head"]));
    for i in 1..DEPTH {
        es.push(employee(
            &format!("e{i}"),
            &format!("d{i}"),
            Some(&format!("e{}", i - 1)),
            &[],
        ));
    }
    es.push(Entity::Object(ObjectDef {
        id: id("customer"),
        name_zh: "客户".into(),
        name_en: "Customer".into(),
    }));
    es.push(tier("normal", 1));
    es.push(field("name", Sensitivity::Internal));
    es.push(field("mobile", Sensitivity::Internal));
    // The deepest inherited role gives the name, on the team; `head` gives the mobile on the
    // department tree.
    es.push(cell("r0", "name", "read"));
    es.push(scope("r0", Scope::Team, None, Effect::Deny));
    es.push(cell("head", "mobile", "read"));
    es.push(scope("head", Scope::DepartmentTree, None, Effect::Deny));
    let s = snapshot(es);
    let eng = engine(&s);
    let last = format!("e{}", DEPTH - 1);
    let deep = customer("c1", &last, &format!("d{}", DEPTH - 1), "normal");
    assert_eq!(
        level(&eng, "e0", &deep, "name"),
        Level::Read,
        "e0 inherits r0 through {DEPTH} roles and manages {last} through {DEPTH} managers"
    );
    assert_eq!(
        level(&eng, "e0", &deep, "mobile"),
        Level::Read,
        "d{} is {DEPTH} levels below e0's department",
        DEPTH - 1
    );
    assert_eq!(
        level(&eng, &last, &deep, "name"),
        Level::Hidden,
        "{last} holds no role"
    );
    let d = disagreements(Target::Casbin, &s, 2_000, 11);
    assert!(d.is_empty(), "{}", d.join("\n"));
}

#[test]
fn the_export_needs_the_org_snapshot() {
    let s = snapshot(small());
    let err = casbin::files(&s, &PolicyDoc::from_snapshot(&s, false)).unwrap_err();
    assert!(
        matches!(
            err,
            ExportError::Unsupported {
                target: "casbin",
                ..
            }
        ),
        "the policy names who holds which role: {err}"
    );
}

/// Records naming an owner, department or tier the workspace does not know: Casbin fails
/// closed exactly as permgrid does (a scope limited to some tiers never reaches an unknown
/// tier, a guardrail with a minimum tier applies to it, nobody's department contains an
/// unknown one).
#[test]
fn records_with_unknown_attributes_fail_closed_like_permgrid() {
    let s = demo();
    let eng = engine(&s);
    let policy = Policy::compile(&s);
    let mut checked = 0;
    for (i, mut p) in probes(&s, 1_500, 0x0dd, t0()).into_iter().enumerate() {
        match i % 3 {
            0 => p.record.owner = id("E999"),
            1 => p.record.department = id("nowhere"),
            _ => p.record.tier = id("platinum"),
        }
        let want = expected(&policy, &p);
        assert_eq!(
            eng.answer(&p),
            Ok(want),
            "{}",
            describe(&p, &format!("{want:?}"), "?")
        );
        checked += 1;
    }
    assert_eq!(checked, 1_500);
}

/// Files casbin-rs cannot evaluate are refused when loading, with an error (casbin-rs itself
/// panics on an unsupported effect; the panic stays on the loading thread).
#[test]
fn files_casbin_cannot_evaluate_are_refused_at_load() {
    let good = export(&snapshot(small()));
    let mut effect = good.clone();
    effect.insert(
        "model.conf".into(),
        good["model.conf"].replace(
            "!some(where (p.eft == deny))",
            "!some(where (p.eft == nope))",
        ),
    );
    let mut line = good.clone();
    line.insert(
        "policy.csv".into(),
        format!("{}p, too, short\n", good["policy.csv"]),
    );
    let mut missing = good.clone();
    missing.remove("policy.csv");
    for (what, files) in [("effect", effect), ("policy line", line), ("file", missing)] {
        assert!(
            matches!(
                CasbinEngine::load(&files),
                Err(ExportError::Engine {
                    target: "casbin",
                    ..
                })
            ),
            "a bad {what} is an error, not a panic or an enforcer that denies everything"
        );
    }
}
