//! The Cedar export: a schema (`permgrid.cedarschema`), policies (`policies.cedar`) and
//! entities (`entities.json`) that make the real Cedar authorizer give permgrid's decisions
//! (docs/decisions.md) — the effective level of a field of a record, and the effect of an
//! action on a record. The encoding, the requests a service sends and what Cedar cannot express
//! are documented in docs/exports-cedar.md; in short:
//!
//! - principals are `Employee`s, children of their assigned roles (`Role`s are children of the
//!   roles they inherit) and of their place in the reporting line (`Person`, a child of the
//!   manager's `Person`), so `principal in Role::"r"` is the `inherits` closure and
//!   `context.owner in principal.person` is the transitive team scope;
//! - levels are an action hierarchy `field:masked` in `field:read` in `field:edit`; a field is
//!   a child of one `FieldGroup` per (role, object, level) its cell grants, and one `permit` per
//!   (role, object, level) carries the role's row scope and tier reach, so the effective level
//!   is found with two authorizer calls (binary search);
//! - actions are `record:<action>` with a child `record:<action>:with_approval`: a permit for an
//!   allowed action covers both, one for an approval-level action only the child;
//! - guardrails are `forbid`s; temporary grants are policies conditioned on `context.now`
//!   (epoch seconds) and `context.recordId`; inactive employees are forbidden everything.
//!
//! Called by `export::export` (bundle builds) and the differential tests in tests/exports.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ExportError;
use crate::bundle::payload::content_digest;
use crate::bundle::PolicyDoc;
use crate::model::{
    Action, Effect, EmployeeId, FieldId, GrantSubject, GrantWhat, GuardrailEffect, Level, ObjectId,
    RoleId, Scope, Sensitivity, Snapshot, TemporaryGrant, TierId,
};

/// The schema file.
pub const SCHEMA_FILE: &str = "permgrid.cedarschema";
/// The policy file.
pub const POLICIES_FILE: &str = "policies.cedar";
/// The entities file.
pub const ENTITIES_FILE: &str = "entities.json";
/// The Cedar namespace of every type and action.
pub const NAMESPACE: &str = "Permgrid";

/// The schema up to the actions (which are generated).
const SCHEMA_HEAD: &str = r#"// permgrid export for Cedar (generated; do not edit). See docs/exports-cedar.md.
namespace Permgrid {
  // A role is in every role it inherits.
  entity Role in [Role];
  // A department is in its parent department.
  entity Department in [Department];
  // An employee's place in the reporting line, in their manager's place.
  entity Person in [Person];
  // In their assigned roles and their place in the reporting line. `rank` is the highest rank
  // over their roles (temporary role grants raise it in the policies, within their window).
  entity Employee in [Role, Person] {
    active: Bool,
    department: Department,
    person: Person,
    rank: Long
  };
  // A customer tier and its rank.
  entity Tier { rank: Long };
  // A kind of record (customer, contact...): the resource of record actions.
  entity Object;
  // The fields a role grants at one level (or by request) on one object.
  entity FieldGroup;
  // sensitivity: 0 public, 1 internal, 2 confidential, 3 restricted.
  entity Field in [FieldGroup] { object: Object, sensitivity: Long };

  // The record asked about. now: epoch seconds; recordId: the record's id; tier: a Tier (an
  // unknown one is reached only by scopes reaching every tier and counts as the highest for
  // guardrails).
  type RecordContext = {
    now: Long,
    recordId: String,
    owner: Employee,
    department: Department,
    tier: Tier
  };

  // field:<level> is allowed when the effective level is at least <level> (nested actions).
  // request:<level>: an approved access request could give <level> (guardrails included).
  // record:<action> is allowed outright; record:<action>:with_approval after an approval.
  // record:in_view: the record is in the employee's view (row visibility).
"#;

/// The levels a field request can ask for, lowest first (hidden is "no level allowed").
const LEVELS: [Level; 3] = [Level::Masked, Level::Read, Level::Edit];

/// The Cedar action asking whether `level` is allowed on a field (`None` for hidden).
pub fn level_action(level: Level) -> Option<&'static str> {
    match level {
        Level::Hidden => None,
        Level::Masked => Some("field:masked"),
        Level::Read => Some("field:read"),
        Level::Edit => Some("field:edit"),
    }
}

/// The Cedar action asking whether an approved access request could give `level` on a field.
pub fn request_action(level: Level) -> Option<&'static str> {
    match level {
        Level::Hidden => None,
        Level::Masked => Some("request:masked"),
        Level::Read => Some("request:read"),
        Level::Edit => Some("request:edit"),
    }
}

/// The Cedar action asking whether a record is in the employee's view at all (some role or
/// temporary scope grant covers it).
pub const IN_VIEW: &str = "record:in_view";

/// The Cedar action asking whether `action` may be done on a record outright
/// (`with_approval == false`) or after an approval (`true`).
pub fn record_action(action: Action, with_approval: bool) -> String {
    if with_approval {
        format!("record:{}:with_approval", action.as_str())
    } else {
        format!("record:{}", action.as_str())
    }
}

/// The value of `context.now` for an instant: epoch seconds, rounded down.
pub fn now_secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Epoch seconds rounded up: a grant bound `b` holds for a whole second `s` exactly when
/// `ceil(b) <= s`, so windows are exact for `context.now` in whole seconds.
fn secs_ceil(t: DateTime<Utc>) -> i64 {
    let s = t.timestamp();
    if t.timestamp_subsec_nanos() > 0 {
        s.saturating_add(1)
    } else {
        s
    }
}

/// A Cedar string literal.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Cedar entity reference `Permgrid::Type::"id"`.
fn uid(ty: &str, id: &str) -> String {
    format!("{NAMESPACE}::{ty}::{}", lit(id))
}

/// An entity uid in entities JSON.
fn uid_obj(ty: &str, id: &str) -> Value {
    json!({ "type": format!("{NAMESPACE}::{ty}"), "id": id })
}

/// An entity reference in attribute / context JSON.
fn uid_json(ty: &str, id: &str) -> Value {
    json!({ "__entity": uid_obj(ty, id) })
}

fn sensitivity_rank(s: Sensitivity) -> u8 {
    match s {
        Sensitivity::Public => 0,
        Sensitivity::Internal => 1,
        Sensitivity::Confidential => 2,
        Sensitivity::Restricted => 3,
    }
}

/// A condition: `None` is false, `Some("")` is true, otherwise a Cedar expression.
type Cond = Option<String>;

fn wrap(e: &str) -> String {
    format!("({e})")
}

/// The conjunction of conditions (true when empty).
fn all(parts: &[Cond]) -> Cond {
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        match p {
            None => return None,
            Some(e) if e.is_empty() => {}
            Some(e) => out.push(e.clone()),
        }
    }
    Some(match out.len() {
        0 => String::new(),
        1 => out.concat(),
        _ => out.iter().map(|e| wrap(e)).collect::<Vec<_>>().join(" && "),
    })
}

/// The disjunction of conditions (false when empty).
fn any(parts: Vec<Cond>) -> Cond {
    let mut out: Vec<String> = Vec::new();
    for e in parts.into_iter().flatten() {
        if e.is_empty() {
            return Some(String::new());
        }
        out.push(e);
    }
    match out.len() {
        0 => None,
        1 => out.pop(),
        _ => Some(out.iter().map(|e| wrap(e)).collect::<Vec<_>>().join(" || ")),
    }
}

/// A temporary grant's window and record list as conditions.
struct Window {
    /// `context.now` within `[validFrom, min(validUntil, revokedAt))`.
    time: String,
    /// `context.recordId` among the grant's customers (true when it names none).
    records: Cond,
}

impl Window {
    /// `None` when the grant is never in force (revoked before it starts, or empty).
    fn of(g: &TemporaryGrant) -> Option<Window> {
        let from = secs_ceil(g.valid_from);
        let mut until = secs_ceil(g.valid_until);
        if let Some(r) = g.revoked_at {
            until = until.min(secs_ceil(r));
        }
        if until <= from {
            return None;
        }
        let records = if g.customers.is_empty() {
            Some(String::new())
        } else {
            let ids: Vec<String> = g.customers.iter().map(|c| lit(c.as_str())).collect();
            Some(format!("[{}].contains(context.recordId)", ids.join(", ")))
        };
        Some(Window {
            time: format!("context.now >= {from} && context.now < {until}"),
            records,
        })
    }
}

/// A temporary role grant in force for some window: the employee holds `roles` then.
struct TempRole<'a> {
    grant: &'a TemporaryGrant,
    employee: &'a EmployeeId,
    /// The granted role and everything it inherits.
    roles: BTreeSet<RoleId>,
    /// Highest rank over `roles`.
    rank: u32,
    /// `principal == Employee::"e" && <window>`.
    cond: String,
}

/// A temporary scope, field or action grant in force for some window.
struct TempGrant<'a> {
    grant: &'a TemporaryGrant,
    window: Window,
}

/// The groups a (role, object) pair puts fields in: one per granted level and one per level
/// reachable by an approved request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum GroupKind {
    Level,
    Request,
}

type GroupKey = (RoleId, ObjectId, GroupKind, Level);

fn group_id((role, object, kind, level): &GroupKey) -> String {
    match kind {
        GroupKind::Level => format!("{role}/{object}/{level}"),
        GroupKind::Request => format!("{role}/{object}/request:{level}"),
    }
}

/// Everything the export needs, resolved once.
struct Exporter<'a> {
    s: &'a Snapshot,
    /// Per known role: itself and every role it inherits (known roles only).
    closure: BTreeMap<RoleId, BTreeSet<RoleId>>,
    tier_rank: HashMap<&'a TierId, u32>,
    temp_roles: Vec<TempRole<'a>>,
    /// Scope, field and action grants whose subject and target are known.
    grants: Vec<TempGrant<'a>>,
    groups: BTreeMap<GroupKey, Vec<FieldId>>,
    /// `holds(role)` per known role: the role is among the principal's roles at `context.now`.
    holds: BTreeMap<RoleId, String>,
}

impl<'a> Exporter<'a> {
    fn new(s: &'a Snapshot) -> Self {
        let closure: BTreeMap<RoleId, BTreeSet<RoleId>> = s
            .roles
            .keys()
            .map(|r| {
                let mut seen = BTreeSet::new();
                let mut stack = vec![r.clone()];
                while let Some(x) = stack.pop() {
                    if let Some(role) = s.roles.get(&x) {
                        if seen.insert(x) {
                            stack.extend(role.inherits.iter().cloned());
                        }
                    }
                }
                (r.clone(), seen)
            })
            .collect();
        let tier_rank = s.tiers.values().map(|t| (&t.id, t.rank)).collect();
        let mut temp_roles = Vec::new();
        let mut grants = Vec::new();
        for g in s.grants.values() {
            let Some(window) = Window::of(g) else {
                continue;
            };
            // Subjects that do not resolve give nothing (as in `decide`).
            let subject_known = match &g.subject {
                GrantSubject::Employee(e) => s.employees.contains_key(e),
                GrantSubject::Role(r) => s.roles.contains_key(r),
            };
            if !subject_known {
                continue;
            }
            match (&g.subject, &g.what) {
                (GrantSubject::Employee(e), GrantWhat::Role { role }) => {
                    // A role grant limited to named customers gives nothing (docs/decisions.md).
                    if !g.customers.is_empty() {
                        continue;
                    }
                    let Some(roles) = closure.get(role).cloned() else {
                        continue;
                    };
                    let rank = roles
                        .iter()
                        .filter_map(|r| s.roles.get(r))
                        .map(|r| r.rank)
                        .max()
                        .unwrap_or(0);
                    temp_roles.push(TempRole {
                        grant: g,
                        employee: e,
                        roles,
                        rank,
                        cond: format!(
                            "principal == {} && {}",
                            uid("Employee", e.as_str()),
                            window.time
                        ),
                    });
                }
                (GrantSubject::Role(_), GrantWhat::Role { .. }) => {}
                (_, GrantWhat::Field { field, level }) => {
                    if s.fields.contains_key(field) && *level > Level::Hidden {
                        grants.push(TempGrant { grant: g, window });
                    }
                }
                (_, GrantWhat::Scope { object, scope, .. }) => {
                    if s.objects.contains_key(object) && *scope != Scope::None {
                        grants.push(TempGrant { grant: g, window });
                    }
                }
                (_, GrantWhat::Action { object, effect, .. }) => {
                    if s.objects.contains_key(object) && *effect > Effect::Deny {
                        grants.push(TempGrant { grant: g, window });
                    }
                }
            }
        }
        let mut groups: BTreeMap<GroupKey, Vec<FieldId>> = BTreeMap::new();
        for (role, field, cell) in s.cells.iter() {
            let (Some(f), true) = (s.fields.get(field), s.roles.contains_key(role)) else {
                continue;
            };
            if cell.level > Level::Hidden {
                groups
                    .entry((role.clone(), f.object.clone(), GroupKind::Level, cell.level))
                    .or_default()
                    .push(f.id.clone());
            }
            if let Some(a) = cell.approval.filter(|a| *a > cell.level) {
                groups
                    .entry((role.clone(), f.object.clone(), GroupKind::Request, a))
                    .or_default()
                    .push(f.id.clone());
            }
        }
        for fields in groups.values_mut() {
            fields.sort();
        }
        let mut ex = Exporter {
            s,
            closure,
            tier_rank,
            temp_roles,
            grants,
            groups,
            holds: BTreeMap::new(),
        };
        ex.holds = s
            .roles
            .keys()
            .map(|r| {
                let mut alts = vec![Some(format!("principal in {}", uid("Role", r.as_str())))];
                alts.extend(
                    ex.temp_roles
                        .iter()
                        .filter(|t| t.roles.contains(r))
                        .map(|t| Some(t.cond.clone())),
                );
                (r.clone(), any(alts).unwrap_or_default())
            })
            .collect();
        ex
    }

    fn rank_of_tier(&self, t: &TierId) -> u32 {
        // A tier reach naming an unknown tier reaches rank 0 only (fail closed, as in `decide`).
        self.tier_rank.get(t).copied().unwrap_or(0)
    }

    /// The record is within a row scope and tier reach (for the principal).
    fn scope_cond(&self, scope: Scope, max_tier: Option<&TierId>) -> Cond {
        // A record of unknown tier has no `rank`: reached only by scopes reaching every tier.
        let tier = match max_tier {
            None => Some(String::new()),
            Some(t) => Some(format!(
                "context.tier has rank && context.tier.rank <= {}",
                self.rank_of_tier(t)
            )),
        };
        let scope = match scope {
            Scope::None => None,
            Scope::Own => Some("context.owner == principal".to_owned()),
            // The owner's `Person` is below the principal's through the manager chain.
            Scope::Team => Some("context.owner in principal.person".to_owned()),
            Scope::Department => Some("context.department == principal.department".to_owned()),
            Scope::DepartmentTree => Some("context.department in principal.department".to_owned()),
            Scope::All => Some(String::new()),
        };
        all(&[scope, tier])
    }

    /// Who a grant is for, as a condition on the principal.
    fn grantee(&self, g: &TemporaryGrant) -> Cond {
        match &g.subject {
            GrantSubject::Employee(e) => {
                Some(format!("principal == {}", uid("Employee", e.as_str())))
            }
            GrantSubject::Role(r) => self.holds.get(r).cloned(),
        }
    }

    fn scope_grants(&self, object: &ObjectId) -> impl Iterator<Item = (&TempGrant<'a>, Cond)> + '_ {
        let object = object.clone();
        self.grants.iter().filter_map(move |t| match &t.grant.what {
            GrantWhat::Scope {
                object: o,
                scope,
                max_tier,
            } if *o == object => Some((t, self.scope_cond(*scope, max_tier.as_ref()))),
            _ => None,
        })
    }

    /// Role `role` covers the record (of `object`), given that the principal holds it: its own
    /// scope, or a temporary scope grant to the principal (widening all their roles) or to the role.
    fn coverage(&self, role: &RoleId, object: &ObjectId) -> Cond {
        let own = self
            .s
            .policies
            .values()
            .find(|p| &p.role == role && &p.object == object)
            .and_then(|p| self.scope_cond(p.scope, p.max_tier.as_ref()));
        let mut alts = vec![own];
        for (t, cond) in self.scope_grants(object) {
            let who = match &t.grant.subject {
                GrantSubject::Employee(e) => {
                    Some(format!("principal == {}", uid("Employee", e.as_str())))
                }
                GrantSubject::Role(r) if r == role => Some(String::new()),
                GrantSubject::Role(_) => None,
            };
            alts.push(all(&[
                who,
                Some(t.window.time.clone()),
                t.window.records.clone(),
                cond,
            ]));
        }
        any(alts)
    }

    /// The record (of `object`) is in the principal's view at all: some role they hold covers
    /// it, or a temporary scope grant does.
    fn reached(&self, object: &ObjectId) -> Cond {
        let mut alts = Vec::new();
        for p in self.s.policies.values().filter(|p| &p.object == object) {
            if let Some(h) = self.holds.get(&p.role) {
                alts.push(all(&[
                    Some(h.clone()),
                    self.scope_cond(p.scope, p.max_tier.as_ref()),
                ]));
            }
        }
        for (t, cond) in self.scope_grants(object) {
            alts.push(all(&[
                self.grantee(t.grant),
                Some(t.window.time.clone()),
                t.window.records.clone(),
                cond,
            ]));
        }
        any(alts)
    }

    /// The principal's rank (over their roles at `context.now`) is below `b`.
    fn rank_below(&self, b: u32) -> String {
        let mut parts = vec![Some(format!("principal.rank < {b}"))];
        for t in self.temp_roles.iter().filter(|t| t.rank >= b) {
            parts.push(Some(format!("!({})", t.cond)));
        }
        all(&parts).unwrap_or_default()
    }
}

/// Writes policies with their annotations.
struct Writer {
    text: String,
    count: usize,
}

/// One policy to write.
struct Pol<'x> {
    id: String,
    /// `@role` / `@employee` / `@grant` / `@guardrail` annotations (for slicing and reasons).
    tags: Vec<(&'static str, String)>,
    permit: bool,
    principal: String,
    action: String,
    resource: String,
    when: &'x Cond,
}

impl Writer {
    fn comment(&mut self, line: &str) {
        for l in line.lines() {
            self.text.push_str("// ");
            self.text.push_str(l);
            self.text.push('\n');
        }
    }

    fn add(&mut self, p: Pol<'_>) {
        // INVARIANT: a policy whose condition is false is not written at all.
        let Some(when) = p.when else {
            return;
        };
        self.count += 1;
        self.text.push_str(&format!("@id({})\n", lit(&p.id)));
        for (k, v) in &p.tags {
            self.text.push_str(&format!("@{k}({})\n", lit(v)));
        }
        self.text.push_str(&format!(
            "{} (\n  {},\n  {},\n  {}\n)",
            if p.permit { "permit" } else { "forbid" },
            p.principal,
            p.action,
            p.resource
        ));
        if !when.is_empty() {
            self.text.push_str(&format!("\nwhen {{ {when} }}"));
        }
        self.text.push_str(";\n\n");
    }
}

fn action_list(ids: &[String]) -> String {
    let uids: Vec<String> = ids.iter().map(|a| uid("Action", a)).collect();
    format!("action in [{}]", uids.join(", "))
}

impl Exporter<'_> {
    /// The permits of role `role` for a principal head: field levels, requestable levels and
    /// actions, per object the role (or a scope grant) covers.
    fn role_permits(
        &self,
        w: &mut Writer,
        role: &RoleId,
        principal: &str,
        extra: &Cond,
        id_prefix: &str,
        tags: &[(&'static str, String)],
    ) {
        for object in self.s.objects.keys() {
            let Some(cov) = all(&[extra.clone(), self.coverage(role, object)]) else {
                continue;
            };
            let when = Some(cov);
            for kind in [GroupKind::Level, GroupKind::Request] {
                for level in LEVELS {
                    let key = (role.clone(), object.clone(), kind, level);
                    if !self.groups.contains_key(&key) {
                        continue;
                    }
                    let action = match kind {
                        GroupKind::Level => level_action(level),
                        GroupKind::Request => request_action(level),
                    };
                    let Some(action) = action else { continue };
                    w.add(Pol {
                        id: format!("{id_prefix}{}", group_id(&key)),
                        tags: tags.to_vec(),
                        permit: true,
                        principal: principal.to_owned(),
                        action: format!("action in {}", uid("Action", action)),
                        resource: format!("resource in {}", uid("FieldGroup", &group_id(&key))),
                        when: &when,
                    });
                }
            }
            let Some(p) = self
                .s
                .policies
                .values()
                .find(|p| &p.role == role && &p.object == object)
            else {
                continue;
            };
            for (effect, name) in [(Effect::Allow, "allow"), (Effect::Approval, "approval")] {
                let ids: Vec<String> = Action::ALL
                    .iter()
                    .filter(|a| p.action(**a) == effect)
                    .map(|a| record_action(*a, effect == Effect::Approval))
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                w.add(Pol {
                    id: format!("{id_prefix}{role}/{object}/{name}"),
                    tags: tags.to_vec(),
                    permit: true,
                    principal: principal.to_owned(),
                    action: action_list(&ids),
                    resource: format!("resource == {}", uid("Object", object.as_str())),
                    when: &when,
                });
            }
        }
    }

    fn policies(&self, digest: &str) -> (String, usize) {
        let mut w = Writer {
            text: String::new(),
            count: 0,
        };
        w.comment(&format!(
            "permgrid export for Cedar (generated; do not edit), policy {digest}\n\
             Requests and encoding: docs/exports-cedar.md. Every policy carries @id; role policies\n\
             @role, policies for one employee @employee: pass a service only the policies of the\n\
             asking employee's roles, their own, and those with neither (slicing)."
        ));
        w.text.push('\n');
        w.comment("Employees who are not active get nothing.");
        w.text.push_str(
            "@id(\"inactive\")\nforbid (principal, action, resource)\nunless { principal.active };\n\n",
        );
        w.count += 1;

        w.comment("Roles: field levels, levels reachable by request, and actions, per object.");
        for role in self.s.roles.keys() {
            let tags = vec![("role", role.to_string())];
            self.role_permits(
                &mut w,
                role,
                &format!("principal in {}", uid("Role", role.as_str())),
                &Some(String::new()),
                "role/",
                &tags,
            );
        }

        if !self.temp_roles.is_empty() {
            w.comment("Temporary role grants: the granted roles' policies, for the grantee, in the window.");
        }
        for t in &self.temp_roles {
            let held: BTreeSet<RoleId> = self
                .s
                .employees
                .get(t.employee)
                .map(|e| {
                    e.roles
                        .iter()
                        .filter_map(|r| self.closure.get(r))
                        .flatten()
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let Some(window) = Window::of(t.grant) else {
                continue;
            };
            // Roles the employee holds anyway already have their policies.
            for role in t.roles.difference(&held) {
                // @role here tells a slicing service which roles the employee may hold.
                let tags = vec![
                    ("employee", t.employee.to_string()),
                    ("role", role.to_string()),
                    ("grant", t.grant.id.to_string()),
                ];
                self.role_permits(
                    &mut w,
                    role,
                    &format!("principal == {}", uid("Employee", t.employee.as_str())),
                    &Some(window.time.clone()),
                    &format!("grant/{}/", t.grant.id),
                    &tags,
                );
            }
        }

        if !self.grants.is_empty() {
            w.comment(
                "Temporary field and action grants: only on records the employee reaches\n\
                 (a field grant never makes a row visible). Scope grants are in the role policies.",
            );
        }
        for t in &self.grants {
            let g = t.grant;
            let mut tags = match &g.subject {
                GrantSubject::Employee(e) => vec![("employee", e.to_string())],
                GrantSubject::Role(r) => vec![("role", r.to_string())],
            };
            tags.push(("grant", g.id.to_string()));
            let (action, resource, object) = match &g.what {
                GrantWhat::Field { field, level } => {
                    let (Some(f), Some(a)) = (self.s.fields.get(field), level_action(*level))
                    else {
                        continue;
                    };
                    (
                        format!("action in {}", uid("Action", a)),
                        format!("resource == {}", uid("Field", field.as_str())),
                        &f.object,
                    )
                }
                GrantWhat::Action {
                    object,
                    action,
                    effect,
                } => {
                    let a = match effect {
                        Effect::Deny => continue,
                        Effect::Approval => {
                            format!("action == {}", uid("Action", &record_action(*action, true)))
                        }
                        Effect::Allow => {
                            format!(
                                "action in {}",
                                uid("Action", &record_action(*action, false))
                            )
                        }
                    };
                    (
                        a,
                        format!("resource == {}", uid("Object", object.as_str())),
                        object,
                    )
                }
                GrantWhat::Role { .. } | GrantWhat::Scope { .. } => continue,
            };
            let when = all(&[
                self.grantee(g),
                Some(t.window.time.clone()),
                t.window.records.clone(),
                self.reached(object),
            ]);
            w.add(Pol {
                id: format!("grant/{}", g.id),
                tags,
                permit: true,
                principal: "principal".into(),
                action,
                resource,
                when: &when,
            });
        }

        w.comment(
            "Rows: the record is in the employee's view (some role they hold covers it, or a\n\
             temporary scope grant does).",
        );
        for object in self.s.objects.keys() {
            w.add(Pol {
                id: format!("in_view/{object}"),
                tags: Vec::new(),
                permit: true,
                principal: "principal".into(),
                action: format!("action == {}", uid("Action", IN_VIEW)),
                resource: format!("resource == {}", uid("Object", object.as_str())),
                when: &self.reached(object),
            });
        }

        w.comment("Guardrails: caps, whatever the roles and grants give.");
        for g in self.s.guardrails.values() {
            let c = &g.when;
            let tier = c.min_tier.as_ref().and_then(|t| {
                // A minimum tier that is unknown applies to every tier (fail closed); a record of
                // unknown tier counts as the highest.
                self.tier_rank
                    .get(t)
                    .map(|m| format!("!(context.tier has rank && context.tier.rank < {m})"))
            });
            let rank = c.below_rank.map(|b| self.rank_below(b));
            let tags = vec![("guardrail", g.id.to_string())];
            match &g.effect {
                GuardrailEffect::CapLevel { level } => {
                    let above: Vec<&str> = [level_action, request_action]
                        .iter()
                        .flat_map(|name| LEVELS.iter().filter(|l| *l > level).map(|l| name(*l)))
                        .flatten()
                        .collect();
                    if above.is_empty() {
                        continue;
                    }
                    let action_cond = if *level == Level::Hidden {
                        None
                    } else {
                        Some(
                            above
                                .iter()
                                .map(|a| format!("action == {}", uid("Action", a)))
                                .collect::<Vec<_>>()
                                .join(" || "),
                        )
                    };
                    let fields = (!c.fields.is_empty()).then(|| {
                        let ids: Vec<String> =
                            c.fields.iter().map(|f| uid("Field", f.as_str())).collect();
                        format!("[{}].contains(resource)", ids.join(", "))
                    });
                    let when = all(&[
                        action_cond,
                        c.object
                            .as_ref()
                            .map(|o| format!("resource.object == {}", uid("Object", o.as_str()))),
                        c.min_sensitivity
                            .map(|m| format!("resource.sensitivity >= {}", sensitivity_rank(m))),
                        fields,
                        tier,
                        rank,
                    ]
                    .map(|x| Some(x.unwrap_or_default())));
                    w.comment(&format!("{} (cap_level {level})", g.name_en));
                    w.add(Pol {
                        id: format!("guardrail/{}", g.id),
                        tags,
                        permit: false,
                        principal: "principal".into(),
                        action: action_list(&["field:edit".to_owned(), "request:edit".to_owned()]),
                        resource: "resource".into(),
                        when: &when,
                    });
                }
                GuardrailEffect::CapAction { action, max, alert } => {
                    let head = match max {
                        Effect::Allow => None,
                        // Neither outright nor with approval.
                        Effect::Deny => Some(format!(
                            "action in {}",
                            uid("Action", &record_action(*action, false))
                        )),
                        // Not outright: approval stays possible.
                        Effect::Approval => Some(format!(
                            "action == {}",
                            uid("Action", &record_action(*action, false))
                        )),
                    };
                    w.comment(&format!(
                        "{} (cap_action {action} at {max}{})",
                        g.name_en,
                        if *alert {
                            "; the alert is raised by the service: see docs/exports-cedar.md"
                        } else {
                            ""
                        }
                    ));
                    let Some(head) = head else {
                        w.comment("caps nothing in Cedar (alert only)");
                        w.text.push('\n');
                        continue;
                    };
                    let resource = match &c.object {
                        Some(o) => format!("resource == {}", uid("Object", o.as_str())),
                        None => "resource".into(),
                    };
                    let when = all(&[tier, rank].map(|x| Some(x.unwrap_or_default())));
                    w.add(Pol {
                        id: format!("guardrail/{}", g.id),
                        tags,
                        permit: false,
                        principal: "principal".into(),
                        action: head,
                        resource,
                        when: &when,
                    });
                }
                GuardrailEffect::ExportExclude => {
                    w.comment(&format!(
                        "{} (export_exclude): not a per-request decision; the service drops these\n\
                         fields from exports using the permgrid bundle (docs/exports-cedar.md)",
                        g.name_en
                    ));
                    w.text.push('\n');
                }
                GuardrailEffect::BulkThreshold {
                    over_records,
                    approvals,
                    alert,
                } => {
                    w.comment(&format!(
                        "{} (bulk_threshold over {over_records} records: {approvals} approvals{}):\n\
                         not a per-request decision; the service applies it (docs/exports-cedar.md)",
                        g.name_en,
                        if *alert { ", alert" } else { "" }
                    ));
                    w.text.push('\n');
                }
            }
        }
        (w.text, w.count)
    }

    fn schema(&self) -> String {
        let ctx = "context: RecordContext";
        let field = format!("appliesTo {{ principal: [Employee], resource: [Field], {ctx} }}");
        let record = format!("appliesTo {{ principal: [Employee], resource: [Object], {ctx} }}");
        let mut actions = String::new();
        for kind in ["field", "request"] {
            let mut parent: Option<String> = None;
            for level in LEVELS.iter().rev() {
                let name = format!("{kind}:{level}");
                let within = parent
                    .as_ref()
                    .map(|p| format!(" in [{}]", lit(p)))
                    .unwrap_or_default();
                actions.push_str(&format!("  action {}{within} {field};\n", lit(&name)));
                parent = Some(name);
            }
        }
        actions.push_str(&format!("  action {} {record};\n", lit(IN_VIEW)));
        for a in Action::ALL {
            let allow = record_action(*a, false);
            actions.push_str(&format!("  action {} {record};\n", lit(&allow)));
            actions.push_str(&format!(
                "  action {} in [{}] {record};\n",
                lit(&record_action(*a, true)),
                lit(&allow)
            ));
        }
        format!("{SCHEMA_HEAD}{actions}}}\n")
    }

    fn entities(&self) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let s = self.s;
        for r in s.roles.values() {
            let parents: Vec<Value> = r
                .inherits
                .iter()
                .filter(|p| s.roles.contains_key(*p))
                .map(|p| uid_obj("Role", p.as_str()))
                .collect();
            out.push(
                json!({ "uid": uid_obj("Role", r.id.as_str()), "attrs": {}, "parents": parents }),
            );
        }
        for d in s.departments.values() {
            let parents: Vec<Value> = d
                .parent
                .iter()
                .filter(|p| s.departments.contains_key(*p))
                .map(|p| uid_obj("Department", p.as_str()))
                .collect();
            out.push(json!({ "uid": uid_obj("Department", d.id.as_str()), "attrs": {}, "parents": parents }));
        }
        for e in s.employees.values() {
            let parents: Vec<Value> = e
                .manager
                .iter()
                .filter(|m| s.employees.contains_key(*m))
                .map(|m| uid_obj("Person", m.as_str()))
                .collect();
            out.push(
                json!({ "uid": uid_obj("Person", e.id.as_str()), "attrs": {}, "parents": parents }),
            );
        }
        for e in s.employees.values() {
            let mut parents: Vec<Value> = e
                .roles
                .iter()
                .filter(|r| s.roles.contains_key(*r))
                .map(|r| uid_obj("Role", r.as_str()))
                .collect();
            parents.push(uid_obj("Person", e.id.as_str()));
            let rank = e
                .roles
                .iter()
                .filter_map(|r| self.closure.get(r))
                .flatten()
                .filter_map(|r| s.roles.get(r))
                .map(|r| r.rank)
                .max()
                .unwrap_or(0);
            // INVARIANT: an employee of an unknown department gets a department no record can
            // name (ids are never empty), so department scopes reach nothing for them.
            let dept = if s.departments.contains_key(&e.department) {
                e.department.as_str()
            } else {
                ""
            };
            out.push(json!({
                "uid": uid_obj("Employee", e.id.as_str()),
                "attrs": {
                    "active": e.status == crate::model::Status::Active,
                    "department": uid_json("Department", dept),
                    "person": uid_json("Person", e.id.as_str()),
                    "rank": rank,
                },
                "parents": parents,
            }));
        }
        for t in s.tiers.values() {
            out.push(json!({ "uid": uid_obj("Tier", t.id.as_str()), "attrs": { "rank": t.rank }, "parents": [] }));
        }
        for o in s.objects.keys() {
            out.push(json!({ "uid": uid_obj("Object", o.as_str()), "attrs": {}, "parents": [] }));
        }
        let mut field_groups: BTreeMap<&FieldId, Vec<Value>> = BTreeMap::new();
        for (key, fields) in &self.groups {
            let id = group_id(key);
            out.push(json!({ "uid": uid_obj("FieldGroup", &id), "attrs": {}, "parents": [] }));
            for f in fields {
                field_groups
                    .entry(f)
                    .or_default()
                    .push(uid_obj("FieldGroup", &id));
            }
        }
        for f in s.fields.values() {
            out.push(json!({
                "uid": uid_obj("Field", f.id.as_str()),
                "attrs": {
                    "object": uid_json("Object", f.object.as_str()),
                    "sensitivity": sensitivity_rank(f.sensitivity),
                },
                "parents": field_groups.remove(&f.id).unwrap_or_default(),
            }));
        }
        out
    }
}

/// The files of the Cedar export: `permgrid.cedarschema`, `policies.cedar`, `entities.json`.
///
/// The entities carry the organisation (employees with their roles, managers, departments), so
/// the bundle must include its org snapshot.
pub fn files(snap: &Snapshot, policy: &PolicyDoc) -> Result<BTreeMap<String, String>, ExportError> {
    if policy.org.is_none() {
        return Err(ExportError::Unsupported {
            target: "cedar",
            reason: "entities.json names employees' roles, managers and departments; build the \
                     bundle with its org snapshot"
                .into(),
        });
    }
    let ex = Exporter::new(snap);
    let (policies, _count) = ex.policies(&content_digest(policy));
    // One entity per line: readable, and diffs between revisions stay small.
    let mut entities = String::from("[\n");
    let list = ex.entities();
    for (i, e) in list.iter().enumerate() {
        let line = serde_json::to_string(e).map_err(|e| ExportError::Unsupported {
            target: "cedar",
            reason: format!("entities: {e}"),
        })?;
        entities.push_str(&line);
        entities.push_str(if i + 1 < list.len() { ",\n" } else { "\n" });
    }
    entities.push_str("]\n");
    let mut out = BTreeMap::new();
    out.insert(SCHEMA_FILE.to_owned(), ex.schema());
    out.insert(POLICIES_FILE.to_owned(), policies);
    out.insert(ENTITIES_FILE.to_owned(), entities);
    Ok(out)
}

#[cfg(feature = "engines")]
pub use engine::CedarEngine;

#[cfg(feature = "engines")]
mod engine {
    use cedar_policy::{
        Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, PolicyId,
        PolicySet, Request, Response, Schema, ValidationMode, Validator,
    };
    use chrono::{DateTime, Utc};
    use std::collections::{BTreeMap, BTreeSet};
    use std::str::FromStr;

    use super::{
        level_action, now_secs, record_action, request_action, uid_json, ENTITIES_FILE, IN_VIEW,
        LEVELS, NAMESPACE, POLICIES_FILE, SCHEMA_FILE,
    };
    use crate::export::{Answer, Ask, ExportError, Probe};
    use crate::model::{Action, Customer, Effect, EmployeeId, FieldId, Level, ObjectId};

    fn refused(reason: impl Into<String>) -> ExportError {
        ExportError::Engine {
            target: "cedar",
            reason: reason.into(),
        }
    }

    /// The real Cedar authorizer loaded with an export: schema, policies (validated in strict
    /// mode) and entities. Answers field-level and action questions as a service would.
    pub struct CedarEngine {
        schema: Schema,
        policies: PolicySet,
        entities: Entities,
        authorizer: Authorizer,
    }

    impl CedarEngine {
        /// Loads the export's files; fails when a file is missing or does not parse, or when
        /// the policies do not pass Cedar's strict validation against the schema.
        pub fn load(files: &BTreeMap<String, String>) -> Result<Self, ExportError> {
            let file = |name: &str| {
                files
                    .get(name)
                    .ok_or_else(|| refused(format!("missing `{name}`")))
            };
            let (schema, _warnings) = Schema::from_cedarschema_str(file(SCHEMA_FILE)?)
                .map_err(|e| refused(format!("{SCHEMA_FILE}: {e}")))?;
            let parsed = PolicySet::from_str(file(POLICIES_FILE)?)
                .map_err(|e| refused(format!("{POLICIES_FILE}: {e}")))?;
            // Name each policy by its @id so decisions' reasons read as permgrid names.
            let mut policies = PolicySet::new();
            for p in parsed.policies() {
                let p = match p.annotation("id") {
                    Some(id) => p.new_id(PolicyId::new(id)),
                    None => p.clone(),
                };
                policies
                    .add(p)
                    .map_err(|e| refused(format!("{POLICIES_FILE}: {e}")))?;
            }
            let result = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
            if !result.validation_passed() {
                let errors: Vec<String> = result
                    .validation_errors()
                    .take(5)
                    .map(|e| e.to_string())
                    .collect();
                return Err(refused(format!(
                    "{POLICIES_FILE} fails strict validation: {}",
                    errors.join("; ")
                )));
            }
            let entities = Entities::from_json_str(file(ENTITIES_FILE)?, Some(&schema))
                .map_err(|e| refused(format!("{ENTITIES_FILE}: {e}")))?;
            Ok(CedarEngine {
                schema,
                policies,
                entities,
                authorizer: Authorizer::new(),
            })
        }

        /// The loaded policies (named by their `@id`).
        pub fn policies(&self) -> &PolicySet {
            &self.policies
        }

        /// The engine with only the policies that can matter for `employee` ("slicing", the
        /// production recommendation: Cedar evaluates every policy it is given on each call).
        /// A policy is kept when its `@employee` is the employee, or when it has no `@employee`
        /// and either no `@role` or a `@role` the employee may hold: a role they are in
        /// (entities.json, inheritance included) or one their temporary role grants bring
        /// (the `@role` of policies carrying their `@employee`).
        pub fn sliced(&self, employee: &EmployeeId) -> Result<CedarEngine, String> {
            let me = Self::uid("Employee", employee.as_str())?;
            let mut roles: BTreeSet<&str> = self
                .entities
                .ancestors(&me)
                .into_iter()
                .flatten()
                .filter(|u| u.type_name().basename() == "Role")
                .map(|u| u.id().unescaped())
                .collect();
            for p in self.policies.policies() {
                if p.annotation("employee") == Some(employee.as_str()) {
                    roles.extend(p.annotation("role"));
                }
            }
            let mut policies = PolicySet::new();
            for p in self.policies.policies() {
                let keep = match (p.annotation("employee"), p.annotation("role")) {
                    (Some(e), _) => e == employee.as_str(),
                    (None, Some(r)) => roles.contains(r),
                    (None, None) => true,
                };
                if keep {
                    policies.add(p.clone()).map_err(|e| e.to_string())?;
                }
            }
            Ok(CedarEngine {
                schema: self.schema.clone(),
                policies,
                entities: self.entities.clone(),
                authorizer: Authorizer::new(),
            })
        }

        fn uid(ty: &str, id: &str) -> Result<EntityUid, String> {
            let ty = EntityTypeName::from_str(&format!("{NAMESPACE}::{ty}"))
                .map_err(|e| e.to_string())?;
            Ok(EntityUid::from_type_name_and_id(ty, EntityId::new(id)))
        }

        /// One Cedar request, as a production service sends it: `employee` asks `action` (an
        /// action id such as `field:read` or `record:export`) on `resource` (a `Field` for
        /// field actions, an `Object` for record actions) of `record` at `at`.
        pub fn authorize(
            &self,
            employee: &EmployeeId,
            action: &str,
            resource: EntityUid,
            record: &Customer,
            at: DateTime<Utc>,
        ) -> Result<Response, String> {
            let action = Self::uid("Action", action)?;
            let context = serde_json::json!({
                "now": now_secs(at),
                "recordId": record.id.as_str(),
                "owner": uid_json("Employee", record.owner.as_str()),
                "department": uid_json("Department", record.department.as_str()),
                "tier": uid_json("Tier", record.tier.as_str()),
            });
            let context = Context::from_json_value(context, Some((&self.schema, &action)))
                .map_err(|e| e.to_string())?;
            let request = Request::new(
                Self::uid("Employee", employee.as_str())?,
                action,
                resource,
                context,
                Some(&self.schema),
            )
            .map_err(|e| e.to_string())?;
            Ok(self
                .authorizer
                .is_authorized(&request, &self.policies, &self.entities))
        }

        fn allowed(
            &self,
            employee: &EmployeeId,
            action: &str,
            resource: &EntityUid,
            record: &Customer,
            at: DateTime<Utc>,
        ) -> Result<bool, String> {
            Ok(self
                .authorize(employee, action, resource.clone(), record, at)?
                .decision()
                == Decision::Allow)
        }

        /// The effective level of `field` of `record` (whose object is the field's): the
        /// highest level whose action Cedar allows, found with two calls (levels are nested).
        pub fn level(
            &self,
            employee: &EmployeeId,
            field: &FieldId,
            record: &Customer,
            at: DateTime<Utc>,
        ) -> Result<Level, String> {
            self.highest(employee, field, record, at, level_action)
        }

        /// The highest level an approved access request could give on `field` of `record`
        /// (hidden: none). It never changes [`CedarEngine::level`].
        pub fn requestable(
            &self,
            employee: &EmployeeId,
            field: &FieldId,
            record: &Customer,
            at: DateTime<Utc>,
        ) -> Result<Level, String> {
            self.highest(employee, field, record, at, request_action)
        }

        fn highest(
            &self,
            employee: &EmployeeId,
            field: &FieldId,
            record: &Customer,
            at: DateTime<Utc>,
            name: fn(Level) -> Option<&'static str>,
        ) -> Result<Level, String> {
            let resource = Self::uid("Field", field.as_str())?;
            let ask = |l: Level| match name(l) {
                Some(a) => self.allowed(employee, a, &resource, record, at),
                None => Ok(true),
            };
            // INVARIANT: allowed(l) implies allowed(k) for every k < l (action hierarchy and
            // caps forbidding every level above them), so a binary search is exact.
            let (mut lo, mut hi) = (0usize, LEVELS.len());
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                let level = LEVELS.get(mid - 1).copied().unwrap_or(Level::Hidden);
                if ask(level)? {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            Ok(match lo {
                0 => Level::Hidden,
                n => LEVELS.get(n - 1).copied().unwrap_or(Level::Hidden),
            })
        }

        /// Whether `record` of `object` is in the employee's view at all.
        pub fn in_view(
            &self,
            employee: &EmployeeId,
            object: &ObjectId,
            record: &Customer,
            at: DateTime<Utc>,
        ) -> Result<bool, String> {
            let resource = Self::uid("Object", object.as_str())?;
            self.allowed(employee, IN_VIEW, &resource, record, at)
        }

        /// The effect of `action` on `record` of `object`: allow when Cedar allows the action
        /// outright, approval when it allows only `record:<action>:with_approval`, else deny.
        pub fn effect(
            &self,
            employee: &EmployeeId,
            object: &ObjectId,
            action: Action,
            record: &Customer,
            at: DateTime<Utc>,
        ) -> Result<Effect, String> {
            let resource = Self::uid("Object", object.as_str())?;
            if self.allowed(
                employee,
                &record_action(action, false),
                &resource,
                record,
                at,
            )? {
                Ok(Effect::Allow)
            } else if self.allowed(
                employee,
                &record_action(action, true),
                &resource,
                record,
                at,
            )? {
                Ok(Effect::Approval)
            } else {
                Ok(Effect::Deny)
            }
        }
    }

    impl crate::export::Engine for CedarEngine {
        fn name(&self) -> String {
            format!("cedar-policy {}", cedar_policy::get_sdk_version())
        }

        fn answer(&self, probe: &Probe) -> Result<Answer, String> {
            match &probe.ask {
                Ask::Field(f) => self
                    .level(&probe.employee, f, &probe.record, probe.at)
                    .map(Answer::Level),
                Ask::Action(a) => {
                    let object =
                        ObjectId::new(crate::model::CUSTOMER_OBJECT).map_err(|e| e.to_string())?;
                    self.effect(&probe.employee, &object, *a, &probe.record, probe.at)
                        .map(Answer::Effect)
                }
            }
        }
    }
}
