//! Exit codes, the one-line error format, table output, `request`, token auth and `demo`.

#![allow(clippy::unwrap_used)] // tests fail loudly on unexpected errors

mod common;

use common::{Emu, closed_url, fails, hwcloud, json};
use hwcloud_emulator::demo;

const JOB: &str = demo::CODEARTSBUILD_JOB_ID;

/// `error: <code> <message> (request id <id>)` on exactly one line.
fn assert_service_line(stderr: &str) {
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    let line = stderr.trim_end();
    let rest = line
        .strip_prefix("error: ")
        .unwrap_or_else(|| panic!("{line}"));
    let (code, rest) = rest.split_once(' ').unwrap();
    assert!(!code.is_empty() && !rest.is_empty(), "{line}");
    let id = rest
        .rsplit_once(" (request id ")
        .and_then(|(_, id)| id.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no request id: {line}"));
    assert!(!id.is_empty(), "{line}");
}

#[test]
fn usage_errors_exit_2() {
    let emu = Emu::start();
    fails(
        emu.aksk(),
        &["codeartsbuild", "stop-job", "--job-id", JOB],
        2,
    );
    fails(emu.aksk(), &["codeartsbuild", "no-such-op"], 2);
    fails(
        emu.aksk(),
        &[
            "--output",
            "xml",
            "codeartsbuild",
            "show-job-status",
            "--job-id",
            JOB,
        ],
        2,
    );
    // Values clap accepts but the tool refuses before sending: also usage errors, one line.
    let stderr = fails(
        emu.aksk(),
        &[
            "codeartsbuild",
            "run-job",
            "--job-id",
            JOB,
            "--param",
            "no-equals-sign",
        ],
        2,
    );
    assert!(
        stderr.starts_with("error: USAGE ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    let stderr = fails(
        hwcloud(),
        &[
            "sign",
            "--algorithm",
            "V11-HMAC-SHA256",
            "https://example.com/",
        ],
        2,
    );
    assert!(stderr.contains("--signing-region"), "{stderr}");
    assert_eq!(emu.emulator.journal().len(), 0, "nothing was sent");
}

#[test]
fn service_errors_exit_3_with_one_line() {
    let emu = Emu::start();
    // An unknown job: the service's 4xx with its code, message and request id.
    let stderr = fails(
        emu.aksk(),
        &[
            "codeartsbuild",
            "show-job-status",
            "--job-id",
            "0123456789abcdef0123456789abcdef",
        ],
        3,
    );
    assert_service_line(&stderr);
    let rid = &emu.emulator.journal()[0].request_id;
    assert!(stderr.contains(rid.as_str()), "{stderr} vs {rid}");
    // A wrong secret key: the gateway refuses the signature.
    let mut cmd = emu.aksk();
    cmd.env(
        "HUAWEICLOUD_SDK_SK",
        "not-the-secret-key-at-all-0000000000000",
    );
    let stderr = fails(
        cmd,
        &[
            "servicestage",
            "show-job",
            "--job-id",
            demo::SERVICESTAGE_JOB_ID,
        ],
        3,
    );
    assert_service_line(&stderr);
    assert!(stderr.contains("APIGW.0301"), "{stderr}");
    assert!(!stderr.contains("not-the-secret-key"), "{stderr}");
}

#[test]
fn network_errors_exit_4() {
    let mut cmd = hwcloud();
    cmd.env("HUAWEICLOUD_SDK_AK", demo::ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", demo::SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", demo::PROJECT_ID);
    let stderr = fails(
        cmd,
        &[
            "--region",
            demo::REGION,
            "--endpoint",
            &closed_url(),
            "codeartsbuild",
            "show-job-status",
            "--job-id",
            JOB,
        ],
        4,
    );
    assert!(
        stderr.starts_with("error: NETWORK ") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn missing_credentials_exit_5() {
    let emu = Emu::start();
    let mut cmd = hwcloud();
    cmd.args([
        "--region",
        demo::REGION,
        "--endpoint",
        &emu.emulator.base_url(),
    ]);
    let stderr = fails(
        cmd,
        &["codeartsbuild", "show-job-status", "--job-id", JOB],
        5,
    );
    assert!(
        stderr.starts_with("error: CREDENTIALS ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert!(
        stderr.contains("HUAWEICLOUD_SDK_AK"),
        "the error lists what was tried: {stderr}"
    );
    // Token auth asked for without token settings; a profile that does not exist.
    let stderr = fails(
        emu.aksk(),
        &["--auth", "token", "servicestage", "list-jobs"],
        5,
    );
    assert!(stderr.starts_with("error: CREDENTIALS "), "{stderr}");
    let stderr = fails(hwcloud(), &["sign", "https://example.com/v1/x"], 5);
    assert!(stderr.starts_with("error: CREDENTIALS "), "{stderr}");
    assert_eq!(
        emu.emulator.journal().len(),
        0,
        "nothing reached the service"
    );
}

#[test]
fn table_output() {
    let emu = Emu::start();
    let out = emu
        .aksk()
        .args([
            "--output",
            "table",
            "codeartsbuild",
            "show-job-info",
            "--job-id",
            JOB,
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let name_line = out.lines().find(|l| l.starts_with("job_name ")).unwrap();
    assert!(name_line.ends_with(demo::CODEARTSBUILD_JOB_NAME), "{out}");
    // Keys are padded to one column: every value starts at the same offset.
    let offsets: Vec<usize> = out
        .lines()
        .filter(|l| l.contains("  "))
        .map(|l| {
            l.find("  ").unwrap() + l[l.find("  ").unwrap()..].len()
                - l[l.find("  ").unwrap()..].trim_start().len()
        })
        .collect();
    assert!(
        offsets.len() > 3 && offsets.windows(2).all(|w| w[0] == w[1]),
        "{out}"
    );

    // A list of records becomes columns with a header row.
    let out = emu
        .aksk()
        .args(["servicestage", "list-jobs", "--output", "table"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let header = out
        .lines()
        .find(|l| l.starts_with("JOB_ID"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(header.contains("JOB_NAME"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with(demo::SERVICESTAGE_JOB_ID)),
        "{out}"
    );
}

#[test]
fn request_sends_signed_calls_and_prints_the_body() {
    let emu = Emu::start();
    let base = emu.emulator.base_url();
    let status = json(
        emu.aksk(),
        &["request", &format!("{base}/v3/jobs/{JOB}/status")],
    );
    assert!(status["result"].is_boolean(), "{status}");
    let sent = &emu.emulator.journal()[0];
    assert_eq!(sent.header("x-project-id"), Some(demo::PROJECT_ID));
    assert!(
        sent.header("authorization")
            .unwrap()
            .starts_with("SDK-HMAC-SHA256 ")
    );

    // A body defaults to POST with application/json; -i prints the status line and headers first.
    let body = format!(r#"{{"job_id":"{JOB}"}}"#);
    let out = emu
        .aksk()
        .args([
            "request",
            "-i",
            "--data",
            &body,
            &format!("{base}/v3/jobs/build"),
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
    let (_, json_body) = out.split_once("\n\n").unwrap();
    let run: serde_json::Value = serde_json::from_str(json_body).unwrap();
    assert!(run["actual_build_number"].is_string(), "{out}");
    let sent = emu
        .emulator
        .journal()
        .into_iter()
        .find(|e| e.path == "/v3/jobs/build")
        .unwrap();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.body, body);

    // A non-2xx answer: exit 3 with the error line.
    let stderr = fails(
        emu.aksk(),
        &[
            "request",
            "-X",
            "DELETE",
            &format!("{base}/v3/jobs/{JOB}/status"),
        ],
        3,
    );
    assert_service_line(&stderr);
    // The body can come from a file.
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hwcloud-cli-body.json");
    std::fs::write(&file, &body).unwrap();
    json(
        emu.aksk(),
        &[
            "request",
            "--data-binary",
            &format!("@{}", file.display()),
            &format!("{base}/v1/job/execute"),
        ],
    );
}

#[test]
fn token_auth_uses_one_password_token_and_never_logs_secrets() {
    let emu = Emu::start();
    let out = emu
        .token()
        .args(["-vv", "codeartsbuild", "show-job-status", "--job-id", JOB])
        .assert()
        .success()
        .get_output()
        .clone();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(status["result"].is_boolean());
    assert_eq!(emu.count("POST", "/v3/auth/tokens"), 1);
    let call = emu
        .emulator
        .journal()
        .into_iter()
        .find(|e| e.path.ends_with("/status"))
        .unwrap();
    let token = call.header("x-auth-token").unwrap().to_owned();
    assert!(call.header("authorization").is_none());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains(demo::PASSWORD) && !stderr.contains(&token),
        "{stderr}"
    );

    // `request` with token auth sends X-Auth-Token too.
    let base = emu.emulator.base_url();
    json(
        emu.token(),
        &[
            "request",
            &format!("{base}/assembling/v1/jobs/{}", demo::SERVICESTAGE_JOB_ID),
        ],
    );
    let last = emu.emulator.journal().pop().unwrap();
    assert!(last.header("x-auth-token").is_some());
}

#[test]
fn profile_selects_a_credentials_file_section() {
    let emu = Emu::start();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hwcloud-cli-profile");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!(
            "[basic]\nak = WRONGWRONGWRONG00000\nsk = wrong\nproject_id = {}\n\n[emu]\nak = {}\nsk = {}\nproject_id = {}\n",
            demo::PROJECT_ID,
            demo::ACCESS_KEY,
            demo::SECRET_KEY,
            demo::PROJECT_ID
        ),
    )
    .unwrap();
    let mut cmd = hwcloud();
    cmd.env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &file).args([
        "--region",
        demo::REGION,
        "--endpoint",
        &emu.emulator.base_url(),
    ]);
    let mut default = hwcloud();
    default
        .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &file)
        .args([
            "--region",
            demo::REGION,
            "--endpoint",
            &emu.emulator.base_url(),
        ]);
    json(
        cmd,
        &[
            "--profile",
            "emu",
            "codeartsbuild",
            "show-job-status",
            "--job-id",
            JOB,
        ],
    );
    // Without --profile the [basic] section is used, and its AK is refused.
    fails(
        default,
        &["codeartsbuild", "show-job-status", "--job-id", JOB],
        3,
    );
}

#[test]
fn demo_exits_0_and_ignores_the_users_settings() {
    let out = hwcloud()
        .env("HUAWEICLOUD_SDK_AK", "SOMEONES-REAL-AK")
        .env("HUAWEICLOUD_SDK_SK", "someones-real-sk")
        .env("HUAWEICLOUD_SDK_REGION", "eu-west-101")
        .arg("demo")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("StopJob (deprecated)") && out.contains("CancelBuild"),
        "{out}"
    );
    assert!(!out.contains("FAIL"), "{out}");
    assert!(out.trim_end().ends_with(" passed, 0 failed"), "{out}");
}
