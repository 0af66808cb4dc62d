//! guardrails.csv: conditions and one effect per row.

use super::{CsvError, Located, Row, Table, W};
use crate::model::{Change, Entity, Guardrail, GuardrailEffect, GuardrailWhen, Snapshot};

const COLUMNS: [&str; 15] = [
    "id",
    "name_zh",
    "name_en",
    "object",
    "min_sensitivity",
    "fields",
    "min_tier",
    "below_rank",
    "effect",
    "level",
    "action",
    "max_effect",
    "over_records",
    "approvals",
    "alert",
];

fn flag(r: &Row<'_>, name: &str) -> Result<bool, CsvError> {
    match r.text(name) {
        "true" | "TRUE" | "yes" | "1" | "是" => Ok(true),
        "false" | "FALSE" | "no" | "0" | "否" | "" => Ok(false),
        other => Err(r.err(name, format!("`{other}` is not true or false"))),
    }
}

fn effect(r: &Row<'_>) -> Result<GuardrailEffect, CsvError> {
    let kind = r.text("effect");
    let (effect, used): (GuardrailEffect, &[&str]) = match kind {
        "cap_level" => (GuardrailEffect::CapLevel { level: r.parse("level")? }, &["level"]),
        "cap_action" => (
            GuardrailEffect::CapAction {
                action: r.parse("action")?,
                max: r.parse("max_effect")?,
                alert: flag(r, "alert")?,
            },
            &["action", "max_effect", "alert"],
        ),
        "export_exclude" => (GuardrailEffect::ExportExclude, &[]),
        "bulk_threshold" => (
            GuardrailEffect::BulkThreshold {
                over_records: r.number("over_records")?,
                approvals: r.number("approvals")?,
                alert: flag(r, "alert")?,
            },
            &["over_records", "approvals", "alert"],
        ),
        other => {
            return Err(r.err(
                "effect",
                format!("unknown effect `{other}` (expected cap_level, cap_action, export_exclude, bulk_threshold)"),
            ))
        }
    };
    for col in [
        "level",
        "action",
        "max_effect",
        "over_records",
        "approvals",
        "alert",
    ] {
        if !used.contains(&col) && !r.text(col).is_empty() {
            return Err(r.err(col, format!("must be empty for effect `{kind}`")));
        }
    }
    Ok(effect)
}

pub fn parse(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&COLUMNS)?;
    t.rows()
        .map(|r| {
            let g = Guardrail {
                id: r.parse("id")?,
                name_zh: r.required("name_zh")?,
                name_en: r.required("name_en")?,
                when: GuardrailWhen {
                    object: r.opt("object")?,
                    min_sensitivity: r.opt("min_sensitivity")?,
                    fields: r.list("fields")?,
                    min_tier: r.opt("min_tier")?,
                    below_rank: r.opt_number("below_rank")?,
                },
                effect: effect(&r)?,
            };
            Ok(Located::new(&r, Change::put(Entity::Guardrail(g))))
        })
        .collect()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

pub fn export(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record(COLUMNS)?;
    for g in s.guardrails.values() {
        let (mut level, mut action, mut max, mut over, mut approvals, mut alert) = (
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        );
        match &g.effect {
            GuardrailEffect::CapLevel { level: l } => level = l.to_string(),
            GuardrailEffect::CapAction {
                action: a,
                max: m,
                alert: al,
            } => {
                action = a.to_string();
                max = m.to_string();
                alert = al.to_string();
            }
            GuardrailEffect::ExportExclude => {}
            GuardrailEffect::BulkThreshold {
                over_records,
                approvals: ap,
                alert: al,
            } => {
                over = over_records.to_string();
                approvals = ap.to_string();
                alert = al.to_string();
            }
        }
        let fields = g
            .when
            .fields
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join(";");
        w.write_record([
            g.id.to_string(),
            g.name_zh.clone(),
            g.name_en.clone(),
            opt(&g.when.object),
            opt(&g.when.min_sensitivity),
            fields,
            opt(&g.when.min_tier),
            opt(&g.when.below_rank),
            g.effect.keyword().to_owned(),
            level,
            action,
            max,
            over,
            approvals,
            alert,
        ])?;
    }
    Ok(())
}
