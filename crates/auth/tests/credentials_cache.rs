//! Cache rules of `Authenticator`: refresh ahead of expiry with jitter, single flight, stale-on-failure,
//! invalidation. Run with `cargo test -p hwcloud-auth --features providers,mock`.
#![cfg(all(feature = "providers", feature = "mock"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod credentials_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use credentials_support::{Capture, T0, at};
use hwcloud_auth::{
    AccessKeyCredentials, AuthContext, Authenticator, CredentialsError, CredentialsErrorKind,
    IamToken, ProvideAccessKey, ProvideToken, RefreshPolicy, TokenScope,
};

const DAY: u64 = 24 * 3600;

/// Counts calls; call `n` (0-based) returns `script(n)` after an optional delay.
#[derive(Clone)]
struct Counting<T> {
    calls: Arc<AtomicUsize>,
    delay: Duration,
    script: Arc<dyn Fn(usize) -> Result<T, CredentialsError> + Send + Sync>,
}

impl<T> std::fmt::Debug for Counting<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Counting")
    }
}

impl<T> Counting<T> {
    fn new(script: impl Fn(usize) -> Result<T, CredentialsError> + Send + Sync + 'static) -> Self {
        Self {
            calls: Arc::default(),
            delay: Duration::ZERO,
            script: Arc::new(script),
        }
    }
    fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
    async fn next(&self) -> Result<T, CredentialsError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        (self.script)(n)
    }
}

#[async_trait::async_trait]
impl ProvideToken for Counting<IamToken> {
    async fn token(&self) -> Result<IamToken, CredentialsError> {
        self.next().await
    }
}

#[async_trait::async_trait]
impl ProvideAccessKey for Counting<AccessKeyCredentials> {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        self.next().await
    }
}

/// Token `tok-<n>` issued at T0 + n days, valid 24 h, project-scoped.
fn daily_token(n: usize) -> IamToken {
    IamToken::new(format!("tok-{n}"))
        .with_expiry(at(T0 + (n as u64 + 1) * DAY))
        .with_scope(TokenScope::Project {
            id: Some("p".into()),
            name: None,
        })
}

async fn token_at(auth: &Authenticator, secs: u64) -> Result<String, CredentialsError> {
    Ok(auth
        .current_token(at(secs))
        .await?
        .expect("token authenticator")
        .value
        .expose()
        .to_owned())
}

#[test]
fn jitter_stays_within_bounds_and_spreads() {
    fastrand::seed(7);
    for p in [RefreshPolicy::TOKEN, RefreshPolicy::TEMPORARY_ACCESS_KEY] {
        let (fetched, expires) = (at(T0), at(T0 + DAY));
        let leads: Vec<Duration> = (0..5000)
            .map(|_| {
                expires
                    .duration_since(p.refresh_at(fetched, expires))
                    .unwrap()
            })
            .collect();
        let min = *leads.iter().min().unwrap();
        let max = *leads.iter().max().unwrap();
        assert!(min >= p.margin, "{min:?} < margin {:?}", p.margin);
        assert!(max <= p.margin + p.jitter, "{max:?} > margin + jitter");
        assert!(
            max - min > p.jitter / 2,
            "jitter does not spread: {min:?}..{max:?}"
        );
    }
    // The documented numbers.
    assert_eq!(RefreshPolicy::TOKEN.margin, Duration::from_secs(3600));
    assert_eq!(
        RefreshPolicy::TEMPORARY_ACCESS_KEY.margin,
        Duration::from_secs(2400)
    );
}

#[test]
fn short_lived_values_refresh_at_half_life_not_immediately() {
    let p = RefreshPolicy::TEMPORARY_ACCESS_KEY;
    // 15-minute temporary credentials: a 40-minute margin would refresh on every call.
    let r = p.refresh_at(at(T0), at(T0 + 900));
    assert_eq!(r, at(T0 + 450));
}

#[tokio::test]
async fn token_is_cached_until_the_refresh_window_then_refreshed() {
    let p = Counting::new(|n| Ok(daily_token(n)));
    let auth = Authenticator::token(p.clone());
    assert_eq!(token_at(&auth, T0).await.unwrap(), "tok-0");
    // Clones share the cache.
    let clone = auth.clone();
    assert_eq!(token_at(&clone, T0 + DAY - 71 * 60).await.unwrap(), "tok-0");
    assert_eq!(p.calls(), 1);
    // Inside the 60–70 min window, at the latest 60 min before expiry: refreshed.
    assert_eq!(token_at(&auth, T0 + DAY - 59 * 60).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 2);
    assert_eq!(token_at(&clone, T0 + DAY - 58 * 60).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 2);
}

#[tokio::test]
async fn permanent_keys_are_fetched_once() {
    let p = Counting::new(|_| Ok(AccessKeyCredentials::new("AK", "SK")));
    let auth = Authenticator::access_key(p.clone());
    for d in [0, DAY, 365 * DAY] {
        let c = auth.current_access_key(at(T0 + d)).await.unwrap().unwrap();
        assert_eq!(c.access_key_id(), "AK");
    }
    assert_eq!(p.calls(), 1);
    assert!(auth.current_token(at(T0)).await.unwrap().is_none());
}

#[tokio::test]
async fn temporary_keys_refresh_40_to_45_minutes_before_expiry() {
    let p = Counting::new(|n| {
        Ok(AccessKeyCredentials::new(format!("AK{n}"), "SK")
            .with_security_token("st")
            .with_expiry(at(T0 + (n as u64 + 1) * 6 * 3600)))
    });
    let auth = Authenticator::access_key(p.clone());
    let ak = |c: Option<AccessKeyCredentials>| c.unwrap().access_key_id().to_owned();
    assert_eq!(ak(auth.current_access_key(at(T0)).await.unwrap()), "AK0");
    assert_eq!(
        ak(auth
            .current_access_key(at(T0 + 6 * 3600 - 46 * 60))
            .await
            .unwrap()),
        "AK0"
    );
    assert_eq!(
        ak(auth
            .current_access_key(at(T0 + 6 * 3600 - 39 * 60))
            .await
            .unwrap()),
        "AK1"
    );
    assert_eq!(p.calls(), 2);
}

async fn thousand_callers(auth: &Authenticator, secs: u64) -> Vec<String> {
    let barrier = Arc::new(tokio::sync::Barrier::new(1000));
    let mut handles = Vec::new();
    for _ in 0..1000 {
        let auth = auth.clone();
        let barrier = barrier.clone();
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            token_at(&auth, secs).await.unwrap()
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_concurrent_callers_cause_one_provider_call() {
    let p = Counting::new(|n| Ok(daily_token(n))).delayed(Duration::from_millis(50));
    let auth = Authenticator::token(p.clone());
    // Empty cache.
    let got = thousand_callers(&auth, T0).await;
    assert_eq!(p.calls(), 1);
    assert!(got.iter().all(|t| t == "tok-0"));
    // Everyone arrives after expiry.
    let got = thousand_callers(&auth, T0 + DAY + 1).await;
    assert_eq!(p.calls(), 2);
    assert!(got.iter().all(|t| t == "tok-1"));
    // Everyone arrives inside the refresh window: one refresh, nobody waits for a value they still have.
    let got = thousand_callers(&auth, T0 + 2 * DAY - 30 * 60).await;
    assert_eq!(p.calls(), 3);
    assert!(got.iter().all(|t| t == "tok-1" || t == "tok-2"));
    assert_eq!(
        token_at(&auth, T0 + 2 * DAY - 29 * 60).await.unwrap(),
        "tok-2"
    );
}

fn refused() -> CredentialsError {
    CredentialsError::with_kind(CredentialsErrorKind::IamRefused, "IAM said no")
}

#[tokio::test]
async fn failed_refresh_serves_the_old_value_and_reports_the_failure() {
    // Call 0 succeeds, calls 1 and 2 fail, call 3 succeeds.
    let p = Counting::new(|n| match n {
        0 => Ok(daily_token(0)),
        1 | 2 => Err(refused()),
        _ => Ok(daily_token(1)),
    });
    let auth = Authenticator::token(p.clone());
    assert_eq!(token_at(&auth, T0).await.unwrap(), "tok-0");
    assert!(auth.last_refresh_error().is_none());

    let window = T0 + DAY - 30 * 60;
    assert_eq!(token_at(&auth, window).await.unwrap(), "tok-0");
    assert_eq!(p.calls(), 2);
    let err = auth.last_refresh_error().expect("failure is reported");
    assert_eq!(err.kind(), CredentialsErrorKind::IamRefused);
    // Within the back-off (10 s) nobody retries.
    assert_eq!(token_at(&auth, window + 5).await.unwrap(), "tok-0");
    assert_eq!(p.calls(), 2);
    // After it, one retry (fails again: still the old value).
    assert_eq!(token_at(&auth, window + 11).await.unwrap(), "tok-0");
    assert_eq!(p.calls(), 3);
    // Next retry succeeds: new value, error cleared.
    assert_eq!(token_at(&auth, window + 22).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 4);
    assert!(auth.last_refresh_error().is_none());
}

#[tokio::test]
async fn failed_refresh_after_expiry_is_an_error_and_is_not_cached() {
    let p = Counting::new(|n| match n {
        0 => Ok(daily_token(0)),
        1 => Err(refused()),
        _ => Ok(daily_token(1)),
    });
    let auth = Authenticator::token(p.clone());
    token_at(&auth, T0).await.unwrap();
    let e = token_at(&auth, T0 + DAY + 5).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::IamRefused);
    // The failure is not cached: the very next call tries again.
    assert_eq!(token_at(&auth, T0 + DAY + 6).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 3);
}

#[tokio::test]
async fn invalidate_makes_the_next_call_fetch() {
    let p = Counting::new(|n| Ok(daily_token(n)));
    let auth = Authenticator::token(p.clone());
    assert_eq!(token_at(&auth, T0).await.unwrap(), "tok-0");
    auth.clone().invalidate();
    assert_eq!(token_at(&auth, T0 + 1).await.unwrap(), "tok-1");
    assert_eq!(token_at(&auth, T0 + 2).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 2);

    let k = Counting::new(|n| Ok(AccessKeyCredentials::new(format!("AK{n}"), "SK")));
    let auth = Authenticator::access_key(k.clone());
    auth.current_access_key(at(T0)).await.unwrap();
    auth.invalidate();
    let c = auth.current_access_key(at(T0)).await.unwrap().unwrap();
    assert_eq!(c.access_key_id(), "AK1");
}

#[test]
fn refresh_failures_are_logged_without_secrets() {
    let capture = Capture::default();
    let p = Counting::new(|n| match n {
        0 => Ok(IamToken::new("SECRET-TOKEN-VALUE").with_expiry(at(T0 + DAY))),
        _ => Err(CredentialsError::with_kind(
            CredentialsErrorKind::IamRefused,
            "IAM token for user \"alice\": IAM answered HTTP 401",
        )),
    });
    let auth = Authenticator::token(p);
    tracing::subscriber::with_default(capture.clone(), || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            token_at(&auth, T0).await.unwrap();
            token_at(&auth, T0 + DAY - 1).await.unwrap();
        });
    });
    let log = capture.0.lock().unwrap().clone();
    assert!(log.contains("credential refresh failed"), "{log}");
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("HTTP 401"), "{log}");
    assert!(!log.contains("SECRET-TOKEN-VALUE"), "{log}");
    // The authenticator's Debug names the source but shows no secret either.
    assert!(!format!("{auth:?}").contains("SECRET-TOKEN-VALUE"));
}

#[tokio::test]
async fn authenticate_with_a_token_sets_x_auth_token() {
    let auth = Authenticator::token(daily_token(0));
    assert!(auth.is_token());
    let (mut parts, ()) = http::Request::get("https://x.example/v3/jobs")
        .body(())
        .unwrap()
        .into_parts();
    let ctx = AuthContext {
        now: at(T0),
        region: None,
        requires_project_scope: true,
    };
    let out = auth.authenticate(&mut parts, b"", &ctx).await.unwrap();
    assert!(out.is_none());
    assert_eq!(parts.headers["x-auth-token"], "tok-0");
    assert!(parts.headers["x-auth-token"].is_sensitive());
    assert!(!parts.headers.contains_key("authorization"));
}

#[tokio::test]
async fn expired_and_domain_scoped_tokens_are_refused_clearly() {
    let ctx = |secs, requires| AuthContext {
        now: at(secs),
        region: None,
        requires_project_scope: requires,
    };
    let parts = || {
        http::Request::get("https://x.example/")
            .body(())
            .unwrap()
            .into_parts()
            .0
    };

    let expired = Authenticator::token(IamToken::new("old").with_expiry(at(T0)));
    let e = expired
        .authenticate(&mut parts(), b"", &ctx(T0 + 1, false))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::TokenExpired);
    assert!(e.to_string().contains("expired"));

    let domain = IamToken::new("dom")
        .with_expiry(at(T0 + DAY))
        .with_scope(TokenScope::Domain {
            id: Some("d".into()),
            name: None,
        });
    let auth = Authenticator::token(domain);
    let mut p = parts();
    let e = auth
        .authenticate(&mut p, b"", &ctx(T0, true))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::DomainScopedToken);
    assert!(e.to_string().contains("project-scoped"), "{e}");
    assert!(!p.headers.contains_key("x-auth-token"));
    // Fine for a global service.
    auth.authenticate(&mut p, b"", &ctx(T0, false))
        .await
        .unwrap();
    assert_eq!(p.headers["x-auth-token"], "dom");

    // Unknown scope (static token): allowed; unknown expiry: never treated as expired.
    let unknown = Authenticator::token(IamToken::new("raw"));
    let mut p = parts();
    unknown
        .authenticate(&mut p, b"", &ctx(T0 + 100 * DAY, true))
        .await
        .unwrap();
    assert_eq!(p.headers["x-auth-token"], "raw");
}

#[tokio::test]
async fn a_refresh_abandoned_by_a_cancelled_caller_is_adopted() {
    let p = Counting::new(|n| Ok(daily_token(n))).delayed(Duration::from_millis(30));
    let auth = Authenticator::token(p.clone());
    token_at(&auth, T0).await.unwrap();
    let window = T0 + DAY - 30 * 60;
    // The refreshing caller gives up before the provider answers.
    let cancelled = tokio::time::timeout(Duration::from_millis(5), token_at(&auth, window)).await;
    assert!(cancelled.is_err());
    assert_eq!(p.calls(), 2);
    // The next caller drives the same refresh to completion instead of waiting forever or starting another.
    assert_eq!(token_at(&auth, window + 1).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 2);
}

/// A provider that panics (a bug in custom code) fails that refresh, for every waiter, with an error; the
/// next call asks again. A shared future would otherwise replay the panic to every later caller.
#[tokio::test]
async fn a_panicking_provider_is_an_error_and_the_next_call_tries_again() {
    let p = Counting::new(|n| {
        assert!(n > 0, "a bug in a custom provider");
        Ok(daily_token(n))
    })
    .delayed(Duration::from_millis(20));
    let auth = Authenticator::token(p.clone());
    let (a, b) = tokio::join!(token_at(&auth, T0), token_at(&auth, T0));
    assert_eq!(p.calls(), 1, "the two callers share one fetch");
    for e in [a.unwrap_err(), b.unwrap_err()] {
        assert_eq!(e.kind(), CredentialsErrorKind::Other);
        assert!(e.to_string().contains("panicked"), "{e}");
    }
    assert_eq!(token_at(&auth, T0).await.unwrap(), "tok-1");
    assert_eq!(p.calls(), 2);
}
