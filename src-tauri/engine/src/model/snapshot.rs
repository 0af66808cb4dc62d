//! The in-memory aggregate of a workspace and its reference checks.

use indexmap::IndexMap;
use std::collections::HashSet;

use super::{
    AccessRequest, Cell, CellKey, CellMap, Change, Department, DeptId, Employee, EmployeeId,
    Entity, EntityKind, Field, FieldId, GrantId, GrantSubject, GrantWhat, Guardrail,
    GuardrailEffect, GuardrailId, ModelError, ObjectDef, ObjectId, ObjectPolicy, PolicyKey,
    RequestId, Role, RoleId, TemporaryGrant, Tier, TierId, MAX_RANK,
};

/// Everything a workspace holds except sample customers, in display order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub departments: IndexMap<DeptId, Department>,
    pub roles: IndexMap<RoleId, Role>,
    pub employees: IndexMap<EmployeeId, Employee>,
    pub objects: IndexMap<ObjectId, ObjectDef>,
    pub tiers: IndexMap<TierId, Tier>,
    pub fields: IndexMap<FieldId, Field>,
    /// Decided cells. An absent cell is hidden and not yet decided (the review queue).
    pub cells: CellMap,
    pub policies: IndexMap<PolicyKey, ObjectPolicy>,
    pub guardrails: IndexMap<GuardrailId, Guardrail>,
    pub grants: IndexMap<GrantId, TemporaryGrant>,
    pub requests: IndexMap<RequestId, AccessRequest>,
}

/// A reference problem found in an entity: which of its columns is wrong and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    /// The CSV column / struct field at fault (e.g. `manager`).
    pub column: &'static str,
    pub error: ModelError,
}

fn unknown(column: &'static str, kind: &'static str, id: impl ToString) -> RefError {
    RefError {
        column,
        error: ModelError::Unknown {
            kind,
            id: id.to_string(),
        },
    }
}

fn cycle(column: &'static str, kind: &'static str, id: impl ToString) -> RefError {
    RefError {
        column,
        error: ModelError::Cycle {
            kind,
            id: id.to_string(),
        },
    }
}

fn invalid(column: &'static str, msg: impl Into<String>) -> RefError {
    RefError {
        column,
        error: ModelError::Invalid(msg.into()),
    }
}

impl Snapshot {
    /// The cell of `role` x `field` (hidden when undecided).
    pub fn cell(&self, role: &RoleId, field: &FieldId) -> Cell {
        self.cells
            .get(role.as_str(), field.as_str())
            .unwrap_or_default()
    }

    /// The entity `kind`/`key`, if present.
    pub fn get(&self, kind: EntityKind, key: &str) -> Option<Entity> {
        match kind {
            EntityKind::Department => self.departments.get(key).cloned().map(Entity::Department),
            EntityKind::Role => self.roles.get(key).cloned().map(Entity::Role),
            EntityKind::Employee => self.employees.get(key).cloned().map(Entity::Employee),
            EntityKind::Object => self.objects.get(key).cloned().map(Entity::Object),
            EntityKind::Tier => self.tiers.get(key).cloned().map(Entity::Tier),
            EntityKind::Field => self.fields.get(key).cloned().map(Entity::Field),
            EntityKind::Cell => {
                let (role, field) = key.split_once('/')?;
                let k = CellKey {
                    role: RoleId::new(role).ok()?,
                    field: FieldId::new(field).ok()?,
                };
                let cell = self.cells.get_key(&k)?;
                Some(Entity::Cell(super::CellEntry { key: k, cell }))
            }
            EntityKind::Policy => {
                let (role, object) = key.split_once('/')?;
                let k = PolicyKey {
                    role: RoleId::new(role).ok()?,
                    object: ObjectId::new(object).ok()?,
                };
                self.policies.get(&k).cloned().map(Entity::Policy)
            }
            EntityKind::Guardrail => self.guardrails.get(key).cloned().map(Entity::Guardrail),
            EntityKind::Grant => self.grants.get(key).cloned().map(Entity::Grant),
            EntityKind::Request => self.requests.get(key).cloned().map(Entity::Request),
        }
    }

    /// Applies a change in memory (no checks: call [`Snapshot::check`] for references).
    pub fn apply(&mut self, change: &Change) {
        match &change.new {
            Some(e) => self.put(e.clone()),
            None => self.remove(change.kind, &change.key),
        }
    }

    /// Adds or replaces an entity, keeping the position of a replaced one.
    pub fn put(&mut self, entity: Entity) {
        match entity {
            Entity::Department(e) => {
                self.departments.insert(e.id.clone(), e);
            }
            Entity::Role(e) => {
                self.roles.insert(e.id.clone(), e);
            }
            Entity::Employee(e) => {
                self.employees.insert(e.id.clone(), e);
            }
            Entity::Object(e) => {
                self.objects.insert(e.id.clone(), e);
            }
            Entity::Tier(e) => {
                self.tiers.insert(e.id.clone(), e);
            }
            Entity::Field(e) => {
                self.fields.insert(e.id.clone(), e);
            }
            Entity::Cell(e) => {
                self.cells.insert(e.key, e.cell);
            }
            Entity::Policy(e) => {
                let k = PolicyKey {
                    role: e.role.clone(),
                    object: e.object.clone(),
                };
                self.policies.insert(k, e);
            }
            Entity::Guardrail(e) => {
                self.guardrails.insert(e.id.clone(), e);
            }
            Entity::Grant(e) => {
                self.grants.insert(e.id.clone(), e);
            }
            Entity::Request(e) => {
                self.requests.insert(e.id.clone(), e);
            }
        }
    }

    /// Removes an entity if present.
    pub fn remove(&mut self, kind: EntityKind, key: &str) {
        match kind {
            EntityKind::Department => {
                self.departments.shift_remove(key);
            }
            EntityKind::Role => {
                self.roles.shift_remove(key);
            }
            EntityKind::Employee => {
                self.employees.shift_remove(key);
            }
            EntityKind::Object => {
                self.objects.shift_remove(key);
            }
            EntityKind::Tier => {
                self.tiers.shift_remove(key);
            }
            EntityKind::Field => {
                self.fields.shift_remove(key);
            }
            EntityKind::Cell => {
                if let Some((role, field)) = key.split_once('/') {
                    self.cells.remove(role, field);
                }
            }
            EntityKind::Policy => {
                if let Some(Entity::Policy(p)) = self.get(kind, key) {
                    self.policies.shift_remove(&PolicyKey {
                        role: p.role,
                        object: p.object,
                    });
                }
            }
            EntityKind::Guardrail => {
                self.guardrails.shift_remove(key);
            }
            EntityKind::Grant => {
                self.grants.shift_remove(key);
            }
            EntityKind::Request => {
                self.requests.shift_remove(key);
            }
        }
    }

    /// Checks that an entity (already applied) refers only to things that exist and forms
    /// no cycle. The error names the column at fault.
    pub fn check(&self, entity: &Entity) -> Result<(), RefError> {
        match entity {
            Entity::Department(d) => {
                if let Some(p) = &d.parent {
                    if !self.departments.contains_key(p) {
                        return Err(unknown("parent", "department", p));
                    }
                }
                let mut seen = HashSet::new();
                let mut cur = Some(&d.id);
                while let Some(id) = cur {
                    if !seen.insert(id) {
                        return Err(cycle("parent", "department", &d.id));
                    }
                    cur = self.departments.get(id).and_then(|x| x.parent.as_ref());
                }
                Ok(())
            }
            Entity::Employee(e) => {
                if !self.departments.contains_key(&e.department) {
                    return Err(unknown("department", "department", &e.department));
                }
                if let Some(m) = &e.manager {
                    if !self.employees.contains_key(m) {
                        return Err(unknown("manager", "employee", m));
                    }
                }
                let mut seen = HashSet::new();
                let mut cur = Some(&e.id);
                while let Some(id) = cur {
                    if !seen.insert(id) {
                        return Err(cycle("manager", "manager chain of employee", &e.id));
                    }
                    cur = self.employees.get(id).and_then(|x| x.manager.as_ref());
                }
                if let Some(r) = e.roles.iter().find(|r| !self.roles.contains_key(*r)) {
                    return Err(unknown("roles", "role", r));
                }
                Ok(())
            }
            Entity::Role(r) => {
                if r.rank > MAX_RANK {
                    return Err(invalid(
                        "rank",
                        format!("rank {} is above the maximum {MAX_RANK}", r.rank),
                    ));
                }
                if let Some(i) = r.inherits.iter().find(|i| !self.roles.contains_key(*i)) {
                    return Err(unknown("inherits", "role", i));
                }
                if self.role_inherits_itself(&r.id) {
                    return Err(cycle("inherits", "role", &r.id));
                }
                Ok(())
            }
            Entity::Object(_) | Entity::Tier(_) => Ok(()),
            Entity::Field(f) => {
                if !self.objects.contains_key(&f.object) {
                    return Err(unknown("object", "object", &f.object));
                }
                if f.id.object_str() != f.object.as_str() {
                    return Err(invalid(
                        "key",
                        format!("field `{}` is not of object `{}`", f.id, f.object),
                    ));
                }
                Ok(())
            }
            Entity::Cell(c) => {
                if !self.roles.contains_key(&c.key.role) {
                    return Err(unknown("role", "role", &c.key.role));
                }
                if !self.fields.contains_key(&c.key.field) {
                    return Err(unknown("field", "field", &c.key.field));
                }
                Ok(())
            }
            Entity::Policy(p) => {
                if !self.roles.contains_key(&p.role) {
                    return Err(unknown("role", "role", &p.role));
                }
                if !self.objects.contains_key(&p.object) {
                    return Err(unknown("object", "object", &p.object));
                }
                if let Some(t) = &p.max_tier {
                    if !self.tiers.contains_key(t) {
                        return Err(unknown("max_tier", "tier", t));
                    }
                }
                Ok(())
            }
            Entity::Guardrail(g) => {
                if let Some(o) = &g.when.object {
                    if !self.objects.contains_key(o) {
                        return Err(unknown("object", "object", o));
                    }
                }
                if let Some(f) = g.when.fields.iter().find(|f| !self.fields.contains_key(*f)) {
                    return Err(unknown("fields", "field", f));
                }
                if let Some(t) = &g.when.min_tier {
                    if !self.tiers.contains_key(t) {
                        return Err(unknown("min_tier", "tier", t));
                    }
                }
                if let GuardrailEffect::BulkThreshold { approvals, .. } = g.effect {
                    if approvals == 0 {
                        return Err(invalid(
                            "approvals",
                            "a bulk threshold needs at least one approval",
                        ));
                    }
                }
                Ok(())
            }
            Entity::Grant(g) => self.check_grant(g),
            Entity::Request(r) => {
                if !self.employees.contains_key(&r.employee) {
                    return Err(unknown("employee", "employee", &r.employee));
                }
                if !self.fields.contains_key(&r.field) {
                    return Err(unknown("field", "field", &r.field));
                }
                Ok(())
            }
        }
    }

    fn check_grant(&self, g: &TemporaryGrant) -> Result<(), RefError> {
        match &g.subject {
            GrantSubject::Employee(e) if !self.employees.contains_key(e) => {
                return Err(unknown("subject", "employee", e));
            }
            GrantSubject::Role(r) if !self.roles.contains_key(r) => {
                return Err(unknown("subject", "role", r))
            }
            _ => {}
        }
        match &g.what {
            GrantWhat::Role { role } => {
                if !self.roles.contains_key(role) {
                    return Err(unknown("role", "role", role));
                }
                if matches!(g.subject, GrantSubject::Role(_)) {
                    return Err(invalid(
                        "role",
                        "a temporary role grant is given to an employee, not to a role",
                    ));
                }
            }
            GrantWhat::Field { field, .. } => {
                if !self.fields.contains_key(field) {
                    return Err(unknown("field", "field", field));
                }
            }
            GrantWhat::Scope {
                object, max_tier, ..
            } => {
                if !self.objects.contains_key(object) {
                    return Err(unknown("object", "object", object));
                }
                if let Some(t) = max_tier {
                    if !self.tiers.contains_key(t) {
                        return Err(unknown("max_tier", "tier", t));
                    }
                }
            }
            GrantWhat::Action { object, .. } => {
                if !self.objects.contains_key(object) {
                    return Err(unknown("object", "object", object));
                }
            }
        }
        if g.valid_from >= g.valid_until {
            return Err(invalid(
                "valid_until",
                "a temporary grant must end after it starts",
            ));
        }
        Ok(())
    }

    fn role_inherits_itself(&self, start: &RoleId) -> bool {
        let mut stack: Vec<&RoleId> = self
            .roles
            .get(start)
            .map(|r| r.inherits.iter().collect())
            .unwrap_or_default();
        let mut seen = HashSet::new();
        while let Some(r) = stack.pop() {
            if r == start {
                return true;
            }
            if seen.insert(r) {
                if let Some(role) = self.roles.get(r) {
                    stack.extend(role.inherits.iter());
                }
            }
        }
        false
    }

    /// Checks every entity (used after loading and in tests).
    pub fn check_all(&self) -> Result<(), (EntityKind, String, RefError)> {
        let all = self.entities();
        for e in &all {
            self.check(e).map_err(|err| (e.kind(), e.key(), err))?;
        }
        Ok(())
    }

    /// Every entity, in dependency order then display order (cells in field x role order).
    pub fn entities(&self) -> Vec<Entity> {
        let mut out = Vec::new();
        out.extend(self.departments.values().cloned().map(Entity::Department));
        out.extend(self.roles.values().cloned().map(Entity::Role));
        out.extend(self.employees.values().cloned().map(Entity::Employee));
        out.extend(self.objects.values().cloned().map(Entity::Object));
        out.extend(self.tiers.values().cloned().map(Entity::Tier));
        out.extend(self.fields.values().cloned().map(Entity::Field));
        for f in self.fields.keys() {
            for r in self.roles.keys() {
                if let Some(cell) = self.cells.get(r.as_str(), f.as_str()) {
                    let key = CellKey {
                        role: r.clone(),
                        field: f.clone(),
                    };
                    out.push(Entity::Cell(super::CellEntry { key, cell }));
                }
            }
        }
        out.extend(self.policies.values().cloned().map(Entity::Policy));
        out.extend(self.guardrails.values().cloned().map(Entity::Guardrail));
        out.extend(self.grants.values().cloned().map(Entity::Grant));
        out.extend(self.requests.values().cloned().map(Entity::Request));
        out
    }

    /// The fields of `object`, in display order.
    pub fn fields_of<'a>(&'a self, object: &'a ObjectId) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields.values().filter(move |f| &f.object == object)
    }
}
