//! customers.csv: sample records, `id,owner,department,tier` then one column per field of
//! the `customer` object.

use std::collections::{BTreeMap, HashMap};

use super::{report, CsvError, ImportProgress, ImportStage, Table, PROGRESS_EVERY, W};
use crate::model::{
    Customer, CustomerId, DeptId, EmployeeId, ObjectId, Snapshot, TierId, CUSTOMER_OBJECT,
};

const FIXED: [&str; 4] = ["id", "owner", "department", "tier"];

pub fn parse(
    t: &Table,
    snap: &Snapshot,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Vec<Customer>, CsvError> {
    let object = ObjectId::new(CUSTOMER_OBJECT).map_err(|e| t.err_at(0, None, e.to_string()))?;
    if !snap.objects.contains_key(&object) {
        return Err(t.err_at(
            0,
            None,
            "the workspace has no `customer` object; import objects.csv first",
        ));
    }
    for (i, f) in FIXED.iter().enumerate() {
        if t.headers.get(i).map(String::as_str) != Some(*f) {
            return Err(t.header_err(i, format!("column {} must be `{f}`", i + 1)));
        }
    }
    let keys: Vec<String> = snap
        .fields_of(&object)
        .map(|f| f.key().to_owned())
        .collect();
    let mut value_cols = Vec::new();
    for (i, h) in t.headers.iter().enumerate().skip(FIXED.len()) {
        if !keys.contains(h) {
            return Err(t.header_err(i, format!("`{h}` is not a field of the customer object")));
        }
        if t.headers.iter().take(i).any(|x| x == h) {
            return Err(t.header_err(i, format!("column `{h}` appears twice")));
        }
        value_cols.push((i, h.clone()));
    }
    let mut seen: HashMap<CustomerId, u64> = HashMap::new();
    let mut out = Vec::with_capacity(t.rows.len());
    for (i, r) in t.rows().enumerate() {
        if i % PROGRESS_EVERY == 0 {
            report(progress, ImportStage::Check, i, t.rows.len());
        }
        let id: CustomerId = r.parse("id")?;
        let owner: EmployeeId = r.parse("owner")?;
        let department: DeptId = r.parse("department")?;
        let tier: TierId = r.parse("tier")?;
        if !snap.employees.contains_key(&owner) {
            return Err(r.err("owner", format!("unknown employee `{owner}`")));
        }
        if !snap.departments.contains_key(&department) {
            return Err(r.err("department", format!("unknown department `{department}`")));
        }
        if !snap.tiers.contains_key(&tier) {
            return Err(r.err("tier", format!("unknown tier `{tier}`")));
        }
        if let Some(first) = seen.insert(id.clone(), r.line) {
            return Err(r.err(
                "id",
                format!("customer `{id}` appears twice (first on line {first})"),
            ));
        }
        let mut values = BTreeMap::new();
        for (i, key) in &value_cols {
            let v = r.at(*i);
            if !v.is_empty() {
                values.insert(key.clone(), v.to_owned());
            }
        }
        out.push(Customer {
            id,
            owner,
            department,
            tier,
            values,
        });
    }
    report(progress, ImportStage::Check, out.len(), out.len());
    Ok(out)
}

pub fn export(snap: &Snapshot, customers: &[Customer], w: &mut W<'_>) -> Result<(), csv::Error> {
    let keys: Vec<String> = match ObjectId::new(CUSTOMER_OBJECT) {
        Ok(o) => snap.fields_of(&o).map(|f| f.key().to_owned()).collect(),
        Err(_) => Vec::new(),
    };
    let mut header: Vec<String> = FIXED.iter().map(|s| (*s).to_owned()).collect();
    header.extend(keys.iter().cloned());
    w.write_record(&header)?;
    for c in customers {
        let mut row = vec![
            c.id.to_string(),
            c.owner.to_string(),
            c.department.to_string(),
            c.tier.to_string(),
        ];
        row.extend(
            keys.iter()
                .map(|k| c.values.get(k).cloned().unwrap_or_default()),
        );
        w.write_record(&row)?;
    }
    Ok(())
}
