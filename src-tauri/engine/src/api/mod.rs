//! The one facade over the engine. The CLI, the desktop shell and the tests call this and
//! nothing below it: it opens workspaces, turns user intent into entity changes, and lets
//! the store persist them with their revision and audit entry.

mod bundles;
mod editor;
mod error;
mod org;
mod views;

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use ts_rs::TS;

use crate::csv::{self, CsvKind, Parsed};
use crate::model::{
    Actor, AuditEntry, Cell, CellEntry, CellKey, Change, Entity, EntityKind, FieldId, ObjectId,
    ObjectPolicy, PolicyKey, Revision, RoleId, Scope, Snapshot, TierId,
};
use crate::store::{AuditFilter, AuditReport, DiffEntry, Store, WorkspaceMeta};

pub use bundles::{cosign, opa_tarball, random, BuildOptions, Built};
pub use editor::{CellEdit, FieldRow, GatedCell, MatrixView, PersonLoss, RoleColumn};
pub use error::{ApiError, ErrorCode, ErrorDto};
pub use org::{ImportIssue, ImportPreview, OrgCatalog, OrgEntity, OrgKind, SampleRow};
pub use views::{BulkExportView, Directory, GuardrailName, SimulationReport, Who};

/// The version of this build, recorded in workspaces and bundles.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a workspace holds, in numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Summary {
    pub path: String,
    pub meta: WorkspaceMeta,
    #[ts(type = "number")]
    pub revision: i64,
    pub departments: u32,
    pub employees: u32,
    pub roles: u32,
    pub objects: u32,
    pub fields: u32,
    pub tiers: u32,
    /// Cells decided explicitly.
    pub cells: u32,
    /// Roles x fields.
    pub cells_total: u32,
    /// Fields with at least one undecided role (the review queue).
    pub fields_to_review: u32,
    pub policies: u32,
    pub guardrails: u32,
    pub grants: u32,
    pub customers: u32,
}

/// The outcome of an edit or import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EditReport {
    /// The revision made; `None` when nothing changed.
    #[ts(type = "number | null")]
    pub revision: Option<i64>,
    /// Entities (or customers) changed.
    pub changed: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// An open workspace.
pub struct Workspace {
    store: Store,
    /// Compiled decisions and customers, reused until the workspace changes.
    cache: Option<std::sync::Arc<views::Loaded>>,
}

impl Workspace {
    /// Creates an empty workspace at `path`.
    pub fn create(path: &Path, name: &str, actor: &Actor) -> Result<Workspace, ApiError> {
        let id = {
            let mut h = Sha256::new();
            h.update(path.to_string_lossy().as_bytes());
            h.update(
                actor
                    .at
                    .timestamp_nanos_opt()
                    .unwrap_or_default()
                    .to_le_bytes(),
            );
            h.update(actor.name.as_bytes());
            hex::encode(h.finalize().get(..8).unwrap_or_default())
        };
        let meta = WorkspaceMeta {
            id,
            name: name.to_owned(),
            created_at: actor.at,
            created_by: actor.name.clone(),
            producer: format!("permgrid {VERSION}"),
        };
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| ApiError::Io {
            path: path.display().to_string(),
            source: std::io::Error::other(format!("no randomness for the workspace key: {e}")),
        })?;
        let mut store = Store::create(path, &meta, &key)?;
        store.record(
            actor,
            "workspace.create",
            &path.display().to_string(),
            None,
            Some(name),
        )?;
        Ok(Workspace { store, cache: None })
    }

    /// Creates the demo workspace (company, matrix and `customers` synthetic customers).
    pub fn create_demo(
        path: &Path,
        actor: &Actor,
        customers: usize,
    ) -> Result<Workspace, ApiError> {
        let (changes, custs) = crate::demo::build(customers)?;
        let mut ws = Workspace::create(path, "华信科技 (demo)", actor)?;
        let made = (|| {
            ws.store
                .apply(actor, "workspace.demo", "assets/demo", &changes)?;
            ws.store.put_customers(actor, "demo customers", &custs)?;
            Ok::<_, ApiError>(())
        })();
        if let Err(e) = made {
            drop(ws);
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        Ok(ws)
    }

    /// Opens an existing workspace.
    pub fn open(path: &Path) -> Result<Workspace, ApiError> {
        Ok(Workspace {
            store: Store::open(path)?,
            cache: None,
        })
    }

    /// Opens `path`, or creates the demo workspace there if nothing exists yet.
    /// Returns whether it was created.
    pub fn open_or_create_demo(path: &Path, actor: &Actor) -> Result<(Workspace, bool), ApiError> {
        if path.exists() {
            return Ok((Workspace::open(path)?, false));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| ApiError::Io {
                path: dir.display().to_string(),
                source: e,
            })?;
        }
        Ok((
            Workspace::create_demo(path, actor, crate::demo::DEMO_CUSTOMERS)?,
            true,
        ))
    }

    /// Where it lives.
    pub fn path(&self) -> PathBuf {
        self.store.path().to_owned()
    }

    /// Everything it holds except customers.
    pub fn snapshot(&self) -> Result<Snapshot, ApiError> {
        Ok(self.store.load()?)
    }

    /// Counts of what it holds.
    pub fn summary(&self) -> Result<Summary, ApiError> {
        let s = self.store.load_without_cells()?;
        let (cells, fields_to_review) = self.store.cell_counts(s.roles.len())?;
        Ok(Summary {
            path: self.store.path().display().to_string(),
            meta: self.store.meta()?,
            revision: self.store.head()?,
            departments: count(s.departments.len()),
            employees: count(s.employees.len()),
            roles: count(s.roles.len()),
            objects: count(s.objects.len()),
            fields: count(s.fields.len()),
            tiers: count(s.tiers.len()),
            cells: count(cells),
            cells_total: count(s.roles.len().saturating_mul(s.fields.len())),
            fields_to_review: if s.roles.is_empty() {
                0
            } else {
                count(s.fields.len().saturating_sub(fields_to_review))
            },
            policies: count(s.policies.len()),
            guardrails: count(s.guardrails.len()),
            grants: count(s.grants.len()),
            customers: count(self.store.customer_count()?),
        })
    }

    /// Imports a CSV file's content atomically: on any error nothing changes.
    pub fn import_csv(
        &mut self,
        actor: &Actor,
        kind: CsvKind,
        file: &str,
        bytes: &[u8],
    ) -> Result<EditReport, ApiError> {
        let snap = self.snapshot()?;
        match csv::parse(kind, file, bytes, &snap)? {
            Parsed::Changes(changes) => {
                let applied = self.store.apply(
                    actor,
                    &format!("import.{}", kind.as_str()),
                    file,
                    &changes,
                )?;
                Ok(EditReport {
                    revision: applied.revision,
                    changed: count(applied.changes.len()),
                })
            }
            Parsed::Customers(customers) => {
                self.cache = None;
                let n = self.store.put_customers(actor, file, &customers)?;
                Ok(EditReport {
                    revision: None,
                    changed: count(n),
                })
            }
        }
    }

    /// Writes `kind` as CSV and records the export in the audit log.
    pub fn export_csv(
        &mut self,
        actor: &Actor,
        kind: CsvKind,
        out: &mut dyn Write,
    ) -> Result<(), ApiError> {
        let snap = self.snapshot()?;
        let customers = if kind == CsvKind::Customers {
            self.store.customers(None)?
        } else {
            Vec::new()
        };
        csv::export(kind, &snap, &customers, out).map_err(|e| ApiError::Io {
            path: kind.file_name(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let rev = self.store.head()?.to_string();
        self.store.record(
            actor,
            &format!("export.{}", kind.as_str()),
            &kind.file_name(),
            None,
            Some(&format!("revision {rev}")),
        )?;
        Ok(())
    }

    /// Sets (or, with `None`, clears back to undecided) cells, as one revision and one audit entry.
    pub fn set_cells(
        &mut self,
        actor: &Actor,
        cells: &[(RoleId, FieldId, Option<Cell>)],
    ) -> Result<EditReport, ApiError> {
        // Existence by primary-key lookups, once per distinct id: an edit of one cell must not
        // read the whole workspace.
        let mut known: std::collections::HashSet<(EntityKind, &str)> =
            std::collections::HashSet::new();
        let mut changes = Vec::with_capacity(cells.len());
        for (role, field, cell) in cells {
            for (kind, id) in [
                (EntityKind::Role, role.as_str()),
                (EntityKind::Field, field.as_str()),
            ] {
                if !known.contains(&(kind, id)) {
                    if !self.store.exists(kind, id)? {
                        return Err(ApiError::NotFound {
                            kind: kind.as_str(),
                            id: id.to_owned(),
                        });
                    }
                    known.insert((kind, id));
                }
            }
            let key = CellKey {
                role: role.clone(),
                field: field.clone(),
            };
            changes.push(match cell {
                Some(c) => Change::put(Entity::Cell(CellEntry { key, cell: *c })),
                None => Change::remove(EntityKind::Cell, format!("{role}/{field}")),
            });
        }
        let target = match cells {
            [(r, f, _)] => format!("{r}/{f}"),
            many => format!("{} cells", many.len()),
        };
        let applied = self.store.apply(actor, "matrix.set", &target, &changes)?;
        Ok(EditReport {
            revision: applied.revision,
            changed: count(applied.changes.len()),
        })
    }

    /// Sets the row scope and tier reach of `role` on `object`, keeping its action grants.
    /// `max_tier` `None` reaches every tier.
    pub fn set_scope(
        &mut self,
        actor: &Actor,
        role: &RoleId,
        object: &ObjectId,
        scope: Scope,
        max_tier: Option<TierId>,
    ) -> Result<EditReport, ApiError> {
        let snap = self.snapshot()?;
        if !snap.roles.contains_key(role) {
            return Err(ApiError::NotFound {
                kind: "role",
                id: role.to_string(),
            });
        }
        if !snap.objects.contains_key(object) {
            return Err(ApiError::NotFound {
                kind: "object",
                id: object.to_string(),
            });
        }
        if let Some(t) = &max_tier {
            if !snap.tiers.contains_key(t) {
                return Err(ApiError::NotFound {
                    kind: "tier",
                    id: t.to_string(),
                });
            }
        }
        let key = PolicyKey {
            role: role.clone(),
            object: object.clone(),
        };
        let mut policy = snap
            .policies
            .get(&key)
            .cloned()
            .unwrap_or_else(|| ObjectPolicy::none(role.clone(), object.clone()));
        policy.scope = scope;
        policy.max_tier = max_tier;
        let applied = self.store.apply(
            actor,
            "scope.set",
            &format!("{role}/{object}"),
            &[Change::put(Entity::Policy(policy))],
        )?;
        Ok(EditReport {
            revision: applied.revision,
            changed: count(applied.changes.len()),
        })
    }

    /// Every revision, oldest first.
    pub fn revisions(&self) -> Result<Vec<Revision>, ApiError> {
        Ok(self.store.revisions()?)
    }

    /// What differs between two revisions.
    pub fn diff(&self, from: i64, to: i64) -> Result<Vec<DiffEntry>, ApiError> {
        Ok(self.store.diff(from, to)?)
    }

    /// Brings the workspace back to revision `rev`, as a new revision.
    pub fn restore(&mut self, actor: &Actor, rev: i64) -> Result<EditReport, ApiError> {
        let changes = self.store.changes_to_restore(rev)?;
        let applied = self.store.apply(
            actor,
            "revision.restore",
            &format!("revision {rev}"),
            &changes,
        )?;
        Ok(EditReport {
            revision: applied.revision,
            changed: count(applied.changes.len()),
        })
    }

    /// Audit entries matching `filter`.
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
        Ok(self.store.audit_log(filter)?)
    }

    /// Walks the audit chain.
    pub fn audit_verify(&self) -> Result<AuditReport, ApiError> {
        Ok(self.store.audit_verify()?)
    }
}
