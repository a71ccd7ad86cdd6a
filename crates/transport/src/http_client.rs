//! The HTTP client the SDK sends through: a trait (plug in your own) and the reqwest implementation.

use std::fmt;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use crate::TimeoutConfig;
pub use hwcloud_auth::http_client::{HttpError, HttpErrorKind};

/// Per-request options handed to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendOptions {
    /// Connect timeout (clients that cannot set it per request use their own, configured at build).
    pub connect_timeout: Duration,
    /// Time allowed until the response head arrives. The transport also enforces it with `tokio::time`.
    pub attempt_timeout: Duration,
}

impl SendOptions {
    /// Options with the given timeouts.
    pub fn new(connect_timeout: Duration, attempt_timeout: Duration) -> Self {
        Self {
            connect_timeout,
            attempt_timeout,
        }
    }
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, HttpError>> + Send>>;

/// A response body, read in chunks (never buffered by the client itself).
pub struct Body {
    inner: BodyInner,
}

enum BodyInner {
    Full(Option<Bytes>),
    // The Mutex only makes the body `Sync`; it is reached through `&mut` (`get_mut`), never locked.
    Stream(Mutex<ChunkStream>),
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Self {
            inner: BodyInner::Full(None),
        }
    }

    /// A body of known bytes.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            inner: BodyInner::Full((!bytes.is_empty()).then_some(bytes)),
        }
    }

    /// A body read from a stream of chunks.
    pub fn from_stream(
        stream: impl Stream<Item = Result<Bytes, HttpError>> + Send + 'static,
    ) -> Self {
        Self {
            inner: BodyInner::Stream(Mutex::new(Box::pin(stream))),
        }
    }

    /// The next chunk, `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, HttpError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for Body {
    type Item = Result<Bytes, HttpError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().inner {
            BodyInner::Full(bytes) => Poll::Ready(bytes.take().map(Ok)),
            BodyInner::Stream(stream) => {
                let stream = stream.get_mut().unwrap_or_else(|p| p.into_inner());
                stream.as_mut().poll_next(cx)
            }
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Self {
        Self::from_bytes(v)
    }
}

impl From<Bytes> for Body {
    fn from(v: Bytes) -> Self {
        Self::from_bytes(v)
    }
}

impl From<&'static str> for Body {
    fn from(v: &'static str) -> Self {
        Self::from_bytes(Bytes::from_static(v.as_bytes()))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            BodyInner::Full(b) => write!(f, "Body({} bytes)", b.as_ref().map_or(0, Bytes::len)),
            BodyInner::Stream(_) => f.write_str("Body(stream)"),
        }
    }
}

/// Sends the SDK's requests. Implement it to use your own HTTP stack; the transport adds retries,
/// timeouts (with `tokio::time`), auth and error parsing around it.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait::async_trait]
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends one request and returns the response head with a streaming body. No retries.
    /// Report [`HttpErrorKind::Connect`] or [`HttpErrorKind::ConnectTimeout`] only when the request certainly
    /// never reached the server.
    async fn send(
        &self,
        request: http::Request<Bytes>,
        options: SendOptions,
    ) -> Result<http::Response<Body>, HttpError>;
}

/// Settings of [`ReqwestClient`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ReqwestConfig {
    /// Connect timeout (default: [`TimeoutConfig`]'s, 10 s).
    pub connect_timeout: Option<Duration>,
    /// Explicit proxy URL for every scheme (`http://user:pass@proxy:3128`); default: the system/env proxies.
    pub proxy: Option<String>,
    /// Hosts that bypass the explicit proxy, `NO_PROXY` syntax (`localhost,.internal,10.0.0.0/8`).
    pub no_proxy: Option<String>,
    /// Ignore every proxy, including `HTTPS_PROXY`/`HTTP_PROXY` from the environment.
    pub disable_proxy: bool,
    /// Extra trusted root certificates, PEM (one or more per entry).
    pub root_certificates_pem: Vec<Vec<u8>>,
}

impl ReqwestConfig {
    /// These settings with the connect timeout of `timeouts`: the client enforces the connect
    /// timeout itself, so every client made for an [`SdkConfig`](crate::SdkConfig) is made this way.
    pub fn with_timeouts(mut self, timeouts: &TimeoutConfig) -> Self {
        self.connect_timeout = Some(timeouts.connect);
        self
    }
}

/// The default [`HttpClient`]: reqwest with one shared connection pool, rustls (or native-tls with the
/// `native-tls` feature), system/env proxies, no redirects, no automatic decompression.
/// Clone it freely: clones share the pool. It also implements `hwcloud_auth::http_client::HttpClient`,
/// so IAM and metadata calls use the same pool.
#[derive(Clone, Debug)]
pub struct ReqwestClient {
    client: reqwest::Client,
}

impl ReqwestClient {
    /// Builds a client from `config`.
    pub fn new(config: &ReqwestConfig) -> Result<Self, crate::Error> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(
                config
                    .connect_timeout
                    .unwrap_or(TimeoutConfig::default().connect),
            )
            // Signed requests must not be replayed to another host, and a redirect target is not signed for.
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60));
        #[cfg(feature = "native-tls")]
        {
            builder = builder.tls_backend_native();
        }
        if config.disable_proxy {
            builder = builder.no_proxy();
        } else if let Some(url) = &config.proxy {
            let proxy = reqwest::Proxy::all(url.as_str()).map_err(|e| {
                crate::Error::Config(format!("invalid proxy URL: {}", redact_url(url, e)))
            })?;
            let no_proxy = config
                .no_proxy
                .as_deref()
                .and_then(reqwest::NoProxy::from_string)
                .or_else(reqwest::NoProxy::from_env);
            builder = builder.proxy(proxy.no_proxy(no_proxy));
        }
        for pem in &config.root_certificates_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| crate::Error::Config(format!("invalid PEM root certificate: {e}")))?;
            if certs.is_empty() {
                return Err(crate::Error::Config(
                    "invalid PEM root certificate: no certificate found".to_owned(),
                ));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let client = builder
            .build()
            .map_err(|e| crate::Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { client })
    }

    /// Wraps an existing reqwest client (its own proxy/TLS/pool settings apply).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }

    async fn execute(
        &self,
        request: http::Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, HttpError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let mut builder = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body);
        if let Some(t) = timeout {
            builder = builder.timeout(t);
        }
        builder.send().await.map_err(map_reqwest_error)
    }
}

/// The proxy URL without user info, for error messages.
fn redact_url(url: &str, e: reqwest::Error) -> String {
    let shown = match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://<redacted>@{host}"),
            None => url.to_owned(),
        },
        None => "<unparsable>".to_owned(),
    };
    format!("{shown}: {}", e.without_url())
}

fn map_reqwest_error(e: reqwest::Error) -> HttpError {
    let kind = match (e.is_connect(), e.is_timeout()) {
        (true, true) => HttpErrorKind::ConnectTimeout,
        (true, false) => HttpErrorKind::Connect,
        (false, true) => HttpErrorKind::Timeout,
        (false, false) => HttpErrorKind::Other,
    };
    // Full source chain, but never the URL (its query could carry a presigned value).
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    HttpError::new(kind, message)
}

fn into_http_response(response: reqwest::Response) -> http::Response<reqwest::Response> {
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version());
    if let Some(headers) = builder.headers_mut() {
        *headers = response.headers().clone();
    }
    // Status and headers come from a valid response, so building cannot fail; fall back defensively.
    match builder.body(()) {
        Ok(r) => r.map(|()| response),
        Err(_) => http::Response::new(response),
    }
}

#[async_trait::async_trait]
impl HttpClient for ReqwestClient {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        _options: SendOptions,
    ) -> Result<http::Response<Body>, HttpError> {
        let response = self.execute(request, None).await?;
        Ok(into_http_response(response).map(|r| {
            Body::from_stream(futures_util::stream::unfold(Some(r), |state| async move {
                let mut r = state?;
                match r.chunk().await {
                    Ok(Some(b)) => Some((Ok(b), Some(r))),
                    Ok(None) => None,
                    // Stop after an error: the connection is unusable.
                    Err(e) => Some((Err(map_reqwest_error(e)), None)),
                }
            }))
        }))
    }
}

#[async_trait::async_trait]
impl hwcloud_auth::http_client::HttpClient for ReqwestClient {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, HttpError> {
        let request = request.map(Bytes::from);
        let response = self.execute(request, Some(timeout)).await?;
        let response = into_http_response(response);
        let (parts, body) = response.into_parts();
        let bytes = body.bytes().await.map_err(map_reqwest_error)?;
        Ok(http::Response::from_parts(parts, bytes.to_vec()))
    }
}
