//! Huawei Cloud authentication: AK/SK request signing, signature verification and credentials.
//!
//! The signer works on [`http`] crate types and needs no async runtime, so any HTTP client
//! (reqwest, hyper, ureq, a tower layer) can use it for any Huawei Cloud API:
//!
//! ```
//! use hwcloud_auth::{AccessKeyCredentials, Signer};
//!
//! let credentials = AccessKeyCredentials::new("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc");
//! let mut request = http::Request::post("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/stop")
//!     .header("content-type", "application/json")
//!     .header("x-sdk-date", "20251114T080042Z")
//!     .body(br#"{"job_id":"f9d6c8466d614a9788e9a0acf6c15f46","build_no":"20"}"#.to_vec())?;
//! Signer::default().sign(&mut request, &credentials)?;
//! assert!(request.headers()["authorization"].to_str()?.starts_with("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The signer canonicalizes exactly as the official SDKs do (checked byte for byte against
//! signatures of the official Python SDK), adds only the headers it must, and leaves the request
//! untouched when it returns a [`SignError`]. The returned [`SigningOutput`] shows the canonical
//! request and string to sign, for debugging signature mismatches. [`Verifier`] checks signed
//! requests the way the API gateway does (the local emulator uses it).
//!
//! Features: `ecdsa` (SDK-ECDSA-P256-SHA256), `sm2` (SDK-SM2-SM3), `providers` (IAM tokens,
//! temporary credentials, the official SDKs' providers and caches), `mock` (mockall mocks).

mod canonical;
#[doc(hidden)]
pub mod civil;
mod credentials;
#[cfg(any(feature = "ecdsa", feature = "sm2"))]
mod ecc;
mod hex;
#[cfg(feature = "providers")]
mod providers;
mod sdk_date;
mod secret;
mod sha256;
mod sign;
mod verify;

pub use credentials::AccessKeyCredentials;
#[cfg(feature = "providers")]
pub use providers::{
    AgencyDomain, AgencyTokenProvider, AuthContext, Authenticator, ChainProvider,
    CredentialSettings, CredentialsError, CredentialsErrorKind, CredentialsFile,
    DEFAULT_METADATA_ENDPOINT, DEFAULT_SECTIONS, EcsMetadataProvider, Env, EnvironmentProvider,
    GLOBAL_IAM_ENDPOINT, IAM_REGIONS, IamToken, LoadMode, Loader, MemoryEnv, OsEnv,
    PasswordTokenProvider, ProfileProvider, ProjectIdDiscovery, ProvideAccessKey, ProvideToken,
    RefreshPolicy, ScopeRequest, SourceAttempt, TemporaryAccessKeyProvider, TokenScope, clock,
    credentials_file_path, http_client, iam_endpoint_for_region, load, vars,
};
#[cfg(feature = "mock")]
pub use providers::{MockEnv, MockProvideAccessKey, MockProvideToken};
pub use sdk_date::SdkDate;
pub use secret::{SecretString, redact_secret_headers};
pub use sign::{SignError, Signer, SigningAlgorithm, SigningOutput};
pub use verify::{Verified, Verifier, VerifyError};
