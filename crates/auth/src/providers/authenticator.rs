//! Applying credentials to a request: what the transport calls on every attempt.

use std::sync::Arc;
use std::time::SystemTime;

use super::{CredentialsError, ProvideAccessKey, ProvideToken};
use crate::{Signer, SigningOutput};

/// What the transport knows about the request being authenticated.
#[derive(Debug, Clone)]
pub struct AuthContext {
    /// The (clock-skew-corrected) signing time.
    pub now: SystemTime,
    /// The region of the service endpoint, when known (project-id discovery needs it).
    pub region: Option<String>,
    /// The service refuses domain-scoped tokens (CodeArts Build does).
    pub requires_project_scope: bool,
}

/// What a client authenticates with. Cloning shares the credential cache.
#[derive(Clone, Debug)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
enum Inner {
    AccessKey {
        provider: Box<dyn ProvideAccessKey>,
        signer: Signer,
    },
    Token {
        provider: Box<dyn ProvideToken>,
    },
}

impl Authenticator {
    /// AK/SK signing with credentials from `provider`, cached.
    pub fn access_key(provider: impl ProvideAccessKey + 'static) -> Self {
        Self {
            inner: Arc::new(Inner::AccessKey {
                provider: Box::new(provider),
                signer: Signer::default(),
            }),
        }
    }

    /// `X-Auth-Token` with tokens from `provider`, cached.
    pub fn token(provider: impl ProvideToken + 'static) -> Self {
        Self {
            inner: Arc::new(Inner::Token {
                provider: Box::new(provider),
            }),
        }
    }

    /// Whether this authenticates with an IAM token.
    pub fn is_token(&self) -> bool {
        matches!(*self.inner, Inner::Token { .. })
    }

    /// Adds `X-Project-Id`/`X-Domain-Id` and signs, or adds `X-Auth-Token`.
    pub async fn authenticate(
        &self,
        parts: &mut http::request::Parts,
        body: &[u8],
        ctx: &AuthContext,
    ) -> Result<Option<SigningOutput>, CredentialsError> {
        let _ = (parts, body, ctx);
        todo!("credentials helper")
    }

    /// Drops the cached credentials or token so the next call fetches new ones.
    pub fn invalidate(&self) {
        todo!("credentials helper")
    }
}
