//! Shared home of the workspace integration tests in `tests/tests/`, one file per area: [`harness`] holds
//! what several of them need to run against the emulator.
//!
//! It also compiles and runs every Rust example of the README as a doc test, so the README cannot drift from
//! the code (`cargo test --doc -p hwcloud-tests`).

pub mod harness;

/// The README's Rust code blocks, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
