//! Shared helpers: build workspaces, run probes through an engine, report disagreements.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};

use permgrid::bundle::{PolicyDoc, Target};
use permgrid::decide::Policy;
use permgrid::export::{engine, expected, probes, Probe};
use permgrid::model::{Entity, Snapshot};

/// The instant random workspaces' temporary grants are placed around.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap()
}

/// A snapshot from entities (checked).
pub fn snapshot(entities: Vec<Entity>) -> Snapshot {
    let mut s = Snapshot::default();
    for e in entities {
        s.put(e);
    }
    s.check_all().unwrap();
    s
}

/// The demo company's snapshot.
pub fn demo() -> Snapshot {
    let (changes, _) = permgrid::demo::build(0).unwrap();
    let mut s = Snapshot::default();
    for c in &changes {
        s.apply(c);
    }
    s
}

/// Exports `snap` to `target`, loads the real engine, runs `n` probes, and returns the
/// disagreements described (empty when the engine agrees with permgrid everywhere).
pub fn disagreements(target: Target, snap: &Snapshot, n: usize, seed: u64) -> Vec<String> {
    let doc = PolicyDoc::from_snapshot(snap, true);
    let exported =
        permgrid::export::export(target, snap, &doc, t0()).unwrap_or_else(|e| panic!("{e}"));
    // The check that travels in the bundle must have passed too.
    let check = exported
        .check
        .expect("with the engines feature, exports are checked");
    assert_eq!(
        check.disagreements, 0,
        "{target:?}: the export's own check found disagreements"
    );
    assert!(check.requests > 0 || snap.employees.is_empty());
    let files = exported.files;
    let eng = engine(target, &files).unwrap_or_else(|e| panic!("{e}"));
    let policy = Policy::compile(snap);
    let mut out = Vec::new();
    for p in probes(snap, n, seed, t0()) {
        let want = expected(&policy, &p);
        match eng.answer(&p) {
            Ok(got) if got == want => {}
            got => out.push(describe(&p, &format!("{want:?}"), &format!("{got:?}"))),
        }
    }
    out
}

pub fn describe(p: &Probe, want: &str, got: &str) -> String {
    format!(
        "{} asks {:?} on {} (owner {}, {}, {}) at {}: permgrid {want}, engine {got}",
        p.employee, p.ask, p.record.id, p.record.owner, p.record.department, p.record.tier, p.at
    )
}
