//! `cargo xtask ci`: exactly what `.ci/run` runs: fmt, clippy, codegen and MSRV checks, rustdoc, tests.

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
    // Broken intra-doc links and malformed docs fail CI like any other warning.
    process::run_with_env(
        "cargo",
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    process::run("cargo", &["test", "--workspace"])?;
    Ok(())
}
