//! Applying credentials to a request: what the transport calls on every attempt.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use futures_util::FutureExt;

use super::cache::{Cache, Expires, Fetch, RefreshPolicy};
use super::discovery::ProjectIdDiscovery;
use super::{
    CredentialsError, CredentialsErrorKind, IamToken, ProvideAccessKey, ProvideToken, TokenScope,
};
use crate::{AccessKeyCredentials, Signer, SigningOutput};

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

impl Expires for AccessKeyCredentials {
    fn expires_at(&self) -> Option<SystemTime> {
        AccessKeyCredentials::expires_at(self)
    }
}

impl Expires for IamToken {
    fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

/// Fixed AK/SK are their own (static) source.
#[async_trait::async_trait]
impl ProvideAccessKey for AccessKeyCredentials {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        Ok(self.clone())
    }
}

#[derive(Clone)]
enum Scope {
    None,
    Project(String),
    Domain(String),
    Discover(ProjectIdDiscovery),
}

#[derive(Clone)]
enum Kind {
    AccessKey {
        cache: Arc<Cache<AccessKeyCredentials>>,
        signer: Signer,
        scope: Scope,
    },
    Token {
        cache: Arc<Cache<IamToken>>,
    },
}

/// What a client authenticates with: AK/SK signing or an IAM token, each from a provider behind one
/// cache. Cloning shares the cache (one refresh serves every clone).
///
/// Cache rules: values are refreshed ahead of expiry ([`RefreshPolicy`]); concurrent callers share one
/// provider call; a failed refresh keeps serving the old value while it is still valid (see
/// [`Authenticator::last_refresh_error`]); [`Authenticator::invalidate`] forces the next call to fetch.
///
/// ```
/// use hwcloud_auth::{AccessKeyCredentials, Authenticator};
/// let auth = Authenticator::access_key(AccessKeyCredentials::new("AK", "SK")).with_project_id("0123abc");
/// assert!(!auth.is_token());
/// ```
#[derive(Clone)]
pub struct Authenticator {
    kind: Kind,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::AccessKey {
                cache,
                signer,
                scope,
            } => {
                let scope = match scope {
                    Scope::None => "none".to_owned(),
                    Scope::Project(p) => format!("project {p}"),
                    Scope::Domain(d) => format!("domain {d}"),
                    Scope::Discover(_) => "discover project".to_owned(),
                };
                f.debug_struct("Authenticator::AccessKey")
                    .field("source", cache)
                    .field("algorithm", signer.algorithm())
                    .field("scope", &scope)
                    .finish()
            }
            Kind::Token { cache } => f
                .debug_struct("Authenticator::Token")
                .field("source", cache)
                .finish(),
        }
    }
}

impl Authenticator {
    /// AK/SK signing with credentials from `provider`, cached (temporary AK/SK: refreshed 40–45 min
    /// before expiry). Signer: SDK-HMAC-SHA256.
    pub fn access_key(provider: impl ProvideAccessKey + 'static) -> Self {
        let source = format!("{provider:?}");
        let provider: Arc<dyn ProvideAccessKey> = Arc::new(provider);
        let fetch: Fetch<AccessKeyCredentials> = Arc::new(move || {
            let p = provider.clone();
            async move { p.access_key().await }.boxed()
        });
        Self {
            kind: Kind::AccessKey {
                cache: Arc::new(Cache::new(
                    short(source),
                    RefreshPolicy::TEMPORARY_ACCESS_KEY,
                    fetch,
                )),
                signer: Signer::default(),
                scope: Scope::None,
            },
        }
    }

    /// `X-Auth-Token` with tokens from `provider`, cached (refreshed 60–70 min before expiry).
    pub fn token(provider: impl ProvideToken + 'static) -> Self {
        let source = format!("{provider:?}");
        let provider: Arc<dyn ProvideToken> = Arc::new(provider);
        let fetch: Fetch<IamToken> = Arc::new(move || {
            let p = provider.clone();
            async move { p.token().await }.boxed()
        });
        Self {
            kind: Kind::Token {
                cache: Arc::new(Cache::new(short(source), RefreshPolicy::TOKEN, fetch)),
            },
        }
    }

    /// Signs with `signer` instead of SDK-HMAC-SHA256 (AK/SK only; ignored for tokens).
    pub fn with_signer(mut self, new: Signer) -> Self {
        if let Kind::AccessKey { signer, .. } = &mut self.kind {
            *signer = new;
        }
        self
    }

    /// Sends `X-Project-Id: id` on every request (regional services; AK/SK only).
    pub fn with_project_id(mut self, id: impl Into<String>) -> Self {
        if let Kind::AccessKey { scope, .. } = &mut self.kind {
            *scope = Scope::Project(id.into());
        }
        self
    }

    /// Sends `X-Domain-Id: id` on every request (global services; AK/SK only).
    pub fn with_domain_id(mut self, id: impl Into<String>) -> Self {
        if let Kind::AccessKey { scope, .. } = &mut self.kind {
            *scope = Scope::Domain(id.into());
        }
        self
    }

    /// Discovers the project id from the request's region (AK/SK without a project id).
    pub fn with_project_discovery(mut self, discovery: ProjectIdDiscovery) -> Self {
        if let Kind::AccessKey { scope, .. } = &mut self.kind {
            *scope = Scope::Discover(discovery);
        }
        self
    }

    /// Changes when cached values are refreshed (shared by every clone).
    pub fn with_refresh_policy(self, policy: RefreshPolicy) -> Self {
        match &self.kind {
            Kind::AccessKey { cache, .. } => cache.set_policy(policy),
            Kind::Token { cache } => cache.set_policy(policy),
        }
        self
    }

    /// Whether this authenticates with an IAM token.
    pub fn is_token(&self) -> bool {
        matches!(self.kind, Kind::Token { .. })
    }

    /// The current AK/SK (cached or fetched); `None` for a token authenticator.
    pub async fn current_access_key(
        &self,
        now: SystemTime,
    ) -> Result<Option<AccessKeyCredentials>, CredentialsError> {
        match &self.kind {
            Kind::AccessKey { cache, .. } => cache.get(now).await.map(Some),
            Kind::Token { .. } => Ok(None),
        }
    }

    /// The current token (cached or fetched); `None` for an AK/SK authenticator.
    pub async fn current_token(
        &self,
        now: SystemTime,
    ) -> Result<Option<IamToken>, CredentialsError> {
        match &self.kind {
            Kind::Token { cache } => cache.get(now).await.map(Some),
            Kind::AccessKey { .. } => Ok(None),
        }
    }

    /// The error of the last refresh, if it failed (cleared by the next successful one). A failure while
    /// the cached value is still valid is only reported here (and as a `tracing` warning).
    pub fn last_refresh_error(&self) -> Option<CredentialsError> {
        match &self.kind {
            Kind::AccessKey { cache, .. } => cache.last_error(),
            Kind::Token { cache } => cache.last_error(),
        }
    }

    /// Adds `X-Project-Id`/`X-Domain-Id` and signs, or adds `X-Auth-Token`.
    pub async fn authenticate(
        &self,
        parts: &mut http::request::Parts,
        body: &[u8],
        ctx: &AuthContext,
    ) -> Result<Option<SigningOutput>, CredentialsError> {
        match &self.kind {
            Kind::AccessKey {
                cache,
                signer,
                scope,
            } => {
                let creds = cache.get(ctx.now).await?;
                let header = match scope {
                    Scope::None => None,
                    Scope::Project(id) => Some(("x-project-id", id.clone())),
                    Scope::Domain(id) => Some(("x-domain-id", id.clone())),
                    Scope::Discover(d) => {
                        let region = ctx.region.as_deref().ok_or_else(|| {
                            CredentialsError::invalid_input(
                                "project id",
                                "not configured, and the endpoint has no region to discover it from; \
                                 set HUAWEICLOUD_SDK_PROJECT_ID or a region",
                            )
                        })?;
                        Some(("x-project-id", d.project_id(&creds, region, ctx.now).await?))
                    }
                };
                let header = match header {
                    Some((name, value)) => Some((
                        name,
                        http::HeaderValue::from_str(&value).map_err(|_| {
                            CredentialsError::invalid_input(
                                name,
                                "contains characters not allowed in a header",
                            )
                        })?,
                    )),
                    None => None,
                };
                // The signer leaves the head as it was when it fails, so only the scope header added
                // here has to be taken back: no copy of the whole head per request.
                let replaced = header.map(|(name, value)| {
                    let previous: Vec<http::HeaderValue> =
                        parts.headers.get_all(name).iter().cloned().collect();
                    parts.headers.insert(name, value);
                    (name, previous)
                });
                match signer.sign_parts(parts, body, &creds, ctx.now) {
                    Ok(out) => Ok(Some(out)),
                    Err(e) => {
                        if let Some((name, previous)) = replaced {
                            parts.headers.remove(name);
                            for value in previous {
                                parts.headers.append(name, value);
                            }
                        }
                        Err(CredentialsError::with_kind(
                            CredentialsErrorKind::Signing,
                            format!("cannot sign the request: {e}"),
                        ))
                    }
                }
            }
            Kind::Token { cache } => {
                let token = cache.get(ctx.now).await?;
                if token.is_expired(ctx.now) {
                    return Err(CredentialsError::with_kind(
                        CredentialsErrorKind::TokenExpired,
                        "the IAM token has expired and its source gave no newer one; get a new token",
                    ));
                }
                if ctx.requires_project_scope && matches!(token.scope, TokenScope::Domain { .. }) {
                    return Err(CredentialsError::with_kind(
                        CredentialsErrorKind::DomainScopedToken,
                        "this service needs a project-scoped IAM token, but the token is domain-scoped; \
                         request the token with a project scope (project id or name, e.g. the region)",
                    ));
                }
                let v = super::iam::secret_header("X-Auth-Token", &token.value)?;
                parts.headers.insert("x-auth-token", v);
                Ok(None)
            }
        }
    }

    /// Drops the cached credentials or token so the next call fetches new ones.
    pub fn invalidate(&self) {
        match &self.kind {
            Kind::AccessKey { cache, .. } => cache.invalidate(),
            Kind::Token { cache } => cache.invalidate(),
        }
    }
}

/// The provider's `Debug` names the source in logs; keep only its type name (no field values at all).
fn short(debug: String) -> String {
    debug
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .next()
        .unwrap_or("provider")
        .to_owned()
}
