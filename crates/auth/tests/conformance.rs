//! Conformance with the official Python SDK signer (`huaweicloudsdkcore` 3.1.219).
//!
//! `tests/fixtures/official_signatures.json` was written by `cargo xtask fixtures`
//! (`xtask/python/gen_signing_fixtures.py`), which signed seeded random requests with the SDK's own
//! `Signer`, `SM3Signer`, `DerivationAKSKSigner`, `P256SHA256Signer` and `SM2SM3Signer`. These tests
//! sign the same requests and compare byte for byte; they do not need Python.

#![allow(clippy::unwrap_used)]
// The ECDSA/SM2 half needs `--features ecdsa,sm2` (or `--all-features`).
#![cfg_attr(not(all(feature = "ecdsa", feature = "sm2")), allow(dead_code))]

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use hwcloud_auth::{
    AccessKeyCredentials, SdkDate, SecretString, Signer, SigningAlgorithm, Verifier, VerifyError,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Fixtures {
    sdk: String,
    hmac_cases: Vec<Case>,
    asymmetric_cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    algorithm: String,
    method: String,
    url: String,
    /// The URL query decoded: what the SDK was given (documentation; the URL is what is signed).
    #[allow(dead_code)]
    query_pairs: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body_hex: String,
    date: String,
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
    region: Option<String>,
    service: Option<String>,
    public_key_x: Option<String>,
    public_key_y: Option<String>,
    za: Option<String>,
    expected: Expected,
}

#[derive(Debug, Deserialize)]
struct Expected {
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
    headers: Vec<(String, String)>,
    path_and_query: String,
}

fn fixtures() -> Fixtures {
    let text = include_str!("fixtures/official_signatures.json");
    serde_json::from_str(text).expect("fixture file parses")
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

impl Case {
    fn algorithm(&self) -> SigningAlgorithm {
        match self.algorithm.as_str() {
            "SDK-HMAC-SHA256" => SigningAlgorithm::HmacSha256,
            "SDK-HMAC-SM3" => SigningAlgorithm::HmacSm3,
            "V11-HMAC-SHA256" => SigningAlgorithm::V11HmacSha256 {
                region: self.region.clone().expect("region"),
                service: self.service.clone().expect("service"),
            },
            #[cfg(feature = "ecdsa")]
            "SDK-ECDSA-P256-SHA256" => SigningAlgorithm::EcdsaP256Sha256,
            #[cfg(feature = "sm2")]
            "SDK-SM2-SM3" => SigningAlgorithm::Sm2Sm3,
            other => panic!("{}: algorithm {other} not compiled in", self.id),
        }
    }

    fn credentials(&self) -> AccessKeyCredentials {
        let c = AccessKeyCredentials::new(self.access_key.clone(), self.secret_key.clone());
        match &self.security_token {
            Some(t) => c.with_security_token(t.clone()),
            None => c,
        }
    }

    fn request(&self) -> http::Request<Vec<u8>> {
        let mut b = http::Request::builder()
            .method(http::Method::from_bytes(self.method.as_bytes()).expect("method"))
            .uri(&self.url);
        for (k, v) in &self.headers {
            b = b.header(
                http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                http::HeaderValue::from_bytes(v.as_bytes()).expect("value"),
            );
        }
        b.body(unhex(&self.body_hex)).expect("request")
    }

    fn now(&self) -> SystemTime {
        SdkDate::parse(&self.date).expect("date").to_system_time()
    }

    fn lookup(&self) -> impl Fn(&str) -> Option<SecretString> + '_ {
        move |ak: &str| (ak == self.access_key).then(|| SecretString::new(self.secret_key.clone()))
    }
}

fn header_list(headers: &http::HeaderMap) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8(v.as_bytes().to_vec()).expect("utf-8 header"),
            )
        })
        .collect();
    list.sort();
    list
}

/// Signs every HMAC case and compares everything the official signer produced.
#[test]
fn hmac_signatures_match_the_official_signer() {
    let fx = fixtures();
    assert_eq!(fx.sdk, "huaweicloudsdkcore 3.1.219");
    assert!(
        fx.hmac_cases.len() >= 400,
        "only {} cases",
        fx.hmac_cases.len()
    );
    let mut per_algorithm = BTreeMap::<&str, usize>::new();
    let mut wrong_digests = 0;
    for case in &fx.hmac_cases {
        *per_algorithm.entry(case.algorithm.as_str()).or_default() += 1;
        let mut req = case.request();
        // A wall clock far from the fixture date: the given X-Sdk-Date must be the one used.
        let out = Signer::new(case.algorithm())
            .sign_at(
                &mut req,
                &case.credentials(),
                SystemTime::UNIX_EPOCH + Duration::from_secs(7),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let e = &case.expected;
        assert_eq!(
            out.canonical_request(),
            e.canonical_request,
            "{}: canonical request",
            case.id
        );
        assert_eq!(
            out.string_to_sign(),
            e.string_to_sign,
            "{}: string to sign",
            case.id
        );
        assert_eq!(
            req.headers()["authorization"].as_bytes(),
            e.authorization.as_bytes(),
            "{}: Authorization",
            case.id
        );
        assert_eq!(out.authorization(), e.authorization, "{}", case.id);
        assert_eq!(
            header_list(req.headers()),
            e.headers,
            "{}: headers sent",
            case.id
        );
        assert_eq!(
            req.uri().path_and_query().expect("path").as_str(),
            e.path_and_query,
            "{}: wire path and query",
            case.id
        );

        // The gateway side: our verifier accepts what we (and therefore the SDK) signed.
        // A precomputed digest that is not the body's is refused by the verifier (the SDK signs it).
        let (parts, body) = req.into_parts();
        let result = Verifier::default().verify(&parts, &body, &case.lookup(), case.now());
        if precomputed_digest_is_wrong(case, &parts.headers, &body) {
            assert!(
                matches!(result, Err(VerifyError::PayloadHashMismatch { .. })),
                "{}: {result:?}",
                case.id
            );
            wrong_digests += 1;
            continue;
        }
        let verified = result.unwrap_or_else(|err| panic!("{}: {err}", case.id));
        assert_eq!(
            verified.canonical_request, e.canonical_request,
            "{}",
            case.id
        );
    }
    assert!(wrong_digests > 0, "no case with a wrong precomputed digest");
    assert_eq!(per_algorithm.len(), 3, "{per_algorithm:?}");
    assert!(
        per_algorithm.values().all(|&n| n >= 100),
        "{per_algorithm:?}"
    );
}

fn precomputed_digest_is_wrong(case: &Case, headers: &http::HeaderMap, body: &[u8]) -> bool {
    use sha2::Digest as _;
    let (name, digest) = if case.algorithm == "SDK-HMAC-SM3" || case.algorithm == "SDK-SM2-SM3" {
        ("x-sdk-content-sm3", sm3::Sm3::digest(body).to_vec())
    } else {
        ("x-sdk-content-sha256", sha2::Sha256::digest(body).to_vec())
    };
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    match headers.get(name).map(|v| v.to_str().expect("ascii").trim()) {
        Some(v) if !body.is_empty() && !v.is_empty() => v != "UNSIGNED-PAYLOAD" && v != hex,
        _ => false,
    }
}

fn der_scalars(der: &[u8]) -> ([u8; 32], [u8; 32]) {
    fn int(b: &[u8]) -> ([u8; 32], &[u8]) {
        assert_eq!(b[0], 2);
        let len = usize::from(b[1]);
        let v = &b[2..2 + len];
        let v = if v[0] == 0 { &v[1..] } else { v };
        let mut out = [0u8; 32];
        out[32 - v.len()..].copy_from_slice(v);
        (out, &b[2 + len..])
    }
    assert_eq!(der[0], 0x30);
    let (r, rest) = int(&der[2..]);
    let (s, rest) = int(rest);
    assert!(rest.is_empty());
    (r, s)
}

/// ECDSA and SM2: the official SDK's signatures verify with our verifier, our derived public keys
/// equal the SDK's, and our signatures verify under the SDK-derived public key (and, for SM2, the
/// SDK's ZA).
#[cfg(all(feature = "ecdsa", feature = "sm2"))]
#[test]
fn ecdsa_and_sm2_interoperate_with_the_official_signer() {
    use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
    use sha2::Digest as _;

    let fx = fixtures();
    let mut seen = BTreeMap::<&str, usize>::new();
    let mut za_quirk_cases = 0;
    for case in &fx.asymmetric_cases {
        *seen.entry(case.algorithm.as_str()).or_default() += 1;
        let signer = Signer::new(case.algorithm());
        let creds = case.credentials();
        let x = unhex(case.public_key_x.as_deref().expect("x"));
        let y = unhex(case.public_key_y.as_deref().expect("y"));
        let derived = signer
            .derived_public_key(&creds)
            .expect("derive")
            .expect("asymmetric");
        assert_eq!(derived[0], 4);
        assert_eq!(
            (&derived[1..33], &derived[33..]),
            (&x[..], &y[..]),
            "{}: derived public key",
            case.id
        );
        if x[0] == 0 || y[0] == 0 {
            za_quirk_cases += 1;
        }

        // 1. The official signature, on the request exactly as the SDK sent it, verifies.
        let mut official = http::Request::builder()
            .method(http::Method::from_bytes(case.method.as_bytes()).expect("method"))
            .uri(format!(
                "{}{}",
                case.url
                    .split_once("://")
                    .map(|(s, rest)| {
                        let host_end = rest.find('/').unwrap_or(rest.len());
                        format!("{s}://{}", &rest[..host_end])
                    })
                    .expect("scheme"),
                case.expected.path_and_query
            ));
        for (k, v) in &case.expected.headers {
            official = official.header(
                k.as_str(),
                http::HeaderValue::from_bytes(v.as_bytes()).expect("v"),
            );
        }
        let official = official.body(unhex(&case.body_hex)).expect("request");
        let (parts, body) = official.into_parts();
        let verified = Verifier::default()
            .verify(&parts, &body, &case.lookup(), case.now())
            .unwrap_or_else(|e| panic!("{}: official signature rejected: {e}", case.id));
        assert_eq!(
            verified.canonical_request, case.expected.canonical_request,
            "{}",
            case.id
        );
        assert_eq!(verified.algorithm, case.algorithm);

        // 2. Our signature over the same request: same canonical request and string to sign.
        let mut ours = case.request();
        let out = signer.sign_at(&mut ours, &creds, case.now()).expect("sign");
        assert_eq!(
            out.canonical_request(),
            case.expected.canonical_request,
            "{}",
            case.id
        );
        assert_eq!(
            out.string_to_sign(),
            case.expected.string_to_sign,
            "{}",
            case.id
        );
        let prefix = |a: &str| a.split("Signature=").next().map(str::to_owned);
        assert_eq!(
            prefix(out.authorization()),
            prefix(&case.expected.authorization),
            "{}",
            case.id
        );
        let der = unhex(out.authorization().split("Signature=").nth(1).expect("sig"));
        let (r, s) = der_scalars(&der);
        let mut sec1 = vec![4u8];
        sec1.extend_from_slice(&x);
        sec1.extend_from_slice(&y);
        let sts = out.string_to_sign().as_bytes();
        match case.algorithm.as_str() {
            "SDK-ECDSA-P256-SHA256" => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).expect("key");
                let sig = p256::ecdsa::Signature::from_scalars(r, s).expect("sig");
                key.verify_prehash(&sha2::Sha256::digest(sts), &sig)
                    .unwrap_or_else(|_| panic!("{}: our ECDSA signature rejected", case.id));
            }
            _ => {
                let key = sm2::dsa::VerifyingKey::from_sec1_bytes("1234567812345678", &sec1)
                    .expect("key");
                let sig = sm2::dsa::Signature::from_scalars(r, s).expect("sig");
                let mut h = sm3::Sm3::new();
                h.update(unhex(case.za.as_deref().expect("za")));
                h.update(sts);
                key.verify_prehash(&h.finalize(), &sig)
                    .unwrap_or_else(|_| panic!("{}: our SM2 signature rejected", case.id));
            }
        }
        // 3. And our verifier accepts our own signature.
        let (parts, body) = ours.into_parts();
        Verifier::default()
            .verify(&parts, &body, &case.lookup(), case.now())
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        za_quirk_cases >= 1,
        "no case exercises the SM2 ZA minimal-length quirk"
    );
}
