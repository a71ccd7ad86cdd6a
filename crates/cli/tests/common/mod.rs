//! Helpers shared by the CLI integration tests.

#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use hwcloud_emulator::{Emulator, EmulatorConfig, demo};

/// The documented example AK of signing.md §9.
pub(crate) const DOC_AK: &str = "QTWAOYTTINDUT2QVKYUC";
/// The documented example SK of signing.md §9.
pub(crate) const DOC_SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

/// The `hwcloud` binary with an empty environment: no user credentials file, no HUAWEICLOUD_* variables,
/// and the ECS metadata fallback pointed at a closed loopback port, so nothing depends on (or leaks from)
/// the machine running the tests and nothing leaves loopback.
pub(crate) fn hwcloud() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hwcloud"));
    cmd.env_clear()
        .env("HOME", empty_home())
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", closed_url())
        .timeout(Duration::from_secs(60));
    cmd
}

/// A directory with nothing in it, used as `HOME`.
pub(crate) fn empty_home() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hwcloud-cli-empty-home");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A loopback URL nobody listens on (the port was just freed).
pub(crate) fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// An emulator on its own runtime, so the test thread can block on the binary while it serves.
pub(crate) struct Emu {
    pub(crate) emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl Emu {
    /// Starts the demo emulator with fast builds.
    pub(crate) fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let config = EmulatorConfig {
            build_step: Duration::from_millis(150),
            ..EmulatorConfig::default()
        };
        let emulator = runtime.block_on(Emulator::start(config)).unwrap();
        Self {
            emulator,
            _runtime: runtime,
        }
    }

    /// `hwcloud --endpoint <emulator>` with the demo AK/SK, project and region in its environment.
    pub(crate) fn aksk(&self) -> Command {
        let mut cmd = hwcloud();
        cmd.env("HUAWEICLOUD_SDK_AK", demo::ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", demo::SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", demo::PROJECT_ID)
            .env("HUAWEICLOUD_SDK_REGION", demo::REGION)
            .args(["--endpoint", &self.emulator.base_url()]);
        cmd
    }

    /// `hwcloud --endpoint <emulator> --auth token` with the demo user's password settings.
    pub(crate) fn token(&self) -> Command {
        let mut cmd = hwcloud();
        cmd.env("HUAWEICLOUD_SDK_IAM_USER_NAME", demo::USER_NAME)
            .env("HUAWEICLOUD_SDK_IAM_PASSWORD", demo::PASSWORD)
            .env("HUAWEICLOUD_SDK_IAM_DOMAIN_NAME", demo::DOMAIN_NAME)
            .env("HUAWEICLOUD_SDK_REGION", demo::REGION)
            .args(["--endpoint", &self.emulator.base_url(), "--auth", "token"]);
        cmd
    }

    /// Requests the emulator saw for `path` (exact) with `method`.
    pub(crate) fn count(&self, method: &str, path: &str) -> usize {
        self.emulator
            .journal()
            .iter()
            .filter(|e| e.method == method && e.path == path)
            .count()
    }
}

/// Runs `cmd` with `args`, expects success, and parses stdout as JSON.
pub(crate) fn json(mut cmd: Command, args: &[&str]) -> serde_json::Value {
    let out = cmd
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out)
        )
    })
}

/// Runs `cmd` with `args`, expects exit `code`, returns stderr.
pub(crate) fn fails(mut cmd: Command, args: &[&str], code: i32) -> String {
    let out = cmd.args(args).assert().code(code).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}
