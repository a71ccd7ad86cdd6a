//! Typed errors, "the request is untouched on error", and what the signer adds or replaces.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderValue, Request};
use hwcloud_auth::{AccessKeyCredentials, SdkDate, SignError, Signer, SigningAlgorithm};

const AK: &str = "QTWAOYTTINDUT2QVKYUC";
const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

fn creds() -> AccessKeyCredentials {
    AccessKeyCredentials::new(AK, SK)
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_763_107_242) // 20251114T080042Z
}

/// Signs and asserts that a failure left the request exactly as it was.
fn sign_untouched(
    signer: &Signer,
    req: &mut Request<Vec<u8>>,
    creds: &AccessKeyCredentials,
) -> SignError {
    let before_uri = req.uri().clone();
    let before_headers = req.headers().clone();
    let err = signer.sign_at(req, creds, now()).unwrap_err();
    assert_eq!(req.uri(), &before_uri, "{err}");
    assert_eq!(req.headers(), &before_headers, "{err}");
    // The same through `sign_parts`.
    let (mut parts, body) = std::mem::take(req).into_parts();
    let err2 = signer
        .sign_parts(&mut parts, &body, creds, now())
        .unwrap_err();
    assert_eq!(err, err2);
    assert_eq!(parts.uri, before_uri);
    assert_eq!(parts.headers, before_headers);
    *req = Request::from_parts(parts, body);
    err
}

fn get(url: &str) -> Request<Vec<u8>> {
    Request::get(url)
        .header("content-type", "application/json")
        .body(Vec::new())
        .unwrap()
}

#[test]
fn empty_access_key_or_secret_key() {
    let s = Signer::default();
    let mut req = get("https://example.com/v1");
    assert_eq!(
        sign_untouched(&s, &mut req, &AccessKeyCredentials::new("", SK)),
        SignError::EmptyAccessKey
    );
    assert_eq!(
        sign_untouched(&s, &mut req, &AccessKeyCredentials::new(AK, "")),
        SignError::EmptySecretKey
    );
}

#[test]
fn missing_host() {
    let mut req = get("/v1/relative");
    assert_eq!(
        sign_untouched(&Signer::default(), &mut req, &creds()),
        SignError::MissingHost
    );
    // A Host header makes an origin-form URI signable, and is used as is.
    req.headers_mut()
        .insert("host", HeaderValue::from_static("api.example.com:8443"));
    let out = Signer::default()
        .sign_at(&mut req, &creds(), now())
        .unwrap();
    assert!(
        out.canonical_request()
            .contains("\nhost:api.example.com:8443\n")
    );
    assert!(!out.added_headers().any(|name| name == http::header::HOST));
}

#[test]
fn unparsable_sdk_date() {
    for bad in [
        "2025-11-14T08:00:42Z",
        "20251114T080042",
        "20251314T080042Z",
        "now",
    ] {
        let mut req = get("https://example.com/v1");
        req.headers_mut()
            .insert("x-sdk-date", HeaderValue::from_str(bad).unwrap());
        assert_eq!(
            sign_untouched(&Signer::default(), &mut req, &creds()),
            SignError::InvalidSdkDate {
                value: bad.to_owned()
            }
        );
    }
}

#[test]
fn clock_outside_four_digit_years() {
    let mut req = get("https://example.com/v1");
    let err = Signer::default()
        .sign_at(
            &mut req,
            &creds(),
            UNIX_EPOCH + Duration::from_secs(300_000_000_000),
        )
        .unwrap_err();
    assert!(matches!(err, SignError::InvalidSdkDate { .. }), "{err}");
    assert!(req.headers().get("authorization").is_none());
}

#[test]
fn invalid_percent_encoding() {
    for (url, part) in [
        ("https://example.com/v1/a%zzb", "path"),
        ("https://example.com/v1/a%2", "path"),
        ("https://example.com/v1/%C3", "path"),
        ("https://example.com/v1?a=%ff", "query"),
        ("https://example.com/v1?a%g0=1", "query"),
    ] {
        let mut req = get(url);
        let err = sign_untouched(&Signer::default(), &mut req, &creds());
        assert!(
            matches!(&err, SignError::InvalidPercentEncoding { part: p, .. } if *p == part),
            "{url}: {err}"
        );
    }
}

#[test]
fn header_values_that_cannot_be_signed() {
    let mut req = get("https://example.com/v1");
    req.headers_mut()
        .insert("x-bin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    let err = sign_untouched(&Signer::default(), &mut req, &creds());
    assert_eq!(
        err,
        SignError::InvalidHeaderValue {
            name: "x-bin".into(),
            reason: "it is not valid UTF-8"
        }
    );

    // Not signed (underscore), so not a problem: sent as is.
    let mut req = get("https://example.com/v1");
    req.headers_mut()
        .insert("x_bin", HeaderValue::from_bytes(b"caf\xe9 ").unwrap());
    let out = Signer::default()
        .sign_at(&mut req, &creds(), now())
        .unwrap();
    assert!(!out.signed_headers().contains("x_bin"));
    assert_eq!(req.headers()["x_bin"].as_bytes(), b"caf\xe9 ");

    // A security token with a line break never reaches the wire.
    let mut req = get("https://example.com/v1");
    let err = sign_untouched(
        &Signer::default(),
        &mut req,
        &creds().with_security_token("S3CR3T\r\nX-Evil: 1"),
    );
    assert!(
        matches!(&err, SignError::InvalidHeaderValue { name, .. } if name == "x-security-token"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("S3CR3T") && !format!("{err:?}").contains("S3CR3T"),
        "the token must not leak into the error: {err}"
    );

    // An AK that cannot go into a header.
    let mut req = get("https://example.com/v1");
    let err = sign_untouched(
        &Signer::default(),
        &mut req,
        &AccessKeyCredentials::new("AK\nX", SK),
    );
    assert!(
        matches!(&err, SignError::InvalidHeaderValue { name, .. } if name == "authorization"),
        "{err}"
    );
}

#[test]
fn repeated_signed_header() {
    let mut req = get("https://example.com/v1");
    req.headers_mut()
        .append("x-tag", HeaderValue::from_static("a"));
    req.headers_mut()
        .append("x-tag", HeaderValue::from_static("b"));
    assert_eq!(
        sign_untouched(&Signer::default(), &mut req, &creds()),
        SignError::DuplicateHeader {
            name: "x-tag".into()
        }
    );
}

#[test]
fn adds_only_what_it_must_and_replaces_authorization() {
    let mut req = Request::post("https://user:pw@example.com:8443/v1?b=2&a=1")
        .header("content-type", "application/json")
        .header("authorization", "Bearer stale")
        .header("x-security-token", "old-token")
        .header("x-keep", "  padded  ")
        .body(br#"{"a":1}"#.to_vec())
        .unwrap();
    let out = Signer::default()
        .sign_at(&mut req, &creds().with_security_token("new-token"), now())
        .unwrap();
    let h = req.headers();
    assert_eq!(
        h["host"], "example.com:8443",
        "user info is not part of Host"
    );
    assert_eq!(
        h["x-sdk-date"],
        SdkDate::from_system_time(now()).to_string()
    );
    assert_eq!(h["x-security-token"], "new-token");
    assert_eq!(h["x-keep"], "padded", "the trimmed value is what is sent");
    assert_eq!(h.get_all("authorization").iter().count(), 1);
    assert_eq!(h["authorization"].to_str().unwrap(), out.authorization());
    assert!(!out.signed_headers().contains("authorization"));
    assert_eq!(
        out.signed_headers(),
        "content-type;host;x-keep;x-sdk-date;x-security-token"
    );
    assert_eq!(h.len(), 6);
    let mut added: Vec<&str> = out.added_headers().map(|n| n.as_str()).collect();
    added.sort_unstable();
    assert_eq!(
        added,
        ["authorization", "host", "x-sdk-date", "x-security-token"]
    );
    assert_eq!(
        req.uri().query(),
        Some("a=1&b=2"),
        "the wire query is the canonical query"
    );
    assert_eq!(
        req.uri().authority().unwrap().as_str(),
        "user:pw@example.com:8443",
        "only the query changes"
    );
}

#[test]
fn precomputed_payload_hash_is_used_for_non_empty_bodies() {
    let body = b"streamed elsewhere".to_vec();
    let mut req = Request::put("https://example.com/v1/obj")
        .header("content-type", "application/json")
        .header(
            "x-sdk-content-sha256",
            "0000000000000000000000000000000000000000000000000000000000000000",
        )
        .body(body)
        .unwrap();
    let out = Signer::default()
        .sign_at(&mut req, &creds(), now())
        .unwrap();
    assert!(
        out.canonical_request()
            .ends_with("\n0000000000000000000000000000000000000000000000000000000000000000")
    );
    // SM3 algorithms look at their own header only.
    let mut req2 = Request::put("https://example.com/v1/obj")
        .header("x-sdk-content-sha256", "abc")
        .body(b"x".to_vec())
        .unwrap();
    let out = Signer::new(SigningAlgorithm::HmacSm3)
        .sign_at(&mut req2, &creds(), now())
        .unwrap();
    assert!(
        out.canonical_request()
            .contains("\nx-sdk-content-sha256:abc\n")
    );
    assert!(!out.canonical_request().ends_with("\nabc"));
}

#[test]
fn sign_and_sign_parts_agree() {
    let mk = || {
        Request::post("https://example.com/v1/a%20b?z=1&y")
            .header("x-sdk-date", "20251114T080042Z")
            .header("content-type", "text/plain")
            .body(b"hello".to_vec())
            .unwrap()
    };
    let mut a = mk();
    let out_a = Signer::default().sign(&mut a, &creds()).unwrap();
    let (mut parts, body) = mk().into_parts();
    let out_b = Signer::default()
        .sign_parts(&mut parts, &body, &creds(), now())
        .unwrap();
    assert_eq!(out_a, out_b);
    assert_eq!(a.headers(), &parts.headers);
    assert_eq!(a.uri(), &parts.uri);
}

#[test]
fn errors_are_typed_and_readable() {
    let e = SignError::InvalidPercentEncoding {
        part: "path",
        detail: "x".into(),
    };
    assert_eq!(
        e.to_string(),
        "invalid percent-encoding in the request path: x"
    );
    let shown = format!("{:?}", creds());
    assert!(!shown.contains(SK));
}

#[test]
fn debug_output_never_shows_the_security_token() {
    let temporary = AccessKeyCredentials::new(AK, SK).with_security_token("SECTOKEN-VALUE");
    let mut req = http::Request::get("https://example.com/v1/x")
        .body(Vec::new())
        .unwrap();
    let out = Signer::default().sign(&mut req, &temporary).unwrap();
    // The accessor is the exact text that was hashed, for comparing with the gateway's...
    assert!(
        out.canonical_request()
            .contains("x-security-token:SECTOKEN-VALUE")
    );
    // ...but Debug (what ends up in logs) hides it, and the secret key never appears at all.
    let shown = format!("{out:?}");
    assert!(!shown.contains("SECTOKEN-VALUE"), "{shown}");
    assert!(shown.contains("x-security-token:<redacted>"), "{shown}");
    assert!(!shown.contains(SK), "{shown}");
}

#[test]
fn headers_the_signer_sets_for_secrets_are_sensitive() {
    let temporary = AccessKeyCredentials::new(AK, SK).with_security_token("SECTOKEN-VALUE");
    let mut req = http::Request::get("https://example.com/v1/x")
        .body(Vec::new())
        .unwrap();
    Signer::default().sign(&mut req, &temporary).unwrap();
    let headers = req.headers();
    assert!(headers["x-security-token"].is_sensitive());
    assert!(headers["authorization"].is_sensitive());
    assert!(!headers["host"].is_sensitive());
    // A logged header map (`{:?}` of the request) shows neither the token nor the signature.
    let shown = format!("{req:?}");
    assert!(!shown.contains("SECTOKEN-VALUE"), "{shown}");
    assert!(!shown.contains("Signature="), "{shown}");
    assert!(shown.contains("example.com"), "{shown}");
}

#[test]
fn credentials_that_differ_only_in_use_are_equal() {
    // The cached HMAC key is derived from the SK, so signing with one copy does not make it
    // differ from another.
    let used = creds();
    let mut req = get("https://example.com/v1/x");
    Signer::default().sign_at(&mut req, &used, now()).unwrap();
    assert_eq!(used, creds());
    assert_eq!(used.clone(), used);
    assert_ne!(used, AccessKeyCredentials::new(AK, "another secret"));
    assert!(!format!("{used:?}").contains(SK));
}

#[test]
fn added_headers_come_in_the_order_they_were_added() {
    let temporary = AccessKeyCredentials::new(AK, SK).with_security_token("TOKEN");
    let mut req = http::Request::put("https://example.com/v1/upload")
        .header("content-type", "text/plain")
        .body(b"hello".to_vec())
        .unwrap();
    let out = Signer::default()
        .sign_at(&mut req, &temporary, now())
        .unwrap();
    let added: Vec<&str> = out.added_headers().map(|n| n.as_str()).collect();
    assert_eq!(
        added,
        [
            "host",
            "x-sdk-content-sha256",
            "x-sdk-date",
            "x-security-token",
            "authorization"
        ]
    );
    for name in added {
        assert!(req.headers().contains_key(name), "{name}");
    }
    assert_eq!(req.headers()["x-sdk-content-sha256"], "UNSIGNED-PAYLOAD");

    let mut req = http::Request::put("https://example.com/v1/upload")
        .header("content-type", "text/plain")
        .body(b"hello".to_vec())
        .unwrap();
    let out = Signer::new(SigningAlgorithm::HmacSm3)
        .sign_at(&mut req, &creds(), now())
        .unwrap();
    let added: Vec<&str> = out.added_headers().map(|n| n.as_str()).collect();
    assert_eq!(
        added,
        ["host", "x-sdk-content-sm3", "x-sdk-date", "authorization"]
    );
}
