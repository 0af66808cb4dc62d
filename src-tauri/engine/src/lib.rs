//! permgrid's engine: the customer-information permission matrix, its SQLite workspace
//! store with revisions and a hash-chained audit log, and CSV interchange.
//!
//! It has no Tauri or GUI dependency, so production services can depend on it.
//! Callers use [`api`]; the other modules are public for tests and for services that
//! only need the model.

#![forbid(unsafe_code)]

pub mod api;
pub mod bundle;
pub mod csv;
pub mod decide;
pub mod demo;
pub mod export;
pub mod keys;
pub mod model;
pub mod simulate;
pub mod store;
