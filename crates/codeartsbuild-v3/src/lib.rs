//! Huawei Cloud CodeArts Build (`cloudbuild-ext`) client: run, watch and stop builds, read their logs.
//!
//! - [`CodeArtsBuildClient`] sends the operations over the shared `hwcloud-transport` pipeline (signing,
//!   retries, typed errors); it implements the [`CodeArtsBuildApi`] trait, which the `mock` feature turns into
//!   `MockCodeArtsBuildApi` (mockall) for your own tests.
//! - [`operations`] describes every operation as data (method, path template, idempotency).
//! - [`model`] holds the request/response types; [`validate`] the checks made before anything is sent.
//! - [`wait`] has the build waiter, the log follower and paginating streams.
//!
//! The deprecated StopJob (`POST /v3/jobs/stop`) is [`CodeArtsBuildClient::stop_job`]; prefer
//! [`CodeArtsBuildApi::stop_build_job`] or [`CodeArtsBuildApi::stop_the_job`].
//!
//! # Example: start a build, follow its log, wait for it, stop a runaway one
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use hwcloud_auth::{AccessKeyCredentials, Authenticator};
//! use hwcloud_codeartsbuild_v3::model::RunJobRequest;
//! use hwcloud_codeartsbuild_v3::wait::{self, WaitConfig, WaitError};
//! use hwcloud_codeartsbuild_v3::{CodeArtsBuildApi, CodeArtsBuildClient, SdkConfig};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = Authenticator::access_key(AccessKeyCredentials::new("my-ak", "my-sk"))
//!     .with_project_id("0123456789abcdef0123456789abcdef");
//! let config = SdkConfig::builder().authenticator(auth).region("cn-north-4").build()?;
//! let client = CodeArtsBuildClient::new(&config)?;
//!
//! let job_id = "f9d6c8466d614a9788e9a0acf6c15f46";
//! let run = client.run_job(&RunJobRequest::new(job_id).parameter("branch", "master")).await?;
//! let build_no = run.build_no().ok_or("the service returned no build number")?;
//!
//! // Print the log as it grows; the stream ends when the build is final and the log drained.
//! let watch = WaitConfig::default().timeout(std::time::Duration::from_secs(600));
//! let mut log = std::pin::pin!(wait::follow_log(&client, job_id, build_no, &watch));
//! while let Some(chunk) = log.next().await {
//!     match chunk {
//!         Ok(text) => eprint!("{text}"),
//!         Err(WaitError::Timeout { .. }) => {
//!             // Too slow: stop it, then wait for the stop to take effect.
//!             client.stop_build_job(job_id, build_no).await?;
//!             break;
//!         }
//!         Err(e) => return Err(e.into()),
//!     }
//! }
//! let last = wait::wait_for_build(&client, job_id, build_no, &WaitConfig::default()).await?;
//! eprintln!("build {build_no} ended: {:?} (aborted: {})", last.status, last.is_aborted());
//! # Ok(())
//! # }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod client;
pub mod model;
pub mod operations;
pub mod validate;
pub mod wait;

#[cfg(test)]
mod tests;

#[cfg(any(test, feature = "mock"))]
pub use client::MockCodeArtsBuildApi;
pub use client::{CodeArtsBuildApi, CodeArtsBuildClient};
pub use hwcloud_transport::model::Timestamp;
pub use hwcloud_transport::{ByteStream, Error, SdkConfig};
