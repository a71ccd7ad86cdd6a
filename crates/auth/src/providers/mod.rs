//! Credentials, IAM tokens, the official SDKs' providers and caches (feature `providers`).
//!
//! CONTRACT: the items re-exported from the crate root are pinned in ARCHITECTURE.md.

mod authenticator;
mod cache;
pub mod clock;
mod discovery;
mod env;
mod error;
pub mod http_client;
mod iam;
mod load;
mod metadata;
mod provide;
mod settings;
mod temporary;
mod time;
mod token;

pub use authenticator::{AuthContext, Authenticator};
pub use cache::RefreshPolicy;
pub use discovery::ProjectIdDiscovery;
#[cfg(feature = "mock")]
pub use env::MockEnv;
pub use env::{Env, MemoryEnv, OsEnv};
pub use error::{CredentialsError, CredentialsErrorKind, SourceAttempt};
pub use iam::{GLOBAL_IAM_ENDPOINT, IAM_REGIONS, iam_endpoint_for_region};
pub use load::{LoadMode, Loader, load};
pub use metadata::{DEFAULT_METADATA_ENDPOINT, EcsMetadataProvider};
#[cfg(feature = "mock")]
pub use provide::{MockProvideAccessKey, MockProvideToken};
pub use provide::{ProvideAccessKey, ProvideToken};
pub use settings::{
    ChainProvider, CredentialSettings, CredentialsFile, DEFAULT_SECTIONS, EnvironmentProvider,
    ProfileProvider, credentials_file_path, vars,
};
pub use temporary::TemporaryAccessKeyProvider;
pub use token::{
    AgencyDomain, AgencyTokenProvider, IamToken, PasswordTokenProvider, ScopeRequest, TokenScope,
};
