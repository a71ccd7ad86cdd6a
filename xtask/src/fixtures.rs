//! `cargo xtask fixtures`: regenerates the signer conformance fixtures with the official Python SDK.
//!
//! Runs `python3 xtask/python/gen_signing_fixtures.py`, which signs a few hundred seeded random
//! requests with `huaweicloudsdkcore`'s own signer classes and writes
//! `crates/auth/tests/fixtures/official_signatures.json`. The Rust tests read that file and never
//! need Python.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::process::{self, workspace_root};

const SCRIPT: &str = "xtask/python/gen_signing_fixtures.py";
const OUTPUT: &str = "crates/auth/tests/fixtures/official_signatures.json";
const SDK_VERSION: &str = "3.1.219";

pub(crate) fn run(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("xtask fixtures takes no arguments (got {extra:?})");
    }
    let probe = Command::new("python3")
        .args([
            "-c",
            "import importlib.metadata as m; import huaweicloudsdkcore; print(m.version('huaweicloudsdkcore'))",
        ])
        .current_dir(workspace_root())
        .output();
    let probe = match probe {
        Ok(out) => out,
        Err(e) => bail!(
            "python3 is needed to regenerate the fixtures but could not be started ({e}); install Python 3, then `pip install huaweicloudsdkcore=={SDK_VERSION}`"
        ),
    };
    if !probe.status.success() {
        bail!(
            "the official SDK is not importable: {}\ninstall it with `pip install huaweicloudsdkcore=={SDK_VERSION}`",
            String::from_utf8_lossy(&probe.stderr).trim()
        );
    }
    let version = String::from_utf8_lossy(&probe.stdout).trim().to_owned();
    if version != SDK_VERSION {
        eprintln!(
            "warning: huaweicloudsdkcore {version} is installed; the committed fixtures come from {SDK_VERSION}"
        );
    }
    process::run("python3", &[SCRIPT, OUTPUT]).context("generating the signing fixtures")?;
    eprintln!("now run `cargo test -p hwcloud-auth --all-features --test conformance`");
    Ok(())
}
