//! `cargo xtask ci`: exactly what `.ci/run` runs.

use anyhow::Result;

use crate::process;

pub(crate) fn run() -> Result<()> {
    process::run("cargo", &["fmt", "--all", "--check"])?;
    process::run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    crate::codegen::run(&["--check".to_string()])?;
    crate::msrv::run()?;
    process::run("cargo", &["test", "--workspace"])?;
    Ok(())
}
