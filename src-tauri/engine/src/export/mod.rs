//! Exports of a revision to other policy engines: Cedar (schema, policies, entities), Casbin
//! (model.conf, policy.csv) and OPA (a bundle with data.json and Rego). Each encodes the
//! decision semantics of `decide` so that the engine's answer equals permgrid's; masking and
//! approval gating become decision values the production system acts on (docs/exports.md).
//!
//! With the `engines` feature, [`check`] runs the real engine on a sample of requests and
//! counts disagreements with permgrid's own decisions; the result travels in the bundle.
//! Called by `api` when building bundles; the differential tests in tests/exports use the same
//! [`probes`] and [`Engine`] implementations at a larger scale.

pub mod casbin;
pub mod cedar;
pub mod opa;

use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

#[cfg(feature = "engines")]
use crate::bundle::TargetCheck;
use crate::bundle::{PolicyDoc, Target, TargetFiles};
use crate::decide::Policy;
use crate::model::{
    Action, Customer, CustomerId, Effect, EmployeeId, FieldId, Level, Snapshot, CUSTOMER_OBJECT,
};

/// Why an export could not be produced or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{target} export: {reason}")]
    Unsupported {
        target: &'static str,
        reason: String,
    },
    #[error("{target} engine refused the export: {reason}")]
    Engine {
        target: &'static str,
        reason: String,
    },
}

/// The files of `target` for a snapshot (and its bundle form), checked by the target's
/// engine when the `engines` feature is on.
pub fn export(
    target: Target,
    snap: &Snapshot,
    policy: &PolicyDoc,
    at: DateTime<Utc>,
) -> Result<TargetFiles, ExportError> {
    let files = match target {
        Target::Native => {
            return Err(ExportError::Unsupported {
                target: "native",
                reason: "the native policy is the bundle itself".into(),
            })
        }
        Target::Cedar => cedar::files(snap, policy)?,
        Target::Casbin => casbin::files(snap, policy)?,
        Target::Opa => opa::files(snap, policy)?,
    };
    #[cfg(feature = "engines")]
    let check = Some(check(
        target,
        snap,
        &files,
        &probes(snap, 2_000, 0x5eed, at),
    )?);
    #[cfg(not(feature = "engines"))]
    let check = {
        let _ = at;
        None
    };
    Ok(TargetFiles {
        target,
        files,
        check,
    })
}

/// What a probe asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Field(FieldId),
    Action(Action),
}

/// One request to compare engines on: an employee, a customer record, a time, a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub employee: EmployeeId,
    /// A customer record (values empty): id, owner, department, tier.
    pub record: Customer,
    pub at: DateTime<Utc>,
    pub ask: Ask,
}

/// What permgrid decides for a probe: a level for a field, an effect for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Level(Level),
    Effect(Effect),
}

/// permgrid's own answer.
pub fn expected(policy: &Policy, p: &Probe) -> Answer {
    let Some(emp) = policy.emp_ix.get(&p.employee) else {
        return match p.ask {
            Ask::Field(_) => Answer::Level(Level::Hidden),
            Ask::Action(_) => Answer::Effect(Effect::Deny),
        };
    };
    let s = policy.subject(*emp, p.at);
    let rec = policy.record(&p.record);
    match &p.ask {
        Ask::Field(f) => Answer::Level(
            policy
                .field_ix
                .get(f)
                .map(|fi| policy.level(&s, &rec, *fi))
                .unwrap_or(Level::Hidden),
        ),
        Ask::Action(a) => Answer::Effect(policy.action(&s, &rec, *a).effect),
    }
}

/// A policy engine loaded with an export, answering probes.
pub trait Engine {
    /// The engine's name and version, e.g. `cedar-policy 4.7.1`.
    fn name(&self) -> String;
    /// The engine's answer to a probe.
    fn answer(&self, probe: &Probe) -> Result<Answer, String>;
}

/// A deterministic PRNG for sampling probes (SplitMix64: stable across builds).
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let n = u64::try_from(items.len()).ok().filter(|n| *n > 0)?;
        items.get(usize::try_from(self.next() % n).unwrap_or(0))
    }
}

/// `n` probes over a snapshot: random employees, records (owner, department, tier drawn from
/// the snapshot, so every scope and tier rule is exercised), customer fields and actions, at
/// `at` and at the edges of every temporary grant's window.
pub fn probes(snap: &Snapshot, n: usize, seed: u64, at: DateTime<Utc>) -> Vec<Probe> {
    let mut rng = Mix(seed);
    let employees: Vec<EmployeeId> = snap.employees.keys().cloned().collect();
    let depts: Vec<_> = snap.departments.keys().cloned().collect();
    let tiers: Vec<_> = snap.tiers.keys().cloned().collect();
    let fields: Vec<FieldId> = snap
        .fields
        .values()
        .filter(|f| f.object.as_str() == CUSTOMER_OBJECT)
        .map(|f| f.id.clone())
        .collect();
    let mut times = vec![at];
    for g in snap.grants.values() {
        times.extend([
            g.valid_from,
            g.valid_until - Duration::seconds(1),
            g.valid_until,
        ]);
        if let Some(r) = g.revoked_at {
            times.push(r);
        }
    }
    // Records named by per-customer grants, so those grants are exercised.
    let mut named: Vec<CustomerId> = snap
        .grants
        .values()
        .flat_map(|g| g.customers.iter().cloned())
        .collect();
    named.sort();
    named.dedup();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (Some(emp), Some(owner), Some(dept), Some(tier), Some(t)) = (
            rng.pick(&employees),
            rng.pick(&employees),
            rng.pick(&depts),
            rng.pick(&tiers),
            rng.pick(&times),
        ) else {
            break;
        };
        // Half of the records are owned within the asker's reach: themselves or their reports' chain.
        let owner = if rng.next() % 2 == 0 {
            emp.clone()
        } else {
            owner.clone()
        };
        let id = match (rng.next() % 4 == 0, rng.pick(&named)) {
            (true, Some(c)) => c.clone(),
            _ => match CustomerId::new(format!("P{i}")) {
                Ok(c) => c,
                Err(_) => continue,
            },
        };
        let ask = if rng.next() % 4 == 0 || fields.is_empty() {
            match rng.pick(Action::ALL) {
                Some(a) => Ask::Action(*a),
                None => continue,
            }
        } else {
            match rng.pick(&fields) {
                Some(f) => Ask::Field(f.clone()),
                None => continue,
            }
        };
        out.push(Probe {
            employee: emp.clone(),
            record: Customer {
                id,
                owner,
                department: dept.clone(),
                tier: tier.clone(),
                values: BTreeMap::new(),
            },
            at: *t,
            ask,
        });
    }
    out
}

/// Loads `target`'s engine with `files`.
#[cfg(feature = "engines")]
pub fn engine(
    target: Target,
    files: &BTreeMap<String, String>,
) -> Result<Box<dyn Engine>, ExportError> {
    match target {
        Target::Native => Err(ExportError::Unsupported {
            target: "native",
            reason: "no external engine".into(),
        }),
        Target::Cedar => Ok(Box::new(cedar::CedarEngine::load(files)?)),
        Target::Casbin => Ok(Box::new(casbin::CasbinEngine::load(files)?)),
        Target::Opa => Ok(Box::new(opa::OpaEngine::load(files)?)),
    }
}

/// Runs `probes` through the target's engine and permgrid, counting disagreements.
#[cfg(feature = "engines")]
pub fn check(
    target: Target,
    snap: &Snapshot,
    files: &BTreeMap<String, String>,
    probes: &[Probe],
) -> Result<TargetCheck, ExportError> {
    let engine = engine(target, files)?;
    let policy = Policy::compile(snap);
    let mut disagreements = 0u64;
    for p in probes {
        match engine.answer(p) {
            Ok(a) if a == expected(&policy, p) => {}
            _ => disagreements = disagreements.saturating_add(1),
        }
    }
    Ok(TargetCheck {
        engine: engine.name(),
        requests: u64::try_from(probes.len()).unwrap_or(u64::MAX),
        disagreements,
    })
}
