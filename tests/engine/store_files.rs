//! Opening, creating and migrating workspace files; refusing files we must not touch.

use rusqlite::Connection;

use crate::support::{actor, bytes, demo, temp};
use permgrid::api::{ErrorCode, Workspace};
use permgrid::store::{latest_version, migrate, migrations, Store, StoreError, APPLICATION_ID};

#[test]
fn a_new_workspace_is_at_the_latest_schema_version() {
    let t = temp();
    Workspace::create(&t.path, "w", &actor()).unwrap();
    let conn = Connection::open(&t.path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(v, latest_version());
    assert_eq!(
        app, APPLICATION_ID,
        "workspaces are marked so foreign databases are recognised"
    );
    assert_eq!(
        mode, "wal",
        "edits are committed through the write-ahead log"
    );
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let t = temp();
    std::fs::write(&t.path, b"precious").unwrap();
    let err = Workspace::create(&t.path, "w", &actor()).err().unwrap();
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert_eq!(
        bytes(&t.path),
        b"precious",
        "the existing file is untouched"
    );
}

#[test]
fn migrations_apply_in_order_and_keep_data() {
    let t = temp();
    let mut conn = Connection::open(&t.path).unwrap();
    let v1 = vec!["CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (7);".to_owned()];
    migrate(&mut conn, &v1).unwrap();
    let mut v2 = v1.clone();
    v2.push("CREATE TABLE b (y INTEGER); INSERT INTO b SELECT x * 2 FROM a;".to_owned());
    migrate(&mut conn, &v2).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let y: i64 = conn.query_row("SELECT y FROM b", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 2);
    assert_eq!(y, 14, "migration 2 ran on the data migration 1 left");
    migrate(&mut conn, &v2).unwrap(); // idempotent
}

#[test]
fn a_failing_migration_changes_nothing() {
    let t = temp();
    let mut conn = Connection::open(&t.path).unwrap();
    let list = vec![
        "CREATE TABLE good (x INTEGER);".to_owned(),
        "CREATE TABLE broken (x INTEGER; -- syntax error".to_owned(),
    ];
    let err = migrate(&mut conn, &list).unwrap_err();
    assert!(
        matches!(err, StoreError::Migration { version: 2, .. }),
        "the error names the failing migration: {err}"
    );
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'good'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v, 0, "all-or-nothing: the version did not move");
    assert_eq!(
        tables, 0,
        "all-or-nothing: migration 1's table was rolled back too"
    );
}

#[test]
fn a_workspace_from_a_newer_version_is_refused_untouched() {
    let (t, ws) = demo(10);
    drop(ws);
    {
        let conn = Connection::open(&t.path).unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = bytes(&t.path);
    let err = Workspace::open(&t.path).err().unwrap();
    assert_eq!(err.code(), ErrorCode::NewerVersion);
    assert!(
        err.to_string().contains("newer permgrid"),
        "clear message: {err}"
    );
    assert_eq!(bytes(&t.path), before, "the newer file is not modified");
    assert!(migrate(&mut Connection::open_in_memory().unwrap(), &migrations()).is_ok());
}

#[test]
fn garbage_and_empty_files_are_refused_untouched() {
    let t = temp();
    for content in [
        &b""[..],
        b"hello, this is a text file\n",
        &[0xffu8; 4096][..],
    ] {
        std::fs::write(&t.path, content).unwrap();
        let err = Workspace::open(&t.path).err().unwrap();
        assert_eq!(err.code(), ErrorCode::NotAWorkspace, "{err}");
        assert!(err.to_string().contains("not an SQLite database"), "{err}");
        assert_eq!(bytes(&t.path), content, "refused files are not modified");
    }
}

#[test]
fn a_foreign_sqlite_database_is_refused_untouched() {
    let t = temp();
    {
        let conn = Connection::open(&t.path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
    }
    let before = bytes(&t.path);
    let err = Workspace::open(&t.path).err().unwrap();
    assert_eq!(err.code(), ErrorCode::NotAWorkspace);
    assert!(err.to_string().contains("another application"), "{err}");
    assert_eq!(bytes(&t.path), before);
}

#[test]
fn a_damaged_workspace_is_refused_untouched() {
    let (t, ws) = demo(2000);
    drop(ws);
    {
        // Fold the WAL into the main file so damage to it is damage to the workspace.
        let conn = Connection::open(&t.path).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let mut data = bytes(&t.path);
    let half = data.len() / 2;
    // Overwrite pages in the middle with noise, keeping the header valid.
    for b in data.iter_mut().skip(half).take(8192) {
        *b = 0x5a;
    }
    std::fs::write(&t.path, &data).unwrap();
    let err = Workspace::open(&t.path).err().unwrap();
    assert_eq!(err.code(), ErrorCode::Corrupt, "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");
    assert_eq!(
        bytes(&t.path),
        data,
        "the damaged file is left as it was for recovery"
    );

    let truncated = data.get(..half).unwrap().to_vec();
    std::fs::write(&t.path, &truncated).unwrap();
    let err = Workspace::open(&t.path).err().unwrap();
    assert_eq!(err.code(), ErrorCode::Corrupt, "{err}");
    assert_eq!(bytes(&t.path), truncated);
}

#[test]
fn a_missing_workspace_is_reported_by_path() {
    let t = temp();
    let err = Workspace::open(&t.path).err().unwrap();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains("ws.permgrid"), "{err}");
    assert!(Store::open(&t.path).is_err());
    assert!(!t.path.exists(), "opening does not create");
}

#[test]
fn a_cell_row_edited_by_hand_is_named_when_read() {
    for (sql, named) in [
        (
            "UPDATE cells SET level = 9 WHERE role = 'sales_rep' AND field = 'customer.mobile'",
            "cells `sales_rep/customer.mobile` cannot be read: level 9 out of range",
        ),
        (
            "UPDATE cells SET approval = 0 WHERE role = 'sales_rep' AND field = 'customer.mobile'",
            "cells `sales_rep/customer.mobile` cannot be read: approval level",
        ),
        (
            "UPDATE cells SET role = 'sales rep' WHERE role = 'sales_rep' AND field = 'customer.mobile'",
            "cells `sales rep/customer.mobile` cannot be read: invalid role id",
        ),
        (
            "UPDATE cells SET field = X'ff' WHERE role = 'sales_rep' AND field = 'customer.mobile'",
            "cells `row with column 1` cannot be read",
        ),
    ] {
        let (t, ws) = demo(5);
        drop(ws);
        Connection::open(&t.path).unwrap().execute(sql, []).unwrap();
        let ws = Workspace::open(&t.path).unwrap();
        let err = ws.snapshot().unwrap_err().to_string();
        assert!(err.contains(named), "{sql}: {err}");
    }
}
