//! The demo workspace: a realistic company built from the data files in `assets/demo/`,
//! plus 10,000 synthetic customers generated deterministically from `customer_seed.csv`.
//! Called by `api` (`permgrid init --demo`, the desktop app's first run).

mod generate;

use crate::csv::{self, CsvError, CsvKind, Parsed};
use crate::model::{Change, Customer, Snapshot};

pub use generate::generate_customers;

/// Number of synthetic customers in the demo.
pub const DEMO_CUSTOMERS: usize = 10_000;

/// The demo data files, in import order.
pub const FILES: &[(CsvKind, &str, &str)] = &[
    (
        CsvKind::Departments,
        "departments.csv",
        include_str!("../../../../assets/demo/departments.csv"),
    ),
    (
        CsvKind::Roles,
        "roles.csv",
        include_str!("../../../../assets/demo/roles.csv"),
    ),
    (
        CsvKind::Employees,
        "employees.csv",
        include_str!("../../../../assets/demo/employees.csv"),
    ),
    (
        CsvKind::Objects,
        "objects.csv",
        include_str!("../../../../assets/demo/objects.csv"),
    ),
    (
        CsvKind::Tiers,
        "tiers.csv",
        include_str!("../../../../assets/demo/tiers.csv"),
    ),
    (
        CsvKind::Fields,
        "fields.csv",
        include_str!("../../../../assets/demo/fields.csv"),
    ),
    (
        CsvKind::Matrix,
        "matrix.csv",
        include_str!("../../../../assets/demo/matrix.csv"),
    ),
    (
        CsvKind::Scopes,
        "scopes.csv",
        include_str!("../../../../assets/demo/scopes.csv"),
    ),
    (
        CsvKind::Guardrails,
        "guardrails.csv",
        include_str!("../../../../assets/demo/guardrails.csv"),
    ),
];

/// The seed lists for customer generation.
pub const CUSTOMER_SEED: &str = include_str!("../../../../assets/demo/customer_seed.csv");

/// The demo workspace's entities (as changes, in import order) and its customers.
pub fn build(customers: usize) -> Result<(Vec<Change>, Vec<Customer>), CsvError> {
    let mut snap = Snapshot::default();
    let mut changes = Vec::new();
    for (kind, name, text) in FILES {
        let file = format!("assets/demo/{name}");
        match csv::parse(*kind, &file, text.as_bytes(), &snap)? {
            Parsed::Changes(cs) => {
                for c in &cs {
                    snap.apply(c);
                }
                changes.extend(cs);
            }
            Parsed::Customers(_) => {}
        }
    }
    let customers = generate_customers(&snap, CUSTOMER_SEED, customers)?;
    Ok((changes, customers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_consistent() {
        let (changes, customers) = build(500).unwrap();
        let mut snap = Snapshot::default();
        for c in &changes {
            snap.apply(c);
        }
        snap.check_all().unwrap();
        assert!(snap.employees.len() >= 50, "about 60 employees");
        assert!(snap.roles.len() >= 8, "about 10 roles");
        assert!(snap.fields.len() >= 50, "about 60 fields");
        assert_eq!(customers.len(), 500);
        for c in &customers {
            assert!(
                snap.employees.contains_key(&c.owner),
                "owners are employees"
            );
            assert!(snap.tiers.contains_key(&c.tier));
        }
    }

    #[test]
    fn demo_customers_are_deterministic() {
        let a = build(50).unwrap().1;
        let b = build(50).unwrap().1;
        assert_eq!(
            a, b,
            "the same seed gives the same customers on every machine"
        );
    }
}
