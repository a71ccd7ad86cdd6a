//! Start a CodeArts build, watch its log, stop it (the README example).
//!
//! Replace the credentials and ids with yours, then `cargo run -p hwcloud-codeartsbuild-v3 --example start_watch_stop` (it calls the real service).

#![allow(clippy::print_stdout)]

use futures_util::StreamExt;
use hwcloud_auth::{AccessKeyCredentials, Authenticator};
use hwcloud_codeartsbuild_v3::model::RunJobRequest;
use hwcloud_codeartsbuild_v3::wait::{self, WaitConfig};
use hwcloud_codeartsbuild_v3::{CodeArtsBuildApi, CodeArtsBuildClient, SdkConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let auth = Authenticator::access_key(AccessKeyCredentials::new("my-ak", "my-sk"))
        .with_project_id("0123456789abcdef0123456789abcdef");
    let config = SdkConfig::builder()
        .authenticator(auth)
        .region("cn-north-4")
        .build()?;
    let client = CodeArtsBuildClient::new(&config)?;

    let job_id = "f9d6c8466d614a9788e9a0acf6c15f46"; // the 32 characters at the end of the job's URL
    let run = client
        .run_job(&RunJobRequest::new(job_id).parameter("branch", "master"))
        .await?;
    let build_no = run.build_no().ok_or("no build number")?;

    // Watch: the stream ends when the build is final and its log drained.
    let mut log = std::pin::pin!(wait::follow_log(
        &client,
        job_id,
        build_no,
        &WaitConfig::default()
    ));
    if let Some(first) = log.next().await {
        print!("{}", first?);
    }

    // Stop (idempotent: stopping twice is harmless), then wait for the final state.
    let stopped = client.stop_build_job(job_id, build_no).await?;
    println!("stopped: {}", stopped.success);
    let last = wait::wait_for_build(&client, job_id, build_no, &WaitConfig::default()).await?;
    println!("final: {:?}, aborted: {}", last.status, last.is_aborted());
    Ok(())
}
