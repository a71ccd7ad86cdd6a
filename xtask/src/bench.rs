//! `cargo xtask bench` (being written).

use anyhow::{Result, bail};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    bail!("xtask bench is not written yet")
}
