//! The Huawei Cloud SDK for Rust.
//!
//! This crate only re-exports the SDK's crates and adds [`Config`], which loads the region, endpoints
//! and credentials once and makes service clients that share one HTTP connection pool and one
//! credential/token cache.
//!
//! | Module | Crate | Feature |
//! |---|---|---|
//! | [`auth`] | `hwcloud-auth`: signer, verifier, credentials, IAM tokens | always |
//! | [`transport`] | `hwcloud-transport`: `SdkConfig`, errors, retries | always |
//! | `codeartsbuild` | `hwcloud-codeartsbuild-v3` | `codeartsbuild` (default) |
//! | `servicestage` | `hwcloud-servicestage-assembling-v1` | `servicestage` (default) |
//!
//! # Example
//!
//! Stop a CodeArts Build run with credentials from the environment (`HUAWEICLOUD_SDK_AK`,
//! `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_REGION`, …), the credentials file or the ECS metadata service:
//!
//! ```no_run
//! # #[cfg(all(feature = "codeartsbuild", feature = "servicestage"))]
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use hwcloud::codeartsbuild::CodeArtsBuildApi;
//! use hwcloud::servicestage::ServiceStageApi;
//!
//! let config = hwcloud::Config::from_env()?;
//! let builds = config.codeartsbuild()?;
//! let stopped = builds.stop_build_job("f9d6c8466d614a9788e9a0acf6c15f46", 20).await?;
//! println!("stopped: {}", stopped.success);
//!
//! // A second client made from the same Config shares the connection pool and the credential cache.
//! let stage = config.servicestage()?;
//! let build = stage.cancel_build("kzqjkrvbglqbczhm82kkjlh0ixe2o2wv8v85fpmv").await?;
//! println!("{:?}", build.build_state);
//! # Ok(())
//! # }
//! ```
//!
//! Or configure everything explicitly, e.g. against a local emulator:
//!
//! ```
//! let config = hwcloud::Config::builder()
//!     .region("cn-north-4")
//!     .endpoint("http://127.0.0.1:8080")
//!     .access_key("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .build()?;
//! assert_eq!(config.region(), Some("cn-north-4"));
//! assert!(!config.authenticator().is_token());
//! # Ok::<(), hwcloud::ConfigError>(())
//! ```

pub use hwcloud_auth as auth;
#[cfg(feature = "codeartsbuild")]
pub use hwcloud_codeartsbuild_v3 as codeartsbuild;
#[cfg(feature = "servicestage")]
pub use hwcloud_servicestage_assembling_v1 as servicestage;
pub use hwcloud_transport as transport;

mod config;

pub use config::{AuthMode, Config, ConfigBuilder, ConfigError, PasswordToken, vars};
