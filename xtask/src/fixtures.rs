//! `cargo xtask fixtures` (being written).

use anyhow::{Result, bail};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    bail!("xtask fixtures is not written yet")
}
