//! `cargo xtask msrv`: the declared `rust-version` must be at least the highest `rust-version` among the
//! normal dependencies of the published crates (what users compile; benchmark and test dependencies do not
//! count), since only the current stable toolchain is available to build with. Run by `cargo xtask ci`.

use anyhow::{Context, Result, bail};

use crate::process::output;

/// Parses `1.88` or `1.88.0` into comparable numbers.
fn parse(version: &str) -> Option<(u64, u64, u64)> {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

pub(crate) fn run() -> Result<()> {
    let metadata = output("cargo", &["metadata", "--format-version", "1", "--locked"])?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).context("cargo metadata output")?;
    let packages = metadata["packages"]
        .as_array()
        .context("cargo metadata has no packages")?;
    let workspace: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str())
        .collect();
    // `name vX.Y.Z` of every crate users compile with the published crates' default features.
    let tree = output(
        "cargo",
        &[
            "tree",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "-p",
            "hwcloud",
            "-p",
            "hwcloud-auth",
            "-p",
            "hwcloud-emulator",
        ],
    )?;
    let used: std::collections::BTreeSet<(&str, &str)> = tree
        .lines()
        .filter_map(|l| {
            let mut words = l.split(' ');
            Some((words.next()?, words.next()?.trim_start_matches('v')))
        })
        .collect();
    let mut declared = None;
    let mut highest: Option<((u64, u64, u64), String)> = None;
    for package in packages {
        let Some(rust_version) = package["rust_version"].as_str() else {
            continue;
        };
        let Some(parsed) = parse(rust_version) else {
            continue;
        };
        let name = package["name"].as_str().unwrap_or_default();
        let id = package["id"].as_str().unwrap_or_default();
        if workspace.contains(&id) {
            if name == "hwcloud-auth" {
                declared = Some((parsed, rust_version.to_string()));
            }
        } else if !used.contains(&(name, package["version"].as_str().unwrap_or_default())) {
            continue;
        } else if highest.as_ref().is_none_or(|(v, _)| parsed > *v) {
            highest = Some((
                parsed,
                format!(
                    "{name} {} (rust-version {rust_version})",
                    package["version"]
                ),
            ));
        }
    }
    let (declared, declared_text) = declared.context("hwcloud-auth declares no rust-version")?;
    let (needed, who) = highest.context("no dependency declares a rust-version")?;
    println!("declared MSRV {declared_text}; highest dependency requirement: {who}");
    if declared < needed {
        bail!("the workspace rust-version {declared_text} is below what {who} needs");
    }
    Ok(())
}
