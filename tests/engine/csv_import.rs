//! Imports are atomic and their errors name file, line and column.

use crate::support::{actor, all_exports, demo, export};
use permgrid::api::{ErrorCode, Workspace};
use permgrid::csv::CsvKind;
use permgrid::store::AuditFilter;

/// Imports `text` and expects an error; checks that nothing changed and returns the message.
fn refused(ws: &mut Workspace, kind: CsvKind, file: &str, text: &[u8]) -> String {
    let before = all_exports(ws);
    let head = ws.revisions().unwrap().len();
    let audit = ws.audit_log(&AuditFilter::default()).unwrap().len();
    let Err(err) = ws.import_csv(&actor(), kind, file, text) else {
        panic!("the import of {file} must fail");
    };
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(
        ws.revisions().unwrap().len(),
        head,
        "a refused import makes no revision"
    );
    // Exports are audited, so count before exporting again.
    assert_eq!(
        ws.audit_log(&AuditFilter::default()).unwrap().len(),
        audit,
        "a refused import writes no audit entry"
    );
    assert_eq!(all_exports(ws), before, "a refused import changes nothing");
    err.to_string()
}

#[test]
fn a_bad_level_on_line_n_names_line_and_column_and_changes_nothing() {
    let (_t, mut ws) = demo(10);
    let mut text = export(&mut ws, CsvKind::Matrix);
    // Make a valid change early in the file and a bad one on line 14, column 3.
    text = text.replacen("customer.name,edit", "customer.name,masked", 1);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut cols: Vec<String> = lines[13].split(',').map(str::to_owned).collect();
    cols[2] = "reed".into();
    lines[13] = cols.join(",");
    let role = lines[0].split(',').nth(2).unwrap().to_owned();
    let msg = refused(
        &mut ws,
        CsvKind::Matrix,
        "matrix.csv",
        lines.join("\n").as_bytes(),
    );
    assert_eq!(
        msg,
        format!("matrix.csv line 14 column 3 (`{role}`): unknown level `reed` (expected hidden, masked, read, edit)")
    );
}

#[test]
fn an_unknown_reference_names_its_column() {
    let (_t, mut ws) = demo(10);
    let text = "id,name,title,department,manager,roles,status\n\
                E900,新人,销售代表,sales_east_sh,E018,sales_rep,active\n\
                E901,另一人,销售代表,sales_east_sh,E999,sales_rep,active\n";
    let msg = refused(
        &mut ws,
        CsvKind::Employees,
        "employees.csv",
        text.as_bytes(),
    );
    assert_eq!(
        msg,
        "employees.csv line 3 column 5 (`manager`): unknown employee `E999`"
    );
}

#[test]
fn references_may_point_forward_within_a_file() {
    let (_t, mut ws) = demo(10);
    let text = "id,name,title,department,manager,roles,status\n\
                E901,组员,销售代表,sales_east_sh,E900,sales_rep,active\n\
                E900,组长,销售经理,sales_east_sh,E012,sales_manager,active\n";
    let r = ws
        .import_csv(
            &actor(),
            CsvKind::Employees,
            "employees.csv",
            text.as_bytes(),
        )
        .unwrap();
    assert_eq!(r.changed, 2);
}

#[test]
fn cycles_are_refused() {
    let (_t, mut ws) = demo(10);
    let text = "id,name,title,department,manager,roles,status\n\
                E901,甲,销售代表,sales_east_sh,E902,sales_rep,active\n\
                E902,乙,销售代表,sales_east_sh,E901,sales_rep,active\n";
    let msg = refused(
        &mut ws,
        CsvKind::Employees,
        "employees.csv",
        text.as_bytes(),
    );
    assert!(
        msg.starts_with("employees.csv line 2 column 5 (`manager`)"),
        "{msg}"
    );
    assert!(msg.contains("cycle"), "{msg}");
    let roles = "id,name_zh,name_en,rank,inherits,description\nsales_rep,销售代表,Sales rep,1,sales_manager,\n";
    let msg = refused(&mut ws, CsvKind::Roles, "roles.csv", roles.as_bytes());
    assert!(
        msg.contains("line 2 column 5 (`inherits`)") && msg.contains("cycle"),
        "{msg}"
    );
}

#[test]
fn duplicates_in_one_file_are_refused() {
    let (_t, mut ws) = demo(10);
    let text = "id,name_zh,name_en\ncustomer,客户,Customer\ncustomer,客户2,Customer 2\n";
    let msg = refused(&mut ws, CsvKind::Objects, "objects.csv", text.as_bytes());
    assert_eq!(
        msg,
        "objects.csv line 3: object `customer` appears twice (first on line 2)"
    );
}

#[test]
fn structural_problems_are_named() {
    let (_t, mut ws) = demo(10);
    let msg = refused(
        &mut ws,
        CsvKind::Tiers,
        "tiers.csv",
        b"id,rank,name_zh,name_en\nvip,5,VIP\n",
    );
    assert_eq!(msg, "tiers.csv line 2: 3 columns where the header has 4");
    let msg = refused(
        &mut ws,
        CsvKind::Tiers,
        "tiers.csv",
        b"id,rank,name_zh\nvip,5,VIP\n",
    );
    assert_eq!(msg, "tiers.csv line 1: missing column `name_en`");
    let msg = refused(
        &mut ws,
        CsvKind::Tiers,
        "tiers.csv",
        b"id,rank,name_zh,name_en,colour\n",
    );
    assert!(
        msg.starts_with("tiers.csv line 1 column 5 (`colour`): unexpected column"),
        "{msg}"
    );
    let msg = refused(
        &mut ws,
        CsvKind::Tiers,
        "tiers.csv",
        b"id,rank,name_zh,name_en\nvip,five,VIP,VIP\n",
    );
    assert!(
        msg.starts_with("tiers.csv line 2 column 2 (`rank`): `five` is not a whole number"),
        "{msg}"
    );
    let msg = refused(
        &mut ws,
        CsvKind::Tiers,
        "tiers.csv",
        b"id,rank,name_zh,name_en\nvip,5,\xe5\x8a,VIP\n",
    );
    assert_eq!(
        msg,
        "tiers.csv line 2: not valid UTF-8 (save the file as CSV UTF-8)"
    );
    let msg = refused(&mut ws, CsvKind::Tiers, "tiers.csv", b"");
    assert!(msg.contains("empty"), "{msg}");
}

#[test]
fn an_excel_bom_and_chinese_keywords_are_accepted() {
    let (_t, mut ws) = demo(10);
    let text = "\u{feff}role,field,level\nsales_rep,customer.mobile,脱敏\nfinance,customer.mobile,只读+可编辑\n";
    let r = ws
        .import_csv(
            &actor(),
            CsvKind::MatrixLong,
            "matrix-long.csv",
            text.as_bytes(),
        )
        .unwrap();
    assert!(r.revision.is_some());
    let long = export(&mut ws, CsvKind::MatrixLong);
    assert!(
        long.contains("sales_rep,customer.mobile,masked\n"),
        "Chinese keywords are stored as levels"
    );
    assert!(long.contains("finance,customer.mobile,read+edit\n"));
    assert!(!long.starts_with('\u{feff}'), "exports carry no BOM");
}

#[test]
fn customer_errors_name_the_line() {
    let (_t, mut ws) = demo(10);
    let mut text = export(&mut ws, CsvKind::Customers);
    let columns = text.lines().next().unwrap().split(',').count();
    text.push_str(&format!(
        "C99999,E999,sales_east_sh,customer{}\n",
        ",".repeat(columns - 4)
    ));
    let line = text.lines().count();
    let msg = refused(
        &mut ws,
        CsvKind::Customers,
        "customers.csv",
        text.as_bytes(),
    );
    assert_eq!(
        msg,
        format!("customers.csv line {line} column 2 (`owner`): unknown employee `E999`")
    );
}

#[test]
fn guardrail_columns_must_fit_their_effect() {
    let (_t, mut ws) = demo(10);
    let head = "id,name_zh,name_en,object,min_sensitivity,fields,min_tier,below_rank,effect,level,action,max_effect,over_records,approvals,alert\n";
    let text = format!("{head}g1,规则,Rule,,restricted,,,,export_exclude,masked,,,,,\n");
    let msg = refused(
        &mut ws,
        CsvKind::Guardrails,
        "guardrails.csv",
        text.as_bytes(),
    );
    assert_eq!(
        msg,
        "guardrails.csv line 2 column 10 (`level`): must be empty for effect `export_exclude`"
    );
}

#[test]
fn an_empty_matrix_cell_means_undecided() {
    let (_t, mut ws) = demo(10);
    let before = ws.summary().unwrap();
    assert_eq!(before.fields_to_review, 0);
    let text = "role,field,level\nsales_rep,customer.mobile,\n";
    ws.import_csv(&actor(), CsvKind::MatrixLong, "m.csv", text.as_bytes())
        .unwrap();
    let after = ws.summary().unwrap();
    assert_eq!(after.cells, before.cells - 1);
    assert_eq!(
        after.fields_to_review, 1,
        "the field is back in the review queue"
    );
}
