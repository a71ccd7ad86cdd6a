//! IAM tokens and where they come from: password, password + TOTP, agency (assume_role), static.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::json;

use super::http_client::HttpClient;
use super::iam::{self, GLOBAL_IAM_ENDPOINT, IAM_TIMEOUT};
use super::time::parse_iam_time;
use super::{CredentialsError, ProvideToken};
use crate::SecretString;

/// An IAM token (`X-Subject-Token`) and what it is valid for. `Debug` never shows the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamToken {
    /// The token, sent as `X-Auth-Token`.
    pub value: SecretString,
    /// `token.expires_at`; `None` for a caller-supplied token of unknown lifetime.
    pub expires_at: Option<SystemTime>,
    /// What the token is scoped to.
    pub scope: TokenScope,
}

impl IamToken {
    /// A token of unknown scope and lifetime (e.g. handed over by another tool).
    pub fn new(value: impl Into<SecretString>) -> Self {
        Self {
            value: value.into(),
            expires_at: None,
            scope: TokenScope::Unknown,
        }
    }

    /// Records when the token expires.
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Records the token's scope.
    pub fn with_scope(mut self, scope: TokenScope) -> Self {
        self.scope = scope;
        self
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|x| now >= x)
    }
}

/// A caller-supplied token is its own (static) source.
#[async_trait::async_trait]
impl ProvideToken for IamToken {
    async fn token(&self) -> Result<IamToken, CredentialsError> {
        Ok(self.clone())
    }
}

/// The scope of an IAM token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenScope {
    /// Project-scoped (regional services such as CodeArts Build).
    Project {
        /// Project id, when known.
        id: Option<String>,
        /// Project name (the region id for a region's default project), when known.
        name: Option<String>,
    },
    /// Domain-scoped (global services). Refused by project-scoped services.
    Domain {
        /// Domain id, when known.
        id: Option<String>,
        /// Domain name, when known.
        name: Option<String>,
    },
    /// Unknown (a caller-supplied static token).
    Unknown,
}

/// What scope to ask IAM for (`auth.scope`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeRequest {
    /// A project by id.
    ProjectId(String),
    /// A project by name; a region's default project is named after the region, e.g. `cn-north-4`.
    ProjectName(String),
    /// The account (domain) by id: a global token.
    DomainId(String),
    /// The account (domain) by name: a global token.
    DomainName(String),
}

impl ScopeRequest {
    fn to_json(&self) -> Result<serde_json::Value, CredentialsError> {
        let (kind, key, v) = match self {
            Self::ProjectId(v) => ("project", "id", v),
            Self::ProjectName(v) => ("project", "name", v),
            Self::DomainId(v) => ("domain", "id", v),
            Self::DomainName(v) => ("domain", "name", v),
        };
        if v.trim().is_empty() {
            return Err(CredentialsError::invalid_input(
                "token scope",
                format!("the {kind} {key} is empty"),
            ));
        }
        Ok(json!({ kind: { key: v } }))
    }
}

/// Calls `POST {iam}/v3/auth/tokens?nocatalog=true` and reads the token from `X-Subject-Token`.
async fn request_token(
    http: &dyn HttpClient,
    endpoint: &str,
    body: serde_json::Value,
    auth_token: Option<&SecretString>,
    what: &str,
) -> Result<IamToken, CredentialsError> {
    let url = format!("{endpoint}/v3/auth/tokens?nocatalog=true");
    let mut request = iam::json_post(&url, body)?;
    if let Some(t) = auth_token {
        request
            .headers_mut()
            .insert("x-auth-token", iam::secret_header("X-Auth-Token", t)?);
    }
    let response = iam::send(http, request, IAM_TIMEOUT, what).await?;
    parse_token_response(&response, what)
}

/// Reads a `POST /v3/auth/tokens` response: header `X-Subject-Token`, body `token.expires_at`, scope.
pub(crate) fn parse_token_response(
    response: &http::Response<Vec<u8>>,
    what: &str,
) -> Result<IamToken, CredentialsError> {
    let value = response
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CredentialsError::invalid_response(what, "no X-Subject-Token header"))?;
    let body: serde_json::Value = serde_json::from_slice(response.body())
        .map_err(|e| CredentialsError::invalid_response(what, format!("body is not JSON: {e}")))?;
    let token = body
        .get("token")
        .ok_or_else(|| CredentialsError::invalid_response(what, "no `token` object in the body"))?;
    let expires = token
        .get("expires_at")
        .and_then(|v| v.as_str())
        .ok_or_else(|| CredentialsError::invalid_response(what, "no token.expires_at"))?;
    let expires_at = parse_iam_time(expires).ok_or_else(|| {
        CredentialsError::invalid_response(
            what,
            format!("token.expires_at {expires:?} is not YYYY-MM-DDTHH:MM:SS[.ffffff]Z"),
        )
    })?;
    let field =
        |obj: &serde_json::Value, k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let scope = if let Some(p) = token.get("project").filter(|p| p.is_object()) {
        TokenScope::Project {
            id: field(p, "id"),
            name: field(p, "name"),
        }
    } else if let Some(d) = token.get("domain").filter(|d| d.is_object()) {
        TokenScope::Domain {
            id: field(d, "id"),
            name: field(d, "name"),
        }
    } else {
        TokenScope::Unknown
    };
    Ok(IamToken {
        value: SecretString::new(value),
        expires_at: Some(expires_at),
        scope,
    })
}

/// A source of one-time passcodes (virtual MFA).
pub(crate) type Passcode = Arc<dyn Fn() -> Result<SecretString, CredentialsError> + Send + Sync>;

/// Tokens from an IAM user's password (optionally with a virtual-MFA TOTP passcode).
///
/// ```
/// # use std::sync::Arc;
/// use hwcloud_auth::{PasswordTokenProvider, ScopeRequest, SecretString};
/// # fn f(http: Arc<dyn hwcloud_auth::http_client::HttpClient>) {
/// let provider = PasswordTokenProvider::new(http, "my-account", "alice", "p@ss",
///         ScopeRequest::ProjectName("cn-north-4".into()))
///     .with_totp("user-id-of-alice", || Ok(SecretString::new("123456")));
/// let auth = hwcloud_auth::Authenticator::token(provider);
/// # }
/// ```
#[derive(Clone)]
pub struct PasswordTokenProvider {
    http: Arc<dyn HttpClient>,
    endpoint: String,
    domain_name: String,
    user_name: String,
    password: SecretString,
    scope: ScopeRequest,
    totp: Option<(String, Passcode)>,
}

impl fmt::Debug for PasswordTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordTokenProvider")
            .field("endpoint", &self.endpoint)
            .field("domain_name", &self.domain_name)
            .field("user_name", &self.user_name)
            .field("password", &self.password)
            .field("scope", &self.scope)
            .field("totp_user_id", &self.totp.as_ref().map(|t| &t.0))
            .finish()
    }
}

impl PasswordTokenProvider {
    /// User `user_name` of account `domain_name`, asking for `scope`. Uses the global IAM endpoint.
    pub fn new(
        http: Arc<dyn HttpClient>,
        domain_name: impl Into<String>,
        user_name: impl Into<String>,
        password: impl Into<SecretString>,
        scope: ScopeRequest,
    ) -> Self {
        Self {
            http,
            endpoint: GLOBAL_IAM_ENDPOINT.to_owned(),
            domain_name: domain_name.into(),
            user_name: user_name.into(),
            password: password.into(),
            scope,
            totp: None,
        }
    }

    /// Another IAM endpoint (regional, or a local emulator).
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// Adds virtual-MFA: `passcode` is called for every token request (codes expire after 30 s), and must
    /// return the current 6-digit code. `user_id` is the IAM user's id (IAM wants the id, not the name).
    pub fn with_totp(
        mut self,
        user_id: impl Into<String>,
        passcode: impl Fn() -> Result<SecretString, CredentialsError> + Send + Sync + 'static,
    ) -> Self {
        self.totp = Some((user_id.into(), Arc::new(passcode)));
        self
    }

    fn body(&self) -> Result<serde_json::Value, CredentialsError> {
        for (field, v) in [
            ("domain name", &self.domain_name),
            ("user name", &self.user_name),
        ] {
            if v.trim().is_empty() {
                return Err(CredentialsError::invalid_input(field, "is empty"));
            }
        }
        if self.password.is_empty() {
            return Err(CredentialsError::invalid_input("password", "is empty"));
        }
        let password = json!({"user": {
            "domain": {"name": self.domain_name},
            "name": self.user_name,
            "password": self.password.expose(),
        }});
        let identity = match &self.totp {
            None => json!({"methods": ["password"], "password": password}),
            Some((user_id, passcode)) => {
                if user_id.trim().is_empty() {
                    return Err(CredentialsError::invalid_input("TOTP user id", "is empty"));
                }
                let code = passcode()?;
                let c = code.expose();
                if c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(CredentialsError::invalid_input(
                        "TOTP passcode",
                        "must be 6 digits",
                    ));
                }
                json!({"methods": ["password", "totp"], "password": password,
                       "totp": {"user": {"id": user_id, "passcode": c}}})
            }
        };
        Ok(json!({"auth": {"identity": identity, "scope": self.scope.to_json()?}}))
    }
}

#[async_trait::async_trait]
impl ProvideToken for PasswordTokenProvider {
    async fn token(&self) -> Result<IamToken, CredentialsError> {
        let endpoint = iam::normalize_endpoint("IAM endpoint", &self.endpoint)?;
        let body = self.body()?;
        let what = format!(
            "IAM token for user {:?} of account {:?}{}",
            self.user_name,
            self.domain_name,
            if self.totp.is_some() {
                " (password + TOTP)"
            } else {
                " (password)"
            }
        );
        request_token(self.http.as_ref(), &endpoint, body, None, &what).await
    }
}

/// The delegating account of an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AgencyDomain {
    /// Account name.
    Name(String),
    /// Account id.
    Id(String),
}

/// Tokens for an agency (`assume_role`): a user of account B acts in account A.
#[derive(Debug)]
pub struct AgencyTokenProvider {
    http: Arc<dyn HttpClient>,
    endpoint: String,
    base: Box<dyn ProvideToken>,
    domain: AgencyDomain,
    agency_name: String,
    scope: ScopeRequest,
}

impl AgencyTokenProvider {
    /// Assumes agency `agency_name` of `domain`, authenticated with tokens from `base` (user B, who needs
    /// the "Agent Operator" role), asking for `scope` (a project of account A).
    pub fn new(
        http: Arc<dyn HttpClient>,
        base: impl ProvideToken + 'static,
        domain: AgencyDomain,
        agency_name: impl Into<String>,
        scope: ScopeRequest,
    ) -> Self {
        Self {
            http,
            endpoint: GLOBAL_IAM_ENDPOINT.to_owned(),
            base: Box::new(base),
            domain,
            agency_name: agency_name.into(),
            scope,
        }
    }

    /// Another IAM endpoint.
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }
}

#[async_trait::async_trait]
impl ProvideToken for AgencyTokenProvider {
    async fn token(&self) -> Result<IamToken, CredentialsError> {
        let endpoint = iam::normalize_endpoint("IAM endpoint", &self.endpoint)?;
        if self.agency_name.trim().is_empty() {
            return Err(CredentialsError::invalid_input("agency name", "is empty"));
        }
        let (key, value) = match &self.domain {
            AgencyDomain::Name(n) => ("domain_name", n),
            AgencyDomain::Id(i) => ("domain_id", i),
        };
        if value.trim().is_empty() {
            return Err(CredentialsError::invalid_input(
                "agency domain",
                format!("{key} is empty"),
            ));
        }
        let body = json!({"auth": {
            "identity": {"methods": ["assume_role"],
                         "assume_role": {key: value, "agency_name": self.agency_name}},
            "scope": self.scope.to_json()?}});
        let base = self.base.token().await?;
        let what = format!(
            "IAM agency token for agency {:?} of {value:?}",
            self.agency_name
        );
        request_token(
            self.http.as_ref(),
            &endpoint,
            body,
            Some(&base.value),
            &what,
        )
        .await
    }
}
