//! The Cedar export against the real engine (cedar-policy): the authorizer, loaded with
//! permgrid's schema, policies and entities, gives permgrid's decision on every probe over
//! random workspaces and the demo; the policies pass strict validation; slicing keeps every
//! decision; hand-written cases pin masking, approval gating, guardrail forbids and
//! temporary grants.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;

use crate::random::{build, text, Pick};
use crate::support::{demo, disagreements, snapshot, t0};
use cedar_policy::{PolicySet, Schema, ValidationMode, Validator};
use permgrid::bundle::{PolicyDoc, Target};
use permgrid::decide::Policy;
use permgrid::export::cedar::{self, CedarEngine};
use permgrid::export::{expected, probes, Answer, Engine, ExportError};
use permgrid::model::*;

fn export(s: &Snapshot) -> BTreeMap<String, String> {
    cedar::files(s, &PolicyDoc::from_snapshot(s, true)).unwrap()
}

/// Adds `n` temporary grants of every kind (role grants to employees, field / scope / action
/// grants to employees and roles, per-record ones, revoked ones) to a random workspace, so the
/// interplay of grants (a scope grant widening a temporarily held role, a field grant on a
/// record reached only through a grant, a rank raised by a temporary role) is exercised.
fn with_grants(mut s: Snapshot, seed: u64, n: usize) -> Snapshot {
    let mut p = Pick(seed ^ 0x9e37_79b9);
    let employees: Vec<EmployeeId> = s.employees.keys().cloned().collect();
    let roles: Vec<RoleId> = s.roles.keys().cloned().collect();
    let fields: Vec<FieldId> = s.fields.keys().cloned().collect();
    let objects: Vec<ObjectId> = s.objects.keys().cloned().collect();
    let tiers: Vec<TierId> = s.tiers.keys().cloned().collect();
    if employees.is_empty() {
        return s;
    }
    for i in 0..n {
        let subject = if p.chance(60) {
            GrantSubject::Employee(employees[p.n(employees.len())].clone())
        } else {
            GrantSubject::Role(roles[p.n(roles.len())].clone())
        };
        let what = match p.n(4) {
            0 if matches!(subject, GrantSubject::Employee(_)) => GrantWhat::Role {
                role: roles[p.n(roles.len())].clone(),
            },
            0 | 1 => GrantWhat::Field {
                field: fields[p.n(fields.len())].clone(),
                level: p.one(Level::ALL),
            },
            2 => GrantWhat::Scope {
                object: objects[p.n(objects.len())].clone(),
                scope: p.one(Scope::ALL),
                max_tier: p.chance(50).then(|| tiers[p.n(tiers.len())].clone()),
            },
            _ => GrantWhat::Action {
                object: objects[p.n(objects.len())].clone(),
                action: p.one(Action::ALL),
                effect: p.one(Effect::ALL),
            },
        };
        let from = t0() - Duration::hours(p.n(30) as i64);
        let until = from + Duration::hours(1 + p.n(40) as i64);
        s.put(Entity::Grant(TemporaryGrant {
            id: format!("xg{i}").parse().unwrap(),
            subject,
            what,
            customers: if p.chance(30) {
                vec![format!("x{}", p.n(2)).parse().unwrap()]
            } else {
                Vec::new()
            },
            valid_from: from,
            valid_until: until,
            reason: "test".into(),
            approver: None,
            created_by: "test".into(),
            revoked_at: p.chance(15).then(|| from + Duration::minutes(30)),
            request: None,
        }));
    }
    s.check_all().unwrap();
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Over random workspaces (roles with inheritance, every scope, tier reach, gated cells,
    /// guardrails of every kind, temporary grants around t0), Cedar gives permgrid's answer on
    /// 300 probes (plus the 2,000 the export's own check runs).
    #[test]
    fn cedar_agrees_with_permgrid_on_random_workspaces(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, _) = build(seed, &texts);
        let s = snapshot(entities);
        let d = disagreements(Target::Cedar, &s, 300, seed);
        prop_assert!(d.is_empty(), "{} disagreements, first: {}", d.len(), d[0]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// The same with many temporary grants in one workspace, where grants combine.
    #[test]
    fn cedar_agrees_with_permgrid_when_grants_combine(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, _) = build(seed, &texts);
        let s = with_grants(snapshot(entities), seed, 8);
        let d = disagreements(Target::Cedar, &s, 300, seed);
        prop_assert!(d.is_empty(), "{} disagreements, first: {}", d.len(), d[0]);
        // Row visibility, a decision of its own (`record:in_view`).
        let engine = CedarEngine::load(&export(&s)).unwrap();
        let policy = Policy::compile(&s);
        for p in probes(&s, 100, seed, t0()) {
            let subject = policy.subject(policy.emp_ix[&p.employee], p.at);
            let want = policy.reaches(&subject, &policy.record(&p.record));
            let got = engine.in_view(&p.employee, &id("customer"), &p.record, p.at).unwrap();
            prop_assert_eq!(got, want, "{} on {} at {}", p.employee, p.record.id, p.at);
        }
    }
}

/// The demo company: 5,000 probes over all employees, owners, departments, tiers and fields.
#[test]
fn cedar_agrees_with_permgrid_on_the_demo() {
    let d = disagreements(Target::Cedar, &demo(), 5_000, 0xde30);
    assert!(
        d.is_empty(),
        "{} disagreements, e.g. {:#?}",
        d.len(),
        &d[..d.len().min(5)]
    );
}

/// What `CedarEngine::load` checks, done by hand: every policy type-checks against the schema
/// in strict mode, for the demo and for a workspace full of temporary grants.
#[test]
fn exported_policies_pass_strict_validation() {
    let (entities, _) = build(7, &["名".to_owned()]);
    for s in [demo(), with_grants(snapshot(entities), 7, 12)] {
        let files = export(&s);
        let (schema, _) = Schema::from_cedarschema_str(&files["permgrid.cedarschema"]).unwrap();
        let policies: PolicySet = files["policies.cedar"].parse().unwrap();
        let result = Validator::new(schema).validate(&policies, ValidationMode::Strict);
        let errors: Vec<String> = result.validation_errors().map(|e| e.to_string()).collect();
        assert!(
            result.validation_passed(),
            "strict validation errors: {errors:#?}"
        );
    }
}

/// A policy that does not type-check is refused at load: a bundle never ships Cedar files the
/// engine would silently skip at evaluation time.
#[test]
fn load_refuses_policies_failing_strict_validation() {
    let mut files = export(&demo());
    let bad = files["policies.cedar"].replace("principal.active", "principal.activ");
    files.insert("policies.cedar".into(), bad);
    match CedarEngine::load(&files) {
        Err(ExportError::Engine { reason, .. }) => {
            assert!(reason.contains("strict validation"), "{reason}")
        }
        other => panic!(
            "a misspelt attribute must fail validation, got {:?}",
            other.map(|_| ())
        ),
    }
    files.remove("entities.json");
    assert!(
        matches!(CedarEngine::load(&files), Err(ExportError::Engine { .. })),
        "a missing file is refused"
    );
}

/// entities.json names every employee with their roles, managers and departments: a bundle
/// built without its org snapshot gets no Cedar export rather than one that denies everyone.
#[test]
fn export_needs_the_org_snapshot() {
    let s = demo();
    assert!(matches!(
        cedar::files(&s, &PolicyDoc::from_snapshot(&s, false)),
        Err(ExportError::Unsupported { .. })
    ));
}

/// The demo stays small enough for Cedar (which evaluates every policy on each call), and
/// slicing to one employee's policies keeps every decision while passing far fewer policies.
#[test]
fn slicing_keeps_every_decision() {
    let s = with_grants(demo(), 11, 10);
    let engine = CedarEngine::load(&export(&s)).unwrap();
    let total = engine.policies().policies().count();
    assert!(total < 400, "{total} policies for the demo");
    let policy = Policy::compile(&s);
    let mut sliced: BTreeMap<EmployeeId, CedarEngine> = BTreeMap::new();
    for p in probes(&s, 1_500, 5, t0()) {
        let small = sliced
            .entry(p.employee.clone())
            .or_insert_with(|| engine.sliced(&p.employee).unwrap());
        assert!(small.policies().policies().count() < total);
        assert_eq!(
            small.answer(&p).unwrap(),
            expected(&policy, &p),
            "sliced engine for {} on {:?} of {} at {}",
            p.employee,
            p.ask,
            p.record.id,
            p.at
        );
    }
}

// --- Hand-written cases -------------------------------------------------------------------

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

/// A sales team: a rep (rank 1) who sees mobiles masked (read with approval) on their own
/// customers, a manager (rank 3, inherits rep) who reads them for the team, a leaver; mobiles
/// of key accounts are at most masked below rank 3, and exports of key accounts need approval.
fn team() -> Snapshot {
    let actions = |view: Effect, export: Effect| {
        let mut a = [Effect::Deny; ACTION_COUNT];
        a[Action::View.index()] = view;
        a[Action::Export.index()] = export;
        a
    };
    let mut e = vec![
        Entity::Department(Department {
            id: id("sales"),
            name_zh: "销售部".into(),
            name_en: "Sales".into(),
            parent: None,
        }),
        Entity::Role(Role {
            id: id("rep"),
            name_zh: "销售代表".into(),
            name_en: "Rep".into(),
            rank: 1,
            inherits: vec![],
            description: String::new(),
        }),
        Entity::Role(Role {
            id: id("manager"),
            name_zh: "销售经理".into(),
            name_en: "Manager".into(),
            rank: 3,
            inherits: vec![id("rep")],
            description: String::new(),
        }),
    ];
    for (emp, manager, role, status) in [
        ("boss", None, "manager", Status::Active),
        ("li", Some("boss"), "rep", Status::Active),
        ("gone", Some("boss"), "rep", Status::Left),
    ] {
        e.push(Entity::Employee(Employee {
            id: id(emp),
            name: emp.into(),
            title: String::new(),
            department: id("sales"),
            manager: manager.map(id),
            roles: vec![id(role)],
            status,
        }));
    }
    e.push(Entity::Object(ObjectDef {
        id: id("customer"),
        name_zh: "客户".into(),
        name_en: "Customer".into(),
    }));
    for (t, rank) in [("normal", 1), ("key", 3)] {
        e.push(Entity::Tier(Tier {
            id: id(t),
            rank,
            name_zh: t.into(),
            name_en: t.into(),
        }));
    }
    for (key, sensitivity, mask) in [
        ("name", Sensitivity::Internal, MaskRule::Name),
        ("mobile", Sensitivity::Restricted, MaskRule::Mobile),
    ] {
        e.push(Entity::Field(Field {
            id: id(&format!("customer.{key}")),
            object: id("customer"),
            label_zh: key.into(),
            label_en: key.into(),
            field_type: FieldType::Text,
            sensitivity,
            mask,
            category: Category::Basic,
        }));
    }
    for (role, field, cell) in [
        ("rep", "customer.name", Cell::plain(Level::Read)),
        (
            "rep",
            "customer.mobile",
            Cell::gated(Level::Masked, Level::Read).unwrap(),
        ),
        ("manager", "customer.mobile", Cell::plain(Level::Read)),
    ] {
        e.push(Entity::Cell(CellEntry {
            key: CellKey {
                role: id(role),
                field: id(field),
            },
            cell,
        }));
    }
    for (role, scope, export) in [
        ("rep", Scope::Own, Effect::Approval),
        ("manager", Scope::Team, Effect::Allow),
    ] {
        e.push(Entity::Policy(ObjectPolicy {
            role: id(role),
            object: id("customer"),
            scope,
            max_tier: None,
            actions: actions(Effect::Allow, export),
        }));
    }
    e.push(Entity::Guardrail(Guardrail {
        id: id("g_mobile"),
        name_zh: "重点客户手机号".into(),
        name_en: "Mobiles of key accounts at most masked below rank 3".into(),
        when: GuardrailWhen {
            fields: vec![id("customer.mobile")],
            min_tier: Some(id("key")),
            below_rank: Some(3),
            ..GuardrailWhen::default()
        },
        effect: GuardrailEffect::CapLevel {
            level: Level::Masked,
        },
    }));
    e.push(Entity::Guardrail(Guardrail {
        id: id("g_key_export"),
        name_zh: "重点客户导出需审批".into(),
        name_en: "Exporting key accounts needs approval".into(),
        when: GuardrailWhen {
            object: Some(id("customer")),
            min_tier: Some(id("key")),
            ..GuardrailWhen::default()
        },
        effect: GuardrailEffect::CapAction {
            action: Action::Export,
            max: Effect::Approval,
            alert: true,
        },
    }));
    snapshot(e)
}

fn customer(cid: &str, owner: &str, tier: &str) -> Customer {
    Customer {
        id: id(cid),
        owner: id(owner),
        department: id("sales"),
        tier: id(tier),
        values: BTreeMap::new(),
    }
}

/// The engine's level, checked against permgrid's own decision first.
fn level(
    s: &Snapshot,
    e: &CedarEngine,
    emp: &str,
    field: &str,
    c: &Customer,
    at: DateTime<Utc>,
) -> Level {
    let got = e.level(&id(emp), &id(field), c, at).unwrap();
    let probe = permgrid::export::Probe {
        employee: id(emp),
        record: c.clone(),
        at,
        ask: permgrid::export::Ask::Field(id(field)),
    };
    assert_eq!(
        Answer::Level(got),
        expected(&Policy::compile(s), &probe),
        "Cedar and permgrid agree for {emp} on {field} of {}",
        c.id
    );
    got
}

fn effect(s: &Snapshot, e: &CedarEngine, emp: &str, action: Action, c: &Customer) -> Effect {
    let got = e
        .effect(&id(emp), &id("customer"), action, c, t0())
        .unwrap();
    let probe = permgrid::export::Probe {
        employee: id(emp),
        record: c.clone(),
        at: t0(),
        ask: permgrid::export::Ask::Action(action),
    };
    assert_eq!(Answer::Effect(got), expected(&Policy::compile(s), &probe));
    got
}

#[test]
fn masked_and_read_with_approval_are_separate_decisions() {
    let s = team();
    let e = CedarEngine::load(&export(&s)).unwrap();
    let own = customer("c1", "li", "normal");
    assert_eq!(
        level(&s, &e, "li", "customer.name", &own, t0()),
        Level::Read
    );
    assert_eq!(
        level(&s, &e, "li", "customer.mobile", &own, t0()),
        Level::Masked,
        "the rep's cell is masked+read: the effective level is masked"
    );
    assert_eq!(
        e.requestable(&id("li"), &id("customer.mobile"), &own, t0())
            .unwrap(),
        Level::Read,
        "read is a separate decision: what an approved request would give"
    );
    assert_eq!(
        level(&s, &e, "boss", "customer.mobile", &own, t0()),
        Level::Read,
        "the manager reaches the rep's customer through the team scope"
    );
    let other = customer("c2", "boss", "normal");
    assert_eq!(
        level(&s, &e, "li", "customer.name", &other, t0()),
        Level::Hidden,
        "the rep does not reach the manager's customer"
    );
    let in_view = |emp: &str, c: &Customer| e.in_view(&id(emp), &id("customer"), c, t0()).unwrap();
    assert!(in_view("li", &own) && in_view("boss", &own) && !in_view("li", &other));
    assert_eq!(effect(&s, &e, "li", Action::Export, &own), Effect::Approval);
    assert_eq!(effect(&s, &e, "li", Action::View, &own), Effect::Allow);
    assert_eq!(effect(&s, &e, "li", Action::Delete, &own), Effect::Deny);
    for who in ["gone", "nobody"] {
        let theirs = customer("c3", who, "normal");
        assert_eq!(
            level(&s, &e, who, "customer.name", &theirs, t0()),
            Level::Hidden,
            "{who}: a leaver or an unknown employee gets nothing"
        );
        assert_eq!(effect(&s, &e, who, Action::View, &theirs), Effect::Deny);
    }
}

#[test]
fn guardrails_forbid_whatever_roles_grant() {
    let s = team();
    let e = CedarEngine::load(&export(&s)).unwrap();
    let key = customer("k1", "li", "key");
    // The manager's own read on the team's key account is capped for the rep only.
    assert_eq!(
        level(&s, &e, "boss", "customer.mobile", &key, t0()),
        Level::Read
    );
    assert_eq!(
        level(&s, &e, "li", "customer.mobile", &key, t0()),
        Level::Masked
    );
    assert_eq!(
        e.requestable(&id("li"), &id("customer.mobile"), &key, t0())
            .unwrap(),
        Level::Masked,
        "a request would not help: the guardrail forbids read"
    );
    // The decision names the guardrail that forbade it.
    let response = e
        .authorize(
            &id("boss"),
            "record:export",
            "Permgrid::Object::\"customer\"".parse().unwrap(),
            &key,
            t0(),
        )
        .unwrap();
    let reasons: Vec<String> = response
        .diagnostics()
        .reason()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(reasons, ["guardrail/g_key_export"]);
    assert_eq!(
        effect(&s, &e, "boss", Action::Export, &key),
        Effect::Approval,
        "capped at approval: the with-approval action stays allowed"
    );
    assert_eq!(
        effect(
            &s,
            &e,
            "boss",
            Action::Export,
            &customer("n1", "li", "normal")
        ),
        Effect::Allow
    );
}

#[test]
fn temporary_role_grants_raise_the_rank_within_their_window() {
    let mut s = team();
    let from = t0() - Duration::hours(1);
    s.put(Entity::Grant(TemporaryGrant {
        id: id("tg_cover"),
        subject: GrantSubject::Employee(id("li")),
        what: GrantWhat::Role {
            role: id("manager"),
        },
        customers: vec![],
        valid_from: from,
        valid_until: t0() + Duration::hours(1),
        reason: "covering for the manager".into(),
        approver: Some(id("boss")),
        created_by: "test".into(),
        revoked_at: None,
        request: None,
    }));
    s.check_all().unwrap();
    let e = CedarEngine::load(&export(&s)).unwrap();
    let key = customer("k1", "li", "key");
    assert_eq!(
        level(
            &s,
            &e,
            "li",
            "customer.mobile",
            &key,
            from - Duration::seconds(1)
        ),
        Level::Masked,
        "before the window: rank 1, capped"
    );
    assert_eq!(
        level(&s, &e, "li", "customer.mobile", &key, from),
        Level::Read,
        "from validFrom: the manager role (rank 3) lifts the cap"
    );
    assert_eq!(
        level(
            &s,
            &e,
            "li",
            "customer.mobile",
            &key,
            t0() + Duration::hours(1)
        ),
        Level::Masked,
        "validUntil is excluded"
    );
}

/// The example of docs/exports-cedar.md, as written there: 李雷 (E018) on the demo customer
/// C00015 sees the ID card number masked, cannot usefully request it, and exports with approval.
#[test]
fn the_documented_example_holds() -> Result<(), Box<dyn std::error::Error>> {
    use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, Request};
    use serde_json::json;
    use std::str::FromStr;

    let files = export(&demo());
    let (schema, _warnings) = Schema::from_cedarschema_str(&files["permgrid.cedarschema"])?;
    let policies = PolicySet::from_str(&files["policies.cedar"])?;
    let entities = Entities::from_json_str(&files["entities.json"], Some(&schema))?;
    let authorizer = Authorizer::new();

    let (_, customers) = permgrid::demo::build(20)?;
    let c = customers
        .iter()
        .find(|c| c.id.as_str() == "C00015")
        .unwrap();
    assert_eq!(
        (c.owner.as_str(), c.department.as_str(), c.tier.as_str()),
        ("E018", "sales_east_sh", "customer"),
        "the record the document describes"
    );

    let ask = |action: &str, resource: &str| -> Result<bool, Box<dyn std::error::Error>> {
        let action = EntityUid::from_str(&format!(r#"Permgrid::Action::"{action}""#))?;
        let context = Context::from_json_value(
            json!({
                "now": chrono::Utc::now().timestamp(),
                "recordId": "C00015",
                "owner": { "__entity": { "type": "Permgrid::Employee", "id": "E018" } },
                "department": { "__entity": { "type": "Permgrid::Department", "id": "sales_east_sh" } },
                "tier": { "__entity": { "type": "Permgrid::Tier", "id": "customer" } },
            }),
            Some((&schema, &action)),
        )?;
        let request = Request::new(
            EntityUid::from_str(r#"Permgrid::Employee::"E018""#)?,
            action,
            EntityUid::from_str(resource)?,
            context,
            Some(&schema),
        )?;
        Ok(authorizer
            .is_authorized(&request, &policies, &entities)
            .decision()
            == Decision::Allow)
    };

    let id_card = r#"Permgrid::Field::"customer.id_card""#;
    let level = if ask("field:read", id_card)? {
        if ask("field:edit", id_card)? {
            "edit"
        } else {
            "read"
        }
    } else if ask("field:masked", id_card)? {
        "masked"
    } else {
        "hidden"
    };
    assert_eq!(level, "masked");
    assert!(!ask("request:read", id_card)?);
    let customer = r#"Permgrid::Object::"customer""#;
    assert!(!ask("record:export", customer)? && ask("record:export:with_approval", customer)?);
    assert!(ask("record:in_view", customer)?);
    Ok(())
}
