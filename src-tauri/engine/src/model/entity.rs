//! One thing a workspace holds, as the unit of change: revisions record changes of entities.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

use super::{
    AccessRequest, Cell, CellKey, Department, Employee, Field, Guardrail, ModelError, ObjectDef,
    ObjectId, ObjectPolicy, Role, RoleId, TemporaryGrant, Tier,
};

/// The kinds of entity, in dependency order (a kind may refer only to kinds before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntityKind {
    Department,
    Role,
    Employee,
    Object,
    Tier,
    Field,
    Cell,
    Policy,
    Guardrail,
    Grant,
    Request,
}

impl EntityKind {
    /// Every kind, in dependency order.
    pub const ALL: &'static [EntityKind] = &[
        EntityKind::Department,
        EntityKind::Role,
        EntityKind::Employee,
        EntityKind::Object,
        EntityKind::Tier,
        EntityKind::Field,
        EntityKind::Cell,
        EntityKind::Policy,
        EntityKind::Guardrail,
        EntityKind::Grant,
        EntityKind::Request,
    ];

    /// The keyword stored in revision changes.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Department => "department",
            EntityKind::Role => "role",
            EntityKind::Employee => "employee",
            EntityKind::Object => "object",
            EntityKind::Tier => "tier",
            EntityKind::Field => "field",
            EntityKind::Cell => "cell",
            EntityKind::Policy => "policy",
            EntityKind::Guardrail => "guardrail",
            EntityKind::Grant => "grant",
            EntityKind::Request => "request",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ModelError::UnknownValue {
                kind: "entity kind",
                value: s.to_owned(),
                expected: "department, role, employee, object, tier, field, cell, policy, guardrail, grant, request",
            })
    }
}

/// A cell with its address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct CellEntry {
    #[serde(flatten)]
    pub key: CellKey,
    pub cell: Cell,
}

/// Address of an object policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct PolicyKey {
    pub role: RoleId,
    pub object: ObjectId,
}

/// One entity of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    Department(Department),
    Role(Role),
    Employee(Employee),
    Object(ObjectDef),
    Tier(Tier),
    Field(Field),
    Cell(CellEntry),
    Policy(ObjectPolicy),
    Guardrail(Guardrail),
    Grant(TemporaryGrant),
    Request(AccessRequest),
}

impl Entity {
    /// Its kind.
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Department(_) => EntityKind::Department,
            Entity::Role(_) => EntityKind::Role,
            Entity::Employee(_) => EntityKind::Employee,
            Entity::Object(_) => EntityKind::Object,
            Entity::Tier(_) => EntityKind::Tier,
            Entity::Field(_) => EntityKind::Field,
            Entity::Cell(_) => EntityKind::Cell,
            Entity::Policy(_) => EntityKind::Policy,
            Entity::Guardrail(_) => EntityKind::Guardrail,
            Entity::Grant(_) => EntityKind::Grant,
            Entity::Request(_) => EntityKind::Request,
        }
    }

    /// Its key, unique within its kind: the id, `role/field` for a cell, `role/object` for a policy.
    pub fn key(&self) -> String {
        match self {
            Entity::Department(e) => e.id.to_string(),
            Entity::Role(e) => e.id.to_string(),
            Entity::Employee(e) => e.id.to_string(),
            Entity::Object(e) => e.id.to_string(),
            Entity::Tier(e) => e.id.to_string(),
            Entity::Field(e) => e.id.to_string(),
            Entity::Cell(e) => cell_key_string(&e.key),
            Entity::Policy(e) => format!("{}/{}", e.role, e.object),
            Entity::Guardrail(e) => e.id.to_string(),
            Entity::Grant(e) => e.id.to_string(),
            Entity::Request(e) => e.id.to_string(),
        }
    }

    /// The entity as JSON (its kind is stored beside it).
    pub fn to_json(&self) -> String {
        let r = match self {
            Entity::Department(e) => serde_json::to_string(e),
            Entity::Role(e) => serde_json::to_string(e),
            Entity::Employee(e) => serde_json::to_string(e),
            Entity::Object(e) => serde_json::to_string(e),
            Entity::Tier(e) => serde_json::to_string(e),
            Entity::Field(e) => serde_json::to_string(e),
            Entity::Cell(e) => serde_json::to_string(e),
            Entity::Policy(e) => serde_json::to_string(e),
            Entity::Guardrail(e) => serde_json::to_string(e),
            Entity::Grant(e) => serde_json::to_string(e),
            Entity::Request(e) => serde_json::to_string(e),
        };
        // Serializing these plain structs cannot fail (no maps with non-string keys).
        r.unwrap_or_default()
    }

    /// Reads an entity of `kind` from JSON written by [`Entity::to_json`].
    pub fn from_json(kind: EntityKind, json: &str) -> Result<Entity, serde_json::Error> {
        Ok(match kind {
            EntityKind::Department => Entity::Department(serde_json::from_str(json)?),
            EntityKind::Role => Entity::Role(serde_json::from_str(json)?),
            EntityKind::Employee => Entity::Employee(serde_json::from_str(json)?),
            EntityKind::Object => Entity::Object(serde_json::from_str(json)?),
            EntityKind::Tier => Entity::Tier(serde_json::from_str(json)?),
            EntityKind::Field => Entity::Field(serde_json::from_str(json)?),
            EntityKind::Cell => Entity::Cell(serde_json::from_str(json)?),
            EntityKind::Policy => Entity::Policy(serde_json::from_str(json)?),
            EntityKind::Guardrail => Entity::Guardrail(serde_json::from_str(json)?),
            EntityKind::Grant => Entity::Grant(serde_json::from_str(json)?),
            EntityKind::Request => Entity::Request(serde_json::from_str(json)?),
        })
    }

    /// A short human summary of the value, for audit entries and diffs.
    pub fn summary(&self) -> String {
        match self {
            Entity::Cell(e) => e.cell.to_string(),
            Entity::Policy(p) => {
                let tier = p
                    .max_tier
                    .as_ref()
                    .map(|t| t.as_str())
                    .unwrap_or("all tiers");
                format!("{} up to {}", p.scope, tier)
            }
            Entity::Department(d) => d.name_zh.clone(),
            Entity::Role(r) => format!("{} (rank {})", r.name_zh, r.rank),
            Entity::Employee(e) => format!("{} {} {}", e.name, e.department, e.status),
            Entity::Object(o) => o.name_zh.clone(),
            Entity::Tier(t) => format!("{} (rank {})", t.name_zh, t.rank),
            Entity::Field(f) => format!("{} {} {}", f.label_zh, f.sensitivity, f.mask),
            Entity::Guardrail(g) => format!("{} {}", g.name_zh, g.effect.keyword()),
            Entity::Grant(g) => format!(
                "{} .. {}",
                g.valid_from.to_rfc3339(),
                g.valid_until.to_rfc3339()
            ),
            Entity::Request(r) => format!("{} {:?}", r.level, r.status),
        }
    }
}

/// `role/field`.
pub fn cell_key_string(key: &CellKey) -> String {
    format!("{}/{}", key.role, key.field)
}

/// A requested change: `new` replaces the entity `kind`/`key`, or removes it when `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: EntityKind,
    pub key: String,
    pub new: Option<Entity>,
}

impl Change {
    /// Add or replace an entity.
    pub fn put(entity: Entity) -> Change {
        Change {
            kind: entity.kind(),
            key: entity.key(),
            new: Some(entity),
        }
    }

    /// Remove the entity `kind`/`key`.
    pub fn remove(kind: EntityKind, key: impl Into<String>) -> Change {
        Change {
            kind,
            key: key.into(),
            new: None,
        }
    }
}
