//! Sample customer records, used by the simulator.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

use super::{CustomerId, DeptId, EmployeeId, TierId};

/// One customer: who owns it, which department it belongs to, its tier, and its field
/// values by field key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Customer {
    pub id: CustomerId,
    pub owner: EmployeeId,
    pub department: DeptId,
    pub tier: TierId,
    pub values: BTreeMap<String, String>,
}

/// The object whose records are the sample customers.
pub const CUSTOMER_OBJECT: &str = "customer";
