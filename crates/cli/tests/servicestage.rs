//! Every `hwcloud servicestage` subcommand against the emulator.

#![allow(clippy::unwrap_used)] // tests fail loudly on unexpected errors

mod common;

use common::{Emu, json};
use hwcloud_emulator::demo;

const JOB: &str = demo::SERVICESTAGE_JOB_ID;

#[test]
fn every_servicestage_subcommand() {
    let emu = Emu::start();
    let ss = |args: &[&str]| {
        let mut full = vec!["servicestage"];
        full.extend_from_slice(args);
        json(emu.aksk(), &full)
    };

    let jobs = ss(&["list-jobs", "--page", "1", "--per-page", "10"]);
    assert!(
        jobs["list"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["job_id"] == JOB),
        "{jobs}"
    );
    let job = ss(&["show-job", "--job-id", JOB]);
    assert_eq!(job["job_id"], JOB);

    // Create, update and delete a job from a JSON spec (inline and from a file).
    let spec = r#"{"job_name":"cli-job","environment_setting":{"use_public_cluster":true,"build_os":{"arch":"x86_64"}}}"#;
    let created = ss(&["create-job", "--spec", spec]);
    let new_job = created["job_id"]
        .as_str()
        .or_else(|| created.pointer("/spec/job_id").and_then(|v| v.as_str()))
        .unwrap_or_else(|| panic!("no job_id in {created}"))
        .to_owned();
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hwcloud-cli-spec.json");
    std::fs::write(&file, spec.replace("cli-job", "cli-job-2")).unwrap();
    let at_file = format!("@{}", file.display());
    ss(&["update-job", "--job-id", &new_job, "--spec", &at_file]);
    let updated = emu
        .emulator
        .journal()
        .into_iter()
        .find(|e| e.method == "PUT")
        .unwrap();
    assert_eq!(updated.body_json().unwrap()["job_name"], "cli-job-2");
    let out = emu
        .aksk()
        .args(["servicestage", "delete-job", "--job-id", &new_job])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(out.is_empty());
    assert_eq!(
        emu.count("DELETE", &format!("/assembling/v1/jobs/{new_job}")),
        1
    );

    // Start a build and cancel it (the seed), then read it back.
    let started = ss(&["start-build", "--job-id", JOB]);
    let build = started["build_id"].as_str().unwrap().to_owned();
    let cancelled = ss(&["cancel-build", "--build-id", &build]);
    assert_eq!(cancelled["build_state"], "Cancel");
    assert_eq!(
        emu.count("PATCH", &format!("/assembling/v1/builds/{build}")),
        1
    );
    assert_eq!(
        ss(&["show-build", "--build-id", &build])["build_state"],
        "Cancel"
    );

    // Another instance runs to the end; `wait` prints it once it is final.
    let instance = ss(&[
        "create-build-instance",
        "--job-id",
        JOB,
        "--name",
        demo::SERVICESTAGE_JOB_NAME,
    ]);
    assert!(instance.is_object(), "{instance}");
    let started = ss(&["start-build", "--job-id", JOB]);
    let done_id = started["build_id"].as_str().unwrap().to_owned();
    let done = ss(&["wait", "--build-id", &done_id, "--interval", "0.1"]);
    assert_eq!(done["build_state"], "Successful", "{done}");

    let builds = ss(&[
        "list-builds",
        "--job-id",
        JOB,
        "--name",
        demo::SERVICESTAGE_JOB_NAME,
    ]);
    let listed = builds["list"].as_array().unwrap();
    assert!(
        listed.iter().any(|b| b["build_id"] == done_id.as_str()),
        "{builds}"
    );
    let phases = ss(&["list-phases", "--build-id", &done_id]);
    assert!(!phases["list"].as_array().unwrap().is_empty(), "{phases}");
    let logs = ss(&["show-logs", "--build-id", &done_id, "--from", "0"]);
    assert!(!logs["buildlog"].as_str().unwrap().is_empty(), "{logs}");
    let info = ss(&[
        "show-phase-info",
        "--build-id",
        &done_id,
        "--taskname",
        "checkstyle",
    ]);
    assert!(info.is_object(), "{info}");
    let results = ss(&["show-results", "--build-id", &done_id]);
    assert!(results.is_object(), "{results}");

    // `wait --follow-logs`: the log on stdout, the state line on stderr.
    let started = ss(&["start-build", "--job-id", JOB]);
    let followed = started["build_id"].as_str().unwrap().to_owned();
    let out = emu
        .aksk()
        .args([
            "servicestage",
            "wait",
            "--build-id",
            &followed,
            "--follow-logs",
            "--interval",
            "0.1",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(logs["buildlog"].as_str().unwrap().lines().next().unwrap()),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("build {followed}: Successful")),
        "{stderr}"
    );
}
