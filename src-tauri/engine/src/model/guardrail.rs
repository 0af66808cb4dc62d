//! Guardrails (管控规则): rules that cap access whatever the roles say.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Action, Effect, FieldId, GuardrailId, Level, ObjectId, Sensitivity, TierId};

/// When a guardrail applies. Every condition that is set must hold; an empty condition
/// always holds.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, schemars::JsonSchema,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct GuardrailWhen {
    /// The record's object.
    pub object: Option<ObjectId>,
    /// The field's sensitivity is at least this.
    pub min_sensitivity: Option<Sensitivity>,
    /// The field is one of these (empty: any field).
    pub fields: Vec<FieldId>,
    /// The record's tier is at least this.
    pub min_tier: Option<TierId>,
    /// The employee's highest role rank is below this.
    pub below_rank: Option<u32>,
}

/// What a guardrail does when it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
#[ts(export)]
pub enum GuardrailEffect {
    /// The field level is at most `level`.
    #[serde(rename = "cap_level")]
    CapLevel { level: Level },
    /// The action is at most `max`; `alert` raises a sensitive-operation alert.
    #[serde(rename = "cap_action")]
    CapAction {
        action: Action,
        max: Effect,
        alert: bool,
    },
    /// Matching fields are dropped from every export.
    #[serde(rename = "export_exclude")]
    ExportExclude,
    /// A bulk export of more than `over_records` records needs `approvals` approvals.
    #[serde(rename = "bulk_threshold", rename_all = "camelCase")]
    BulkThreshold {
        over_records: u32,
        approvals: u32,
        alert: bool,
    },
}

impl GuardrailEffect {
    /// The keyword used in `guardrails.csv`.
    pub fn keyword(&self) -> &'static str {
        match self {
            GuardrailEffect::CapLevel { .. } => "cap_level",
            GuardrailEffect::CapAction { .. } => "cap_action",
            GuardrailEffect::ExportExclude => "export_exclude",
            GuardrailEffect::BulkThreshold { .. } => "bulk_threshold",
        }
    }
}

/// A rule that caps access, whatever the roles grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Guardrail {
    pub id: GuardrailId,
    pub name_zh: String,
    pub name_en: String,
    pub when: GuardrailWhen,
    pub effect: GuardrailEffect,
}
