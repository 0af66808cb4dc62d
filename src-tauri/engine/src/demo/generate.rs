//! Deterministic synthetic customers.
//!
//! The generator is a SplitMix64 written here rather than `rand`'s `StdRng` because the demo
//! must be byte-identical on every machine and every build, and `StdRng` promises no value
//! stability across versions.

use std::collections::BTreeMap;

use crate::csv::CsvError;
use crate::model::{
    Customer, CustomerId, EmployeeId, FieldType, ObjectId, RoleId, Snapshot, TierId,
};

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
        usize::try_from(self.next() % n64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).map(String::as_str).unwrap_or("")
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

struct Seeds {
    lists: BTreeMap<String, Vec<String>>,
}

impl Seeds {
    fn parse(text: &str) -> Result<Seeds, CsvError> {
        let err = |line: u64, reason: String| CsvError {
            file: "assets/demo/customer_seed.csv".into(),
            line,
            column: None,
            reason,
        };
        let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        for rec in r.records() {
            let rec =
                rec.map_err(|e| err(e.position().map(|p| p.line()).unwrap_or(0), e.to_string()))?;
            let (Some(kind), Some(value)) = (rec.get(0), rec.get(1)) else {
                continue;
            };
            lists
                .entry(kind.to_owned())
                .or_default()
                .push(value.to_owned());
        }
        for needed in [
            "surname",
            "given",
            "company_prefix",
            "company_suffix",
            "province_city",
            "street",
            "industry",
            "source",
        ] {
            if lists.get(needed).is_none_or(|l| l.is_empty()) {
                return Err(err(0, format!("no `{needed}` values")));
            }
        }
        Ok(Seeds { lists })
    }

    fn get(&self, kind: &str) -> &[String] {
        self.lists.get(kind).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// ISO 7064 MOD 11-2 check character of an 18-digit Chinese ID number.
fn id_check(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    C.get((sum % 11) as usize)
        .map(|b| char::from(*b))
        .unwrap_or('0')
}

const REGION_CODES: [&str; 10] = [
    "310101", "310115", "330106", "110105", "120101", "440106", "440305", "320102", "510104",
    "420102",
];
const MOBILE_PREFIXES: [&str; 10] = [
    "138", "139", "136", "158", "186", "189", "177", "135", "150", "188",
];
const EMAIL_DOMAINS: [&str; 5] = ["qq.com", "163.com", "126.com", "example.com", "sina.com"];
const NOTES: [&str; 6] = [
    "客户对新品感兴趣，下周回访",
    "已发送报价单，等待确认",
    "关注售后服务响应时间",
    "年底有采购预算",
    "需要安排技术交流",
    "对价格较敏感",
];
const RISK: [&str; 3] = ["低", "中", "高"];

fn date(rng: &mut SplitMix64) -> String {
    format!(
        "{}-{:02}-{:02}",
        2019 + rng.below(8),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

fn amount(rng: &mut SplitMix64, tier_rank: usize) -> String {
    let base = [20_000u64, 100_000, 800_000, 3_000_000, 10_000_000];
    let b = base.get(tier_rank.min(4)).copied().unwrap_or(100_000);
    let v = b + (rng.next() % (b * 4));
    (v / 1000 * 1000).to_string()
}

fn letters(rng: &mut SplitMix64, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'a' + (rng.next() % 26) as u8))
        .collect()
}

/// `n` customers owned by the demo's sales reps, with plausible values for every field of
/// the `customer` object.
pub fn generate_customers(
    snap: &Snapshot,
    seed_text: &str,
    n: usize,
) -> Result<Vec<Customer>, CsvError> {
    let seeds = Seeds::parse(seed_text)?;
    let rep = RoleId::new("sales_rep").ok();
    let owners: Vec<&crate::model::Employee> = snap
        .employees
        .values()
        .filter(|e| rep.as_ref().is_some_and(|r| e.roles.contains(r)))
        .collect();
    let owners: Vec<&crate::model::Employee> = if owners.is_empty() {
        snap.employees.values().collect()
    } else {
        owners
    };
    let tiers: Vec<(&TierId, u32)> = {
        let mut t: Vec<_> = snap.tiers.values().map(|t| (&t.id, t.rank)).collect();
        t.sort_by_key(|(_, r)| *r);
        t
    };
    let object = ObjectId::new("customer").ok();
    let fields: Vec<&crate::model::Field> = match &object {
        Some(o) => snap.fields_of(o).collect(),
        None => Vec::new(),
    };
    let mut rng = SplitMix64(0x7065_726d_6772_6964); // "permgrid"
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let Some(owner) = owners.get(rng.below(owners.len())) else {
            break;
        };
        // 40% prospects, 40% customers, 15% key accounts, 5% strategic.
        let roll = rng.below(100);
        let tier_index = match roll {
            0..40 => 0,
            40..80 => 1,
            80..95 => 2,
            _ => 3,
        };
        let Some((tier, _)) = tiers.get(tier_index.min(tiers.len().saturating_sub(1))) else {
            break;
        };
        let person = format!(
            "{}{}",
            rng.pick(seeds.get("surname")),
            rng.pick(seeds.get("given"))
        );
        let company = format!(
            "{}{}",
            rng.pick(seeds.get("company_prefix")),
            rng.pick(seeds.get("company_suffix"))
        );
        let place = rng.pick(seeds.get("province_city")).to_owned();
        let mut parts = place.split('|');
        let (province, city, district) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let address = format!(
            "{province}{city}{district}{}{}号",
            rng.pick(seeds.get("street")),
            1 + rng.below(999)
        );
        let mut values = BTreeMap::new();
        for f in &fields {
            let v = match (f.key(), f.field_type) {
                ("name", _) => company.clone(),
                ("province", _) => province.clone(),
                ("city", _) => city.clone(),
                ("industry", _) => rng.pick(seeds.get("industry")).to_owned(),
                ("source", _) => rng.pick(seeds.get("source")).to_owned(),
                ("landline", _) => format!("0{}-{}", 10 + rng.below(90), rng.digits(8)),
                ("tax_id", _) => format!(
                    "91{}{}",
                    rng.digits(6),
                    letters(&mut rng, 10).to_uppercase()
                ),
                ("wechat", _) => format!("wxid_{}", letters(&mut rng, 8)),
                ("risk_rating", _) => RISK
                    .get(rng.below(RISK.len()))
                    .copied()
                    .unwrap_or("低")
                    .to_owned(),
                ("tier_note", _) => format!("{}年度评级", 2020 + rng.below(6)),
                ("employee_count", _) => (10 + rng.below(5000)).to_string(),
                (_, FieldType::Name) => person.clone(),
                (_, FieldType::Phone) => {
                    format!(
                        "{}{}",
                        MOBILE_PREFIXES.get(rng.below(10)).copied().unwrap_or("138"),
                        rng.digits(8)
                    )
                }
                (_, FieldType::Email) => format!(
                    "{}{}@{}",
                    {
                        let n = 1 + rng.below(6);
                        letters(&mut rng, n)
                    },
                    rng.below(1000),
                    EMAIL_DOMAINS
                        .get(rng.below(5))
                        .copied()
                        .unwrap_or("example.com")
                ),
                (_, FieldType::IdCard) => {
                    let region = REGION_CODES.get(rng.below(10)).copied().unwrap_or("310101");
                    let birth = format!(
                        "{}{:02}{:02}",
                        1960 + rng.below(40),
                        1 + rng.below(12),
                        1 + rng.below(28)
                    );
                    let first17 = format!("{region}{birth}{}", rng.digits(3));
                    format!("{first17}{}", id_check(&first17))
                }
                (_, FieldType::BankCard) => format!("622202{}", rng.digits(13)),
                (_, FieldType::Address) => address.clone(),
                (_, FieldType::Amount) => amount(&mut rng, tier_index),
                (_, FieldType::Date) => date(&mut rng),
                (_, FieldType::Number) => rng.below(10_000).to_string(),
                (_, FieldType::Enum) => RISK
                    .get(rng.below(RISK.len()))
                    .copied()
                    .unwrap_or("低")
                    .to_owned(),
                (_, FieldType::Text) => NOTES
                    .get(rng.below(NOTES.len()))
                    .copied()
                    .unwrap_or("")
                    .to_owned(),
            };
            values.insert(f.key().to_owned(), v);
        }
        let id = CustomerId::new(format!("C{:05}", i + 1)).map_err(|e| CsvError {
            file: "customers".into(),
            line: 0,
            column: None,
            reason: e.to_string(),
        })?;
        let owner_id: EmployeeId = owner.id.clone();
        out.push(Customer {
            id,
            owner: owner_id,
            department: owner.department.clone(),
            tier: (*tier).clone(),
            values,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_carry_a_valid_check_digit() {
        // A published sample number: 11010519491231002X.
        assert_eq!(id_check("11010519491231002"), 'X');
    }
}
