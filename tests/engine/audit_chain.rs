//! The audit log is append-only and hash-chained: tampering by hand is found.

use rusqlite::Connection;

use crate::support::{actor, demo};
use permgrid::model::{Cell, Level};

fn edit_a_few(ws: &mut permgrid::api::Workspace) {
    for (f, l) in [
        ("customer.mobile", Level::Masked),
        ("customer.email", Level::Read),
        ("customer.mobile", Level::Edit),
    ] {
        ws.set_cells(
            &actor(),
            &[(
                "finance".parse().unwrap(),
                f.parse().unwrap(),
                Some(Cell::plain(l)),
            )],
        )
        .unwrap();
    }
}

fn tamper(path: &std::path::Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn an_untouched_chain_verifies() {
    let (_t, mut ws) = demo(10);
    edit_a_few(&mut ws);
    let r = ws.audit_verify().unwrap();
    assert_eq!(r.broken, None);
    assert_eq!(r.entries, 6, "create, demo, customers, three edits");
    assert_eq!(r.head.len(), 64);
}

#[test]
fn the_log_refuses_updates_and_deletes() {
    let (t, ws) = demo(10);
    drop(ws);
    let conn = Connection::open(&t.path).unwrap();
    let err = conn
        .execute("UPDATE audit SET actor = 'mallory'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(conn.execute("DELETE FROM audit", []).is_err());
}

#[test]
fn an_entry_changed_by_hand_is_found() {
    let (t, mut ws) = demo(10);
    edit_a_few(&mut ws);
    drop(ws);
    tamper(&t.path, "UPDATE audit SET new = 'hidden' WHERE seq = 5");
    let ws = permgrid::api::Workspace::open(&t.path).unwrap();
    let b = ws
        .audit_verify()
        .unwrap()
        .broken
        .expect("tampering must be found");
    assert_eq!(b.seq, 5);
    assert_eq!(b.reason, "its content does not match its hash");
}

#[test]
fn a_rehashed_entry_breaks_the_next_link() {
    let (t, mut ws) = demo(10);
    edit_a_few(&mut ws);
    drop(ws);
    // A forger who recomputes the hash of entry 4 still breaks entry 5's link.
    tamper(
        &t.path,
        "UPDATE audit SET actor = 'mallory', hash = 'ab' || substr(hash, 3) WHERE seq = 4",
    );
    let ws = permgrid::api::Workspace::open(&t.path).unwrap();
    let b = ws.audit_verify().unwrap().broken.unwrap();
    assert_eq!(b.seq, 4);
}

#[test]
fn a_deleted_entry_is_found() {
    let (t, mut ws) = demo(10);
    edit_a_few(&mut ws);
    drop(ws);
    tamper(&t.path, "DELETE FROM audit WHERE seq = 3");
    let ws = permgrid::api::Workspace::open(&t.path).unwrap();
    let b = ws.audit_verify().unwrap().broken.unwrap();
    assert_eq!((b.seq, b.reason.as_str()), (4, "entry 3 is missing"));
}

#[test]
fn a_change_row_edited_by_hand_is_found() {
    let (t, mut ws) = demo(10);
    edit_a_few(&mut ws);
    drop(ws);
    let conn = Connection::open(&t.path).unwrap();
    let rev: i64 = conn
        .query_row("SELECT revision FROM audit WHERE seq = 5", [], |r| r.get(0))
        .unwrap();
    conn.execute(
        "UPDATE revision_changes SET old = NULL WHERE revision = ?1",
        [rev],
    )
    .unwrap();
    drop(conn);
    let ws = permgrid::api::Workspace::open(&t.path).unwrap();
    let b = ws.audit_verify().unwrap().broken.unwrap();
    assert_eq!(b.seq, 5);
    assert_eq!(
        b.reason,
        format!("revision {rev} or its changes were modified")
    );
}
