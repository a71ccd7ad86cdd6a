//! Token and temporary-key sources over a scripted HTTP fake: request shapes, response parsing, errors.
#![cfg(all(feature = "providers", feature = "mock"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod credentials_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use credentials_support::{FakeHttp, T0, at, response, token_response};
use hwcloud_auth::http_client::{HttpError, HttpErrorKind, MockHttpClient};
use hwcloud_auth::{
    AccessKeyCredentials, AgencyDomain, AgencyTokenProvider, AuthContext, Authenticator,
    CredentialsErrorKind, IamToken, PasswordTokenProvider, ProvideAccessKey, ProvideToken,
    ScopeRequest, SecretString, TemporaryAccessKeyProvider, TokenScope,
};

const IAM: &str = "http://iam.test";
const EXPIRES: &str = "2026-11-23T00:00:00.123456Z";

fn password(http: &FakeHttp, scope: ScopeRequest) -> PasswordTokenProvider {
    PasswordTokenProvider::new(http.arc(), "acme", "alice", "Pa55-w0rd!", scope)
        .with_iam_endpoint(IAM)
}

#[tokio::test]
async fn password_token_request_and_response() {
    let http = FakeHttp::new(|_, _| Ok(token_response("TOKEN-A", EXPIRES)));
    let t = password(&http, ScopeRequest::ProjectName("cn-north-4".into()))
        .token()
        .await
        .unwrap();
    assert_eq!(t.value.expose(), "TOKEN-A");
    assert_eq!(
        t.expires_at,
        Some(at(T0 + 86_400) + Duration::from_micros(123_456))
    );
    assert_eq!(
        t.scope,
        TokenScope::Project {
            id: Some("p-123".into()),
            name: Some("cn-north-4".into())
        }
    );
    let req = http.request(0);
    assert_eq!(req.method(), http::Method::POST);
    assert_eq!(req.uri(), "http://iam.test/v3/auth/tokens?nocatalog=true");
    assert_eq!(
        req.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    assert!(!req.headers().contains_key("x-auth-token"));
    assert_eq!(
        http.json_body(0),
        serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "domain": {"name": "acme"}, "name": "alice", "password": "Pa55-w0rd!"}}},
            "scope": {"project": {"name": "cn-north-4"}}}})
    );
}

#[tokio::test]
async fn scopes_are_sent_and_read_back() {
    let body = serde_json::json!({"token": {"expires_at": "2026-11-23T00:00:00Z",
        "domain": {"id": "d-9", "name": "acme"}}});
    let http = FakeHttp::new(move |_, _| {
        Ok(response(
            201,
            &[("x-subject-token", "T")],
            &body.to_string(),
        ))
    });
    for (scope, json) in [
        (
            ScopeRequest::ProjectId("p1".into()),
            serde_json::json!({"project": {"id": "p1"}}),
        ),
        (
            ScopeRequest::DomainId("d1".into()),
            serde_json::json!({"domain": {"id": "d1"}}),
        ),
        (
            ScopeRequest::DomainName("acme".into()),
            serde_json::json!({"domain": {"name": "acme"}}),
        ),
    ] {
        let n = http.calls();
        let t = password(&http, scope).token().await.unwrap();
        assert_eq!(http.json_body(n)["auth"]["scope"], json);
        assert_eq!(
            t.scope,
            TokenScope::Domain {
                id: Some("d-9".into()),
                name: Some("acme".into())
            }
        );
        assert_eq!(t.expires_at, Some(at(T0 + 86_400)));
    }
    let e = password(&http, ScopeRequest::ProjectName(" ".into()))
        .token()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
}

#[tokio::test]
async fn password_with_totp_asks_the_callback_for_every_token() {
    let http = FakeHttp::new(|_, _| Ok(token_response("TOKEN-MFA", EXPIRES)));
    let asked = Arc::new(AtomicUsize::new(0));
    let a = asked.clone();
    let p = password(&http, ScopeRequest::ProjectId("p1".into())).with_totp("uid-1", move || {
        let n = a.fetch_add(1, Ordering::SeqCst);
        Ok(SecretString::new(format!("00000{n}")))
    });
    p.token().await.unwrap();
    p.token().await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    let body = http.json_body(1);
    assert_eq!(
        body["auth"]["identity"]["methods"],
        serde_json::json!(["password", "totp"])
    );
    assert_eq!(
        body["auth"]["identity"]["totp"],
        serde_json::json!({"user": {"id": "uid-1", "passcode": "000001"}})
    );
    // A passcode that is not 6 digits never reaches IAM; nor does the password show in the Debug output.
    let bad = password(&http, ScopeRequest::ProjectId("p1".into()))
        .with_totp("uid-1", || Ok(SecretString::new("12ab56")));
    let calls = http.calls();
    let e = bad.token().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert_eq!(http.calls(), calls);
    assert!(!format!("{bad:?}").contains("Pa55-w0rd!"));
    assert!(!e.to_string().contains("12ab56"));
}

#[tokio::test]
async fn agency_token_uses_the_base_token() {
    let http = FakeHttp::new(|_, _| Ok(token_response("AGENCY-TOKEN", EXPIRES)));
    let base = IamToken::new("BASE-TOKEN");
    let p = AgencyTokenProvider::new(
        http.arc(),
        base,
        AgencyDomain::Name("account-a".into()),
        "ops-agency",
        ScopeRequest::ProjectId("proj-a".into()),
    )
    .with_iam_endpoint(IAM);
    let t = p.token().await.unwrap();
    assert_eq!(t.value.expose(), "AGENCY-TOKEN");
    let req = http.request(0);
    assert_eq!(req.headers()["x-auth-token"], "BASE-TOKEN");
    assert_eq!(
        http.json_body(0),
        serde_json::json!({"auth": {
            "identity": {"methods": ["assume_role"],
                         "assume_role": {"domain_name": "account-a", "agency_name": "ops-agency"}},
            "scope": {"project": {"id": "proj-a"}}}})
    );
    let by_id = AgencyTokenProvider::new(
        http.arc(),
        IamToken::new("B"),
        AgencyDomain::Id("id-a".into()),
        "ops",
        ScopeRequest::ProjectId("p".into()),
    )
    .with_iam_endpoint(IAM);
    by_id.token().await.unwrap();
    assert_eq!(
        http.json_body(1)["auth"]["identity"]["assume_role"]["domain_id"],
        "id-a"
    );
}

#[tokio::test]
async fn iam_errors_keep_iams_code_message_and_trace_id() {
    let http = FakeHttp::new(|_, n| {
        Ok(match n {
            0 => response(
                401,
                &[("x-iam-trace-id", "trace-1")],
                r#"{"error":{"code":401,"message":"The account is locked.","title":"Unauthorized"}}"#,
            ),
            1 => response(
                400,
                &[],
                r#"{"error_code":"IAM.0007","error_msg":"Invalid parameter"}"#,
            ),
            2 => response(502, &[], "<html>bad gateway</html>"),
            3 => response(
                201,
                &[],
                r#"{"token":{"expires_at":"2026-11-23T00:00:00Z"}}"#,
            ),
            4 => response(
                201,
                &[("x-subject-token", "T")],
                r#"{"token":{"expires_at":"tomorrow"}}"#,
            ),
            _ => return Err(HttpError::new(HttpErrorKind::Connect, "connection refused")),
        })
    });
    let p = password(&http, ScopeRequest::ProjectName("cn-north-4".into()));
    let e = p.token().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::IamRefused);
    assert_eq!(
        (e.status(), e.iam_code(), e.iam_title()),
        (Some(401), Some("401"), Some("Unauthorized"))
    );
    assert_eq!(e.iam_message(), Some("The account is locked."));
    assert_eq!(e.trace_id(), Some("trace-1"));
    let shown = e.to_string();
    assert!(
        shown.contains("alice") && shown.contains("locked") && shown.contains("trace-1"),
        "{shown}"
    );
    assert!(!shown.contains("Pa55-w0rd!"));

    let e = p.token().await.unwrap_err();
    assert_eq!(
        (e.iam_code(), e.iam_message()),
        (Some("IAM.0007"), Some("Invalid parameter"))
    );
    let e = p.token().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.iam_code()),
        (CredentialsErrorKind::IamRefused, Some(502), None)
    );
    assert!(e.to_string().contains("bad gateway"));
    let e = p.token().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidResponse);
    assert!(e.to_string().contains("X-Subject-Token"));
    let e = p.token().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidResponse);
    assert!(e.to_string().contains("tomorrow"));
    let e = p.token().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.http_error_kind()),
        (CredentialsErrorKind::Http, Some(HttpErrorKind::Connect))
    );
}

#[tokio::test]
async fn bad_endpoints_and_empty_fields_are_invalid_input_without_a_call() {
    let mut mock = MockHttpClient::new();
    mock.expect_send().never();
    let http: Arc<dyn hwcloud_auth::http_client::HttpClient> = Arc::new(mock);
    let p = PasswordTokenProvider::new(
        http.clone(),
        "acme",
        "alice",
        "pw",
        ScopeRequest::ProjectId("p".into()),
    )
    .with_iam_endpoint("iam.example.com/path");
    assert_eq!(
        p.token().await.unwrap_err().kind(),
        CredentialsErrorKind::InvalidInput
    );
    let p = PasswordTokenProvider::new(
        http,
        "acme",
        "alice",
        "",
        ScopeRequest::ProjectId("p".into()),
    );
    let e = p.token().await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert!(e.to_string().contains("password"));
}

const CREDENTIAL: &str = r#"{"credential":{"access":"TMPAK","secret":"TMPSK","securitytoken":"SECTOK",
    "expires_at":"2026-11-22T06:00:00.000000Z"}}"#;

#[tokio::test]
async fn temporary_keys_from_a_token() {
    let http = FakeHttp::new(|_, _| Ok(response(201, &[], CREDENTIAL)));
    let p = TemporaryAccessKeyProvider::from_token(http.arc(), IamToken::new("USER-TOKEN"), 3600)
        .unwrap()
        .with_iam_endpoint(IAM);
    let c = p.access_key().await.unwrap();
    assert_eq!(c.access_key_id(), "TMPAK");
    assert_eq!(c.secret_access_key().expose(), "TMPSK");
    assert_eq!(c.security_token().map(|t| t.expose()), Some("SECTOK"));
    assert_eq!(c.expires_at(), Some(at(T0 + 6 * 3600)));
    let req = http.request(0);
    assert_eq!(
        req.uri(),
        "http://iam.test/v3.0/OS-CREDENTIAL/securitytokens"
    );
    assert_eq!(req.headers()["x-auth-token"], "USER-TOKEN");
    assert_eq!(
        http.json_body(0),
        serde_json::json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 3600}}}})
    );
}

#[tokio::test]
async fn temporary_keys_signed_with_access_keys() {
    let http = FakeHttp::new(|_, _| Ok(response(201, &[], CREDENTIAL)));
    let p = TemporaryAccessKeyProvider::from_access_key(
        http.arc(),
        AccessKeyCredentials::new("PERMAK", "PERMSK"),
        900,
    )
    .unwrap()
    .with_iam_endpoint(IAM);
    p.access_key().await.unwrap();
    let req = http.request(0);
    let authz = req.headers()["authorization"].to_str().unwrap();
    assert!(
        authz.starts_with("SDK-HMAC-SHA256 Access=PERMAK"),
        "{authz}"
    );
    assert!(req.headers().contains_key("x-sdk-date"));
    assert!(!req.headers().contains_key("x-auth-token"));
}

#[tokio::test]
async fn temporary_key_duration_is_validated() {
    let http = FakeHttp::new(|_, _| Ok(response(201, &[], CREDENTIAL)));
    for bad in [0, 899, 86_401] {
        let e = TemporaryAccessKeyProvider::from_token(http.arc(), IamToken::new("t"), bad)
            .unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
        assert!(e.to_string().contains(&bad.to_string()));
    }
    for ok in [900, 86_400] {
        assert!(
            TemporaryAccessKeyProvider::from_access_key(
                http.arc(),
                AccessKeyCredentials::new("a", "b"),
                ok
            )
            .is_ok()
        );
    }
}

#[tokio::test]
async fn temporary_keys_via_the_authenticator_carry_the_security_token() {
    let http = FakeHttp::new(|_, _| Ok(response(201, &[], CREDENTIAL)));
    let p = TemporaryAccessKeyProvider::from_token(http.arc(), IamToken::new("U"), 3600)
        .unwrap()
        .with_iam_endpoint(IAM);
    let auth = Authenticator::access_key(p).with_project_id("proj-1");
    let (mut parts, ()) = http::Request::get("https://svc.example/v3/x")
        .body(())
        .unwrap()
        .into_parts();
    let ctx = AuthContext {
        now: UNIX_EPOCH + Duration::from_secs(T0 + 60),
        region: None,
        requires_project_scope: true,
    };
    let out = auth
        .authenticate(&mut parts, b"", &ctx)
        .await
        .unwrap()
        .expect("signed");
    assert_eq!(parts.headers["x-security-token"], "SECTOK");
    assert_eq!(parts.headers["x-project-id"], "proj-1");
    assert!(
        out.signed_headers().contains("x-project-id"),
        "{}",
        out.signed_headers()
    );
    assert!(
        out.signed_headers().contains("x-security-token"),
        "{}",
        out.signed_headers()
    );
    assert!(
        parts.headers["authorization"]
            .to_str()
            .unwrap()
            .contains("Access=TMPAK")
    );
}
