//! Cancels a ServiceStage build (`PATCH /assembling/v1/builds/{build_id}`) and prints the cancelled instance.
//!
//! ```text
//! cargo run -p hwcloud --example cancel_build -- BUILD_ID [ENDPOINT]
//! ```
//!
//! Credentials, region and project come from the environment or the credentials file (see `Config`).
//! With ENDPOINT (or `HWCLOUD_ENDPOINT`) every call goes there instead, e.g. to a local emulator started
//! with `cargo run -p hwcloud-emulator`; without it the example talks to Huawei Cloud and needs real
//! credentials.

#![allow(clippy::print_stdout)] // an example prints its results

use hwcloud::servicestage::ServiceStageApi;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(build_id) = args.next() else {
        return Err("usage: cancel_build BUILD_ID [ENDPOINT]".into());
    };
    let mut builder = hwcloud::Config::builder();
    if let Some(endpoint) = args
        .next()
        .or_else(|| std::env::var("HWCLOUD_ENDPOINT").ok())
    {
        builder = builder.endpoint(endpoint);
    }
    let config = builder.build()?;
    let build = config.servicestage()?.cancel_build(&build_id).await?;
    println!(
        "build {}: {:?} (started {:?}, ended {:?})",
        build.build_id.as_deref().unwrap_or(&build_id),
        build.build_state,
        build.started_at,
        build.ended_at
    );
    Ok(())
}
