//! The org and catalog screens' API: adding, editing and deleting departments, employees,
//! roles, objects, tiers and fields with checks that name what is wrong, and the CSV import
//! preview (parse and check without writing, with progress).

use crate::support::{actor, all_exports, demo, export};
use permgrid::api::{ErrorCode, OrgEntity, OrgKind, Workspace};
use permgrid::csv::{CsvKind, ImportStage};
use permgrid::model::*;
use permgrid::store::AuditFilter;

fn employee(id: &str, manager: Option<&str>) -> Employee {
    Employee {
        id: id.parse().unwrap(),
        name: "林晓".into(),
        title: "销售代表".into(),
        department: "sales_east_sh".parse().unwrap(),
        manager: manager.map(|m| m.parse().unwrap()),
        roles: vec!["sales_rep".parse().unwrap()],
        status: Status::Active,
    }
}

/// The revision count and audit length, to show a refused call wrote nothing.
fn marks(ws: &Workspace) -> (usize, usize) {
    (
        ws.revisions().unwrap().len(),
        ws.audit_log(&AuditFilter::default()).unwrap().len(),
    )
}

#[test]
fn adding_editing_and_deleting_an_employee_is_one_revision_and_one_audit_entry_each() {
    let (_t, mut ws) = demo(10);
    let (revs, audit) = marks(&ws);
    let e = employee("E900", Some("E003"));
    let r = ws
        .put_org_entity(&actor(), OrgEntity::Employee(e.clone()), true)
        .unwrap();
    assert!(r.revision.is_some());
    assert_eq!(r.changed, 1);
    assert_eq!(marks(&ws), (revs + 1, audit + 1));
    let org = ws.org_catalog().unwrap();
    assert_eq!(org.employees.last(), Some(&e), "added at the end");

    let mut edited = e.clone();
    edited.status = Status::Suspended;
    edited.roles.push("customer_service".parse().unwrap());
    ws.put_org_entity(&actor(), OrgEntity::Employee(edited.clone()), false)
        .unwrap();
    assert_eq!(marks(&ws), (revs + 2, audit + 2));
    let log = ws.audit_log(&AuditFilter::default()).unwrap();
    assert_eq!(log.last().unwrap().action, "employee.update");

    ws.delete_org_entity(&actor(), OrgKind::Employee, "E900")
        .unwrap();
    assert_eq!(marks(&ws), (revs + 3, audit + 3));
    assert!(!ws
        .org_catalog()
        .unwrap()
        .employees
        .iter()
        .any(|x| x.id.as_str() == "E900"));
}

#[test]
fn a_missing_manager_a_duplicate_id_and_a_manager_cycle_are_refused_and_named() {
    let (_t, mut ws) = demo(10);
    let before = all_exports(&mut ws);
    let (revs, _) = marks(&ws);

    let err = ws
        .put_org_entity(
            &actor(),
            OrgEntity::Employee(employee("E900", Some("E999"))),
            true,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PreconditionFailed);
    assert_eq!(err.to_string(), "manager: unknown employee `E999`");

    let err = ws
        .put_org_entity(&actor(), OrgEntity::Employee(employee("E001", None)), true)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert_eq!(err.to_string(), "employee `E001` exists already");

    // E001 is the CEO; making them report to E003 (who reports to E001) is a loop.
    let mut ceo = ws.org_catalog().unwrap().employees[0].clone();
    ceo.manager = Some("E003".parse().unwrap());
    let err = ws
        .put_org_entity(&actor(), OrgEntity::Employee(ceo), false)
        .unwrap_err();
    assert!(err.to_string().starts_with("manager: "), "{err}");
    assert!(err.to_string().contains("cycle"), "{err}");

    let mut nameless = employee("E901", None);
    nameless.name = "  ".into();
    let err = ws
        .put_org_entity(&actor(), OrgEntity::Employee(nameless), true)
        .unwrap_err();
    assert_eq!(err.to_string(), "name: must not be empty");

    assert_eq!(marks(&ws).0, revs, "refused edits make no revision");
    assert_eq!(all_exports(&mut ws), before, "and change nothing");
}

#[test]
fn a_department_with_employees_or_sub_departments_cannot_be_deleted() {
    let (_t, mut ws) = demo(10);
    let (revs, _) = marks(&ws);
    let err = ws
        .delete_org_entity(&actor(), OrgKind::Department, "sales_east")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PreconditionFailed);
    let msg = err.to_string();
    assert!(
        msg.starts_with("cannot delete department `sales_east`: it still has 2 sub-departments (`sales_east_sh`, `sales_east_hz`)"),
        "{msg}"
    );
    let err = ws
        .delete_org_entity(&actor(), OrgKind::Department, "sales_east_sh")
        .unwrap_err();
    assert!(err.to_string().contains("employees (`"), "{err}");
    assert_eq!(marks(&ws).0, revs);

    let d = Department {
        id: "sales_east_nj".parse().unwrap(),
        name_zh: "南京团队".into(),
        name_en: "Nanjing Team".into(),
        parent: Some("sales_east".parse().unwrap()),
    };
    ws.put_org_entity(&actor(), OrgEntity::Department(d), true)
        .unwrap();
    ws.delete_org_entity(&actor(), OrgKind::Department, "sales_east_nj")
        .unwrap();
    assert_eq!(marks(&ws).0, revs + 2);

    let err = ws
        .delete_org_entity(&actor(), OrgKind::Department, "nowhere")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn a_department_cannot_become_its_own_ancestor() {
    let (_t, mut ws) = demo(10);
    let mut sales = ws
        .org_catalog()
        .unwrap()
        .departments
        .into_iter()
        .find(|d| d.id.as_str() == "sales")
        .unwrap();
    sales.parent = Some("sales_east_sh".parse().unwrap());
    let err = ws
        .put_org_entity(&actor(), OrgEntity::Department(sales), false)
        .unwrap_err();
    assert!(err.to_string().starts_with("parent: "), "{err}");
}

#[test]
fn a_manager_with_reports_cannot_be_deleted() {
    let (_t, mut ws) = demo(10);
    let err = ws
        .delete_org_entity(&actor(), OrgKind::Employee, "E003")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot delete employee `E003`: it still has "),
        "{err}"
    );
    assert!(err.to_string().contains("direct reports"), "{err}");
}

#[test]
fn a_role_inheriting_in_a_cycle_is_refused() {
    let (_t, mut ws) = demo(10);
    let org = ws.org_catalog().unwrap();
    let base = org
        .roles
        .iter()
        .find(|r| r.inherits.is_empty())
        .unwrap()
        .clone();
    let child = org
        .roles
        .iter()
        .find(|r| r.inherits.contains(&base.id))
        .unwrap()
        .clone();
    let mut looped = base.clone();
    looped.inherits = vec![child.id.clone()];
    let err = ws
        .put_org_entity(&actor(), OrgEntity::Role(looped), false)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PreconditionFailed);
    assert!(err.to_string().starts_with("inherits: "), "{err}");
    assert!(err.to_string().contains("cycle"), "{err}");
}

#[test]
fn catalog_entities_are_added_and_deleted_with_what_depends_on_them() {
    let (_t, mut ws) = demo(10);
    let (revs, audit) = marks(&ws);
    let obj = ObjectDef {
        id: "invoice".parse().unwrap(),
        name_zh: "发票".into(),
        name_en: "Invoice".into(),
    };
    ws.put_org_entity(&actor(), OrgEntity::Object(obj), true)
        .unwrap();
    let field = Field {
        id: "invoice.tax_id".parse().unwrap(),
        object: "invoice".parse().unwrap(),
        label_zh: "税号".into(),
        label_en: "Tax id".into(),
        field_type: FieldType::Text,
        sensitivity: Sensitivity::Confidential,
        mask: MaskRule::Full,
        category: Category::Business,
    };
    ws.put_org_entity(&actor(), OrgEntity::Field(field.clone()), true)
        .unwrap();
    let err = ws
        .put_org_entity(&actor(), OrgEntity::Field(field), true)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyExists);

    let err = ws
        .delete_org_entity(&actor(), OrgKind::Object, "invoice")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot delete object `invoice`: it still has 1 fields (`invoice.tax_id`); delete or change them first"
    );
    ws.delete_org_entity(&actor(), OrgKind::Field, "invoice.tax_id")
        .unwrap();
    ws.delete_org_entity(&actor(), OrgKind::Object, "invoice")
        .unwrap();
    assert_eq!(marks(&ws), (revs + 4, audit + 4));

    // A tier used by scopes, guardrails and customers stays.
    let err = ws
        .delete_org_entity(&actor(), OrgKind::Tier, "key_account")
        .unwrap_err();
    assert!(err.to_string().contains("guardrails"), "{err}");
    let tier = Tier {
        id: "vip".parse().unwrap(),
        rank: 5,
        name_zh: "贵宾".into(),
        name_en: "VIP".into(),
    };
    ws.put_org_entity(&actor(), OrgEntity::Tier(tier), true)
        .unwrap();
    ws.delete_org_entity(&actor(), OrgKind::Tier, "vip")
        .unwrap();
}

#[test]
fn deleting_a_field_removes_its_cells_in_the_same_revision() {
    let (_t, mut ws) = demo(10);
    let decided = ws
        .snapshot()
        .unwrap()
        .cells
        .iter()
        .filter(|(_, f, _)| f.as_str() == "customer.wechat")
        .count();
    assert!(decided > 0);
    let r = ws
        .delete_org_entity(&actor(), OrgKind::Field, "customer.wechat")
        .unwrap();
    assert_eq!(r.changed as usize, decided + 1, "its cells and the field");
    assert!(ws.snapshot().unwrap().check_all().is_ok());
}

#[test]
fn the_import_preview_counts_changes_names_the_bad_line_and_writes_nothing() {
    let (_t, mut ws) = demo(10);
    let mut text = export(&mut ws, CsvKind::Employees);
    let before = all_exports(&mut ws);
    let (revs, audit) = marks(&ws);

    // One changed title, one new employee.
    text = text.replacen("首席执行官", "董事长", 1);
    let good = format!("{text}E900,林晓,销售代表,sales_east_sh,E003,sales_rep,active\n");
    let mut stages = Vec::new();
    let p = ws
        .preview_csv(
            CsvKind::Employees,
            "employees.csv",
            good.as_bytes(),
            &mut |p| stages.push(p.stage),
        )
        .unwrap();
    assert_eq!(p.error, None);
    assert_eq!((p.rows, p.added, p.changed, p.unchanged), (61, 1, 1, 59));
    assert_eq!(p.headers[0], "id");
    assert_eq!(p.sample.len(), 5);
    assert_eq!(p.sample[0].line, 2);
    assert_eq!(p.sample[0].cells[2], "董事长");
    assert!(stages.contains(&ImportStage::Read) && stages.contains(&ImportStage::Check));

    let bad = format!("{good}E901,王芳,销售代表,sales_east_sh,E999,sales_rep,active\n");
    let p = ws
        .preview_csv(
            CsvKind::Employees,
            "employees.csv",
            bad.as_bytes(),
            &mut |_| {},
        )
        .unwrap();
    let e = p.error.expect("the unknown manager is an error");
    assert_eq!(
        e.line, 63,
        "the header is line 1, so the 62nd data row is line 63"
    );
    assert_eq!(e.column, Some(5));
    assert_eq!(e.column_name.as_deref(), Some("manager"));
    assert_eq!(
        e.message,
        "employees.csv line 63 column 5 (`manager`): unknown employee `E999`"
    );
    assert_eq!(
        marks(&ws),
        (revs, audit),
        "a preview writes nothing, not even audit"
    );
    assert_eq!(all_exports(&mut ws), before);

    let mut seen = Vec::new();
    let r = ws
        .import_csv_with_progress(
            &actor(),
            CsvKind::Employees,
            "employees.csv",
            good.as_bytes(),
            &mut |p| seen.push(p),
        )
        .unwrap();
    assert_eq!(r.changed, 2);
    assert_eq!(
        seen.last().map(|p| (p.stage, p.done, p.total)),
        Some((ImportStage::Write, 1, 1))
    );
}

#[test]
fn a_large_customers_file_reports_progress_as_it_is_read_and_checked() {
    let (_t, mut ws) = demo(2000);
    let text = export(&mut ws, CsvKind::Customers);
    let mut seen = Vec::new();
    let p = ws
        .preview_csv(
            CsvKind::Customers,
            "customers.csv",
            text.as_bytes(),
            &mut |p| seen.push(p),
        )
        .unwrap();
    assert_eq!(p.error, None);
    assert_eq!((p.rows, p.unchanged), (2000, 2000));
    let reads: Vec<_> = seen
        .iter()
        .filter(|p| p.stage == ImportStage::Read)
        .collect();
    assert!(reads.len() >= 4, "every 500 rows, then the end: {reads:?}");
    assert!(
        reads.windows(2).all(|w| w[0].done <= w[1].done),
        "progress only goes forward"
    );
    let last = reads.last().unwrap();
    assert_eq!(last.done, last.total);
    assert!(seen
        .iter()
        .any(|p| p.stage == ImportStage::Check && p.done == 1000));
}
