//! `cargo xtask footprint`: how many distinct crates `hwcloud-auth` pulls with default features.
//!
//! The README quotes this figure; the budget is 25 (aws-sigv4 pulls 53).

use std::collections::BTreeSet;

use anyhow::{Result, bail};

use crate::process::output;

/// The most distinct crates (itself included) `hwcloud-auth` may pull with default features.
const BUDGET: usize = 25;

pub(crate) fn run() -> Result<()> {
    let tree = output(
        "cargo",
        &[
            "tree",
            "-p",
            "hwcloud-auth",
            "-e",
            "normal",
            "--prefix",
            "none",
        ],
    )?;
    let crates: BTreeSet<&str> = tree
        .lines()
        .map(|line| line.trim_end_matches(" (*)").trim())
        .filter(|line| !line.is_empty())
        .collect();
    for name in &crates {
        println!("{name}");
    }
    println!("distinct crates: {} (budget {BUDGET})", crates.len());
    if crates.len() > BUDGET {
        bail!(
            "hwcloud-auth pulls {} crates with default features; the budget is {BUDGET}",
            crates.len()
        );
    }
    Ok(())
}
