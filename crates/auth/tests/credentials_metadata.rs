//! ECS metadata credentials and project-id discovery over a scripted HTTP fake.
#![cfg(all(feature = "providers", feature = "mock"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod credentials_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use credentials_support::{FakeHttp, T0, at, response};
use futures_util::FutureExt;
use futures_util::future::join_all;
use hwcloud_auth::clock::Clock;
use hwcloud_auth::http_client::{HttpError, HttpErrorKind};
use hwcloud_auth::{
    AccessKeyCredentials, AuthContext, Authenticator, CredentialsErrorKind, EcsMetadataProvider,
    ProjectIdDiscovery, ProvideAccessKey,
};

const META: &str = "http://127.0.0.1:9";
const KEY: &str = r#"{"credential":{"access":"MAK","secret":"MSK","securitytoken":"MST","expires_at":"2026-11-22T06:00:00.000000Z"}}"#;

#[derive(Debug)]
struct TestClock(Mutex<SystemTime>);
impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

fn route(req: &http::Request<Vec<u8>>) -> (String, String) {
    (req.method().to_string(), req.uri().path().to_owned())
}

#[tokio::test]
async fn session_token_then_security_key() {
    let http = FakeHttp::new(|req, _| {
        Ok(match route(req) {
            (m, p) if m == "PUT" && p == "/meta-data/latest/api/token" => {
                response(200, &[], "SESSION\n")
            }
            (m, p) if m == "GET" && p == "/openstack/latest/securitykey" => response(200, &[], KEY),
            _ => response(404, &[], ""),
        })
    });
    let p = EcsMetadataProvider::new(http.arc()).with_endpoint(META);
    let c = p.access_key().await.unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key().expose()),
        ("MAK", "MSK")
    );
    assert_eq!(c.security_token().unwrap().expose(), "MST");
    assert_eq!(c.expires_at(), Some(at(T0 + 6 * 3600)));
    let put = http.request(0);
    assert_eq!(put.uri(), "http://127.0.0.1:9/meta-data/latest/api/token");
    assert_eq!(put.headers()["x-metadata-token-ttl-seconds"], "21600");
    assert_eq!(http.request(1).headers()["x-metadata-token"], "SESSION");
    assert_eq!(http.timeout(0), Duration::from_secs(3));
    assert_eq!(http.timeout(1), Duration::from_secs(3));
    // The session token is reused.
    p.access_key().await.unwrap();
    assert_eq!(http.calls(), 3);
    assert_eq!(http.request(2).headers()["x-metadata-token"], "SESSION");
}

#[tokio::test]
async fn without_token_support_continues_and_retries_only_after_a_day() {
    for status in [404, 405, 503] {
        let http = FakeHttp::new(move |req, _| {
            Ok(if req.method() == http::Method::PUT {
                response(status, &[], "")
            } else {
                // Aliases and the `credentials` descent.
                response(
                    200,
                    &[],
                    r#"{"credentials":{"accessKeyId":"A2","secretAccessKey":"S2","securityToken":"T2","expiration":"2026-11-22T01:00:00Z"}}"#,
                )
            })
        });
        let clock = Arc::new(TestClock(Mutex::new(at(T0))));
        let p = EcsMetadataProvider::new(http.arc())
            .with_endpoint(META)
            .with_clock(clock.clone());
        let c = p.access_key().await.unwrap();
        assert_eq!(
            (c.access_key_id(), c.security_token().unwrap().expose()),
            ("A2", "T2")
        );
        assert!(!http.request(1).headers().contains_key("x-metadata-token"));
        p.access_key().await.unwrap();
        assert_eq!(http.calls(), 3, "no new PUT within 24 h");
        *clock.0.lock().unwrap() = at(T0 + 24 * 3600 + 1);
        p.access_key().await.unwrap();
        assert_eq!(http.calls(), 5, "PUT retried after 24 h");
        assert_eq!(http.request(3).method(), http::Method::PUT);
    }
}

#[tokio::test]
async fn unexpected_token_status_is_an_error() {
    let http = FakeHttp::new(|_, _| Ok(response(500, &[], "boom")));
    let e = EcsMetadataProvider::new(http.arc())
        .with_endpoint(META)
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status()),
        (CredentialsErrorKind::IamRefused, Some(500))
    );
    assert_eq!(http.calls(), 1);
}

#[tokio::test]
async fn a_401_refreshes_the_session_token_once() {
    let http = FakeHttp::new(|req, n| {
        Ok(match (req.method().as_str(), n) {
            ("PUT", 0) => response(200, &[], "OLD"),
            ("GET", 1) => response(401, &[], "token expired"),
            ("PUT", 2) => response(200, &[], "NEW"),
            ("GET", 3) => response(200, &[], KEY),
            _ => response(418, &[], ""),
        })
    });
    let c = EcsMetadataProvider::new(http.arc())
        .with_endpoint(META)
        .access_key()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "MAK");
    assert_eq!(http.request(3).headers()["x-metadata-token"], "NEW");
    assert_eq!(http.calls(), 4);

    // A second 401 is not retried again.
    let http = FakeHttp::new(|req, _| {
        Ok(if req.method() == http::Method::PUT {
            response(200, &[], "T")
        } else {
            response(401, &[], "no")
        })
    });
    let e = EcsMetadataProvider::new(http.arc())
        .with_endpoint(META)
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status()),
        (CredentialsErrorKind::IamRefused, Some(401))
    );
    assert_eq!(http.calls(), 4);
}

#[tokio::test]
async fn no_agency_and_no_metadata_service_are_not_configured() {
    let http = FakeHttp::new(|req, _| {
        Ok(if req.method() == http::Method::PUT {
            response(200, &[], "T")
        } else {
            response(401, &[], "Please configure Cloud Service Agency first")
        })
    });
    let e = EcsMetadataProvider::new(http.arc())
        .with_endpoint(META)
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
    assert!(e.to_string().contains("agency"), "{e}");
    assert_eq!(http.calls(), 2, "the agency 401 does not refresh the token");

    let http =
        FakeHttp::new(|_, _| Err(HttpError::new(HttpErrorKind::Connect, "connection refused")));
    let e = EcsMetadataProvider::new(http.arc())
        .with_endpoint(META)
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
    assert_eq!(e.sources_tried()[0].source, "ECS metadata");
    assert!(e.to_string().contains("unreachable"), "{e}");
}

#[tokio::test]
async fn malformed_security_key_is_an_invalid_response() {
    for body in [
        "not json",
        r#"{"credential":{"access":"A","secret":"","expires_at":"2026-11-22T01:00:00Z"}}"#,
        r#"{"credential":{"access":"A","secret":"S"}}"#,
    ] {
        let b = body.to_owned();
        let http = FakeHttp::new(move |req, _| {
            Ok(if req.method() == http::Method::PUT {
                response(404, &[], "")
            } else {
                response(200, &[], &b)
            })
        });
        let e = EcsMetadataProvider::new(http.arc())
            .with_endpoint(META)
            .access_key()
            .await
            .unwrap_err();
        assert_eq!(
            e.kind(),
            CredentialsErrorKind::InvalidResponse,
            "{body}: {e}"
        );
    }
}

fn projects(ids: &[&str]) -> String {
    let list: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "name": "cn-north-4", "enabled": true}))
        .collect();
    serde_json::json!({"projects": list, "links": {}}).to_string()
}

/// IAM's project list: `pid-1` for cn-north-4, `pid-x` (named ap-southeast-1) for any other query.
fn iam_projects(req: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    match req.uri().query() {
        Some("name=cn-north-4") => response(200, &[], &projects(&["pid-1"])),
        _ => response(
            200,
            &[],
            &serde_json::json!({"projects": [{"id": "pid-x", "name": "ap-southeast-1"}]})
                .to_string(),
        ),
    }
}

#[tokio::test]
async fn discovery_sends_a_signed_get_and_caches_per_key_and_region() {
    let http = FakeHttp::new(|req, _| Ok(iam_projects(req)));
    let d = ProjectIdDiscovery::new(http.arc()).with_iam_endpoint("http://iam.test/");
    let creds = AccessKeyCredentials::new("AK1", "SK1");
    assert_eq!(
        d.project_id(&creds, "cn-north-4", at(T0)).await.unwrap(),
        "pid-1"
    );
    let req = http.request(0);
    assert_eq!(req.method(), http::Method::GET);
    assert_eq!(req.uri(), "http://iam.test/v3/projects?name=cn-north-4");
    assert!(!req.headers().contains_key("content-type"));
    assert!(!req.headers().contains_key("x-project-id"));
    assert!(
        req.headers()["authorization"]
            .to_str()
            .unwrap()
            .contains("Access=AK1")
    );
    // Cached for AK1 + region, shared by clones; another region or another AK asks again.
    d.clone()
        .project_id(&creds, "cn-north-4", at(T0))
        .await
        .unwrap();
    assert_eq!(http.calls(), 1);
    assert_eq!(
        d.project_id(&creds, "ap-southeast-1", at(T0))
            .await
            .unwrap(),
        "pid-x"
    );
    d.project_id(
        &AccessKeyCredentials::new("AK2", "SK2"),
        "cn-north-4",
        at(T0),
    )
    .await
    .unwrap();
    assert_eq!(http.calls(), 3);
}

#[tokio::test]
async fn discovery_zero_or_several_projects_is_a_clear_error() {
    let http = FakeHttp::new(|_, n| {
        Ok(if n == 0 {
            response(200, &[("x-iam-trace-id", "tr-0")], &projects(&[]))
        } else {
            response(200, &[], &projects(&["pid-a", "pid-b"]))
        })
    });
    let d = ProjectIdDiscovery::new(http.arc()).with_iam_endpoint("http://iam.test");
    let creds = AccessKeyCredentials::new("AK", "SK");
    let e = d
        .project_id(&creds, "cn-north-4", at(T0))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProjectNotFound);
    assert_eq!(e.trace_id(), Some("tr-0"));
    assert!(
        e.to_string().contains("cn-north-4") && e.to_string().contains("tr-0"),
        "{e}"
    );
    let e = d
        .project_id(&creds, "cn-north-4", at(T0))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::AmbiguousProject);
    assert_eq!(e.project_ids(), ["pid-a", "pid-b"]);
    assert!(e.to_string().contains("pid-a, pid-b"), "{e}");
    // Neither result was cached.
    assert!(d.project_id(&creds, "cn-north-4", at(T0)).await.is_err());
    assert_eq!(http.calls(), 3);
    // A region that could smuggle query text is refused before any call.
    let e = d
        .project_id(&creds, "cn-north-4&name=x", at(T0))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert_eq!(http.calls(), 3);
}

/// A discovery whose IAM answers `cn-north-4` with `pid-1` and any other region with `pid-x`, holding
/// every call until `open()`.
fn gated_discovery(fail_first: bool) -> (FakeHttp, ProjectIdDiscovery, AccessKeyCredentials) {
    let http = FakeHttp::new(move |req, n| {
        Ok(if fail_first && n == 0 {
            response(200, &[("x-iam-trace-id", "tr-0")], &projects(&[]))
        } else {
            iam_projects(req)
        })
    })
    .gated();
    let d = ProjectIdDiscovery::new(http.arc()).with_iam_endpoint("http://iam.test");
    (http, d, AccessKeyCredentials::new("AK", "SK"))
}

/// Fails instead of hanging.
async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(5), f)
        .await
        .expect("no answer within 5 s")
}

/// Runs `lookups` concurrently against the gated `http`: once all have started, exactly `in_flight` requests
/// must be waiting at the gate; then it opens. Fails instead of hanging.
async fn overlapping<F: std::future::Future>(
    http: &FakeHttp,
    in_flight: usize,
    lookups: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let (results, ()) = within(async {
        tokio::join!(join_all(lookups), async {
            // Every lookup has started and none can finish before the gate opens.
            tokio::task::yield_now().await;
            assert_eq!(http.calls(), in_flight, "requests in flight");
            http.open();
        })
    })
    .await;
    assert_eq!(http.calls(), in_flight);
    results
}

/// The next lookup of cn-north-4 answers `pid-1`, `calls` requests having been sent in all, and the one after
/// it comes from the cache.
async fn assert_next_lookup(
    http: &FakeHttp,
    d: &ProjectIdDiscovery,
    creds: &AccessKeyCredentials,
    calls: usize,
) {
    let id = within(d.project_id(creds, "cn-north-4", at(T0))).await;
    assert_eq!(id.unwrap(), "pid-1");
    assert_eq!(http.calls(), calls);
    d.project_id(creds, "cn-north-4", at(T0)).await.unwrap();
    assert_eq!(http.calls(), calls, "cached");
}

#[tokio::test]
async fn discovery_concurrent_calls_share_one_request() {
    let (http, d, creds) = gated_discovery(false);
    let clone = d.clone();
    // Half of the callers go through a clone: clones share the lookups in flight too.
    let lookups = [&d, &clone]
        .into_iter()
        .cycle()
        .take(8)
        .map(|d| d.project_id(&creds, "cn-north-4", at(T0)));
    let ids = overlapping(&http, 1, lookups).await;
    for id in ids {
        assert_eq!(id.unwrap(), "pid-1");
    }
    // And cached as before.
    d.project_id(&creds, "cn-north-4", at(T0)).await.unwrap();
    assert_eq!(http.calls(), 1);
}

#[tokio::test]
async fn discovery_concurrent_calls_for_other_keys_do_not_wait_for_each_other() {
    let (http, d, creds) = gated_discovery(false);
    let other_ak = AccessKeyCredentials::new("AK2", "SK2");
    let keys = [
        (&creds, "cn-north-4"),
        (&creds, "ap-southeast-1"),
        (&other_ak, "cn-north-4"),
    ];
    let lookups = keys
        .iter()
        .cycle()
        .take(9)
        .map(|(c, region)| d.project_id(c, region, at(T0)));
    // One request per AK + region, all in flight at once.
    let ids = overlapping(&http, 3, lookups).await;
    let ids: Vec<String> = ids.into_iter().map(Result::unwrap).collect();
    assert_eq!(ids[..3], ["pid-1", "pid-x", "pid-1"]);
    assert_eq!(ids[..3], ids[3..6]);
    assert_eq!(ids[..3], ids[6..]);
}

#[tokio::test]
async fn discovery_a_failed_lookup_is_shared_by_its_waiters_and_not_cached() {
    let (http, d, creds) = gated_discovery(true);
    let lookups = (0..4).map(|_| d.project_id(&creds, "cn-north-4", at(T0)));
    let results = overlapping(&http, 1, lookups).await;
    // Every waiter gets the one failure.
    let errors: Vec<_> = results.into_iter().map(Result::unwrap_err).collect();
    for e in &errors {
        assert_eq!(e.kind(), CredentialsErrorKind::ProjectNotFound);
        assert_eq!(e.trace_id(), Some("tr-0"));
        assert_eq!(e.to_string(), errors[0].to_string());
    }
    // The failure was not kept: the next call asks IAM again, and that answer is cached.
    assert_next_lookup(&http, &d, &creds, 2).await;
}

#[tokio::test]
async fn discovery_abandoned_by_its_only_caller_is_completed_by_the_next() {
    let (http, d, creds) = gated_discovery(false);
    let mut first = Box::pin(d.project_id(&creds, "cn-north-4", at(T0)));
    assert!(first.as_mut().now_or_never().is_none());
    assert_eq!(http.calls(), 1);
    // The caller gives up while IAM has not answered.
    drop(first);
    http.open();
    // The next caller neither hangs on the abandoned lookup nor sends a second request: it drives it on.
    assert_next_lookup(&http, &d, &creds, 1).await;
}

#[tokio::test]
async fn authenticator_discovers_the_project_from_the_region() {
    let http = FakeHttp::new(|_, _| Ok(response(200, &[], &projects(&["pid-1"]))));
    let auth = Authenticator::access_key(AccessKeyCredentials::new("AK", "SK"))
        .with_project_discovery(
            ProjectIdDiscovery::new(http.arc()).with_iam_endpoint("http://iam.test"),
        );
    let ctx = |region: Option<&str>| AuthContext {
        now: at(T0),
        region: region.map(str::to_owned),
        requires_project_scope: true,
    };
    let (mut parts, ()) = http::Request::post("https://svc.example/v3/x")
        .body(())
        .unwrap()
        .into_parts();
    let out = auth
        .authenticate(&mut parts, b"{}", &ctx(Some("cn-north-4")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(parts.headers["x-project-id"], "pid-1");
    assert!(out.signed_headers().split(';').any(|h| h == "x-project-id"));
    // No region: a clear error, and the request head is untouched.
    let (mut parts, ()) = http::Request::post("https://svc.example/v3/x")
        .body(())
        .unwrap()
        .into_parts();
    let e = auth
        .authenticate(&mut parts, b"{}", &ctx(None))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_PROJECT_ID"), "{e}");
    assert!(parts.headers.is_empty());

    // Domain id for global services.
    let auth =
        Authenticator::access_key(AccessKeyCredentials::new("AK", "SK")).with_domain_id("dom-1");
    let (mut parts, ()) = http::Request::get("https://iam.example/v3/x")
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&mut parts, b"", &ctx(None))
        .await
        .unwrap();
    assert_eq!(parts.headers["x-domain-id"], "dom-1");
    assert!(!parts.headers.contains_key("x-project-id"));
}

#[tokio::test]
async fn signing_errors_are_typed() {
    let auth = Authenticator::access_key(AccessKeyCredentials::new("", "SK")).with_project_id("p");
    let (mut parts, ()) = http::Request::get("https://svc.example/")
        .body(())
        .unwrap()
        .into_parts();
    let ctx = AuthContext {
        now: at(T0),
        region: None,
        requires_project_scope: false,
    };
    let e = auth.authenticate(&mut parts, b"", &ctx).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::Signing);
    assert!(parts.headers.is_empty(), "head untouched on error");

    // A project header the caller set is given back exactly, not replaced by the configured one.
    let (mut parts, ()) = http::Request::get("https://svc.example/")
        .header("x-project-id", "callers-1")
        .header("x-project-id", "callers-2")
        .body(())
        .unwrap()
        .into_parts();
    let before = parts.headers.clone();
    let e = auth.authenticate(&mut parts, b"", &ctx).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::Signing);
    assert_eq!(parts.headers, before, "head untouched on error");
}

/// A panicking HTTP client (a bug in an injected one) fails the lookup that hit it, for every waiter, instead
/// of panicking them or every later caller that would join a poisoned shared lookup.
#[tokio::test]
async fn discovery_a_panicking_http_client_is_an_error_and_the_next_call_tries_again() {
    let http = FakeHttp::new(|_, n| {
        assert!(n > 0, "a bug in the HTTP client");
        Ok(response(200, &[], &projects(&["pid-1"])))
    })
    .gated();
    let d = ProjectIdDiscovery::new(http.arc()).with_iam_endpoint("http://iam.test");
    let creds = AccessKeyCredentials::new("AK", "SK");
    let lookups = (0..3).map(|_| d.project_id(&creds, "cn-north-4", at(T0)));
    for r in overlapping(&http, 1, lookups).await {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::Other);
        assert!(e.to_string().contains("panicked"), "{e}");
    }
    assert_next_lookup(&http, &d, &creds, 2).await;
}
