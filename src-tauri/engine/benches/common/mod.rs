//! Workspaces shared by the benchmarks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    dead_code
)]

use chrono::{TimeZone, Utc};
use permgrid::model::*;

/// The instant every benchmark decides at.
pub fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap()
}

/// 500 roles x 5,000 fields over the demo's org, objects, tiers and guardrails.
pub fn big() -> Snapshot {
    let (changes, _) = permgrid::demo::build(0).unwrap();
    let mut s = Snapshot::default();
    for c in &changes {
        s.apply(c);
    }
    let objects: Vec<ObjectId> = s.objects.keys().cloned().collect();
    let demo_roles: Vec<RoleId> = s.roles.keys().cloned().collect();
    for i in 0..(500 - demo_roles.len()) {
        let id: RoleId = format!("r{i:03}").parse().unwrap();
        s.put(Entity::Role(Role {
            id: id.clone(),
            name_zh: format!("角色{i}"),
            name_en: format!("Role {i}"),
            rank: (i % 6) as u32,
            inherits: if i % 3 == 0 {
                vec![demo_roles[i % demo_roles.len()].clone()]
            } else {
                vec![]
            },
            description: String::new(),
        }));
        for o in &objects {
            s.put(Entity::Policy(ObjectPolicy {
                role: id.clone(),
                object: o.clone(),
                scope: Scope::ALL[i % 6],
                max_tier: None,
                actions: [Effect::ALL[i % 3]; ACTION_COUNT],
            }));
        }
    }
    for i in 0..(5000 - s.fields.len()) {
        let object = objects[i % objects.len()].clone();
        s.put(Entity::Field(Field {
            id: FieldId::of(&object, &format!("f{i:04}")).unwrap(),
            object,
            label_zh: format!("字段{i}"),
            label_en: format!("Field {i}"),
            field_type: FieldType::Text,
            sensitivity: Sensitivity::ALL[i % 4],
            mask: MaskRule::Full,
            category: Category::ALL[i % 4],
        }));
    }
    let roles: Vec<RoleId> = s.roles.keys().cloned().collect();
    let fields: Vec<FieldId> = s.fields.keys().cloned().collect();
    for (fi, f) in fields.iter().enumerate() {
        for (ri, r) in roles.iter().enumerate() {
            let cell = match (fi * 7 + ri * 13) % 11 {
                0 => Cell::gated(Level::Masked, Level::Read).unwrap(),
                x => Cell::plain(Level::ALL[x % 4]),
            };
            s.put(Entity::Cell(CellEntry {
                key: CellKey {
                    role: r.clone(),
                    field: f.clone(),
                },
                cell,
            }));
        }
    }
    s
}

/// Adds employees up to 10,000, spread over the departments and reporting to the first 17
/// employees; the `i`th added holds `roles(i, every role)`.
pub fn ten_thousand_people(s: &mut Snapshot, roles: impl Fn(usize, &[RoleId]) -> Vec<RoleId>) {
    let depts: Vec<DeptId> = s.departments.keys().cloned().collect();
    let all: Vec<RoleId> = s.roles.keys().cloned().collect();
    let managers: Vec<EmployeeId> = s.employees.keys().take(17).cloned().collect();
    let have = s.employees.len();
    for i in 0..(10_000 - have) {
        s.put(Entity::Employee(Employee {
            id: format!("X{i:05}").parse().unwrap(),
            name: format!("员工{i}"),
            title: String::new(),
            department: depts[i % depts.len()].clone(),
            manager: Some(managers[i % managers.len()].clone()),
            roles: roles(i, &all),
            status: Status::Active,
        }));
    }
}
