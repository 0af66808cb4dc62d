//! The OPA export: a bundle that Open Policy Agent (or regorus) loads and that decides exactly
//! what permgrid decides (docs/exports-opa.md, docs/decisions.md).
//!
//! A bundle is three files under the root `permgrid`:
//! - `.manifest`: revision (the policy's content digest), `roots: ["permgrid"]`, `rego_version: 1`;
//! - `permgrid/data.json`: the compiled matrix and org of one revision, at `data.permgrid.model`
//!   (roles with their inheritance closure, level digits per role, scopes, guardrails, temporary
//!   grants, employees with their manager chain, departments with their ancestors);
//! - `permgrid/policy.rego`: package `permgrid` (Rego v1), the decision semantics as rules:
//!   `level`, `effect`, `record_visible`, `masked`, `mask_rule`, `approval_available`,
//!   `approval_level`, `alert`, `approvals`, `field_decision`, `action_decision`, `explain`.
//!
//! [`tarball`] packs the files as OPA reads them (a gzipped tar) and, given an ES256 key, adds
//! `.signatures.json`: one JWT whose claims list every file with its SHA-256 computed the way OPA
//! computes it (raw bytes for `.rego`, a canonical JSON walk for `data.json` and `.manifest`).
//! [`verify_tarball`] checks a bundle the way `opa run -b --verification-key` does.
//! With the `engines` feature, [`OpaEngine`] loads the files into regorus and answers probes.
//!
//! Called by `export::export` (files and the engine check) and by `api` / the CLI (tarball,
//! verification).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};

use super::ExportError;
use crate::bundle::payload::content_digest;
use crate::bundle::PolicyDoc;
use crate::decide::{GrantKind, Policy};
use crate::model::{GrantSubject, GuardrailEffect, Snapshot};

/// The bundle root: every policy and data path of the bundle lies under `data.permgrid`.
pub const ROOT: &str = "permgrid";
/// The manifest's file name.
pub const MANIFEST_FILE: &str = ".manifest";
/// The data document's file name (its content is `data.permgrid`).
pub const DATA_FILE: &str = "permgrid/data.json";
/// The policy's file name.
pub const POLICY_FILE: &str = "permgrid/policy.rego";
/// The signatures file's name.
pub const SIGNATURES_FILE: &str = ".signatures.json";
/// The data format written under `data.permgrid.model.format`.
pub const DATA_FORMAT: &str = "permgrid.opa.v1";
/// Largest uncompressed bundle [`verify_tarball`] reads (OPA's default per-file limit).
pub const MAX_BUNDLE_BYTES: u64 = 1 << 30;

const TARGET: &str = "opa";

/// Why an OPA bundle could not be packed, or is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpaBundleError {
    #[error("not a gzipped tar archive: {0}")]
    Archive(String),
    #[error("the bundle is larger than {MAX_BUNDLE_BYTES} bytes uncompressed")]
    TooLarge,
    #[error("bundle file name `{0}` is not allowed (relative path, no `.` or `..` parts, not a signatures file)")]
    BadName(String),
    #[error("file `{0}` appears twice in the bundle")]
    Duplicate(String),
    #[error("file `{name}`: {reason}")]
    BadFile { name: String, reason: String },
    #[error("the bundle has no `.signatures.json`")]
    Unsigned,
    #[error("`.signatures.json`: {0}")]
    BadSignatures(String),
    #[error("the bundle signature does not verify with this key")]
    BadSignature,
    #[error("file `{0}` is not included in the bundle signature")]
    NotSigned(String),
    #[error("file `{name}` does not match its signed digest (want {want}, got {got})")]
    DigestMismatch {
        name: String,
        want: String,
        got: String,
    },
    #[error("file(s) {0} listed in the bundle signature are missing from the bundle")]
    Missing(String),
    #[error("cannot sign the bundle: {0}")]
    Signing(String),
}

impl From<OpaBundleError> for ExportError {
    fn from(e: OpaBundleError) -> Self {
        ExportError::Engine {
            target: TARGET,
            reason: e.to_string(),
        }
    }
}

fn unsupported(reason: impl Into<String>) -> ExportError {
    ExportError::Unsupported {
        target: TARGET,
        reason: reason.into(),
    }
}

// ------------------------------------------------------------------------------------------
// Files

/// The files of the OPA export: `.manifest`, `permgrid/data.json`, `permgrid/policy.rego`.
/// The org (employees, managers, departments) must be in `policy`: OPA decides by employee id.
pub fn files(snap: &Snapshot, policy: &PolicyDoc) -> Result<BTreeMap<String, String>, ExportError> {
    if policy.org.is_none() {
        return Err(unsupported(
            "OPA decides by employee id and needs the org (employees, managers, departments): \
             build the bundle with the org included",
        ));
    }
    let digest = content_digest(policy);
    let manifest = json!({
        "revision": digest,
        "roots": [ROOT],
        "rego_version": 1,
        "metadata": {
            "producer": concat!("permgrid ", env!("CARGO_PKG_VERSION")),
            "format": DATA_FORMAT,
        },
    });
    let data = json!({ "model": data_document(snap, &digest) });
    let text = |v: &Value, name: &str| {
        serde_json::to_string_pretty(v)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| unsupported(format!("cannot write `{name}`: {e}")))
    };
    let mut out = BTreeMap::new();
    out.insert(MANIFEST_FILE.to_owned(), text(&manifest, MANIFEST_FILE)?);
    out.insert(DATA_FILE.to_owned(), text(&data, DATA_FILE)?);
    out.insert(POLICY_FILE.to_owned(), POLICY.to_owned());
    Ok(out)
}

/// Nanoseconds since the Unix epoch, saturating outside chrono's i64 range (years 1677-2262).
fn epoch_ns(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() > 0 {
        i64::MAX
    } else {
        i64::MIN
    })
}

/// `data.permgrid.model`: the snapshot's decision tables, resolved as [`Policy::compile`]
/// resolves them (unknown references dropped or failing closed exactly as there).
fn data_document(snap: &Snapshot, revision: &str) -> Value {
    let p = Policy::compile(snap);
    let role_name = |r: u16| p.roles.get(usize::from(r)).map(|x| x.as_str().to_owned());
    let emp_name = |e: u32| {
        p.employees
            .get(e as usize)
            .map(|x| x.id.as_str().to_owned())
    };
    let object_name = |o: u16| p.objects.get(usize::from(o)).map(|x| x.as_str().to_owned());
    let dept_name = |d: u32| {
        snap.departments
            .get_index(d as usize)
            .map(|(k, _)| k.as_str().to_owned())
    };

    let objects: Map<String, Value> = p
        .objects
        .iter()
        .map(|o| (o.as_str().to_owned(), Value::Bool(true)))
        .collect();

    let mut roles = Map::new();
    for (i, r) in p.roles.iter().enumerate() {
        let closure: Vec<String> = p
            .role_closure
            .get(i)
            .map(|c| c.iter().filter_map(|x| role_name(*x)).collect())
            .unwrap_or_default();
        roles.insert(
            r.as_str().to_owned(),
            json!({
                "index": i,
                "rank": p.role_rank.get(i).copied().unwrap_or(0),
                "closure": closure,
            }),
        );
    }

    let tiers: Map<String, Value> = snap
        .tiers
        .values()
        .map(|t| (t.id.as_str().to_owned(), Value::from(t.rank)))
        .collect();

    let mut fields = Map::new();
    for (i, f) in p.fields.iter().enumerate() {
        let object = snap
            .fields
            .get(&f.id)
            .map(|x| x.object.as_str().to_owned())
            .unwrap_or_default();
        fields.insert(
            f.id.as_str().to_owned(),
            json!({
                "index": i,
                "object": object,
                "sensitivity": sensitivity_rank(f.sensitivity),
                "mask": f.mask.as_str(),
            }),
        );
    }

    // Level digits per role (0 hidden .. 3 edit, in field index order), read in Rego with
    // `to_number(substring(...))`; approval-gated levels sparse (the native bundle's `cells`
    // folds them into letters, which Rego would have to decode).
    let nf = p.fields.len();
    let mut levels = Map::new();
    let mut approvals = Map::new();
    for (ri, r) in p.roles.iter().enumerate() {
        let mut digits = String::with_capacity(nf);
        let mut gated = Map::new();
        for (fi, f) in p.fields.iter().enumerate() {
            let cell = p.cell(
                u16::try_from(ri).unwrap_or(u16::MAX),
                u32::try_from(fi).unwrap_or(u32::MAX),
            );
            digits.push(char::from(b'0' + cell.level().rank()));
            if let Some(a) = cell.approval() {
                gated.insert(f.id.as_str().to_owned(), Value::from(a.rank()));
            }
        }
        levels.insert(r.as_str().to_owned(), Value::String(digits));
        if !gated.is_empty() {
            approvals.insert(r.as_str().to_owned(), Value::Object(gated));
        }
    }

    let no = p.objects.len();
    let mut scopes = Map::new();
    for (ri, r) in p.roles.iter().enumerate() {
        let mut per_object = Map::new();
        for (oi, o) in p.objects.iter().enumerate() {
            let Some(Some(sc)) = p.scopes.get(ri * no + oi) else {
                continue;
            };
            let actions: Map<String, Value> = crate::model::Action::ALL
                .iter()
                .map(|a| {
                    let e = sc.actions.get(a.index()).copied();
                    (
                        a.as_str().to_owned(),
                        Value::from(e.map(effect_rank).unwrap_or(0)),
                    )
                })
                .collect();
            let mut s = scope_value(sc.scope, sc.max_tier_rank);
            s.insert("actions".into(), Value::Object(actions));
            per_object.insert(o.as_str().to_owned(), Value::Object(s));
        }
        if !per_object.is_empty() {
            scopes.insert(r.as_str().to_owned(), Value::Object(per_object));
        }
    }

    let guardrails: Vec<Value> = p
        .guardrails
        .iter()
        .map(|g| {
            let src = snap.guardrails.get(&g.id);
            let when = src.map(|x| x.when.clone()).unwrap_or_default();
            let mut v = Map::new();
            v.insert("id".into(), Value::from(g.id.as_str()));
            v.insert(
                "nameZh".into(),
                Value::from(src.map(|x| x.name_zh.as_str()).unwrap_or_default()),
            );
            v.insert(
                "nameEn".into(),
                Value::from(src.map(|x| x.name_en.as_str()).unwrap_or_default()),
            );
            v.insert("kind".into(), Value::from(g.effect.keyword()));
            v.insert(
                "object".into(),
                when.object
                    .as_ref()
                    .map_or(Value::Null, |o| Value::from(o.as_str())),
            );
            v.insert(
                "minSensitivity".into(),
                when.min_sensitivity
                    .map_or(Value::Null, |s| Value::from(sensitivity_rank(s))),
            );
            v.insert(
                "fields".into(),
                Value::from(
                    when.fields
                        .iter()
                        .map(|f| f.as_str().to_owned())
                        .collect::<Vec<_>>(),
                ),
            );
            // Resolved as compiled: an unknown minimum tier applies to every tier.
            v.insert(
                "minTierRank".into(),
                g.min_tier_rank.map_or(Value::Null, Value::from),
            );
            v.insert(
                "belowRank".into(),
                g.below_rank.map_or(Value::Null, Value::from),
            );
            match &g.effect {
                GuardrailEffect::CapLevel { level } => {
                    v.insert("cap".into(), Value::from(level.rank()));
                }
                GuardrailEffect::CapAction { action, max, alert } => {
                    v.insert("action".into(), Value::from(action.as_str()));
                    v.insert("max".into(), Value::from(effect_rank(*max)));
                    v.insert("alert".into(), Value::Bool(*alert));
                }
                GuardrailEffect::ExportExclude => {}
                GuardrailEffect::BulkThreshold {
                    over_records,
                    approvals,
                    alert,
                } => {
                    v.insert("overRecords".into(), Value::from(*over_records));
                    v.insert("approvals".into(), Value::from(*approvals));
                    v.insert("alert".into(), Value::Bool(*alert));
                }
            }
            Value::Object(v)
        })
        .collect();

    // Temporary grants whose references resolve, by subject.
    let mut by_employee: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut by_role: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for g in &p.grants {
        let s = &g.source;
        let mut v = Map::new();
        v.insert("id".into(), Value::from(s.id.as_str()));
        let (subject_kind, subject) = match &s.subject {
            GrantSubject::Employee(e) => ("employee", e.as_str().to_owned()),
            GrantSubject::Role(r) => ("role", r.as_str().to_owned()),
        };
        v.insert("subjectKind".into(), Value::from(subject_kind));
        v.insert("subject".into(), Value::from(subject.clone()));
        let kind = match g.what {
            GrantKind::Role(r) => {
                v.insert("role".into(), Value::from(role_name(r).unwrap_or_default()));
                "role"
            }
            GrantKind::Field(f, level) => {
                let name = p
                    .fields
                    .get(f as usize)
                    .map(|x| x.id.as_str().to_owned())
                    .unwrap_or_default();
                v.insert("field".into(), Value::from(name));
                v.insert("level".into(), Value::from(level.rank()));
                "field"
            }
            GrantKind::Scope(o, scope, max) => {
                v.insert(
                    "object".into(),
                    Value::from(object_name(o).unwrap_or_default()),
                );
                for (k, x) in scope_value(scope, max) {
                    v.insert(k, x);
                }
                "scope"
            }
            GrantKind::Action(o, action, effect) => {
                v.insert(
                    "object".into(),
                    Value::from(object_name(o).unwrap_or_default()),
                );
                v.insert("action".into(), Value::from(action.as_str()));
                v.insert("effect".into(), Value::from(effect_rank(effect)));
                "action"
            }
        };
        v.insert("kind".into(), Value::from(kind));
        v.insert(
            "customers".into(),
            Value::from(
                g.customers
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect::<Vec<_>>(),
            ),
        );
        v.insert("validFromNs".into(), Value::from(epoch_ns(s.valid_from)));
        v.insert("validUntilNs".into(), Value::from(epoch_ns(s.valid_until)));
        v.insert(
            "revokedAtNs".into(),
            s.revoked_at
                .map_or(Value::Null, |t| Value::from(epoch_ns(t))),
        );
        v.insert("validFrom".into(), Value::from(s.valid_from.to_rfc3339()));
        v.insert("validUntil".into(), Value::from(s.valid_until.to_rfc3339()));
        v.insert(
            "revokedAt".into(),
            s.revoked_at
                .map_or(Value::Null, |t| Value::from(t.to_rfc3339())),
        );
        v.insert("reason".into(), Value::from(s.reason.as_str()));
        v.insert(
            "request".into(),
            s.request
                .as_ref()
                .map_or(Value::Null, |r| Value::from(r.as_str())),
        );
        let list = match subject_kind {
            "employee" => by_employee.entry(subject).or_default(),
            _ => by_role.entry(subject).or_default(),
        };
        list.push(Value::Object(v));
    }
    let to_map = |m: BTreeMap<String, Vec<Value>>| -> Map<String, Value> {
        m.into_iter().map(|(k, v)| (k, Value::Array(v))).collect()
    };

    let mut employees = Map::new();
    for (ei, e) in p.employees.iter().enumerate() {
        let mut assigned: Vec<u16> = e
            .roles
            .iter()
            .flat_map(|r| {
                p.role_closure
                    .get(usize::from(*r))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        assigned.sort_unstable();
        assigned.dedup();
        // INVARIANT: the chain is the employee and every manager above, each once, as
        // `Policy::manages` walks it (unknown managers end it; a cycle ends where it repeats).
        let mut chain: Vec<u32> = Vec::new();
        let mut cur = u32::try_from(ei).ok();
        while let Some(x) = cur {
            if chain.contains(&x) {
                break;
            }
            chain.push(x);
            cur = p.employees.get(x as usize).and_then(|i| i.manager);
        }
        employees.insert(
            e.id.as_str().to_owned(),
            json!({
                "status": e.status.as_str(),
                "department": e.dept.and_then(dept_name),
                "roles": assigned.iter().filter_map(|r| role_name(*r)).collect::<Vec<_>>(),
                "chain": chain.iter().filter_map(|x| emp_name(*x)).collect::<Vec<_>>(),
            }),
        );
    }

    let mut departments = Map::new();
    for (di, d) in snap.departments.keys().enumerate() {
        let mut within: Vec<u32> = Vec::new();
        let mut cur = u32::try_from(di).ok();
        while let Some(x) = cur {
            if within.contains(&x) {
                break;
            }
            within.push(x);
            cur = p.dept_parent.get(x as usize).copied().flatten();
        }
        departments.insert(
            d.as_str().to_owned(),
            json!({ "within": within.iter().filter_map(|x| dept_name(*x)).collect::<Vec<_>>() }),
        );
    }

    json!({
        "format": DATA_FORMAT,
        "revision": revision,
        "objects": objects,
        "roles": roles,
        "tiers": tiers,
        "fields": fields,
        "levels": levels,
        "approvals": approvals,
        "scopes": scopes,
        "guardrails": guardrails,
        "grants": { "employees": to_map(by_employee), "roles": to_map(by_role) },
        "employees": employees,
        "departments": departments,
    })
}

fn sensitivity_rank(s: crate::model::Sensitivity) -> u8 {
    use crate::model::Sensitivity::*;
    match s {
        Public => 0,
        Internal => 1,
        Confidential => 2,
        Restricted => 3,
    }
}

fn effect_rank(e: crate::model::Effect) -> u8 {
    use crate::model::Effect::*;
    match e {
        Deny => 0,
        Approval => 1,
        Allow => 2,
    }
}

/// `{scope, allTiers, maxTierRank}` of a row scope with its resolved tier reach.
fn scope_value(scope: crate::model::Scope, max_tier_rank: Option<u32>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("scope".into(), Value::from(scope.as_str()));
    m.insert("allTiers".into(), Value::Bool(max_tier_rank.is_none()));
    m.insert(
        "maxTierRank".into(),
        max_tier_rank.map_or(Value::Null, Value::from),
    );
    m
}

/// The decision policy (Rego v1). Every rule mirrors a step of docs/decisions.md; the
/// differential tests in tests/exports/opa.rs hold it to `decide::Policy` on every probe.
pub const POLICY: &str = r#"# permgrid decision policy for OPA (generated by permgrid; do not edit by hand).
#
# Data:  data.permgrid.model (permgrid/data.json), the compiled matrix and org of one revision.
# Input: {"employee": "E018",
#         "record": {"id": "C00015", "owner": "E018", "department": "sh_team", "tier": "key_account",
#                    "object": "customer" (optional, default "customer")},
#         "field": "customer.mobile"  or  "action": "export",
#         "now": Unix time in seconds  or  "now_ns": Unix time in nanoseconds}
# Without a time, no temporary grant applies (fail closed).
# Decisions: level, effect, record_visible, masked, mask_rule, approval_available,
#            approval_level, alert, approvals, field_decision, action_decision, explain.
# Semantics: docs/decisions.md. Mapping and examples: docs/exports-opa.md.
package permgrid

import data.permgrid.model as m

level_names := ["hidden", "masked", "read", "edit"]

effect_names := ["deny", "approval", "allow"]

# ------------------------------------------------------------------ the request

employee := m.employees[input.employee]

active if employee.status == "active"

record_object := object.get(input.record, "object", "customer")

tier_rank := m.tiers[input.record.tier]

tier_known if is_number(m.tiers[input.record.tier])

field := m.fields[input.field]

now_ns := input.now_ns if {
	is_number(input.now_ns)
} else := ns if {
	is_number(input.now)
	ns := input.now * 1000000000
}

# A temporary grant is in force on [validFrom, validUntil), unless revoked at or before now.
in_force(g) if {
	g.validFromNs <= now_ns
	now_ns < g.validUntilNs
	not revoked(g)
}

revoked(g) if {
	g.revokedAtNs != null
	g.revokedAtNs <= now_ns
}

applies_to_record(g) if count(g.customers) == 0

applies_to_record(g) if input.record.id in g.customers

# ------------------------------------------------------------------ roles and rank

# Assigned roles come with their inherits closure (data); temporary role grants add theirs.
temporary_roles contains r if {
	some g in object.get(m.grants.employees, input.employee, [])
	g.kind == "role"
	count(g.customers) == 0
	in_force(g)
	some r in m.roles[g.role].closure
}

roles := {r | some r in employee.roles} | temporary_roles

rank := max({0} | {m.roles[r].rank | some r in roles})

# A subject holding more than 64 roles is decided on its first 64 (less access, never more).
deciding_roles := roles if count(roles) <= 64

deciding_roles := {r | some r in roles; m.roles[r].index <= role_limit} if count(roles) > 64

role_limit := sort([m.roles[r].index | some r in roles])[63]

# Temporary field, scope and action grants in force: the employee's and their roles'.
grants_in_force contains g if {
	some g in object.get(m.grants.employees, input.employee, [])
	g.kind != "role"
	in_force(g)
}

grants_in_force contains g if {
	some r in roles
	some g in object.get(m.grants.roles, r, [])
	g.kind != "role"
	in_force(g)
}

# ------------------------------------------------------------------ coverage

reaches_tier(s) if s.allTiers == true

reaches_tier(s) if {
	s.allTiers == false
	tier_rank <= s.maxTierRank
}

scope_includes(scope) if {
	scope == "own"
	input.record.owner == input.employee
}

scope_includes(scope) if {
	scope == "team"
	input.employee in m.employees[input.record.owner].chain
}

scope_includes(scope) if {
	scope == "department"
	m.departments[input.record.department]
	input.record.department == employee.department
}

scope_includes(scope) if {
	scope == "department_tree"
	employee.department in m.departments[input.record.department].within
}

scope_includes(scope) if scope == "all"

covers(s) if {
	reaches_tier(s)
	scope_includes(s.scope)
}

covering_roles contains r if {
	some r in deciding_roles
	covers(m.scopes[r][record_object])
}

scope_grants contains g if {
	some g in grants_in_force
	g.kind == "scope"
	g.object == record_object
	applies_to_record(g)
	covers(g)
}

# A scope grant to the employee widens all their roles; one to a role widens that role.
widened_roles contains r if {
	some g in scope_grants
	g.subjectKind == "employee"
	some r in deciding_roles
}

widened_roles contains g.subject if {
	some g in scope_grants
	g.subjectKind == "role"
	g.subject in deciding_roles
}

deciding := covering_roles | widened_roles

default record_visible := false

record_visible if {
	active
	m.objects[record_object]
	count(covering_roles) > 0
}

record_visible if {
	active
	m.objects[record_object]
	count(scope_grants) > 0
}

# ------------------------------------------------------------------ guardrail conditions

condition_object(g) if g.object == null

condition_object(g) if g.object == record_object

condition_sensitivity(g) if g.minSensitivity == null

condition_sensitivity(g) if {
	g.minSensitivity != null
	field.sensitivity >= g.minSensitivity
}

condition_fields(g) if count(g.fields) == 0

condition_fields(g) if input.field in g.fields

condition_tier(g) if g.minTierRank == null

# A record of unknown tier counts as the highest tier (fail closed).
condition_tier(g) if not tier_known

condition_tier(g) if {
	g.minTierRank != null
	tier_rank >= g.minTierRank
}

condition_rank(g) if g.belowRank == null

condition_rank(g) if {
	g.belowRank != null
	rank < g.belowRank
}

# ------------------------------------------------------------------ field levels

field_applies if {
	record_visible
	field.object == record_object
}

role_levels contains to_number(substring(m.levels[r], field.index, 1)) if some r in deciding

grant_levels contains g.level if {
	some g in grants_in_force
	g.kind == "field"
	g.field == input.field
	applies_to_record(g)
}

granted_level := max({0} | role_levels | grant_levels)

level_caps contains g if {
	some g in m.guardrails
	g.kind == "cap_level"
	condition_object(g)
	condition_sensitivity(g)
	condition_fields(g)
	condition_tier(g)
	condition_rank(g)
}

level_cap := min({3} | {g.cap | some g in level_caps})

level_rank := min({granted_level, level_cap}) if field_applies

default level := "hidden"

level := level_names[level_rank]

default masked := false

masked if level == "masked"

default mask_rule := null

mask_rule := field.mask if masked

approval_gated contains a if {
	some r in deciding
	a := m.approvals[r][input.field]
}

approval_rank := a if {
	field_applies
	count(approval_gated) > 0
	a := min({max(approval_gated), level_cap})
	a > level_rank
}

default approval_available := false

approval_available if is_number(approval_rank)

default approval_level := null

approval_level := level_names[approval_rank]

# ------------------------------------------------------------------ actions

role_effects contains e if {
	some r in deciding
	e := m.scopes[r][record_object].actions[input.action]
}

grant_effects contains g.effect if {
	some g in grants_in_force
	g.kind == "action"
	g.object == record_object
	g.action == input.action
	applies_to_record(g)
}

action_caps contains g if {
	some g in m.guardrails
	g.kind == "cap_action"
	g.action == input.action
	condition_object(g)
	condition_tier(g)
	condition_rank(g)
}

granted_effect := max({0} | role_effects | grant_effects)

effect_rank := min({granted_effect} | {g.max | some g in action_caps}) if record_visible

default effect := "deny"

effect := effect_names[effect_rank]

# A sensitive-operation alert is raised when an action a cap_action guardrail flags is
# performed (allowed, or approved).
default alert := false

alert if {
	effect_rank > 0
	some g in action_caps
	g.alert == true
}

default approvals := 0

approvals := 1 if effect_rank == 1

# ------------------------------------------------------------------ decision documents

field_decision := {
	"level": level,
	"masked": masked,
	"maskRule": mask_rule,
	"approvalAvailable": approval_available,
	"approvalLevel": approval_level,
}

action_decision := {
	"effect": effect,
	"alert": alert,
	"approvals": approvals,
}

grants_used contains g.id if {
	some g in object.get(m.grants.employees, input.employee, [])
	g.kind == "role"
	count(g.customers) == 0
	in_force(g)
}

grants_used contains g.id if {
	record_visible
	some g in scope_grants
}

grants_used contains g.id if {
	field_applies
	some g in grants_in_force
	g.kind == "field"
	g.field == input.field
	applies_to_record(g)
}

grants_used contains g.id if {
	record_visible
	some g in grants_in_force
	g.kind == "action"
	g.object == record_object
	g.action == input.action
	applies_to_record(g)
}

guardrails_applied contains g.id if {
	field_applies
	some g in level_caps
	g.cap < granted_level
}

guardrails_applied contains g.id if {
	field_applies
	some g in level_caps
	count(approval_gated) > 0
	g.cap < max(approval_gated)
}

guardrails_applied contains g.id if {
	record_visible
	some g in action_caps
	g.max < granted_effect
}

guardrails_applied contains g.id if {
	alert
	some g in action_caps
	g.alert == true
}

explain := {
	"recordVisible": record_visible,
	"roles": sort([r | some r in deciding]),
	"rank": rank,
	"grants": sort([g | some g in grants_used]),
	"guardrails": sort([g | some g in guardrails_applied]),
}
"#;

// ------------------------------------------------------------------------------------------
// Hashing as OPA does (v1/bundle/hash.go)

/// Whether OPA hashes `name` as a structured (JSON) document rather than raw bytes.
fn structured(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    matches!(base, "data.json" | "data.yaml" | ".manifest")
}

/// A primitive encoded as Go's `json.Encoder` with HTML escaping off encodes it.
fn go_json_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{2028}' => out.extend_from_slice(b"\\u2028"),
            '\u{2029}' => out.extend_from_slice(b"\\u2029"),
            c if u32::from(c) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// OPA's canonical walk of a structured document: objects with keys sorted bytewise, arrays
/// in order, primitives as Go encodes them. Numbers must be integers: OPA hashes a number's
/// literal text, which for integers is what serde_json writes back (other numbers refused).
fn canonical(v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    match v {
        Value::Object(m) => {
            out.push(b'{');
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                go_json_string(k, out);
                out.push(b':');
                if let Some(x) = m.get(k) {
                    canonical(x, out)?;
                }
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(x, out)?;
            }
            out.push(b']');
        }
        Value::String(s) => go_json_string(s, out),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            out.extend_from_slice(n.to_string().as_bytes())
        }
        Value::Number(n) => return Err(format!("number `{n}` is not an integer")),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Null => out.extend_from_slice(b"null"),
    }
    Ok(())
}

/// The SHA-256 of a bundle file as OPA computes it for `.signatures.json`.
pub fn file_digest(name: &str, bytes: &[u8]) -> Result<[u8; 32], OpaBundleError> {
    let bad = |reason: String| OpaBundleError::BadFile {
        name: name.to_owned(),
        reason,
    };
    if structured(name) {
        if name.ends_with(".yaml") {
            return Err(bad("YAML data files are not supported".into()));
        }
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
        let mut canon = Vec::with_capacity(bytes.len());
        canonical(&v, &mut canon).map_err(bad)?;
        Ok(Sha256::digest(&canon).into())
    } else {
        Ok(Sha256::digest(bytes).into())
    }
}

// ------------------------------------------------------------------------------------------
// Tarball

/// Whether `name` may be a bundle file: a relative `/`-separated path without empty, `.` or
/// `..` parts, that OPA would not take for a signatures file.
fn check_name(name: &str) -> Result<(), OpaBundleError> {
    let ok = !name.is_empty()
        && !name.ends_with("signatures.json")
        && !name.contains('\0')
        && !name.contains('\\')
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..");
    if ok {
        Ok(())
    } else {
        Err(OpaBundleError::BadName(name.to_owned()))
    }
}

/// The compact JWS (ES256) over the claims listing `files` with their OPA digests.
fn signature_token(
    files: &BTreeMap<String, String>,
    key: &p256::ecdsa::SigningKey,
    kid: &str,
) -> Result<String, OpaBundleError> {
    use p256::ecdsa::signature::Signer as _;
    let mut listed = Vec::with_capacity(files.len());
    for (name, content) in files {
        listed.push(json!({
            "name": name,
            "hash": hex::encode(file_digest(name, content.as_bytes())?),
            "algorithm": "SHA-256",
        }));
    }
    let header = json!({ "alg": "ES256", "typ": "JWT", "kid": kid });
    let claims = json!({ "files": listed, "iss": "permgrid" });
    let enc = |v: &Value| {
        serde_json::to_vec(v)
            .map(|b| URL_SAFE_NO_PAD.encode(b))
            .map_err(|e| OpaBundleError::Signing(e.to_string()))
    };
    let input = format!("{}.{}", enc(&header)?, enc(&claims)?);
    let sig: p256::ecdsa::Signature = key
        .try_sign(input.as_bytes())
        .map_err(|e| OpaBundleError::Signing(e.to_string()))?;
    // JWS ES256 signatures are the raw 64 bytes r || s (not DER).
    Ok(format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(sig.to_bytes())
    ))
}

fn pack(
    files: &BTreeMap<String, String>,
    signer: Option<(&p256::ecdsa::SigningKey, &str)>,
) -> Result<Vec<u8>, OpaBundleError> {
    for name in files.keys() {
        check_name(name)?;
    }
    let mut entries: Vec<(String, Vec<u8>)> = Vec::with_capacity(files.len() + 1);
    if let Some((key, kid)) = signer {
        let token = signature_token(files, key, kid)?;
        let mut sigs = serde_json::to_vec_pretty(&json!({ "signatures": [token] }))
            .map_err(|e| OpaBundleError::Signing(e.to_string()))?;
        sigs.push(b'\n');
        entries.push((SIGNATURES_FILE.to_owned(), sigs));
    }
    entries.extend(
        files
            .iter()
            .map(|(k, v)| (k.clone(), v.as_bytes().to_vec())),
    );
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let io = |e: std::io::Error| OpaBundleError::Archive(e.to_string());
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (name, bytes) in &entries {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        tar.append_data(&mut h, name, bytes.as_slice())
            .map_err(io)?;
    }
    let mut gz = tar.into_inner().map_err(io)?;
    gz.flush().map_err(io)?;
    gz.finish().map_err(io)
}

/// The bundle as OPA reads it: a gzipped tar of `files` (names relative to the bundle root)
/// and, when `signer` (an ES256 key and its key id) is given, `.signatures.json` listing every
/// file with its digest. Deterministic: the same files and key give the same bytes.
pub fn tarball(
    files: &BTreeMap<String, String>,
    signer: Option<(&p256::ecdsa::SigningKey, &str)>,
) -> Result<Vec<u8>, ExportError> {
    Ok(pack(files, signer)?)
}

/// What the JWT claims (`bundle.DecodedSignature`); unknown claims are ignored, as OPA does.
#[derive(serde::Deserialize)]
struct Claims {
    #[serde(default)]
    files: Vec<FileClaim>,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(serde::Deserialize)]
struct FileClaim {
    name: String,
    hash: String,
    algorithm: String,
}

#[derive(serde::Deserialize)]
struct SignaturesDoc {
    #[serde(default)]
    signatures: Vec<String>,
    #[serde(default)]
    plugin: Option<String>,
}

/// Checks the single JWT of `.signatures.json` with `key` (ES256, no scope, as
/// `opa run -b --verification-key KEY --signing-alg ES256` does); returns its file claims.
fn verify_token(
    sigs: &[u8],
    key: &p256::ecdsa::VerifyingKey,
) -> Result<BTreeMap<String, FileClaim>, OpaBundleError> {
    use p256::ecdsa::signature::Verifier as _;
    let bad = |s: &str| OpaBundleError::BadSignatures(s.to_owned());
    let doc: SignaturesDoc = serde_json::from_slice(sigs)
        .map_err(|e| OpaBundleError::BadSignatures(format!("not JSON: {e}")))?;
    if doc.plugin.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(bad(
            "a signing plugin is named; only the default verifier is supported",
        ));
    }
    let token = match doc.signatures.as_slice() {
        [] => return Err(bad("missing JWT (expected exactly one)")),
        [t] => t,
        _ => return Err(bad("multiple JWTs not supported (expected exactly one)")),
    };
    let mut parts = token.split('.');
    let (Some(h64), Some(c64), Some(s64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("the JWT is not in compact form (three parts)"));
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(h64)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| bad("the JWT header is not base64url JSON"))?;
    if header.get("alg").and_then(Value::as_str) != Some("ES256") {
        return Err(bad("the JWT is not signed with ES256"));
    }
    let sig = URL_SAFE_NO_PAD
        .decode(s64)
        .ok()
        .and_then(|b| p256::ecdsa::Signature::from_slice(&b).ok())
        .ok_or(OpaBundleError::BadSignature)?;
    let input_len = h64.len() + 1 + c64.len();
    let input = token
        .get(..input_len)
        .ok_or_else(|| bad("the JWT is not in compact form"))?;
    key.verify(input.as_bytes(), &sig)
        .map_err(|_| OpaBundleError::BadSignature)?;
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(c64)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| bad("the JWT claims are not base64url JSON"))?;
    if claims.scope.as_deref().is_some_and(|s| !s.is_empty()) {
        return Err(bad("scope mismatch (the signature names a scope)"));
    }
    Ok(claims
        .files
        .into_iter()
        .map(|f| (f.name.clone(), f))
        .collect())
}

/// Reads and checks a bundle as OPA does with a verification key: exactly one ES256 JWT in
/// `.signatures.json` that `key` verifies; every other regular file listed in it with a
/// matching digest; every listed file present. Returns the files (name -> UTF-8 content).
pub fn open_tarball(
    bytes: &[u8],
    key: &p256::ecdsa::VerifyingKey,
) -> Result<BTreeMap<String, String>, OpaBundleError> {
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| OpaBundleError::Archive(e.to_string()))?;
    if u64::try_from(raw.len()).unwrap_or(u64::MAX) > MAX_BUNDLE_BYTES {
        return Err(OpaBundleError::TooLarge);
    }
    let archive_err = |e: std::io::Error| OpaBundleError::Archive(e.to_string());
    let mut archive = tar::Archive::new(raw.as_slice());
    let mut found: Vec<(String, Vec<u8>)> = Vec::new();
    let mut signatures: Option<Vec<u8>> = None;
    for entry in archive.entries().map_err(archive_err)? {
        let mut entry = entry.map_err(archive_err)?;
        let path = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| OpaBundleError::Archive("a file name is not UTF-8".into()))?;
        // OPA reads regular files only (a `\0` type flag on a name ending in `/` is a directory).
        if entry.header().entry_type() != tar::EntryType::Regular || path.ends_with('/') {
            continue;
        }
        let mut content = Vec::new();
        entry.read_to_end(&mut content).map_err(archive_err)?;
        if path.ends_with("signatures.json") {
            if signatures.replace(content).is_some() {
                return Err(OpaBundleError::Duplicate(path));
            }
            continue;
        }
        let name = path.strip_prefix('/').unwrap_or(&path).to_owned();
        if found.iter().any(|(n, _)| *n == name) {
            return Err(OpaBundleError::Duplicate(name));
        }
        found.push((name, content));
    }
    let sigs = signatures.ok_or(OpaBundleError::Unsigned)?;
    let mut listed = verify_token(&sigs, key)?;
    let mut out = BTreeMap::new();
    for (name, content) in found {
        let claim = listed
            .remove(&name)
            .ok_or_else(|| OpaBundleError::NotSigned(name.clone()))?;
        if claim.algorithm != "SHA-256" {
            return Err(OpaBundleError::BadSignatures(format!(
                "file `{name}` is hashed with `{}`; only SHA-256 is accepted",
                claim.algorithm
            )));
        }
        let got = file_digest(&name, &content)?;
        let want = hex::decode(&claim.hash).map_err(|_| OpaBundleError::DigestMismatch {
            name: name.clone(),
            want: claim.hash.clone(),
            got: hex::encode(got),
        })?;
        if want.as_slice() != got.as_slice() {
            return Err(OpaBundleError::DigestMismatch {
                name,
                want: claim.hash,
                got: hex::encode(got),
            });
        }
        let text = String::from_utf8(content).map_err(|_| OpaBundleError::BadFile {
            name: name.clone(),
            reason: "not UTF-8 text".into(),
        })?;
        out.insert(name, text);
    }
    if !listed.is_empty() {
        let names: Vec<String> = listed.into_keys().map(|n| format!("`{n}`")).collect();
        return Err(OpaBundleError::Missing(names.join(", ")));
    }
    Ok(out)
}

/// [`open_tarball`] with the export's error type (for the CLI and `api`).
pub fn verify_tarball(
    bytes: &[u8],
    key: &p256::ecdsa::VerifyingKey,
) -> Result<BTreeMap<String, String>, ExportError> {
    Ok(open_tarball(bytes, key)?)
}

// ------------------------------------------------------------------------------------------
// The engine

/// The OPA export loaded into regorus (Rego v1), answering probes with `data.permgrid.level`
/// and `data.permgrid.effect`.
#[cfg(feature = "engines")]
pub struct OpaEngine {
    engine: regorus::Engine,
}

#[cfg(feature = "engines")]
impl OpaEngine {
    /// Loads the export's policy and data (the data document goes under `data.permgrid`).
    pub fn load(files: &BTreeMap<String, String>) -> Result<Self, ExportError> {
        let refused = |reason: String| ExportError::Engine {
            target: TARGET,
            reason,
        };
        let get = |name: &str| {
            files
                .get(name)
                .ok_or_else(|| refused(format!("the export has no `{name}`")))
        };
        let policy = get(POLICY_FILE)?;
        let data: Value = serde_json::from_str(get(DATA_FILE)?)
            .map_err(|e| refused(format!("`{DATA_FILE}` is not JSON: {e}")))?;
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(POLICY_FILE.to_owned(), policy.clone())
            .map_err(|e| refused(format!("`{POLICY_FILE}`: {e}")))?;
        engine
            .add_data(regorus::Value::from(json!({ ROOT: data })))
            .map_err(|e| refused(format!("`{DATA_FILE}`: {e}")))?;
        // The first evaluation analyzes and schedules the modules; clones made afterwards
        // share that work, so each answer only evaluates.
        engine.set_input(regorus::Value::from(json!({})));
        engine
            .eval_rule("data.permgrid.level".to_owned())
            .map_err(|e| refused(format!("`{POLICY_FILE}`: {e}")))?;
        Ok(OpaEngine { engine })
    }

    /// The input document a service sends for `probe` (see docs/exports-opa.md).
    pub fn input(probe: &super::Probe) -> Value {
        let mut input = json!({
            "employee": probe.employee.as_str(),
            "record": {
                "id": probe.record.id.as_str(),
                "owner": probe.record.owner.as_str(),
                "department": probe.record.department.as_str(),
                "tier": probe.record.tier.as_str(),
            },
        });
        if let Value::Object(m) = &mut input {
            // Whole seconds as a service sends them; exact nanoseconds otherwise.
            if probe.at.timestamp_subsec_nanos() == 0 {
                m.insert("now".into(), Value::from(probe.at.timestamp()));
            } else {
                m.insert("now_ns".into(), Value::from(epoch_ns(probe.at)));
            }
            match &probe.ask {
                super::Ask::Field(f) => m.insert("field".into(), Value::from(f.as_str())),
                super::Ask::Action(a) => m.insert("action".into(), Value::from(a.as_str())),
            };
        }
        input
    }

    /// Evaluates `rule` (e.g. `data.permgrid.field_decision`) for `input`.
    pub fn eval(&self, rule: &str, input: Value) -> Result<Value, String> {
        let mut engine = self.engine.clone();
        engine.set_input(regorus::Value::from(input));
        let v = engine
            .eval_rule(rule.to_owned())
            .map_err(|e| e.to_string())?;
        serde_json::to_value(&v).map_err(|e| e.to_string())
    }
}

#[cfg(feature = "engines")]
impl super::Engine for OpaEngine {
    fn name(&self) -> String {
        "regorus 0.14.1".into()
    }

    fn answer(&self, probe: &super::Probe) -> Result<super::Answer, String> {
        use crate::model::{Effect, Level};
        let input = Self::input(probe);
        match &probe.ask {
            super::Ask::Field(_) => {
                let v = self.eval("data.permgrid.level", input)?;
                Level::ALL
                    .iter()
                    .find(|l| v.as_str() == Some(l.as_str()))
                    .map(|l| super::Answer::Level(*l))
                    .ok_or_else(|| format!("unexpected level {v}"))
            }
            super::Ask::Action(_) => {
                let v = self.eval("data.permgrid.effect", input)?;
                Effect::ALL
                    .iter()
                    .find(|e| v.as_str() == Some(e.as_str()))
                    .map(|e| super::Answer::Effect(*e))
                    .ok_or_else(|| format!("unexpected effect {v}"))
            }
        }
    }
}
