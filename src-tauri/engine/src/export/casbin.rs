//! The Casbin export: `model.conf` and `policy.csv` that make a Casbin enforcer (checked with
//! casbin-rs 2.20) decide exactly what permgrid decides (docs/decisions.md), for every employee,
//! record, field / action and instant. The encoding is described in docs/exports-casbin.md;
//! in short:
//!
//! - **One role graph** `g = _, _, _` with domains: `holder` (employee -> `role:R` for every
//!   role of the `inherits` closure, employee -> `rank>=N`), `manager` (employee -> every
//!   manager above them), `org` (employee -> `in:D`, `in:D` -> `tree:X` for every department
//!   X in D's subtree), `tier` (tier -> `le:N` / `lt:N` rank groups), `customers` (customer ->
//!   `cust:G` for per-record grants) and `ask` (question -> the groups that answer it). Every
//!   chain is flattened to at most two links, so Casbin's role-depth limit (9 links by default)
//!   never cuts a chain, however deep the org is.
//! - **Questions** are tokens in `r.act`: `customer.mobile>=read` (is the level at least read?),
//!   `customer.mobile>=read+approval` (would it be, with approval-gated cells approved?),
//!   `customer/export>=approval` (is the effect at least approval?), `customer/row` (is the
//!   record in the employee's view at all?). The `ask` domain links each question to the groups
//!   of the lines that grant it: `role:R@customer` (what role R gives on customers), `grant:G`
//!   (a temporary field / action grant), `cap:G` (a guardrail that forbids it).
//! - **Allow lines** say "a holder of this role (or this employee) at this time, on records in
//!   this row scope and tier reach, gets what this group grants"; temporary role, scope, field
//!   and action grants become allow lines limited to their window (fixed-width UTC times, so
//!   string order is time order) and, when they name customers, to those customers. A field or
//!   action grant line always carries one way of reaching the record too (a grant never makes
//!   a row visible by itself).
//! - **Deny lines** are the guardrails (`cap_level`, `cap_action`), with deny-overrides. A
//!   `below_rank` condition is "the employee holds no role of that rank": one line for everyone
//!   without such a role at any time, plus, for an employee who gets one only through temporary
//!   role grants, lines for the times outside those grants.
//!
//! The effective level is the highest level whose question is allowed (two calls: a binary
//! search over masked / read / edit); an action's effect likewise over approval / allow.
//! Called by `export` (files, check) and by production services through [`CasbinEngine`].

use chrono::{DateTime, Datelike, Utc};
use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::ExportError;
use crate::bundle::PolicyDoc;
use crate::model::{
    Action, CustomerId, DeptId, Effect, EmployeeId, Field, FieldId, GrantSubject, GrantWhat,
    GuardrailEffect, Level, ObjectId, RoleId, Scope, Snapshot, Status, TemporaryGrant, TierId,
};

/// File name of the model.
pub const MODEL_FILE: &str = "model.conf";
/// File name of the policy (p and g lines).
pub const POLICY_FILE: &str = "policy.csv";

/// Most roles one employee may hold for the export to be exact: permgrid decides a subject
/// holding more on its first 64 (docs/decisions.md), which Casbin cannot mimic.
const MAX_ROLES: usize = 64;

/// The Casbin model. The request is
/// `sub, obj, act, owner, dept, tier, cust, time`; see docs/exports-casbin.md.
pub const MODEL: &str = r#"# permgrid -> Casbin export (checked with casbin-rs 2.20; see docs/exports-casbin.md).
#
# Request: sub   = employee id              obj  = the record's object (e.g. customer)
#          act   = the question, one of     <field>>=<level>            e.g. customer.mobile>=read
#                                           <field>>=<level>+approval   (with approval-gated cells approved)
#                                           <object>/<action>>=<effect> e.g. customer/export>=allow
#                                           <object>/row                (is the record in view at all?)
#          owner = the record's owner (employee id)   dept = the record's department id
#          tier  = the record's tier id               cust = the record's id
#          time  = UTC, YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ (exactly this width, years 0000-9999)
#
# Policy:  sub, sub2  allow: who must hold it: role:<id> (via g ... holder) or an employee id; * = nobody else
#                     deny:  sub = * or the only employee it applies to; sub2 = * or rank>=N: applies
#                            only to employees who do NOT hold a role of rank N or more
#          obj        the object        grp    the group of questions the line answers (g ... ask)
#          scope      allow: all / own / team / department / department_tree      (deny: *)
#          tier       allow: * or le:N, the record's tier rank is at most N
#                     deny:  * or lt:N, applies unless the record's tier rank is below N
#          cust, cust2  * or cust:<grant>: only for the customers that grant names
#          from, until  the line holds for from <= time < until (- and ~ are open ends)
[request_definition]
r = sub, obj, act, owner, dept, tier, cust, time

[policy_definition]
p = sub, sub2, obj, grp, scope, tier, cust, cust2, from, until, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.obj == p.obj && p.from <= r.time && r.time < p.until && g(r.act, p.grp, "ask") && \
  (p.cust == "*" || g(r.cust, p.cust, "customers")) && \
  (p.eft == "allow" && \
    g(r.sub, p.sub, "holder") && (p.sub2 == "*" || g(r.sub, p.sub2, "holder")) && \
    (p.cust2 == "*" || g(r.cust, p.cust2, "customers")) && \
    (p.tier == "*" || g(r.tier, p.tier, "tier")) && \
    (p.scope == "all" || \
      p.scope == "own" && r.owner == r.sub || \
      p.scope == "team" && g(r.owner, r.sub, "manager") || \
      p.scope == "department" && g(r.sub, "in:" + r.dept, "org") || \
      p.scope == "department_tree" && g(r.sub, "tree:" + r.dept, "org")) || \
  p.eft == "deny" && \
    (p.sub == "*" || p.sub == r.sub) && (p.sub2 == "*" || !g(r.sub, p.sub2, "holder")) && \
    (p.tier == "*" || !g(r.tier, p.tier, "tier")))
"#;

/// An instant as the export writes it: fixed-width UTC with nanoseconds, so that comparing
/// the strings compares the instants. `None` outside the years 0000-9999.
pub fn time_key(t: DateTime<Utc>) -> Option<String> {
    (0..=9999)
        .contains(&t.year())
        .then(|| t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string())
}

/// Open start of a validity window (sorts before every time key).
const OPEN_FROM: &str = "-";
/// Open end of a validity window (sorts after every time key).
const OPEN_UNTIL: &str = "~";

/// The question "is the level of `field` at least `level`?" (`r.act`).
pub fn field_ask(field: &FieldId, level: Level) -> String {
    format!("{field}>={level}")
}

/// The question "would the level of `field` be at least `level` if the approval-gated cells
/// of the employee's covering roles were approved?" Guardrails still apply.
pub fn field_approval_ask(field: &FieldId, level: Level) -> String {
    format!("{field}>={level}+approval")
}

/// The question "is the effect of `action` on a record of `object` at least `effect`?".
pub fn action_ask(object: &ObjectId, action: Action, effect: Effect) -> String {
    format!("{object}/{action}>={effect}")
}

/// The question "is the record in the employee's view at all?".
pub fn row_ask(object: &ObjectId) -> String {
    format!("{object}/row")
}

/// A record as a Casbin request describes it. Typed ids: a permgrid id never contains `:`,
/// `/` or `>`, so no request value can be mistaken for one of the export's group names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The record's object, e.g. `customer`.
    pub object: &'a ObjectId,
    pub id: &'a CustomerId,
    pub owner: &'a EmployeeId,
    pub department: &'a DeptId,
    pub tier: &'a TierId,
}

/// The request values, in the order of `r = sub, obj, act, owner, dept, tier, cust, time`.
/// `None` when `at` is outside the years 0000-9999.
pub fn request(
    employee: &EmployeeId,
    record: &RecordRef<'_>,
    ask: String,
    at: DateTime<Utc>,
) -> Option<Vec<String>> {
    Some(vec![
        employee.to_string(),
        record.object.to_string(),
        ask,
        record.owner.to_string(),
        record.department.to_string(),
        record.tier.to_string(),
        record.id.to_string(),
        time_key(at)?,
    ])
}

/// A half-open validity window `[from, until)`; `None` is an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

impl Window {
    const ALWAYS: Window = Window {
        from: None,
        until: None,
    };

    /// When a temporary grant is in force: `[valid_from, valid_until)`, ended early by a
    /// revocation.
    fn of(g: &TemporaryGrant) -> Window {
        let until = match g.revoked_at {
            Some(r) if r < g.valid_until => r,
            _ => g.valid_until,
        };
        Window {
            from: Some(g.valid_from),
            until: Some(until),
        }
    }

    fn and(self, o: Window) -> Window {
        Window {
            from: match (self.from, o.from) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            until: match (self.until, o.until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    fn is_empty(self) -> bool {
        matches!((self.from, self.until), (Some(a), Some(b)) if a >= b)
    }

    /// The `from` and `until` columns, or `None` when no request time (years 0000-9999)
    /// falls inside. Ends outside that range are written as open ends, which is exact for
    /// every request time the export accepts.
    fn keys(self) -> Option<(String, String)> {
        if self.is_empty() {
            return None;
        }
        let from = match self.from {
            None => OPEN_FROM.to_owned(),
            Some(t) if t.year() < 0 => OPEN_FROM.to_owned(),
            Some(t) => time_key(t)?,
        };
        let until = match self.until {
            None => OPEN_UNTIL.to_owned(),
            Some(t) if t.year() > 9999 => OPEN_UNTIL.to_owned(),
            Some(t) => time_key(t)?,
        };
        Some((from, until))
    }

    /// The complement of the union of `ws`.
    fn complement(mut ws: Vec<Window>) -> Vec<Window> {
        ws.retain(|w| !w.is_empty());
        // `None` (open start) sorts first.
        ws.sort_by_key(|w| w.from);
        let mut out = Vec::new();
        // The start of the current gap; `None` = from the beginning of time.
        let mut gap_from: Option<DateTime<Utc>> = None;
        let mut covered_to_end = false;
        for w in ws {
            let gap_ends_before = match (gap_from, w.from) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => a < b,
            };
            if gap_ends_before {
                out.push(Window {
                    from: gap_from,
                    until: w.from,
                });
            }
            match w.until {
                None => {
                    covered_to_end = true;
                    break;
                }
                Some(u) => gap_from = Some(gap_from.map_or(u, |g| g.max(u))),
            }
        }
        if !covered_to_end {
            out.push(Window {
                from: gap_from,
                until: None,
            });
        }
        out
    }
}

/// One `p` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Line {
    sub: String,
    sub2: String,
    obj: String,
    grp: String,
    scope: String,
    tier: String,
    cust: String,
    cust2: String,
    window: (String, String),
    allow: bool,
}

/// Who holds a role, and when: `role:R` (everyone assigned it, directly or by inheritance)
/// or one employee through a temporary role grant.
#[derive(Debug, Clone)]
struct Holding {
    sub: String,
    window: Window,
}

/// One way of reaching a record: a row scope held by someone at some time.
#[derive(Debug, Clone)]
struct Reach {
    sub: String,
    window: Window,
    cust: String,
    scope: Scope,
    tier: String,
}

const ANY: &str = "*";

fn role_sub(r: &RoleId) -> String {
    format!("role:{r}")
}
fn role_group(r: &RoleId, object: &ObjectId) -> String {
    format!("role:{r}@{object}")
}
fn row_group(object: &ObjectId) -> String {
    format!("row@{object}")
}
/// The role of a `role:<id>` holder.
fn holder_role(s: &str) -> Option<&str> {
    s.strip_prefix("role:")
}

/// A temporary role grant in force at some time, to an active employee.
#[derive(Debug, Clone)]
struct TempRole {
    employee: EmployeeId,
    window: Window,
    /// The granted role and every role it inherits.
    roles: BTreeSet<RoleId>,
    /// The highest rank among `roles`.
    rank: u32,
}

/// Collects the lines and links of an export.
struct Builder<'a> {
    s: &'a Snapshot,
    lines: Vec<Line>,
    seen_lines: HashSet<Line>,
    /// (name1, name2, domain).
    links: BTreeSet<(String, String, &'static str)>,
    /// Role groups (role, object) some line uses: their question links are written.
    role_groups: BTreeSet<(RoleId, ObjectId)>,
    /// Per active employee: the closure of their assigned roles, and its highest rank.
    perm_roles: BTreeMap<EmployeeId, BTreeSet<RoleId>>,
    perm_rank: BTreeMap<EmployeeId, u32>,
    temps: Vec<TempRole>,
    /// Tier rank thresholds used by scopes (`le:N`) and guardrails (`lt:N`).
    le: BTreeSet<u32>,
    lt: BTreeSet<u32>,
}

impl<'a> Builder<'a> {
    fn new(s: &'a Snapshot) -> Self {
        let perm_roles: BTreeMap<EmployeeId, BTreeSet<RoleId>> = s
            .employees
            .values()
            .filter(|e| e.status == Status::Active)
            .map(|e| (e.id.clone(), closure(s, &e.roles)))
            .collect();
        let perm_rank = perm_roles
            .iter()
            .map(|(e, roles)| (e.clone(), max_rank(s, roles)))
            .collect();
        // Temporary role grants naming customers are ignored, as `decide` ignores them.
        let temps = s
            .grants
            .values()
            .filter_map(|g| match (&g.subject, &g.what) {
                (GrantSubject::Employee(e), GrantWhat::Role { role })
                    if g.customers.is_empty()
                        && !Window::of(g).is_empty()
                        && perm_roles.contains_key(e)
                        && s.roles.contains_key(role) =>
                {
                    let roles = closure(s, std::slice::from_ref(role));
                    Some(TempRole {
                        employee: e.clone(),
                        window: Window::of(g),
                        rank: max_rank(s, &roles),
                        roles,
                    })
                }
                _ => None,
            })
            .collect();
        Builder {
            s,
            lines: Vec::new(),
            seen_lines: HashSet::new(),
            links: BTreeSet::new(),
            role_groups: BTreeSet::new(),
            perm_roles,
            perm_rank,
            temps,
            le: BTreeSet::new(),
            lt: BTreeSet::new(),
        }
    }

    fn link(&mut self, a: impl Into<String>, b: impl Into<String>, domain: &'static str) {
        let (a, b) = (a.into(), b.into());
        if a != b {
            self.links.insert((a, b, domain));
        }
    }

    fn push(&mut self, line: Line) {
        if self.seen_lines.insert(line.clone()) {
            self.lines.push(line);
        }
    }

    fn tier_rank(&self, t: &TierId) -> u32 {
        // An unknown tier in a scope reaches only rank 0; in a guardrail condition it makes
        // the guardrail apply to every tier (rank 0): both as `decide` compiles them.
        self.s.tiers.get(t).map(|t| t.rank).unwrap_or(0)
    }

    /// The `tier` column of an allow line reaching `max_tier`.
    fn reach_tier(&mut self, max_tier: &Option<TierId>) -> String {
        match max_tier {
            None => ANY.to_owned(),
            Some(t) => {
                let k = self.tier_rank(t);
                self.le.insert(k);
                format!("le:{k}")
            }
        }
    }

    /// Who holds `role` and when.
    fn holdings_of_role(&self, role: &RoleId) -> Vec<Holding> {
        let mut out = vec![Holding {
            sub: role_sub(role),
            window: Window::ALWAYS,
        }];
        for t in &self.temps {
            let permanent = self
                .perm_roles
                .get(&t.employee)
                .is_some_and(|p| p.contains(role));
            if !permanent && t.roles.contains(role) {
                out.push(Holding {
                    sub: t.employee.to_string(),
                    window: t.window,
                });
            }
        }
        out
    }

    /// The roles an active employee holds, each with when (permanent ones always).
    fn holdings_of_employee(&self, e: &EmployeeId) -> Vec<(RoleId, Window)> {
        let Some(perm) = self.perm_roles.get(e) else {
            return Vec::new();
        };
        let mut out: Vec<(RoleId, Window)> =
            perm.iter().map(|r| (r.clone(), Window::ALWAYS)).collect();
        for t in self.temps.iter().filter(|t| &t.employee == e) {
            for r in t.roles.iter().filter(|r| !perm.contains(*r)) {
                out.push((r.clone(), t.window));
            }
        }
        out
    }

    /// The `sub`, `sub2` columns of a line needing two holders (each `role:<id>` or an
    /// employee id), or `None` when nobody can be both. An employee is only `role:<id>` (a
    /// permanent holder) if they hold the role permanently; their temporary holdings are
    /// holders of their own.
    fn both(&self, a: &str, b: &str) -> Option<(String, String)> {
        if a == b {
            return Some((a.to_owned(), ANY.to_owned()));
        }
        match (holder_role(a), holder_role(b)) {
            (Some(_), Some(_)) => Some((a.to_owned(), b.to_owned())),
            (None, None) => None,
            (Some(role), None) | (None, Some(role)) => {
                let employee = if holder_role(a).is_some() { b } else { a };
                let holds = self
                    .perm_roles
                    .get(employee)
                    .is_some_and(|roles| roles.contains(role));
                holds.then(|| (employee.to_owned(), ANY.to_owned()))
            }
        }
    }

    /// Refuses employees who could hold more roles than permgrid decides on.
    fn check_role_counts(&self) -> Result<(), ExportError> {
        for e in self.perm_roles.keys() {
            let all: BTreeSet<RoleId> = self
                .holdings_of_employee(e)
                .into_iter()
                .map(|(r, _)| r)
                .collect();
            if all.len() > MAX_ROLES {
                return Err(ExportError::Unsupported {
                    target: "casbin",
                    reason: format!(
                        "employee `{e}` can hold {} roles; permgrid decides on the first {MAX_ROLES}, which Casbin cannot mimic",
                        all.len()
                    ),
                });
            }
        }
        Ok(())
    }

    /// An allow line, unless its window holds at no request time.
    #[allow(clippy::too_many_arguments)]
    fn allow(
        &mut self,
        sub: String,
        sub2: String,
        obj: &ObjectId,
        grp: String,
        reach: (&Scope, &str),
        cust: (&str, &str),
        window: Window,
    ) {
        let Some(window) = window.keys() else { return };
        self.push(Line {
            sub,
            sub2,
            obj: obj.to_string(),
            grp,
            scope: reach.0.as_str().to_owned(),
            tier: reach.1.to_owned(),
            cust: cust.0.to_owned(),
            cust2: cust.1.to_owned(),
            window,
            allow: true,
        });
    }

    /// The `cust` column of a grant: `*` or a group of the customers it names.
    fn grant_customers(&mut self, g: &TemporaryGrant) -> String {
        if g.customers.is_empty() {
            return ANY.to_owned();
        }
        let grp = format!("cust:{}", g.id);
        for c in &g.customers {
            self.link(c.to_string(), grp.clone(), "customers");
        }
        grp
    }

    /// Every way of reaching a record of `object`, and the allow lines that give roles'
    /// cells and actions on records they cover.
    fn coverage(&mut self, object: &ObjectId) -> Vec<Reach> {
        let s = self.s;
        let mut reaches = Vec::new();
        // A role's own row scope.
        for role in s.roles.keys() {
            let Some(p) = s.policies.get(&crate::model::PolicyKey {
                role: role.clone(),
                object: object.clone(),
            }) else {
                continue;
            };
            if p.scope == Scope::None {
                continue;
            }
            let tier = self.reach_tier(&p.max_tier);
            for h in self.holdings_of_role(role) {
                self.role_groups.insert((role.clone(), object.clone()));
                self.allow(
                    h.sub.clone(),
                    ANY.into(),
                    object,
                    role_group(role, object),
                    (&p.scope, &tier),
                    (ANY, ANY),
                    h.window,
                );
                reaches.push(Reach {
                    sub: h.sub,
                    window: h.window,
                    cust: ANY.into(),
                    scope: p.scope,
                    tier: tier.clone(),
                });
            }
        }
        // Temporary scope grants: to an employee they widen all the employee's roles (and
        // make the record reachable even without roles); to a role, that role.
        for g in s.grants.values() {
            let GrantWhat::Scope {
                object: o,
                scope,
                max_tier,
            } = &g.what
            else {
                continue;
            };
            let w = Window::of(g);
            if o != object || *scope == Scope::None || w.is_empty() {
                continue;
            }
            let tier = self.reach_tier(max_tier);
            let cust = self.grant_customers(g);
            match &g.subject {
                GrantSubject::Employee(e) => {
                    if !self.perm_roles.contains_key(e) {
                        continue;
                    }
                    self.allow(
                        e.to_string(),
                        ANY.into(),
                        object,
                        row_group(object),
                        (scope, &tier),
                        (&cust, ANY),
                        w,
                    );
                    for (role, hw) in self.holdings_of_employee(e) {
                        self.role_groups.insert((role.clone(), object.clone()));
                        self.allow(
                            e.to_string(),
                            ANY.into(),
                            object,
                            role_group(&role, object),
                            (scope, &tier),
                            (&cust, ANY),
                            w.and(hw),
                        );
                    }
                    reaches.push(Reach {
                        sub: e.to_string(),
                        window: w,
                        cust,
                        scope: *scope,
                        tier,
                    });
                }
                GrantSubject::Role(role) => {
                    if !s.roles.contains_key(role) {
                        continue;
                    }
                    for h in self.holdings_of_role(role) {
                        self.role_groups.insert((role.clone(), object.clone()));
                        self.allow(
                            h.sub.clone(),
                            ANY.into(),
                            object,
                            role_group(role, object),
                            (scope, &tier),
                            (&cust, ANY),
                            w.and(h.window),
                        );
                        reaches.push(Reach {
                            sub: h.sub,
                            window: w.and(h.window),
                            cust: cust.clone(),
                            scope: *scope,
                            tier: tier.clone(),
                        });
                    }
                }
            }
        }
        reaches
    }

    /// Temporary field and action grants on `object`: each applies only on records reached
    /// some way, so each becomes one line per way of reaching.
    fn grants(&mut self, object: &ObjectId, reaches: &[Reach]) {
        let s = self.s;
        for g in s.grants.values() {
            let grp = format!("grant:{}", g.id);
            let asks: Vec<String> = match &g.what {
                GrantWhat::Field { field, level } => match s.fields.get(field) {
                    Some(f) if &f.object == object => above(Level::Hidden, *level)
                        .flat_map(|l| [field_ask(field, l), field_approval_ask(field, l)])
                        .collect(),
                    _ => continue,
                },
                GrantWhat::Action {
                    object: o,
                    action,
                    effect,
                } if o == object => effects_up_to(*effect)
                    .map(|e| action_ask(object, *action, e))
                    .collect(),
                _ => continue,
            };
            let w = Window::of(g);
            if asks.is_empty() || w.is_empty() {
                continue;
            }
            let holders: Vec<Holding> = match &g.subject {
                GrantSubject::Employee(e) if self.perm_roles.contains_key(e) => vec![Holding {
                    sub: e.to_string(),
                    window: Window::ALWAYS,
                }],
                GrantSubject::Role(r) if s.roles.contains_key(r) => self.holdings_of_role(r),
                _ => continue,
            };
            let cust2 = self.grant_customers(g);
            for a in asks {
                self.link(a, grp.clone(), "ask");
            }
            for d in reaches {
                for h in &holders {
                    let Some((sub, sub2)) = self.both(&d.sub, &h.sub) else {
                        continue;
                    };
                    self.allow(
                        sub,
                        sub2,
                        object,
                        grp.clone(),
                        (&d.scope, &d.tier),
                        (&d.cust, &cust2),
                        d.window.and(w).and(h.window),
                    );
                }
            }
        }
    }

    /// Deny lines of a guardrail on `object` answering the questions of `grp`, with its tier
    /// and rank conditions.
    fn deny(&mut self, object: &ObjectId, grp: &str, min_tier: Option<u32>, below: Option<u32>) {
        let tier = match min_tier {
            None => ANY.to_owned(),
            Some(k) => {
                self.lt.insert(k);
                format!("lt:{k}")
            }
        };
        let line = |sub: String, sub2: String, window: (String, String)| Line {
            sub,
            sub2,
            obj: object.to_string(),
            grp: grp.to_owned(),
            scope: ANY.into(),
            tier: tier.clone(),
            cust: ANY.into(),
            cust2: ANY.into(),
            window,
            allow: false,
        };
        let open = (OPEN_FROM.to_owned(), OPEN_UNTIL.to_owned());
        let Some(b) = below else {
            let l = line(ANY.into(), ANY.into(), open);
            self.push(l);
            return;
        };
        if b == 0 {
            // Nobody's rank is below 0.
            return;
        }
        let rank_group = format!("rank>={b}");
        let base = line(ANY.into(), rank_group.clone(), open);
        self.push(base);
        // Employees who reach rank b only through temporary role grants: the guardrail
        // applies to them outside those grants' windows.
        let mut extra: Vec<(EmployeeId, Vec<Window>)> = self
            .perm_rank
            .iter()
            .filter(|(_, r)| **r >= b)
            .map(|(e, _)| (e.clone(), Vec::new()))
            .collect();
        let mut temp: BTreeMap<&EmployeeId, Vec<Window>> = BTreeMap::new();
        for t in &self.temps {
            if t.rank >= b && self.perm_rank.get(&t.employee).is_some_and(|r| *r < b) {
                temp.entry(&t.employee).or_default().push(t.window);
            }
        }
        extra.extend(
            temp.into_iter()
                .map(|(e, ws)| (e.clone(), Window::complement(ws))),
        );
        for (e, gaps) in extra {
            self.link(e.to_string(), rank_group.clone(), "holder");
            for gap in gaps {
                if let Some(keys) = gap.keys() {
                    let l = line(e.to_string(), ANY.into(), keys);
                    self.push(l);
                }
            }
        }
    }

    fn guardrails(&mut self) {
        let s = self.s;
        for g in s.guardrails.values() {
            let w = &g.when;
            let objects: Vec<&ObjectId> = s
                .objects
                .keys()
                .filter(|o| w.object.as_ref().is_none_or(|x| x == *o))
                .collect();
            let min_tier = w.min_tier.as_ref().map(|t| self.tier_rank(t));
            let grp = format!("cap:{}", g.id);
            match &g.effect {
                GuardrailEffect::CapLevel { level: cap } => {
                    for object in objects {
                        let fields: Vec<&Field> = s
                            .fields_of(object)
                            .filter(|f| {
                                w.min_sensitivity.is_none_or(|m| f.sensitivity >= m)
                                    && (w.fields.is_empty() || w.fields.contains(&f.id))
                            })
                            .collect();
                        let mut any = false;
                        for f in fields {
                            for l in Level::ALL.iter().filter(|l| *l > cap) {
                                any = true;
                                self.link(field_ask(&f.id, *l), grp.clone(), "ask");
                                self.link(field_approval_ask(&f.id, *l), grp.clone(), "ask");
                            }
                        }
                        if any {
                            self.deny(object, &grp, min_tier, w.below_rank);
                        }
                    }
                }
                GuardrailEffect::CapAction { action, max, .. } => {
                    for object in objects {
                        let mut any = false;
                        for e in Effect::ALL.iter().filter(|e| *e > max) {
                            any = true;
                            self.link(action_ask(object, *action, *e), grp.clone(), "ask");
                        }
                        if any {
                            self.deny(object, &grp, min_tier, w.below_rank);
                        }
                    }
                }
                // Not decision values a Casbin enforcer returns (docs/exports-casbin.md).
                GuardrailEffect::ExportExclude | GuardrailEffect::BulkThreshold { .. } => {}
            }
        }
    }

    /// The questions each used role group answers: the row, its cells, its actions.
    fn role_group_links(&mut self) {
        let s = self.s;
        let groups: Vec<(RoleId, ObjectId)> = self.role_groups.iter().cloned().collect();
        for (role, object) in groups {
            let grp = role_group(&role, &object);
            self.link(row_ask(&object), grp.clone(), "ask");
            for f in s.fields_of(&object) {
                let cell = s.cell(&role, &f.id);
                for l in above(Level::Hidden, cell.level) {
                    self.link(field_ask(&f.id, l), grp.clone(), "ask");
                }
                let gated = cell.approval.unwrap_or(Level::Hidden).max(cell.level);
                for l in above(Level::Hidden, gated) {
                    self.link(field_approval_ask(&f.id, l), grp.clone(), "ask");
                }
            }
            if let Some(p) = s.policies.get(&crate::model::PolicyKey {
                role: role.clone(),
                object: object.clone(),
            }) {
                for a in Action::ALL {
                    for e in effects_up_to(p.action(*a)) {
                        self.link(action_ask(&object, *a, e), grp.clone(), "ask");
                    }
                }
            }
        }
        for object in s.objects.keys() {
            self.link(row_ask(object), row_group(object), "ask");
        }
    }

    /// Employees' roles, managers, departments; tier groups.
    fn org_links(&mut self) {
        let s = self.s;
        let perm: Vec<(EmployeeId, BTreeSet<RoleId>)> = self
            .perm_roles
            .iter()
            .map(|(e, r)| (e.clone(), r.clone()))
            .collect();
        for (e, roles) in perm {
            for r in roles {
                self.link(e.to_string(), role_sub(&r), "holder");
            }
            if let Some(emp) = s.employees.get(&e) {
                if s.departments.contains_key(&emp.department) {
                    self.link(e.to_string(), format!("in:{}", emp.department), "org");
                }
            }
        }
        // Every employee (whatever their status: they may own records) -> every manager above.
        for e in s.employees.values() {
            let mut seen = HashSet::new();
            let mut cur = e.manager.clone();
            while let Some(m) = cur {
                if m == e.id || !seen.insert(m.clone()) {
                    break;
                }
                cur = s.employees.get(&m).and_then(|x| x.manager.clone());
                if s.employees.contains_key(&m) {
                    self.link(e.id.to_string(), m.to_string(), "manager");
                }
            }
        }
        // Each department -> itself and every department below it.
        for d in s.departments.values() {
            let mut seen = HashSet::new();
            let mut cur = Some(d.id.clone());
            while let Some(a) = cur {
                if !seen.insert(a.clone()) {
                    break;
                }
                self.link(format!("in:{a}"), format!("tree:{}", d.id), "org");
                cur = s.departments.get(&a).and_then(|x| x.parent.clone());
            }
        }
        let (le, lt) = (self.le.clone(), self.lt.clone());
        for t in s.tiers.values() {
            for k in le.iter().filter(|k| t.rank <= **k) {
                self.link(t.id.to_string(), format!("le:{k}"), "tier");
            }
            for k in lt.iter().filter(|k| t.rank < **k) {
                self.link(t.id.to_string(), format!("lt:{k}"), "tier");
            }
        }
    }

    fn build(mut self) -> Result<String, ExportError> {
        self.check_role_counts()?;
        self.guardrails();
        let objects: Vec<ObjectId> = self.s.objects.keys().cloned().collect();
        for object in &objects {
            let reaches = self.coverage(object);
            self.grants(object, &reaches);
        }
        self.role_group_links();
        self.org_links();
        Ok(self.render())
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "# permgrid -> Casbin export: p lines (deny lines first), then g lines.\n\
             # p = sub, sub2, obj, grp, scope, tier, cust, cust2, from, until, eft (see model.conf)\n",
        );
        let deny = self.lines.iter().filter(|l| !l.allow);
        let allow = self.lines.iter().filter(|l| l.allow);
        for l in deny.chain(allow) {
            out.push_str(&format!(
                "p, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}\n",
                l.sub,
                l.sub2,
                l.obj,
                l.grp,
                l.scope,
                l.tier,
                l.cust,
                l.cust2,
                l.window.0,
                l.window.1,
                if l.allow { "allow" } else { "deny" }
            ));
        }
        for (a, b, d) in &self.links {
            out.push_str(&format!("g, {a}, {b}, {d}\n"));
        }
        out
    }
}

/// Levels above `low` up to `high`, lowest first.
fn above(low: Level, high: Level) -> impl Iterator<Item = Level> {
    Level::ALL
        .iter()
        .copied()
        .filter(move |l| *l > low && *l <= high)
}

/// Effects `approval` and `allow` up to `e`.
fn effects_up_to(e: Effect) -> impl Iterator<Item = Effect> {
    Effect::ALL
        .iter()
        .copied()
        .filter(move |x| *x > Effect::Deny && *x <= e)
}

/// The highest rank among `roles` (0 when none).
fn max_rank(s: &Snapshot, roles: &BTreeSet<RoleId>) -> u32 {
    roles
        .iter()
        .filter_map(|r| s.roles.get(r))
        .map(|r| r.rank)
        .max()
        .unwrap_or(0)
}

/// A role set and every role it inherits, transitively (unknown roles dropped).
fn closure(s: &Snapshot, start: &[RoleId]) -> BTreeSet<RoleId> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<RoleId> = start.to_vec();
    while let Some(r) = stack.pop() {
        if let Some(role) = s.roles.get(&r) {
            if out.insert(r) {
                stack.extend(role.inherits.iter().cloned());
            }
        }
    }
    out
}

/// The files of the casbin export: `model.conf` and `policy.csv`.
///
/// The policy carries the organisation (who holds which role, managers, departments), so the
/// bundle must include its org snapshot.
pub fn files(snap: &Snapshot, policy: &PolicyDoc) -> Result<BTreeMap<String, String>, ExportError> {
    if policy.org.is_none() {
        return Err(ExportError::Unsupported {
            target: "casbin",
            reason: "the policy names employees' roles, managers and departments; build the bundle with its org snapshot".into(),
        });
    }
    let csv = Builder::new(snap).build()?;
    Ok(BTreeMap::from([
        (MODEL_FILE.to_owned(), MODEL.to_owned()),
        (POLICY_FILE.to_owned(), csv),
    ]))
}

/// A Casbin enforcer (casbin-rs) loaded with the export, answering permgrid's questions.
#[cfg(feature = "engines")]
pub struct CasbinEngine {
    enforcer: ::casbin::Enforcer,
}

#[cfg(feature = "engines")]
impl CasbinEngine {
    /// Builds an enforcer from the export's `model.conf` and `policy.csv`, in memory.
    /// Safe to call from inside an async runtime (the build runs on its own thread).
    pub fn load(files: &BTreeMap<String, String>) -> Result<Self, ExportError> {
        let refused = |reason: String| ExportError::Engine {
            target: "casbin",
            reason,
        };
        let model = files
            .get(MODEL_FILE)
            .ok_or_else(|| refused(format!("missing `{MODEL_FILE}`")))?
            .clone();
        let policy = files
            .get(POLICY_FILE)
            .ok_or_else(|| refused(format!("missing `{POLICY_FILE}`")))?
            .clone();
        let build = move || -> Result<::casbin::Enforcer, String> {
            use ::casbin::CoreApi;
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| e.to_string())?;
            let e = rt.block_on(async move {
                let m = ::casbin::DefaultModel::from_str(&model)
                    .await
                    .map_err(|e| e.to_string())?;
                ::casbin::Enforcer::new(m, ::casbin::StringAdapter::new(policy))
                    .await
                    .map_err(|e| e.to_string())
            })?;
            // One request, so that a model or policy casbin-rs cannot evaluate (a request or
            // policy line of another shape, an effect it does not support: casbin-rs panics on
            // those) fails here, on this thread, and not when deciding.
            e.enforce(vec![String::new(); 8])
                .map_err(|e| format!("the enforcer cannot evaluate a request: {e}"))?;
            Ok(e)
        };
        // A tokio runtime cannot be started on a thread that is already running one; a panic
        // inside casbin-rs stays on that thread.
        let enforcer = std::thread::scope(|sc| sc.spawn(build).join())
            .map_err(|_| refused("casbin-rs panicked while loading the export".into()))?
            .map_err(refused)?;
        Ok(CasbinEngine { enforcer })
    }

    /// Whether the enforcer allows a request (see [`request`]).
    pub fn allows(&self, request: Vec<String>) -> Result<bool, String> {
        use ::casbin::CoreApi;
        self.enforcer.enforce(request).map_err(|e| e.to_string())
    }

    fn ask(
        &self,
        employee: &EmployeeId,
        record: &RecordRef<'_>,
        ask: String,
        at: DateTime<Utc>,
    ) -> Result<bool, String> {
        let req = request(employee, record, ask, at)
            .ok_or_else(|| format!("time {at} is outside the years 0000-9999"))?;
        self.allows(req)
    }

    /// The effective level of `field` (two requests: binary search over masked, read, edit).
    /// With `approved`, the level the employee would have with approval-gated cells approved.
    pub fn level(
        &self,
        employee: &EmployeeId,
        record: &RecordRef<'_>,
        field: &FieldId,
        at: DateTime<Utc>,
        approved: bool,
    ) -> Result<Level, String> {
        let ask = |l: Level| {
            let q = if approved {
                field_approval_ask(field, l)
            } else {
                field_ask(field, l)
            };
            self.ask(employee, record, q, at)
        };
        Ok(if ask(Level::Read)? {
            if ask(Level::Edit)? {
                Level::Edit
            } else {
                Level::Read
            }
        } else if ask(Level::Masked)? {
            Level::Masked
        } else {
            Level::Hidden
        })
    }

    /// The effect of `action` (one or two requests).
    pub fn effect(
        &self,
        employee: &EmployeeId,
        record: &RecordRef<'_>,
        action: Action,
        at: DateTime<Utc>,
    ) -> Result<Effect, String> {
        let ask = |e: Effect| self.ask(employee, record, action_ask(record.object, action, e), at);
        Ok(if ask(Effect::Allow)? {
            Effect::Allow
        } else if ask(Effect::Approval)? {
            Effect::Approval
        } else {
            Effect::Deny
        })
    }

    /// Whether the record is in the employee's view at all.
    pub fn reaches(
        &self,
        employee: &EmployeeId,
        record: &RecordRef<'_>,
        at: DateTime<Utc>,
    ) -> Result<bool, String> {
        self.ask(employee, record, row_ask(record.object), at)
    }
}

#[cfg(feature = "engines")]
impl super::Engine for CasbinEngine {
    fn name(&self) -> String {
        "casbin 2.20".into()
    }

    fn answer(&self, p: &super::Probe) -> Result<super::Answer, String> {
        let r = &p.record;
        let object = ObjectId::trusted(crate::model::CUSTOMER_OBJECT);
        let record = RecordRef {
            object: &object,
            id: &r.id,
            owner: &r.owner,
            department: &r.department,
            tier: &r.tier,
        };
        let e = &p.employee;
        match &p.ask {
            super::Ask::Field(f) => self
                .level(e, &record, f, p.at, false)
                .map(super::Answer::Level),
            super::Ask::Action(a) => self.effect(e, &record, *a, p.at).map(super::Answer::Effect),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, h, 0, 0).unwrap()
    }
    fn w(a: Option<u32>, b: Option<u32>) -> Window {
        Window {
            from: a.map(t),
            until: b.map(t),
        }
    }

    #[test]
    fn time_keys_sort_like_times() {
        let a = time_key(t(1)).unwrap();
        let b = time_key(t(1) + chrono::Duration::nanoseconds(1)).unwrap();
        assert_eq!(a, "2026-01-01T01:00:00.000000000Z");
        assert!(a < b && OPEN_FROM < a.as_str() && b.as_str() < OPEN_UNTIL);
        assert_eq!(
            time_key(Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap()),
            None,
            "years past 9999 would not sort"
        );
    }

    #[test]
    fn complement_of_windows() {
        assert_eq!(
            Window::complement(vec![
                w(Some(5), Some(7)),
                w(Some(1), Some(3)),
                w(Some(2), Some(4))
            ]),
            vec![w(None, Some(1)), w(Some(4), Some(5)), w(Some(7), None)]
        );
        assert_eq!(
            Window::complement(vec![w(None, Some(3)), w(Some(3), None)]),
            vec![],
            "touching windows cover everything"
        );
        assert_eq!(Window::complement(vec![]), vec![Window::ALWAYS]);
    }
}
