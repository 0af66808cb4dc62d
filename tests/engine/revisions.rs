//! Revisions: every change makes one; they diff and restore.

use crate::support::{actor, all_exports, demo};
use permgrid::api::ErrorCode;
use permgrid::model::{Cell, EntityKind, FieldId, Level, ObjectId, RoleId, Scope};
use permgrid::store::AuditFilter;

fn role(s: &str) -> RoleId {
    s.parse().unwrap()
}
fn field(s: &str) -> FieldId {
    s.parse().unwrap()
}

#[test]
fn every_edit_is_a_revision_with_one_audit_entry() {
    let (_t, mut ws) = demo(10);
    let revs = ws.revisions().unwrap().len();
    let audit = ws.audit_log(&AuditFilter::default()).unwrap().len();
    let r = ws
        .set_cells(
            &actor(),
            &[(
                role("sales_rep"),
                field("customer.mobile"),
                Some(Cell::plain(Level::Masked)),
            )],
        )
        .unwrap();
    assert_eq!(r.changed, 1);
    assert_eq!(ws.revisions().unwrap().len(), revs + 1);
    let log = ws.audit_log(&AuditFilter::default()).unwrap();
    assert_eq!(log.len(), audit + 1);
    let last = log.last().unwrap();
    assert_eq!(last.action, "matrix.set");
    assert_eq!(last.target, "sales_rep/customer.mobile");
    assert_eq!(
        last.old.as_deref(),
        Some("read"),
        "the entry says old -> new"
    );
    assert_eq!(last.new.as_deref(), Some("masked"));
    assert_eq!(last.revision, r.revision);
}

#[test]
fn an_edit_that_changes_nothing_makes_no_revision() {
    let (_t, mut ws) = demo(10);
    let revs = ws.revisions().unwrap().len();
    let r = ws
        .set_cells(
            &actor(),
            &[(
                role("sales_rep"),
                field("customer.mobile"),
                Some(Cell::plain(Level::Read)),
            )],
        )
        .unwrap();
    assert_eq!((r.revision, r.changed), (None, 0));
    assert_eq!(ws.revisions().unwrap().len(), revs);
}

#[test]
fn a_range_edit_is_one_revision() {
    let (_t, mut ws) = demo(10);
    let snap = ws.snapshot().unwrap();
    let cells: Vec<_> = snap
        .fields
        .keys()
        .flat_map(|f| {
            snap.roles
                .keys()
                .map(move |r| (r.clone(), f.clone(), Some(Cell::plain(Level::Hidden))))
        })
        .collect();
    let revs = ws.revisions().unwrap().len();
    let r = ws.set_cells(&actor(), &cells).unwrap();
    assert!(r.changed > 100);
    assert_eq!(
        ws.revisions().unwrap().len(),
        revs + 1,
        "one user action, one revision"
    );
    let last = ws
        .audit_log(&AuditFilter::default())
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.target, format!("{} cells", cells.len()));
}

#[test]
fn diff_lists_entity_changes_in_either_direction() {
    let (_t, mut ws) = demo(10);
    let base = ws.revisions().unwrap().last().unwrap().id;
    ws.set_cells(
        &actor(),
        &[(
            role("sales_rep"),
            field("customer.mobile"),
            Some(Cell::gated(Level::Masked, Level::Read).unwrap()),
        )],
    )
    .unwrap();
    ws.set_scope(
        &actor(),
        &role("sales_rep"),
        &"customer".parse::<ObjectId>().unwrap(),
        Scope::Team,
        None,
    )
    .unwrap();
    ws.set_cells(
        &actor(),
        &[(
            role("sales_rep"),
            field("customer.mobile"),
            Some(Cell::plain(Level::Edit)),
        )],
    )
    .unwrap();
    let head = base + 3;
    let d = ws.diff(base, head).unwrap();
    assert_eq!(
        d.len(),
        2,
        "two entities differ, however many edits happened: {d:?}"
    );
    let cell = d.iter().find(|e| e.kind == EntityKind::Cell).unwrap();
    assert_eq!(
        (cell.from.as_deref(), cell.to.as_deref()),
        (Some("read"), Some("edit"))
    );
    let scope = d.iter().find(|e| e.kind == EntityKind::Policy).unwrap();
    assert_eq!(scope.key, "sales_rep/customer");
    assert_eq!(scope.to.as_deref(), Some("team up to all tiers"));
    let back = ws.diff(head, base).unwrap();
    let cell = back.iter().find(|e| e.kind == EntityKind::Cell).unwrap();
    assert_eq!(
        (cell.from.as_deref(), cell.to.as_deref()),
        (Some("edit"), Some("read"))
    );
    assert!(ws.diff(head, head).unwrap().is_empty());
}

#[test]
fn restore_brings_back_an_earlier_state_as_a_new_revision() {
    let (_t, mut ws) = demo(10);
    let base = ws.revisions().unwrap().last().unwrap().id;
    let before = all_exports(&mut ws);
    ws.set_cells(
        &actor(),
        &[(
            role("finance"),
            field("customer.mobile"),
            Some(Cell::plain(Level::Edit)),
        )],
    )
    .unwrap();
    ws.set_cells(
        &actor(),
        &[(role("finance"), field("customer.email"), None)],
    )
    .unwrap();
    assert_ne!(all_exports(&mut ws), before);
    let r = ws.restore(&actor(), base).unwrap();
    assert_eq!(r.changed, 2);
    assert_eq!(
        r.revision,
        Some(base + 3),
        "a restore is itself a new revision"
    );
    assert_eq!(
        all_exports(&mut ws),
        before,
        "the state equals the restored revision"
    );
    // Restoring the revision before the restore undoes it again.
    ws.restore(&actor(), base + 2).unwrap();
    assert_eq!(ws.diff(base + 2, base + 4).unwrap(), vec![]);
}

#[test]
fn restoring_revision_zero_empties_the_workspace() {
    let (_t, mut ws) = demo(10);
    ws.restore(&actor(), 0).unwrap();
    let s = ws.summary().unwrap();
    assert_eq!((s.roles, s.fields, s.cells, s.employees), (0, 0, 0, 0));
}

#[test]
fn unknown_revisions_are_refused() {
    let (_t, mut ws) = demo(10);
    let err = ws.diff(0, 99).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(err.to_string(), "unknown revision 99");
    assert!(ws.restore(&actor(), -1).is_err());
}
