//! The documented gateway vector (signing.md §9.1) and the official-signer vectors §9.2–§9.4,
//! each as its own test.

#![allow(clippy::unwrap_used)]

use hwcloud_auth::{AccessKeyCredentials, Signer, SigningAlgorithm, SigningOutput};

const AK: &str = "QTWAOYTTINDUT2QVKYUC";
const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const DATE: &str = "20251114T080042Z";
const STOP_BODY: &[u8] = br#"{"job_id":"f9d6c8466d614a9788e9a0acf6c15f46","build_no":"20"}"#;
const CB: &str = "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com";

fn creds() -> AccessKeyCredentials {
    AccessKeyCredentials::new(AK, SK)
}

fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(body.to_vec()).unwrap()
}

fn json_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Content-Type", "application/json"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", DATE),
    ]
}

fn sign(
    alg: SigningAlgorithm,
    req: &mut http::Request<Vec<u8>>,
    creds: &AccessKeyCredentials,
) -> SigningOutput {
    Signer::new(alg).sign(req, creds).unwrap()
}

fn sts_hash(out: &SigningOutput) -> &str {
    out.string_to_sign().rsplit('\n').next().unwrap()
}

fn auth(req: &http::Request<Vec<u8>>) -> &str {
    req.headers()["authorization"].to_str().unwrap()
}

#[test]
fn v1_documented_gateway_example() {
    let mut req = request(
        "GET",
        "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        &[
            ("Content-Type", "application/json"),
            ("X-Sdk-Date", "20191115T033655Z"),
        ],
        b"",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n\
         content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n\
         content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        out.string_to_sign(),
        "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    assert_eq!(
        auth(&req),
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert_eq!(out.authorization(), auth(&req));
    assert_eq!(req.headers()["host"], "service.region.example.com");
}

const S_HEADERS: &str = "content-type:application/json\nhost:cloudbuild-ext.cn-north-4.myhuaweicloud.com\n\
    x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20251114T080042Z\n\ncontent-type;host;x-project-id;x-sdk-date\n";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const JSON_SIGNED: &str = "SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=";

#[test]
fn s1_stop_job_json_body() {
    let mut req = request(
        "POST",
        &format!("{CB}/v3/jobs/stop"),
        &json_headers(),
        STOP_BODY,
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        format!(
            "POST\n/v3/jobs/stop/\n\n{S_HEADERS}94f7322bf4f06fae4223f7a0cbac133e4471f0b17451231d5c4e7cbc25a9a06e"
        )
    );
    assert_eq!(
        sts_hash(&out),
        "1b30d43a7d4f870b0042b1923ff97609fd7184255564b1860827dff3e513feb4"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, {JSON_SIGNED}1db62f79b9957c4cb652d2b99314a532a632b07478db34608d08ff2ec60bb0aa"
        )
    );
    assert_eq!(
        out.signed_headers(),
        "content-type;host;x-project-id;x-sdk-date"
    );
    assert_eq!(
        out.added_headers().collect::<Vec<_>>(),
        [&http::header::HOST, &http::header::AUTHORIZATION]
    );
}

#[test]
fn s2_stop_build_job_empty_body() {
    let mut req = request(
        "POST",
        &format!("{CB}/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/20/stop"),
        &json_headers(),
        b"",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        format!(
            "POST\n/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/20/stop/\n\n{S_HEADERS}{EMPTY_SHA256}"
        )
    );
    assert_eq!(
        sts_hash(&out),
        "3619ae7074f6ceb60062ccba00db2aefd47860577646e0d2cc66ec452fbb3908"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, {JSON_SIGNED}381e6e11885f7c77bc67c7c625c7fa2d3868546acc271dc3b975eb23f93a5ccd"
        )
    );
}

#[test]
fn s3_query_with_date_times() {
    // Parameters in the caller's order, encoded the way a client might (`:` left as is).
    let mut req = request(
        "GET",
        &format!(
            "{CB}/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/build-info-records?start_time=2025-11-01%2000:00:00&end_time=2025-11-14%2023:59:59&page_index=0&page_size=20"
        ),
        &json_headers(),
        b"",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    let query = "end_time=2025-11-14%2023%3A59%3A59&page_index=0&page_size=20&start_time=2025-11-01%2000%3A00%3A00";
    assert_eq!(
        out.canonical_request(),
        format!(
            "GET\n/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/build-info-records/\n{query}\n{S_HEADERS}{EMPTY_SHA256}"
        )
    );
    assert_eq!(
        sts_hash(&out),
        "60248e699a84d61177d3b085969840806a901f63129cdb6d0c8657e83d7becca"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, {JSON_SIGNED}74a51725fe5ddcc1d48e5247695491839d0dd832503d934065a474c1826034dd"
        )
    );
    // The wire query becomes the canonical query, as the official SDK sends it.
    assert_eq!(
        req.uri().path_and_query().unwrap().as_str(),
        format!("/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/build-info-records?{query}")
    );
}

#[test]
fn s4_query_quirks() {
    let mut req = request(
        "GET",
        &format!(
            "{CB}/v1/job/{PROJECT}/list?page_size=10&page_index=0&by_group=true&search=&build_status=success&build_status=failed&a%3A=2&a0=1&B=x%20y%2Bz%2F~%2A%C3%A9"
        ),
        &json_headers(),
        b"",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        format!(
            "GET\n/v1/job/{PROJECT}/list/\nB=x%20y%2Bz%2F~%2A%C3%A9&a0=1&a%3A=2&build_status=failed&build_status=success&by_group=true&page_index=0&page_size=10&search=\n{S_HEADERS}{EMPTY_SHA256}"
        )
    );
    assert_eq!(
        sts_hash(&out),
        "b86449cb1d77abf76f17b4781d3695a1a56b52dcb4638f51c2f9286cebce7310"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, {JSON_SIGNED}cf3833ca1be97487a833f133249229de2429be23abc0d6af47e27970359bf050"
        )
    );
}

#[test]
fn s5_path_quirks() {
    let mut req = request(
        "GET",
        &format!("{CB}/v1/record/p%201%2Fx/%C3%BC~a/"),
        &json_headers(),
        b"",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        format!("GET\n/v1/record/p%201/x/%C3%BC~a/\n\n{S_HEADERS}{EMPTY_SHA256}")
    );
    assert_eq!(
        sts_hash(&out),
        "f47d3f28fb2ca98d773e6637ff29a74579af88c5c4fbe6e4337da19e1f56bc90"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, {JSON_SIGNED}dd39e02abb6058d80bfed5e87017869a074aa2ded47a0d6c3c54f6ad5f09b2f0"
        )
    );
    assert_eq!(
        req.uri().path(),
        "/v1/record/p%201%2Fx/%C3%BC~a/",
        "the wire path is not changed"
    );
}

#[test]
fn s6_header_quirks() {
    let mut req = request(
        "GET",
        "https://127.0.0.1:8443/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/status",
        &[
            ("Content-Type", "application/json"),
            ("X-Project-Id", PROJECT),
            ("X_Custom_Under", "not signed"),
            ("X-Trim", "  inner   spaces kept  "),
            ("X-Sdk-Date", DATE),
        ],
        b"",
    );
    let creds = creds().with_security_token("SECTOKEN-EXAMPLE");
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds);
    assert_eq!(
        out.canonical_request(),
        format!(
            "GET\n/v3/jobs/f9d6c8466d614a9788e9a0acf6c15f46/status/\n\ncontent-type:application/json\nhost:127.0.0.1:8443\n\
             x-project-id:{PROJECT}\nx-sdk-date:{DATE}\nx-security-token:SECTOKEN-EXAMPLE\nx-trim:inner   spaces kept\n\n\
             content-type;host;x-project-id;x-sdk-date;x-security-token;x-trim\n{EMPTY_SHA256}"
        )
    );
    assert_eq!(
        sts_hash(&out),
        "7e20f7e2602ea3514a32d7b1eed26578a09c83b76b421a677c078bb1a00f7757"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token;x-trim, Signature=28318994d49bc4b8e1b4bf92baefbd59d69817d2749b1d7a9b84b21e68e67828"
        )
    );
    let h = req.headers();
    assert_eq!(h["x_custom_under"], "not signed");
    assert_eq!(h["x-trim"], "inner   spaces kept");
    assert_eq!(h["host"], "127.0.0.1:8443");
    assert_eq!(h["x-security-token"], "SECTOKEN-EXAMPLE");
}

#[test]
fn s7a_unsigned_payload() {
    let mut req = request(
        "PUT",
        "https://example.com/v1/upload",
        &[("Content-Type", "text/plain"), ("X-Sdk-Date", DATE)],
        b"hello",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        format!(
            "PUT\n/v1/upload/\n\ncontent-type:text/plain\nhost:example.com\nx-sdk-content-sha256:UNSIGNED-PAYLOAD\nx-sdk-date:{DATE}\n\n\
             content-type;host;x-sdk-content-sha256;x-sdk-date\nUNSIGNED-PAYLOAD"
        )
    );
    assert_eq!(
        sts_hash(&out),
        "23eae4cf57c9994fcd08312d0706c6dd0ff98e774cbad475c219559e6ad9b928"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-sdk-content-sha256;x-sdk-date, Signature=d5bb491e98f575c5d5fdbc45f1b9e095188dc4b575695d56d744365278fae06a"
        )
    );
    assert_eq!(req.headers()["x-sdk-content-sha256"], "UNSIGNED-PAYLOAD");
}

#[test]
fn s7b_unsigned_payload_header_but_empty_body() {
    let mut req = request(
        "DELETE",
        "https://example.com/v1/upload",
        &[
            ("Content-Type", "application/octet-stream"),
            ("X-Sdk-Date", DATE),
        ],
        b"",
    );
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds());
    assert!(
        out.canonical_request()
            .ends_with(&format!("\n{EMPTY_SHA256}"))
    );
    assert_eq!(
        sts_hash(&out),
        "32a4e4c1b04d24ecf568bcd0448e2bffb3787067493aac1d375bae6c159e161a"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-sdk-content-sha256;x-sdk-date, Signature=58223589a81d2b5930b9e950d1c7846df3d062e2fef648fe1657678d496fcfe9"
        )
    );
}

#[test]
fn s8_servicestage_cancel_with_temporary_credentials() {
    let mut req = request(
        "PATCH",
        "https://servicestage.cn-north-4.myhuaweicloud.com/assembling/v1/builds/kzqjkrvbglqbczhm82kkjlh0ixe2o2wv8v85fpmv",
        &[
            ("Content-Type", "application/json;charset=utf8"),
            ("X-Project-Id", PROJECT),
            ("X-Sdk-Date", DATE),
        ],
        b"",
    );
    let creds = creds().with_security_token("SECTOKEN-EXAMPLE");
    let out = sign(SigningAlgorithm::HmacSha256, &mut req, &creds);
    assert_eq!(
        sts_hash(&out),
        "be7cd9c300aedede511e0480754f19b16001e0f61710c2e61e39e0bb77b42d40"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature=a98df3c7eaf7f66400a377970ba09ea4a82bb0634c42d9bedb2a81b208a26042"
        )
    );
    assert!(out.added_headers().any(|name| name == "x-security-token"));
}

#[test]
fn a1_hmac_sm3() {
    let mut req = request(
        "POST",
        &format!("{CB}/v3/jobs/stop"),
        &json_headers(),
        STOP_BODY,
    );
    let out = sign(SigningAlgorithm::HmacSm3, &mut req, &creds());
    assert_eq!(
        out.canonical_request(),
        format!(
            "POST\n/v3/jobs/stop/\n\n{S_HEADERS}cc22613fbaac60f8f328816d3a2a7b36dbb9ab59dad8648e829a2f2b6745463e"
        )
    );
    assert_eq!(
        out.string_to_sign(),
        "SDK-HMAC-SM3\n20251114T080042Z\n92c63c4d1367ec0bb27be35e6a7184c2ce3114454a8f281042894102fd573efd"
    );
    assert_eq!(
        auth(&req),
        format!(
            "SDK-HMAC-SM3 Access={AK}, {JSON_SIGNED}776d66c615ecc0b8c4cec243a6b728b055c4d18c05ad1300926fcbcfdf68d3c6"
        )
    );
}

#[test]
fn a2_v11_hmac_sha256() {
    let mut req = request(
        "POST",
        &format!("{CB}/v3/jobs/stop"),
        &json_headers(),
        STOP_BODY,
    );
    let alg = SigningAlgorithm::V11HmacSha256 {
        region: "cn-north-4".into(),
        service: "CodeArtsBuild".into(),
    };
    let out = sign(alg, &mut req, &creds());
    assert_eq!(
        out.string_to_sign(),
        "V11-HMAC-SHA256\n20251114T080042Z\n20251114/cn-north-4/CodeArtsBuild\n1b30d43a7d4f870b0042b1923ff97609fd7184255564b1860827dff3e513feb4"
    );
    assert_eq!(
        auth(&req),
        format!(
            "V11-HMAC-SHA256 Credential={AK}/20251114/cn-north-4/CodeArtsBuild, {JSON_SIGNED}15a410dfc560afc108229c45b098cede7ee7d8ee5f4d5ec6ab526dce40c3bf28"
        )
    );
}
