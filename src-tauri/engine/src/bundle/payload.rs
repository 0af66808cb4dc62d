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

/// The payload format this build writes and reads. v2 keeps each cell, approval-gated level
/// included, as one character (`cells`); v1 had level digits and a map of gated field ids.
pub const FORMAT: &str = "permgrid.bundle.v2";

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
    /// `sha256:` + hex SHA-256 of the `policy` member's bytes exactly as they appear in the
    /// payload (which producers write canonically).
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
    /// Per role, one character per field in `fields` order (see [`cell_char`]): `0` hidden,
    /// `1` masked, `2` read, `3` edit; `a`-`f` a level plus a higher level reachable with an
    /// approved request (`a` hidden+masked, `b` hidden+read, `c` hidden+edit, `d` masked+read,
    /// `e` masked+edit, `f` read+edit).
    pub cells: BTreeMap<RoleId, String>,
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
    digest_of(&canonical(policy))
}

/// `sha256:` + hex of some bytes.
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The character of a cell in [`PolicyDoc::cells`].
pub fn cell_char(cell: crate::decide::PackedCell) -> u8 {
    let level = cell.level().rank();
    match cell.approval() {
        None => b'0' + level,
        // (level, approval) in order: (0,1) a, (0,2) b, (0,3) c, (1,2) d, (1,3) e, (2,3) f.
        Some(a) => {
            let first = [0u8, 3, 5].get(usize::from(level)).copied().unwrap_or(0);
            b'a' + first + a.rank().saturating_sub(level + 1)
        }
    }
}

/// The cell of a character of [`PolicyDoc::cells`]; `None` if it is not one.
pub fn char_cell(c: u8) -> Option<Cell> {
    let (level, approval) = match c {
        b'0'..=b'3' => (c - b'0', None),
        b'a' => (0, Some(1)),
        b'b' => (0, Some(2)),
        b'c' => (0, Some(3)),
        b'd' => (1, Some(2)),
        b'e' => (1, Some(3)),
        b'f' => (2, Some(3)),
        _ => return None,
    };
    Some(Cell {
        level: Level::from_rank(level)?,
        approval: match approval {
            Some(a) => Some(Level::from_rank(a)?),
            None => None,
        },
    })
}

/// A payload as read by verifiers: the policy is kept as the exact bytes that were signed, so
/// its digest is computed over them instead of over a re-serialization.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPayload<'a> {
    format: String,
    meta: BundleMeta,
    #[serde(borrow)]
    policy: &'a serde_json::value::RawValue,
    exports: Vec<TargetFiles>,
}

/// Why payload bytes could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The `format` is not [`FORMAT`].
    Format(String),
    /// Not JSON of the payload's shape.
    Json(serde_json::Error),
}

/// Reads payload bytes; also returns the digest of the `policy` member's bytes as they are.
pub fn read(body: &[u8]) -> Result<(Payload, String), ReadError> {
    let raw: RawPayload<'_> = serde_json::from_slice(body).map_err(ReadError::Json)?;
    if raw.format != FORMAT {
        return Err(ReadError::Format(raw.format));
    }
    let digest = digest_of(raw.policy.get().as_bytes());
    let policy: PolicyDoc = serde_json::from_str(raw.policy.get()).map_err(ReadError::Json)?;
    Ok((
        Payload {
            format: raw.format,
            meta: raw.meta,
            policy,
            exports: raw.exports,
        },
        digest,
    ))
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
        // The compiled grid is in the same role and field order as the snapshot.
        let nf = fields.len();
        let cells = policy
            .roles
            .iter()
            .enumerate()
            .map(|(ri, r)| {
                let row = policy
                    .cells
                    .get(ri.saturating_mul(nf)..ri.saturating_add(1).saturating_mul(nf))
                    .unwrap_or_default();
                let chars: Vec<u8> = row.iter().map(|c| cell_char(*c)).collect();
                (r.clone(), String::from_utf8(chars).unwrap_or_default())
            })
            .collect();
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
            cells,
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

    /// The cells of `cells`, checked.
    pub fn cells(&self) -> Result<Vec<(CellKey, Cell)>, String> {
        let mut out = Vec::with_capacity(self.cells.len().saturating_mul(self.fields.len()));
        let mut row = Vec::new();
        for (role, chars) in &self.cells {
            self.decode_row(role, chars, &mut row)?;
            for (f, cell) in self.fields.iter().zip(&row) {
                out.push((
                    CellKey {
                        role: role.clone(),
                        field: f.id.clone(),
                    },
                    *cell,
                ));
            }
        }
        Ok(out)
    }

    /// The cells of one role, in field order, from its characters (into `out`, cleared first).
    fn decode_row(&self, role: &RoleId, chars: &str, out: &mut Vec<Cell>) -> Result<(), String> {
        let nf = self.fields.len();
        if chars.len() != nf {
            return Err(format!(
                "cells of role `{role}` have {} characters for {nf} fields",
                chars.len()
            ));
        }
        out.clear();
        for (i, c) in chars.bytes().enumerate() {
            let cell = char_cell(c).ok_or_else(|| {
                let field = self.fields.get(i).map(|f| f.id.as_str()).unwrap_or("?");
                format!(
                    "cell character `{}` of role `{role}`, field `{field}` is not one of 0-3, a-f",
                    char::from(c)
                )
            })?;
            out.push(cell);
        }
        Ok(())
    }

    /// The compiled decision tables, without building a cell map (the fast path verifiers use).
    pub fn compile(&self) -> Result<(Snapshot, crate::decide::Policy), String> {
        let snap = self.to_snapshot_without_cells()?;
        let mut policy = crate::decide::Policy::compile(&snap);
        let mut row = Vec::with_capacity(self.fields.len());
        for (role, chars) in &self.cells {
            let Some(&ri) = policy.role_ix.get(role) else {
                return Err(format!("cells name unknown role `{role}`"));
            };
            self.decode_row(role, chars, &mut row)?;
            policy.set_role_cells(ri, row.iter().copied());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::PackedCell;

    #[test]
    fn every_cell_has_its_own_character_and_back() {
        let mut seen = Vec::new();
        for &level in Level::ALL {
            let mut cells = vec![Cell::plain(level)];
            cells.extend(
                Level::ALL
                    .iter()
                    .filter_map(|&a| Cell::gated(level, a).ok()),
            );
            for cell in cells {
                let c = cell_char(PackedCell::new(cell));
                assert_eq!(char_cell(c), Some(cell), "{cell} as `{}`", char::from(c));
                seen.push(c);
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, b"0123abcdef".to_vec(), "ten cells, ten characters");
        for c in 0..=u8::MAX {
            assert_eq!(char_cell(c).is_some(), seen.contains(&c), "byte {c}");
        }
    }
}
