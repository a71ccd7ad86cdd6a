//! Fakes shared by the `credentials*` tests: a scripted, recording HTTP client and a log capture.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hwcloud_auth::http_client::{HttpClient, HttpError};

type Handler = dyn Fn(&http::Request<Vec<u8>>, usize) -> Result<http::Response<Vec<u8>>, HttpError>
    + Send
    + Sync;

/// A request and the timeout it was sent with.
pub type Recorded = (http::Request<Vec<u8>>, Duration);

/// An HTTP client answering with `handler(request, call_index)` and recording every request.
#[derive(Clone)]
pub struct FakeHttp {
    handler: Arc<Handler>,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    calls: Arc<AtomicUsize>,
    /// When set, every call waits here (after counting itself) until [`FakeHttp::open`] closes it.
    gate: Option<Arc<tokio::sync::Semaphore>>,
}

impl std::fmt::Debug for FakeHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FakeHttp")
    }
}

impl FakeHttp {
    pub fn new(
        handler: impl Fn(&http::Request<Vec<u8>>, usize) -> Result<http::Response<Vec<u8>>, HttpError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            handler: Arc::new(handler),
            requests: Arc::default(),
            calls: Arc::default(),
            gate: None,
        }
    }

    /// Holds every call in flight until [`FakeHttp::open`], so that concurrent callers overlap.
    pub fn gated(mut self) -> Self {
        self.gate = Some(Arc::new(tokio::sync::Semaphore::new(0)));
        self
    }

    /// Lets every held call, and every later one, through.
    pub fn open(&self) {
        if let Some(gate) = &self.gate {
            // A closed semaphore fails every acquire at once: the gate stays open for good.
            gate.close();
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn request(&self, i: usize) -> http::Request<Vec<u8>> {
        let r = self.requests.lock().unwrap();
        let (req, _) = &r[i];
        let mut b = http::Request::builder()
            .method(req.method().clone())
            .uri(req.uri().clone());
        for (k, v) in req.headers() {
            b = b.header(k, v);
        }
        b.body(req.body().clone()).unwrap()
    }

    pub fn timeout(&self, i: usize) -> Duration {
        self.requests.lock().unwrap()[i].1
    }

    pub fn json_body(&self, i: usize) -> serde_json::Value {
        serde_json::from_slice(self.request(i).body()).unwrap()
    }

    pub fn arc(&self) -> Arc<dyn HttpClient> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl HttpClient for FakeHttp {
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, HttpError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            let _ = gate.acquire().await;
        }
        let out = (self.handler)(&request, n);
        self.requests.lock().unwrap().push((request, timeout));
        out
    }
}

pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

/// A 201 token response for `token`, expiring at `expires_at`, with a project scope.
pub fn token_response(token: &str, expires_at: &str) -> http::Response<Vec<u8>> {
    let body = serde_json::json!({"token": {
        "expires_at": expires_at, "issued_at": "2026-11-22T00:00:00.000000Z", "methods": ["password"],
        "project": {"id": "p-123", "name": "cn-north-4", "domain": {"id": "d-1", "name": "acme"}},
        "user": {"id": "u-1", "name": "alice", "domain": {"id": "d-1", "name": "acme"}}}});
    response(201, &[("x-subject-token", token)], &body.to_string())
}

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// `2026-11-22T00:00:00Z` as seconds since the epoch.
pub const T0: u64 = 1_795_305_600;

/// A tracing subscriber that records every event's fields as text.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<String>>);

struct Visitor<'a>(&'a mut String);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut s = self.0.lock().unwrap();
        span.record(&mut Visitor(&mut s));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Visitor(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut s = self.0.lock().unwrap();
        s.push_str(&format!("[{}] ", event.metadata().level()));
        event.record(&mut Visitor(&mut s));
        s.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
