//! The request pipeline: build → authenticate (fresh per attempt) → send → classify → retry → decode.

use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE, RETRY_AFTER, USER_AGENT};
use http::{HeaderValue, Uri};
use hwcloud_auth::{AuthContext, redact_secret_headers};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::{Instrument, field};

use crate::Error;
use crate::config::SdkConfig;
use crate::decode::decode_json;
use crate::endpoint::{ServiceInfo, resolve_endpoint};
use crate::error::{
    BodyTooLargeError, ConnectionError, ServiceError, TimeoutError, TimeoutKind, header_str,
};
use crate::http_client::{Body, HttpError, HttpErrorKind, SendOptions};
use crate::request::{OperationSpec, RequestInput, build_path_and_query, parse_header};
use crate::retry::{FailureClass, RetryContext, RetryDecision, parse_retry_after};

/// A client for one service. `Clone` is cheap and shares everything.
#[derive(Clone, Debug)]
pub struct ServiceClient {
    config: SdkConfig,
    service: &'static ServiceInfo,
    endpoint: String,
}

/// Why one attempt failed.
enum AttemptFailure {
    Http(HttpError),
    AttemptTimeout,
    /// A refusal, its `Retry-After` delay and the response `Date` (to learn a clock offset from).
    Status(Box<ServiceError>, Option<Duration>, Option<SystemTime>),
    /// Not retryable whatever the policy (body too large, ...).
    Fatal(Error),
}

impl ServiceClient {
    /// A client for `service`; the endpoint is resolved now: explicit > `HUAWEICLOUD_SDK_REGION_*` > table.
    pub fn new(config: &SdkConfig, service: &'static ServiceInfo) -> Result<Self, Error> {
        let endpoint = resolve_endpoint(
            service,
            config.region(),
            config.endpoint_override(service.name),
            config.env(),
        )?;
        Ok(Self {
            config: config.clone(),
            service,
            endpoint,
        })
    }

    /// The resolved endpoint, e.g. `https://cloudbuild-ext.cn-north-4.myhuaweicloud.com`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The service.
    pub fn service(&self) -> &'static ServiceInfo {
        self.service
    }

    /// The shared configuration.
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// Sends the operation and decodes the JSON answer into `T`. A 200 `{"status":"fail","error":…}` envelope
    /// is a service error.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        input: RequestInput,
    ) -> Result<T, Error> {
        let (head, bytes) = self.send_buffered(op, input).await?;
        if let Some(e) = self.envelope_failure(op, &head, &bytes) {
            return Err(e.into());
        }
        decode_json(self.service.name, op.name, &head, &bytes)
    }

    /// Sends the operation and discards the (bounded) answer body.
    pub async fn send_empty(&self, op: &OperationSpec, input: RequestInput) -> Result<(), Error> {
        let (head, bytes) = self.send_buffered(op, input).await?;
        if let Some(e) = self.envelope_failure(op, &head, &bytes) {
            return Err(e.into());
        }
        Ok(())
    }

    /// Sends the operation and returns the body as a stream (not buffered, no size limit; each chunk must
    /// arrive within the attempt timeout). Retries happen only before the body starts.
    pub async fn send_stream(
        &self,
        op: &OperationSpec,
        input: RequestInput,
    ) -> Result<ByteStream, Error> {
        let (_, body) = self.run(op, input, false).await?;
        Ok(ByteStream::new(
            body.into_body(),
            self.service.name,
            op.name,
            self.config.inner.timeouts.attempt,
        ))
    }

    /// Sends the operation and returns the raw successful response, body buffered (bounded).
    pub async fn send_raw(
        &self,
        op: &OperationSpec,
        input: RequestInput,
    ) -> Result<http::Response<Bytes>, Error> {
        let (head, bytes) = self.send_buffered(op, input).await?;
        Ok(http::Response::from_parts(head, bytes))
    }

    async fn send_buffered(
        &self,
        op: &OperationSpec,
        input: RequestInput,
    ) -> Result<(http::response::Parts, Bytes), Error> {
        let (head, body) = self.run(op, input, true).await?;
        match body {
            Buffered::Bytes(b) => Ok((head, b)),
            // `run(.., true)` always buffers; an empty body is the only sensible fallback.
            Buffered::Stream(_) => Ok((head, Bytes::new())),
        }
    }

    fn envelope_failure(
        &self,
        op: &OperationSpec,
        head: &http::response::Parts,
        bytes: &[u8],
    ) -> Option<ServiceError> {
        if !bytes.starts_with(b"{") || !is_fail_envelope(bytes) {
            return None;
        }
        Some(ServiceError::parse(
            self.service.name,
            op.name,
            head.status,
            &head.headers,
            bytes,
        ))
    }

    async fn run(
        &self,
        op: &OperationSpec,
        input: RequestInput,
        buffer: bool,
    ) -> Result<(http::response::Parts, Buffered), Error> {
        let span = tracing::debug_span!(
            "hwcloud.request",
            service = self.service.name,
            operation = op.name,
            method = %op.method,
            attempt = field::Empty,
            status = field::Empty,
            request_id = field::Empty,
            latency_ms = field::Empty,
        );
        let total = self.config.inner.timeouts.total;
        let started = Instant::now();
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let fut = self.run_attempts(op, &input, buffer, started, &attempts);
        let result = match tokio::time::timeout(total, fut)
            .instrument(span.clone())
            .await
        {
            Ok(r) => r,
            Err(_) => {
                Err(self.timeout_error(op, TimeoutKind::Total, attempts.load(Ordering::Relaxed)))
            }
        };
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Err(e) = &result {
            span.in_scope(|| tracing::debug!(error = %e, "request failed"));
        }
        result
    }

    async fn run_attempts(
        &self,
        op: &OperationSpec,
        input: &RequestInput,
        buffer: bool,
        started: Instant,
        attempts: &std::sync::atomic::AtomicU32,
    ) -> Result<(http::response::Parts, Buffered), Error> {
        let cfg = &self.config.inner;
        let path_and_query = build_path_and_query(op, input)?;
        let uri: Uri = format!("{}{}", self.endpoint, path_and_query)
            .parse()
            .map_err(|e| Error::invalid_input("path", format!("cannot form a URI: {e}")))?;
        let mut extra = Vec::with_capacity(input.headers.len());
        for (k, v) in &input.headers {
            extra.push(parse_header(k, v)?);
        }
        let content_type = HeaderValue::from_str(op.content_type)
            .map_err(|_| Error::invalid_input("content_type", "not a valid header value"))?;
        let body = input.body.clone().unwrap_or_default();
        let mut token_refreshed = false;
        let mut skew_corrected = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            attempts.store(attempt, Ordering::Relaxed);
            tracing::Span::current().record("attempt", attempt);

            // A fresh request head every attempt, so the signature and X-Sdk-Date are new each time.
            let mut builder = http::Request::builder()
                .method(op.method.clone())
                .uri(uri.clone());
            if let Some(h) = builder.headers_mut() {
                h.insert(CONTENT_TYPE, content_type.clone());
                h.insert(USER_AGENT, cfg.user_agent.clone());
                for (k, v) in &extra {
                    h.append(k.clone(), v.clone());
                }
                if !body.is_empty()
                    || op.method == http::Method::POST
                    || op.method == http::Method::PUT
                    || op.method == http::Method::PATCH
                {
                    h.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
                }
            }
            let (mut parts, ()) = builder
                .body(())
                .map_err(|e| Error::invalid_input("request", e.to_string()))?
                .into_parts();
            let ctx = AuthContext {
                now: self.config.now(),
                region: cfg.region.clone(),
                requires_project_scope: self.service.requires_project_scope,
            };
            let signing = cfg.auth.authenticate(&mut parts, &body, &ctx).await?;
            let request = http::Request::from_parts(parts, body.clone());

            let attempt_started = Instant::now();
            let failure = match self.attempt(op, request, buffer).await {
                Ok((head, buffered)) => {
                    self.record_success(&head, attempt_started);
                    return Ok((head, buffered));
                }
                Err(f) => f,
            };

            let (class, retry_after, err) = match failure {
                AttemptFailure::Fatal(e) => return Err(e),
                AttemptFailure::AttemptTimeout => (
                    FailureClass::Timeout,
                    None,
                    self.timeout_error(op, TimeoutKind::Attempt, attempt),
                ),
                AttemptFailure::Http(e) => {
                    let class = match e.kind {
                        HttpErrorKind::Connect | HttpErrorKind::ConnectTimeout => {
                            FailureClass::Connect
                        }
                        HttpErrorKind::Timeout => FailureClass::Timeout,
                        _ => FailureClass::Transport,
                    };
                    (class, None, self.http_error(op, e, attempt))
                }
                AttemptFailure::Status(mut se, retry_after, server_date) => {
                    se.attempts = attempt;
                    let span = tracing::Span::current();
                    span.record("status", se.status.as_u16());
                    if let Some(id) = &se.request_id {
                        span.record("request_id", id.as_str());
                    }
                    if se.is_token_expired() && !token_refreshed {
                        token_refreshed = true;
                        tracing::warn!(
                            code = %se.error_code,
                            "token or temporary credentials expired; refreshing and retrying once"
                        );
                        cfg.auth.invalidate();
                        continue;
                    }
                    if se.is_clock_skew()
                        && !skew_corrected
                        && let Some(offset) = self.learn_clock_offset(server_date)
                    {
                        skew_corrected = true;
                        tracing::warn!(
                            offset_ms = offset,
                            "the gateway refused the signing time; correcting the clock and retrying once"
                        );
                        continue;
                    }
                    if se.is_signature_mismatch()
                        && let Some(s) = &signing
                    {
                        se.canonical_request = Some(redact_secret_headers(s.canonical_request()));
                        se.string_to_sign = Some(s.string_to_sign().to_owned());
                    }
                    let class = match se.status.as_u16() {
                        429 => FailureClass::Throttled,
                        500 | 502 | 503 | 504 => FailureClass::ServerError(se.status),
                        _ => return Err(Error::Service(se)),
                    };
                    (class, retry_after, Error::Service(se))
                }
            };

            let decision = cfg.retry.policy().decide(&RetryContext {
                attempt,
                class,
                idempotent: op.idempotent,
                retry_after,
                operation: op.name,
            });
            match decision {
                RetryDecision::RetryAfter(delay) => {
                    let remaining = cfg.timeouts.total.saturating_sub(started.elapsed());
                    if delay >= remaining {
                        tracing::debug!(
                            ?class,
                            delay_ms = delay.as_millis() as u64,
                            "not retrying: the wait would exceed the total timeout"
                        );
                        return Err(err);
                    }
                    tracing::debug!(
                        ?class,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        error = %err,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                RetryDecision::Stop => return Err(err),
            }
        }
    }

    fn record_success(&self, head: &http::response::Parts, attempt_started: Instant) {
        let span = tracing::Span::current();
        span.record("status", head.status.as_u16());
        if let Some(id) = header_str(&head.headers, "x-request-id") {
            span.record("request_id", id.as_str());
        }
        tracing::debug!(
            attempt_ms = attempt_started.elapsed().as_millis() as u64,
            "response received"
        );
    }

    /// Learns `server - local` from the refusal's `Date` header; returns the offset in ms.
    fn learn_clock_offset(&self, server_date: Option<SystemTime>) -> Option<i64> {
        let server = server_date?;
        let local = self.config.inner.clock.now();
        let offset = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).ok()?,
            Err(behind) => -i64::try_from(behind.duration().as_millis()).ok()?,
        };
        self.config
            .inner
            .clock_offset_ms
            .store(offset, Ordering::Relaxed);
        Some(offset)
    }

    /// The timeout error of `kind`, with the configured limit that ran out.
    fn timeout_error(&self, op: &OperationSpec, kind: TimeoutKind, attempts: u32) -> Error {
        let timeouts = &self.config.inner.timeouts;
        Error::Timeout(TimeoutError {
            service: self.service.name,
            operation: op.name,
            kind,
            after: match kind {
                TimeoutKind::Connect => timeouts.connect,
                TimeoutKind::Attempt => timeouts.attempt,
                TimeoutKind::Total => timeouts.total,
            },
            attempts,
        })
    }

    /// A success body over the configured limit.
    fn body_too_large(&self, op: &OperationSpec) -> AttemptFailure {
        AttemptFailure::Fatal(Error::BodyTooLarge(BodyTooLargeError {
            service: self.service.name,
            operation: op.name,
            limit: self.config.inner.body_limit,
        }))
    }

    fn http_error(&self, op: &OperationSpec, e: HttpError, attempts: u32) -> Error {
        match e.kind {
            HttpErrorKind::Timeout => self.timeout_error(op, TimeoutKind::Attempt, attempts),
            HttpErrorKind::ConnectTimeout => self.timeout_error(op, TimeoutKind::Connect, attempts),
            kind => Error::Connection(ConnectionError {
                service: self.service.name,
                operation: op.name,
                message: e.message,
                sent: kind != HttpErrorKind::Connect,
                attempts,
            }),
        }
    }

    /// One attempt: send, then (for buffered calls) read the body, all within the attempt timeout.
    async fn attempt(
        &self,
        op: &OperationSpec,
        request: http::Request<Bytes>,
        buffer: bool,
    ) -> Result<(http::response::Parts, Buffered), AttemptFailure> {
        let cfg = &self.config.inner;
        let options = SendOptions::new(cfg.timeouts.connect, cfg.timeouts.attempt);
        let deadline = Instant::now() + cfg.timeouts.attempt;
        let response =
            match tokio::time::timeout_at(deadline, cfg.http.send(request, options)).await {
                Err(_) => return Err(AttemptFailure::AttemptTimeout),
                Ok(Err(e)) => return Err(AttemptFailure::Http(e)),
                Ok(Ok(r)) => r,
            };
        let (head, mut body) = response.into_parts();
        if head.status.is_success() && !buffer {
            return Ok((head, Buffered::Stream(body)));
        }
        let limit = cfg.body_limit;
        let success = head.status.is_success();
        let declared = head
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if success && declared.is_some_and(|n| n > limit as u64) {
            // Refuse before reading anything.
            return Err(self.body_too_large(op));
        }
        let read =
            tokio::time::timeout_at(deadline, read_limited(&mut body, limit, declared)).await;
        let bytes = match read {
            Err(_) => return Err(AttemptFailure::AttemptTimeout),
            Ok(Err(ReadError::Http(e))) => {
                // A broken body: the server saw the request. Same class as a broken connection.
                return Err(AttemptFailure::Http(HttpError::new(
                    if e.kind == HttpErrorKind::Timeout {
                        HttpErrorKind::Timeout
                    } else {
                        HttpErrorKind::Other
                    },
                    e.message,
                )));
            }
            Ok(Err(ReadError::TooLarge(partial))) => {
                if success {
                    return Err(self.body_too_large(op));
                }
                // An oversized error body still yields a service error from what was read.
                partial
            }
            Ok(Ok(b)) => b,
        };
        if success {
            return Ok((head, Buffered::Bytes(bytes)));
        }
        let se = ServiceError::parse(
            self.service.name,
            op.name,
            head.status,
            &head.headers,
            &bytes,
        );
        let server_date = header_date(&head.headers);
        let retry_after = head
            .headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, server_date.unwrap_or_else(SystemTime::now)));
        Err(AttemptFailure::Status(
            Box::new(se),
            retry_after,
            server_date,
        ))
    }
}

/// `{"status": "fail", "error": <not null>, …}`. Read without building a JSON tree: every JSON object answer
/// passes through here before its typed decode, and a tree of a large list would cost several times the body's
/// size. Anything the lean reading refuses (a duplicate key, a `status` that is not a string) is read again as
/// a tree, where the last duplicate wins, so the verdict never depends on which reading was used.
pub(crate) fn is_fail_envelope(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Frame<'a> {
        #[serde(default, borrow)]
        status: Option<std::borrow::Cow<'a, str>>,
        #[serde(default)]
        error: Option<serde::de::IgnoredAny>,
    }
    match serde_json::from_slice::<Frame<'_>>(body) {
        Ok(frame) => frame.status.as_deref() == Some("fail") && frame.error.is_some(),
        Err(_) => serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|value| {
            value.get("status").and_then(|s| s.as_str()) == Some("fail")
                && value.get("error").is_some_and(|e| !e.is_null())
        }),
    }
}

fn header_date(headers: &http::HeaderMap) -> Option<SystemTime> {
    headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
}

enum Buffered {
    Bytes(Bytes),
    Stream(Body),
}

impl Buffered {
    fn into_body(self) -> Body {
        match self {
            Self::Bytes(b) => Body::from_bytes(b),
            Self::Stream(s) => s,
        }
    }
}

enum ReadError {
    Http(HttpError),
    TooLarge(Bytes),
}

/// Reads `body` up to `limit` bytes; `declared` (its `Content-Length`) sizes the buffer.
async fn read_limited(
    body: &mut Body,
    limit: usize,
    declared: Option<u64>,
) -> Result<Bytes, ReadError> {
    let expected = declared.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let mut buf = BytesMut::with_capacity(expected.min(limit).min(1 << 20));
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.map_err(ReadError::Http)?;
        if buf.len() + chunk.len() > limit {
            let take = limit - buf.len();
            buf.extend_from_slice(&chunk[..take]);
            // Stop reading: the rest of the body is dropped with the connection.
            return Err(ReadError::TooLarge(buf.freeze()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// A streamed response body (e.g. a build log). Each chunk must arrive within the attempt timeout.
pub struct ByteStream {
    body: Body,
    service: &'static str,
    operation: &'static str,
    idle: Duration,
    // Created on the first wait, so a stream can be built outside a runtime (e.g. in sync tests).
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl ByteStream {
    fn new(body: Body, service: &'static str, operation: &'static str, idle: Duration) -> Self {
        Self {
            body,
            service,
            operation,
            idle,
            sleep: None,
            done: false,
        }
    }

    /// A stream over a body (for tests and mocks of service crates).
    pub fn from_body(body: Body) -> Self {
        Self::new(body, "custom", "stream", Duration::from_secs(3600))
    }

    /// The next chunk, `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The error for a chunk that did not come within the idle limit.
    fn idle_timeout(&self) -> Error {
        Error::Timeout(TimeoutError {
            service: self.service,
            operation: self.operation,
            kind: TimeoutKind::Attempt,
            after: self.idle,
            attempts: 1,
        })
    }

    /// Reads everything, refusing more than `limit` bytes.
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, Error> {
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.next_chunk().await {
            let chunk = chunk?;
            if buf.len() + chunk.len() > limit {
                return Err(Error::BodyTooLarge(BodyTooLargeError {
                    service: self.service,
                    operation: self.operation,
                    limit,
                }));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.body).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                // The idle timer restarts with the next wait.
                this.sleep = None;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.done = true;
                Poll::Ready(Some(Err(if e.kind == HttpErrorKind::Timeout {
                    this.idle_timeout()
                } else {
                    Error::Connection(ConnectionError {
                        service: this.service,
                        operation: this.operation,
                        message: e.message,
                        sent: true,
                        attempts: 1,
                    })
                })))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => match this
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(this.idle)))
                .as_mut()
                .poll(cx)
            {
                Poll::Ready(()) => {
                    this.done = true;
                    Poll::Ready(Some(Err(this.idle_timeout())))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
