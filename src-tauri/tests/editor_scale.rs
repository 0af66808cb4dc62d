//! What the editor's commands cost on a workspace of 500 roles x 5,000 fields (2.5 million
//! decided cells): loading the matrix view, and one 10,000-cell paint (100 roles x 100 fields)
//! saved with one `edit_cells` call (one transaction, one revision, one audit entry), then
//! undone the same way.
//!
//! Ignored by default (building the workspace takes a while); run it with
//! `cargo test -p permgrid-app --release --test editor_scale -- --ignored --nocapture`.
//! With `PERMGRID_SCALE_KEEP=/path/scale.permgrid` the workspace is also kept there, for the
//! desktop app's scale run (tests/desktop/scale.test.ts).

// Test code: a panic is a failed test, which is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use chrono::{TimeZone, Utc};
use permgrid::api::{CellEdit, Workspace};
use permgrid::csv::CsvKind;
use permgrid::model::{Actor, Cell, Level};
use permgrid::store::AuditFilter;

const ROLES: usize = 500;
const FIELDS: usize = 5000;
const OBJECTS: [&str; 4] = ["customer", "contact", "deal", "contract"];
const LEVELS: [&str; 3] = ["hidden", "masked", "read"];

fn actor() -> Actor {
    Actor::new(
        "scale-test",
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap(),
    )
}

fn field_id(f: usize) -> String {
    format!("{}.f{:04}", OBJECTS[f % 4], f + 1)
}

fn role_id(r: usize) -> String {
    format!("role_{:03}", r + 1)
}

fn import(ws: &mut Workspace, kind: CsvKind, text: &str) {
    let started = Instant::now();
    let report = ws
        .import_csv(&actor(), kind, kind.file_name().as_str(), text.as_bytes())
        .unwrap();
    eprintln!(
        "  import {:<8} {:>9} changes in {:>7.0} ms",
        kind.as_str(),
        report.changed,
        started.elapsed().as_secs_f64() * 1000.0
    );
}

fn build(path: &std::path::Path) -> Workspace {
    let mut ws = Workspace::create(path, "scale 500 x 5000", &actor()).unwrap();
    let mut objects = String::from("id,name_zh,name_en\n");
    for o in OBJECTS {
        objects.push_str(&format!("{o},对象 {o},Object {o}\n"));
    }
    import(&mut ws, CsvKind::Objects, &objects);
    let mut roles = String::from("id,name_zh,name_en,rank,inherits,description\n");
    for r in 0..ROLES {
        roles.push_str(&format!("{},角色 {r},Role {r},{},,\n", role_id(r), r % 6));
    }
    import(&mut ws, CsvKind::Roles, &roles);
    let mut fields = String::from("object,key,label_zh,label_en,type,sensitivity,mask,category\n");
    for f in 0..FIELDS {
        let id = field_id(f);
        let (object, key) = id.split_once('.').unwrap();
        fields.push_str(&format!(
            "{object},{key},字段 {f},Field {f},text,internal,full,basic\n"
        ));
    }
    import(&mut ws, CsvKind::Fields, &fields);
    let mut matrix = String::from("field");
    for r in 0..ROLES {
        matrix.push(',');
        matrix.push_str(&role_id(r));
    }
    matrix.push('\n');
    for f in 0..FIELDS {
        matrix.push_str(&field_id(f));
        for r in 0..ROLES {
            matrix.push(',');
            matrix.push_str(LEVELS[(f * 7 + r) % 3]);
        }
        matrix.push('\n');
    }
    import(&mut ws, CsvKind::Matrix, &matrix);
    ws
}

#[test]
#[ignore = "builds a 2.5M-cell workspace; run with --ignored (and --release for real numbers)"]
fn a_10000_cell_paint_is_one_transaction_on_a_500_by_5000_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = match std::env::var_os("PERMGRID_SCALE_KEEP") {
        Some(keep) => {
            let keep = std::path::PathBuf::from(keep);
            assert!(!keep.exists(), "{} exists already", keep.display());
            keep
        }
        None => dir.path().join("scale.permgrid"),
    };
    eprintln!("building 500 roles x 5,000 fields:");
    let mut ws = build(&path);
    drop(ws);

    let started = Instant::now();
    ws = Workspace::open(&path).unwrap();
    let open_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let view = ws.matrix_view().unwrap();
    let view_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(view.roles.len(), ROLES);
    assert_eq!(view.fields.len(), FIELDS);
    assert!(
        view.cells.iter().all(|row| !row.contains('.')),
        "every cell decided"
    );

    // The UI's paint: 100 roles x 100 fields set to edit (none is edit yet), one call.
    let paint: Vec<CellEdit> = (0..100)
        .flat_map(|f| {
            (0..100).map(move |r| CellEdit {
                role: role_id(r).parse().unwrap(),
                field: field_id(f * 4).parse().unwrap(),
                cell: Some(Cell::plain(Level::Edit)),
            })
        })
        .collect();
    // Undo: the old values, as one more call.
    let undo: Vec<CellEdit> = (0..100)
        .flat_map(|f| {
            (0..100).map(move |r| {
                let level: Level = LEVELS[(f * 4 * 7 + r) % 3].parse().unwrap();
                CellEdit {
                    role: role_id(r).parse().unwrap(),
                    field: field_id(f * 4).parse().unwrap(),
                    cell: Some(Cell::plain(level)),
                }
            })
        })
        .collect();
    let ms = |started: Instant| started.elapsed().as_secs_f64() * 1000.0;
    let (mut paints, mut undos) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let audit_before = ws.audit_log(&AuditFilter::default()).unwrap().len();
        let started = Instant::now();
        let report = ws.edit_cells(&actor(), &paint).unwrap();
        paints.push(ms(started));
        assert_eq!(report.changed, 10_000, "every cell changed");
        let revision = report.revision.expect("a revision");
        let started = Instant::now();
        let undone = ws.edit_cells(&actor(), &undo).unwrap();
        undos.push(ms(started));
        assert_eq!(undone.changed, 10_000);
        assert_eq!(undone.revision, Some(revision + 1), "one revision per call");
        assert_eq!(
            ws.audit_log(&AuditFilter::default()).unwrap().len(),
            audit_before + 2,
            "one audit entry per call"
        );
    }

    // One cell, as a click or a key makes it, back and forth.
    let mut ones = Vec::new();
    for i in 0..20 {
        let one = [CellEdit {
            role: role_id(7).parse().unwrap(),
            field: field_id(9).parse().unwrap(),
            cell: Some(Cell::plain(if i % 2 == 0 {
                Level::Edit
            } else {
                Level::Read
            })),
        }];
        let started = Instant::now();
        ws.edit_cells(&actor(), &one).unwrap();
        ones.push(ms(started));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (paint_ms, undo_ms, one_ms) = (median(&mut paints), median(&mut undos), median(&mut ones));

    eprintln!(
        "500 x 5,000: open {open_ms:.0} ms, matrix_view {view_ms:.0} ms, \
         edit_cells of 10,000 cells {paint_ms:.0} ms, their undo {undo_ms:.0} ms, one cell {one_ms:.1} ms (medians)"
    );
}
