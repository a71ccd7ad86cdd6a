//! The provider traits: where credentials and tokens come from.

use std::fmt::Debug;

use super::{CredentialsError, IamToken};
use crate::AccessKeyCredentials;

/// A source of AK/SK credentials (static, environment, file, ECS metadata, IAM temporary keys, a chain).
#[async_trait::async_trait]
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait ProvideAccessKey: Send + Sync + Debug {
    /// Fetches credentials. Called by the cache, at most one call at a time per cache.
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError>;
}

/// A source of IAM tokens (password, password + TOTP, agency, static).
#[async_trait::async_trait]
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait ProvideToken: Send + Sync + Debug {
    /// Fetches a token. Called by the cache, at most one call at a time per cache.
    async fn token(&self) -> Result<IamToken, CredentialsError>;
}
