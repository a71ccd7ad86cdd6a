//! `cargo xtask ci`: exactly what `.ci/run` runs: fmt, clippy (the workspace, then `hwcloud-auth` alone with
//! default features), codegen and MSRV checks, rustdoc, tests.

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
    // The signer crate on its own, with default features: in the workspace run above, other members enable
    // its `ecdsa`/`sm2`/`providers` features, which can hide warnings a standalone user would see.
    process::run(
        "cargo",
        &[
            "clippy",
            "-p",
            "hwcloud-auth",
            "--lib",
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
