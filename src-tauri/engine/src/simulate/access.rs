//! Access queries: who can see a field (and at what level, why), and what one employee can
//! see, field by field. Record-independent: "on some customer of tier T they reach".

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::decide::{FieldInfo, FieldIx, GrantKind, ObjIx, Policy, RoleIx, Subject};
use crate::model::{
    DeptId, EmployeeId, FieldId, GrantId, GuardrailEffect, GuardrailId, Level, RoleId, Scope,
    Sensitivity, Snapshot, TierId,
};

/// A level on one tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TierLevel {
    pub tier: TierId,
    pub level: Level,
}

/// One employee's access to a field, with reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccessEntry {
    pub employee: EmployeeId,
    pub name: String,
    pub department: DeptId,
    /// The highest level over the tiers considered.
    pub level: Level,
    pub tiers: Vec<TierLevel>,
    /// Roles that give the highest level, with their row scope.
    pub roles: Vec<(RoleId, Scope)>,
    /// Temporary grants that contribute.
    pub grants: Vec<GrantId>,
    /// Guardrails that lower it on some tier.
    pub capped_by: Vec<GuardrailId>,
}

/// The answer to "who can see field F".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WhoCan {
    pub field: FieldId,
    pub min_level: Level,
    pub tier: Option<TierId>,
    pub at: DateTime<Utc>,
    /// Active employees considered.
    pub considered: u32,
    /// Those at or above `min_level`, highest level first.
    pub entries: Vec<AccessEntry>,
}

/// One field of "what can E see".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldAccess {
    pub field: FieldId,
    pub label_zh: String,
    pub label_en: String,
    pub sensitivity: Sensitivity,
    pub level: Level,
    pub tiers: Vec<TierLevel>,
}

struct TierOutcome {
    level: Level,
    roles: Vec<RoleIx>,
    grants: Vec<u32>,
    caps: Vec<u16>,
}

impl Policy {
    /// The level of `field` for the subject on a customer of tier rank `tier_rank` that its
    /// scopes reach (ignoring ownership and department, which depend on the record).
    fn level_on_tier(&self, s: &Subject, field: FieldIx, tier_rank: u32) -> TierOutcome {
        let mut out = TierOutcome {
            level: Level::Hidden,
            roles: Vec::new(),
            grants: Vec::new(),
            caps: Vec::new(),
        };
        let Some(f) = self.fields.get(field as usize) else {
            return out;
        };
        if !s.active {
            return out;
        }
        let (reaching, scope_grants) = self.reaching_on_tier(s, f.object, tier_rank);
        out.grants = scope_grants;
        if reaching.is_empty() {
            return out;
        }
        let mut level = Level::Hidden;
        for r in &reaching {
            let l = self.cell(*r, field).level();
            if l > level {
                level = l;
                out.roles.clear();
            }
            if l == level && l > Level::Hidden {
                out.roles.push(*r);
            }
        }
        for &gi in &s.grants {
            if let Some(g) = self.grants.get(gi as usize) {
                if let GrantKind::Field(gf, l) = g.what {
                    if gf == field {
                        out.grants.push(gi);
                        level = level.max(l);
                    }
                }
            }
        }
        for (gi, cap) in self.caps_on_tier(f, s, tier_rank) {
            if cap < level {
                level = cap;
                out.caps.push(gi);
            }
        }
        out.level = level;
        out
    }
}

impl Policy {
    /// The level-cap guardrails of field `f` that hold for the subject on a tier, with their caps.
    fn caps_on_tier<'a>(
        &'a self,
        f: &'a FieldInfo,
        s: &'a Subject,
        tier_rank: u32,
    ) -> impl Iterator<Item = (u16, Level)> + 'a {
        f.caps.iter().filter_map(move |&gi| {
            let g = self.guardrails.get(usize::from(gi))?;
            let GuardrailEffect::CapLevel { level: cap } = g.effect else {
                return None;
            };
            let holds = g.object.is_none_or(|o| o == f.object)
                && g.min_tier_rank.is_none_or(|m| tier_rank >= m)
                && g.below_rank.is_none_or(|b| s.max_rank < b);
            holds.then_some((gi, cap))
        })
    }

    /// The subject's roles whose scopes reach records of `object` on a tier (sorted), and the
    /// temporary scope grants that do (a scope grant makes every role of the subject reach).
    fn reaching_on_tier(
        &self,
        s: &Subject,
        object: ObjIx,
        tier_rank: u32,
    ) -> (Vec<RoleIx>, Vec<u32>) {
        let tier_ok = |max: Option<u32>| max.is_none_or(|m| tier_rank <= m);
        let grants: Vec<u32> = s
            .grants
            .iter()
            .copied()
            .filter(|gi| {
                matches!(
                    self.grants.get(*gi as usize).map(|g| g.what),
                    Some(GrantKind::Scope(o, sc, max))
                        if o == object && sc != Scope::None && tier_ok(max)
                )
            })
            .collect();
        if !grants.is_empty() {
            return (s.roles.clone(), grants);
        }
        let roles = s
            .roles
            .iter()
            .copied()
            .filter(|r| {
                self.scope(*r, object)
                    .is_some_and(|sc| sc.scope != Scope::None && tier_ok(sc.max_tier_rank))
            })
            .collect();
        (roles, grants)
    }

    /// [`Policy::level_on_tier`] of every field at once, into `out` (indexed by field): the
    /// roles that reach each object on the tier are found once per object, not once per field.
    pub fn levels_on_tier(&self, s: &Subject, tier_rank: u32, out: &mut Vec<Level>) {
        out.clear();
        out.resize(self.fields.len(), Level::Hidden);
        if !s.active {
            return;
        }
        let reaching: Vec<Vec<RoleIx>> = (0..self.objects.len())
            .map(|o| {
                let o = u16::try_from(o).unwrap_or(u16::MAX);
                self.reaching_on_tier(s, o, tier_rank).0
            })
            .collect();
        for ((fi, f), slot) in self.fields.iter().enumerate().zip(out.iter_mut()) {
            let fi = u32::try_from(fi).unwrap_or(u32::MAX);
            let Some(roles) = reaching.get(usize::from(f.object)) else {
                continue;
            };
            if roles.is_empty() {
                continue;
            }
            let mut level = roles
                .iter()
                .map(|r| self.cell(*r, fi).level())
                .max()
                .unwrap_or(Level::Hidden);
            for &gi in &s.grants {
                if let Some(GrantKind::Field(gf, l)) = self.grants.get(gi as usize).map(|g| g.what)
                {
                    if gf == fi {
                        level = level.max(l);
                    }
                }
            }
            for (_, cap) in self.caps_on_tier(f, s, tier_rank) {
                level = level.min(cap);
            }
            *slot = level;
        }
    }
}

fn tiers_of(snap: &Snapshot, only: Option<&TierId>) -> Vec<(TierId, u32)> {
    let mut t: Vec<(TierId, u32)> = snap
        .tiers
        .values()
        .filter(|t| only.is_none_or(|o| o == &t.id))
        .map(|t| (t.id.clone(), t.rank))
        .collect();
    t.sort_by_key(|(_, r)| *r);
    t
}

/// Who can see `field` at `min_level` or more (on `tier`, or on any tier).
pub fn who_can(
    policy: &Policy,
    snap: &Snapshot,
    field: FieldIx,
    min_level: Level,
    tier: Option<&TierId>,
    now: DateTime<Utc>,
) -> WhoCan {
    let tiers = tiers_of(snap, tier);
    let mut entries = Vec::new();
    let mut considered = 0u32;
    for (ei, info) in policy.employees.iter().enumerate() {
        let s = policy.subject(u32::try_from(ei).unwrap_or(u32::MAX), now);
        if !s.active {
            continue;
        }
        considered = considered.saturating_add(1);
        let mut best: Option<TierOutcome> = None;
        let mut per_tier = Vec::with_capacity(tiers.len());
        let mut capped_by: Vec<GuardrailId> = Vec::new();
        for (tid, rank) in &tiers {
            let o = policy.level_on_tier(&s, field, *rank);
            per_tier.push(TierLevel {
                tier: tid.clone(),
                level: o.level,
            });
            for c in &o.caps {
                if let Some(g) = policy.guardrails.get(usize::from(*c)) {
                    if !capped_by.contains(&g.id) {
                        capped_by.push(g.id.clone());
                    }
                }
            }
            if best.as_ref().is_none_or(|b| o.level > b.level) {
                best = Some(o);
            }
        }
        let Some(best) = best else { continue };
        if best.level < min_level || best.level == Level::Hidden {
            continue;
        }
        let object = policy
            .fields
            .get(field as usize)
            .map(|f| f.object)
            .unwrap_or(u16::MAX);
        entries.push(AccessEntry {
            employee: info.id.clone(),
            name: snap
                .employees
                .get(&info.id)
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            department: snap
                .employees
                .get(&info.id)
                .map(|e| e.department.clone())
                .unwrap_or_else(|| DeptId::trusted("unknown")),
            level: best.level,
            tiers: per_tier,
            roles: best
                .roles
                .iter()
                .filter_map(|r| {
                    let scope = policy
                        .scope(*r, object)
                        .map(|s| s.scope)
                        .unwrap_or(Scope::None);
                    policy
                        .roles
                        .get(usize::from(*r))
                        .map(|id| (id.clone(), scope))
                })
                .collect(),
            grants: best
                .grants
                .iter()
                .filter_map(|g| policy.grants.get(*g as usize).map(|x| x.source.id.clone()))
                .collect(),
            capped_by,
        });
    }
    entries.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.employee.cmp(&b.employee))
    });
    WhoCan {
        field: policy
            .fields
            .get(field as usize)
            .map(|f| f.id.clone())
            .unwrap_or_else(|| FieldId::trusted("unknown.field")),
        min_level,
        tier: tier.cloned(),
        at: now,
        considered,
        entries,
    }
}

/// What `subject` can see, field by field (every object), per tier.
pub fn what_can(policy: &Policy, snap: &Snapshot, subject: &Subject) -> Vec<FieldAccess> {
    let tiers = tiers_of(snap, None);
    policy
        .fields
        .iter()
        .enumerate()
        .filter_map(|(fi, f)| {
            let field = snap.fields.get(&f.id)?;
            let per_tier: Vec<TierLevel> = tiers
                .iter()
                .map(|(tid, rank)| TierLevel {
                    tier: tid.clone(),
                    level: policy
                        .level_on_tier(subject, u32::try_from(fi).unwrap_or(u32::MAX), *rank)
                        .level,
                })
                .collect();
            Some(FieldAccess {
                field: f.id.clone(),
                label_zh: field.label_zh.clone(),
                label_en: field.label_en.clone(),
                sensitivity: field.sensitivity,
                level: per_tier
                    .iter()
                    .map(|t| t.level)
                    .max()
                    .unwrap_or(Level::Hidden),
                tiers: per_tier,
            })
        })
        .collect()
}
