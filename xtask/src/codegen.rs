//! `cargo xtask codegen [--check]`: regenerates generated code, or checks it is current.
//!
//! No crate uses generated code yet, so there is nothing to check.

use anyhow::Result;

pub(crate) fn run(_args: &[String]) -> Result<()> {
    eprintln!("codegen: no generated code in the workspace");
    Ok(())
}
