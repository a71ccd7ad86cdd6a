//! The verifier says precisely why it rejects a request.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderValue, Request};
use hwcloud_auth::{
    AccessKeyCredentials, SecretString, Signer, SigningAlgorithm, Verifier, VerifyError,
};

const AK: &str = "QTWAOYTTINDUT2QVKYUC";
const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const SIGNED_AT: u64 = 1_763_107_242; // 20251114T080042Z

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn lookup(ak: &str) -> Option<SecretString> {
    (ak == AK).then(|| SecretString::new(SK))
}

fn signed(alg: SigningAlgorithm) -> (http::request::Parts, Vec<u8>) {
    let mut req =
        Request::post("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/stop?x=1")
            .header("content-type", "application/json")
            .header("x-project-id", "0123456789abcdef0123456789abcdef")
            .body(br#"{"job_id":"j","build_no":"1"}"#.to_vec())
            .unwrap();
    Signer::new(alg)
        .sign_at(&mut req, &AccessKeyCredentials::new(AK, SK), at(SIGNED_AT))
        .unwrap();
    req.into_parts()
}

fn verify(
    parts: &http::request::Parts,
    body: &[u8],
    now: u64,
) -> Result<hwcloud_auth::Verified, VerifyError> {
    Verifier::default().verify(parts, body, &lookup, at(now))
}

fn set(parts: &mut http::request::Parts, name: &'static str, value: &str) {
    parts
        .headers
        .insert(name, HeaderValue::from_str(value).unwrap());
}

#[test]
fn accepts_every_hmac_algorithm() {
    for alg in [
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::HmacSm3,
        SigningAlgorithm::V11HmacSha256 {
            region: "cn-north-4".into(),
            service: "CodeArtsBuild".into(),
        },
    ] {
        let (parts, body) = signed(alg.clone());
        let v = verify(&parts, &body, SIGNED_AT).unwrap();
        assert_eq!(v.access_key_id, AK);
        assert_eq!(v.algorithm, alg.name());
        assert_eq!(
            v.signed_headers,
            ["content-type", "host", "x-project-id", "x-sdk-date"]
        );
    }
}

#[test]
fn clock_skew_window_is_fifteen_minutes_both_ways() {
    let (parts, body) = signed(SigningAlgorithm::HmacSha256);
    assert!(verify(&parts, &body, SIGNED_AT + 900).is_ok());
    assert!(verify(&parts, &body, SIGNED_AT - 900).is_ok());
    for now in [SIGNED_AT + 901, SIGNED_AT - 901] {
        let err = verify(&parts, &body, now).unwrap_err();
        assert!(
            matches!(err, VerifyError::ClockSkew { max_skew_secs: 900, ref signed, .. } if signed == "20251114T080042Z"),
            "{err}"
        );
    }
    let strict = Verifier::with_max_clock_skew(Duration::from_secs(10));
    assert!(
        strict
            .verify(&parts, &body, &lookup, at(SIGNED_AT + 11))
            .is_err()
    );
}

#[test]
fn rejections_say_why() {
    let (base, body) = signed(SigningAlgorithm::HmacSha256);
    let auth = base.headers["authorization"].to_str().unwrap().to_owned();

    let mut p = base.clone();
    p.headers.remove("authorization");
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::MissingAuthorization)
    );

    let mut p = base.clone();
    set(&mut p, "authorization", "SDK-HMAC-SHA256 Access=AK");
    assert!(matches!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::MalformedAuthorization(_))
    ));

    let mut p = base.clone();
    set(
        &mut p,
        "authorization",
        &auth.replace("SDK-HMAC-SHA256", "AWS4-HMAC-SHA256"),
    );
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::UnsupportedAlgorithm("AWS4-HMAC-SHA256".into()))
    );

    let mut p = base.clone();
    set(&mut p, "authorization", &auth.replace(AK, "UNKNOWNAK"));
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::UnknownAccessKey("UNKNOWNAK".into()))
    );

    let mut p = base.clone();
    p.headers.remove("x-sdk-date");
    assert_eq!(verify(&p, &body, SIGNED_AT), Err(VerifyError::MissingDate));

    let mut p = base.clone();
    set(&mut p, "x-sdk-date", "yesterday");
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::InvalidDate("yesterday".into()))
    );

    let mut p = base.clone();
    set(
        &mut p,
        "authorization",
        &auth.replace("content-type;host;", "content-type;"),
    );
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::UnsignedHeader("host".into()))
    );

    let mut p = base.clone();
    set(&mut p, "authorization", &auth.replace(";x-sdk-date", ""));
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::UnsignedHeader("x-sdk-date".into()))
    );

    let mut p = base.clone();
    p.headers.remove("x-project-id");
    assert_eq!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::UnsignedHeader("x-project-id".into()))
    );

    // A wrong SK: the verifier reports what it computed, for debugging.
    let other = |_: &str| Some(SecretString::new("another-secret"));
    match Verifier::default().verify(&base, &body, &other, at(SIGNED_AT)) {
        Err(VerifyError::SignatureMismatch {
            canonical_request,
            string_to_sign,
        }) => {
            assert!(canonical_request.starts_with("POST\n/v3/jobs/stop/\nx=1\n"));
            assert!(string_to_sign.starts_with("SDK-HMAC-SHA256\n20251114T080042Z\n"));
        }
        other => panic!("{other:?}"),
    }

    // The signature comparison is exact (hex case included).
    let mut p = base.clone();
    let sig = auth.rsplit("Signature=").next().unwrap();
    set(
        &mut p,
        "authorization",
        &auth.replace(sig, &sig.to_uppercase()),
    );
    assert!(matches!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::SignatureMismatch { .. })
    ));

    // An unsigned header may be added in transit (the gateway does not look at it).
    let mut p = base.clone();
    set(&mut p, "x-added-by-proxy", "1");
    assert!(verify(&p, &body, SIGNED_AT).is_ok());
}

#[test]
fn v11_credential_scope_must_match_the_date() {
    let alg = SigningAlgorithm::V11HmacSha256 {
        region: "cn-north-4".into(),
        service: "CodeArtsBuild".into(),
    };
    let (base, body) = signed(alg);
    let auth = base.headers["authorization"].to_str().unwrap().to_owned();
    assert!(auth.starts_with(&format!(
        "V11-HMAC-SHA256 Credential={AK}/20251114/cn-north-4/CodeArtsBuild, "
    )));
    let mut p = base.clone();
    set(
        &mut p,
        "authorization",
        &auth.replace("/20251114/", "/20251115/"),
    );
    assert!(matches!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::MalformedAuthorization(_))
    ));
    // Region and service are part of the key: changing them breaks the signature.
    let mut p = base.clone();
    set(
        &mut p,
        "authorization",
        &auth.replace("cn-north-4", "cn-north-1"),
    );
    assert!(matches!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::SignatureMismatch { .. })
    ));
    let mut p = base.clone();
    set(
        &mut p,
        "authorization",
        &auth.replace("Credential=", "Access="),
    );
    assert!(matches!(
        verify(&p, &body, SIGNED_AT),
        Err(VerifyError::MalformedAuthorization(_))
    ));
}

#[test]
fn precomputed_digest_must_match_the_body() {
    let mut req = Request::put("https://example.com/v1/obj")
        .header("content-type", "application/json")
        .header(
            "x-sdk-content-sha256",
            "0000000000000000000000000000000000000000000000000000000000000000",
        )
        .body(b"payload".to_vec())
        .unwrap();
    Signer::default()
        .sign_at(&mut req, &AccessKeyCredentials::new(AK, SK), at(SIGNED_AT))
        .unwrap();
    let (parts, body) = req.into_parts();
    assert_eq!(
        verify(&parts, &body, SIGNED_AT).map(|_| ()),
        Err(VerifyError::PayloadHashMismatch {
            header: "x-sdk-content-sha256"
        })
    );
}

#[test]
fn unsigned_payload_does_not_cover_the_body() {
    let mut req = Request::put("https://example.com/v1/obj")
        .header("content-type", "application/octet-stream")
        .body(b"payload".to_vec())
        .unwrap();
    Signer::default()
        .sign_at(&mut req, &AccessKeyCredentials::new(AK, SK), at(SIGNED_AT))
        .unwrap();
    let (parts, _) = req.into_parts();
    // By design: the body is not part of an UNSIGNED-PAYLOAD signature.
    assert!(verify(&parts, b"other bytes", SIGNED_AT).is_ok());
    // But the header itself is signed.
    let mut p = parts.clone();
    p.headers.remove("x-sdk-content-sha256");
    assert!(verify(&p, b"other bytes", SIGNED_AT).is_err());
}
