//! Signing benchmark: our signer on the seed StopJob request, the raw crypto floor for that request
//! (SHA-256 of the body and of the canonical request, one HMAC-SHA256), and `aws-sigv4` signing the
//! same request. `cargo xtask bench` runs it and prints the ratios.

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hmac::{KeyInit, Mac};
use hwcloud_auth::{AccessKeyCredentials, Signer};
use sha2::{Digest, Sha256};

const AK: &str = "QTWAOYTTINDUT2QVKYUC";
const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const URL: &str = "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/stop";
const BODY: &[u8] = br#"{"job_id":"f9d6c8466d614a9788e9a0acf6c15f46","build_no":"20"}"#;

fn stop_job() -> http::Request<Vec<u8>> {
    http::Request::post(URL)
        .header("content-type", "application/json")
        .header("x-project-id", "0123456789abcdef0123456789abcdef")
        .header("x-sdk-date", "20251114T080042Z")
        .body(BODY.to_vec())
        .expect("static request")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    group.measurement_time(Duration::from_secs(4));

    // (a) Our signer. Preparing the fresh request is setup, not timed. Batches of 256 keep the
    // prepared requests in cache (`SmallInput` would prepare ~10% of all iterations at once,
    // hundreds of MB, and measure page faults rather than signing); every case gets the same.
    // The input is built the way a client builds it (`http::Request::builder`), which leaves room
    // in the header map for the headers the signer adds.
    let signer = Signer::default();
    let credentials = AccessKeyCredentials::new(AK, SK);
    group.bench_function("ours", |b| {
        b.iter_batched(
            stop_job,
            |mut req| {
                let out = signer.sign(&mut req, &credentials).expect("signs");
                (req, out)
            },
            BatchSize::NumIterations(256),
        )
    });
    // (a') The same on clones of one request: a clone's header map is exactly full, so the
    // signer's two inserts also pay for growing it. Reported separately, for transparency.
    let request = stop_job();
    group.bench_function("ours_on_clone", |b| {
        b.iter_batched(
            || request.clone(),
            |mut req| {
                let out = signer.sign(&mut req, &credentials).expect("signs");
                (req, out)
            },
            BatchSize::NumIterations(256),
        )
    });

    // (b) The crypto floor of the same request: exactly the hashing the scheme requires.
    let canonical_request = {
        let mut req = stop_job();
        signer
            .sign(&mut req, &credentials)
            .expect("signs")
            .canonical_request()
            .to_owned()
    };
    let string_to_sign = "SDK-HMAC-SHA256\n20251114T080042Z\n1b30d43a7d4f870b0042b1923ff97609fd7184255564b1860827dff3e513feb4";
    group.bench_function("crypto_floor", |b| {
        b.iter(|| {
            let body_hash = Sha256::digest(black_box(BODY));
            let cr_hash = Sha256::digest(black_box(canonical_request.as_bytes()));
            let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(black_box(SK.as_bytes()))
                .expect("any key length");
            mac.update(black_box(string_to_sign.as_bytes()));
            (body_hash, cr_hash, mac.finalize().into_bytes())
        })
    });

    // (c) aws-sigv4 (SigV4) on the same request, applying its headers like ours does.
    let identity = aws_credential_types::Credentials::new(AK, SK, None, None, "bench").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("cn-north-4")
        .name("codeartsbuild")
        .time(UNIX_EPOCH + Duration::from_secs(1_763_107_242))
        .settings(SigningSettings::default())
        .build()
        .expect("params")
        .into();
    group.bench_function("aws_sigv4", |b| {
        b.iter_batched(
            stop_job,
            |mut req| {
                let signable = SignableRequest::new(
                    req.method().as_str(),
                    URL,
                    req.headers()
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.to_str().unwrap_or_default())),
                    SignableBody::Bytes(req.body()),
                )
                .expect("signable");
                let (instructions, _signature) =
                    sign(signable, &params).expect("signs").into_parts();
                instructions.apply_to_request_http1x(&mut req);
                req
            },
            BatchSize::NumIterations(256),
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
