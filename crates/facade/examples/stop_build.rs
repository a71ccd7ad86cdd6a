//! Stops a CodeArts Build run with StopBuildJob, then shows the build's state.
//!
//! ```text
//! cargo run -p hwcloud --example stop_build -- JOB_ID BUILD_NO [ENDPOINT]
//! ```
//!
//! Credentials, region and project come from the environment or the credentials file (see `Config`).
//! With ENDPOINT (or `HWCLOUD_ENDPOINT`) every call goes there instead, e.g. to a local emulator started
//! with `cargo run -p hwcloud-emulator`; without it the example talks to Huawei Cloud and needs real
//! credentials.

#![allow(clippy::print_stdout)] // an example prints its results

use hwcloud::codeartsbuild::CodeArtsBuildApi;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(job_id), Some(build_no)) = (args.next(), args.next()) else {
        return Err("usage: stop_build JOB_ID BUILD_NO [ENDPOINT]".into());
    };
    let build_no: u32 = build_no.parse()?;
    let mut builder = hwcloud::Config::builder();
    if let Some(endpoint) = args
        .next()
        .or_else(|| std::env::var("HWCLOUD_ENDPOINT").ok())
    {
        builder = builder.endpoint(endpoint);
    }
    let config = builder.build()?;
    let builds = config.codeartsbuild()?;

    let stopped = builds.stop_build_job(&job_id, build_no).await?;
    println!("StopBuildJob: success = {}", stopped.success);
    let status = builds.show_job_step_status(&job_id, Some(build_no)).await?;
    println!(
        "build {build_no}: {:?} (aborted: {})",
        status.status,
        status.is_aborted()
    );
    Ok(())
}
