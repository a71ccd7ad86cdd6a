//! `cargo xtask official-sdk-check`: Huawei's official Python SDK against the emulator.
//!
//! Builds and starts `hwcloud-emulator` (demo account, builds that stay running long enough to be
//! stopped), then runs `xtask/python/official_sdk_check.py <base_url> <ak> <sk> <project_id> <job_id>`,
//! which calls RunJob, StopJob, StopBuildJob and ShowJobStatus with the emulator's AK/SK and expects a
//! 401 `APIGW.0301` with a wrong SK. Needs python3 with `huaweicloudsdkcodeartsbuild`
//! (`pip install huaweicloudsdkcodeartsbuild==3.1.219`). Not part of `cargo test`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::process::{self, workspace_root};

// The emulator's demo account (hwcloud_emulator::demo); xtask does not link the emulator.
const ACCESS_KEY: &str = "HWEMULATORDEMOAK0001";
const SECRET_KEY: &str = "EmulatorDemoSecretKey0000000000000000001";
const PROJECT_ID: &str = "1345d2cce8038a39d5e0853964b50af0";
const JOB_ID: &str = "ty7o5zinc42ei5e6ohtnanmdh4ayfato";

/// Kills the emulator however the check ends.
struct Emulator(Child);

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let python = match args {
        [] => "python3".to_owned(),
        [flag, path] if flag == "--python" => path.clone(),
        _ => bail!("usage: cargo xtask official-sdk-check [--python PATH]"),
    };
    process::run(
        "cargo",
        &[
            "build",
            "-p",
            "hwcloud-emulator",
            "--bin",
            "hwcloud-emulator",
        ],
    )?;
    let root = workspace_root();
    let exe = root.join("target/debug/hwcloud-emulator");
    let mut child = Command::new(&exe)
        .args(["--listen", "127.0.0.1:0", "--build-step-ms", "600000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("could not start {}", exe.display()))?;
    let stdout = child.stdout.take().context("emulator stdout")?;
    let emulator = Emulator(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .context("the emulator printed no listening line within 60 s")?;
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .with_context(|| format!("unexpected first line from the emulator: {line:?}"))?
        .to_owned();
    eprintln!("emulator at {base_url}");
    let script = root.join("xtask/python/official_sdk_check.py");
    let status = Command::new(&python)
        .arg(&script)
        .args([
            base_url.as_str(),
            ACCESS_KEY,
            SECRET_KEY,
            PROJECT_ID,
            JOB_ID,
        ])
        .current_dir(&root)
        .status()
        .with_context(|| format!("could not run {python}"))?;
    drop(emulator);
    if !status.success() {
        bail!("the official SDK check failed ({status})");
    }
    Ok(())
}
