//! Integration tests of the engine through its `api` and `store`, with real files and a real
//! SQLite database. One module per feature; shared helpers in `support`.

// Test code: a panic is a failed test, which is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod audit_chain;
mod bundles;
mod csv_import;
mod csv_roundtrip;
mod decisions;
mod editor;
mod org;
mod people;
mod random;
mod revisions;
mod scenarios;
mod store_files;
mod support;
