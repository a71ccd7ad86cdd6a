//! Public types can be shared across threads and tasks (tokio's `async_send_sync` style): a type that loses
//! `Send` or `Sync` fails to compile here, before a user finds out in a `tokio::spawn`.

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}

#[test]
fn auth_types_are_send_and_sync() {
    send_sync::<hwcloud_auth::Signer>();
    send_sync::<hwcloud_auth::Verifier>();
    send_sync::<hwcloud_auth::AccessKeyCredentials>();
    send_sync::<hwcloud_auth::SecretString>();
    send_sync::<hwcloud_auth::SigningOutput>();
    send_sync::<hwcloud_auth::SignError>();
    send_sync::<hwcloud_auth::VerifyError>();
    send_sync::<hwcloud_auth::Authenticator>();
    send_sync::<hwcloud_auth::CredentialsError>();
    send_sync::<hwcloud_auth::IamToken>();
}

#[test]
fn transport_and_service_types_are_send_and_sync() {
    send_sync::<hwcloud_transport::SdkConfig>();
    send_sync::<hwcloud_transport::ServiceClient>();
    send_sync::<hwcloud_transport::ReqwestClient>();
    send_sync::<hwcloud_transport::Error>();
    send_sync::<hwcloud_transport::ServiceError>();
    send_sync::<hwcloud_codeartsbuild_v3::CodeArtsBuildClient>();
    send_sync::<hwcloud_codeartsbuild_v3::wait::WaitError>();
    send_sync::<hwcloud_servicestage_assembling_v1::ServiceStageClient>();
    send_sync::<hwcloud_servicestage_assembling_v1::wait::WaitError>();
    send_sync::<hwcloud::Config>();
    send_sync::<hwcloud_emulator::Emulator>();
}

#[test]
fn client_futures_and_streams_are_send() {
    use hwcloud_codeartsbuild_v3::wait::{WaitConfig, follow_log, wait_for_build};
    use hwcloud_codeartsbuild_v3::{CodeArtsBuildApi, CodeArtsBuildClient};
    use hwcloud_servicestage_assembling_v1::{ServiceStageApi, ServiceStageClient};

    // Built against a closed loopback port: nothing is sent, the futures are only inspected.
    let auth = hwcloud_auth::Authenticator::access_key(hwcloud_auth::AccessKeyCredentials::new(
        "ak", "sk",
    ));
    let config = hwcloud_transport::SdkConfig::builder()
        .authenticator(auth)
        .endpoint("http://127.0.0.1:9")
        .build()
        .expect("config");
    let cab = CodeArtsBuildClient::new(&config).expect("client");
    let stage = ServiceStageClient::new(&config).expect("client");
    let wait = WaitConfig::default();
    send(&cab.show_job_status("f9d6c8466d614a9788e9a0acf6c15f46"));
    send(&cab.stop_build_job("f9d6c8466d614a9788e9a0acf6c15f46", 1));
    send(&wait_for_build(
        &cab,
        "f9d6c8466d614a9788e9a0acf6c15f46",
        1,
        &wait,
    ));
    send(&follow_log(
        &cab,
        "f9d6c8466d614a9788e9a0acf6c15f46",
        1,
        &wait,
    ));
    send(&stage.cancel_build("kzqjkrvbglqbczhm82kkjlh0ixe2o2wv8v85fpmv"));
}
