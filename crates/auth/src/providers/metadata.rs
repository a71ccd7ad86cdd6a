//! Temporary AK/SK of the agency attached to an ECS, from the metadata service (iam.md §4).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::clock::{Clock, SystemClock};
use super::http_client::{HttpClient, HttpErrorKind};
use super::temporary::parse_credential;
use super::{CredentialsError, ProvideAccessKey};
use crate::{AccessKeyCredentials, SecretString};

/// The metadata service of an ECS.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";
const TIMEOUT: Duration = Duration::from_secs(3);
const TOKEN_TTL_SECONDS: &str = "21600";
const TOKEN_RETRY: Duration = Duration::from_secs(24 * 3600);
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";
const SOURCE: &str = "ECS metadata";

#[derive(Default)]
struct Session {
    token: Option<SecretString>,
    last_attempt: Option<SystemTime>,
}

/// Temporary AK/SK from the ECS metadata service (`/openstack/latest/securitykey`), with the
/// IMDSv2-style session token (`PUT /meta-data/latest/api/token`). 3 s timeouts.
///
/// Connection failures are reported as [`NotConfigured`](super::CredentialsErrorKind::NotConfigured) (not on an ECS), so a
/// chain moves past it and lists it.
pub struct EcsMetadataProvider {
    http: Arc<dyn HttpClient>,
    endpoint: String,
    clock: Arc<dyn Clock>,
    session: Mutex<Session>,
}

impl std::fmt::Debug for EcsMetadataProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcsMetadataProvider")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl EcsMetadataProvider {
    /// The provider for `http://169.254.169.254`.
    pub fn new(http: Arc<dyn HttpClient>) -> Self {
        Self {
            http,
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            clock: Arc::new(SystemClock),
            session: Mutex::new(Session::default()),
        }
    }

    /// Another metadata base URL (tests point it at loopback).
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_owned();
        self
    }

    /// The clock deciding when a failed session-token attempt is retried (after 24 h).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn http_error(&self, what: &str, e: &super::http_client::HttpError) -> CredentialsError {
        if matches!(
            e.kind,
            HttpErrorKind::Connect | HttpErrorKind::ConnectTimeout | HttpErrorKind::Timeout
        ) {
            CredentialsError::not_configured(
                SOURCE,
                format!("metadata service {} unreachable: {e}", self.endpoint),
            )
        } else {
            CredentialsError::http(what, e)
        }
    }

    /// Fetches a session token: 200 → the token; 404/405/503 → none (older metadata services).
    async fn fetch_session_token(&self) -> Result<Option<SecretString>, CredentialsError> {
        let what = "ECS metadata session token";
        self.session().last_attempt = Some(self.clock.now());
        let request = http::Request::put(format!("{}/meta-data/latest/api/token", self.endpoint))
            .header("x-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)
            .body(Vec::new())
            .map_err(|e| CredentialsError::invalid_input("metadata endpoint", e))?;
        let response = self
            .http
            .send(request, TIMEOUT)
            .await
            .map_err(|e| self.http_error(what, &e))?;
        match response.status().as_u16() {
            200 => {
                let raw = zeroize::Zeroizing::new(response.into_body());
                let text = std::str::from_utf8(&raw)
                    .map_err(|_| CredentialsError::invalid_response(what, "token is not UTF-8"))?;
                let token = SecretString::new(text.trim());
                self.session().token = Some(token.clone());
                Ok(Some(token))
            }
            404 | 405 | 503 => Ok(None),
            _ => Err(CredentialsError::iam_refused(
                what,
                response.status(),
                response.body(),
                None,
            )),
        }
    }

    async fn get_security_key(
        &self,
        token: Option<&SecretString>,
    ) -> Result<http::Response<Vec<u8>>, CredentialsError> {
        let mut request =
            http::Request::get(format!("{}/openstack/latest/securitykey", self.endpoint))
                .body(Vec::new())
                .map_err(|e| CredentialsError::invalid_input("metadata endpoint", e))?;
        if let Some(t) = token {
            request.headers_mut().insert(
                "x-metadata-token",
                super::iam::secret_header("X-Metadata-Token", t)?,
            );
        }
        self.http
            .send(request, TIMEOUT)
            .await
            .map_err(|e| self.http_error("ECS metadata security key", &e))
    }
}

#[async_trait::async_trait]
impl ProvideAccessKey for EcsMetadataProvider {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        let what = "ECS metadata security key";
        let (held, should_try) = {
            let s = self.session();
            let now = self.clock.now();
            let stale = s
                .last_attempt
                .is_none_or(|t| now.duration_since(t).unwrap_or(Duration::ZERO) > TOKEN_RETRY);
            (s.token.clone(), s.token.is_none() && stale)
        };
        let token = if should_try {
            self.fetch_session_token().await?
        } else {
            held
        };
        let mut response = self.get_security_key(token.as_ref()).await?;
        if response.status() == http::StatusCode::UNAUTHORIZED
            && !String::from_utf8_lossy(response.body()).contains(NO_AGENCY)
        {
            // The session token may have expired: refresh once (errors are now fatal), retry once.
            self.session().token = None;
            let fresh = self.fetch_session_token().await?;
            response = self.get_security_key(fresh.as_ref()).await?;
        }
        if response.status() == http::StatusCode::UNAUTHORIZED
            && String::from_utf8_lossy(response.body()).contains(NO_AGENCY)
        {
            return Err(CredentialsError::not_configured(
                SOURCE,
                "this ECS has no agency attached (metadata: \"Please configure Cloud Service Agency first\")",
            ));
        }
        if !response.status().is_success() {
            let e = CredentialsError::iam_refused(what, response.status(), response.body(), None);
            return Err(e);
        }
        let body = zeroize::Zeroizing::new(response.into_body());
        parse_credential(&body, what, &["credential", "credentials"])
    }
}
