//! `hwcloud::Config` against the emulator: shared credential cache, settings from an injected environment.

#![cfg(all(feature = "codeartsbuild", feature = "servicestage"))]
#![allow(clippy::unwrap_used)] // tests fail loudly on unexpected errors

use hwcloud::auth::MemoryEnv;
use hwcloud::codeartsbuild::CodeArtsBuildApi;
use hwcloud::servicestage::ServiceStageApi;
use hwcloud::{AuthMode, Config, PasswordToken};
use hwcloud_emulator::{Emulator, EmulatorConfig, demo};

fn token_requests(emu: &Emulator) -> usize {
    emu.journal()
        .iter()
        .filter(|e| e.method == "POST" && e.path == "/v3/auth/tokens")
        .count()
}

fn password_config(emu: &Emulator) -> Config {
    Config::builder()
        .env(MemoryEnv::new())
        .region(demo::REGION)
        .endpoint(emu.base_url())
        .token_auth(PasswordToken::new(
            demo::DOMAIN_NAME,
            demo::USER_NAME,
            demo::PASSWORD,
        ))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_from_one_config_share_one_token() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let config = password_config(&emu);
    assert!(config.authenticator().is_token());
    let builds = config.codeartsbuild().unwrap();
    let stage = config.servicestage().unwrap();
    builds
        .show_job_status(demo::CODEARTSBUILD_JOB_ID)
        .await
        .unwrap();
    stage.show_job(demo::SERVICESTAGE_JOB_ID).await.unwrap();
    // A client made later from a clone of the config shares the cache too.
    let again = config.clone().codeartsbuild().unwrap();
    again
        .show_job_status(demo::CODEARTSBUILD_JOB_ID)
        .await
        .unwrap();
    assert_eq!(token_requests(&emu), 1, "one IAM token for every client");

    // Control: a second, separate Config has its own cache and fetches its own token.
    let other = password_config(&emu);
    other
        .servicestage()
        .unwrap()
        .show_job(demo::SERVICESTAGE_JOB_ID)
        .await
        .unwrap();
    assert_eq!(token_requests(&emu), 2);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_keys_come_from_the_injected_environment() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let env = MemoryEnv::new()
        .with_var("HUAWEICLOUD_SDK_AK", demo::ACCESS_KEY)
        .with_var("HUAWEICLOUD_SDK_SK", demo::SECRET_KEY)
        .with_var("HUAWEICLOUD_SDK_PROJECT_ID", demo::PROJECT_ID)
        .with_var("HUAWEICLOUD_SDK_REGION", demo::REGION);
    let config = Config::builder()
        .env(env)
        .endpoint(emu.base_url())
        .build()
        .unwrap();
    assert_eq!(config.region(), Some(demo::REGION));
    assert!(!config.authenticator().is_token());
    config
        .codeartsbuild()
        .unwrap()
        .show_job_status(demo::CODEARTSBUILD_JOB_ID)
        .await
        .unwrap();
    let entry = emu
        .journal()
        .into_iter()
        .find(|e| e.path.ends_with("/status"))
        .unwrap();
    assert!(
        entry
            .header("authorization")
            .unwrap()
            .starts_with(&format!("SDK-HMAC-SHA256 Access={}", demo::ACCESS_KEY))
    );
    assert_eq!(entry.header("x-project-id"), Some(demo::PROJECT_ID));
    assert_eq!(token_requests(&emu), 0);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_and_forced_token_mode_read_the_credentials_file() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let file = format!(
        "[basic]\nak = WRONGAK\nsk = wrong\n\n[emu]\nak = {}\nsk = {}\nuser_name = {}\npassword = {}\ndomain_name = {}\n",
        demo::ACCESS_KEY,
        demo::SECRET_KEY,
        demo::USER_NAME,
        demo::PASSWORD,
        demo::DOMAIN_NAME
    );
    let env = || {
        MemoryEnv::new()
            .with_home("/home/u")
            .with_file("/home/u/.huaweicloud/credentials", file.clone())
    };
    // The named profile's AK/SK sign the call (the default [basic] section would be refused).
    let aksk = Config::builder()
        .env(env())
        .region(demo::REGION)
        .endpoint(emu.base_url())
        .profile("emu")
        .project_id(demo::PROJECT_ID)
        .build()
        .unwrap();
    assert!(!aksk.authenticator().is_token());
    aksk.servicestage()
        .unwrap()
        .show_job(demo::SERVICESTAGE_JOB_ID)
        .await
        .unwrap();
    // Forcing token auth ignores the section's AK/SK and uses its user name and password.
    let token = Config::builder()
        .env(env())
        .region(demo::REGION)
        .endpoint(emu.base_url())
        .profile("emu")
        .auth_mode(AuthMode::Token)
        .build()
        .unwrap();
    assert!(token.authenticator().is_token());
    token
        .servicestage()
        .unwrap()
        .show_job(demo::SERVICESTAGE_JOB_ID)
        .await
        .unwrap();
    assert_eq!(token_requests(&emu), 1);
    emu.shutdown().await;
}

#[test]
fn forced_token_mode_without_token_settings_is_an_error() {
    let err = Config::builder()
        .env(
            MemoryEnv::new()
                .with_var("HUAWEICLOUD_SDK_AK", "AK")
                .with_var("HUAWEICLOUD_SDK_SK", "SK"),
        )
        .region(demo::REGION)
        .auth_mode(AuthMode::Token)
        .build()
        .unwrap_err();
    assert!(matches!(err, hwcloud::ConfigError::Credentials(_)), "{err}");
}

/// The connect timeout set on the builder reaches the HTTP client the config builds; that client
/// once kept reqwest's default of 10 s, so connects ended in the attempt timeout instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_connect_timeout_bounds_connects() {
    use std::time::Duration;

    use hwcloud::transport::{Error, TimeoutConfig, TimeoutKind};

    // A loopback listener whose backlog of one is taken: the kernel leaves later connection
    // attempts unanswered, so only a connect timeout ends them.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let _queued = std::net::TcpStream::connect(address).unwrap();

    let config = Config::builder()
        .env(MemoryEnv::new())
        .region(demo::REGION)
        .endpoint(format!("http://{address}"))
        .access_key(demo::ACCESS_KEY, demo::SECRET_KEY)
        .project_id(demo::PROJECT_ID)
        // Connect well below the attempt timeout, which is well below the 10 s default.
        .timeouts(TimeoutConfig::new(
            Duration::from_millis(300),
            Duration::from_secs(3),
            Duration::from_secs(30),
        ))
        .build()
        .unwrap();
    let error = config
        .codeartsbuild()
        .unwrap()
        .show_job_status(demo::CODEARTSBUILD_JOB_ID)
        .await
        .unwrap_err();
    match error {
        Error::Timeout(t) => assert_eq!(t.kind, TimeoutKind::Connect, "{t:?}"),
        other => panic!("expected a connect timeout, got {other:?}"),
    }
}
