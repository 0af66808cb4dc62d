//! What the matrix editor needs: the matrix in a compact form, cell edits, role and field
//! management (default deny for new fields, deletion with its impact), action grants and
//! display order.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

use super::{ApiError, EditReport, Workspace};
use crate::model::{
    Action, Actor, Category, Cell, Change, Effect, EmployeeId, Entity, EntityKind, Field, FieldId,
    FieldType, Level, MaskRule, ObjectDef, ObjectId, ObjectPolicy, PolicyKey, Role, RoleId,
    Sensitivity, Snapshot, Tier,
};
use crate::simulate;

/// A role column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoleColumn {
    pub id: RoleId,
    pub name_zh: String,
    pub name_en: String,
    pub rank: u32,
    pub inherits: Vec<RoleId>,
    pub description: String,
    /// Employees who hold it directly.
    pub holders: u32,
}

/// A field row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldRow {
    pub id: FieldId,
    pub object: ObjectId,
    pub label_zh: String,
    pub label_en: String,
    pub field_type: FieldType,
    pub sensitivity: Sensitivity,
    pub mask: MaskRule,
    pub category: Category,
}

/// An approval-gated cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GatedCell {
    /// Index into `fields`.
    pub field: u32,
    /// Index into `roles`.
    pub role: u32,
    pub approval: Level,
}

/// The whole matrix, compactly: `cells[f]` has one character per role:
/// `0`-`3` for hidden, masked, read, edit, and `.` for undecided (hidden until decided).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MatrixView {
    #[ts(type = "number")]
    pub revision: i64,
    pub roles: Vec<RoleColumn>,
    pub objects: Vec<ObjectDef>,
    pub tiers: Vec<Tier>,
    pub fields: Vec<FieldRow>,
    pub cells: Vec<String>,
    pub gated: Vec<GatedCell>,
    pub policies: Vec<ObjectPolicy>,
}

/// One cell edit: a new cell, or `None` to make it undecided again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct CellEdit {
    pub role: RoleId,
    pub field: FieldId,
    pub cell: Option<Cell>,
}

/// What one employee would lose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonLoss {
    pub employee: EmployeeId,
    pub name: String,
    /// Fields whose best level drops: (field, before, after).
    pub fields: Vec<(FieldId, Level, Level)>,
}

fn n(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn not_found(kind: &'static str, id: impl ToString) -> ApiError {
    ApiError::NotFound {
        kind,
        id: id.to_string(),
    }
}

impl Workspace {
    pub(super) fn apply(
        &mut self,
        actor: &Actor,
        action: &str,
        target: &str,
        changes: &[Change],
    ) -> Result<EditReport, ApiError> {
        let applied = self.store.apply(actor, action, target, changes)?;
        Ok(EditReport {
            revision: applied.revision,
            changed: n(applied.changes.len()),
        })
    }

    /// The matrix as the editor shows it (built from a dense grid: no cell map).
    pub fn matrix_view(&self) -> Result<MatrixView, ApiError> {
        let s = self.store.load_without_cells()?;
        let role_ix: HashMap<&str, usize> = s
            .roles
            .keys()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i))
            .collect();
        let field_ix: HashMap<&str, usize> = s
            .fields
            .keys()
            .enumerate()
            .map(|(i, f)| (f.as_str(), i))
            .collect();
        let (grid, gated_cells) = self.store.cell_grid(&role_ix, &field_ix)?;
        let mut holders: HashMap<&RoleId, u32> = HashMap::new();
        for e in s.employees.values() {
            for r in &e.roles {
                *holders.entry(r).or_default() += 1;
            }
        }
        let roles: Vec<RoleColumn> = s
            .roles
            .values()
            .map(|r| RoleColumn {
                id: r.id.clone(),
                name_zh: r.name_zh.clone(),
                name_en: r.name_en.clone(),
                rank: r.rank,
                inherits: r.inherits.clone(),
                description: r.description.clone(),
                holders: holders.get(&r.id).copied().unwrap_or(0),
            })
            .collect();
        let nr = roles.len();
        let cells = (0..s.fields.len())
            .map(|f| {
                grid.get(f * nr..(f + 1) * nr)
                    .unwrap_or_default()
                    .iter()
                    .map(|l| {
                        if *l == u8::MAX {
                            '.'
                        } else {
                            char::from(b'0' + l)
                        }
                    })
                    .collect()
            })
            .collect();
        let gated = gated_cells
            .into_iter()
            .filter_map(|(f, r, a)| {
                Some(GatedCell {
                    field: n(f),
                    role: n(r),
                    approval: Level::from_rank(a)?,
                })
            })
            .collect();
        Ok(MatrixView {
            revision: self.store.head()?,
            roles,
            objects: s.objects.values().cloned().collect(),
            tiers: s.tiers.values().cloned().collect(),
            fields: s
                .fields
                .values()
                .map(|f| FieldRow {
                    id: f.id.clone(),
                    object: f.object.clone(),
                    label_zh: f.label_zh.clone(),
                    label_en: f.label_en.clone(),
                    field_type: f.field_type,
                    sensitivity: f.sensitivity,
                    mask: f.mask,
                    category: f.category,
                })
                .collect(),
            cells,
            gated,
            policies: s.policies.values().cloned().collect(),
        })
    }

    /// Applies cell edits as one revision and one audit entry.
    pub fn edit_cells(
        &mut self,
        actor: &Actor,
        edits: &[CellEdit],
    ) -> Result<EditReport, ApiError> {
        let cells: Vec<(RoleId, FieldId, Option<Cell>)> = edits
            .iter()
            .map(|e| (e.role.clone(), e.field.clone(), e.cell))
            .collect();
        self.set_cells(actor, &cells)
    }

    /// Sets one action grant of a role on an object.
    pub fn set_action(
        &mut self,
        actor: &Actor,
        role: &RoleId,
        object: &ObjectId,
        action: Action,
        effect: Effect,
    ) -> Result<EditReport, ApiError> {
        let s = self.snapshot()?;
        if !s.roles.contains_key(role) {
            return Err(not_found("role", role));
        }
        if !s.objects.contains_key(object) {
            return Err(not_found("object", object));
        }
        let key = PolicyKey {
            role: role.clone(),
            object: object.clone(),
        };
        let mut p = s
            .policies
            .get(&key)
            .cloned()
            .unwrap_or_else(|| ObjectPolicy::none(role.clone(), object.clone()));
        p.set_action(action, effect);
        self.apply(
            actor,
            "action.set",
            &format!("{role}/{object}/{action}"),
            &[Change::put(Entity::Policy(p))],
        )
    }

    /// Adds or replaces a role (checked: inherits must exist and form no cycle).
    pub fn put_role(&mut self, actor: &Actor, role: Role) -> Result<EditReport, ApiError> {
        let mut s = self.snapshot()?;
        let action = if s.roles.contains_key(&role.id) {
            "role.update"
        } else {
            "role.add"
        };
        let target = role.id.to_string();
        let e = Entity::Role(role);
        s.put(e.clone());
        s.check(&e)
            .map_err(|r| ApiError::Precondition(format!("{}: {}", r.column, r.error)))?;
        self.apply(actor, action, &target, &[Change::put(e)])
    }

    /// Adds or replaces a field. A new field starts undecided (hidden) for every role and is
    /// in the review queue until every role has a level (default deny).
    pub fn put_field(&mut self, actor: &Actor, field: Field) -> Result<EditReport, ApiError> {
        let mut s = self.snapshot()?;
        let action = if s.fields.contains_key(&field.id) {
            "field.update"
        } else {
            "field.add"
        };
        let target = field.id.to_string();
        let e = Entity::Field(field);
        s.put(e.clone());
        s.check(&e)
            .map_err(|r| ApiError::Precondition(format!("{}: {}", r.column, r.error)))?;
        self.apply(actor, action, &target, &[Change::put(e)])
    }

    /// Fields with at least one undecided role.
    pub fn fields_to_review(&self) -> Result<Vec<FieldId>, ApiError> {
        let m = self.matrix_view()?;
        Ok(m.fields
            .iter()
            .zip(&m.cells)
            .filter(|(_, row)| row.contains('.'))
            .map(|(f, _)| f.id.clone())
            .collect())
    }

    /// Everything deleting `role` changes: its cells and policies, and the employees and roles
    /// that name it.
    fn role_deletion(s: &Snapshot, role: &RoleId) -> Vec<Change> {
        let mut changes = Vec::new();
        for e in s.employees.values().filter(|e| e.roles.contains(role)) {
            let mut e = e.clone();
            e.roles.retain(|r| r != role);
            changes.push(Change::put(Entity::Employee(e)));
        }
        for r in s.roles.values().filter(|r| r.inherits.contains(role)) {
            let mut r = r.clone();
            r.inherits.retain(|x| x != role);
            changes.push(Change::put(Entity::Role(r)));
        }
        for f in s.fields.keys() {
            if s.cells.contains(role.as_str(), f.as_str()) {
                changes.push(Change::remove(EntityKind::Cell, format!("{role}/{f}")));
            }
        }
        for p in s.policies.values().filter(|p| &p.role == role) {
            changes.push(Change::remove(
                EntityKind::Policy,
                format!("{}/{}", p.role, p.object),
            ));
        }
        for g in s.grants.values() {
            let names = matches!(&g.subject, crate::model::GrantSubject::Role(r) if r == role)
                || matches!(&g.what, crate::model::GrantWhat::Role { role: r } if r == role);
            if names {
                changes.push(Change::remove(EntityKind::Grant, g.id.to_string()));
            }
        }
        changes.push(Change::remove(EntityKind::Role, role.to_string()));
        changes
    }

    /// Who would lose what if `role` were deleted (field levels, best over tiers, at `at`).
    pub fn role_deletion_impact(
        &self,
        role: &RoleId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<PersonLoss>, ApiError> {
        let before = self.snapshot()?;
        if !before.roles.contains_key(role) {
            return Err(not_found("role", role));
        }
        let mut after = before.clone();
        for c in Self::role_deletion(&before, role) {
            after.apply(&c);
        }
        let (pb, pa) = (
            crate::decide::Policy::compile(&before),
            crate::decide::Policy::compile(&after),
        );
        let mut out = Vec::new();
        for (i, e) in before.employees.values().enumerate() {
            let ix = n(i);
            let (sb, sa) = (pb.subject(ix, at), pa.subject(ix, at));
            if sb.roles == sa.roles {
                continue;
            }
            let wb = simulate::what_can(&pb, &before, &sb);
            let wa = simulate::what_can(&pa, &after, &sa);
            let fields: Vec<(FieldId, Level, Level)> = wb
                .iter()
                .zip(&wa)
                .filter(|(b, a)| a.level < b.level)
                .map(|(b, a)| (b.field.clone(), b.level, a.level))
                .collect();
            if !fields.is_empty() {
                out.push(PersonLoss {
                    employee: e.id.clone(),
                    name: e.name.clone(),
                    fields,
                });
            }
        }
        Ok(out)
    }

    /// Deletes a role with everything that names it, as one revision.
    pub fn delete_role(&mut self, actor: &Actor, role: &RoleId) -> Result<EditReport, ApiError> {
        let s = self.snapshot()?;
        if !s.roles.contains_key(role) {
            return Err(not_found("role", role));
        }
        let changes = Self::role_deletion(&s, role);
        self.apply(actor, "role.delete", role.as_str(), &changes)
    }

    /// Sets the display order of roles (audited; display order is not part of revisions).
    pub fn reorder_roles(&mut self, actor: &Actor, order: &[RoleId]) -> Result<(), ApiError> {
        let s = self.snapshot()?;
        if order.len() != s.roles.len() || order.iter().any(|r| !s.roles.contains_key(r)) {
            return Err(ApiError::Precondition(
                "the new order must list every role exactly once".into(),
            ));
        }
        let ids: Vec<String> = order.iter().map(|r| r.to_string()).collect();
        self.store.reorder(actor, "roles", &ids)?;
        Ok(())
    }
}
