//! Start a ServiceStage build, cancel it, read the final state (the README example).
//!
//! Replace the credentials and ids with yours, then `cargo run -p hwcloud-servicestage-assembling-v1 --example start_cancel` (it calls the real service).

#![allow(clippy::print_stdout)]

use hwcloud_auth::{AccessKeyCredentials, Authenticator};
use hwcloud_servicestage_assembling_v1::wait::{self, WaitConfig};
use hwcloud_servicestage_assembling_v1::{SdkConfig, ServiceStageApi, ServiceStageClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let auth = Authenticator::access_key(AccessKeyCredentials::new("my-ak", "my-sk"))
        .with_project_id("0123456789abcdef0123456789abcdef");
    let config = SdkConfig::builder()
        .authenticator(auth)
        .region("cn-north-4")
        .build()?;
    let client = ServiceStageClient::new(&config)?;

    let started = client
        .start_build("qexh8qwfmuvlv1y078delx51vn0tsjsmsb23e0e0")
        .await?;
    let build_id = started.build_id.ok_or("no build id")?;
    let cancelled = client.cancel_build(&build_id).await?; // PATCH /assembling/v1/builds/{build_id}
    println!("cancel answered {:?}", cancelled.build_state);
    let build = wait::wait_for_build(&client, &build_id, &WaitConfig::default()).await?;
    println!(
        "{:?} ended at {}",
        build.build_state,
        build.ended_at.unwrap_or_default()
    );
    Ok(())
}
