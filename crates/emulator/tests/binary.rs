//! The `hwcloud-emulator` binary: prints its address first, serves the configured account and jobs,
//! applies `--faults`, and refuses bad flags.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use hwcloud_auth::{AccessKeyCredentials, Signer};

const AK: &str = "BINARYTESTAK00000001";
const SK: &str = "binary-test-secret-key";
const JOB: &str = "0000000000000000000000000000b1a2";

/// Kills the child on drop so a failing assertion never leaks the process.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hwcloud-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let running = Running(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("first line within 30 s");
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (running, url)
}

async fn signed(
    client: &reqwest::Client,
    method: &str,
    url: String,
    body: &str,
) -> (u16, serde_json::Value) {
    let mut request = http::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .expect("request");
    Signer::default()
        .sign(&mut request, &AccessKeyCredentials::new(AK, SK))
        .expect("signs");
    let response = client
        .execute(reqwest::Request::try_from(request).expect("request"))
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON body");
    (status, body)
}

#[tokio::test]
async fn binary_serves_configured_account_jobs_and_faults() {
    let (_child, url) = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--ak",
        AK,
        "--sk",
        SK,
        "--codeartsbuild-job",
        JOB,
        "--build-step-ms",
        "50",
        "--faults",
        "GET /v9/faulty=503",
        "--seed",
        "9",
    ]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let client = reqwest::Client::new();

    let unknown = client
        .get(format!("{url}/v9/nothing"))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), 404);
    let body: serde_json::Value =
        serde_json::from_slice(&unknown.bytes().await.expect("body")).expect("JSON");
    assert_eq!(body["error_code"], "APIGW.0101");

    let faulty = client
        .get(format!("{url}/v9/faulty"))
        .send()
        .await
        .expect("sent");
    assert_eq!(faulty.status(), 503);

    let (status, body) = signed(
        &client,
        "POST",
        format!("{url}/v3/jobs/build"),
        &format!(r#"{{"job_id": "{JOB}"}}"#),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["actual_build_number"], "1");
    let (status, body) = signed(
        &client,
        "POST",
        format!("{url}/v3/jobs/stop"),
        &format!(r#"{{"job_id": "{JOB}", "build_no": "1"}}"#),
    )
    .await;
    assert_eq!((status, body), (200, serde_json::json!({"result": true})));

    // The demo key was replaced by --ak/--sk.
    let mut request = http::Request::get(format!("{url}/v3/jobs/{JOB}/status"))
        .body(Vec::new())
        .expect("request");
    Signer::default()
        .sign(
            &mut request,
            &AccessKeyCredentials::new(
                hwcloud_emulator::demo::ACCESS_KEY,
                hwcloud_emulator::demo::SECRET_KEY,
            ),
        )
        .expect("signs");
    let response = client
        .execute(reqwest::Request::try_from(request).expect("request"))
        .await
        .expect("sent");
    assert_eq!(response.status(), 401);
}

#[test]
fn binary_refuses_bad_flags() {
    for args in [
        &["--faults", "*=teapot"][..],
        &["--ak", "ONLYAK"][..],
        &["--user", "no-colon"][..],
        &["--codeartsbuild-job", "TOO-SHORT"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_hwcloud-emulator"))
            .args(args)
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(out.stdout.is_empty(), "{args:?} printed a listening line");
        assert!(!out.stderr.is_empty(), "{args:?} gave no reason");
    }
}
