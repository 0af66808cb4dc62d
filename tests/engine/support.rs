//! Helpers shared by the engine integration tests.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use std::path::PathBuf;

use permgrid::api::Workspace;
use permgrid::csv::CsvKind;
use permgrid::model::Actor;

/// A fixed instant, so tests never read the clock.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap()
}

pub fn actor() -> Actor {
    Actor::new("tester", t0())
}

/// A temporary directory and a workspace path inside it.
pub struct Temp {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp() -> Temp {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.permgrid");
    Temp { dir, path }
}

/// A small demo workspace (the demo company with `n` customers).
pub fn demo(n: usize) -> (Temp, Workspace) {
    let t = temp();
    let ws = Workspace::create_demo(&t.path, &actor(), n).unwrap();
    (t, ws)
}

/// Exports `kind` to a string.
pub fn export(ws: &mut Workspace, kind: CsvKind) -> String {
    let mut buf = Vec::new();
    ws.export_csv(&actor(), kind, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

/// Every kind that round-trips through CSV (customers included).
pub fn all_exports(ws: &mut Workspace) -> Vec<(CsvKind, String)> {
    CsvKind::ALL.iter().map(|k| (*k, export(ws, *k))).collect()
}

/// The bytes of a file.
pub fn bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}
