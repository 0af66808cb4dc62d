//! The editor's API: compact matrix, default deny for new fields, role deletion with its
//! impact, action grants, display order.

use crate::support::{actor, demo, t0};
use permgrid::api::CellEdit;
use permgrid::model::*;

#[test]
fn the_matrix_view_is_compact_and_complete() {
    let (_t, ws) = demo(10);
    let m = ws.matrix_view().unwrap();
    assert_eq!(m.roles.len(), 10);
    assert_eq!(m.fields.len(), 60);
    assert!(
        m.cells.iter().all(|row| row.chars().count() == 10),
        "one character per role"
    );
    let rep = m
        .roles
        .iter()
        .position(|r| r.id.as_str() == "sales_rep")
        .unwrap();
    let id_card = m
        .fields
        .iter()
        .position(|f| f.id.as_str() == "customer.id_card")
        .unwrap();
    assert_eq!(
        m.cells[id_card].chars().nth(rep),
        Some('1'),
        "sales_rep sees ID cards masked"
    );
    assert!(m.gated.iter().any(|g| g.field as usize == id_card
        && g.role as usize == rep
        && g.approval == Level::Read));
    assert!(m.roles[rep].holders > 20, "most of the demo are reps");
}

#[test]
fn a_new_field_is_hidden_for_everyone_until_reviewed() {
    let (_t, mut ws) = demo(10);
    let field = Field {
        id: "customer.passport".parse().unwrap(),
        object: "customer".parse().unwrap(),
        label_zh: "护照号".into(),
        label_en: "Passport number".into(),
        field_type: FieldType::Text,
        sensitivity: Sensitivity::Restricted,
        mask: MaskRule::Full,
        category: Category::Sensitive,
    };
    ws.put_field(&actor(), field.clone()).unwrap();
    assert_eq!(ws.fields_to_review().unwrap(), vec![field.id.clone()]);
    let m = ws.matrix_view().unwrap();
    assert_eq!(
        m.cells.last().unwrap(),
        "..........",
        "undecided for every role"
    );
    let r = ws
        .simulate(
            &permgrid::api::Who::Employee {
                id: "E001".parse().unwrap(),
            },
            t0(),
            None,
            0,
            1,
        )
        .unwrap();
    assert!(
        !r.page.columns.iter().any(|c| c.field == field.id),
        "even the CEO does not see an undecided field"
    );
    let roles: Vec<RoleId> = m.roles.iter().map(|r| r.id.clone()).collect();
    let edits: Vec<CellEdit> = roles
        .iter()
        .map(|r| CellEdit {
            role: r.clone(),
            field: field.id.clone(),
            cell: Some(Cell::plain(Level::Hidden)),
        })
        .collect();
    ws.edit_cells(&actor(), &edits).unwrap();
    assert!(
        ws.fields_to_review().unwrap().is_empty(),
        "decided (even as hidden) leaves the queue"
    );
}

#[test]
fn deleting_a_role_says_who_loses_what_then_removes_every_trace() {
    let (_t, mut ws) = demo(10);
    let role: RoleId = "finance".parse().unwrap();
    let impact = ws.role_deletion_impact(&role, t0()).unwrap();
    let names: Vec<&str> = impact.iter().map(|p| p.employee.as_str()).collect();
    assert!(
        names.contains(&"E052"),
        "the finance manager loses access: {names:?}"
    );
    let e052 = impact
        .iter()
        .find(|p| p.employee.as_str() == "E052")
        .unwrap();
    assert!(e052
        .fields
        .iter()
        .any(|(f, before, after)| f.as_str() == "customer.bank_account"
            && *before == Level::Read
            && *after == Level::Hidden));
    // The CFO also holds the executive role: she only loses what finance gave beyond it
    // (editing credit limits and tax ids), never sight of the data.
    let cfo = impact
        .iter()
        .find(|p| p.employee.as_str() == "E004")
        .unwrap();
    assert!(
        cfo.fields
            .iter()
            .all(|(_, before, after)| *before == Level::Edit && *after == Level::Read),
        "{cfo:?}"
    );
    let r = ws.delete_role(&actor(), &role).unwrap();
    assert!(r.changed > 60);
    let s = ws.snapshot().unwrap();
    s.check_all().unwrap();
    assert!(!s.roles.contains_key(&role));
    assert!(s.employees.values().all(|e| !e.roles.contains(&role)));
    assert!(s.cells.iter().all(|(r, _, _)| *r != role));
    // And it can be undone like any revision.
    ws.restore(&actor(), r.revision.unwrap() - 1).unwrap();
    assert!(ws.snapshot().unwrap().roles.contains_key(&role));
}

#[test]
fn action_grants_and_role_order_are_edited() {
    let (_t, mut ws) = demo(10);
    let role: RoleId = "sales_rep".parse().unwrap();
    let customer: ObjectId = "customer".parse().unwrap();
    ws.set_action(&actor(), &role, &customer, Action::Export, Effect::Deny)
        .unwrap();
    let s = ws.snapshot().unwrap();
    let p = &s.policies[&PolicyKey {
        role: role.clone(),
        object: customer,
    }];
    assert_eq!(p.action(Action::Export), Effect::Deny);
    assert_eq!(
        p.action(Action::View),
        Effect::Allow,
        "other actions are kept"
    );
    let mut order: Vec<RoleId> = s.roles.keys().cloned().collect();
    order.reverse();
    ws.reorder_roles(&actor(), &order).unwrap();
    let after: Vec<RoleId> = ws.snapshot().unwrap().roles.keys().cloned().collect();
    assert_eq!(after, order);
    assert!(
        ws.reorder_roles(&actor(), &order[1..]).is_err(),
        "every role exactly once"
    );
}
