//! Decision benchmarks (DESIGN.md section 5), each beside a naive baseline:
//! - one field decision on the demo workspace (target < 50 ns median);
//! - simulating one employee over 100,000 customers x 40 fields, filter + mask (target < 50 ms);
//! - who-can over 10,000 employees.
//!
//! Run with `cargo bench -p permgrid-engine --bench decisions`; results are in docs/benchmarks.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use permgrid::decide::{reference, Policy};
use permgrid::model::*;
use permgrid::simulate::{simulate, who_can, CustomerTable};

mod common;
use common::now;

fn demo(customers: usize) -> (Snapshot, Vec<Customer>) {
    let (changes, custs) = permgrid::demo::build(customers).unwrap();
    let mut s = Snapshot::default();
    for c in &changes {
        s.apply(c);
    }
    (s, custs)
}

/// The demo with 18 more customer fields (40 in all), each given a level per role, with values.
fn forty_fields(s: &mut Snapshot, customers: &mut [Customer]) {
    let object: ObjectId = "customer".parse().unwrap();
    let masks = [
        MaskRule::Mobile,
        MaskRule::Email,
        MaskRule::Name,
        MaskRule::Full,
        MaskRule::Last4,
        MaskRule::AmountRange,
    ];
    let roles: Vec<RoleId> = s.roles.keys().cloned().collect();
    let n = s.fields_of(&object).count();
    for i in 0..(40 - n) {
        let id = FieldId::of(&object, &format!("extra_{i}")).unwrap();
        s.put(Entity::Field(Field {
            id: id.clone(),
            object: object.clone(),
            label_zh: format!("扩展{i}"),
            label_en: format!("Extra {i}"),
            field_type: FieldType::Text,
            sensitivity: Sensitivity::ALL[i % 4],
            mask: masks[i % masks.len()],
            category: Category::Business,
        }));
        for (ri, r) in roles.iter().enumerate() {
            let level = Level::ALL[(i + ri) % 4];
            s.put(Entity::Cell(CellEntry {
                key: CellKey {
                    role: r.clone(),
                    field: id.clone(),
                },
                cell: Cell::plain(level),
            }));
        }
        for (ci, c) in customers.iter_mut().enumerate() {
            c.values.insert(
                format!("extra_{i}"),
                format!("1381234{:04}", (ci * 7 + i) % 10_000),
            );
        }
    }
}

fn bench_decision(c: &mut Criterion) {
    let (s, customers) = demo(1000);
    let p = Policy::compile(&s);
    let emp: EmployeeId = "E012".parse().unwrap();
    let subject = p.subject(p.emp_ix[&emp], now());
    // A customer of one of her reps: covered through the team scope (manager chain walk).
    let cust = customers
        .iter()
        .find(|c| c.owner.as_str() == "E018")
        .unwrap();
    let rec = p.record(cust);
    let field: FieldId = "customer.bank_account".parse().unwrap();
    let fi = p.field_ix[&field];
    assert_eq!(
        p.level(&subject, &rec, fi),
        reference::level(&s, &emp, cust, &field, now())
    );
    let mut g = c.benchmark_group("one decision (demo workspace)");
    g.bench_function("compiled policy, subject resolved", |b| {
        b.iter(|| p.level(black_box(&subject), black_box(&rec), black_box(fi)))
    });
    g.bench_function("compiled policy, resolving the subject too", |b| {
        b.iter(|| {
            let s = p.subject(black_box(p.emp_ix[&emp]), now());
            p.level(&s, black_box(&rec), black_box(fi))
        })
    });
    g.bench_function("baseline: reference semantics on the snapshot", |b| {
        b.iter(|| {
            reference::level(
                black_box(&s),
                black_box(&emp),
                black_box(cust),
                black_box(&field),
                now(),
            )
        })
    });
    g.finish();
}

fn bench_simulation(c: &mut Criterion) {
    let (mut s, mut customers) = demo(100_000);
    forty_fields(&mut s, &mut customers);
    let p = Policy::compile(&s);
    let table = CustomerTable::new(&p, &customers);
    assert_eq!(table.fields.len(), 40);
    let mut g = c.benchmark_group("simulate 100,000 customers x 40 fields");
    g.sample_size(20);
    for (emp, what) in [
        (
            "E047",
            "customer service (all customers up to tier customer, many masked)",
        ),
        ("E012", "sales manager (team scope)"),
        ("E001", "executive (everything)"),
    ] {
        let subject = p.subject(p.emp_ix[&emp.parse::<EmployeeId>().unwrap()], now());
        let sim = simulate(&p, &subject, &table, now(), b"key");
        let masked: usize = sim
            .rows
            .iter()
            .map(|r| sim.classes[r.class as usize].masked.len())
            .sum();
        eprintln!(
            "{emp} {what}: sees {} rows, {} masked cells",
            sim.visible(),
            masked
        );
        g.bench_function(format!("{emp} {what}"), |b| {
            b.iter(|| simulate(&p, black_box(&subject), &table, now(), b"key"))
        });
    }
    g.finish();

    // Baseline: the reference semantics per cell, then the mask, on 10,000 customers
    // (100,000 would take minutes per sample); compare per cell.
    let mut g = c.benchmark_group("baseline: reference per cell, 10,000 customers x 40 fields");
    g.sample_size(10);
    let emp: EmployeeId = "E047".parse().unwrap();
    let fields: Vec<(FieldId, MaskRule)> = s
        .fields
        .values()
        .filter(|f| f.object.as_str() == "customer")
        .map(|f| (f.id.clone(), f.mask))
        .collect();
    g.bench_function("E047", |b| {
        b.iter(|| {
            let mut shown = 0usize;
            for cust in &customers[..10_000] {
                for (f, rule) in &fields {
                    match reference::level(&s, &emp, cust, f, now()) {
                        Level::Hidden => {}
                        Level::Masked => {
                            let v = cust.values.get(f.key()).map(String::as_str).unwrap_or("");
                            shown += permgrid::decide::mask::mask(*rule, v, b"key").len();
                        }
                        _ => shown += 1,
                    }
                }
            }
            shown
        })
    });
    g.finish();
}

fn bench_who_can(c: &mut Criterion) {
    let (mut s, _) = demo(0);
    // 10,000 employees spread over the demo's departments and roles, reporting to demo managers.
    common::ten_thousand_people(&mut s, |i, roles| vec![roles[i % roles.len()].clone()]);
    let depts: Vec<DeptId> = s.departments.keys().cloned().collect();
    let p = Policy::compile(&s);
    let field: FieldId = "customer.id_card".parse().unwrap();
    let fi = p.field_ix[&field];
    let mut g = c.benchmark_group("who-can over 10,000 employees");
    g.sample_size(20);
    g.bench_function("compiled policy", |b| {
        b.iter(|| who_can(&p, &s, black_box(fi), Level::Masked, None, now()))
    });
    // Baseline: the reference semantics on one representative customer per (tier, department)
    // for every employee, which is what a naive "who can see" would have to evaluate.
    let probes: Vec<Customer> = s
        .tiers
        .keys()
        .flat_map(|t| {
            depts.iter().map(move |d| Customer {
                id: "PROBE".parse().unwrap(),
                owner: "E001".parse().unwrap(),
                department: d.clone(),
                tier: t.clone(),
                values: Default::default(),
            })
        })
        .collect();
    g.bench_function(
        "baseline: reference semantics per employee and probe record",
        |b| {
            b.iter(|| {
                s.employees
                    .keys()
                    .filter(|e| {
                        probes
                            .iter()
                            .any(|c| reference::level(&s, e, c, &field, now()) >= Level::Masked)
                    })
                    .count()
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench_decision, bench_simulation, bench_who_can);
criterion_main!(benches);
