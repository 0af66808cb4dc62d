//! Data-driven decision scenarios: each `scenarios/*.toml` file sets up the demo company
//! (plus its own changes) and lists requests with the expected decision and reasons.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

use permgrid::decide::explain::Outcome;
use permgrid::decide::Policy;
use permgrid::model::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    setup: Setup,
    case: Vec<Case>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Setup {
    #[serde(default)]
    cell: Vec<SetCell>,
    #[serde(default)]
    scope: Vec<SetScope>,
    #[serde(default)]
    status: Vec<SetStatus>,
    #[serde(default)]
    grant: Vec<TemporaryGrant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetCell {
    role: RoleId,
    field: FieldId,
    cell: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetScope {
    role: RoleId,
    object: ObjectId,
    scope: Scope,
    max_tier: Option<TierId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetStatus {
    employee: EmployeeId,
    status: Status,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    id: CustomerId,
    owner: EmployeeId,
    department: DeptId,
    tier: TierId,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    employee: EmployeeId,
    customer: Record,
    field: Option<FieldId>,
    action: Option<Action>,
    at: Option<DateTime<Utc>>,
    /// Expected field level.
    level: Option<Level>,
    outcome: Option<String>,
    /// Expected action effect.
    effect: Option<Effect>,
    alert: Option<bool>,
    /// Substrings that must appear in the English explanation.
    #[serde(default)]
    reasons: Vec<String>,
    /// Substrings that must appear in the Chinese explanation.
    #[serde(default)]
    reasons_zh: Vec<String>,
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::NotActive => "not_active",
        Outcome::NotInScope => "not_in_scope",
        Outcome::NotGranted => "not_granted",
        Outcome::Granted => "granted",
        Outcome::Forbidden => "forbidden",
    }
}

fn setup(s: &Setup) -> Snapshot {
    let (changes, _) = permgrid::demo::build(0).unwrap();
    let mut snap = Snapshot::default();
    for c in &changes {
        snap.apply(c);
    }
    for c in &s.cell {
        let cell: Cell = c.cell.parse().unwrap();
        snap.put(Entity::Cell(CellEntry {
            key: CellKey {
                role: c.role.clone(),
                field: c.field.clone(),
            },
            cell,
        }));
    }
    for sc in &s.scope {
        let key = PolicyKey {
            role: sc.role.clone(),
            object: sc.object.clone(),
        };
        let mut p = snap
            .policies
            .get(&key)
            .cloned()
            .unwrap_or_else(|| ObjectPolicy::none(sc.role.clone(), sc.object.clone()));
        p.scope = sc.scope;
        p.max_tier = sc.max_tier.clone();
        snap.put(Entity::Policy(p));
    }
    for st in &s.status {
        let mut e = snap.employees[&st.employee].clone();
        e.status = st.status;
        snap.put(Entity::Employee(e));
    }
    for g in &s.grant {
        snap.put(Entity::Grant(g.clone()));
    }
    snap.check_all()
        .unwrap_or_else(|e| panic!("scenario setup is invalid: {e:?}"));
    snap
}

fn run_file(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let snap = setup(&file.setup);
    let policy = Policy::compile(&snap);
    let mut failures = Vec::new();
    for case in &file.case {
        let at = case.at.unwrap_or_else(crate::support::t0);
        let customer = Customer {
            id: case.customer.id.clone(),
            owner: case.customer.owner.clone(),
            department: case.customer.department.clone(),
            tier: case.customer.tier.clone(),
            values: BTreeMap::new(),
        };
        let subject = policy.subject(policy.emp_ix[&case.employee], at);
        let rec = policy.record(&customer);
        let mut fail = |what: String| {
            failures.push(format!(
                "{} / {}: {what}",
                path.file_name().unwrap().to_string_lossy(),
                case.name
            ))
        };
        if let Some(field) = &case.field {
            let fi = policy.field_ix[field];
            let e = policy.explain(&snap, &subject, &rec, fi, at);
            let level = policy.level(&subject, &rec, fi);
            if level != e.level {
                fail(format!(
                    "fast path {level} differs from explanation {}",
                    e.level
                ));
            }
            if let Some(l) = case.level {
                if l != level {
                    fail(format!(
                        "level {level}, expected {l}\n  {}",
                        e.text.en.join("\n  ")
                    ));
                }
            }
            if let Some(o) = &case.outcome {
                if o != outcome_name(e.outcome) {
                    fail(format!("outcome {}, expected {o}", outcome_name(e.outcome)));
                }
            }
            let en = e.text.en.join("\n");
            for r in &case.reasons {
                if !en.contains(r.as_str()) {
                    fail(format!(
                        "reason `{r}` missing from:\n  {}",
                        e.text.en.join("\n  ")
                    ));
                }
            }
            let zh = e.text.zh.join("\n");
            for r in &case.reasons_zh {
                if !zh.contains(r.as_str()) {
                    fail(format!(
                        "reason `{r}` missing from:\n  {}",
                        e.text.zh.join("\n  ")
                    ));
                }
            }
        }
        if let Some(a) = case.action {
            let o = policy.action(&subject, &rec, a);
            if let Some(eff) = case.effect {
                if eff != o.effect {
                    fail(format!("{a}: {}, expected {eff}", o.effect));
                }
            }
            if let Some(al) = case.alert {
                if al != o.alert {
                    fail(format!("{a}: alert {}, expected {al}", o.alert));
                }
            }
        }
    }
    failures
}

#[test]
fn every_scenario_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/engine/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "scenario files are found in {}",
        dir.display()
    );
    let failures: Vec<String> = files.iter().flat_map(|f| run_file(f)).collect();
    assert!(
        failures.is_empty(),
        "{} scenario failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
