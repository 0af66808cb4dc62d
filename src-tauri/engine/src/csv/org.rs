//! departments.csv, employees.csv, roles.csv

use super::{Located, Table, W};
use crate::model::{Change, Department, Employee, Entity, Role, Snapshot};

use super::CsvError;

pub fn departments(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&["id", "name_zh", "name_en", "parent"])?;
    t.rows()
        .map(|r| {
            let d = Department {
                id: r.parse("id")?,
                name_zh: r.required("name_zh")?,
                name_en: r.required("name_en")?,
                parent: r.opt("parent")?,
            };
            Ok(Located::new(&r, Change::put(Entity::Department(d))))
        })
        .collect()
}

pub fn employees(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&[
        "id",
        "name",
        "title",
        "department",
        "manager",
        "roles",
        "status",
    ])?;
    t.rows()
        .map(|r| {
            let e = Employee {
                id: r.parse("id")?,
                name: r.required("name")?,
                title: r.text("title").to_owned(),
                department: r.parse("department")?,
                manager: r.opt("manager")?,
                roles: r.list("roles")?,
                status: r.parse("status")?,
            };
            Ok(Located::new(&r, Change::put(Entity::Employee(e))))
        })
        .collect()
}

pub fn roles(t: &Table) -> Result<Vec<Located>, CsvError> {
    t.expect(&[
        "id",
        "name_zh",
        "name_en",
        "rank",
        "inherits",
        "description",
    ])?;
    t.rows()
        .map(|r| {
            let role = Role {
                id: r.parse("id")?,
                name_zh: r.required("name_zh")?,
                name_en: r.required("name_en")?,
                rank: r.number("rank")?,
                inherits: r.list("inherits")?,
                description: r.text("description").to_owned(),
            };
            Ok(Located::new(&r, Change::put(Entity::Role(role))))
        })
        .collect()
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

pub fn export_departments(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record(["id", "name_zh", "name_en", "parent"])?;
    for d in s.departments.values() {
        let parent = d.parent.as_ref().map(|p| p.as_str()).unwrap_or("");
        w.write_record([d.id.as_str(), &d.name_zh, &d.name_en, parent])?;
    }
    Ok(())
}

pub fn export_employees(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record([
        "id",
        "name",
        "title",
        "department",
        "manager",
        "roles",
        "status",
    ])?;
    for e in s.employees.values() {
        let manager = e.manager.as_ref().map(|p| p.as_str()).unwrap_or("");
        w.write_record([
            e.id.as_str(),
            &e.name,
            &e.title,
            e.department.as_str(),
            manager,
            &join(&e.roles),
            e.status.as_str(),
        ])?;
    }
    Ok(())
}

pub fn export_roles(s: &Snapshot, w: &mut W<'_>) -> Result<(), csv::Error> {
    w.write_record([
        "id",
        "name_zh",
        "name_en",
        "rank",
        "inherits",
        "description",
    ])?;
    for r in s.roles.values() {
        w.write_record([
            r.id.as_str(),
            &r.name_zh,
            &r.name_en,
            &r.rank.to_string(),
            &join(&r.inherits),
            &r.description,
        ])?;
    }
    Ok(())
}
