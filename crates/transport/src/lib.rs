//! One HTTP layer for every Huawei Cloud service: endpoints, signing, retries and typed errors.
//!
//! Service crates describe operations as [`OperationSpec`] constants and call [`ServiceClient::send_json`],
//! [`ServiceClient::send_empty`] or [`ServiceClient::send_stream`]. Every call goes through one pipeline:
//! path/query encoding → `Content-Type`/`User-Agent` → authentication (fresh signature per attempt) →
//! send with connect/attempt/total timeouts → classification → retry (standard policy: connection failures
//! always, timeouts/429/5xx only for idempotent operations) → typed [`Error`] or decoded model.
//!
//! ```
//! use hwcloud_auth::{AccessKeyCredentials, Authenticator};
//! use hwcloud_transport::{OperationSpec, RequestInput, SdkConfig, ServiceClient, CODEARTSBUILD};
//!
//! static STOP_BUILD: OperationSpec = OperationSpec::new(
//!     "StopBuildJob",
//!     http::Method::POST,
//!     "/v3/jobs/{job_id}/{build_no}/stop",
//!     false, // stopping twice is harmless, but starting a build twice is not: be conservative
//!     "application/json",
//! );
//!
//! let auth = Authenticator::access_key(AccessKeyCredentials::new("AK", "SK")).with_project_id("p");
//! let config = SdkConfig::builder().authenticator(auth).region("cn-north-4").build()?;
//! let client = ServiceClient::new(&config, &CODEARTSBUILD)?;
//! assert_eq!(client.endpoint(), "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com");
//! let _call = client.send_empty(&STOP_BUILD, RequestInput::new().path_param("job_id", "j").path_param("build_no", 3));
//! # Ok::<(), hwcloud_transport::Error>(())
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod client;
mod config;
mod decode;
mod endpoint;
mod error;
pub mod http_client;
pub mod model;
pub mod poll;
mod request;
mod retry;
#[cfg(test)]
mod tests;

pub use client::{ByteStream, ServiceClient};
pub use config::{Authenticate, DEFAULT_BODY_LIMIT, SdkConfig, SdkConfigBuilder, TimeoutConfig};
pub use decode::decode_json;
pub use endpoint::{
    CODEARTSBUILD, CODEARTSBUILD_REGIONS, EnvLookup, IAM, IAM_GLOBAL_ENDPOINT, SERVICESTAGE,
    SERVICESTAGE_REGIONS, ServiceInfo, iam_endpoint, region_env_var, resolve_endpoint,
};
pub use error::{
    BodyTooLargeError, ConnectionError, DecodeError, EndpointError, Error, InvalidInputError,
    ServiceError, TimeoutError, TimeoutKind,
};
pub use http_client::{Body, HttpClient, ReqwestClient, ReqwestConfig, SendOptions};
pub use request::{OperationSpec, RequestInput};
pub use retry::{
    FailureClass, NoRetry, RetryConfig, RetryContext, RetryDecision, RetryPolicy,
    StandardRetryPolicy,
};
