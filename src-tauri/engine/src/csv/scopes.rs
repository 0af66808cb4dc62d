//! scopes.csv: row scope, tier reach and action grants per role and object.

use super::{CsvError, Located, Table, W};
use crate::model::{Action, Change, Effect, Entity, ObjectPolicy, Snapshot, ACTION_COUNT};

const FIXED: [&str; 4] = ["role", "object", "scope", "max_tier"];

pub fn parse(t: &Table) -> Result<Vec<Located>, CsvError> {
    let mut names: Vec<&str> = FIXED.to_vec();
    names.extend(Action::ALL.iter().map(|a| a.as_str()));
    t.expect(&names)?;
    t.rows()
        .map(|r| {
            let mut actions = [Effect::Deny; ACTION_COUNT];
            for a in Action::ALL {
                if let (Some(slot), Some(e)) =
                    (actions.get_mut(a.index()), r.opt::<Effect>(a.as_str())?)
                {
                    *slot = e;
                }
            }
            let p = ObjectPolicy {
                role: r.parse("role")?,
                object: r.parse("object")?,
                scope: r.parse("scope")?,
                max_tier: r.opt("max_tier")?,
                actions,
            };
            Ok(Located::new(&r, Change::put(Entity::Policy(p))))
        })
        .collect()
}

pub fn export(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    let mut header: Vec<&str> = FIXED.to_vec();
    header.extend(Action::ALL.iter().map(|a| a.as_str()));
    w.write_record(&header)?;
    for p in s.policies.values() {
        let mut row = vec![
            p.role.to_string(),
            p.object.to_string(),
            p.scope.to_string(),
            p.max_tier
                .as_ref()
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ];
        row.extend(Action::ALL.iter().map(|a| p.action(*a).to_string()));
        w.write_record(&row)?;
    }
    Ok(())
}
