//! The organisation: departments (a tree), employees (with managers) and roles.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{DeptId, EmployeeId, RoleId, Status};

/// A node of the department tree, e.g. Sales > East China > Shanghai team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Department {
    pub id: DeptId,
    pub name_zh: String,
    pub name_en: String,
    /// `None` for a root.
    pub parent: Option<DeptId>,
}

/// A person whose access is designed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Employee {
    pub id: EmployeeId,
    pub name: String,
    pub title: String,
    pub department: DeptId,
    pub manager: Option<EmployeeId>,
    /// Assigned roles (their `inherits` closure is added when deciding).
    pub roles: Vec<RoleId>,
    pub status: Status,
}

/// A named set of grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Role {
    pub id: RoleId,
    pub name_zh: String,
    pub name_en: String,
    /// Seniority, 0-100; guardrails may apply below a rank.
    pub rank: u32,
    /// Roles whose grants this role also holds.
    pub inherits: Vec<RoleId>,
    pub description: String,
}

/// Highest rank a role may carry.
pub const MAX_RANK: u32 = 100;
