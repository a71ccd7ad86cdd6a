//! Every `hwcloud codeartsbuild` subcommand against the emulator.

#![allow(clippy::unwrap_used)] // tests fail loudly on unexpected errors

mod common;

use common::{Emu, json};
use hwcloud_emulator::demo;

const JOB: &str = demo::CODEARTSBUILD_JOB_ID;

fn build_no(v: &serde_json::Value) -> String {
    v["actual_build_number"].as_str().unwrap().to_owned()
}

#[test]
fn every_codeartsbuild_subcommand() {
    let emu = Emu::start();
    let cab = |args: &[&str]| {
        let mut full = vec!["codeartsbuild"];
        full.extend_from_slice(args);
        json(emu.aksk(), &full)
    };

    // Start a build with a parameter; the parameter reaches the service.
    let run = cab(&["run-job", "--job-id", JOB, "--param", "branch=main"]);
    let first = build_no(&run);
    let sent = emu
        .emulator
        .journal()
        .into_iter()
        .find(|e| e.path == "/v3/jobs/build")
        .unwrap();
    assert_eq!(
        sent.body_json().unwrap()["parameter"][0],
        serde_json::json!({"name": "branch", "value": "main"})
    );
    assert_eq!(cab(&["show-job-status", "--job-id", JOB])["result"], true);
    let running = cab(&["show-running-status", "--job-id", JOB]);
    assert_eq!(running["last_build_no"], first.as_str());
    let step = cab(&[
        "show-job-step-status",
        "--job-id",
        JOB,
        "--build-no",
        &first,
    ]);
    assert!(step["status"].is_string(), "{step}");

    // The seed operation stops the first build.
    let stopped = cab(&["stop-job", "--job-id", JOB, "--build-no", &first]);
    assert_eq!(stopped["result"], true);
    assert_eq!(emu.count("POST", "/v3/jobs/stop"), 1);

    // A second build, stopped with StopBuildJob; a third with StopTheJob (v1).
    let second = build_no(&cab(&["execute-job", "--job-id", JOB]));
    assert_ne!(second, first);
    let stopped = cab(&["stop-build-job", "--job-id", JOB, "--build-no", &second]);
    assert_eq!(stopped["success"], true);
    let third = build_no(&cab(&["run-job", "--job-id", JOB]));
    let stopped = cab(&["stop-the-job", "--job-id", JOB, "--build-no", &third]);
    assert!(stopped["status"].is_string(), "{stopped}");

    // A fourth build runs to the end; `wait` follows it and prints its final status.
    let fourth = build_no(&cab(&["run-job", "--job-id", JOB]));
    let done = cab(&[
        "wait",
        "--job-id",
        JOB,
        "--build-no",
        &fourth,
        "--interval",
        "0.1",
    ]);
    assert_eq!(done["status"], "success", "{done}");
    let waited = emu
        .emulator
        .journal()
        .iter()
        .filter(|e| e.path == format!("/v1/job/{JOB}/status"))
        .count();
    assert!(waited >= 2, "wait polled ShowJobStepStatus {waited} times");

    let details = cab(&[
        "show-history-details",
        "--job-id",
        JOB,
        "--build-no",
        &fourth,
    ]);
    assert_eq!(details["build_number"].to_string(), fourth);
    let history = cab(&[
        "show-list-history",
        "--job-id",
        JOB,
        "--limit",
        "10",
        "--interval",
        "7",
    ]);
    let records = history["history_records"].as_array().unwrap();
    assert!(records.len() >= 4, "{history}");
    let record_id = records
        .iter()
        .find(|r| r["build_number"].as_u64() == fourth.parse().ok())
        .and_then(|r| r["record_id"].as_str())
        .unwrap()
        .to_owned();
    let jobs = cab(&[
        "show-job-list-by-project-id",
        "--project-id",
        demo::CODEARTS_PROJECT_ID,
    ]);
    assert!(
        jobs["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == JOB),
        "{jobs}"
    );
    let jobs = cab(&[
        "list-project-jobs",
        "--project-id",
        demo::CODEARTS_PROJECT_ID,
        "--page-size",
        "5",
    ]);
    assert!(
        jobs["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == JOB),
        "{jobs}"
    );
    let info = cab(&["show-job-info", "--job-id", JOB]);
    assert_eq!(info["job_name"], demo::CODEARTSBUILD_JOB_NAME);
    let record = cab(&["show-record-detail", "--job-id", JOB, "--build-no", &fourth]);
    assert_eq!(record["build_no"].to_string(), fourth);
    let output = cab(&["show-output-info", "--job-id", JOB, "--build-no", &fourth]);
    assert!(output.is_object(), "{output}");
    let log = cab(&[
        "download-real-time-log",
        "--job-id",
        JOB,
        "--build-no",
        &fourth,
    ]);
    assert!(!log["content"].as_str().unwrap().is_empty(), "{log}");

    // The full log streams to stdout as raw bytes, the same text the real-time log returned.
    let raw = emu
        .aksk()
        .args([
            "codeartsbuild",
            "download-build-log",
            "--record-id",
            &record_id,
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        raw.contains(log["content"].as_str().unwrap().lines().next().unwrap()),
        "{raw}"
    );

    // `wait --follow-logs` prints the log itself (to stdout) and the status lines to stderr.
    let fifth = build_no(&cab(&["run-job", "--job-id", JOB]));
    let out = emu
        .aksk()
        .args([
            "codeartsbuild",
            "wait",
            "--job-id",
            JOB,
            "--build-no",
            &fifth,
        ])
        .args(["--follow-logs", "--interval", "0.1"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stdout.is_empty() && serde_json::from_str::<serde_json::Value>(&stdout).is_err());
    assert!(
        stderr.contains(&format!("build {fifth} of job {JOB}: success")),
        "{stderr}"
    );
}
