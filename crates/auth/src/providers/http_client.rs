//! The HTTP that IAM and metadata calls go through. `hwcloud-transport` implements it over reqwest;
//! tests use fakes or the mockall mock (feature `mock`).

use std::fmt::{self, Debug};
use std::time::Duration;

/// Sends one HTTP request and returns the whole response. No retries; callers decide.
#[async_trait::async_trait]
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait HttpClient: Send + Sync + Debug {
    /// Sends `request`, giving up after `timeout`.
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, HttpError>;
}

/// Why an HTTP exchange failed before a response arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct HttpError {
    /// What kind of failure.
    pub kind: HttpErrorKind,
    /// Details from the HTTP client (never contains secrets).
    pub message: String,
}

impl HttpError {
    /// A new error.
    pub fn new(kind: HttpErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// The kind of an [`HttpError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// The connection could not be made: the request never reached the server.
    Connect,
    /// The connection could not be made within the connect timeout: the request never reached the server.
    ConnectTimeout,
    /// No complete response within the timeout; the server may have seen the request.
    Timeout,
    /// Anything else (reset mid-response, protocol error); the server may have seen the request.
    Other,
}

impl fmt::Display for HttpErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connection failed",
            Self::ConnectTimeout => "connect timed out",
            Self::Timeout => "timed out",
            Self::Other => "HTTP error",
        })
    }
}
