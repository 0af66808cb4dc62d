//! The domain model of a permission workspace: organisation, catalog, the matrix, row scopes,
//! action grants, guardrails, temporary grants, access requests, revisions and audit entries.
//!
//! Everything here is validated on construction (ids are newtypes, vocabularies are enums) and
//! knows nothing of storage or time: the store persists it, the decision engine reads it, the
//! CSV layer parses it, all through the [`Snapshot`] aggregate and [`Entity`] changes.

mod catalog;
mod cells;
mod dynamic;
mod entity;
mod enums;
mod guardrail;
mod history;
mod ids;
mod matrix;
mod org;
mod record;
mod snapshot;

pub use catalog::{Field, ObjectDef, Tier};
pub use cells::CellMap;
pub use dynamic::{AccessRequest, GrantSubject, GrantWhat, RequestStatus, TemporaryGrant};
pub use entity::{CellEntry, Change, Entity, EntityKind, PolicyKey};
pub use enums::{
    Action, Category, Effect, FieldType, Level, MaskRule, Scope, Sensitivity, Status, ACTION_COUNT,
};
pub use guardrail::{Guardrail, GuardrailEffect, GuardrailWhen};
pub use history::{Actor, AuditEntry, Revision};
pub use ids::{
    CustomerId, DeptId, EmployeeId, FieldId, GrantId, GuardrailId, ObjectId, RequestId, RoleId,
    TierId, MAX_ID_LEN,
};
pub use matrix::{Cell, CellKey, ObjectPolicy};
pub use org::{Department, Employee, Role, MAX_RANK};
pub use record::{Customer, CUSTOMER_OBJECT};
pub use snapshot::{RefError, Snapshot};

/// Why a value of the model was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("invalid {kind} id `{value}` (1-64 characters from A-Z a-z 0-9 _ -)")]
    InvalidId { kind: &'static str, value: String },
    #[error("unknown {kind} `{value}` (expected {expected})")]
    UnknownValue {
        kind: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("approval level `{approval}` must be higher than the base level `{level}`")]
    ApprovalNotHigher { level: Level, approval: Level },
    #[error("unknown {kind} `{id}`")]
    Unknown { kind: &'static str, id: String },
    #[error("{kind} `{id}` would be part of a cycle")]
    Cycle { kind: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
}
