//! Huawei Cloud ServiceStage build APIs (`/assembling/v1`): build jobs, builds, cancel, phases, logs.
//!
//! No official SDK covers these "historical" APIs; the models follow the documentation pages and accept both
//! sides wherever the pages contradict their own examples:
//! `swr_repository`/`swr_repo_page` documented as strings but returned as id → value maps
//! ([`model::StringOrMap`]); `index` documented as a string on 0269 but a number elsewhere; phase `id` string or
//! number; `code_repo_anatomy` may be `null` and uses the camelCase key `archiveURL`; `started_at`/`ended_at`
//! are objects on 0274 and strings (`2025-11-14 08:00:42 +0000 UTC`, `""` when unset) elsewhere
//! ([`Timestamp`] keeps the raw text); `repo_type` comes as `GitLab` or `Gitlab` and as the undocumented
//! `BinObs`. Every enum keeps unknown values in an `Unknown(String)` variant.
//!
//! - [`ServiceStageClient`] implements the [`ServiceStageApi`] trait over HTTP; the `mock` feature adds
//!   `MockServiceStageApi` (mockall) for your tests.
//! - [`operations`] describes all 14 operations as data; every request sends
//!   `Content-Type: application/json;charset=utf8` as the pages require.
//! - [`wait`] has the build waiter (polls `build_state`), the log follower and paginating streams.
//!
//! # Example: start a build, cancel it, read the cancelled build
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use hwcloud_auth::{AccessKeyCredentials, Authenticator};
//! use hwcloud_servicestage_assembling_v1::model::BuildState;
//! use hwcloud_servicestage_assembling_v1::wait::{self, WaitConfig};
//! use hwcloud_servicestage_assembling_v1::{SdkConfig, ServiceStageApi, ServiceStageClient};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = Authenticator::access_key(AccessKeyCredentials::new("my-ak", "my-sk"))
//!     .with_project_id("0123456789abcdef0123456789abcdef");
//! let config = SdkConfig::builder().authenticator(auth).region("cn-north-4").build()?;
//! let client = ServiceStageClient::new(&config)?;
//!
//! let started = client.start_build("qexh8qwfmuvlv1y078delx51vn0tsjsmsb23e0e0").await?;
//! let build_id = started.build_id.ok_or("the service returned no build id")?;
//!
//! // Show the first log lines, then cancel.
//! let mut log = std::pin::pin!(wait::follow_log(&client, &build_id, &WaitConfig::default()));
//! if let Some(first) = log.next().await {
//!     eprint!("{}", first?);
//! }
//! let cancelled = client.cancel_build(&build_id).await?;
//! eprintln!("cancel answered state {:?}", cancelled.build_state);
//!
//! let done = wait::wait_for_build(&client, &build_id, &WaitConfig::default()).await?;
//! assert!(done.build_state == Some(BuildState::Cancel) || done.is_final());
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
pub use client::MockServiceStageApi;
pub use client::{ServiceStageApi, ServiceStageClient};
pub use hwcloud_transport::model::Timestamp;
pub use hwcloud_transport::{ByteStream, Error, SdkConfig};
