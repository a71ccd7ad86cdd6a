//! Pipeline tests with a scripted HTTP client and a recording authenticator (time is paused where sleeping).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Method, StatusCode};
use hwcloud_auth::clock::Clock;
use hwcloud_auth::{AuthContext, CredentialsError, SdkDate, SigningOutput};
use serde::Deserialize;

use crate::http_client::{Body, HttpClient, HttpError, HttpErrorKind, SendOptions};
use crate::*;

static SVC: ServiceInfo = ServiceInfo {
    name: "CodeArtsBuild",
    env_name: "CODEARTSBUILD",
    endpoint_template: "https://cloudbuild-ext.{region}.myhuaweicloud.com",
    regions: CODEARTSBUILD_REGIONS,
    requires_project_scope: true,
};

const GET_STATUS: OperationSpec = OperationSpec::new(
    "ShowJobStatus",
    Method::GET,
    "/v3/jobs/{job_id}/status",
    true,
    "application/json",
);
const RUN_JOB: OperationSpec = OperationSpec::new(
    "RunJob",
    Method::POST,
    "/v3/jobs/build",
    false,
    "application/json",
);

enum Step {
    Respond(u16, Vec<(&'static str, String)>, Vec<u8>),
    Fail(HttpErrorKind),
    FailWith(HttpErrorKind, &'static str),
    Hang,
    Chunks(u16, Vec<&'static [u8]>, Arc<AtomicUsize>),
}

fn ok(body: &str) -> Step {
    Step::Respond(200, vec![], body.as_bytes().to_vec())
}

fn status(code: u16, body: &str) -> Step {
    Step::Respond(code, vec![], body.as_bytes().to_vec())
}

fn status_h(code: u16, headers: Vec<(&'static str, String)>, body: &str) -> Step {
    Step::Respond(code, headers, body.as_bytes().to_vec())
}

/// Replays scripted steps in order and records every request it received.
#[derive(Debug, Default)]
struct Scripted {
    steps: Mutex<VecDeque<StepBox>>,
    seen: Mutex<Vec<http::Request<Bytes>>>,
}

struct StepBox(Step);

impl std::fmt::Debug for StepBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Step")
    }
}

impl Scripted {
    fn new(steps: Vec<Step>) -> Arc<Self> {
        Arc::new(Self {
            steps: Mutex::new(steps.into_iter().map(StepBox).collect()),
            seen: Mutex::default(),
        })
    }

    fn requests(&self) -> Vec<http::Request<Bytes>> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl HttpClient for Scripted {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        _options: SendOptions,
    ) -> Result<http::Response<Body>, HttpError> {
        self.seen.lock().unwrap().push(request);
        let step = self
            .steps
            .lock()
            .unwrap()
            .pop_front()
            .expect("unscripted request")
            .0;
        match step {
            Step::Respond(code, headers, body) => {
                let mut b = http::Response::builder().status(code);
                for (k, v) in headers {
                    b = b.header(k, v);
                }
                Ok(b.body(Body::from(body)).unwrap())
            }
            Step::Fail(kind) => Err(HttpError::new(kind, "scripted failure")),
            Step::FailWith(kind, message) => Err(HttpError::new(kind, message)),
            Step::Hang => std::future::pending().await,
            Step::Chunks(code, chunks, polled) => {
                let stream = futures_util::stream::iter(chunks.into_iter().map(move |c| {
                    polled.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, HttpError>(Bytes::from_static(c))
                }));
                Ok(http::Response::builder()
                    .status(code)
                    .body(Body::from_stream(stream))
                    .unwrap())
            }
        }
    }
}

/// Signs nothing; sets `X-Sdk-Date` from the context time and records it, counts invalidations.
#[derive(Debug, Default)]
struct RecordingAuth {
    times: Mutex<Vec<SystemTime>>,
    invalidated: AtomicU32,
    fail: bool,
}

#[async_trait::async_trait]
impl Authenticate for RecordingAuth {
    async fn authenticate(
        &self,
        parts: &mut http::request::Parts,
        _body: &[u8],
        ctx: &AuthContext,
    ) -> Result<Option<SigningOutput>, CredentialsError> {
        if self.fail {
            return Err(CredentialsError::new("no credentials in the test"));
        }
        let mut times = self.times.lock().unwrap();
        times.push(ctx.now);
        let n = times.len();
        parts.headers.insert(
            "x-sdk-date",
            SdkDate::from_system_time(ctx.now)
                .to_string()
                .parse()
                .unwrap(),
        );
        parts
            .headers
            .insert("authorization", format!("SIG-{n}").parse().unwrap());
        assert!(ctx.requires_project_scope);
        Ok(Some(SigningOutput::new(
            &format!("POST\n/v3/jobs/build/\n\ncontent-type;host;x-sdk-date\ncanonical-{n}"),
            &format!("SDK-HMAC-SHA256\nsts-{n}"),
            format!("SIG-{n}").parse().unwrap(),
        )))
    }

    fn invalidate(&self) {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct FixedClock(SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

fn local_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_763_107_242) // 2025-11-14T08:00:42Z
}

fn setup(
    steps: Vec<Step>,
    tweak: impl FnOnce(SdkConfigBuilder) -> SdkConfigBuilder,
) -> (ServiceClient, Arc<Scripted>, Arc<RecordingAuth>) {
    let http = Scripted::new(steps);
    let auth = Arc::new(RecordingAuth::default());
    let builder = SdkConfig::builder()
        .http_client(http.clone())
        .authenticate_with(auth.clone())
        .region("cn-north-4")
        .env(EnvLookup::from_map(Default::default()))
        .clock(Arc::new(FixedClock(local_time())))
        .retry(RetryConfig::with_standard(StandardRetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        }));
    let config = tweak(builder).build().unwrap();
    (ServiceClient::new(&config, &SVC).unwrap(), http, auth)
}

fn status_input() -> RequestInput {
    RequestInput::new().path_param("job_id", "job-1")
}

#[derive(Debug, Deserialize, PartialEq)]
struct JobStatus {
    result: bool,
}

#[tokio::test]
async fn builds_the_request_and_decodes() {
    let (client, http, _) = setup(vec![ok(r#"{"result":true}"#)], |b| b.app_name("myapp/1.2"));
    let input = RequestInput::new()
        .path_param("job_id", "a/b?c")
        .query("x", "1 2")
        .query_list("k", ["u", "v"])
        .header("X-Custom", "yes");
    let out: JobStatus = client.send_json(&GET_STATUS, input).await.unwrap();
    assert_eq!(out, JobStatus { result: true });
    let req = &http.requests()[0];
    assert_eq!(req.method(), Method::GET);
    assert_eq!(
        req.uri().to_string(),
        "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/a%2Fb%3Fc/status?x=1%202&k=u&k=v"
    );
    let h = req.headers();
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(
        h["user-agent"],
        format!("hwcloud-rust/{} myapp/1.2", env!("CARGO_PKG_VERSION")).as_str()
    );
    assert_eq!(h["x-custom"], "yes");
    assert_eq!(h["authorization"], "SIG-1");
    assert!(
        h.get("content-length").is_none(),
        "body-less GET has no Content-Length"
    );
}

#[tokio::test]
async fn json_body_bytes_are_sent_as_is_with_content_type_of_the_op() {
    const PATCH: OperationSpec = OperationSpec::new(
        "UpdateBuild",
        Method::PATCH,
        "/assembling/v1/builds/{id}",
        false,
        "application/json;charset=utf8",
    );
    let (client, http, _) = setup(vec![status(204, "")], |b| b);
    let input = RequestInput::new()
        .path_param("id", "b1")
        .json_body(&serde_json::json!({"a": 1}))
        .unwrap();
    client.send_empty(&PATCH, input).await.unwrap();
    let req = &http.requests()[0];
    assert_eq!(req.body().as_ref(), br#"{"a":1}"#);
    assert_eq!(
        req.headers()["content-type"],
        "application/json;charset=utf8"
    );
    assert_eq!(req.headers()["content-length"], "7");
}

#[tokio::test(start_paused = true)]
async fn idempotent_get_503_is_retried_with_fresh_auth_each_attempt() {
    let (client, http, auth) = setup(
        vec![
            status(503, "busy"),
            status(502, ""),
            ok(r#"{"result":false}"#),
        ],
        |b| b,
    );
    let out: JobStatus = client.send_json(&GET_STATUS, status_input()).await.unwrap();
    assert!(!out.result);
    assert_eq!(http.count(), 3);
    let sigs: Vec<_> = http
        .requests()
        .iter()
        .map(|r| r.headers()["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sigs,
        ["SIG-1", "SIG-2", "SIG-3"],
        "authenticated afresh per attempt"
    );
    assert_eq!(auth.times.lock().unwrap().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_three_attempts_keeping_the_service_error() {
    let (client, http, _) = setup(
        (0..3)
            .map(|_| {
                status_h(
                    503,
                    vec![("x-request-id", "rid-9".into())],
                    r#"{"error_code":"CB.503","error_msg":"busy"}"#,
                )
            })
            .collect(),
        |b| b,
    );
    let err = client
        .send_json::<JobStatus>(&GET_STATUS, status_input())
        .await
        .unwrap_err();
    assert_eq!(http.count(), 3);
    let se = err.as_service_error().unwrap();
    assert_eq!(se.attempts, 3);
    assert_eq!(err.code(), Some("CB.503"));
    assert_eq!(err.request_id(), Some("rid-9"));
}

#[tokio::test(start_paused = true)]
async fn non_idempotent_post_is_not_retried_on_503_429_timeout_or_broken_connection() {
    for step in [
        status(503, ""),
        status(429, ""),
        status(500, ""),
        Step::Fail(HttpErrorKind::Other),
        Step::Fail(HttpErrorKind::Timeout),
        Step::Hang,
    ] {
        let (client, http, _) = setup(vec![step, ok("{}")], |b| b);
        let err = client
            .send_empty(&RUN_JOB, RequestInput::new())
            .await
            .unwrap_err();
        assert_eq!(http.count(), 1, "{err}");
        match &err {
            Error::Service(_) | Error::Timeout(_) => {}
            Error::Connection(c) => assert!(c.sent),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn connect_failures_are_retried_even_for_post() {
    let (client, http, _) = setup(
        vec![
            Step::Fail(HttpErrorKind::Connect),
            Step::Fail(HttpErrorKind::Connect),
            ok("{}"),
        ],
        |b| b,
    );
    client
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap();
    assert_eq!(http.count(), 3);

    let (client, http, _) = setup(
        (0..3).map(|_| Step::Fail(HttpErrorKind::Connect)).collect(),
        |b| b,
    );
    match client.send_empty(&RUN_JOB, RequestInput::new()).await {
        Err(Error::Connection(c)) => {
            assert!(!c.sent);
            assert_eq!(c.attempts, 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(http.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn retries_disabled_and_custom_policy() {
    let (client, http, _) = setup(vec![status(503, "")], |b| b.retry(RetryConfig::disabled()));
    assert!(
        client
            .send_empty(&GET_STATUS, status_input())
            .await
            .is_err()
    );
    assert_eq!(http.count(), 1);

    #[derive(Debug)]
    struct RetryPostsOn503;
    impl RetryPolicy for RetryPostsOn503 {
        fn decide(&self, ctx: &RetryContext) -> RetryDecision {
            match ctx.class {
                FailureClass::ServerError(s)
                    if s == StatusCode::SERVICE_UNAVAILABLE && ctx.attempt < 5 =>
                {
                    RetryDecision::RetryAfter(Duration::from_millis(1))
                }
                _ => RetryDecision::Stop,
            }
        }
    }
    let (client, http, _) = setup(
        vec![status(503, ""), status(503, ""), status(503, ""), ok("{}")],
        |b| b.retry(RetryConfig::custom(RetryPostsOn503)),
    );
    client
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap();
    assert_eq!(http.count(), 4);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_capped_by_the_total_timeout() {
    let (client, http, _) = setup(
        vec![
            status_h(429, vec![("retry-after", "5".into())], ""),
            ok("{}"),
        ],
        |b| b,
    );
    let start = tokio::time::Instant::now();
    client
        .send_empty(&GET_STATUS, status_input())
        .await
        .unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
    assert_eq!(http.count(), 2);

    // HTTP-date form, relative to the response Date.
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let (client, _, _) = setup(
        vec![
            status_h(
                503,
                vec![
                    ("date", httpdate::fmt_http_date(date)),
                    (
                        "retry-after",
                        httpdate::fmt_http_date(date + Duration::from_secs(3)),
                    ),
                ],
                "",
            ),
            ok("{}"),
        ],
        |b| b,
    );
    let start = tokio::time::Instant::now();
    client
        .send_empty(&GET_STATUS, status_input())
        .await
        .unwrap();
    assert!(start.elapsed() >= Duration::from_secs(3));

    // A wait beyond the total timeout is not taken: the 429 comes back at once.
    let (client, http, _) = setup(
        vec![
            status_h(429, vec![("retry-after", "600".into())], ""),
            ok("{}"),
        ],
        |b| b.total_timeout(Duration::from_secs(30)),
    );
    let start = tokio::time::Instant::now();
    let err = client
        .send_empty(&GET_STATUS, status_input())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(http.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn backoff_between_retries_stays_within_the_jitter_bound() {
    let (client, http, _) = setup(vec![status(503, ""), status(503, ""), ok("{}")], |b| b);
    let start = tokio::time::Instant::now();
    client
        .send_empty(&GET_STATUS, status_input())
        .await
        .unwrap();
    // Bounds 100 ms then 200 ms (base 100 ms, cap 1 s).
    assert!(
        start.elapsed() <= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(http.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn attempt_and_total_timeouts_are_typed_for_get_and_post() {
    let (client, http, _) = setup(vec![Step::Hang, Step::Hang, Step::Hang], |b| {
        b.attempt_timeout(Duration::from_secs(2))
    });
    match client.send_empty(&GET_STATUS, status_input()).await {
        Err(Error::Timeout(t)) => {
            assert_eq!(t.kind, TimeoutKind::Attempt);
            assert_eq!(t.attempts, 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(http.count(), 3);

    let (client, http, _) = setup(vec![Step::Hang], |b| {
        b.attempt_timeout(Duration::from_secs(2))
    });
    match client.send_empty(&RUN_JOB, RequestInput::new()).await {
        Err(Error::Timeout(t)) => assert_eq!(t.kind, TimeoutKind::Attempt),
        other => panic!("{other:?}"),
    }
    assert_eq!(http.count(), 1);

    let (client, _, _) = setup(vec![Step::Hang], |b| {
        b.attempt_timeout(Duration::from_secs(60))
            .total_timeout(Duration::from_secs(5))
    });
    let start = tokio::time::Instant::now();
    match client.send_empty(&RUN_JOB, RequestInput::new()).await {
        Err(e @ Error::Timeout(_)) => {
            assert!(e.is_timeout());
            let Error::Timeout(t) = e else { unreachable!() };
            assert_eq!(t.kind, TimeoutKind::Total);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

const TOKEN_EXPIRED: &str = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: token expires, expires_at: 2025-11-14","request_id":"r1"}"#;

#[tokio::test(start_paused = true)]
async fn expired_token_invalidates_once_and_retries_once() {
    let (client, http, auth) = setup(vec![status(401, TOKEN_EXPIRED), ok("{}")], |b| b);
    // Even a non-idempotent POST: the gateway refused it before the service saw it.
    client
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap();
    assert_eq!(http.count(), 2);
    assert_eq!(auth.invalidated.load(Ordering::SeqCst), 1);

    let (client, http, auth) = setup(
        vec![status(401, TOKEN_EXPIRED), status(401, TOKEN_EXPIRED)],
        |b| b,
    );
    let err = client
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("APIGW.0301"));
    assert_eq!(
        err.request_id(),
        Some("r1"),
        "request id from the body when the header is missing"
    );
    assert_eq!(http.count(), 2);
    assert_eq!(auth.invalidated.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn clock_skew_is_learned_from_date_and_kept_for_later_requests() {
    let server_time = local_time() + Duration::from_secs(3600);
    let skew = status_h(
        401,
        vec![("date", httpdate::fmt_http_date(server_time))],
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: calc aksk signature fail: signature expired, signature time 20251114T080042Z, server time 20251114T090042Z"}"#,
    );
    let (client, http, auth) = setup(vec![skew, ok("{}"), ok("{}")], |b| b);
    client
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap();
    assert_eq!(http.count(), 2);
    assert_eq!(client.config().clock_offset(), 3_600_000);
    // A clone (and any client of the same config) signs with the corrected time from now on.
    client
        .clone()
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap();
    let times = auth.times.lock().unwrap().clone();
    assert_eq!(times, vec![local_time(), server_time, server_time]);
    assert_eq!(
        http.requests()[1].headers()["x-sdk-date"],
        "20251114T090042Z"
    );
}

#[tokio::test]
async fn signature_mismatch_carries_what_was_signed() {
    let body = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail, SignatureKey:...","request_id":"abc"}"#;
    let (client, http, _) = setup(
        vec![status_h(401, vec![("X-Request-Id", "1a2b".into())], body)],
        |b| b,
    );
    let err = client
        .send_empty(&RUN_JOB, RequestInput::new())
        .await
        .unwrap_err();
    assert_eq!(http.count(), 1);
    let se = err.as_service_error().unwrap();
    assert!(se.is_signature_mismatch());
    assert_eq!(
        se.canonical_request.as_deref(),
        Some("POST\n/v3/jobs/build/\n\ncontent-type;host;x-sdk-date\ncanonical-1")
    );
    assert_eq!(se.string_to_sign.as_deref(), Some("SDK-HMAC-SHA256\nsts-1"));
    assert_eq!(
        err.to_string(),
        "CodeArtsBuild.RunJob failed: 401 APIGW.0301 Incorrect IAM authentication information: verify aksk signature fail, SignatureKey:... (request id 1a2b)"
    );
}

#[tokio::test]
async fn credentials_errors_are_typed_and_nothing_is_sent() {
    let http = Scripted::new(vec![]);
    let config = SdkConfig::builder()
        .http_client(http.clone())
        .authenticate_with(Arc::new(RecordingAuth {
            fail: true,
            ..Default::default()
        }))
        .endpoint("http://127.0.0.1:1")
        .build()
        .unwrap();
    let client = ServiceClient::new(&config, &SVC).unwrap();
    let err = client
        .send_empty(&GET_STATUS, status_input())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert_eq!(http.count(), 0);
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let (client, http, _) = setup(vec![], |b| b);
    let err = client
        .send_empty(&GET_STATUS, RequestInput::new().path_param("job_id", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(e) if e.field == "job_id"),
        "{err:?}"
    );
    let err = client
        .send_empty(&GET_STATUS, status_input().header("bad header", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    assert_eq!(http.count(), 0);
    let e = Error::invalid_input("build_no", "must be a positive number");
    assert_eq!(
        e.to_string(),
        "invalid input `build_no`: must be a positive number"
    );
}

#[tokio::test]
async fn body_limit_stops_reading() {
    let polled = Arc::new(AtomicUsize::new(0));
    let chunks: Vec<&'static [u8]> = vec![b"[1,2,", b"3,4,", b"5,6,", b"7]"];
    let (client, _, _) = setup(vec![Step::Chunks(200, chunks, polled.clone())], |b| {
        b.body_limit(8)
    });
    let err = client
        .send_json::<Vec<u8>>(&GET_STATUS, status_input())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BodyTooLarge(b) if b.limit == 8),
        "{err:?}"
    );
    assert_eq!(
        polled.load(Ordering::SeqCst),
        2,
        "reading stopped at the chunk that crossed the limit (5 + 4 > 8)"
    );

    // At the limit exactly is fine.
    let (client, _, _) = setup(vec![ok("[1,2,33]")], |b| b.body_limit(8));
    let v: Vec<u8> = client.send_json(&GET_STATUS, status_input()).await.unwrap();
    assert_eq!(v, [1, 2, 33]);
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Builds {
    result: Inner,
}
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Inner {
    builds: Vec<Build>,
}
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Build {
    number: u32,
}

#[tokio::test]
async fn decode_errors_name_the_operation_and_the_field() {
    let (client, _, _) = setup(
        vec![status_h(
            200,
            vec![("x-request-id", "rq".into())],
            r#"{"result":{"builds":[{"number":1},{"number":"two"}]}}"#,
        )],
        |b| b,
    );
    let err = client
        .send_json::<Builds>(&GET_STATUS, status_input())
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.operation, "ShowJobStatus");
    assert_eq!(d.path, "result.builds[1].number");
    assert_eq!(d.request_id.as_deref(), Some("rq"));
    let text = err.to_string();
    assert!(
        text.starts_with(
            "CodeArtsBuild.ShowJobStatus: cannot decode the response at `result.builds[1].number`"
        ),
        "{text}"
    );
    assert!(text.contains(r#""number":"two""#), "{text}");
}

#[tokio::test]
async fn failure_envelope_on_200_is_a_service_error() {
    let (client, _, _) = setup(
        vec![ok(
            r#"{"status":"fail","error":{"error_code":"CB.1","error_msg":"nope"},"result":null}"#,
        )],
        |b| b,
    );
    let err = client
        .send_json::<serde_json::Value>(&GET_STATUS, status_input())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CB.1"));
    assert_eq!(err.status(), Some(StatusCode::OK));
    // A success envelope decodes normally.
    let (client, _, _) = setup(
        vec![ok(r#"{"status":"success","error":null,"result":1}"#)],
        |b| b,
    );
    let v: serde_json::Value = client.send_json(&GET_STATUS, status_input()).await.unwrap();
    assert_eq!(v["result"], 1);
}

#[test]
fn fail_envelopes_are_recognised_as_a_json_tree_would_read_them() {
    use crate::client::is_fail_envelope;
    let cases: [(&str, bool); 9] = [
        (r#"{"status":"fail","error":{"error_code":"CB.1"}}"#, true),
        (r#"{"status":"fail","error":"no such job"}"#, true),
        (
            r#"{"result":{"status":"fail"},"error":[],"status":"fail"}"#,
            true,
        ),
        // Escaped text is compared decoded.
        (r#"{"status":"f\u0061il","error":1}"#, true),
        (r#"{"status":"fail","error":null}"#, false),
        (r#"{"status":"fail"}"#, false),
        (r#"{"status":"success","error":{"error_code":"x"}}"#, false),
        // A non-string status, and duplicate keys (the last one wins), as a JSON tree reads them.
        (r#"{"status":7,"error":{}}"#, false),
        (r#"{"status":"success","status":"fail","error":{}}"#, true),
    ];
    for (body, want) in cases {
        let tree = serde_json::from_str::<serde_json::Value>(body).unwrap();
        let by_tree = tree["status"] == "fail" && !tree["error"].is_null();
        assert_eq!(by_tree, want, "{body}: the expectation itself");
        assert_eq!(is_fail_envelope(body.as_bytes()), want, "{body}");
    }
    assert!(
        !is_fail_envelope(b"{\"status\":\"fail\",\"error\":1"),
        "truncated"
    );
}

#[tokio::test(start_paused = true)]
async fn streams_are_not_buffered_and_have_an_idle_timeout() {
    let polled = Arc::new(AtomicUsize::new(0));
    let (client, _, _) = setup(
        vec![Step::Chunks(
            200,
            vec![b"line 1\n", b"line 2\n"],
            polled.clone(),
        )],
        |b| b.body_limit(4),
    );
    let mut stream = client
        .send_stream(&GET_STATUS, status_input())
        .await
        .unwrap();
    assert_eq!(
        polled.load(Ordering::SeqCst),
        0,
        "nothing read before the caller asks"
    );
    assert_eq!(stream.next_chunk().await.unwrap().unwrap(), "line 1\n");
    assert_eq!(polled.load(Ordering::SeqCst), 1);
    assert_eq!(stream.next_chunk().await.unwrap().unwrap(), "line 2\n");
    assert!(stream.next_chunk().await.is_none());

    let (client, _, _) = setup(vec![Step::Respond(200, vec![], vec![])], |b| b);
    let mut stream = client
        .send_stream(&GET_STATUS, status_input())
        .await
        .unwrap();
    assert!(stream.next_chunk().await.is_none());

    // A stream that stalls ends with a typed timeout.
    let hanging = ByteStream::from_body(Body::from_stream(futures_util::stream::pending()));
    let err = hanging.collect(1024).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn mockall_client_can_be_plugged_in() {
    let mut mock = crate::http_client::MockHttpClient::new();
    mock.expect_send()
        .withf(|req, opts| {
            req.uri().path() == "/v3/jobs/j/status"
                && opts.attempt_timeout == Duration::from_secs(60)
        })
        .times(1)
        .returning(|_, _| {
            Ok(http::Response::builder()
                .status(200)
                .body(Body::from(r#"{"result":true}"#))
                .unwrap())
        });
    let config = SdkConfig::builder()
        .http_client(Arc::new(mock))
        .authenticate_with(Arc::new(RecordingAuth::default()))
        .endpoint("https://example.com")
        .build()
        .unwrap();
    let client = ServiceClient::new(&config, &SVC).unwrap();
    let out: JobStatus = client
        .send_json(&GET_STATUS, RequestInput::new().path_param("job_id", "j"))
        .await
        .unwrap();
    assert!(out.result);
}

#[test]
fn endpoint_overrides_and_unknown_regions() {
    let auth: Arc<dyn Authenticate> = Arc::new(RecordingAuth::default());
    let http: Arc<dyn HttpClient> = Scripted::new(vec![]);
    let base = || {
        SdkConfig::builder()
            .http_client(http.clone())
            .authenticate_with(auth.clone())
            .env(EnvLookup::from_fn(|k| {
                (k == "HUAWEICLOUD_SDK_REGION_CODEARTSBUILD_CN_NORTH_4")
                    .then(|| "cb.internal,cb2.internal".to_owned())
            }))
    };
    let c = base().region("cn-north-4").build().unwrap();
    assert_eq!(
        ServiceClient::new(&c, &SVC).unwrap().endpoint(),
        "https://cb.internal"
    );
    let c = base()
        .region("cn-north-4")
        .endpoint("http://127.0.0.1:9000")
        .build()
        .unwrap();
    assert_eq!(
        ServiceClient::new(&c, &SVC).unwrap().endpoint(),
        "http://127.0.0.1:9000"
    );
    let c = base()
        .endpoint("http://127.0.0.1:9000")
        .service_endpoint("CodeArtsBuild", "http://127.0.0.1:9001/")
        .build()
        .unwrap();
    assert_eq!(
        ServiceClient::new(&c, &SVC).unwrap().endpoint(),
        "http://127.0.0.1:9001"
    );
    let c = base().region("xx-nowhere-1").build().unwrap();
    let err = ServiceClient::new(&c, &SVC).unwrap_err();
    assert!(matches!(
        err,
        Error::Endpoint(EndpointError::UnknownRegion { .. })
    ));
    assert!(err.to_string().contains("cn-north-4"));
    assert!(
        SdkConfig::builder()
            .http_client(http.clone())
            .build()
            .is_err(),
        "authenticator required"
    );
}

#[test]
fn public_types_are_send_sync_and_clients_clone() {
    fn is_send_sync<T: Send + Sync>() {}
    fn is_clone<T: Clone>() {}
    is_send_sync::<Error>();
    is_send_sync::<ServiceError>();
    is_send_sync::<ServiceClient>();
    is_send_sync::<SdkConfig>();
    is_send_sync::<SdkConfigBuilder>();
    is_send_sync::<RequestInput>();
    is_send_sync::<OperationSpec>();
    is_send_sync::<ByteStream>();
    is_send_sync::<Body>();
    is_send_sync::<RetryConfig>();
    is_send_sync::<ReqwestClient>();
    is_clone::<ServiceClient>();
    is_clone::<SdkConfig>();
    is_clone::<ReqwestClient>();
    // The futures of the client methods are Send (usable in tokio::spawn).
    fn future_is_send<F: std::future::Future + Send>(_: F) {}
    let (client, _, _) = setup(vec![], |b| b);
    future_is_send(client.send_json::<JobStatus>(&GET_STATUS, RequestInput::new()));
    future_is_send(client.send_stream(&GET_STATUS, RequestInput::new()));
}

#[test]
fn reqwest_client_config_errors_are_typed() {
    let cfg = ReqwestConfig {
        root_certificates_pem: vec![b"not a certificate".to_vec()],
        ..Default::default()
    };
    assert!(matches!(ReqwestClient::new(&cfg), Err(Error::Config(_))));
    let cfg = ReqwestConfig {
        proxy: Some("http://user:secret@proxy.invalid:3128".into()),
        no_proxy: Some("localhost,127.0.0.1".into()),
        ..Default::default()
    };
    assert!(ReqwestClient::new(&cfg).is_ok());
    let cfg = ReqwestConfig {
        proxy: Some("http://user:secret@bad host:99999".into()),
        ..Default::default()
    };
    let err = ReqwestClient::new(&cfg).unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn no_secret_reaches_the_logs_at_trace_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let run = |auth: hwcloud_auth::Authenticator, steps: Vec<Step>| async move {
        let http = Scripted::new(steps);
        let config = SdkConfig::builder()
            .http_client(http.clone())
            .authenticator(auth)
            .endpoint("https://example.com")
            .build()
            .unwrap();
        let client = ServiceClient::new(&config, &SVC).unwrap();
        let result = client.send_empty(&GET_STATUS, status_input()).await;
        (result, http)
    };
    let token =
        hwcloud_auth::Authenticator::token(hwcloud_auth::IamToken::new("MIITOPSECRETTOKEN123"));
    let (result, http) = run(
        token,
        vec![status(401, TOKEN_EXPIRED), status(503, ""), ok("{}")],
    )
    .await;
    result.unwrap();
    assert_eq!(
        http.requests()[0].headers()["x-auth-token"],
        "MIITOPSECRETTOKEN123"
    );

    let aksk = hwcloud_auth::Authenticator::access_key(hwcloud_auth::AccessKeyCredentials::new(
        "AKEXAMPLE0000000000",
        "SKTOPSECRET456789",
    ))
    .with_project_id("0123456789abcdef0123456789abcdef");
    let (result, http) = run(aksk, vec![status(500, ""), ok("{}")]).await;
    result.unwrap();
    let auth_header = http.requests()[0].headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let signature = auth_header.rsplit("Signature=").next().unwrap().to_owned();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "logs were captured:\n{logs}");
    assert!(logs.contains("ShowJobStatus"), "{logs}");
    for secret in [
        "MIITOPSECRETTOKEN123",
        "SKTOPSECRET456789",
        signature.as_str(),
    ] {
        assert!(!logs.contains(secret), "{secret} leaked:\n{logs}");
    }
}

#[tokio::test(start_paused = true)]
async fn connect_timeouts_are_typed_timeouts_and_retried_for_post() {
    let (client, http, _) = setup(
        (0..3)
            .map(|_| Step::FailWith(HttpErrorKind::ConnectTimeout, "operation timed out"))
            .collect(),
        |b| b,
    );
    match client.send_empty(&RUN_JOB, RequestInput::new()).await {
        Err(Error::Timeout(t)) => {
            assert_eq!(t.kind, TimeoutKind::Connect);
            assert_eq!(t.after, Duration::from_secs(10));
            assert_eq!(t.attempts, 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(http.count(), 3);
}

#[test]
fn byte_stream_can_be_built_and_read_without_a_runtime_timer() {
    let stream = ByteStream::from_body(Body::from("abc"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // No timer driver enabled: reading ready chunks never needs the idle timer.
    let bytes = rt.block_on(stream.collect(10)).unwrap();
    assert_eq!(bytes, "abc");
    let stream = ByteStream::from_body(Body::from("abcdef"));
    assert!(matches!(
        rt.block_on(stream.collect(3)),
        Err(Error::BodyTooLarge(_))
    ));
}
