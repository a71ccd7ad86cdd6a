//! `hwcloud-auth` credential sources over real HTTP against the emulator: password, password + TOTP and
//! agency tokens, temporary AK/SK (by token and AK/SK-signed), project-id discovery and `Loader`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hwcloud_auth::{
    AccessKeyCredentials, AgencyDomain, AgencyTokenProvider, AuthContext, Authenticator,
    CredentialsErrorKind, Loader, MemoryEnv, PasswordTokenProvider, ProjectIdDiscovery,
    ProvideAccessKey, ProvideToken, ScopeRequest, SecretString, TemporaryAccessKeyProvider,
    TokenScope,
};
use hwcloud_emulator::{Emulator, demo};
use hwcloud_tests::harness::{demo_keys, http, password, start};

fn ctx() -> AuthContext {
    AuthContext {
        now: SystemTime::now(),
        region: Some(demo::REGION.to_owned()),
        requires_project_scope: true,
    }
}

#[tokio::test]
async fn password_tokens_project_and_domain_scoped() {
    let emu = start().await;
    let t = password(&emu, ScopeRequest::ProjectName(demo::REGION.into()))
        .token()
        .await
        .unwrap();
    assert!(!t.value.is_empty());
    match &t.scope {
        TokenScope::Project { id, .. } => assert_eq!(id.as_deref(), Some(demo::PROJECT_ID)),
        other => panic!("unexpected scope {other:?}"),
    }
    let left = t
        .expires_at
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_secs(23 * 3600) && left <= Duration::from_secs(24 * 3600),
        "{left:?}"
    );

    let d = password(&emu, ScopeRequest::DomainName(demo::DOMAIN_NAME.into()))
        .token()
        .await
        .unwrap();
    assert!(
        matches!(d.scope, TokenScope::Domain { .. }),
        "{:?}",
        d.scope
    );
    // A domain-scoped token is refused for a project-scoped service before anything is sent.
    let auth = Authenticator::token(d);
    let (mut parts, ()) = http::Request::get(format!("{}/v3/jobs", emu.base_url()))
        .body(())
        .unwrap()
        .into_parts();
    let e = auth
        .authenticate(&mut parts, b"", &ctx())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::DomainScopedToken);

    let journal = emu.journal();
    let req = journal
        .iter()
        .find(|j| j.path == "/v3/auth/tokens")
        .unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.query.as_deref(), Some("nocatalog=true"));
    emu.shutdown().await;
}

#[tokio::test]
async fn wrong_password_is_iams_own_refusal() {
    let emu = start().await;
    let p = PasswordTokenProvider::new(
        http(),
        demo::DOMAIN_NAME,
        demo::USER_NAME,
        "wrong-password",
        ScopeRequest::ProjectName(demo::REGION.into()),
    )
    .with_iam_endpoint(emu.base_url());
    let e = p.token().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.iam_code()),
        (CredentialsErrorKind::IamRefused, Some(401), Some("401"))
    );
    assert!(e.iam_message().unwrap().contains("password"), "{e}");
    assert!(!e.to_string().contains("wrong-password"));
    emu.shutdown().await;
}

#[tokio::test]
async fn password_plus_totp() {
    let emu = start().await;
    let ok = password(&emu, ScopeRequest::ProjectId(demo::PROJECT_ID.into()))
        .with_totp(demo::USER_ID, || Ok(SecretString::new(demo::TOTP_PASSCODE)));
    ok.token().await.unwrap();
    let bad = password(&emu, ScopeRequest::ProjectId(demo::PROJECT_ID.into()))
        .with_totp(demo::USER_ID, || Ok(SecretString::new("000000")));
    let e = bad.token().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.status()),
        (CredentialsErrorKind::IamRefused, Some(401))
    );
    assert!(
        e.iam_message().unwrap().contains("verification code"),
        "{e}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn agency_token_from_a_password_token() {
    let emu = start().await;
    let base = password(&emu, ScopeRequest::DomainName(demo::DOMAIN_NAME.into()));
    let agency = AgencyTokenProvider::new(
        http(),
        base,
        AgencyDomain::Name(demo::DOMAIN_NAME.into()),
        demo::AGENCY_NAME,
        ScopeRequest::ProjectId(demo::PROJECT_ID.into()),
    )
    .with_iam_endpoint(emu.base_url());
    let t = agency.token().await.unwrap();
    assert!(
        matches!(&t.scope, TokenScope::Project { id: Some(id), .. } if id == demo::PROJECT_ID),
        "{:?}",
        t.scope
    );
    let calls: Vec<_> = emu
        .journal()
        .into_iter()
        .filter(|j| j.path == "/v3/auth/tokens")
        .collect();
    assert_eq!(calls.len(), 2);
    assert!(calls[1].header("x-auth-token").is_some());
    assert!(calls[1].body.contains("assume_role"));

    let unknown = AgencyTokenProvider::new(
        http(),
        password(&emu, ScopeRequest::DomainName(demo::DOMAIN_NAME.into())),
        AgencyDomain::Name(demo::DOMAIN_NAME.into()),
        "no-such-agency",
        ScopeRequest::ProjectId(demo::PROJECT_ID.into()),
    )
    .with_iam_endpoint(emu.base_url());
    let e = unknown.token().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.status()),
        (CredentialsErrorKind::IamRefused, Some(403))
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn temporary_keys_by_token_then_used_for_signed_discovery() {
    let emu = start().await;
    let token = password(&emu, ScopeRequest::ProjectName(demo::REGION.into()));
    let temp = TemporaryAccessKeyProvider::from_token(http(), token, 900)
        .unwrap()
        .with_iam_endpoint(emu.base_url());
    let creds = temp.access_key().await.unwrap();
    assert!(creds.security_token().is_some());
    let left = creds
        .expires_at()
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_secs(800) && left <= Duration::from_secs(900),
        "{left:?}"
    );
    // The temporary AK/SK + X-Security-Token are accepted by the gateway's verifier.
    let d = ProjectIdDiscovery::new(http()).with_iam_endpoint(emu.base_url());
    assert_eq!(
        d.project_id(&creds, demo::REGION, SystemTime::now())
            .await
            .unwrap(),
        demo::PROJECT_ID
    );
    let j = emu.journal();
    let get = j.iter().find(|e| e.path == "/v3/projects").unwrap();
    assert!(get.header("x-security-token").is_some());
    assert!(get.header("content-type").is_none() && get.header("x-project-id").is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn temporary_keys_signed_with_permanent_keys_via_the_authenticator() {
    let emu = start().await;
    let temp = TemporaryAccessKeyProvider::from_access_key(http(), demo_keys(), 3600)
        .unwrap()
        .with_iam_endpoint(emu.base_url());
    let auth = Authenticator::access_key(temp)
        .with_project_discovery(ProjectIdDiscovery::new(http()).with_iam_endpoint(emu.base_url()));
    let (mut parts, ()) = http::Request::get(format!("{}/v3/jobs", emu.base_url()))
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&mut parts, b"", &ctx()).await.unwrap();
    assert_eq!(parts.headers["x-project-id"], demo::PROJECT_ID);
    assert!(parts.headers.contains_key("x-security-token"));
    let j = emu.journal();
    let sts = j
        .iter()
        .find(|e| e.path == "/v3.0/OS-CREDENTIAL/securitytokens")
        .unwrap();
    assert_eq!(sts.status, Some(201));
    assert!(
        sts.header("authorization")
            .unwrap()
            .contains(demo::ACCESS_KEY)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn discovery_errors_over_http() {
    let emu = start().await;
    let d = ProjectIdDiscovery::new(http()).with_iam_endpoint(emu.base_url());
    let e = d
        .project_id(&demo_keys(), "ap-southeast-1", SystemTime::now())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::ProjectNotFound);
    let e = d
        .project_id(
            &AccessKeyCredentials::new(demo::ACCESS_KEY, "not-the-secret"),
            demo::REGION,
            SystemTime::now(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.status()),
        (CredentialsErrorKind::IamRefused, Some(401))
    );
    // Discovered once per AK + region.
    d.project_id(&demo_keys(), demo::REGION, SystemTime::now())
        .await
        .unwrap();
    d.project_id(&demo_keys(), demo::REGION, SystemTime::now())
        .await
        .unwrap();
    let n = emu
        .journal()
        .iter()
        .filter(|e| e.path == "/v3/projects" && e.status == Some(200))
        .count();
    assert_eq!(n, 2, "one for ap-southeast-1 (empty), one for the region");
    emu.shutdown().await;
}

#[tokio::test]
async fn loader_from_environment_settings() {
    let emu = start().await;
    // AK/SK without project id: discovered with the request's region.
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", demo::ACCESS_KEY)
        .with_var("HUAWEICLOUD_SDK_SK", demo::SECRET_KEY)
        .with_var("HUAWEICLOUD_SDK_IAM_ENDPOINT", emu.base_url());
    let auth = Loader::new(http()).with_env(Arc::new(env)).load().unwrap();
    let (mut parts, ()) = http::Request::get(format!("{}/v3/jobs", emu.base_url()))
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&mut parts, b"", &ctx()).await.unwrap();
    assert_eq!(parts.headers["x-project-id"], demo::PROJECT_ID);

    // Password token settings in a credentials-file profile.
    let file = format!(
        "[token]\nuser_name = {}\npassword = {}\ndomain_name = {}\nproject_name = {}\niam_endpoint = {}\n",
        demo::USER_NAME,
        demo::PASSWORD,
        demo::DOMAIN_NAME,
        demo::REGION,
        emu.base_url()
    );
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/cfg/credentials")
        .with_file("/cfg/credentials", file);
    let auth = Loader::new(http()).with_env(Arc::new(env)).load().unwrap();
    assert!(auth.is_token());
    let (mut parts, ()) = http::Request::get(format!("{}/v3/jobs", emu.base_url()))
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&mut parts, b"", &ctx()).await.unwrap();
    assert!(parts.headers.contains_key("x-auth-token"));
    emu.shutdown().await;
}

/// Authenticates `GET {base}/v3/jobs/<demo job>/status` with `auth` and sends it; returns the status.
async fn job_status(emu: &Emulator, auth: &Authenticator) -> u16 {
    let url = format!(
        "{}/v3/jobs/{}/status",
        emu.base_url(),
        demo::CODEARTSBUILD_JOB_ID
    );
    let (mut parts, ()) = http::Request::get(url)
        .header("content-type", "application/json")
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&mut parts, b"", &ctx()).await.unwrap();
    let request = http::Request::from_parts(parts, Vec::new());
    let response = http().send(request, Duration::from_secs(10)).await.unwrap();
    response.status().as_u16()
}

#[tokio::test]
async fn the_gateway_accepts_what_the_authenticator_adds() {
    let emu = start().await;
    // Permanent AK/SK with a discovered project id.
    let ak = Authenticator::access_key(demo_keys())
        .with_project_discovery(ProjectIdDiscovery::new(http()).with_iam_endpoint(emu.base_url()));
    assert_eq!(job_status(&emu, &ak).await, 200);
    // Temporary AK/SK + security token.
    let temp = TemporaryAccessKeyProvider::from_access_key(http(), demo_keys(), 900)
        .unwrap()
        .with_iam_endpoint(emu.base_url());
    let temp = Authenticator::access_key(temp).with_project_id(demo::PROJECT_ID);
    assert_eq!(job_status(&emu, &temp).await, 200);
    // A project-scoped password token.
    let token = Authenticator::token(password(
        &emu,
        ScopeRequest::ProjectName(demo::REGION.into()),
    ));
    assert_eq!(job_status(&emu, &token).await, 200);
    let verdicts: Vec<_> = emu
        .journal()
        .into_iter()
        .filter(|j| j.path.ends_with("/status"))
        .map(|j| (j.status, j.principal.is_some()))
        .collect();
    assert_eq!(verdicts, vec![(Some(200), true); 3]);
    emu.shutdown().await;
}
