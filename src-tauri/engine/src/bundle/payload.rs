//! The bundle payload: metadata and the compiled policy of one revision, serialized
//! canonically (fixed field order, sorted maps, display-order lists, no whitespace), so the
//! same revision always gives the same policy bytes and the same content digest.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use ts_rs::TS;

use crate::model::{
    Action, Cell, CellEntry, CellKey, DeptId, Effect, EmployeeId, Entity, FieldId, Guardrail,
    Level, MaskRule, ObjectId, ObjectPolicy, RoleId, Scope, Sensitivity, Snapshot, Status,
    TemporaryGrant, TierId, ACTION_COUNT,
};

/// The payload format this build writes and reads.
pub const FORMAT: &str = "permgrid.bundle.v1";

/// Where a bundle is meant to be evaluated.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    TS,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Target {
    /// permgrid's own verifier library / CLI.
    Native,
    Cedar,
    Casbin,
    Opa,
}

impl Target {
    /// Its keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Native => "native",
            Target::Cedar => "cedar",
            Target::Casbin => "casbin",
            Target::Opa => "opa",
        }
    }
}

impl std::str::FromStr for Target {
    type Err = crate::model::ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "native" => Ok(Target::Native),
            "cedar" => Ok(Target::Cedar),
            "casbin" => Ok(Target::Casbin),
            "opa" => Ok(Target::Opa),
            _ => Err(crate::model::ModelError::UnknownValue {
                kind: "target",
                value: s.to_owned(),
                expected: "native, cedar, casbin, opa",
            }),
        }
    }
}

/// Facts about a bundle (everything but the policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct BundleMeta {
    pub workspace: String,
    pub workspace_name: String,
    #[ts(type = "number")]
    pub revision: i64,
    /// Strictly increasing per workspace; verifiers refuse a serial below the last accepted one.
    #[ts(type = "number")]
    pub serial: u64,
    pub issued_at: DateTime<Utc>,
    pub not_before: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub producer: String,
    pub targets: Vec<Target>,
    /// `sha256:` + hex SHA-256 of the canonical policy JSON.
    pub content_digest: String,
    /// Head of the workspace's audit chain when the bundle was built.
    pub audit_head: String,
}

/// A role with its inheritance resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct RoleDoc {
    pub id: RoleId,
    pub rank: u32,
    /// Every role it inherits, transitively (sorted).
    pub inherits: Vec<RoleId>,
}

/// A tier and its rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct TierDoc {
    pub id: TierId,
    pub rank: u32,
}

/// What decisions need of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct FieldDoc {
    pub id: FieldId,
    pub sensitivity: Sensitivity,
    pub mask: MaskRule,
}

/// A role's row scope, tier reach and action grants on one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ScopeDoc {
    pub role: RoleId,
    pub object: ObjectId,
    pub scope: Scope,
    pub max_tier: Option<TierId>,
    /// In the order view, create, edit, delete, export, bulk_export, share, transfer.
    pub actions: [Effect; ACTION_COUNT],
}

/// A department and its parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct DeptDoc {
    pub id: DeptId,
    pub parent: Option<DeptId>,
}

/// What decisions need of an employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct EmployeeDoc {
    pub id: EmployeeId,
    pub department: DeptId,
    pub manager: Option<EmployeeId>,
    pub roles: Vec<RoleId>,
    pub status: Status,
}

/// The employee snapshot, so a service can decide for employees by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct OrgDoc {
    pub departments: Vec<DeptDoc>,
    pub employees: Vec<EmployeeDoc>,
}

/// The compiled policy of one revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct PolicyDoc {
    pub roles: Vec<RoleDoc>,
    pub objects: Vec<ObjectId>,
    pub tiers: Vec<TierDoc>,
    pub fields: Vec<FieldDoc>,
    /// Per role, one digit per field in `fields` order: 0 hidden, 1 masked, 2 read, 3 edit.
    pub levels: BTreeMap<RoleId, String>,
    /// Per role, the approval-gated level of fields that have one.
    pub approvals: BTreeMap<RoleId, BTreeMap<FieldId, Level>>,
    pub scopes: Vec<ScopeDoc>,
    pub guardrails: Vec<Guardrail>,
    pub grants: Vec<TemporaryGrant>,
    pub org: Option<OrgDoc>,
}

/// Files of an export target, and the result of checking them with the target's engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct TargetFiles {
    pub target: Target,
    /// File name -> content.
    pub files: BTreeMap<String, String>,
    /// How the files were checked (engine, version, requests compared, disagreements).
    pub check: Option<TargetCheck>,
}

/// The result of checking an export with its real engine against permgrid's decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct TargetCheck {
    pub engine: String,
    pub requests: u64,
    pub disagreements: u64,
}

/// Everything a bundle says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Payload {
    pub format: String,
    pub meta: BundleMeta,
    pub policy: PolicyDoc,
    pub exports: Vec<TargetFiles>,
}

/// Canonical bytes of a value: serde_json's compact form of our fixed-order types.
pub fn canonical<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// `sha256:` + hex of the canonical policy.
pub fn content_digest(policy: &PolicyDoc) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(canonical(policy))))
}

fn level_digit(l: Level) -> char {
    char::from(b'0' + l.rank())
}

impl PolicyDoc {
    /// Compiles a snapshot into its bundle form; `with_org` includes the employee snapshot.
    pub fn from_snapshot(s: &Snapshot, with_org: bool) -> PolicyDoc {
        let policy = crate::decide::Policy::compile(s);
        let roles = policy
            .roles
            .iter()
            .enumerate()
            .map(|(i, id)| RoleDoc {
                id: id.clone(),
                rank: policy.role_rank.get(i).copied().unwrap_or(0),
                inherits: {
                    let mut v: Vec<RoleId> = policy
                        .role_closure
                        .get(i)
                        .map(|c| {
                            c.iter()
                                .filter(|x| usize::from(**x) != i)
                                .filter_map(|x| policy.roles.get(usize::from(*x)).cloned())
                                .collect()
                        })
                        .unwrap_or_default();
                    v.sort();
                    v
                },
            })
            .collect();
        let fields: Vec<FieldDoc> = s
            .fields
            .values()
            .map(|f| FieldDoc {
                id: f.id.clone(),
                sensitivity: f.sensitivity,
                mask: f.mask,
            })
            .collect();
        let mut levels = BTreeMap::new();
        let mut approvals: BTreeMap<RoleId, BTreeMap<FieldId, Level>> = BTreeMap::new();
        // The compiled grid is in the same role and field order as the snapshot.
        for (ri, r) in policy.roles.iter().enumerate() {
            let ri = u16::try_from(ri).unwrap_or(u16::MAX);
            let mut digits = String::with_capacity(fields.len());
            for (fi, f) in fields.iter().enumerate() {
                let cell = policy.cell(ri, u32::try_from(fi).unwrap_or(u32::MAX));
                digits.push(level_digit(cell.level()));
                if let Some(a) = cell.approval() {
                    approvals
                        .entry(r.clone())
                        .or_default()
                        .insert(f.id.clone(), a);
                }
            }
            levels.insert(r.clone(), digits);
        }
        let scopes = s
            .policies
            .values()
            .map(|p| ScopeDoc {
                role: p.role.clone(),
                object: p.object.clone(),
                scope: p.scope,
                max_tier: p.max_tier.clone(),
                actions: p.actions,
            })
            .collect();
        let org = with_org.then(|| OrgDoc {
            departments: s
                .departments
                .values()
                .map(|d| DeptDoc {
                    id: d.id.clone(),
                    parent: d.parent.clone(),
                })
                .collect(),
            employees: s
                .employees
                .values()
                .map(|e| EmployeeDoc {
                    id: e.id.clone(),
                    department: e.department.clone(),
                    manager: e.manager.clone(),
                    roles: e.roles.clone(),
                    status: e.status,
                })
                .collect(),
        });
        PolicyDoc {
            roles,
            objects: s.objects.keys().cloned().collect(),
            tiers: s
                .tiers
                .values()
                .map(|t| TierDoc {
                    id: t.id.clone(),
                    rank: t.rank,
                })
                .collect(),
            fields,
            levels,
            approvals,
            scopes,
            guardrails: s.guardrails.values().cloned().collect(),
            grants: s.grants.values().cloned().collect(),
            org,
        }
    }

    /// The snapshot a bundle describes (names are the ids: bundles carry no labels).
    /// Malformed content (a level string of the wrong length, an unknown digit) fails.
    pub fn to_snapshot(&self) -> Result<Snapshot, String> {
        let mut s = self.to_snapshot_without_cells()?;
        for (key, cell) in self.cells()? {
            s.put(Entity::Cell(CellEntry { key, cell }));
        }
        Ok(s)
    }

    /// The cells of `levels` and `approvals`, checked.
    pub fn cells(&self) -> Result<Vec<(CellKey, Cell)>, String> {
        let mut out = Vec::with_capacity(self.levels.len().saturating_mul(self.fields.len()));
        for (role, digits) in &self.levels {
            let gated = self.approvals.get(role);
            for (f, cell) in self.cells_of(role, digits, gated)? {
                out.push((
                    CellKey {
                        role: role.clone(),
                        field: f.id.clone(),
                    },
                    cell,
                ));
            }
        }
        Ok(out)
    }

    fn cells_of<'a>(
        &'a self,
        role: &RoleId,
        digits: &'a str,
        gated: Option<&'a BTreeMap<FieldId, Level>>,
    ) -> Result<Vec<(&'a FieldDoc, Cell)>, String> {
        if digits.len() != self.fields.len() {
            return Err(format!(
                "levels of role `{role}` have {} digits for {} fields",
                digits.len(),
                self.fields.len()
            ));
        }
        let mut out = Vec::with_capacity(self.fields.len());
        for (d, f) in digits.bytes().zip(&self.fields) {
            let level = d
                .checked_sub(b'0')
                .and_then(Level::from_rank)
                .ok_or_else(|| {
                    format!(
                        "level digit `{}` of role `{role}` is not 0-3",
                        char::from(d)
                    )
                })?;
            let cell = match gated.and_then(|g| g.get(&f.id)) {
                Some(a) => Cell::gated(level, *a).map_err(|e| e.to_string())?,
                None => Cell::plain(level),
            };
            out.push((f, cell));
        }
        Ok(out)
    }

    /// The compiled decision tables, without building a cell map (the fast path verifiers use).
    pub fn compile(&self) -> Result<(Snapshot, crate::decide::Policy), String> {
        let snap = self.to_snapshot_without_cells()?;
        let mut policy = crate::decide::Policy::compile(&snap);
        for (role, digits) in &self.levels {
            let Some(&ri) = policy.role_ix.get(role) else {
                return Err(format!("levels name unknown role `{role}`"));
            };
            let cells = self.cells_of(role, digits, self.approvals.get(role))?;
            policy.set_role_cells(ri, cells.into_iter().map(|(_, c)| c));
        }
        Ok((snap, policy))
    }

    /// Everything but the cells.
    pub fn to_snapshot_without_cells(&self) -> Result<Snapshot, String> {
        let mut s = Snapshot::default();
        let name = |x: &str| x.to_owned();
        if let Some(org) = &self.org {
            for d in &org.departments {
                s.put(Entity::Department(crate::model::Department {
                    id: d.id.clone(),
                    name_zh: name(d.id.as_str()),
                    name_en: name(d.id.as_str()),
                    parent: d.parent.clone(),
                }));
            }
        }
        for r in &self.roles {
            s.put(Entity::Role(crate::model::Role {
                id: r.id.clone(),
                name_zh: name(r.id.as_str()),
                name_en: name(r.id.as_str()),
                rank: r.rank,
                inherits: r.inherits.clone(),
                description: String::new(),
            }));
        }
        if let Some(org) = &self.org {
            for e in &org.employees {
                s.put(Entity::Employee(crate::model::Employee {
                    id: e.id.clone(),
                    name: name(e.id.as_str()),
                    title: String::new(),
                    department: e.department.clone(),
                    manager: e.manager.clone(),
                    roles: e.roles.clone(),
                    status: e.status,
                }));
            }
        }
        for o in &self.objects {
            s.put(Entity::Object(crate::model::ObjectDef {
                id: o.clone(),
                name_zh: name(o.as_str()),
                name_en: name(o.as_str()),
            }));
        }
        for t in &self.tiers {
            s.put(Entity::Tier(crate::model::Tier {
                id: t.id.clone(),
                rank: t.rank,
                name_zh: name(t.id.as_str()),
                name_en: name(t.id.as_str()),
            }));
        }
        for f in &self.fields {
            let object = ObjectId::new(f.id.object_str()).map_err(|e| e.to_string())?;
            s.put(Entity::Field(crate::model::Field {
                id: f.id.clone(),
                object,
                label_zh: name(f.id.as_str()),
                label_en: name(f.id.as_str()),
                field_type: crate::model::FieldType::Text,
                sensitivity: f.sensitivity,
                mask: f.mask,
                category: crate::model::Category::Basic,
            }));
        }
        for sc in &self.scopes {
            s.put(Entity::Policy(ObjectPolicy {
                role: sc.role.clone(),
                object: sc.object.clone(),
                scope: sc.scope,
                max_tier: sc.max_tier.clone(),
                actions: sc.actions,
            }));
        }
        for g in &self.guardrails {
            s.put(Entity::Guardrail(g.clone()));
        }
        for g in &self.grants {
            s.put(Entity::Grant(g.clone()));
        }
        s.check_all()
            .map_err(|(kind, key, e)| format!("{kind} `{key}`: {}", e.error))?;
        Ok(s)
    }
}

/// Action names in the order of [`ScopeDoc::actions`].
pub fn action_order() -> [Action; ACTION_COUNT] {
    [
        Action::View,
        Action::Create,
        Action::Edit,
        Action::Delete,
        Action::Export,
        Action::BulkExport,
        Action::Share,
        Action::Transfer,
    ]
}
