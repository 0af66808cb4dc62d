//! What the org and catalog screens need: the departments, employees, roles, objects, fields
//! and tiers in one view; adding, editing and deleting them with checks that say what is
//! wrong (a missing manager, a duplicate id, a department that still has people...); and a
//! CSV import preview that parses and checks a file against the workspace without writing.
//!
//! Every mutation is one transaction, one revision and one audit entry (through the store's
//! `apply`, as the editor's calls are).

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

use super::{count, ApiError, EditReport, Workspace};
use crate::csv::{self, CsvError, CsvKind, ImportProgress, ImportStage, Parsed};
use crate::model::{
    Actor, Change, Department, Employee, Entity, EntityKind, Field, GrantSubject, GrantWhat,
    ObjectDef, Role, Snapshot, Tier,
};

/// The organisation and the catalog, as the org and catalog screens show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgCatalog {
    #[ts(type = "number")]
    pub revision: i64,
    pub departments: Vec<Department>,
    pub employees: Vec<Employee>,
    pub roles: Vec<Role>,
    pub objects: Vec<ObjectDef>,
    pub tiers: Vec<Tier>,
    pub fields: Vec<Field>,
}

/// One entity of the org or the catalog, as those screens add and edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
#[ts(export)]
pub enum OrgEntity {
    Department(Department),
    Employee(Employee),
    Role(Role),
    Object(ObjectDef),
    Tier(Tier),
    Field(Field),
}

/// The kinds the org and catalog screens manage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum OrgKind {
    Department,
    Employee,
    Role,
    Object,
    Tier,
    Field,
}

impl OrgKind {
    fn entity_kind(self) -> EntityKind {
        match self {
            OrgKind::Department => EntityKind::Department,
            OrgKind::Employee => EntityKind::Employee,
            OrgKind::Role => EntityKind::Role,
            OrgKind::Object => EntityKind::Object,
            OrgKind::Tier => EntityKind::Tier,
            OrgKind::Field => EntityKind::Field,
        }
    }
}

/// Why a CSV file cannot be imported: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportIssue {
    pub file: String,
    /// 1-based, the header is line 1; 0 when the problem is with the whole file.
    pub line: u32,
    /// 1-based column number, when one column is at fault.
    pub column: Option<u32>,
    /// That column's header.
    pub column_name: Option<String>,
    pub reason: String,
    /// The whole message: `file line N column M (`name`): reason`.
    pub message: String,
}

impl From<&CsvError> for ImportIssue {
    fn from(e: &CsvError) -> Self {
        ImportIssue {
            file: e.file.clone(),
            line: u32::try_from(e.line).unwrap_or(u32::MAX),
            column: e
                .column
                .as_ref()
                .map(|(n, _)| u32::try_from(*n).unwrap_or(u32::MAX)),
            column_name: e.column.as_ref().map(|(_, name)| name.clone()),
            reason: e.reason.clone(),
            message: e.to_string(),
        }
    }
}

/// A row of a file as written, with its line number (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SampleRow {
    pub line: u32,
    pub cells: Vec<String>,
}

/// What importing a file would do, computed without writing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportPreview {
    pub kind: CsvKind,
    pub file: String,
    /// Data rows in the file (blank lines not counted).
    pub rows: u32,
    /// Entities (or customers) the import would add, change, leave as they are, or remove.
    pub added: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub removed: u32,
    /// The header and the first rows as written (and the row at fault, if any), each with its
    /// line number, to show beside the counts.
    pub headers: Vec<String>,
    pub sample: Vec<SampleRow>,
    /// Why the file cannot be imported; `None` when it can.
    pub error: Option<ImportIssue>,
}

/// Rows of the file shown in a preview.
const SAMPLE_ROWS: usize = 5;

/// `n` things, naming the first three: `3 employees (`E1`, `E2`, `E3`)`.
fn some(n_what: &str, ids: &[String]) -> String {
    let mut shown: Vec<String> = ids.iter().take(3).map(|i| format!("`{i}`")).collect();
    if ids.len() > 3 {
        shown.push("...".into());
    }
    format!("{} {n_what} ({})", ids.len(), shown.join(", "))
}

fn refuse(what: String, blockers: Vec<String>, hint: &str) -> Result<(), ApiError> {
    if blockers.is_empty() {
        return Ok(());
    }
    Err(ApiError::Precondition(format!(
        "cannot delete {what}: it still has {}; {hint}",
        blockers.join(" and ")
    )))
}

fn blocker(out: &mut Vec<String>, what: &str, ids: Vec<String>) {
    if !ids.is_empty() {
        out.push(some(what, &ids));
    }
}

fn required(column: &str, text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::Precondition(format!(
            "{column}: must not be empty"
        )));
    }
    Ok(())
}

impl Workspace {
    /// The org and the catalog (no cells).
    pub fn org_catalog(&self) -> Result<OrgCatalog, ApiError> {
        let s = self.store.load_without_cells()?;
        Ok(OrgCatalog {
            revision: self.store.head()?,
            departments: s.departments.into_values().collect(),
            employees: s.employees.into_values().collect(),
            roles: s.roles.into_values().collect(),
            objects: s.objects.into_values().collect(),
            tiers: s.tiers.into_values().collect(),
            fields: s.fields.into_values().collect(),
        })
    }

    /// Adds (`create`: refused if the id exists already) or replaces an entity of the org or
    /// the catalog, after checking its references (department, manager and its chain, roles,
    /// inherited roles and their cycles, parent department, a field's object).
    pub fn put_org_entity(
        &mut self,
        actor: &Actor,
        entity: OrgEntity,
        create: bool,
    ) -> Result<EditReport, ApiError> {
        let (entity, names): (Entity, Vec<(&str, String)>) = match entity {
            OrgEntity::Department(d) => {
                let names = vec![
                    ("name_zh", d.name_zh.clone()),
                    ("name_en", d.name_en.clone()),
                ];
                (Entity::Department(d), names)
            }
            OrgEntity::Employee(e) => {
                let names = vec![("name", e.name.clone())];
                (Entity::Employee(e), names)
            }
            OrgEntity::Role(r) => {
                let names = vec![
                    ("name_zh", r.name_zh.clone()),
                    ("name_en", r.name_en.clone()),
                ];
                (Entity::Role(r), names)
            }
            OrgEntity::Object(o) => {
                let names = vec![
                    ("name_zh", o.name_zh.clone()),
                    ("name_en", o.name_en.clone()),
                ];
                (Entity::Object(o), names)
            }
            OrgEntity::Tier(t) => {
                let names = vec![
                    ("name_zh", t.name_zh.clone()),
                    ("name_en", t.name_en.clone()),
                ];
                (Entity::Tier(t), names)
            }
            OrgEntity::Field(f) => {
                let names = vec![
                    ("label_zh", f.label_zh.clone()),
                    ("label_en", f.label_en.clone()),
                ];
                (Entity::Field(f), names)
            }
        };
        for (column, text) in &names {
            required(column, text)?;
        }
        let kind = entity.kind();
        let key = entity.key();
        let exists = self.store.exists(kind, &key)?;
        if create && exists {
            return Err(ApiError::AlreadyExists {
                kind: kind.as_str(),
                id: key,
            });
        }
        match entity {
            // Roles and fields keep their own calls (the editor's audit actions, default deny).
            Entity::Role(r) => self.put_role(actor, r),
            Entity::Field(f) => self.put_field(actor, f),
            entity => {
                let mut s = self.store.load_without_cells()?;
                s.put(entity.clone());
                s.check(&entity)
                    .map_err(|r| ApiError::Precondition(format!("{}: {}", r.column, r.error)))?;
                let action = format!("{kind}.{}", if exists { "update" } else { "add" });
                self.apply(actor, &action, &key, &[Change::put(entity)])
            }
        }
    }

    /// Deletes an entity of the org or the catalog, refusing while anything still depends on
    /// it (the error says what): a department with sub-departments, employees or customers;
    /// an employee who manages people or owns customers; an object with fields or rules; a
    /// tier that scopes, rules or customers use; a field that rules, grants or requests name.
    /// What only decorates it goes with it in the same revision: a role's cells, scopes and
    /// grants (as [`Workspace::delete_role`]), a field's cells, an object's scopes, an
    /// employee's temporary grants and requests.
    pub fn delete_org_entity(
        &mut self,
        actor: &Actor,
        kind: OrgKind,
        id: &str,
    ) -> Result<EditReport, ApiError> {
        let ek = kind.entity_kind();
        if !self.store.exists(ek, id)? {
            return Err(ApiError::NotFound {
                kind: ek.as_str(),
                id: id.to_owned(),
            });
        }
        if kind == OrgKind::Role {
            let role = id.parse().map_err(ApiError::Model)?;
            return self.delete_role(actor, &role);
        }
        let s = if kind == OrgKind::Field {
            self.snapshot()?
        } else {
            self.store.load_without_cells()?
        };
        let customers = match kind {
            OrgKind::Department | OrgKind::Employee | OrgKind::Tier => {
                self.store.customers(None)?
            }
            _ => Vec::new(),
        };
        let changes = deletion(&s, &customers, kind, id)?;
        self.apply(actor, &format!("{ek}.delete"), id, &changes)
    }

    /// Parses and checks a CSV file against the workspace without writing anything: what it
    /// would add, change and remove, its first rows, and the first error with its line and
    /// column. Reports progress while reading and checking.
    pub fn preview_csv(
        &self,
        kind: CsvKind,
        file: &str,
        bytes: &[u8],
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportPreview, ApiError> {
        let mut preview = ImportPreview {
            kind,
            file: file.to_owned(),
            rows: 0,
            added: 0,
            changed: 0,
            unchanged: 0,
            removed: 0,
            headers: Vec::new(),
            sample: Vec::new(),
            error: None,
        };
        let snap = self.snapshot()?;
        match csv::parse_with_progress(kind, file, bytes, &snap, progress) {
            Err(e) => preview.error = Some(ImportIssue::from(&e)),
            Ok(Parsed::Changes(changes)) => {
                for c in &changes {
                    match (snap.get(c.kind, &c.key), &c.new) {
                        (None, Some(_)) => preview.added += 1,
                        (Some(old), Some(new)) if &old == new => preview.unchanged += 1,
                        (Some(_), Some(_)) => preview.changed += 1,
                        (Some(_), None) => preview.removed += 1,
                        (None, None) => {}
                    }
                }
            }
            Ok(Parsed::Customers(customers)) => {
                let existing = self.store.customers(None)?;
                let by_id: std::collections::HashMap<&str, &crate::model::Customer> =
                    existing.iter().map(|c| (c.id.as_str(), c)).collect();
                for c in &customers {
                    match by_id.get(c.id.as_str()) {
                        None => preview.added += 1,
                        Some(old) if *old == c => preview.unchanged += 1,
                        Some(_) => preview.changed += 1,
                    }
                }
            }
        }
        let bad_line = preview.error.as_ref().map(|e| u64::from(e.line));
        let (headers, sample, rows) = csv::sample(bytes, SAMPLE_ROWS, bad_line);
        preview.headers = headers;
        preview.rows = count(rows);
        preview.sample = sample
            .into_iter()
            .map(|(line, cells)| SampleRow {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                cells,
            })
            .collect();
        Ok(preview)
    }

    /// [`Workspace::import_csv`], reporting progress while reading, checking and writing.
    pub fn import_csv_with_progress(
        &mut self,
        actor: &Actor,
        kind: CsvKind,
        file: &str,
        bytes: &[u8],
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<EditReport, ApiError> {
        let snap = self.snapshot()?;
        let parsed = csv::parse_with_progress(kind, file, bytes, &snap, progress)?;
        let write = |p: &mut dyn FnMut(ImportProgress), done| {
            p(ImportProgress {
                stage: ImportStage::Write,
                done,
                total: 1,
            })
        };
        write(progress, 0);
        let report = match parsed {
            Parsed::Changes(changes) => {
                self.apply(actor, &format!("import.{}", kind.as_str()), file, &changes)?
            }
            Parsed::Customers(customers) => {
                self.cache = None;
                let n = self.store.put_customers(actor, file, &customers)?;
                EditReport {
                    revision: None,
                    changed: count(n),
                }
            }
        };
        write(progress, 1);
        Ok(report)
    }
}

/// The changes that delete `kind`/`id` from `s`, or why it cannot be deleted now.
fn deletion(
    s: &Snapshot,
    customers: &[crate::model::Customer],
    kind: OrgKind,
    id: &str,
) -> Result<Vec<Change>, ApiError> {
    let ids = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<String>>();
    let mut blockers = Vec::new();
    let mut changes = Vec::new();
    let cust = |f: &dyn Fn(&crate::model::Customer) -> bool| {
        ids(&mut customers.iter().filter(|c| f(c)).map(|c| c.id.to_string()))
    };
    let guardrails = |f: &dyn Fn(&crate::model::Guardrail) -> bool| {
        ids(&mut s
            .guardrails
            .values()
            .filter(|g| f(g))
            .map(|g| g.id.to_string()))
    };
    let grants = |f: &dyn Fn(&crate::model::TemporaryGrant) -> bool| {
        ids(&mut s.grants.values().filter(|g| f(g)).map(|g| g.id.to_string()))
    };
    match kind {
        OrgKind::Department => {
            blocker(
                &mut blockers,
                "sub-departments",
                ids(&mut s
                    .departments
                    .values()
                    .filter(|d| d.parent.as_ref().is_some_and(|p| p.as_str() == id))
                    .map(|d| d.id.to_string())),
            );
            blocker(
                &mut blockers,
                "employees",
                ids(&mut s
                    .employees
                    .values()
                    .filter(|e| e.department.as_str() == id)
                    .map(|e| e.id.to_string())),
            );
            blocker(
                &mut blockers,
                "customers",
                cust(&|c| c.department.as_str() == id),
            );
            refuse(
                format!("department `{id}`"),
                blockers,
                "move or delete them first",
            )?;
        }
        OrgKind::Employee => {
            blocker(
                &mut blockers,
                "direct reports",
                ids(&mut s
                    .employees
                    .values()
                    .filter(|e| e.manager.as_ref().is_some_and(|m| m.as_str() == id))
                    .map(|e| e.id.to_string())),
            );
            blocker(
                &mut blockers,
                "customers",
                cust(&|c| c.owner.as_str() == id),
            );
            refuse(
                format!("employee `{id}`"),
                blockers,
                "give them another manager or owner first (or set the status to `left`)",
            )?;
            for g in s.grants.values() {
                let names = matches!(&g.subject, GrantSubject::Employee(e) if e.as_str() == id)
                    || g.approver.as_ref().is_some_and(|a| a.as_str() == id);
                if names {
                    changes.push(Change::remove(EntityKind::Grant, g.id.to_string()));
                }
            }
            for r in s.requests.values().filter(|r| r.employee.as_str() == id) {
                changes.push(Change::remove(EntityKind::Request, r.id.to_string()));
            }
        }
        OrgKind::Object => {
            blocker(
                &mut blockers,
                "fields",
                ids(&mut s
                    .fields
                    .values()
                    .filter(|f| f.object.as_str() == id)
                    .map(|f| f.id.to_string())),
            );
            blocker(
                &mut blockers,
                "guardrails",
                guardrails(&|g| g.when.object.as_ref().is_some_and(|o| o.as_str() == id)),
            );
            blocker(
                &mut blockers,
                "temporary grants",
                grants(&|g| match &g.what {
                    GrantWhat::Scope { object, .. } | GrantWhat::Action { object, .. } => {
                        object.as_str() == id
                    }
                    _ => false,
                }),
            );
            refuse(
                format!("object `{id}`"),
                blockers,
                "delete or change them first",
            )?;
            for p in s.policies.values().filter(|p| p.object.as_str() == id) {
                changes.push(Change::remove(
                    EntityKind::Policy,
                    format!("{}/{}", p.role, p.object),
                ));
            }
        }
        OrgKind::Tier => {
            blocker(
                &mut blockers,
                "role scopes reaching up to it",
                ids(&mut s
                    .policies
                    .values()
                    .filter(|p| p.max_tier.as_ref().is_some_and(|t| t.as_str() == id))
                    .map(|p| format!("{}/{}", p.role, p.object))),
            );
            blocker(
                &mut blockers,
                "guardrails",
                guardrails(&|g| g.when.min_tier.as_ref().is_some_and(|t| t.as_str() == id)),
            );
            blocker(
                &mut blockers,
                "temporary grants",
                grants(
                    &|g| matches!(&g.what, GrantWhat::Scope { max_tier: Some(t), .. } if t.as_str() == id),
                ),
            );
            blocker(&mut blockers, "customers", cust(&|c| c.tier.as_str() == id));
            refuse(format!("tier `{id}`"), blockers, "change them first")?;
        }
        OrgKind::Field => {
            blocker(
                &mut blockers,
                "guardrails",
                guardrails(&|g| g.when.fields.iter().any(|f| f.as_str() == id)),
            );
            blocker(
                &mut blockers,
                "temporary grants",
                grants(
                    &|g| matches!(&g.what, GrantWhat::Field { field, .. } if field.as_str() == id),
                ),
            );
            blocker(
                &mut blockers,
                "access requests",
                ids(&mut s
                    .requests
                    .values()
                    .filter(|r| r.field.as_str() == id)
                    .map(|r| r.id.to_string())),
            );
            refuse(format!("field `{id}`"), blockers, "change them first")?;
            let roles: HashSet<&str> = s.roles.keys().map(|r| r.as_str()).collect();
            for (role, field, _) in s.cells.iter().filter(|(_, f, _)| f.as_str() == id) {
                if roles.contains(role.as_str()) {
                    changes.push(Change::remove(EntityKind::Cell, format!("{role}/{field}")));
                }
            }
        }
        OrgKind::Role => {}
    }
    changes.push(Change::remove(kind.entity_kind(), id));
    Ok(changes)
}
