//! `cargo xtask official-sdk-check` (being written).

use anyhow::{Result, bail};

pub(crate) fn run(_args: &[String]) -> Result<()> {
    bail!("xtask official-sdk-check is not written yet")
}
