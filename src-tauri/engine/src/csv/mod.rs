//! CSV interchange: the org, catalog, matrix (wide and long), scopes and action grants,
//! guardrails and sample customers, in the formats documented in `docs/formats.md`.
//!
//! Importing is parse-then-check: every row is parsed, applied to a copy of the current
//! [`Snapshot`] and checked against it (so rows may refer to rows anywhere in the same file);
//! the first problem is returned with file, line and column, and the caller writes nothing.
//! Exports are deterministic (display order, `\n` line ends, no BOM). Called by `api`.

mod catalog;
mod customers;
mod guardrails;
mod matrix;
mod org;
mod scopes;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::str::FromStr;
use ts_rs::TS;

use crate::model::{Change, Customer, ModelError, Snapshot};

/// Where and why an import failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CsvError {
    pub file: String,
    /// 1-based; the header is line 1. 0 when the problem is with the whole file.
    pub line: u64,
    /// 1-based column number and header name.
    pub column: Option<(usize, String)>,
    pub reason: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        if let Some((n, name)) = &self.column {
            write!(f, " column {n} (`{name}`)")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CsvKind {
    Departments,
    Employees,
    Roles,
    Objects,
    Tiers,
    Fields,
    Matrix,
    MatrixLong,
    Scopes,
    Guardrails,
    Customers,
}

impl CsvKind {
    /// Every kind, in an order in which a whole workspace can be imported.
    pub const ALL: &'static [CsvKind] = &[
        CsvKind::Departments,
        CsvKind::Roles,
        CsvKind::Employees,
        CsvKind::Objects,
        CsvKind::Tiers,
        CsvKind::Fields,
        CsvKind::Matrix,
        CsvKind::MatrixLong,
        CsvKind::Scopes,
        CsvKind::Guardrails,
        CsvKind::Customers,
    ];

    /// The keyword used by the CLI and in audit entries.
    pub fn as_str(self) -> &'static str {
        match self {
            CsvKind::Departments => "departments",
            CsvKind::Employees => "employees",
            CsvKind::Roles => "roles",
            CsvKind::Objects => "objects",
            CsvKind::Tiers => "tiers",
            CsvKind::Fields => "fields",
            CsvKind::Matrix => "matrix",
            CsvKind::MatrixLong => "matrix-long",
            CsvKind::Scopes => "scopes",
            CsvKind::Guardrails => "guardrails",
            CsvKind::Customers => "customers",
        }
    }

    /// The usual file name.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.as_str())
    }
}

impl FromStr for CsvKind {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CsvKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ModelError::UnknownValue {
                kind: "csv kind",
                value: s.to_owned(),
                expected: "departments, employees, roles, objects, tiers, fields, matrix, matrix-long, scopes, guardrails, customers",
            })
    }
}

/// What an import would do: entity changes, or customers.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Changes(Vec<Change>),
    Customers(Vec<Customer>),
}

/// The stage an import has reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportStage {
    /// Reading rows: `done` and `total` count bytes of the file.
    Read,
    /// Checking parsed rows against the workspace: `done` and `total` count rows.
    Check,
    /// Writing to the workspace in one transaction: 0 of 1, then 1 of 1.
    Write,
}

/// How far an import (or its preview) has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgress {
    pub stage: ImportStage,
    pub done: u32,
    pub total: u32,
}

/// Rows between two progress reports.
const PROGRESS_EVERY: usize = 500;

fn report(progress: &mut dyn FnMut(ImportProgress), stage: ImportStage, done: usize, total: usize) {
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    progress(ImportProgress {
        stage,
        done: n(done),
        total: n(total),
    });
}

/// Parses and checks `text` (the file's content) as `kind` against `snap`.
/// `file` names the file in errors.
pub fn parse(kind: CsvKind, file: &str, bytes: &[u8], snap: &Snapshot) -> Result<Parsed, CsvError> {
    parse_with_progress(kind, file, bytes, snap, &mut |_| {})
}

/// [`parse`], reporting progress every few hundred rows (reading, then checking).
pub fn parse_with_progress(
    kind: CsvKind,
    file: &str,
    bytes: &[u8],
    snap: &Snapshot,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Parsed, CsvError> {
    let text = decode(file, bytes)?;
    let table = Table::read(file, text, progress)?;
    let located = match kind {
        CsvKind::Departments => org::departments(&table)?,
        CsvKind::Employees => org::employees(&table)?,
        CsvKind::Roles => org::roles(&table)?,
        CsvKind::Objects => catalog::objects(&table)?,
        CsvKind::Tiers => catalog::tiers(&table)?,
        CsvKind::Fields => catalog::fields(&table)?,
        CsvKind::Matrix => matrix::wide(&table, snap)?,
        CsvKind::MatrixLong => matrix::long(&table)?,
        CsvKind::Scopes => scopes::parse(&table)?,
        CsvKind::Guardrails => guardrails::parse(&table)?,
        CsvKind::Customers => {
            return customers::parse(&table, snap, progress).map(Parsed::Customers)
        }
    };
    check(&table, snap, located, progress).map(Parsed::Changes)
}

/// Writes `kind` from `snap` (and `customers` for [`CsvKind::Customers`]).
pub fn export(
    kind: CsvKind,
    snap: &Snapshot,
    customers: &[Customer],
    out: &mut dyn Write,
) -> Result<(), csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    match kind {
        CsvKind::Departments => org::export_departments(snap, &mut w)?,
        CsvKind::Employees => org::export_employees(snap, &mut w)?,
        CsvKind::Roles => org::export_roles(snap, &mut w)?,
        CsvKind::Objects => catalog::export_objects(snap, &mut w)?,
        CsvKind::Tiers => catalog::export_tiers(snap, &mut w)?,
        CsvKind::Fields => catalog::export_fields(snap, &mut w)?,
        CsvKind::Matrix => matrix::export_wide(snap, &mut w)?,
        CsvKind::MatrixLong => matrix::export_long(snap, &mut w)?,
        CsvKind::Scopes => scopes::export(snap, &mut w)?,
        CsvKind::Guardrails => guardrails::export(snap, &mut w)?,
        CsvKind::Customers => customers::export(snap, customers, &mut w)?,
    }
    w.flush()?;
    Ok(())
}

type W<'a> = csv::Writer<&'a mut dyn Write>;

fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let upto = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = 1 + upto.iter().filter(|b| **b == b'\n').count();
        CsvError {
            file: file.to_owned(),
            line: u64::try_from(line).unwrap_or(u64::MAX),
            column: None,
            reason: "not valid UTF-8 (save the file as CSV UTF-8)".into(),
        }
    })
}

/// A parsed file: header and rows with their line numbers.
pub(crate) struct Table {
    file: String,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(
        file: &str,
        text: &str,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<Table, CsvError> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(text.as_bytes());
        let csv_err = |e: csv::Error| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let reason = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    format!("{len} columns where the header has {expected_len}")
                }
                _ => e.to_string(),
            };
            CsvError {
                file: file.to_owned(),
                line,
                column: None,
                reason,
            }
        };
        let headers: Vec<String> = r
            .headers()
            .map_err(csv_err)?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(CsvError {
                file: file.to_owned(),
                line: 1,
                column: None,
                reason: "the file is empty or has no header row".into(),
            });
        }
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue; // blank lines, common at the end of files saved by spreadsheets
            }
            rows.push((line, rec));
            if rows.len() % PROGRESS_EVERY == 0 {
                let at = rows
                    .last()
                    .and_then(|(_, r)| r.position())
                    .map(|p| p.byte())
                    .unwrap_or(0);
                report(
                    progress,
                    ImportStage::Read,
                    usize::try_from(at).unwrap_or(usize::MAX),
                    text.len(),
                );
            }
        }
        report(progress, ImportStage::Read, text.len(), text.len());
        Ok(Table {
            file: file.to_owned(),
            headers,
            rows,
        })
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Requires exactly these columns (in any order).
    fn expect(&self, names: &[&str]) -> Result<(), CsvError> {
        for (i, h) in self.headers.iter().enumerate() {
            if !names.contains(&h.as_str()) {
                return Err(self.header_err(
                    i,
                    format!("unexpected column `{h}` (expected {})", names.join(", ")),
                ));
            }
            if self.headers.iter().take(i).any(|x| x == h) {
                return Err(self.header_err(i, format!("column `{h}` appears twice")));
            }
        }
        if let Some(missing) = names.iter().find(|n| self.index(n).is_none()) {
            return Err(CsvError {
                file: self.file.clone(),
                line: 1,
                column: None,
                reason: format!("missing column `{missing}`"),
            });
        }
        Ok(())
    }

    fn header_err(&self, i: usize, reason: String) -> CsvError {
        CsvError {
            file: self.file.clone(),
            line: 1,
            column: Some((i + 1, self.headers.get(i).cloned().unwrap_or_default())),
            reason,
        }
    }

    fn err_at(&self, line: u64, col: Option<usize>, reason: impl Into<String>) -> CsvError {
        CsvError {
            file: self.file.clone(),
            line,
            column: col.map(|i| (i + 1, self.headers.get(i).cloned().unwrap_or_default())),
            reason: reason.into(),
        }
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, rec)| Row {
            table: self,
            line: *line,
            rec,
        })
    }
}

/// One data row.
pub(crate) struct Row<'a> {
    table: &'a Table,
    line: u64,
    rec: &'a csv::StringRecord,
}

impl<'a> Row<'a> {
    /// The trimmed text of column `name` (empty when the column is absent).
    fn text(&self, name: &str) -> &'a str {
        self.table
            .index(name)
            .and_then(|i| self.rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn at(&self, i: usize) -> &'a str {
        self.rec.get(i).map(str::trim).unwrap_or("")
    }

    fn err(&self, name: &str, reason: impl Into<String>) -> CsvError {
        self.table.err_at(self.line, self.table.index(name), reason)
    }

    fn err_col(&self, i: usize, reason: impl Into<String>) -> CsvError {
        self.table.err_at(self.line, Some(i), reason)
    }

    /// Parses column `name`.
    fn parse<T: FromStr<Err = ModelError>>(&self, name: &str) -> Result<T, CsvError> {
        self.text(name)
            .parse()
            .map_err(|e: ModelError| self.err(name, e.to_string()))
    }

    /// Parses column `name`; empty gives `None`.
    fn opt<T: FromStr<Err = ModelError>>(&self, name: &str) -> Result<Option<T>, CsvError> {
        match self.text(name) {
            "" => Ok(None),
            _ => self.parse(name).map(Some),
        }
    }

    /// Parses a `;`-list in column `name`.
    fn list<T: FromStr<Err = ModelError>>(&self, name: &str) -> Result<Vec<T>, CsvError> {
        self.text(name)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|e: ModelError| self.err(name, e.to_string()))
            })
            .collect()
    }

    /// A number in column `name`.
    fn number(&self, name: &str) -> Result<u32, CsvError> {
        let t = self.text(name);
        t.parse().map_err(|_| {
            self.err(
                name,
                format!("`{t}` is not a whole number from 0 to 4294967295"),
            )
        })
    }

    fn opt_number(&self, name: &str) -> Result<Option<u32>, CsvError> {
        match self.text(name) {
            "" => Ok(None),
            _ => self.number(name).map(Some),
        }
    }

    /// A required non-empty text.
    fn required(&self, name: &str) -> Result<String, CsvError> {
        match self.text(name) {
            "" => Err(self.err(name, "must not be empty")),
            t => Ok(t.to_owned()),
        }
    }
}

/// A change parsed from a row, with where it came from for error messages.
pub(crate) struct Located {
    line: u64,
    change: Change,
    /// Column index of each logical column name that reference errors may name.
    columns: Vec<(&'static str, usize)>,
}

impl Located {
    fn new(row: &Row<'_>, change: Change) -> Located {
        Located {
            line: row.line,
            change,
            columns: Vec::new(),
        }
    }
}

/// Applies every change to a copy of `snap`, refuses duplicates, then checks references.
fn check(
    table: &Table,
    snap: &Snapshot,
    located: Vec<Located>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Vec<Change>, CsvError> {
    let mut seen: HashMap<(crate::model::EntityKind, String), u64> = HashMap::new();
    let mut next = snap.clone();
    for l in &located {
        if let Some(first) = seen.insert((l.change.kind, l.change.key.clone()), l.line) {
            return Err(table.err_at(
                l.line,
                None,
                format!(
                    "{} `{}` appears twice (first on line {first})",
                    l.change.kind, l.change.key
                ),
            ));
        }
        next.apply(&l.change);
    }
    for (i, l) in located.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 {
            report(progress, ImportStage::Check, i, located.len());
        }
        let Some(entity) = &l.change.new else {
            continue;
        };
        if let Err(e) = next.check(entity) {
            let col = l
                .columns
                .iter()
                .find(|(n, _)| *n == e.column)
                .map(|(_, i)| *i)
                .or_else(|| table.index(e.column));
            return Err(table.err_at(l.line, col, e.error.to_string()));
        }
    }
    report(progress, ImportStage::Check, located.len(), located.len());
    Ok(located.into_iter().map(|l| l.change).collect())
}

/// A file's header, some of its rows with their line numbers, and how many data rows it has.
pub type Sample = (Vec<String>, Vec<(u64, Vec<String>)>, usize);

/// The header and the first `n` data rows of a file as written (with their line numbers),
/// plus the row on line `also` if there is one, and how many data rows the file has; read
/// leniently, for a preview shown beside any error.
pub fn sample(bytes: &[u8], n: usize, also: Option<u64>) -> Sample {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let cells = |rec: &csv::ByteRecord| -> Vec<String> {
        rec.iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    };
    let headers = r
        .byte_headers()
        .map(|h| cells(h).into_iter().map(|c| c.trim().to_owned()).collect())
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut count = 0;
    for rec in r.byte_records() {
        let Ok(rec) = rec else { break };
        if rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        count += 1;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rows.len() < n || Some(line) == also {
            rows.push((line, cells(&rec)));
        }
    }
    (headers, rows, count)
}
