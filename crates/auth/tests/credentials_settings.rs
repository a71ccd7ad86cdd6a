//! Environment variables, the INI credentials file, the default chain and `Loader`.
#![cfg(all(feature = "providers", feature = "mock"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod credentials_support;

use std::path::Path;
use std::sync::Arc;

use credentials_support::{FakeHttp, T0, at, response, token_response};
use hwcloud_auth::http_client::{HttpError, HttpErrorKind};
use hwcloud_auth::{
    AuthContext, ChainProvider, CredentialsError, CredentialsErrorKind, CredentialsFile,
    EnvironmentProvider, LoadMode, Loader, MemoryEnv, MockEnv, ProfileProvider, ProvideAccessKey,
};

const FILE: &str = "/home/u/.huaweicloud/credentials";

fn refused_metadata() -> FakeHttp {
    FakeHttp::new(|_, _| Err(HttpError::new(HttpErrorKind::Connect, "connection refused")))
}

#[test]
fn ini_sections_keys_and_comments() {
    let text = "\u{feff}# comment\n; also a comment\n[Basic]\nAK = A1\nsk: S1\n\nproject_id = p1 \n[global]\nak=G\nsk=GS\ndomain_id=d\n";
    let f = CredentialsFile::parse(Path::new(FILE), text).unwrap();
    assert_eq!(f.section_names().collect::<Vec<_>>(), ["basic", "global"]);
    let b = f.section("BASIC").unwrap();
    assert_eq!(b.access_key_id.as_deref(), Some("A1"));
    assert_eq!(b.secret_access_key.as_ref().unwrap().expose(), "S1");
    assert_eq!(b.project_id.as_deref(), Some("p1"));
    let (name, g) = f.select(Some("global")).unwrap().unwrap();
    assert_eq!(
        (name.as_str(), g.domain_id.as_deref()),
        ("global", Some("d"))
    );
    assert_eq!(f.select(None).unwrap().unwrap().0, "basic");
    let e = f.select(Some("prod")).unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("[prod]") && e.to_string().contains("basic, global"),
        "{e}"
    );
    // Secrets never show in Debug.
    assert!(!format!("{f:?}{b:?}").contains("S1") || !format!("{b:?}").contains("S1"));
    assert!(!format!("{b:?}").contains("S1"));
}

#[test]
fn malformed_files_name_the_file_and_line() {
    for (text, line, what) in [
        ("[basic]\nak = A\njust words\n", 3, "key = value"),
        ("ak = A\n[basic]\n", 1, "before any [section]"),
        ("[basic\nak = A\n", 1, "']'"),
        ("[basic]\nak = A\nak = B\n", 3, "twice"),
        ("[basic]\n[basic]\n", 2, "twice"),
        ("[basic]\n = x\n", 2, "empty key"),
    ] {
        let e = CredentialsFile::parse(Path::new(FILE), text).unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::MalformedFile, "{text:?}");
        assert_eq!(e.line(), Some(line), "{text:?}: {e}");
        assert_eq!(e.path(), Some(Path::new(FILE)));
        let shown = e.to_string();
        assert!(
            shown.contains(FILE) && shown.contains(&format!("line {line}")) && shown.contains(what),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn environment_provider() {
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", "EAK")
        .with_var("HUAWEICLOUD_SDK_SK", "ESK")
        .with_var("HUAWEICLOUD_SDK_SECURITY_TOKEN", "EST");
    let c = EnvironmentProvider::new(Arc::new(env))
        .access_key()
        .await
        .unwrap();
    assert_eq!(
        (c.access_key_id(), c.security_token().unwrap().expose()),
        ("EAK", "EST")
    );

    let e = EnvironmentProvider::new(Arc::new(
        MemoryEnv::new().with_var("HUAWEICLOUD_SDK_AK", ""),
    ))
    .access_key()
    .await
    .unwrap_err();
    assert_eq!(
        e.kind(),
        CredentialsErrorKind::NotConfigured,
        "empty counts as unset"
    );
    let e = EnvironmentProvider::new(Arc::new(
        MemoryEnv::new().with_var("HUAWEICLOUD_SDK_AK", "only"),
    ))
    .access_key()
    .await
    .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert!(e.to_string().contains("no secret key"), "{e}");
}

#[tokio::test]
async fn profile_provider_finds_the_file_and_the_section() {
    // Default path under the home directory, first default section.
    let env = MemoryEnv::new()
        .with_home("/home/u")
        .with_file(FILE, "[global]\nak = G\nsk = GS\n");
    let c = ProfileProvider::new(Arc::new(env))
        .access_key()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "G");
    // $HUAWEICLOUD_SDK_CREDENTIALS_FILE and a named profile (argument wins over $HUAWEICLOUD_SDK_PROFILE).
    let env = Arc::new(
        MemoryEnv::new()
            .with_var("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/etc/hw.ini")
            .with_var("HUAWEICLOUD_SDK_PROFILE", "dev")
            .with_file(
                "/etc/hw.ini",
                "[basic]\nak=B\nsk=BS\n[dev]\nak=D\nsk=DS\n[prod]\nak=P\nsk=PS\n",
            ),
    );
    assert_eq!(
        ProfileProvider::new(env.clone())
            .access_key()
            .await
            .unwrap()
            .access_key_id(),
        "D"
    );
    let c = ProfileProvider::new(env)
        .with_profile("prod")
        .access_key()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "P");
    // No file: not configured, saying where it looked.
    let e = ProfileProvider::new(Arc::new(MemoryEnv::new().with_home("/h")))
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
    assert!(e.to_string().contains("/h/.huaweicloud/credentials"), "{e}");
    // A profile that was asked for (argument or HUAWEICLOUD_SDK_PROFILE) and cannot be had stops there, as
    // `Loader` does: a chain must not fall through to other credentials (e.g. the ECS metadata service's).
    let no_file = || MemoryEnv::new().with_home("/h");
    for provider in [
        ProfileProvider::new(Arc::new(no_file())).with_profile("prod"),
        ProfileProvider::new(Arc::new(
            no_file().with_var("HUAWEICLOUD_SDK_PROFILE", "prod"),
        )),
    ] {
        let e = provider.access_key().await.unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("\"prod\" was asked for"), "{e}");
    }
}

#[tokio::test]
async fn file_read_errors_other_than_not_found_are_reported() {
    let mut env = MockEnv::new();
    env.expect_var()
        .returning(|n| (n == "HUAWEICLOUD_SDK_CREDENTIALS_FILE").then(|| "/x".to_owned()));
    env.expect_home_dir().returning(|| None);
    env.expect_read_to_string().returning(|_| {
        Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "denied",
        ))
    });
    let e = ProfileProvider::new(Arc::new(env))
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::MalformedFile);
    assert!(
        e.to_string().contains("/x") && e.to_string().contains("denied"),
        "{e}"
    );
}

#[tokio::test]
async fn default_chain_order_and_the_nothing_anywhere_error() {
    let http = refused_metadata();
    let both = Arc::new(
        MemoryEnv::new()
            .with_var("HUAWEICLOUD_SDK_AK", "ENV")
            .with_var("HUAWEICLOUD_SDK_SK", "x")
            .with_home("/home/u")
            .with_file(FILE, "[basic]\nak=FILE\nsk=y\n"),
    );
    let chain = ChainProvider::default_chain(both, http.arc());
    assert_eq!(chain.access_key().await.unwrap().access_key_id(), "ENV");
    let file_only = Arc::new(
        MemoryEnv::new()
            .with_home("/home/u")
            .with_file(FILE, "[basic]\nak=FILE\nsk=y\n"),
    );
    assert_eq!(
        ChainProvider::default_chain(file_only, http.arc())
            .access_key()
            .await
            .unwrap()
            .access_key_id(),
        "FILE"
    );
    assert_eq!(
        http.calls(),
        0,
        "metadata not probed when an earlier source has credentials"
    );

    let nothing = Arc::new(MemoryEnv::new().with_home("/home/u"));
    let e = ChainProvider::default_chain(nothing, http.arc())
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
    let sources: Vec<_> = e
        .sources_tried()
        .iter()
        .map(|s| s.source.as_str())
        .collect();
    assert_eq!(sources, ["environment", "credentials file", "ECS metadata"]);
    let shown = e.to_string();
    assert!(
        shown.contains("HUAWEICLOUD_SDK_AK")
            && shown.contains(FILE)
            && shown.contains("unreachable"),
        "{shown}"
    );

    // Something configured but broken stops the chain (no silent fallback to the next source).
    let broken = Arc::new(
        MemoryEnv::new()
            .with_home("/home/u")
            .with_file(FILE, "[basic]\nak = A\noops\n"),
    );
    let e = ChainProvider::default_chain(broken, http.arc())
        .access_key()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::MalformedFile);
    assert_eq!(
        http.calls(),
        1,
        "only the earlier 'nothing' run reached metadata"
    );
}

fn ctx() -> AuthContext {
    AuthContext {
        now: at(T0),
        region: Some("cn-north-4".into()),
        requires_project_scope: true,
    }
}

async fn apply(loader: Loader) -> Result<http::request::Parts, CredentialsError> {
    let auth = loader.load()?;
    let (mut parts, ()) = http::Request::get("https://svc.example/v3/x")
        .body(())
        .unwrap()
        .into_parts();
    auth.authenticate(&mut parts, b"", &ctx()).await?;
    Ok(parts)
}

#[tokio::test]
async fn loader_prefers_env_access_keys_then_file_then_tokens() {
    let http = FakeHttp::new(|req, _| {
        Ok(if req.uri().path() == "/v3/auth/tokens" {
            token_response("PW-TOKEN", "2026-11-23T00:00:00Z")
        } else {
            response(
                200,
                &[],
                r#"{"projects":[{"id":"disc-1","name":"cn-north-4"}]}"#,
            )
        })
    });
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", "ENVAK")
        .with_var("HUAWEICLOUD_SDK_SK", "s")
        .with_var("HUAWEICLOUD_SDK_PROJECT_ID", "env-proj")
        .with_var("HUAWEICLOUD_SDK_IAM_USER_NAME", "alice")
        .with_var("HUAWEICLOUD_SDK_IAM_PASSWORD", "pw")
        .with_var("HUAWEICLOUD_SDK_IAM_DOMAIN_NAME", "acme")
        .with_home("/home/u")
        .with_file(FILE, "[basic]\nak = FILEAK\nsk = s\ndomain_id = file-dom\n");
    let parts = apply(Loader::new(http.arc()).with_env(Arc::new(env.clone())))
        .await
        .unwrap();
    assert!(
        parts.headers["authorization"]
            .to_str()
            .unwrap()
            .contains("Access=ENVAK")
    );
    assert_eq!(parts.headers["x-project-id"], "env-proj");

    // Without env AK/SK: the file section (with its domain id), still before token settings.
    let env2 = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_IAM_USER_NAME", "alice")
        .with_var("HUAWEICLOUD_SDK_IAM_PASSWORD", "pw")
        .with_var("HUAWEICLOUD_SDK_IAM_DOMAIN_NAME", "acme")
        .with_home("/home/u")
        .with_file(FILE, "[basic]\nak = FILEAK\nsk = s\ndomain_id = file-dom\n");
    let parts = apply(Loader::new(http.arc()).with_env(Arc::new(env2)))
        .await
        .unwrap();
    assert!(
        parts.headers["authorization"]
            .to_str()
            .unwrap()
            .contains("Access=FILEAK")
    );
    assert_eq!(parts.headers["x-domain-id"], "file-dom");
    assert_eq!(http.calls(), 0);

    // Token settings from the environment: a password token with the IAM endpoint override.
    let env3 = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_IAM_USER_NAME", "alice")
        .with_var("HUAWEICLOUD_SDK_IAM_PASSWORD", "pw")
        .with_var("HUAWEICLOUD_SDK_IAM_DOMAIN_NAME", "acme")
        .with_var("HUAWEICLOUD_SDK_IAM_PROJECT_NAME", "cn-north-4")
        .with_var("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://iam.test");
    let parts = apply(Loader::new(http.arc()).with_env(Arc::new(env3)))
        .await
        .unwrap();
    assert_eq!(parts.headers["x-auth-token"], "PW-TOKEN");
    let req = http.request(0);
    assert_eq!(req.uri(), "http://iam.test/v3/auth/tokens?nocatalog=true");
    assert_eq!(
        http.json_body(0)["auth"]["scope"],
        serde_json::json!({"project": {"name": "cn-north-4"}})
    );
}

#[tokio::test]
async fn loader_discovers_the_project_when_none_is_configured() {
    let http = FakeHttp::new(|_, _| {
        Ok(response(
            200,
            &[],
            r#"{"projects":[{"id":"disc-1","name":"cn-north-4"}]}"#,
        ))
    });
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", "AK")
        .with_var("HUAWEICLOUD_SDK_SK", "SK")
        .with_var("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://iam.test");
    let parts = apply(Loader::new(http.arc()).with_env(Arc::new(env)))
        .await
        .unwrap();
    assert_eq!(parts.headers["x-project-id"], "disc-1");
    assert_eq!(
        http.request(0).uri(),
        "http://iam.test/v3/projects?name=cn-north-4"
    );
}

#[tokio::test]
async fn loader_reads_token_settings_from_a_file_profile_with_totp_and_agency() {
    let http = FakeHttp::new(|_, n| {
        Ok(token_response(
            if n == 0 { "BASE" } else { "AGENCY" },
            "2026-11-23T00:00:00Z",
        ))
    });
    let file = "[token]\nuser_name = bob\nuser_id = uid-b\npassword = pw\ndomain_name = acct-b\n\
                project_id = proj-a\nagency_name = ops\nagency_domain_name = acct-a\niam_endpoint = http://iam.file\n";
    let env = MemoryEnv::new().with_home("/home/u").with_file(FILE, file);
    let loader = Loader::new(http.arc())
        .with_env(Arc::new(env))
        .with_profile("token")
        .with_totp(|| Ok(hwcloud_auth::SecretString::new("654321")));
    let parts = apply(loader).await.unwrap();
    assert_eq!(parts.headers["x-auth-token"], "AGENCY");
    let base = http.json_body(0);
    assert_eq!(
        base["auth"]["identity"]["totp"]["user"],
        serde_json::json!({"id": "uid-b", "passcode": "654321"})
    );
    assert_eq!(
        http.request(0).uri(),
        "http://iam.file/v3/auth/tokens?nocatalog=true"
    );
    assert_eq!(http.request(1).headers()["x-auth-token"], "BASE");
    assert_eq!(
        http.json_body(1)["auth"]["identity"]["assume_role"]["domain_name"],
        "acct-a"
    );
    assert_eq!(
        http.json_body(1)["auth"]["scope"],
        serde_json::json!({"project": {"id": "proj-a"}})
    );
}

#[tokio::test]
async fn loader_static_token_and_errors() {
    let http = refused_metadata();
    let env = MemoryEnv::new().with_var("HUAWEICLOUD_SDK_AUTH_TOKEN", "STATIC");
    let parts = apply(Loader::new(http.arc()).with_env(Arc::new(env)))
        .await
        .unwrap();
    assert_eq!(parts.headers["x-auth-token"], "STATIC");

    // Incomplete token settings are an error, not a silent fallback.
    let env = MemoryEnv::new().with_var("HUAWEICLOUD_SDK_IAM_USER_NAME", "alice");
    let e = Loader::new(http.arc())
        .with_env(Arc::new(env))
        .load()
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("HUAWEICLOUD_SDK_IAM_PASSWORD"),
        "{e}"
    );

    // A named profile without a file is an error.
    let e = Loader::new(http.arc())
        .with_env(Arc::new(MemoryEnv::new()))
        .with_profile("prod")
        .load()
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);

    // Malformed file fails at load.
    let env = MemoryEnv::new()
        .with_home("/home/u")
        .with_file(FILE, "[basic\n");
    let e = Loader::new(http.arc())
        .with_env(Arc::new(env))
        .load()
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::MalformedFile);
}

#[tokio::test]
async fn loader_with_nothing_falls_back_to_metadata_and_lists_every_source() {
    let http = refused_metadata();
    let env = MemoryEnv::new().with_home("/home/u");
    let loader = Loader::new(http.arc())
        .with_env(Arc::new(env))
        .with_metadata_endpoint("http://127.0.0.1:9");
    let e = apply(loader).await.unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
    let sources: Vec<_> = e
        .sources_tried()
        .iter()
        .map(|s| s.source.as_str())
        .collect();
    assert_eq!(
        sources,
        [
            "environment",
            "credentials file",
            "IAM token settings",
            "ECS metadata"
        ]
    );
    assert_eq!(
        http.request(0).uri(),
        "http://127.0.0.1:9/meta-data/latest/api/token"
    );

    // On an ECS with an agency: metadata credentials, project id discovered with them.
    let http = FakeHttp::new(|req, _| {
        Ok(match req.uri().path() {
            "/meta-data/latest/api/token" => response(404, &[], ""),
            "/openstack/latest/securitykey" => response(
                200,
                &[],
                r#"{"credential":{"access":"MAK","secret":"MSK","securitytoken":"MST","expires_at":"2026-11-22T06:00:00Z"}}"#,
            ),
            _ => response(
                200,
                &[],
                r#"{"projects":[{"id":"disc-2","name":"cn-north-4"}]}"#,
            ),
        })
    });
    let env = MemoryEnv::new().with_var("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://iam.test");
    let loader = Loader::new(http.arc())
        .with_env(Arc::new(env))
        .with_metadata_endpoint("http://127.0.0.1:9");
    let parts = apply(loader).await.unwrap();
    assert_eq!(parts.headers["x-security-token"], "MST");
    assert_eq!(parts.headers["x-project-id"], "disc-2");
}

/// The account configured with both AK/SK and token settings, in the environment and the file.
fn both_kinds() -> MemoryEnv {
    MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", "ENVAK")
        .with_var("HUAWEICLOUD_SDK_SK", "s")
        .with_var("HUAWEICLOUD_SDK_IAM_USER_NAME", "alice")
        .with_var("HUAWEICLOUD_SDK_IAM_PASSWORD", "pw")
        .with_var("HUAWEICLOUD_SDK_IAM_DOMAIN_NAME", "acme")
        .with_home("/home/u")
        .with_file(
            FILE,
            "[basic]\nak = FILEAK\nsk = s\nproject_id = file-proj\n",
        )
}

fn iam() -> FakeHttp {
    FakeHttp::new(|_, _| Ok(token_response("PW-TOKEN", "2026-11-23T00:00:00Z")))
}

#[tokio::test]
async fn loader_token_mode_ignores_access_keys_and_scopes_to_the_region() {
    let http = iam();
    let parts = apply(
        Loader::new(http.arc())
            .with_env(Arc::new(both_kinds()))
            .with_mode(LoadMode::Token)
            .with_region("cn-north-4"),
    )
    .await
    .unwrap();
    assert_eq!(parts.headers["x-auth-token"], "PW-TOKEN");
    assert!(!parts.headers.contains_key("authorization"));
    // No project named anywhere: the region's default project, which regional services require.
    assert_eq!(
        http.json_body(0)["auth"]["scope"],
        serde_json::json!({"project": {"name": "cn-north-4"}})
    );

    // Without a region the same settings ask for a domain-scoped token.
    let http = iam();
    apply(
        Loader::new(http.arc())
            .with_env(Arc::new(both_kinds()))
            .with_mode(LoadMode::Token),
    )
    .await
    .unwrap();
    assert_eq!(
        http.json_body(0)["auth"]["scope"],
        serde_json::json!({"domain": {"name": "acme"}})
    );
}

#[tokio::test]
async fn loader_token_mode_without_token_settings_is_an_error() {
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", "ENVAK")
        .with_var("HUAWEICLOUD_SDK_SK", "s");
    let e = Loader::new(refused_metadata().arc())
        .with_env(Arc::new(env))
        .with_mode(LoadMode::Token)
        .load()
        .unwrap_err();
    assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
    assert!(e.to_string().contains("token auth was asked for"), "{e}");
}

#[tokio::test]
async fn loader_access_key_mode_ignores_token_settings() {
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_IAM_USER_NAME", "alice")
        .with_var("HUAWEICLOUD_SDK_IAM_PASSWORD", "pw")
        .with_var("HUAWEICLOUD_SDK_IAM_DOMAIN_NAME", "acme")
        .with_home("/home/u")
        .with_file(
            FILE,
            "[basic]\nak = FILEAK\nsk = s\nproject_id = file-proj\n",
        );
    let http = iam();
    let parts = apply(
        Loader::new(http.arc())
            .with_env(Arc::new(env))
            .with_mode(LoadMode::AccessKey),
    )
    .await
    .unwrap();
    assert!(
        parts.headers["authorization"]
            .to_str()
            .unwrap()
            .contains("Access=FILEAK")
    );
    assert_eq!(http.calls(), 0, "no IAM token was requested");
}

#[tokio::test]
async fn loader_explicit_ids_and_endpoint_win_over_environment_and_file() {
    let parts = apply(
        Loader::new(iam().arc())
            .with_env(Arc::new(
                both_kinds().with_var("HUAWEICLOUD_SDK_PROJECT_ID", "env-proj"),
            ))
            .with_project_id("explicit-proj"),
    )
    .await
    .unwrap();
    assert_eq!(parts.headers["x-project-id"], "explicit-proj");

    // The file's own project id loses too.
    let file_only = MemoryEnv::new().with_home("/home/u").with_file(
        FILE,
        "[basic]\nak = FILEAK\nsk = s\nproject_id = file-proj\n",
    );
    let parts = apply(
        Loader::new(iam().arc())
            .with_env(Arc::new(file_only))
            .with_project_id("explicit-proj"),
    )
    .await
    .unwrap();
    assert_eq!(parts.headers["x-project-id"], "explicit-proj");

    // An explicit IAM endpoint wins over the variable.
    let http = iam();
    apply(
        Loader::new(http.arc())
            .with_env(Arc::new(
                both_kinds().with_var("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://from-env.test"),
            ))
            .with_mode(LoadMode::Token)
            .with_iam_endpoint("http://explicit.test"),
    )
    .await
    .unwrap();
    assert_eq!(
        http.request(0).uri(),
        "http://explicit.test/v3/auth/tokens?nocatalog=true"
    );
}
