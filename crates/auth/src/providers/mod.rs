//! Credentials, IAM tokens, the official SDKs' providers and caches (feature `providers`).
//!
//! CONTRACT: the items re-exported from the crate root are pinned in ARCHITECTURE.md.

mod authenticator;
pub mod clock;
mod error;
pub mod http_client;
mod provide;
mod token;

pub use authenticator::{AuthContext, Authenticator};
pub use error::CredentialsError;
pub use provide::{ProvideAccessKey, ProvideToken};
pub use token::{IamToken, TokenScope};
