//! What the integration tests of more than one area need to run against the emulator: starting it,
//! authenticating as its demo account, SDK configs aimed at it, and reading its journal.

use std::sync::Arc;
use std::time::Duration;

use hwcloud_auth::http_client::HttpClient;
use hwcloud_auth::{AccessKeyCredentials, Authenticator, PasswordTokenProvider, ScopeRequest};
use hwcloud_emulator::{Emulator, EmulatorConfig, JournalEntry, Verdict, demo};
use hwcloud_transport::poll::WaitConfig;
use hwcloud_transport::{ReqwestClient, ReqwestConfig, RetryConfig, SdkConfig, SdkConfigBuilder};

/// How a test authenticates to the emulator's gateway.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    /// The demo AK/SK, with the demo project id.
    AkSk,
    /// A project-scoped IAM token of the demo user, obtained with its password.
    Token,
}

/// An emulator with the default configuration (the demo account).
pub async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts")
}

/// An emulator whose builds spend `step` in each state step.
pub async fn emulator(step: Duration) -> Emulator {
    let config = EmulatorConfig {
        build_step: step,
        ..EmulatorConfig::default()
    };
    Emulator::start(config).await.expect("emulator starts")
}

/// The transport's HTTP client for IAM calls, as in the SDK; without proxies, since the emulator is on
/// loopback.
pub fn http() -> Arc<dyn HttpClient> {
    let mut config = ReqwestConfig::default();
    config.disable_proxy = true;
    Arc::new(ReqwestClient::new(&config).expect("reqwest client"))
}

/// The demo account's permanent AK/SK.
pub fn demo_keys() -> AccessKeyCredentials {
    AccessKeyCredentials::new(demo::ACCESS_KEY, demo::SECRET_KEY)
}

/// The demo AK/SK with the demo project id, so no project discovery is needed.
pub fn aksk() -> Authenticator {
    Authenticator::access_key(demo_keys()).with_project_id(demo::PROJECT_ID)
}

/// Tokens of the demo user, by password, in `scope`, from `emu`'s IAM.
pub fn password(emu: &Emulator, scope: ScopeRequest) -> PasswordTokenProvider {
    PasswordTokenProvider::new(
        http(),
        demo::DOMAIN_NAME,
        demo::USER_NAME,
        demo::PASSWORD,
        scope,
    )
    .with_iam_endpoint(emu.base_url())
}

/// The authenticator for `auth` (tokens scoped to the demo project, by its name).
pub fn authenticator(emu: &Emulator, auth: Auth) -> Authenticator {
    match auth {
        Auth::AkSk => aksk(),
        Auth::Token => Authenticator::token(password(
            emu,
            ScopeRequest::ProjectName(demo::REGION.into()),
        )),
    }
}

/// An SDK config builder aimed at `emu`, in the demo region, without proxies; the caller picks the
/// retries.
pub fn builder(emu: &Emulator, auth: Authenticator) -> SdkConfigBuilder {
    SdkConfig::builder()
        .authenticator(auth)
        .region(demo::REGION)
        .endpoint(emu.base_url())
        .disable_proxy()
}

/// The SDK config of the service-client tests: authenticated as `auth`, retries off.
pub fn config(emu: &Emulator, auth: Auth) -> SdkConfig {
    builder(emu, authenticator(emu, auth))
        // Every call must reach the emulator exactly once, so the journal proves what was sent.
        .retry(RetryConfig::disabled())
        .build()
        .expect("config")
}

/// Waiter settings that poll often, so tests do not wait long on builds.
pub fn fast() -> WaitConfig {
    WaitConfig::new(
        Duration::from_millis(20),
        Duration::from_millis(100),
        Duration::from_secs(20),
    )
}

/// The journal entries routed to operation `op`, in order.
pub fn calls(emu: &Emulator, op: &str) -> Vec<JournalEntry> {
    emu.journal()
        .into_iter()
        .filter(|e| e.operation.as_deref() == Some(op))
        .collect()
}

/// Every journal entry whose path `is_service` picks (there must be some) was accepted by the gateway,
/// authenticated the way `auth` says, and sent with `content_type`.
pub fn assert_authenticated(
    emu: &Emulator,
    auth: Auth,
    is_service: impl Fn(&str) -> bool,
    content_type: &str,
) {
    let journal = emu.journal();
    let service: Vec<_> = journal.iter().filter(|e| is_service(&e.path)).collect();
    assert!(!service.is_empty());
    for e in service {
        assert_eq!(
            e.verdict,
            Verdict::Accepted,
            "{} {} was not accepted",
            e.method,
            e.path
        );
        assert_eq!(e.header("content-type"), Some(content_type), "{}", e.path);
        match auth {
            Auth::AkSk => {
                assert!(
                    e.header("authorization")
                        .is_some_and(|v| v.starts_with("SDK-HMAC-SHA256")),
                    "{}",
                    e.path
                );
                assert_eq!(e.header("x-project-id"), Some(demo::PROJECT_ID));
            }
            Auth::Token => assert!(e.header("x-auth-token").is_some(), "{}", e.path),
        }
    }
}
