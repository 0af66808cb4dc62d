//! Dynamic access: temporary grants (临时授权) and access requests (权限申请).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Action, CustomerId, Effect, EmployeeId, FieldId, GrantId, Level, ObjectId, RequestId, RoleId,
    Scope, TierId,
};

/// Who a temporary grant is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", tag = "kind", content = "id")]
#[ts(export)]
pub enum GrantSubject {
    Employee(EmployeeId),
    /// Every holder of the role.
    Role(RoleId),
}

/// What a temporary grant gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
#[ts(export)]
pub enum GrantWhat {
    /// An extra role (only for an employee subject).
    #[serde(rename = "role")]
    Role { role: RoleId },
    /// A field level; it never makes a row visible by itself.
    #[serde(rename = "field")]
    Field { field: FieldId, level: Level },
    /// A row scope on an object.
    #[serde(rename = "scope", rename_all = "camelCase")]
    Scope {
        object: ObjectId,
        scope: Scope,
        max_tier: Option<TierId>,
    },
    /// An action on an object.
    #[serde(rename = "action")]
    Action {
        object: ObjectId,
        action: Action,
        effect: Effect,
    },
}

/// A time-boxed grant that expires by itself. Valid on `[valid_from, valid_until)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct TemporaryGrant {
    pub id: GrantId,
    pub subject: GrantSubject,
    pub what: GrantWhat,
    /// When non-empty, the grant applies only to these customers (per-record reveal).
    #[serde(default)]
    pub customers: Vec<CustomerId>,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub reason: String,
    pub approver: Option<EmployeeId>,
    pub created_by: String,
    /// Set when revoked before it expired (revocation and expiry are different events).
    pub revoked_at: Option<DateTime<Utc>>,
    /// The access request this grant answers, if any.
    pub request: Option<RequestId>,
}

impl TemporaryGrant {
    /// Whether the grant is in force at `now`.
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        let revoked = self.revoked_at.is_some_and(|r| r <= now);
        !revoked && self.valid_from <= now && now < self.valid_until
    }
}

/// Where an access request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RequestStatus {
    Pending,
    Approved,
    Denied,
    Withdrawn,
}

/// An employee asking for an approval-gated level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct AccessRequest {
    pub id: RequestId,
    pub employee: EmployeeId,
    pub field: FieldId,
    pub level: Level,
    /// When non-empty, only for these customers.
    #[serde(default)]
    pub customers: Vec<CustomerId>,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// How long the access should last once approved, in hours.
    pub duration_hours: u32,
    pub status: RequestStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The temporary grant made when approved.
    pub grant: Option<GrantId>,
}
