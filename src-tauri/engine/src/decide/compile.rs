//! A [`Snapshot`] compiled into dense, index-based tables so a decision is a few array
//! lookups: cells as one byte per (role, field), policies per (role, object), guardrails
//! pre-filtered per field and per object.

use std::collections::HashMap;

/// The id -> index maps of a compiled policy. foldhash instead of the standard SipHash:
/// compiling a 2.5M-cell matrix spent 40% of its time hashing ids with SipHash. The ids come
/// from the administrator's own workspace or a verified (signed) bundle, not from strangers.
pub type IxMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use crate::model::{
    CustomerId, Effect, Employee, FieldId, GrantSubject, GrantWhat, GuardrailEffect, Level,
    MaskRule, ObjectId, RoleId, Scope, Sensitivity, Snapshot, Status, TemporaryGrant, ACTION_COUNT,
};

/// Index of a role in [`Policy::roles`].
pub type RoleIx = u16;
/// Index of a field.
pub type FieldIx = u32;
/// Index of an employee.
pub type EmpIx = u32;
/// Index of a department.
pub type DeptIx = u32;
/// Index of an object.
pub type ObjIx = u16;

/// A compiled cell: level in bits 0-1, approval level + 1 in bits 2-4 (0 = none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PackedCell(u8);

impl PackedCell {
    pub(crate) fn new(cell: crate::model::Cell) -> Self {
        let approval = cell.approval.map(|a| a.rank() + 1).unwrap_or(0);
        PackedCell(cell.level.rank() | (approval << 2))
    }
    /// The granted level.
    pub fn level(self) -> Level {
        Level::from_rank(self.0 & 0b11).unwrap_or(Level::Hidden)
    }
    /// The level reachable with an approved request, if any.
    pub fn approval(self) -> Option<Level> {
        match self.0 >> 2 {
            0 => None,
            a => Level::from_rank(a - 1),
        }
    }
}

/// A role's compiled policy on one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompiledScope {
    pub scope: Scope,
    /// Highest tier rank reached; `None` reaches every tier.
    pub max_tier_rank: Option<u32>,
    pub actions: [Effect; ACTION_COUNT],
}

/// A field's facts needed for decisions and masking.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub id: FieldId,
    pub object: ObjIx,
    pub sensitivity: Sensitivity,
    pub mask: MaskRule,
    /// Level-cap guardrails whose field conditions (object, sensitivity, field list) match.
    pub caps: Vec<u16>,
    /// Export-exclude guardrails whose field conditions match.
    pub export_excludes: Vec<u16>,
}

/// An employee's facts needed for decisions.
#[derive(Debug, Clone)]
pub struct EmpInfo {
    pub id: crate::model::EmployeeId,
    pub dept: Option<DeptIx>,
    pub manager: Option<EmpIx>,
    pub status: Status,
    /// Assigned roles (indices), before the `inherits` closure.
    pub roles: Vec<RoleIx>,
}

/// A guardrail with its record-time conditions.
#[derive(Debug, Clone)]
pub struct CompiledGuardrail {
    pub id: crate::model::GuardrailId,
    pub object: Option<ObjIx>,
    /// `Some(rank)`: applies only to records of tier rank >= this.
    /// `Some(u32::MAX)` when the named tier is unknown (never applies... so it fails closed below).
    pub min_tier_rank: Option<u32>,
    pub below_rank: Option<u32>,
    pub effect: GuardrailEffect,
}

/// A temporary grant with its references resolved.
#[derive(Debug, Clone)]
pub struct CompiledGrant {
    pub source: TemporaryGrant,
    pub what: GrantKind,
    /// Sorted; empty = every record.
    pub customers: Vec<CustomerId>,
}

/// What a compiled temporary grant gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantKind {
    Role(RoleIx),
    Field(FieldIx, Level),
    Scope(ObjIx, Scope, Option<u32>),
    Action(ObjIx, crate::model::Action, Effect),
}

/// The compiled, immutable decision tables of one snapshot.
#[derive(Debug, Clone)]
pub struct Policy {
    pub roles: Vec<RoleId>,
    pub role_ix: IxMap<RoleId, RoleIx>,
    pub role_rank: Vec<u32>,
    /// For each role: itself and every role it inherits, transitively (sorted, unique).
    pub role_closure: Vec<Vec<RoleIx>>,
    pub fields: Vec<FieldInfo>,
    pub field_ix: IxMap<FieldId, FieldIx>,
    pub objects: Vec<ObjectId>,
    pub object_ix: IxMap<ObjectId, ObjIx>,
    pub tier_rank: IxMap<crate::model::TierId, u32>,
    pub dept_ix: IxMap<crate::model::DeptId, DeptIx>,
    pub dept_parent: Vec<Option<DeptIx>>,
    pub employees: Vec<EmpInfo>,
    pub emp_ix: IxMap<crate::model::EmployeeId, EmpIx>,
    /// `cells[role * fields.len() + field]`.
    pub cells: Vec<PackedCell>,
    /// `scopes[role * objects.len() + object]`.
    pub scopes: Vec<Option<CompiledScope>>,
    pub guardrails: Vec<CompiledGuardrail>,
    /// Per object: action-cap and bulk-threshold guardrails that may apply to it.
    pub action_guardrails: Vec<Vec<u16>>,
    pub grants: Vec<CompiledGrant>,
    /// Per employee: indices of grants given to them.
    pub grants_by_emp: Vec<Vec<u32>>,
    /// Per role: indices of grants given to the role.
    pub grants_by_role: Vec<Vec<u32>>,
}

fn ix16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}
fn ix32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Policy {
    /// Compiles a snapshot. References that do not resolve are dropped (fail closed: an
    /// unknown role grants nothing, an unknown tier is reached by no tier-limited scope).
    pub fn compile(s: &Snapshot) -> Policy {
        let roles: Vec<RoleId> = s.roles.keys().cloned().collect();
        let role_ix: IxMap<RoleId, RoleIx> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.clone(), ix16(i)))
            .collect();
        let role_rank: Vec<u32> = s.roles.values().map(|r| r.rank).collect();
        let role_closure = roles
            .iter()
            .map(|r| {
                let mut seen = vec![false; roles.len()];
                let mut stack = vec![r.clone()];
                while let Some(x) = stack.pop() {
                    let Some(&i) = role_ix.get(&x) else { continue };
                    let Some(slot) = seen.get_mut(usize::from(i)) else {
                        continue;
                    };
                    if *slot {
                        continue;
                    }
                    *slot = true;
                    if let Some(role) = s.roles.get(&x) {
                        stack.extend(role.inherits.iter().cloned());
                    }
                }
                seen.iter()
                    .enumerate()
                    .filter(|(_, b)| **b)
                    .map(|(i, _)| ix16(i))
                    .collect()
            })
            .collect();
        let objects: Vec<ObjectId> = s.objects.keys().cloned().collect();
        let object_ix: IxMap<ObjectId, ObjIx> = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.clone(), ix16(i)))
            .collect();
        let tier_rank = s
            .tiers
            .values()
            .map(|t| (t.id.clone(), t.rank))
            .collect::<IxMap<_, _>>();
        let dept_ix: IxMap<_, DeptIx> = s
            .departments
            .keys()
            .enumerate()
            .map(|(i, d)| (d.clone(), ix32(i)))
            .collect();
        let dept_parent = s
            .departments
            .values()
            .map(|d| d.parent.as_ref().and_then(|p| dept_ix.get(p).copied()))
            .collect();
        let emp_ix: IxMap<_, EmpIx> = s
            .employees
            .keys()
            .enumerate()
            .map(|(i, e)| (e.clone(), ix32(i)))
            .collect();
        let employees = s
            .employees
            .values()
            .map(|e: &Employee| EmpInfo {
                id: e.id.clone(),
                dept: dept_ix.get(&e.department).copied(),
                manager: e.manager.as_ref().and_then(|m| emp_ix.get(m).copied()),
                status: e.status,
                roles: e
                    .roles
                    .iter()
                    .filter_map(|r| role_ix.get(r).copied())
                    .collect(),
            })
            .collect();

        let guardrails: Vec<CompiledGuardrail> = s
            .guardrails
            .values()
            .map(|g| CompiledGuardrail {
                id: g.id.clone(),
                object: g
                    .when
                    .object
                    .as_ref()
                    .map(|o| object_ix.get(o).copied().unwrap_or(u16::MAX)),
                // An unknown tier in a condition makes the guardrail apply to every tier (fail closed).
                min_tier_rank: g
                    .when
                    .min_tier
                    .as_ref()
                    .map(|t| tier_rank.get(t).copied().unwrap_or(0)),
                below_rank: g.when.below_rank,
                effect: g.effect.clone(),
            })
            .collect();

        let fields: Vec<FieldInfo> = s
            .fields
            .values()
            .map(|f| {
                let object = object_ix.get(&f.object).copied().unwrap_or(u16::MAX);
                let matches = |gi: usize| {
                    let Some(g) = s.guardrails.get_index(gi).map(|(_, g)| g) else {
                        return false;
                    };
                    let obj_ok = g.when.object.as_ref().is_none_or(|o| o == &f.object);
                    let sens_ok = g.when.min_sensitivity.is_none_or(|m| f.sensitivity >= m);
                    let field_ok = g.when.fields.is_empty() || g.when.fields.contains(&f.id);
                    obj_ok && sens_ok && field_ok
                };
                let caps = (0..guardrails.len())
                    .filter(|gi| {
                        matches!(
                            guardrails.get(*gi).map(|g| &g.effect),
                            Some(GuardrailEffect::CapLevel { .. })
                        )
                    })
                    .filter(|gi| matches(*gi))
                    .map(ix16)
                    .collect();
                let export_excludes = (0..guardrails.len())
                    .filter(|gi| {
                        matches!(
                            guardrails.get(*gi).map(|g| &g.effect),
                            Some(GuardrailEffect::ExportExclude)
                        )
                    })
                    .filter(|gi| matches(*gi))
                    .map(ix16)
                    .collect();
                FieldInfo {
                    id: f.id.clone(),
                    object,
                    sensitivity: f.sensitivity,
                    mask: f.mask,
                    caps,
                    export_excludes,
                }
            })
            .collect();
        let field_ix: IxMap<FieldId, FieldIx> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), ix32(i)))
            .collect();

        let nf = fields.len();
        let mut cells = vec![PackedCell::default(); roles.len().saturating_mul(nf)];
        // The cell map's columns are mapped to field indices once; then each role's row is a
        // walk over contiguous slots.
        let column_ix: Vec<Option<usize>> = s
            .cells
            .columns()
            .iter()
            .map(|f| field_ix.get(f).map(|i| *i as usize))
            .collect();
        for (role, row) in s.cells.rows() {
            let Some(&r) = role_ix.get(role) else {
                continue;
            };
            let Some(out) = cells.get_mut(usize::from(r) * nf..(usize::from(r) + 1) * nf) else {
                continue;
            };
            for (cell, f) in row.iter().zip(&column_ix) {
                if let (Some(cell), Some(f)) = (cell, f) {
                    if let Some(slot) = out.get_mut(*f) {
                        *slot = PackedCell::new(*cell);
                    }
                }
            }
        }
        let no = objects.len();
        let mut scopes = vec![None; roles.len().saturating_mul(no)];
        for p in s.policies.values() {
            if let (Some(&r), Some(&o)) = (role_ix.get(&p.role), object_ix.get(&p.object)) {
                // An unknown tier reaches nothing beyond the lowest rank (fail closed).
                let max_tier_rank = p
                    .max_tier
                    .as_ref()
                    .map(|t| tier_rank.get(t).copied().unwrap_or(0));
                if let Some(slot) = scopes.get_mut(usize::from(r) * no + usize::from(o)) {
                    *slot = Some(CompiledScope {
                        scope: p.scope,
                        max_tier_rank,
                        actions: p.actions,
                    });
                }
            }
        }
        let action_guardrails = (0..no)
            .map(|o| {
                guardrails
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| {
                        matches!(
                            g.effect,
                            GuardrailEffect::CapAction { .. }
                                | GuardrailEffect::BulkThreshold { .. }
                        ) && g.object.is_none_or(|x| usize::from(x) == o)
                    })
                    .map(|(i, _)| ix16(i))
                    .collect()
            })
            .collect();

        let mut grants = Vec::new();
        let mut grants_by_emp = vec![Vec::new(); s.employees.len()];
        let mut grants_by_role = vec![Vec::new(); roles.len()];
        for g in s.grants.values() {
            let what = match &g.what {
                GrantWhat::Role { role } => role_ix.get(role).map(|r| GrantKind::Role(*r)),
                GrantWhat::Field { field, level } => {
                    field_ix.get(field).map(|f| GrantKind::Field(*f, *level))
                }
                GrantWhat::Scope {
                    object,
                    scope,
                    max_tier,
                } => object_ix.get(object).map(|o| {
                    let t = max_tier
                        .as_ref()
                        .map(|t| tier_rank.get(t).copied().unwrap_or(0));
                    GrantKind::Scope(*o, *scope, t)
                }),
                GrantWhat::Action {
                    object,
                    action,
                    effect,
                } => object_ix
                    .get(object)
                    .map(|o| GrantKind::Action(*o, *action, *effect)),
            };
            let Some(what) = what else { continue };
            let gi = ix32(grants.len());
            match &g.subject {
                GrantSubject::Employee(e) => match emp_ix
                    .get(e)
                    .and_then(|i| grants_by_emp.get_mut(*i as usize))
                {
                    Some(list) => list.push(gi),
                    None => continue,
                },
                GrantSubject::Role(r) => match role_ix
                    .get(r)
                    .and_then(|i| grants_by_role.get_mut(usize::from(*i)))
                {
                    Some(list) => list.push(gi),
                    None => continue,
                },
            }
            let mut customers = g.customers.clone();
            customers.sort();
            grants.push(CompiledGrant {
                source: g.clone(),
                what,
                customers,
            });
        }

        Policy {
            roles,
            role_ix,
            role_rank,
            role_closure,
            fields,
            field_ix,
            objects,
            object_ix,
            tier_rank,
            dept_ix,
            dept_parent,
            employees,
            emp_ix,
            cells,
            scopes,
            guardrails,
            action_guardrails,
            grants,
            grants_by_emp,
            grants_by_role,
        }
    }

    /// Replaces the cells of one role (in field order), e.g. straight from a bundle's level digits.
    pub fn set_role_cells(
        &mut self,
        role: RoleIx,
        cells: impl Iterator<Item = crate::model::Cell>,
    ) {
        let nf = self.fields.len();
        let start = usize::from(role) * nf;
        for (i, c) in cells.take(nf).enumerate() {
            if let Some(slot) = self.cells.get_mut(start + i) {
                *slot = PackedCell::new(c);
            }
        }
    }

    /// The packed cell of (role, field).
    #[inline]
    pub fn cell(&self, role: RoleIx, field: FieldIx) -> PackedCell {
        self.cells
            .get(usize::from(role) * self.fields.len() + field as usize)
            .copied()
            .unwrap_or_default()
    }

    /// The compiled policy of (role, object).
    #[inline]
    pub fn scope(&self, role: RoleIx, object: ObjIx) -> Option<&CompiledScope> {
        self.scopes
            .get(usize::from(role) * self.objects.len() + usize::from(object))
            .and_then(Option::as_ref)
    }

    /// Whether department `inner` is `outer` or below it.
    #[inline]
    pub fn dept_within(&self, inner: DeptIx, outer: DeptIx) -> bool {
        let mut cur = Some(inner);
        let mut steps = 0usize;
        while let Some(d) = cur {
            if d == outer {
                return true;
            }
            steps += 1;
            if steps > self.dept_parent.len() {
                return false;
            }
            cur = self.dept_parent.get(d as usize).copied().flatten();
        }
        false
    }

    /// Whether `boss` is `emp` or above `emp` in the manager chain.
    #[inline]
    pub fn manages(&self, boss: EmpIx, emp: EmpIx) -> bool {
        let mut cur = Some(emp);
        let mut steps = 0usize;
        while let Some(e) = cur {
            if e == boss {
                return true;
            }
            steps += 1;
            if steps > self.employees.len() {
                return false;
            }
            cur = self.employees.get(e as usize).and_then(|x| x.manager);
        }
        false
    }
}
