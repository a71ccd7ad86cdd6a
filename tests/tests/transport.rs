//! hwcloud-transport against the emulator over real HTTP: retries, idempotency, timeouts, token refresh,
//! clock skew, error shapes and body limits, proven with the emulator's journal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use hwcloud_auth::{AccessKeyCredentials, Authenticator, ScopeRequest, Signer};
use hwcloud_emulator::demo;
use hwcloud_emulator::{Emulator, Fault, FaultPlan, FaultRule, RouteMatch, Verdict};
use hwcloud_tests::harness::{self, aksk, calls, password, start};
use hwcloud_transport::{
    CODEARTSBUILD, Error, OperationSpec, RequestInput, RetryConfig, SdkConfig, SdkConfigBuilder,
    ServiceClient, StandardRetryPolicy, TimeoutKind,
};
use serde::Deserialize;

const SHOW_JOB_STATUS: OperationSpec = OperationSpec::new(
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

#[derive(Debug, Deserialize)]
struct JobStatus {
    result: bool,
}

fn builder(emu: &Emulator, auth: Authenticator) -> SdkConfigBuilder {
    harness::builder(emu, auth).retry(RetryConfig::with_standard(StandardRetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    }))
}

fn client(emu: &Emulator) -> ServiceClient {
    let config = builder(emu, aksk()).build().expect("config");
    ServiceClient::new(&config, &CODEARTSBUILD).expect("client")
}

fn status_input() -> RequestInput {
    RequestInput::new().path_param("job_id", demo::CODEARTSBUILD_JOB_ID)
}

fn run_input() -> RequestInput {
    RequestInput::new()
        .json_body(&serde_json::json!({"job_id": demo::CODEARTSBUILD_JOB_ID}))
        .expect("json")
}

fn fault(method: &str, path: &str, fault: Fault) -> FaultRule {
    FaultRule::new(RouteMatch::path(method, path), fault)
}

#[tokio::test]
async fn signed_get_succeeds_and_503_on_idempotent_get_is_retried() {
    let emu = start().await;
    let client = client(&emu);
    let status: JobStatus = client
        .send_json(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    assert!(!status.result);
    let entry = &emu.journal()[0];
    assert_eq!(entry.verdict, Verdict::Accepted);
    assert!(
        entry
            .header("user-agent")
            .unwrap()
            .starts_with("hwcloud-rust/")
    );
    assert_eq!(entry.header("content-type"), Some("application/json"));

    emu.clear_journal();
    emu.set_faults(
        FaultPlan::none().with(fault("GET", "/v3/jobs/*/status", Fault::Unavailable).times(2)),
    );
    let _: JobStatus = client
        .send_json(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    let journal = emu.journal();
    assert_eq!(journal.len(), 3);
    assert!(matches!(journal[0].verdict, Verdict::Faulted { .. }));
    assert_eq!(journal[2].verdict, Verdict::Accepted);
    // Every attempt was signed afresh.
    let dates: Vec<_> = journal
        .iter()
        .map(|e| e.header("x-sdk-date").map(str::to_owned))
        .collect();
    assert!(dates.iter().all(Option::is_some));
}

#[tokio::test]
async fn non_idempotent_run_job_is_not_retried_on_503_or_429() {
    let emu = start().await;
    let client = client(&emu);
    for f in [
        Fault::Unavailable,
        Fault::Throttle {
            retry_after_secs: 0,
        },
        Fault::InternalError,
    ] {
        emu.clear_journal();
        emu.set_faults(FaultPlan::none().with(fault("POST", "/v3/jobs/build", f.clone()).times(1)));
        let err = client.send_empty(&RUN_JOB, run_input()).await.unwrap_err();
        assert!(
            err.status().is_some_and(|s| s.as_u16() >= 429),
            "{f}: {err}"
        );
        assert!(err.request_id().is_some(), "{err}");
        assert_eq!(calls(&emu, "RunJob").len(), 1, "{f}: exactly one request");
    }
    assert_eq!(
        emu.codeartsbuild_build_count(demo::CODEARTSBUILD_JOB_ID),
        Some(0)
    );
    // The same 503 on an idempotent GET is retried.
    emu.clear_journal();
    emu.set_faults(
        FaultPlan::none().with(fault("GET", "/v3/jobs/*/status", Fault::Unavailable).times(1)),
    );
    client
        .send_empty(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    assert_eq!(calls(&emu, "ShowJobStatus").len(), 2);
}

#[tokio::test]
async fn a_run_job_that_may_have_reached_the_server_is_never_sent_twice() {
    let emu = start().await;
    let client = client(&emu);
    // The connection is dropped after the server read the request.
    emu.set_faults(FaultPlan::none().with(fault("POST", "/v3/jobs/build", Fault::Drop).times(1)));
    match client.send_empty(&RUN_JOB, run_input()).await {
        Err(Error::Connection(c)) => assert!(c.sent, "{c}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls(&emu, "RunJob").len(), 1);

    // The build started, then the answer broke off half way.
    emu.clear_journal();
    emu.set_faults(
        FaultPlan::none().with(fault("POST", "/v3/jobs/build", Fault::Truncate).times(1)),
    );
    let err = client.send_empty(&RUN_JOB, run_input()).await.unwrap_err();
    assert!(
        matches!(err, Error::Connection(_) | Error::Timeout(_)),
        "{err:?}"
    );
    assert_eq!(calls(&emu, "RunJob").len(), 1);
    assert_eq!(
        emu.codeartsbuild_build_count(demo::CODEARTSBUILD_JOB_ID),
        Some(1)
    );

    // A dropped idempotent GET is retried and succeeds.
    emu.clear_journal();
    emu.set_faults(FaultPlan::none().with(fault("GET", "/v3/jobs/*/status", Fault::Drop).times(1)));
    client
        .send_empty(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    assert_eq!(calls(&emu, "ShowJobStatus").len(), 2);
}

#[tokio::test]
async fn connection_refused_is_retried_and_typed() {
    // Bind and close a port so nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = SdkConfig::builder()
        .authenticator(aksk())
        .endpoint(format!("http://127.0.0.1:{port}"))
        .disable_proxy()
        .retry(RetryConfig::with_standard(StandardRetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        }))
        .build()
        .unwrap();
    let client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    match client.send_empty(&RUN_JOB, run_input()).await {
        Err(Error::Connection(c)) => {
            assert!(!c.sent);
            assert_eq!(
                c.attempts, 3,
                "connection failures are retried even for POST"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let emu = start().await;
    let client = client(&emu);
    emu.set_faults(
        FaultPlan::none().with(
            fault(
                "GET",
                "/v3/jobs/*/status",
                Fault::Throttle {
                    retry_after_secs: 1,
                },
            )
            .times(1),
        ),
    );
    let start = Instant::now();
    client
        .send_empty(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(calls(&emu, "ShowJobStatus").len(), 2);
}

#[tokio::test]
async fn timeouts_are_typed_for_get_and_post() {
    let emu = start().await;
    let config = builder(&emu, aksk())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    emu.set_faults(FaultPlan::none().with(FaultRule::new(
        RouteMatch::Any,
        Fault::Latency(Duration::from_millis(1500)),
    )));
    match client.send_empty(&SHOW_JOB_STATUS, status_input()).await {
        Err(Error::Timeout(t)) => {
            assert_eq!(t.kind, TimeoutKind::Attempt);
            assert_eq!(t.attempts, 3, "idempotent GET retried after timeouts");
        }
        other => panic!("{other:?}"),
    }
    match client.send_empty(&RUN_JOB, run_input()).await {
        Err(Error::Timeout(t)) => {
            assert_eq!(t.kind, TimeoutKind::Attempt);
            assert_eq!(
                t.attempts, 1,
                "a POST that may have been processed is not repeated"
            );
        }
        other => panic!("{other:?}"),
    }
    // Let the delayed handlers finish: the POST reached the server at most once.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert!(calls(&emu, "RunJob").len() <= 1);
    assert!(
        emu.codeartsbuild_build_count(demo::CODEARTSBUILD_JOB_ID)
            .unwrap()
            <= 1
    );

    // The total timeout bounds everything.
    let config = builder(&emu, aksk())
        .attempt_timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    let err = client.send_empty(&RUN_JOB, run_input()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind == TimeoutKind::Total),
        "{err:?}"
    );
}

#[tokio::test]
async fn expired_token_is_refreshed_once_and_the_call_succeeds() {
    let emu = start().await;
    let provider = password(&emu, ScopeRequest::ProjectName(demo::REGION.into()));
    let config = builder(&emu, Authenticator::token(provider))
        .build()
        .unwrap();
    let client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    client
        .send_empty(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    assert_eq!(calls(&emu, "KeystoneCreateToken").len(), 1);

    emu.expire_tokens();
    // Even the non-idempotent RunJob: the gateway refused it before the service saw it.
    client.send_empty(&RUN_JOB, run_input()).await.unwrap();
    assert_eq!(calls(&emu, "KeystoneCreateToken").len(), 2, "one refresh");
    let runs: Vec<_> = calls(&emu, "RunJob")
        .into_iter()
        .map(|e| e.verdict)
        .collect();
    assert_eq!(runs.len(), 2);
    assert!(matches!(&runs[0], Verdict::Rejected { code } if code.ends_with(".0301")));
    assert_eq!(runs[1], Verdict::Accepted);
    assert_eq!(
        emu.codeartsbuild_build_count(demo::CODEARTSBUILD_JOB_ID),
        Some(1)
    );
}

#[tokio::test]
async fn clock_skew_is_corrected_and_remembered() {
    let emu = start().await;
    emu.set_clock_offset(3600);
    let client = client(&emu);
    client
        .send_empty(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
    let offset = client.config().clock_offset();
    assert!((3_598_000..=3_602_000).contains(&offset), "{offset}");
    let journal = emu.journal();
    assert_eq!(journal.len(), 2);
    assert!(matches!(&journal[0].verdict, Verdict::Rejected { .. }));
    // Later calls sign with the corrected time at once.
    client.send_empty(&RUN_JOB, run_input()).await.unwrap();
    assert_eq!(emu.journal().len(), 3);
}

#[tokio::test]
async fn error_shapes_request_ids_and_signature_mismatch_details() {
    let emu = start().await;
    let client = client(&emu);
    // Unknown job: a service error with the emulator's request id.
    let err = client
        .send_empty(
            &SHOW_JOB_STATUS,
            RequestInput::new().path_param("job_id", "nope"),
        )
        .await
        .unwrap_err();
    let se = err.as_service_error().expect("service error");
    assert!(se.status.is_client_error());
    assert_ne!(
        se.error_code,
        se.status.as_u16().to_string(),
        "code parsed from the body"
    );
    let journal = emu.journal();
    assert_eq!(err.request_id(), Some(journal[0].request_id.as_str()));
    assert!(
        err.to_string()
            .starts_with("CodeArtsBuild.ShowJobStatus failed: "),
        "{err}"
    );

    // Wrong secret: signature mismatch carries what we signed.
    let bad = Authenticator::access_key(AccessKeyCredentials::new(
        demo::ACCESS_KEY,
        "WrongSecretKey00000000000000000000000000",
    ))
    .with_project_id(demo::PROJECT_ID)
    .with_signer(Signer::default());
    let config = builder(&emu, bad).build().unwrap();
    let bad_client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    let err = bad_client
        .send_empty(&RUN_JOB, run_input())
        .await
        .unwrap_err();
    let se = err.as_service_error().expect("service error");
    assert_eq!(se.status, StatusCode::UNAUTHORIZED);
    assert!(se.is_signature_mismatch(), "{se}");
    let canonical = se
        .canonical_request
        .as_deref()
        .expect("canonical request kept");
    assert!(
        canonical.starts_with("POST\n/v3/jobs/build/\n"),
        "{canonical}"
    );
    assert!(
        se.string_to_sign
            .as_deref()
            .unwrap()
            .starts_with("SDK-HMAC-SHA256\n")
    );

    // Malformed JSON on 200: a decode error naming the operation.
    emu.set_faults(
        FaultPlan::none().with(fault("GET", "/v3/jobs/*/status", Fault::Malformed).times(1)),
    );
    match client
        .send_json::<JobStatus>(&SHOW_JOB_STATUS, status_input())
        .await
    {
        Err(Error::Decode(d)) => assert_eq!(d.operation, "ShowJobStatus"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn body_limit_is_enforced() {
    let emu = start().await;
    let config = builder(&emu, aksk()).body_limit(8).build().unwrap();
    let client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    match client
        .send_json::<JobStatus>(&SHOW_JOB_STATUS, status_input())
        .await
    {
        Err(Error::BodyTooLarge(b)) => assert_eq!(b.limit, 8),
        other => panic!("{other:?}"),
    }
    let config = builder(&emu, aksk()).body_limit(4096).build().unwrap();
    let client = ServiceClient::new(&config, &CODEARTSBUILD).unwrap();
    let _: JobStatus = client
        .send_json(&SHOW_JOB_STATUS, status_input())
        .await
        .unwrap();
}
