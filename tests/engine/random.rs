//! Random, valid workspaces for property tests: org, catalog, matrix, scopes, guardrails,
//! temporary grants and customers, all drawn from one seed.

use proptest::prelude::*;
use std::collections::BTreeMap;

use permgrid::model::*;

/// A deterministic stream of choices drawn from one proptest seed.
pub struct Pick(pub u64);
impl Pick {
    pub fn n(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
    pub fn chance(&mut self, pct: usize) -> bool {
        self.n(100) < pct
    }
    pub fn one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.n(items.len())]
    }
}

/// Free text as users type it: Chinese, commas, quotes, inner newlines; no outer spaces.
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9张王李销售客户重点 ,\"\n;]{1,10}".prop_map(|s| {
        let t = s.trim().to_owned();
        if t.is_empty() {
            "名".to_owned()
        } else {
            t
        }
    })
}

pub fn id<T: std::str::FromStr>(s: String) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

/// A random, valid set of entities and customers.
pub fn build(seed: u64, texts: &[String]) -> (Vec<Entity>, Vec<Customer>) {
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
    // Temporary grants around the test instant t0, some expired, some per-record.
    let t0 = crate::support::t0();
    let ncust = if ne > 0 { p.n(6) } else { 0 };
    for i in 0..p.n(4) {
        let subject = if ne > 0 && p.chance(60) {
            GrantSubject::Employee(id(format!("e{}", p.n(ne))))
        } else {
            GrantSubject::Role(id(format!("r{}", p.n(nr))))
        };
        let what = match p.n(4) {
            0 if matches!(subject, GrantSubject::Employee(_)) => GrantWhat::Role {
                role: id(format!("r{}", p.n(nr))),
            },
            0 | 1 => GrantWhat::Field {
                field: fields[p.n(nf)].clone(),
                level: p.one(Level::ALL),
            },
            2 => GrantWhat::Scope {
                object: objects[p.n(no)].clone(),
                scope: p.one(Scope::ALL),
                max_tier: if p.chance(50) {
                    Some(id(format!("t{}", p.n(nt))))
                } else {
                    None
                },
            },
            _ => GrantWhat::Action {
                object: objects[p.n(no)].clone(),
                action: p.one(Action::ALL),
                effect: p.one(Effect::ALL),
            },
        };
        let from = t0 - chrono::Duration::hours(p.n(48) as i64);
        let until = t0 + chrono::Duration::hours(p.n(48) as i64 - 12);
        let until = if until <= from {
            from + chrono::Duration::hours(1)
        } else {
            until
        };
        out.push(Entity::Grant(TemporaryGrant {
            id: id(format!("tg{i}")),
            subject,
            what,
            customers: if ncust > 0 && p.chance(30) {
                vec![id(format!("c{}", p.n(ncust)))]
            } else {
                Vec::new()
            },
            valid_from: from,
            valid_until: until,
            reason: t.next().unwrap(),
            approver: None,
            created_by: "test".into(),
            revoked_at: if p.chance(10) {
                Some(t0 - chrono::Duration::minutes(5))
            } else {
                None
            },
            request: None,
        }));
    }
    let mut customers = Vec::new();
    if ne > 0 {
        let keys: Vec<String> = fields
            .iter()
            .filter(|f| f.object_str() == "customer")
            .map(|f| f.key().to_owned())
            .collect();
        for i in 0..ncust {
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
