//! Export then import reproduces a workspace exactly (property test over random workspaces).

use proptest::prelude::*;
use std::collections::BTreeMap;

use crate::support::{actor, all_exports, demo, temp};
use permgrid::api::Workspace;
use permgrid::csv::CsvKind;
use permgrid::model::*;
use permgrid::store::{Store, WorkspaceMeta};

/// A deterministic stream of choices drawn from one proptest seed.
struct Pick(u64);
impl Pick {
    fn n(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
    fn chance(&mut self, pct: usize) -> bool {
        self.n(100) < pct
    }
    fn one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.n(items.len())]
    }
}

/// Free text as users type it: Chinese, commas, quotes, inner newlines; no outer spaces.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9张王李销售客户重点 ,\"\n;]{1,10}".prop_map(|s| {
        let t = s.trim().to_owned();
        if t.is_empty() {
            "名".to_owned()
        } else {
            t
        }
    })
}

fn id<T: std::str::FromStr>(s: String) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

/// A random, valid set of entities and customers.
fn build(seed: u64, texts: &[String]) -> (Vec<Entity>, Vec<Customer>) {
    let mut p = Pick(seed);
    let mut t = texts.iter().cycle().cloned();
    let mut out = Vec::new();
    let nd = 1 + p.n(4);
    for i in 0..nd {
        let parent = if i > 0 && p.chance(80) {
            Some(id(format!("d{}", p.n(i))))
        } else {
            None
        };
        out.push(Entity::Department(Department {
            id: id(format!("d{i}")),
            name_zh: t.next().unwrap(),
            name_en: t.next().unwrap(),
            parent,
        }));
    }
    let nr = 1 + p.n(5);
    for i in 0..nr {
        let inherits = (0..i)
            .filter(|_| p.chance(30))
            .map(|j| id(format!("r{j}")))
            .collect();
        out.push(Entity::Role(Role {
            id: id(format!("r{i}")),
            name_zh: t.next().unwrap(),
            name_en: t.next().unwrap(),
            rank: p.n(101) as u32,
            inherits,
            description: if p.chance(50) {
                t.next().unwrap()
            } else {
                String::new()
            },
        }));
    }
    let ne = p.n(7);
    for i in 0..ne {
        let manager = if i > 0 && p.chance(70) {
            Some(id(format!("e{}", p.n(i))))
        } else {
            None
        };
        out.push(Entity::Employee(Employee {
            id: id(format!("e{i}")),
            name: t.next().unwrap(),
            title: if p.chance(70) {
                t.next().unwrap()
            } else {
                String::new()
            },
            department: id(format!("d{}", p.n(nd))),
            manager,
            roles: (0..nr)
                .filter(|_| p.chance(40))
                .map(|j| id(format!("r{j}")))
                .collect(),
            status: p.one(Status::ALL),
        }));
    }
    let no = 1 + p.n(3);
    let objects: Vec<ObjectId> = (0..no)
        .map(|i| {
            id(if i == 0 {
                "customer".into()
            } else {
                format!("o{i}")
            })
        })
        .collect();
    for o in &objects {
        out.push(Entity::Object(ObjectDef {
            id: o.clone(),
            name_zh: t.next().unwrap(),
            name_en: t.next().unwrap(),
        }));
    }
    let nt = 1 + p.n(4);
    for i in 0..nt {
        out.push(Entity::Tier(Tier {
            id: id(format!("t{i}")),
            rank: p.n(10) as u32,
            name_zh: t.next().unwrap(),
            name_en: t.next().unwrap(),
        }));
    }
    let nf = 1 + p.n(6);
    let mut fields = Vec::new();
    for i in 0..nf {
        let object = objects[p.n(no)].clone();
        let fid = FieldId::of(&object, &format!("f{i}")).unwrap();
        fields.push(fid.clone());
        out.push(Entity::Field(Field {
            id: fid,
            object,
            label_zh: t.next().unwrap(),
            label_en: t.next().unwrap(),
            field_type: p.one(FieldType::ALL),
            sensitivity: p.one(Sensitivity::ALL),
            mask: p.one(MaskRule::ALL),
            category: p.one(Category::ALL),
        }));
    }
    for f in &fields {
        for r in 0..nr {
            if p.chance(70) {
                let level = p.one(Level::ALL);
                let cell = match Level::ALL
                    .iter()
                    .copied()
                    .filter(|l| *l > level)
                    .collect::<Vec<_>>()
                {
                    higher if !higher.is_empty() && p.chance(30) => {
                        Cell::gated(level, p.one(&higher)).unwrap()
                    }
                    _ => Cell::plain(level),
                };
                out.push(Entity::Cell(CellEntry {
                    key: CellKey {
                        role: id(format!("r{r}")),
                        field: f.clone(),
                    },
                    cell,
                }));
            }
        }
    }
    for r in 0..nr {
        for o in &objects {
            if p.chance(60) {
                let mut actions = [Effect::Deny; ACTION_COUNT];
                for a in actions.iter_mut() {
                    *a = p.one(Effect::ALL);
                }
                out.push(Entity::Policy(ObjectPolicy {
                    role: id(format!("r{r}")),
                    object: o.clone(),
                    scope: p.one(Scope::ALL),
                    max_tier: if p.chance(50) {
                        Some(id(format!("t{}", p.n(nt))))
                    } else {
                        None
                    },
                    actions,
                }));
            }
        }
    }
    for i in 0..p.n(4) {
        let effect = match p.n(4) {
            0 => GuardrailEffect::CapLevel {
                level: p.one(Level::ALL),
            },
            1 => GuardrailEffect::CapAction {
                action: p.one(Action::ALL),
                max: p.one(Effect::ALL),
                alert: p.chance(50),
            },
            2 => GuardrailEffect::ExportExclude,
            _ => GuardrailEffect::BulkThreshold {
                over_records: p.n(1000) as u32,
                approvals: 1 + p.n(3) as u32,
                alert: p.chance(50),
            },
        };
        out.push(Entity::Guardrail(Guardrail {
            id: id(format!("g{i}")),
            name_zh: t.next().unwrap(),
            name_en: t.next().unwrap(),
            when: GuardrailWhen {
                object: if p.chance(50) {
                    Some(objects[p.n(no)].clone())
                } else {
                    None
                },
                min_sensitivity: if p.chance(50) {
                    Some(p.one(Sensitivity::ALL))
                } else {
                    None
                },
                fields: fields.iter().filter(|_| p.chance(30)).cloned().collect(),
                min_tier: if p.chance(50) {
                    Some(id(format!("t{}", p.n(nt))))
                } else {
                    None
                },
                below_rank: if p.chance(50) {
                    Some(p.n(6) as u32)
                } else {
                    None
                },
            },
            effect,
        }));
    }
    let mut customers = Vec::new();
    if ne > 0 {
        let keys: Vec<String> = fields
            .iter()
            .filter(|f| f.object_str() == "customer")
            .map(|f| f.key().to_owned())
            .collect();
        for i in 0..p.n(6) {
            let mut values = BTreeMap::new();
            for k in &keys {
                if p.chance(70) {
                    values.insert(k.clone(), t.next().unwrap());
                }
            }
            customers.push(Customer {
                id: id(format!("c{i}")),
                owner: id(format!("e{}", p.n(ne))),
                department: id(format!("d{}", p.n(nd))),
                tier: id(format!("t{}", p.n(nt))),
                values,
            });
        }
    }
    (out, customers)
}

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
