//! Decisions: what an employee may see of a field of a record, and may do with a record,
//! at a given time — the semantics of DESIGN.md section 1, exactly:
//!
//! 1. an employee who is not `active` gets nothing;
//! 2. their roles are the assigned ones, the `inherits` closure, and temporary role grants
//!    valid now (with their closure);
//! 3. a role *covers* a record when its row scope on the record's object includes the
//!    record's owner / department and its tier reach includes the record's tier; a temporary
//!    scope grant widens coverage (an employee grant for all the employee's roles, a role grant
//!    for that role) and makes the record reachable;
//! 4. the level is the max over covering roles of their cell, then the max with temporary
//!    field grants valid now (only on reachable records: a field grant never makes a row
//!    visible), then the min with every guardrail cap that applies; a record nothing covers is
//!    not in the view at all;
//! 5. actions likewise: max over covering roles and temporary action grants, then guardrail
//!    caps (which may also raise alerts); bulk exports add record-count thresholds.
//!
//! Time is a parameter; nothing here reads the clock or does I/O. Anything unknown fails
//! closed. [`Policy`] is the compiled form; [`explain`] gives the reasons of a decision.
//! Called by `simulate`, `api` and (later) the bundle evaluator.

mod compile;
pub mod explain;
pub mod mask;
pub mod reference;

use chrono::{DateTime, Utc};

use crate::model::{Action, Customer, CustomerId, Effect, GuardrailEffect, Level, Scope, Status};

pub use compile::{
    CompiledGrant, CompiledGuardrail, CompiledScope, DeptIx, EmpIx, FieldInfo, FieldIx, GrantKind,
    ObjIx, PackedCell, Policy, RoleIx,
};

/// Who is asking, resolved at one instant: roles (closure, with temporary role grants),
/// highest rank, and the temporary grants in force that apply to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `None` for a simulated set of roles.
    pub emp: Option<EmpIx>,
    pub active: bool,
    pub dept: Option<DeptIx>,
    /// Sorted, unique.
    pub roles: Vec<RoleIx>,
    /// Roles held only through a temporary role grant: (role, grant index).
    pub temporary_roles: Vec<(RoleIx, u32)>,
    /// Highest rank over `roles` (0 when none).
    pub max_rank: u32,
    /// Grants in force that give a scope, a field level or an action (indices into [`Policy::grants`]).
    pub grants: Vec<u32>,
}

/// A record as decisions see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rec<'a> {
    pub id: &'a CustomerId,
    pub object: ObjIx,
    pub owner: Option<EmpIx>,
    pub dept: Option<DeptIx>,
    /// `None` when the tier is unknown: reached only by scopes that reach every tier.
    pub tier_rank: Option<u32>,
}

/// The outcome of an action decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    pub effect: Effect,
    /// A sensitive-operation alert is raised when the action is performed.
    pub alert: bool,
    /// Approvals needed when `effect` is `approval` (at least 1).
    pub approvals: u32,
    /// Guardrails that capped the action or raise its alert.
    pub guardrails: Vec<u16>,
}

/// The outcome of exporting a set of records in bulk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    pub effect: Effect,
    pub alert: bool,
    pub approvals: u32,
    /// Records the export would contain (those the subject reaches).
    pub records: u32,
    /// Fields dropped from the export by export-exclude guardrails.
    pub excluded_fields: Vec<FieldIx>,
    pub guardrails: Vec<u16>,
}

impl Policy {
    /// The subject for employee `emp` at `now`.
    pub fn subject(&self, emp: EmpIx, now: DateTime<Utc>) -> Subject {
        let Some(info) = self.employees.get(emp as usize) else {
            return Subject::nobody();
        };
        let mut roles = self.closure(&info.roles);
        let own_grants: &[u32] = self
            .grants_by_emp
            .get(emp as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut temporary_roles = Vec::new();
        for &gi in own_grants {
            if let Some(g) = self.grants.get(gi as usize) {
                if let GrantKind::Role(r) = g.what {
                    if g.source.valid_at(now) && g.customers.is_empty() {
                        for x in self
                            .role_closure
                            .get(usize::from(r))
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                        {
                            if roles.binary_search(x).is_err() {
                                temporary_roles.push((*x, gi));
                            }
                        }
                    }
                }
            }
        }
        for (r, _) in &temporary_roles {
            if let Err(pos) = roles.binary_search(r) {
                roles.insert(pos, *r);
            }
        }
        let mut subject = Subject {
            emp: Some(emp),
            active: info.status == Status::Active,
            dept: info.dept,
            max_rank: 0,
            temporary_roles,
            grants: Vec::new(),
            roles,
        };
        self.finish(&mut subject, own_grants, now);
        subject
    }

    /// A simulated subject holding `roles` (and their closure), in department `dept`, owning nothing.
    pub fn subject_for_roles(
        &self,
        roles: &[RoleIx],
        dept: Option<DeptIx>,
        now: DateTime<Utc>,
    ) -> Subject {
        let mut subject = Subject {
            emp: None,
            active: true,
            dept,
            roles: self.closure(roles),
            temporary_roles: Vec::new(),
            max_rank: 0,
            grants: Vec::new(),
        };
        self.finish(&mut subject, &[], now);
        subject
    }

    fn closure(&self, assigned: &[RoleIx]) -> Vec<RoleIx> {
        let mut roles: Vec<RoleIx> = assigned
            .iter()
            .flat_map(|r| {
                self.role_closure
                    .get(usize::from(*r))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    fn finish(&self, s: &mut Subject, own_grants: &[u32], now: DateTime<Utc>) {
        s.max_rank = s
            .roles
            .iter()
            .filter_map(|r| self.role_rank.get(usize::from(*r)))
            .copied()
            .max()
            .unwrap_or(0);
        let by_role = s.roles.iter().flat_map(|r| {
            self.grants_by_role
                .get(usize::from(*r))
                .map(Vec::as_slice)
                .unwrap_or(&[])
        });
        let mut grants: Vec<u32> = own_grants
            .iter()
            .chain(by_role)
            .copied()
            .filter(|gi| {
                self.grants.get(*gi as usize).is_some_and(|g| {
                    g.source.valid_at(now) && !matches!(g.what, GrantKind::Role(_))
                })
            })
            .collect();
        grants.sort_unstable();
        grants.dedup();
        s.grants = grants;
    }

    /// The record form of a customer (of the `customer` object).
    pub fn record<'a>(&self, c: &'a Customer) -> Rec<'a> {
        Rec {
            id: &c.id,
            object: self
                .object_ix
                .get(crate::model::CUSTOMER_OBJECT)
                .copied()
                .unwrap_or(u16::MAX),
            owner: self.emp_ix.get(&c.owner).copied(),
            dept: self.dept_ix.get(&c.department).copied(),
            tier_rank: self.tier_rank.get(&c.tier).copied(),
        }
    }

    /// Whether a row scope reaches a record for a subject.
    #[inline]
    pub fn scope_covers(
        &self,
        s: &Subject,
        scope: Scope,
        max_tier_rank: Option<u32>,
        rec: &Rec<'_>,
    ) -> bool {
        if let Some(max) = max_tier_rank {
            match rec.tier_rank {
                Some(t) if t <= max => {}
                _ => return false,
            }
        }
        match scope {
            Scope::None => false,
            Scope::Own => s.emp.is_some() && rec.owner == s.emp,
            Scope::Team => match (s.emp, rec.owner) {
                (Some(boss), Some(owner)) => self.manages(boss, owner),
                _ => false,
            },
            Scope::Department => s.dept.is_some() && rec.dept == s.dept,
            Scope::DepartmentTree => match (rec.dept, s.dept) {
                (Some(inner), Some(outer)) => self.dept_within(inner, outer),
                _ => false,
            },
            Scope::All => true,
        }
    }

    /// Whether the role's own policy covers the record.
    #[inline]
    pub fn role_covers(&self, s: &Subject, role: RoleIx, rec: &Rec<'_>) -> bool {
        self.scope(role, rec.object)
            .is_some_and(|sc| self.scope_covers(s, sc.scope, sc.max_tier_rank, rec))
    }

    /// Whether grant `gi` applies to `rec` (its customer list, if any, names the record).
    #[inline]
    pub fn grant_applies(&self, gi: u32, rec: &Rec<'_>) -> bool {
        self.grants
            .get(gi as usize)
            .is_some_and(|g| g.customers.is_empty() || g.customers.binary_search(rec.id).is_ok())
    }

    /// Roles a temporary scope grant `gi` widens for the subject.
    fn scope_grant_roles<'s>(
        &'s self,
        s: &'s Subject,
        gi: u32,
    ) -> impl Iterator<Item = RoleIx> + 's {
        let role_subject = self
            .grants
            .get(gi as usize)
            .and_then(|g| match &g.source.subject {
                crate::model::GrantSubject::Role(r) => self.role_ix.get(r).copied(),
                crate::model::GrantSubject::Employee(_) => None,
            });
        s.roles
            .iter()
            .copied()
            .filter(move |r| role_subject.is_none_or(|x| x == *r))
    }

    /// A bitset of which of the subject's roles cover the record (bit i = `s.roles[i]`),
    /// and whether the record is reachable at all. Subjects with more than 64 roles fall
    /// back to [`Policy::reaches`]-style evaluation in callers.
    #[inline]
    pub fn coverage(&self, s: &Subject, rec: &Rec<'_>) -> (u64, bool) {
        let mut mask = 0u64;
        for (i, r) in s.roles.iter().enumerate().take(64) {
            if self.role_covers(s, *r, rec) {
                mask |= 1 << i;
            }
        }
        let mut reached = mask != 0;
        for &gi in &s.grants {
            let Some(g) = self.grants.get(gi as usize) else {
                continue;
            };
            if let GrantKind::Scope(o, scope, max) = g.what {
                if o == rec.object
                    && self.grant_applies(gi, rec)
                    && self.scope_covers(s, scope, max, rec)
                {
                    reached = true;
                    for r in self.scope_grant_roles(s, gi) {
                        if let Ok(i) = s.roles.binary_search(&r) {
                            if i < 64 {
                                mask |= 1 << i;
                            }
                        }
                    }
                }
            }
        }
        (mask, reached)
    }

    /// Whether the record is in the subject's view at all.
    pub fn reaches(&self, s: &Subject, rec: &Rec<'_>) -> bool {
        s.active && self.coverage(s, rec).1
    }

    /// Whether a guardrail's record-time conditions (object, tier, rank) hold.
    #[inline]
    pub fn guardrail_holds(&self, g: &CompiledGuardrail, s: &Subject, rec: &Rec<'_>) -> bool {
        let obj_ok = g.object.is_none_or(|o| o == rec.object);
        let tier_ok = match g.min_tier_rank {
            None => true,
            // An unknown record tier counts as the highest (fail closed).
            Some(min) => rec.tier_rank.is_none_or(|t| t >= min),
        };
        let rank_ok = g.below_rank.is_none_or(|b| s.max_rank < b);
        obj_ok && tier_ok && rank_ok
    }

    /// The level of `field` of `rec` for the subject, from a coverage bitset.
    #[inline]
    pub fn level_with(
        &self,
        s: &Subject,
        rec: &Rec<'_>,
        field: FieldIx,
        mask: u64,
        reached: bool,
    ) -> Level {
        let Some(f) = self.fields.get(field as usize) else {
            return Level::Hidden;
        };
        if !s.active || !reached || f.object != rec.object {
            return Level::Hidden;
        }
        let mut level = Level::Hidden;
        let mut bits = mask;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(r) = s.roles.get(i) {
                level = level.max(self.cell(*r, field).level());
            }
        }
        for &gi in &s.grants {
            if let Some(g) = self.grants.get(gi as usize) {
                if let GrantKind::Field(gf, l) = g.what {
                    if gf == field && self.grant_applies(gi, rec) {
                        level = level.max(l);
                    }
                }
            }
        }
        for &gi in &f.caps {
            if let Some(g) = self.guardrails.get(usize::from(gi)) {
                if let GuardrailEffect::CapLevel { level: cap } = g.effect {
                    if self.guardrail_holds(g, s, rec) {
                        level = level.min(cap);
                    }
                }
            }
        }
        level
    }

    /// The level of `field` of `rec` for the subject.
    #[inline]
    pub fn level(&self, s: &Subject, rec: &Rec<'_>, field: FieldIx) -> Level {
        if !s.active {
            return Level::Hidden;
        }
        let (mask, reached) = self.coverage(s, rec);
        self.level_with(s, rec, field, mask, reached)
    }

    /// The outcome of `action` on `rec` for the subject.
    pub fn action(&self, s: &Subject, rec: &Rec<'_>, action: Action) -> ActionOutcome {
        let denied = ActionOutcome {
            effect: Effect::Deny,
            alert: false,
            approvals: 0,
            guardrails: Vec::new(),
        };
        if !s.active {
            return denied;
        }
        let (mask, reached) = self.coverage(s, rec);
        if !reached {
            return denied;
        }
        self.action_with(s, rec, action, mask)
    }

    /// [`Policy::action`] from a coverage bitset of a reached record.
    pub fn action_with(
        &self,
        s: &Subject,
        rec: &Rec<'_>,
        action: Action,
        mask: u64,
    ) -> ActionOutcome {
        let mut effect = Effect::Deny;
        let mut bits = mask;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(sc) = s.roles.get(i).and_then(|r| self.scope(*r, rec.object)) {
                effect = effect.max(
                    sc.actions
                        .get(action.index())
                        .copied()
                        .unwrap_or(Effect::Deny),
                );
            }
        }
        for &gi in &s.grants {
            if let Some(g) = self.grants.get(gi as usize) {
                if let GrantKind::Action(o, a, e) = g.what {
                    if o == rec.object && a == action && self.grant_applies(gi, rec) {
                        effect = effect.max(e);
                    }
                }
            }
        }
        let mut alert = false;
        let mut guardrails = Vec::new();
        let list: &[u16] = self
            .action_guardrails
            .get(usize::from(rec.object))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for &gi in list {
            let Some(g) = self.guardrails.get(usize::from(gi)) else {
                continue;
            };
            if let GuardrailEffect::CapAction {
                action: a,
                max,
                alert: al,
            } = g.effect
            {
                if a == action && self.guardrail_holds(g, s, rec) {
                    if effect > max {
                        effect = max;
                        guardrails.push(gi);
                    } else if al && effect != Effect::Deny {
                        guardrails.push(gi);
                    }
                    alert |= al;
                }
            }
        }
        // An alert is raised by performing the action: a denied action raises none,
        // whatever order the guardrails come in.
        if effect == Effect::Deny {
            alert = false;
        }
        ActionOutcome {
            approvals: u32::from(effect == Effect::Approval),
            effect,
            alert,
            guardrails,
        }
    }

    /// Exporting `recs` in bulk: the weakest per-record `bulk_export` outcome over the records
    /// the subject reaches, then record-count thresholds; export-exclude guardrails drop fields.
    pub fn bulk_export(&self, s: &Subject, object: ObjIx, recs: &[Rec<'_>]) -> BulkOutcome {
        let mut effect = Effect::Allow;
        let mut alert = false;
        let mut approvals = 0u32;
        let mut guardrails: Vec<u16> = Vec::new();
        let mut n = 0u32;
        let mut highest_tier: Option<u32> = None;
        for rec in recs.iter().filter(|r| r.object == object) {
            let (mask, reached) = self.coverage(s, rec);
            if !s.active || !reached {
                continue;
            }
            n = n.saturating_add(1);
            highest_tier = highest_tier.max(rec.tier_rank);
            let o = self.action_with(s, rec, Action::BulkExport, mask);
            effect = effect.min(o.effect);
            alert |= o.alert;
            approvals = approvals.max(o.approvals);
            for g in o.guardrails {
                if !guardrails.contains(&g) {
                    guardrails.push(g);
                }
            }
        }
        if n == 0 {
            effect = Effect::Deny;
        }
        let list: &[u16] = self
            .action_guardrails
            .get(usize::from(object))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for &gi in list {
            let Some(g) = self.guardrails.get(usize::from(gi)) else {
                continue;
            };
            if let GuardrailEffect::BulkThreshold {
                over_records,
                approvals: need,
                alert: al,
            } = g.effect
            {
                let tier_ok = g
                    .min_tier_rank
                    .is_none_or(|m| highest_tier.is_none_or(|t| t >= m));
                let rank_ok = g.below_rank.is_none_or(|b| s.max_rank < b);
                if n > over_records && tier_ok && rank_ok && effect != Effect::Deny {
                    effect = effect.min(Effect::Approval);
                    approvals = approvals.max(need.max(1));
                    alert |= al;
                    guardrails.push(gi);
                }
            }
        }
        if effect == Effect::Deny {
            alert = false;
            approvals = 0;
        }
        let excluded_fields = self
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.object == object)
            .filter(|(_, f)| {
                f.export_excludes.iter().any(|gi| {
                    self.guardrails.get(usize::from(*gi)).is_some_and(|g| {
                        let tier_ok = g
                            .min_tier_rank
                            .is_none_or(|m| highest_tier.is_none_or(|t| t >= m));
                        let rank_ok = g.below_rank.is_none_or(|b| s.max_rank < b);
                        tier_ok && rank_ok
                    })
                })
            })
            .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        BulkOutcome {
            effect,
            alert,
            approvals,
            records: n,
            excluded_fields,
            guardrails,
        }
    }
}

impl Subject {
    /// A subject that holds nothing and sees nothing.
    pub fn nobody() -> Subject {
        Subject {
            emp: None,
            active: false,
            dept: None,
            roles: Vec::new(),
            temporary_roles: Vec::new(),
            max_rank: 0,
            grants: Vec::new(),
        }
    }
}
