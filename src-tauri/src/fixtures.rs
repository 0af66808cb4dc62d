//! The simulator's answers for the mock backend, made by the real engine: `cargo test` creates the
//! demo workspace in a temporary folder and writes what the shell's simulator commands return for
//! a few employees, cells, comparisons and fields at a fixed time into
//! `ui/src/lib/backend/fixtures/simulator.json` (typed by the generated `SimFixtures.ts`). The file
//! is committed and checked for drift like the bindings; the mock (`mock.ts`) answers from it, so
//! the UI flows show the engine's decisions rather than a second implementation of them.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use permgrid::api::{Directory, SimulationReport, Who, Workspace};
use permgrid::decide::explain::Explanation;
use permgrid::model::{Actor, Cell, EmployeeId, FieldId, Level, RoleId, Scope};
use permgrid::simulate::{Comparison, PeopleDiff, WhoCan};
use serde::Serialize;
use ts_rs::TS;

/// Everything the mock knows about simulations. Keys are made by `fixtureKey` in `mock.ts`:
/// a `Who` is `employee:E018` or `roles:sales_rep+finance`; an explanation is
/// `who|field|customer`; a comparison `whoA|whoB`; a who-can query `field|minLevel|tier`.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SimFixtures {
    /// The time every answer was computed at.
    pub at: DateTime<Utc>,
    pub directory: Directory,
    /// Views with every visible row (sales reps) or the first page of them (wider views); the
    /// mock pages through the rows kept.
    pub views: BTreeMap<String, SimulationReport>,
    pub explanations: BTreeMap<String, Explanation>,
    pub comparisons: BTreeMap<String, Comparison>,
    pub who_can: BTreeMap<String, WhoCan>,
    /// People-level diffs by the revision compared with now. Made last, after one more edit
    /// (the sales managers' customer scope widened to their department): from the demo's
    /// revision to that edit.
    pub people_diffs: BTreeMap<String, PeopleDiff>,
    /// People-level diffs of cell edits not made, on the demo as it is, keyed by
    /// [`pending_key`]: `role/field=level` (or `=none`), sorted, joined by `,`.
    pub pending_diffs: BTreeMap<String, PeopleDiff>,
}

/// The key of a set of cell edits in [`SimFixtures::pending_diffs`] (`pendingKey` in `mock.ts`).
pub fn pending_key(edits: &[(RoleId, FieldId, Option<Cell>)]) -> String {
    let mut keys: Vec<String> = edits
        .iter()
        .map(|(r, f, c)| match c {
            Some(c) => format!("{r}/{f}={c}"),
            None => format!("{r}/{f}=none"),
        })
        .collect();
    keys.sort();
    keys.join(",")
}

/// Rows kept of a view wider than a sales rep's (the simulator's first page).
pub const FIRST_PAGE: usize = 200;
/// Rows whose every visible cell gets an explanation.
pub const EXPLAINED_ROWS: usize = 3;

pub fn who_key(who: &Who) -> String {
    match who {
        Who::Employee { id } => format!("employee:{id}"),
        Who::Roles { roles, .. } => format!(
            "roles:{}",
            roles
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("+")
        ),
    }
}

fn employee(id: &str) -> Who {
    Who::Employee {
        id: EmployeeId::new(id).unwrap(),
    }
}

/// The demo workspace's fixtures at `at`.
pub fn make(ws: &mut Workspace, at: DateTime<Utc>) -> SimFixtures {
    let whos = vec![
        (employee("E018"), usize::MAX), // 李雷, sales rep (own customers)
        (employee("E012"), FIRST_PAGE), // 韩梅梅, sales manager of the Shanghai team
        (
            Who::Roles {
                roles: vec![RoleId::new("customer_service").unwrap()],
                department: None,
            },
            FIRST_PAGE,
        ),
    ];
    let mut views = BTreeMap::new();
    let mut explanations = BTreeMap::new();
    for (who, rows) in &whos {
        let report = ws.simulate(who, at, None, 0, *rows).unwrap();
        for row in report.page.rows.iter().take(EXPLAINED_ROWS) {
            for col in &report.page.columns {
                let e = ws.explain_as(who, &col.field, Some(&row.id), at).unwrap();
                explanations.insert(format!("{}|{}|{}", who_key(who), col.field, row.id), e);
            }
        }
        views.insert(who_key(who), report);
    }
    let mut comparisons = BTreeMap::new();
    let (rep, rep2, manager) = (employee("E018"), employee("E019"), employee("E012"));
    for (a, b) in [(&rep, &rep2), (&rep, &manager), (&rep2, &rep)] {
        comparisons.insert(
            format!("{}|{}", who_key(a), who_key(b)),
            ws.compare(a, b, at).unwrap(),
        );
    }
    let mut who_can = BTreeMap::new();
    for (field, level) in [
        ("customer.id_card", Level::Masked),
        ("customer.id_card", Level::Read),
        ("customer.mobile", Level::Masked),
        ("customer.mobile", Level::Read),
        ("customer.annual_revenue", Level::Read),
    ] {
        let f = FieldId::new(field).unwrap();
        who_can.insert(
            format!("{field}|{level}|"),
            ws.who_can(&f, level, None, at).unwrap(),
        );
    }
    let directory = ws.directory().unwrap();
    let mut pending_diffs = BTreeMap::new();
    for edits in [
        vec![(
            RoleId::new("sales_rep").unwrap(),
            FieldId::new("customer.mobile").unwrap(),
            Some(Cell::plain(Level::Hidden)),
        )],
        vec![(
            RoleId::new("customer_service").unwrap(),
            FieldId::new("customer.id_card").unwrap(),
            Some(Cell::plain(Level::Read)),
        )],
    ] {
        pending_diffs.insert(
            pending_key(&edits),
            ws.people_diff_pending(&edits, at).unwrap(),
        );
    }
    let before = ws.summary().unwrap().revision;
    ws.set_scope(
        &Actor::new("demo", at),
        &RoleId::new("sales_manager").unwrap(),
        &"customer".parse().unwrap(),
        Scope::Department,
        None,
    )
    .unwrap();
    let mut people_diffs = BTreeMap::new();
    people_diffs.insert(
        before.to_string(),
        ws.people_diff(before, None, at).unwrap(),
    );
    SimFixtures {
        at,
        directory,
        views,
        explanations,
        comparisons,
        who_can,
        people_diffs,
        pending_diffs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_simulator_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        let actor = Actor::new("demo", Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap());
        let mut ws = Workspace::create_demo(
            &dir.path().join("demo.permgrid"),
            &actor,
            permgrid::demo::DEMO_CUSTOMERS,
        )
        .unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let fx = make(&mut ws, at);
        // The flows rely on these: a rep sees few customers, masked restricted values, another
        // rep's customers absent; a comparison and who-can answers that are not empty.
        let rep = fx.views.get("employee:E018").unwrap();
        assert!(rep.page.visible > 0 && rep.page.visible < rep.page.total);
        assert_eq!(
            rep.page.rows.len(),
            usize::try_from(rep.page.visible).unwrap()
        );
        assert!(rep.page.rows.iter().all(|r| r.owner.as_str() == "E018"));
        assert!(rep
            .page
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .any(|c| c.level == Level::Masked));
        let cmp = fx.comparisons.get("employee:E018|employee:E012").unwrap();
        assert!(cmp.b_visible > rep.page.visible);
        assert!(!fx
            .who_can
            .get("customer.id_card|read|")
            .unwrap()
            .entries
            .is_empty());
        let pending = fx
            .pending_diffs
            .get("sales_rep/customer.mobile=hidden")
            .unwrap();
        assert!(!pending.people.is_empty() && pending.changes.iter().all(|c| c.raised == 0));
        let diff = fx.people_diffs.get("1").unwrap();
        assert!(!diff.people.is_empty() && diff.people.len() < diff.employees as usize);
        let text = serde_json::to_string(&fx).unwrap();
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/src/lib/backend/fixtures/simulator.json");
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(&out, text + "\n").unwrap();
    }
}
