//! Differential tests of the Cedar, Casbin and OPA exports: each real engine, loaded with
//! permgrid's export, must give permgrid's own decision on every probe — over random
//! workspaces and over the demo workspace.

// Test code: a panic is a failed test, which is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../engine/random.rs"]
mod random;
mod support;

mod casbin;
mod cedar;
mod opa;
