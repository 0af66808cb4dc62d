//! Workspace store benchmarks on a 2.5M-cell workspace (500 roles x 5,000 fields):
//! persisting one cell edit (SQLite commit through the WAL; target < 5 ms p99), opening the
//! workspace for the editor (open + the compact matrix; target < 1 s), and saving a 10,000-cell
//! paint from the editor (100 roles x 100 fields, one `edit_cells` call: one transaction, one
//! revision, one audit entry), then its undo; and a signed bundle built from the open workspace
//! end to end (what `bundle build` does).
//!
//! The fixture is built once into `$CARGO_TARGET_DIR/bench-fixtures/` (about a minute) and reused.
//! Run with `cargo bench -p permgrid-engine --bench store`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use chrono::{Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Instant;

use permgrid::api::{BuildOptions, CellEdit, Workspace};
use permgrid::keys::{Algorithm, KdfCost};
use permgrid::model::*;
use permgrid::store::AuditFilter;
use permgrid::store::{Store, WorkspaceMeta};

fn actor() -> Actor {
    Actor::new(
        "bench",
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap(),
    )
}

fn fixture() -> PathBuf {
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("bench-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big-500x5000.permgrid");
    if path.exists() {
        return path;
    }
    let started = Instant::now();
    let (changes, _) = permgrid::demo::build(0).unwrap();
    let mut all: Vec<Change> = changes
        .into_iter()
        .filter(|c| c.kind != EntityKind::Cell)
        .collect();
    let objects = ["customer", "contact", "deal", "contract"];
    let mut roles: Vec<RoleId> = Vec::new();
    for i in 0..500 {
        let id: RoleId = format!("r{i:03}").parse().unwrap();
        roles.push(id.clone());
        all.push(Change::put(Entity::Role(Role {
            id,
            name_zh: format!("角色{i}"),
            name_en: format!("Role {i}"),
            rank: (i % 6) as u32,
            inherits: vec![],
            description: String::new(),
        })));
    }
    let mut fields: Vec<FieldId> = Vec::new();
    for i in 0..5000 {
        let object: ObjectId = objects[i % 4].parse().unwrap();
        let id = FieldId::of(&object, &format!("x{i:04}")).unwrap();
        fields.push(id.clone());
        all.push(Change::put(Entity::Field(Field {
            id,
            object,
            label_zh: format!("字段{i}"),
            label_en: format!("Field {i}"),
            field_type: FieldType::Text,
            sensitivity: Sensitivity::ALL[i % 4],
            mask: MaskRule::Full,
            category: Category::ALL[i % 4],
        })));
    }
    for (fi, f) in fields.iter().enumerate() {
        for (ri, r) in roles.iter().enumerate() {
            all.push(Change::put(Entity::Cell(CellEntry {
                key: CellKey {
                    role: r.clone(),
                    field: f.clone(),
                },
                cell: Cell::plain(Level::ALL[(fi + ri) % 4]),
            })));
        }
    }
    let meta = WorkspaceMeta {
        id: "bench".into(),
        name: "500 x 5000".into(),
        created_at: actor().at,
        created_by: "bench".into(),
        producer: "bench".into(),
    };
    let tmp = path.with_extension("building");
    let _ = std::fs::remove_file(&tmp);
    let mut store = Store::create(&tmp, &meta, b"bench mask key").unwrap();
    store
        .apply(&actor(), "bench.fixture", "500x5000", &all)
        .unwrap();
    drop(store);
    std::fs::rename(&tmp, &path).unwrap();
    for suffix in ["-wal", "-shm"] {
        let mut from = tmp.as_os_str().to_owned();
        from.push(suffix);
        let mut to = path.as_os_str().to_owned();
        to.push(suffix);
        let _ = std::fs::rename(PathBuf::from(from), PathBuf::from(to));
    }
    eprintln!("built the 2.5M-cell fixture in {:?}", started.elapsed());
    path
}

fn bench_store(c: &mut Criterion) {
    // The benchmarks edit the workspace: they work on a fresh copy of the fixture each run.
    let pristine = fixture();
    let path = pristine.with_extension("scratch.permgrid");
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::copy(&pristine, &path).unwrap();
    // Write the 650 MB copy out now: otherwise the first commit's fsync waits for the kernel to
    // flush it, and one edit shows a stall that belongs to the harness, not to the store.
    std::fs::File::open(&path).unwrap().sync_all().unwrap();
    let mut g = c.benchmark_group("2.5M-cell workspace");
    g.sample_size(10);
    g.bench_function("open + matrix view (what the editor loads)", |b| {
        b.iter(|| {
            let ws = Workspace::open(&path).unwrap();
            ws.matrix_view().unwrap()
        })
    });
    g.bench_function("open + summary", |b| {
        b.iter(|| Workspace::open(&path).unwrap().summary().unwrap())
    });
    g.finish();

    let mut ws = Workspace::open(&path).unwrap();
    let role: RoleId = "r007".parse().unwrap();
    let fields: Vec<FieldId> = (0..200)
        .map(|i| format!("customer.x{:04}", i * 4).parse().unwrap())
        .collect();
    // Every edit changes the cell: these cells start at `edit` (the fixture's (field + role) % 4
    // for r007 and fields 4i), and each pass over the 200 fields flips them read <-> edit.
    let mut k = 0usize;
    let mut edit = |ws: &mut Workspace| {
        let pass = k / fields.len();
        let cell = Cell::plain(if pass % 2 == 0 {
            Level::Read
        } else {
            Level::Edit
        });
        let report = ws
            .set_cells(
                &actor(),
                &[(role.clone(), fields[k % fields.len()].clone(), Some(cell))],
            )
            .unwrap();
        k += 1;
        assert_eq!(report.changed, 1, "every edit changes one cell");
        report
    };
    // p99 over 1,000 edits, measured directly (criterion reports the median below).
    let mut times: Vec<f64> = (0..1000)
        .map(|_| {
            let t = Instant::now();
            edit(&mut ws);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    eprintln!(
        "persist one cell edit over 1,000 edits: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times[500], times[990], times[999]
    );
    let mut g =
        c.benchmark_group("persist one cell edit (2.5M-cell workspace, WAL, synchronous=FULL)");
    g.sample_size(50);
    g.bench_function(
        "set one cell: revision + change row + audit entry, one commit",
        |b| b.iter(|| edit(&mut ws)),
    );
    g.finish();

    // The editor's paint: 100 roles x 100 fields set to one level, then the old values back
    // (what undo sends), each as one call.
    let paint_keys: Vec<(RoleId, FieldId)> = (0..100)
        .flat_map(|f| {
            (0..100).map(move |r| {
                (
                    format!("r{:03}", r * 5).parse().unwrap(),
                    format!("{}.x{:04}", objects(f * 50), f * 50)
                        .parse()
                        .unwrap(),
                )
            })
        })
        .collect();
    let paint = |level: Level| -> Vec<CellEdit> {
        paint_keys
            .iter()
            .map(|(role, field)| CellEdit {
                role: role.clone(),
                field: field.clone(),
                cell: Some(Cell::plain(level)),
            })
            .collect()
    };
    let audit_before = ws.audit_log(&AuditFilter::default()).unwrap().len();
    let report = ws.edit_cells(&actor(), &paint(Level::Edit)).unwrap();
    assert!(report.changed > 0 && report.revision.is_some());
    assert_eq!(
        ws.audit_log(&AuditFilter::default()).unwrap().len(),
        audit_before + 1,
        "one audit entry for the whole paint"
    );
    let mut g = c.benchmark_group("save a 10,000-cell paint (2.5M-cell workspace)");
    g.sample_size(10);
    let mut n = 0usize;
    g.bench_function("edit_cells: 100 roles x 100 fields, one transaction", |b| {
        b.iter(|| {
            n += 1;
            ws.edit_cells(&actor(), &paint(Level::ALL[n % 4])).unwrap()
        })
    });
    g.finish();

    // A bundle from the open workspace, as `bundle build` makes it: read the revision's
    // snapshot from the file, verify the audit chain, build, sign, record it in the history.
    // (The `bundles` benchmark measures build + sign alone, from a loaded snapshot.)
    let info = ws
        .generate_key(
            &actor(),
            Algorithm::Ed25519,
            "bench",
            b"pw",
            KdfCost::testing(),
        )
        .unwrap();
    let secret = ws.unlock_key(&info.id, b"pw").unwrap();
    let opts = BuildOptions {
        revision: None,
        targets: vec![],
        valid_for: Duration::days(30),
        with_org: true,
        file: "bench.bundle".into(),
    };
    let mut g = c.benchmark_group("bundle from the open 2.5M-cell workspace");
    g.sample_size(10);
    g.bench_function(
        "build_bundle: read the snapshot + audit check + build + sign + record",
        |b| {
            b.iter(|| {
                ws.build_bundle(&actor(), &opts, std::slice::from_ref(&secret))
                    .unwrap()
            })
        },
    );
    g.finish();
}

fn objects(i: usize) -> &'static str {
    ["customer", "contact", "deal", "contract"][i % 4]
}

criterion_group!(benches, bench_store);
criterion_main!(benches);
