//! People-level diff benchmark (DESIGN.md section 5): between two revisions of a workspace of
//! 10,000 employees and 5,000 fields (500 roles), what every employee gains and loses — field
//! levels tier by tier, actions, sample customers reached (target < 2 s).
//!
//! Run with `cargo bench -p permgrid-engine --bench people`; results are in docs/benchmarks.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::HashSet;
use std::hint::black_box;

use permgrid::decide::Policy;
use permgrid::model::*;
use permgrid::simulate::{people_diff, CustomerTable, Version};

mod common;
use common::now;

/// [`common::big`] with 10,000 employees over the demo's departments, reporting to demo
/// managers. Each holds one of the 500 roles; one in four also a second one.
fn with_people(mut s: Snapshot) -> Snapshot {
    common::ten_thousand_people(&mut s, |i, roles| {
        let mut held = vec![roles[(i * 7) % roles.len()].clone()];
        if i % 4 == 0 {
            held.push(roles[(i / 4) % 40].clone());
        }
        held
    });
    s
}

/// The next revision: 1,000 cells changed (every role, spread over the fields), one role's
/// customer scope widened to every record, 50 people given another role.
fn edited(a: &Snapshot) -> Snapshot {
    let mut b = a.clone();
    let roles: Vec<RoleId> = a.roles.keys().cloned().collect();
    let fields: Vec<FieldId> = a.fields.keys().cloned().collect();
    for i in 0..1000 {
        b.put(Entity::Cell(CellEntry {
            key: CellKey {
                role: roles[i % roles.len()].clone(),
                field: fields[(i * 37) % fields.len()].clone(),
            },
            cell: Cell::plain(Level::ALL[(i + 1) % 4]),
        }));
    }
    let widened = ObjectPolicy {
        role: roles[3].clone(),
        object: "customer".parse().unwrap(),
        scope: Scope::All,
        max_tier: None,
        actions: [Effect::Allow; ACTION_COUNT],
    };
    b.put(Entity::Policy(widened));
    let people: Vec<Employee> = a
        .employees
        .values()
        .skip(100)
        .step_by(97)
        .take(50)
        .cloned()
        .collect();
    for (i, mut e) in people.into_iter().enumerate() {
        e.roles.push(roles[(i * 11) % roles.len()].clone());
        b.put(Entity::Employee(e));
    }
    b
}

fn bench_people(c: &mut Criterion) {
    let a = with_people(common::big());
    let b = edited(&a);
    let (_, customers) = permgrid::demo::build(10_000).unwrap();
    assert_eq!(
        (a.employees.len(), a.fields.len(), a.roles.len()),
        (10_000, 5000, 500)
    );
    let role_sets: HashSet<Vec<RoleId>> = a.employees.values().map(|e| e.roles.clone()).collect();
    let (pa, pb) = (Policy::compile(&a), Policy::compile(&b));
    let (ta, tb) = (
        CustomerTable::records(&pa, &customers),
        CustomerTable::records(&pb, &customers),
    );
    let va = Version {
        policy: &pa,
        snap: &a,
        table: &ta,
    };
    let vb = Version {
        policy: &pb,
        snap: &b,
        table: &tb,
    };
    let d = people_diff(&va, &vb, now());
    eprintln!(
        "{} distinct role sets; {} of {} employees change, {} distinct changes, {} customers",
        role_sets.len(),
        d.people.len(),
        d.employees,
        d.changes.len(),
        customers.len()
    );
    assert!(d.people.len() > 1000 && d.people.iter().any(|p| p.customers_gained > 0));
    let mut g = c.benchmark_group("people-level diff, 10,000 employees x 5,000 fields");
    g.sample_size(10);
    g.bench_function("diff of two compiled revisions", |bch| {
        bch.iter(|| people_diff(black_box(&va), black_box(&vb), now()))
    });
    g.bench_function(
        "compile both revisions (sample customers laid out for reach), then diff",
        |bch| {
            bch.iter(|| {
                let (pa, pb) = (Policy::compile(&a), Policy::compile(&b));
                let (ta, tb) = (
                    CustomerTable::records(&pa, &customers),
                    CustomerTable::records(&pb, &customers),
                );
                people_diff(
                    &Version {
                        policy: &pa,
                        snap: &a,
                        table: &ta,
                    },
                    &Version {
                        policy: &pb,
                        snap: &b,
                        table: &tb,
                    },
                    now(),
                )
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench_people);
criterion_main!(benches);
