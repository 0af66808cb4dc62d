//! The `permgrid` command line, run as a real process on real files.

// Test code: a panic is a failed test, which is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_permgrid");

struct Ws {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn ws() -> Ws {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cli.permgrid");
    Ws { _dir: dir, path }
}

fn cmd(path: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--workspace")
        .arg(path)
        .args(args)
        .env("PERMGRID_ACTOR", "ci-bot");
    c
}

fn run(path: &Path, args: &[&str]) -> Output {
    cmd(path, args).output().unwrap()
}

/// Runs and expects success; returns stdout.
fn ok(path: &Path, args: &[&str]) -> String {
    let o = run(path, args);
    assert!(
        o.status.success(),
        "permgrid {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Runs and expects failure with exactly one line on stderr; returns it.
fn fails(path: &Path, args: &[&str]) -> String {
    let o = run(path, args);
    assert!(!o.status.success(), "permgrid {args:?} should fail");
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one-line reason, got: {err:?}");
    err.trim_end().to_owned()
}

fn demo(n: usize) -> Ws {
    let w = ws();
    ok(&w.path, &["init", "--demo", "--customers", &n.to_string()]);
    w
}

#[test]
fn init_demo_then_export_matrix_prints_the_matrix() {
    let w = ws();
    let out = ok(&w.path, &["init", "--demo"]);
    assert!(
        out.contains("60 employees, 10 roles, 60 fields, 10000 customers"),
        "{out}"
    );
    let m = ok(&w.path, &["export", "matrix"]);
    let mut lines = m.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("field,sales_rep,sales_manager"),
        "wide header: roles as columns"
    );
    assert_eq!(lines.count(), 60, "one row per field");
    assert!(m.contains("customer.id_card,"), "{m}");
}

#[test]
fn init_refuses_an_existing_workspace() {
    let w = demo(5);
    let err = fails(&w.path, &["init"]);
    assert!(
        err.starts_with("permgrid: ") && err.contains("already exists"),
        "{err}"
    );
}

#[test]
fn grant_scope_revisions_diff_restore_and_audit_work_together() {
    let w = demo(5);
    ok(
        &w.path,
        &["grant", "sales_rep", "customer.mobile", "masked+read"],
    );
    ok(
        &w.path,
        &[
            "scope",
            "sales_rep",
            "customer",
            "team",
            "--tiers",
            "customer",
        ],
    );
    let revs: serde_json::Value =
        serde_json::from_str(&ok(&w.path, &["revisions", "--format", "json"])).unwrap();
    let revs = revs.as_array().unwrap();
    assert_eq!(revs.len(), 4, "empty, demo, grant, scope");
    assert_eq!(revs[3]["actor"], "ci-bot");
    let diff = ok(&w.path, &["diff", "1", "3"]);
    assert!(
        diff.contains("cell sales_rep/customer.mobile: read -> masked+read"),
        "{diff}"
    );
    assert!(
        diff.contains("policy sales_rep/customer: own up to key_account -> team up to customer"),
        "{diff}"
    );
    // Person by person: the sales reps lose the key-account tier, and mobile numbers turn
    // masked (read only with approval).
    let people = ok(&w.path, &["diff", "1", "3", "--people"]);
    assert!(
        people.contains("customer.mobile on prospect: read -> masked")
            && people.contains("customer view on key_account: allow -> deny")
            && people.contains("E018 李雷 (sales_east_sh)"),
        "{people}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(
        &w.path,
        &["diff", "1", "3", "--people", "--format", "json"],
    ))
    .unwrap();
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "one change shared by every sales rep");
    assert!(changes[0]["lowered"].as_u64().unwrap() > 0 && changes[0]["raised"] == 0);
    let listed = v["people"].as_array().unwrap();
    assert_eq!(listed.len() as u64, changes[0]["people"].as_u64().unwrap());
    assert!(listed
        .iter()
        .any(|p| p["employee"] == "E018" && p["change"] == 0));
    let e = fails(&w.path, &["diff", "1", "42", "--people"]);
    assert_eq!(e, "permgrid: unknown revision 42");
    let out = ok(&w.path, &["restore", "1"]);
    assert_eq!(out.trim(), "restored revision 1: 2 changed, revision 4");
    assert_eq!(
        ok(&w.path, &["diff", "1", "4"]).trim(),
        "revisions 1 and 4 are the same"
    );
    let log = ok(&w.path, &["audit", "log", "--action", "matrix"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        log.contains("ci-bot") && log.contains("read -> masked+read"),
        "{log}"
    );
    let verify: serde_json::Value =
        serde_json::from_str(&ok(&w.path, &["audit", "verify", "-f", "json"])).unwrap();
    assert_eq!(verify["broken"], serde_json::Value::Null);
}

#[test]
fn every_reporting_command_speaks_json() {
    let w = demo(5);
    for args in [
        &["info"][..],
        &["revisions"],
        &["diff", "0", "1"],
        &["diff", "0", "1", "--people"],
        &["audit", "log"],
        &["audit", "verify"],
        &["grant", "finance", "customer.email", "read"],
    ] {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let out = ok(&w.path, &a);
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{args:?} printed non-JSON: {out}"
        );
    }
}

#[test]
fn failures_exit_non_zero_with_one_line() {
    let w = demo(5);
    let e = fails(&w.path, &["grant", "sales_rep", "customer.mobile", "reed"]);
    assert_eq!(
        e,
        "permgrid: unknown level `reed` (expected hidden, masked, read, edit)"
    );
    let e = fails(&w.path, &["grant", "nobody", "customer.mobile", "read"]);
    assert_eq!(e, "permgrid: unknown role `nobody`");
    let e = fails(&w.path, &["diff", "1", "42"]);
    assert_eq!(e, "permgrid: unknown revision 42");
    let missing = w.path.with_file_name("missing.permgrid");
    let e = fails(&missing, &["info"]);
    assert!(e.contains("does not exist"), "{e}");
    let e = fails(&missing, &["info", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&e).unwrap();
    assert_eq!(v["code"], "notFound", "JSON errors carry the code");
}

#[test]
fn a_bad_import_names_the_line_and_changes_nothing() {
    let w = demo(5);
    let before = ok(&w.path, &["export", "matrix"]);
    let bad = w.path.with_file_name("matrix.csv");
    let mut text: Vec<String> = before.lines().map(str::to_owned).collect();
    text[6] = text[6].replacen(",read", ",raed", 1);
    std::fs::write(&bad, text.join("\n")).unwrap();
    let e = fails(&w.path, &["import", "matrix", bad.to_str().unwrap()]);
    assert!(e.starts_with("permgrid: matrix.csv line 7 column "), "{e}");
    assert!(
        e.ends_with("unknown level `raed` (expected hidden, masked, read, edit)"),
        "{e}"
    );
    assert_eq!(ok(&w.path, &["export", "matrix"]), before);
}

#[test]
fn a_corrupt_workspace_is_refused_untouched() {
    let w = ws();
    std::fs::write(
        &w.path,
        b"SQLite format 3\0 but not really, just garbage that goes on and on",
    )
    .unwrap();
    let before = std::fs::read(&w.path).unwrap();
    let e = fails(&w.path, &["info"]);
    assert!(e.contains("cli.permgrid"), "the error names the file: {e}");
    assert_eq!(std::fs::read(&w.path).unwrap(), before);
}

#[test]
fn audit_verify_fails_after_tampering() {
    let w = demo(5);
    ok(&w.path, &["grant", "finance", "customer.email", "read"]);
    let conn = rusqlite::Connection::open(&w.path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone-else' WHERE seq = 4;",
    )
    .unwrap();
    drop(conn);
    let e = fails(&w.path, &["audit", "verify"]);
    assert_eq!(
        e,
        "permgrid: audit chain broken at entry 4: its content does not match its hash"
    );
}

#[test]
fn an_import_killed_midway_leaves_the_previous_state() {
    let w = demo(200);
    let before = ok(&w.path, &["export", "customers"]);
    // A large customers file: the demo's rows repeated under new ids.
    let mut lines = before.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut big = String::from(header);
    big.push('\n');
    for i in 0..300_000 {
        let row = rows[i % rows.len()];
        let rest = row.split_once(',').unwrap().1;
        big.push_str(&format!("K{i:06},{rest}\n"));
    }
    let file = w.path.with_file_name("big.csv");
    std::fs::write(&file, big).unwrap();

    let mut child = cmd(&w.path, &["import", "customers", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wal = w.path.with_file_name("cli.permgrid-wal");
    let start = Instant::now();
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let initial = wal_len();
    // Wait until the import is writing (the WAL grows), then kill it without warning.
    while wal_len() < initial + 4 * 1024 * 1024 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be interrupted"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was killed");

    assert_eq!(
        ok(&w.path, &["export", "customers"]),
        before,
        "the previous customers are intact"
    );
    let info: serde_json::Value =
        serde_json::from_str(&ok(&w.path, &["info", "-f", "json"])).unwrap();
    assert_eq!(info["customers"], 200);
    ok(&w.path, &["audit", "verify"]);
}

fn with_pass(path: &Path, args: &[&str]) -> Output {
    cmd(path, args)
        .env("PERMGRID_PASSPHRASE", "correct horse")
        .output()
        .unwrap()
}

fn ok_pass(path: &Path, args: &[&str]) -> String {
    let o = with_pass(path, args);
    assert!(
        o.status.success(),
        "permgrid {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn keys_and_bundles_from_the_command_line() {
    let w = demo(5);
    let dir = w.path.parent().unwrap().to_path_buf();
    let a: serde_json::Value = serde_json::from_str(&ok_pass(
        &w.path,
        &["keys", "generate", "--label", "alice", "-f", "json"],
    ))
    .unwrap();
    let b: serde_json::Value = serde_json::from_str(&ok_pass(
        &w.path,
        &["keys", "generate", "--label", "bob", "-f", "json"],
    ))
    .unwrap();
    let (ka, kb) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let (pa, pb) = (dir.join("alice.pem"), dir.join("bob.pem"));
    ok(
        &w.path,
        &["keys", "export-public", ka, "-o", pa.to_str().unwrap()],
    );
    ok(
        &w.path,
        &["keys", "export-public", kb, "-o", pb.to_str().unwrap()],
    );
    assert!(std::fs::read_to_string(&pa)
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));

    let file = dir.join("policy.bundle");
    let f = file.to_str().unwrap();
    let out = ok_pass(&w.path, &["bundle", "build", "--key", ka, "-o", f]);
    assert!(out.contains("bundle serial 1 of revision 1"), "{out}");
    let out = ok(
        &w.path,
        &["bundle", "verify", f, "--key", pa.to_str().unwrap()],
    );
    assert!(out.contains("valid"), "{out}");
    // Inspect reads without verifying, and says so; its counts are the workspace's.
    let out = ok(&w.path, &["bundle", "inspect", f]);
    assert!(
        out.starts_with(&format!("{f} (not verified, permgrid.bundle.v2)")),
        "{out}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&ok(&w.path, &["bundle", "inspect", f, "-f", "json"])).unwrap();
    let gated = ok(&w.path, &["export", "matrix"]).matches('+').count();
    assert!(gated > 0, "the demo has approval-gated cells");
    assert_eq!(v["approvalGatedCells"].as_u64().unwrap() as usize, gated);
    assert_eq!(v["format"], "permgrid.bundle.v2");

    // Two-person rule: one signature is not enough, a second administrator's is.
    let two = [
        "bundle",
        "verify",
        f,
        "--key",
        pa.to_str().unwrap(),
        "--key",
        pb.to_str().unwrap(),
        "--threshold",
        "2",
    ];
    let e = fails(&w.path, &two);
    assert!(
        e.contains("1 valid signature(s) by trusted keys; 2 are required"),
        "{e}"
    );
    ok_pass(&w.path, &["bundle", "sign", f, "--key", kb]);
    ok(&w.path, &two);

    // Decisions straight from the bundle.
    let out = ok(
        &w.path,
        &[
            "bundle",
            "decide",
            f,
            "--key",
            pa.to_str().unwrap(),
            "E018",
            "customer.id_card",
            "--tier",
            "customer",
        ],
    );
    assert!(out.contains("masked"), "{out}");
    let out = ok(
        &w.path,
        &[
            "bundle",
            "decide",
            f,
            "--key",
            pa.to_str().unwrap(),
            "E009",
            "--action",
            "export",
            "--tier",
            "strategic",
            "--owner",
            "E018",
            "--department",
            "sales_east_sh",
        ],
    );
    assert_eq!(out.trim(), "export: approval (raises an alert)");

    // Rollback, a wrong passphrase, a tampered file: clear one-line refusals.
    let e = fails(
        &w.path,
        &[
            "bundle",
            "verify",
            f,
            "--key",
            pa.to_str().unwrap(),
            "--min-serial",
            "2",
        ],
    );
    assert!(
        e.ends_with("bundle serial 1 is below the last accepted serial 2: refusing a rollback"),
        "{e}"
    );
    let o = cmd(&w.path, &["bundle", "build", "--key", ka, "-o", f])
        .env("PERMGRID_PASSPHRASE", "wrong")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong passphrase"));
    let mut bytes = std::fs::read(&file).unwrap();
    let i = bytes.iter().position(|b| *b == b'"').unwrap() + 200;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let bad = dir.join("tampered.bundle");
    std::fs::write(&bad, &bytes).unwrap();
    let e = fails(
        &w.path,
        &[
            "bundle",
            "verify",
            bad.to_str().unwrap(),
            "--key",
            pa.to_str().unwrap(),
        ],
    );
    assert!(
        e.contains("tampered.bundle: "),
        "the error names the file: {e}"
    );

    let h: serde_json::Value =
        serde_json::from_str(&ok(&w.path, &["bundle", "history", "-f", "json"])).unwrap();
    assert_eq!(
        h.as_array().unwrap().len(),
        1,
        "the failed build with a wrong passphrase recorded nothing"
    );
    let log = ok(&w.path, &["audit", "log", "--action", "bundle"]);
    assert_eq!(
        log.lines().count(),
        2,
        "build and co-sign are audited: {log}"
    );
    let log = ok(&w.path, &["audit", "log", "--action", "keys"]);
    assert_eq!(
        log.lines().count(),
        4,
        "two keys generated, two public keys exported: {log}"
    );
}

#[test]
fn a_bundle_for_every_engine_carries_its_checks_and_a_signed_opa_bundle() {
    let w = demo(5);
    let dir = w.path.parent().unwrap().to_path_buf();
    let ed: serde_json::Value =
        serde_json::from_str(&ok_pass(&w.path, &["keys", "generate", "-f", "json"])).unwrap();
    let es: serde_json::Value = serde_json::from_str(&ok_pass(
        &w.path,
        &["keys", "generate", "--algorithm", "es256", "-f", "json"],
    ))
    .unwrap();
    let (ked, kes) = (ed["id"].as_str().unwrap(), es["id"].as_str().unwrap());
    let file = dir.join("all.bundle");
    let f = file.to_str().unwrap();
    let e = fails(
        &w.path,
        &["bundle", "build", "--key", ked, "--target", "opa", "-o", f],
    );
    assert!(e.contains("--opa-key"), "{e}");
    let out = ok_pass(
        &w.path,
        &[
            "bundle",
            "build",
            "--key",
            ked,
            "--target",
            "cedar",
            "--target",
            "casbin",
            "--target",
            "opa",
            "--opa-key",
            kes,
            "-o",
            f,
        ],
    );
    for engine in ["cedar-policy", "casbin", "regorus"] {
        assert!(
            out.contains(engine) && out.contains("agreed on 2000 of 2000 requests"),
            "{out}"
        );
    }
    // The OPA bundle verifies as OPA would, with the ES256 public key.
    let pem = ok(&w.path, &["keys", "export-public", kes]);
    let permgrid::keys::PublicKey::Es256(vk) = permgrid::keys::PublicKey::from_pem(&pem).unwrap()
    else {
        panic!("es256")
    };
    let tar = std::fs::read(file.with_extension("opa.tar.gz")).unwrap();
    let files = permgrid::export::opa::verify_tarball(&tar, &vk).unwrap();
    assert!(files.contains_key("permgrid/policy.rego") && files.contains_key("permgrid/data.json"));
    // The exported Cedar files come out of a verified bundle.
    let pub_ed = dir.join("ed.pem");
    ok(
        &w.path,
        &["keys", "export-public", ked, "-o", pub_ed.to_str().unwrap()],
    );
    let out_dir = dir.join("cedar");
    ok(
        &w.path,
        &[
            "bundle",
            "export",
            f,
            "--key",
            pub_ed.to_str().unwrap(),
            "--target",
            "cedar",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(out_dir.join("policies.cedar"))
        .unwrap()
        .contains("permit"));
}
