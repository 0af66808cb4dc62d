//! Export then import reproduces a workspace exactly (property test over random workspaces).

use proptest::prelude::*;

use crate::random::{build, text};
use crate::support::{actor, all_exports, demo, temp};
use permgrid::api::Workspace;
use permgrid::csv::CsvKind;
use permgrid::model::*;
use permgrid::store::{Store, WorkspaceMeta};

fn meta() -> WorkspaceMeta {
    WorkspaceMeta {
        id: "x".into(),
        name: "x".into(),
        created_at: crate::support::t0(),
        created_by: "t".into(),
        producer: "t".into(),
    }
}

/// Imports every export of `from` into a fresh workspace, in dependency order.
fn reimport(exports: &[(CsvKind, String)]) -> Vec<(CsvKind, String)> {
    let t = temp();
    let mut ws = Workspace::create(&t.path, "copy", &actor()).unwrap();
    for (kind, text) in exports {
        ws.import_csv(&actor(), *kind, &kind.file_name(), text.as_bytes())
            .unwrap_or_else(|e| panic!("re-importing {kind:?} failed: {e}\n{text}"));
    }
    all_exports(&mut ws)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn export_then_import_round_trips_exactly(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, customers) = build(seed, &texts);
        let t = temp();
        {
            let mut store = Store::create(&t.path, &meta(), b"test mask key").unwrap();
            let changes: Vec<Change> = entities.into_iter().map(Change::put).collect();
            store.apply(&actor(), "test", "random", &changes).unwrap();
            store.put_customers(&actor(), "random", &customers).unwrap();
        }
        let mut ws = Workspace::open(&t.path).unwrap();
        ws.snapshot().unwrap().check_all().unwrap();
        let first = all_exports(&mut ws);
        let second = reimport(&first);
        for ((kind, a), (_, b)) in first.iter().zip(&second) {
            prop_assert_eq!(a, b, "{:?} differs after a round trip", kind);
        }
    }
}

#[test]
fn the_demo_workspace_round_trips() {
    let (_t, mut ws) = demo(300);
    let first = all_exports(&mut ws);
    assert_eq!(reimport(&first), first);
}
