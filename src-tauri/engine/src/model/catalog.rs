//! The catalog: kinds of customer record (objects), their fields, and customer tiers.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Category, FieldId, FieldType, MaskRule, ObjectId, Sensitivity, TierId};

/// A kind of customer record: Customer, Contact, Deal/Order, Contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ObjectDef {
    pub id: ObjectId,
    pub name_zh: String,
    pub name_en: String,
}

/// A field of an object, with its sensitivity and how it is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Field {
    /// `object.key`.
    pub id: FieldId,
    pub object: ObjectId,
    pub label_zh: String,
    pub label_en: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub sensitivity: Sensitivity,
    pub mask: MaskRule,
    pub category: Category,
}

impl Field {
    /// The key inside its object.
    pub fn key(&self) -> &str {
        self.id.key()
    }
}

/// A customer grade with a rank: prospect < customer < key account < strategic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Tier {
    pub id: TierId,
    pub rank: u32,
    pub name_zh: String,
    pub name_en: String,
}
