//! `hwcloud sign` against the documented vector, signing.md §9 and the signer's conformance fixtures
//! (`crates/auth/tests/fixtures/official_signatures.json`, produced by the official Python signer).

#![allow(clippy::unwrap_used)] // tests fail loudly on unexpected errors

mod common;

use std::path::PathBuf;

use common::{DOC_AK, DOC_SK, hwcloud};
use hwcloud_auth::{SdkDate, SecretString, Verifier};
use serde_json::Value;

#[test]
fn documented_gateway_example_signs_byte_for_byte() {
    let out = hwcloud()
        .env("HUAWEICLOUD_SDK_AK", DOC_AK)
        .env("HUAWEICLOUD_SDK_SK", DOC_SK)
        .args([
            "sign",
            "-H",
            "Content-Type: application/json",
            "-H",
            "X-Sdk-Date: 20191115T033655Z",
            "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Host: service.region.example.com\n\
         Authorization: SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
         Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe\n"
    );
}

/// The seed request of signing.md §9.2 S1, signed with `extra` arguments.
fn sign_s1(extra: &[&str]) -> (String, String) {
    let out = hwcloud()
        .env("HUAWEICLOUD_SDK_AK", DOC_AK)
        .env("HUAWEICLOUD_SDK_SK", DOC_SK)
        .args(["sign", "-v", "-X", "POST"])
        .args(["-H", "Content-Type: application/json"])
        .args(["-H", "X-Project-Id: 0123456789abcdef0123456789abcdef"])
        .args(["-H", "X-Sdk-Date: 20251114T080042Z"])
        .args([
            "--data",
            r#"{"job_id":"f9d6c8466d614a9788e9a0acf6c15f46","build_no":"20"}"#,
        ])
        .args(extra)
        .arg("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/stop")
        .assert()
        .success()
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn signing_md_s1_a1_a2_vectors() {
    let host = "Host: cloudbuild-ext.cn-north-4.myhuaweicloud.com\n";
    let (out, err) = sign_s1(&[]);
    assert_eq!(
        out,
        format!(
            "{host}Authorization: SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=1db62f79b9957c4cb652d2b99314a532a632b07478db34608d08ff2ec60bb0aa\n"
        )
    );
    // --verbose (-v) prints the canonical request and the string to sign on stderr.
    assert!(err.contains(
        "POST\n/v3/jobs/stop/\n\ncontent-type:application/json\nhost:cloudbuild-ext.cn-north-4.myhuaweicloud.com\n\
         x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20251114T080042Z\n\n\
         content-type;host;x-project-id;x-sdk-date\n94f7322bf4f06fae4223f7a0cbac133e4471f0b17451231d5c4e7cbc25a9a06e"
    ), "{err}");
    assert!(err.contains(
        "SDK-HMAC-SHA256\n20251114T080042Z\n1b30d43a7d4f870b0042b1923ff97609fd7184255564b1860827dff3e513feb4"
    ), "{err}");

    let (out, _) = sign_s1(&["--algorithm", "SDK-HMAC-SM3"]);
    assert_eq!(
        out,
        format!(
            "{host}Authorization: SDK-HMAC-SM3 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=776d66c615ecc0b8c4cec243a6b728b055c4d18c05ad1300926fcbcfdf68d3c6\n"
        )
    );
    let (out, err) = sign_s1(&[
        "--algorithm",
        "V11-HMAC-SHA256",
        "--signing-region",
        "cn-north-4",
        "--signing-service",
        "CodeArtsBuild",
    ]);
    assert_eq!(
        out,
        format!(
            "{host}Authorization: V11-HMAC-SHA256 Credential=QTWAOYTTINDUT2QVKYUC/20251114/cn-north-4/CodeArtsBuild, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=15a410dfc560afc108229c45b098cede7ee7d8ee5f4d5ec6ab526dce40c3bf28\n"
        )
    );
    assert!(
        err.contains("V11-HMAC-SHA256\n20251114T080042Z\n20251114/cn-north-4/CodeArtsBuild\n"),
        "{err}"
    );
}

#[test]
fn added_date_and_security_token_are_printed_in_order() {
    let out = hwcloud()
        .env("HUAWEICLOUD_SDK_AK", DOC_AK)
        .env("HUAWEICLOUD_SDK_SK", DOC_SK)
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "SECTOKEN-EXAMPLE")
        .args([
            "sign",
            "-X",
            "PUT",
            "-H",
            "Content-Type: text/plain",
            "--data",
            "hello",
        ])
        .arg("https://example.com/v1/upload")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let names: Vec<&str> = out.lines().map(|l| l.split_once(": ").unwrap().0).collect();
    assert_eq!(
        names,
        [
            "X-Sdk-Date",
            "Host",
            "X-Sdk-Content-Sha256",
            "X-Security-Token",
            "Authorization"
        ]
    );
    assert!(out.contains("X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD\n"));
    assert!(out.contains("X-Security-Token: SECTOKEN-EXAMPLE\n"));
    let date = out
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("X-Sdk-Date: ");
    assert!(SdkDate::parse(date).is_some(), "{date}");
}

fn fixtures() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../auth/tests/fixtures/official_signatures.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs `hwcloud sign -v` for a fixture case; returns (stdout, stderr).
fn sign_case(case: &Value) -> (String, String) {
    let id = case["id"].as_str().unwrap();
    let mut cmd = hwcloud();
    cmd.env("HUAWEICLOUD_SDK_AK", case["access_key"].as_str().unwrap())
        .env("HUAWEICLOUD_SDK_SK", case["secret_key"].as_str().unwrap());
    if let Some(token) = case["security_token"].as_str() {
        cmd.env("HUAWEICLOUD_SDK_SECURITY_TOKEN", token);
    }
    cmd.args(["sign", "-v", "-X", case["method"].as_str().unwrap()])
        .args(["--algorithm", case["algorithm"].as_str().unwrap()]);
    if let (Some(r), Some(s)) = (case["region"].as_str(), case["service"].as_str()) {
        cmd.args(["--signing-region", r, "--signing-service", s]);
    }
    for h in case["headers"].as_array().unwrap() {
        cmd.arg("-H").arg(format!(
            "{}: {}",
            h[0].as_str().unwrap(),
            h[1].as_str().unwrap()
        ));
    }
    let body = hex(case["body_hex"].as_str().unwrap());
    if !body.is_empty() {
        let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sign-{id}.bin"));
        std::fs::write(&file, &body).unwrap();
        cmd.arg("--data-binary").arg(format!("@{}", file.display()));
    }
    let out = cmd
        .arg(case["url"].as_str().unwrap())
        .assert()
        .success()
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The headers the signer set (expected final headers that were not given, or given with another value
/// than the trimmed one), in `hwcloud sign`'s order.
fn expected_added(case: &Value) -> Vec<(String, String)> {
    let given: Vec<(String, String)> = case["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let name = h[0].as_str().unwrap().to_ascii_lowercase();
            (name, h[1].as_str().unwrap().trim().to_owned())
        })
        .collect();
    let rank = |n: &str| match n {
        "x-sdk-date" => 0,
        "host" => 1,
        n if n.starts_with("x-sdk-content-") => 2,
        "x-security-token" => 3,
        "authorization" => 9,
        _ => 5,
    };
    let mut added: Vec<(String, String)> = case["expected"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_owned(),
                h[1].as_str().unwrap().to_owned(),
            )
        })
        .filter(|(n, v)| !given.iter().any(|(gn, gv)| gn == n && gv == v))
        .collect();
    added.sort_by_key(|(n, _)| (rank(n), n.clone()));
    added
}

fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Cases `hwcloud sign` can take from a command line: an ASCII URL (the `http` crate refuses others).
fn usable(case: &Value) -> bool {
    case["url"].as_str().unwrap().is_ascii()
}

#[test]
fn hmac_fixtures_sign_byte_for_byte() {
    let all = fixtures();
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    // Every 7th case: a spread over all three algorithms, methods and header/path/query quirks.
    for case in all["hmac_cases"]
        .as_array()
        .unwrap()
        .iter()
        .step_by(7)
        .filter(|c| usable(c))
    {
        let id = case["id"].as_str().unwrap();
        let (out, err) = sign_case(case);
        // Every printed line is a final header of the official signer, byte for byte; every header it
        // added or changed is printed (a header it re-set to the same value may be printed too).
        let finals: Vec<(String, String)> = case["expected"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    title_case(h[0].as_str().unwrap()),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let printed: Vec<(String, String)> = out
            .lines()
            .map(|l| {
                let (n, v) = l.split_once(": ").unwrap_or_else(|| panic!("{id}: {l:?}"));
                (n.to_owned(), v.to_owned())
            })
            .collect();
        for line in &printed {
            assert!(
                finals.contains(line),
                "{id}: printed {line:?}, not in {finals:?}"
            );
        }
        for (n, v) in expected_added(case) {
            assert!(
                printed.contains(&(title_case(&n), v.clone())),
                "{id}: {n} missing from {out}"
            );
        }
        let auth = case["expected"]["authorization"].as_str().unwrap();
        assert_eq!(
            out.lines().last(),
            Some(format!("Authorization: {auth}").as_str()),
            "{id}"
        );
        let exp = &case["expected"];
        assert!(
            err.contains(exp["canonical_request"].as_str().unwrap()),
            "{id}: {err}"
        );
        assert!(
            err.contains(exp["string_to_sign"].as_str().unwrap()),
            "{id}: {err}"
        );
        *checked
            .entry(case["algorithm"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for alg in ["SDK-HMAC-SHA256", "SDK-HMAC-SM3", "V11-HMAC-SHA256"] {
        assert!(checked.get(alg).copied().unwrap_or(0) >= 10, "{checked:?}");
    }
}

#[test]
fn asymmetric_fixtures_produce_verifiable_signatures() {
    let all = fixtures();
    let mut checked = 0;
    for case in all["asymmetric_cases"]
        .as_array()
        .unwrap()
        .iter()
        .step_by(4)
        .filter(|c| usable(c))
    {
        let id = case["id"].as_str().unwrap();
        let (out, err) = sign_case(case);
        let exp = &case["expected"];
        // Randomised signatures: the canonical request and string to sign match, and the signature verifies.
        assert!(
            err.contains(exp["canonical_request"].as_str().unwrap()),
            "{id}: {err}"
        );
        assert!(
            err.contains(exp["string_to_sign"].as_str().unwrap()),
            "{id}: {err}"
        );
        let mut request = http::Request::builder()
            .method(
                case["method"]
                    .as_str()
                    .unwrap()
                    .to_ascii_uppercase()
                    .as_str(),
            )
            .uri(exp["path_and_query"].as_str().unwrap());
        for h in exp["headers"].as_array().unwrap() {
            let name = h[0].as_str().unwrap();
            if name != "authorization" {
                request = request.header(name, h[1].as_str().unwrap());
            }
        }
        let auth = out
            .lines()
            .find_map(|l| l.strip_prefix("Authorization: "))
            .unwrap_or_else(|| panic!("{id}: {out}"));
        assert!(
            auth.starts_with(case["algorithm"].as_str().unwrap()),
            "{id}: {auth}"
        );
        let (parts, ()) = request
            .header("authorization", auth)
            .body(())
            .unwrap()
            .into_parts();
        let sk = case["secret_key"].as_str().unwrap().to_owned();
        let now = SdkDate::parse(case["date"].as_str().unwrap())
            .unwrap()
            .to_system_time();
        let body = hex(case["body_hex"].as_str().unwrap());
        Verifier::default()
            .verify(&parts, &body, &|_| Some(SecretString::new(sk.clone())), now)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

#[test]
fn credentials_come_from_the_profile_of_the_credentials_file() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hwcloud-cli-sign-profile");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!("[basic]\nak = OTHERAK\nsk = other\n\n[doc]\nak = {DOC_AK}\nsk = {DOC_SK}\n"),
    )
    .unwrap();
    let run = |profile: Option<&str>| {
        let mut cmd = hwcloud();
        cmd.env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &file);
        if let Some(p) = profile {
            cmd.args(["--profile", p]);
        }
        let out = cmd
            .args(["sign", "-H", "Content-Type: application/json", "-H", "X-Sdk-Date: 20191115T033655Z"])
            .arg("https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    assert!(
        run(Some("doc"))
            .contains("Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe")
    );
    assert!(run(None).contains("Access=OTHERAK,"));
}
