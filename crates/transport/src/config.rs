//! Shared SDK configuration: HTTP client, authentication, region/endpoints, retries, timeouts, limits.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderValue;
use hwcloud_auth::clock::{Clock, SystemClock};
use hwcloud_auth::{AuthContext, Authenticator, CredentialsError, SigningOutput};

use crate::Error;
use crate::endpoint::EnvLookup;
use crate::http_client::{HttpClient, ReqwestClient, ReqwestConfig};
use crate::retry::RetryConfig;

/// Applies credentials to a request; implemented by [`Authenticator`]. Plug in your own for custom auth.
#[async_trait::async_trait]
pub trait Authenticate: Send + Sync + fmt::Debug {
    /// Adds the auth headers (and signs) on every attempt, with the skew-corrected time in `ctx`.
    async fn authenticate(
        &self,
        parts: &mut http::request::Parts,
        body: &[u8],
        ctx: &AuthContext,
    ) -> Result<Option<SigningOutput>, CredentialsError>;

    /// Drops cached credentials/tokens because the service said they expired.
    fn invalidate(&self);
}

#[async_trait::async_trait]
impl Authenticate for Authenticator {
    async fn authenticate(
        &self,
        parts: &mut http::request::Parts,
        body: &[u8],
        ctx: &AuthContext,
    ) -> Result<Option<SigningOutput>, CredentialsError> {
        Authenticator::authenticate(self, parts, body, ctx).await
    }

    fn invalidate(&self) {
        Authenticator::invalidate(self);
    }
}

/// Connect, per-attempt and total timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeoutConfig {
    /// Establishing a TCP/TLS connection (default 10 s).
    pub connect: Duration,
    /// One attempt: until the response head arrives and, for buffered responses, the body is read;
    /// for streams, the longest wait for the next chunk (default 60 s).
    pub attempt: Duration,
    /// The whole operation including retries and back-off (default 120 s).
    pub total: Duration,
}

impl TimeoutConfig {
    /// Timeouts with the given values.
    pub fn new(connect: Duration, attempt: Duration, total: Duration) -> Self {
        Self {
            connect,
            attempt,
            total,
        }
    }
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(60),
            total: Duration::from_secs(120),
        }
    }
}

/// Default response body limit: 10 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Configuration shared by every service client. Cloning is cheap (one `Arc`) and shares the connection
/// pool, the credential cache and the learned clock offset.
#[derive(Clone)]
pub struct SdkConfig {
    pub(crate) inner: Arc<ConfigInner>,
}

pub(crate) struct ConfigInner {
    pub(crate) http: Arc<dyn HttpClient>,
    pub(crate) reqwest: Option<ReqwestClient>,
    pub(crate) auth: Arc<dyn Authenticate>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) service_endpoints: HashMap<String, String>,
    pub(crate) env: EnvLookup,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) user_agent: HeaderValue,
    pub(crate) body_limit: usize,
    pub(crate) clock: Arc<dyn Clock>,
    /// Server time minus local time, in milliseconds, learned from a clock-skew refusal.
    pub(crate) clock_offset_ms: AtomicI64,
}

impl SdkConfig {
    /// A builder with the defaults.
    pub fn builder() -> SdkConfigBuilder {
        SdkConfigBuilder::default()
    }

    /// The region, if set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The timeouts.
    pub fn timeouts(&self) -> TimeoutConfig {
        self.inner.timeouts
    }

    /// The retry configuration.
    pub fn retry(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The response body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        self.inner.user_agent.to_str().unwrap_or("hwcloud-rust")
    }

    /// The environment lookup (for endpoint variables).
    pub fn env(&self) -> &EnvLookup {
        &self.inner.env
    }

    /// The built-in reqwest client (sharing the pool), usable as `hwcloud_auth::http_client::HttpClient`;
    /// `None` when a custom [`HttpClient`] was plugged in.
    pub fn reqwest_client(&self) -> Option<&ReqwestClient> {
        self.inner.reqwest.as_ref()
    }

    /// The explicit endpoint for `service` (per-service override, else the global one).
    pub fn endpoint_override(&self, service: &str) -> Option<&str> {
        self.inner
            .service_endpoints
            .get(service)
            .or(self.inner.endpoint.as_ref())
            .map(String::as_str)
    }

    /// The clock offset learned from the gateway (server minus local time).
    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// Local time corrected by the learned offset: the signing time.
    pub(crate) fn now(&self) -> SystemTime {
        let now = self.inner.clock.now();
        let offset = self.inner.clock_offset_ms.load(Ordering::Relaxed);
        if offset >= 0 {
            now + Duration::from_millis(offset.unsigned_abs())
        } else {
            now.checked_sub(Duration::from_millis(offset.unsigned_abs()))
                .unwrap_or(now)
        }
    }
}

impl fmt::Debug for SdkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("SdkConfig")
            .field("http", &i.http)
            .field("auth", &i.auth)
            .field("region", &i.region)
            .field("endpoint", &i.endpoint)
            .field("service_endpoints", &i.service_endpoints)
            .field("retry", &i.retry)
            .field("timeouts", &i.timeouts)
            .field("user_agent", &i.user_agent)
            .field("body_limit", &i.body_limit)
            .finish_non_exhaustive()
    }
}

/// Builds an [`SdkConfig`].
#[derive(Default)]
pub struct SdkConfigBuilder {
    http: Option<Arc<dyn HttpClient>>,
    reqwest: Option<ReqwestClient>,
    reqwest_config: ReqwestConfig,
    auth: Option<Arc<dyn Authenticate>>,
    region: Option<String>,
    endpoint: Option<String>,
    service_endpoints: HashMap<String, String>,
    env: Option<EnvLookup>,
    retry: Option<RetryConfig>,
    timeouts: TimeoutConfig,
    app_name: Option<String>,
    body_limit: Option<usize>,
    clock: Option<Arc<dyn Clock>>,
}

impl fmt::Debug for SdkConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SdkConfigBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl SdkConfigBuilder {
    /// Authenticates with `authenticator` (AK/SK signing or IAM token). Required.
    pub fn authenticator(mut self, authenticator: Authenticator) -> Self {
        self.auth = Some(Arc::new(authenticator));
        self
    }

    /// Authenticates with a custom implementation.
    pub fn authenticate_with(mut self, auth: Arc<dyn Authenticate>) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The region, e.g. `cn-north-4` (selects endpoints; also the project for discovery).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// One endpoint for every service (e.g. the emulator's `http://127.0.0.1:PORT`). Wins over the tables.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The endpoint of one service, by [`crate::ServiceInfo::name`] (e.g. `CodeArtsBuild`). Wins over [`Self::endpoint`].
    pub fn service_endpoint(
        mut self,
        service: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Self {
        self.service_endpoints
            .insert(service.into(), endpoint.into());
        self
    }

    /// Where `HUAWEICLOUD_SDK_REGION_*` variables are read (default: the process environment).
    pub fn env(mut self, env: EnvLookup) -> Self {
        self.env = Some(env);
        self
    }

    /// Retry behaviour (default [`RetryConfig::standard`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// All timeouts.
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.timeouts.connect = d;
        self
    }

    /// Per-attempt timeout (default 60 s).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.timeouts.attempt = d;
        self
    }

    /// Whole-operation timeout, retries included (default 120 s).
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.timeouts.total = d;
        self
    }

    /// Appends `app` to the `User-Agent`: `hwcloud-rust/0.1.0 myapp/1.2`.
    pub fn app_name(mut self, app: impl Into<String>) -> Self {
        self.app_name = Some(app.into());
        self
    }

    /// Response body limit for buffered responses (default 10 MiB; streams are not limited).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// Plugs in a custom HTTP client (then proxy/CA settings of this builder are not used).
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.http = Some(client);
        self
    }

    /// Uses this reqwest client (e.g. the one already given to credential providers, to share one pool).
    pub fn reqwest_client(mut self, client: ReqwestClient) -> Self {
        self.reqwest = Some(client);
        self
    }

    /// An explicit proxy for every scheme; default: system/env proxies (`HTTPS_PROXY`, `NO_PROXY`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.reqwest_config.proxy = Some(url.into());
        self
    }

    /// Hosts that bypass the explicit proxy (`NO_PROXY` syntax); default: `NO_PROXY` from the environment.
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.reqwest_config.no_proxy = Some(list.into());
        self
    }

    /// Disables every proxy, including the environment's.
    pub fn disable_proxy(mut self) -> Self {
        self.reqwest_config.disable_proxy = true;
        self
    }

    /// Trusts extra root certificates (PEM; a bundle is fine).
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.reqwest_config.root_certificates_pem.push(pem.into());
        self
    }

    /// The clock used for signing times (tests inject one).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the configuration; creates the reqwest client (one pool) unless one was plugged in.
    pub fn build(self) -> Result<SdkConfig, Error> {
        let auth = self.auth.ok_or_else(|| {
            Error::invalid_input(
                "authenticator",
                "no authenticator configured (AK/SK or token)",
            )
        })?;
        if self.timeouts.attempt.is_zero()
            || self.timeouts.total.is_zero()
            || self.timeouts.connect.is_zero()
        {
            return Err(Error::invalid_input(
                "timeouts",
                "timeouts must be greater than zero",
            ));
        }
        let mut ua = format!("hwcloud-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(app) = self
            .app_name
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            if app.chars().any(|c| !c.is_ascii_graphic() && c != ' ') {
                return Err(Error::invalid_input(
                    "app_name",
                    "only printable ASCII is allowed in the User-Agent",
                ));
            }
            ua.push(' ');
            ua.push_str(app);
        }
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::invalid_input("app_name", "not a valid header value"))?;
        let (http, reqwest): (Arc<dyn HttpClient>, Option<ReqwestClient>) =
            match (self.http, self.reqwest) {
                (Some(http), reqwest) => (http, reqwest),
                (None, Some(r)) => (Arc::new(r.clone()), Some(r)),
                (None, None) => {
                    let r = ReqwestClient::new(&self.reqwest_config.with_timeouts(&self.timeouts))?;
                    (Arc::new(r.clone()), Some(r))
                }
            };
        Ok(SdkConfig {
            inner: Arc::new(ConfigInner {
                http,
                reqwest,
                auth,
                region: self
                    .region
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty()),
                endpoint: self.endpoint,
                service_endpoints: self.service_endpoints,
                env: self.env.unwrap_or_default(),
                retry: self.retry.unwrap_or_default(),
                timeouts: self.timeouts,
                user_agent,
                body_limit: self.body_limit.unwrap_or(DEFAULT_BODY_LIMIT),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                clock_offset_ms: AtomicI64::new(0),
            }),
        })
    }
}
