//! Project chores, the rust-analyzer way: `cargo xtask <task>`.
//!
//! | task | what it does |
//! |---|---|
//! | `ci` | what `.ci/run` runs: fmt check, clippy with `-D warnings`, codegen check, the test suite |
//! | `fixtures` | regenerates the signer conformance fixtures with the official Python SDK (needs python3 + `huaweicloudsdkcore`) |
//! | `bench` | runs the criterion signing benchmark and prints the ratios the README quotes (`--runs N`: N runs and a table) |
//! | `msrv` | checks the declared `rust-version` covers every dependency's |
//! | `footprint` | counts the distinct crates `hwcloud-auth` pulls with default features |
//! | `official-sdk-check` | calls the emulator with the official Python SDK (needs python3 + `huaweicloudsdkcodeartsbuild`) |
//! | `codegen [--check]` | regenerates (or checks) generated code |

// A task runner reports on stdout by design.
#![allow(clippy::print_stdout)]

mod bench;
mod ci;
mod codegen;
mod fixtures;
mod footprint;
mod msrv;
mod official_sdk_check;
mod process;
mod tidy;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <ci | fixtures | bench | footprint | msrv | official-sdk-check | codegen [--check]>";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        bail!("{USAGE}");
    };
    let rest = &args[1..];
    match task.as_str() {
        "ci" => ci::run(),
        "fixtures" => fixtures::run(rest),
        "bench" => bench::run(rest),
        "footprint" => footprint::run(),
        "msrv" => msrv::run(),
        "official-sdk-check" => official_sdk_check::run(rest),
        "codegen" => codegen::run(rest),
        other => bail!("unknown task {other:?}\n{USAGE}"),
    }
}
