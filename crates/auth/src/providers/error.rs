//! Credential errors: typed, matchable, and never carrying a secret.

use std::fmt;
use std::path::{Path, PathBuf};

use super::http_client::{HttpError, HttpErrorKind};

/// What kind of failure a [`CredentialsError`] is. Match on this, not on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// No source had anything configured; [`CredentialsError::sources_tried`] says what was tried, in order.
    NotConfigured,
    /// The credentials file could not be parsed ([`CredentialsError::path`], [`CredentialsError::line`]).
    MalformedFile,
    /// IAM (or the metadata service) answered with an error status; see the `iam_*` accessors.
    IamRefused,
    /// The HTTP exchange failed before a response arrived ([`CredentialsError::http_error_kind`]).
    Http,
    /// A response arrived but could not be understood (missing header, bad JSON, bad date).
    InvalidResponse,
    /// The IAM token has expired and its source cannot give a new one.
    TokenExpired,
    /// A domain-scoped token was used for a service that needs a project-scoped one.
    DomainScopedToken,
    /// Project-id discovery found no project named after the region.
    ProjectNotFound,
    /// Project-id discovery found several projects named after the region.
    AmbiguousProject,
    /// A setting or argument is invalid (empty AK, duration out of range, bad endpoint…).
    InvalidInput,
    /// The request could not be signed.
    Signing,
    /// Anything else (custom providers).
    Other,
}

/// One credential source that was tried, and why it gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAttempt {
    /// The source, e.g. `environment`, `credentials file`, `ECS metadata`.
    pub source: String,
    /// Why it gave nothing.
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Details {
    status: Option<u16>,
    iam_code: Option<String>,
    iam_message: Option<String>,
    iam_title: Option<String>,
    trace_id: Option<String>,
    path: Option<PathBuf>,
    line: Option<usize>,
    tried: Vec<SourceAttempt>,
    project_ids: Vec<String>,
    http_kind: Option<HttpErrorKind>,
}

/// Why credentials or a token could not be had. `Display` says what was tried; no secret is ever included.
///
/// ```
/// use hwcloud_auth::{CredentialsError, CredentialsErrorKind};
/// let e = CredentialsError::invalid_input("duration_seconds", "must be 900..=86400");
/// assert_eq!(e.kind(), CredentialsErrorKind::InvalidInput);
/// assert!(e.to_string().contains("duration_seconds"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{message}")]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    details: Box<Details>,
}

impl CredentialsError {
    /// An error of kind [`CredentialsErrorKind::Other`] (for custom providers).
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_kind(CredentialsErrorKind::Other, message)
    }

    /// An error of any kind with a message (for custom providers).
    pub fn with_kind(kind: CredentialsErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            details: Box::default(),
        }
    }

    /// `source` has nothing configured (a chain moves on to its next source).
    pub fn not_configured(source: impl Into<String>, reason: impl Into<String>) -> Self {
        let attempt = SourceAttempt {
            source: source.into(),
            reason: reason.into(),
        };
        Self::not_configured_anywhere(vec![attempt])
    }

    /// No source had anything configured: lists each source and why, in order.
    pub fn not_configured_anywhere(tried: Vec<SourceAttempt>) -> Self {
        let mut message = String::from("no credentials found; tried");
        if tried.is_empty() {
            message.push_str(" nothing");
        }
        for (i, t) in tried.iter().enumerate() {
            message.push_str(if i == 0 { " " } else { "; " });
            message.push_str(&format!("{} ({})", t.source, t.reason));
        }
        let mut e = Self::with_kind(CredentialsErrorKind::NotConfigured, message);
        e.details.tried = tried;
        e
    }

    /// A bad setting or argument.
    pub fn invalid_input(field: &str, reason: impl fmt::Display) -> Self {
        Self::with_kind(
            CredentialsErrorKind::InvalidInput,
            format!("invalid {field}: {reason}"),
        )
    }

    pub(crate) fn malformed_file(path: &Path, line: usize, reason: impl fmt::Display) -> Self {
        let mut e = Self::with_kind(
            CredentialsErrorKind::MalformedFile,
            format!(
                "malformed credentials file {} line {line}: {reason}",
                path.display()
            ),
        );
        e.details.path = Some(path.to_path_buf());
        e.details.line = Some(line);
        e
    }

    pub(crate) fn unreadable_file(path: &Path, err: &std::io::Error) -> Self {
        let mut e = Self::with_kind(
            CredentialsErrorKind::MalformedFile,
            format!("cannot read credentials file {}: {err}", path.display()),
        );
        e.details.path = Some(path.to_path_buf());
        e
    }

    pub(crate) fn http(what: &str, err: &HttpError) -> Self {
        let mut e = Self::with_kind(CredentialsErrorKind::Http, format!("{what}: {err}"));
        e.details.http_kind = Some(err.kind);
        e
    }

    pub(crate) fn invalid_response(what: &str, reason: impl fmt::Display) -> Self {
        Self::with_kind(
            CredentialsErrorKind::InvalidResponse,
            format!("{what}: unexpected response: {reason}"),
        )
    }

    /// IAM answered `status`; `body` is parsed for `{"error":{code,message,title}}` or `{error_code,error_msg}`.
    pub(crate) fn iam_refused(
        what: &str,
        status: http::StatusCode,
        body: &[u8],
        trace_id: Option<String>,
    ) -> Self {
        let (code, msg, title) = parse_iam_error(body);
        let mut message = format!("{what}: HTTP {}", status.as_u16());
        if let Some(c) = &code {
            message.push_str(&format!(", code {c}"));
        }
        if let Some(t) = &title {
            message.push_str(&format!(" ({t})"));
        }
        match &msg {
            Some(m) => message.push_str(&format!(": {m}")),
            None if !body.is_empty() => {
                let text = String::from_utf8_lossy(body);
                let short: String = text.chars().take(200).collect();
                message.push_str(&format!(": {short}"));
            }
            None => {}
        }
        if let Some(t) = &trace_id {
            message.push_str(&format!(" [X-IAM-Trace-Id {t}]"));
        }
        let mut e = Self::with_kind(CredentialsErrorKind::IamRefused, message);
        e.details.status = Some(status.as_u16());
        e.details.iam_code = code;
        e.details.iam_message = msg;
        e.details.iam_title = title;
        e.details.trace_id = trace_id;
        e
    }

    pub(crate) fn project_lookup(region: &str, ids: Vec<String>, trace_id: Option<String>) -> Self {
        let trace = trace_id
            .as_deref()
            .map(|t| format!(" [X-IAM-Trace-Id {t}]"))
            .unwrap_or_default();
        let mut e = if ids.is_empty() {
            Self::with_kind(
                CredentialsErrorKind::ProjectNotFound,
                format!(
                    "no IAM project named {region:?} is visible to these credentials; \
                     set the project id explicitly (HUAWEICLOUD_SDK_PROJECT_ID){trace}"
                ),
            )
        } else {
            Self::with_kind(
                CredentialsErrorKind::AmbiguousProject,
                format!(
                    "several IAM projects are named {region:?} ({}); set the project id explicitly{trace}",
                    ids.join(", ")
                ),
            )
        };
        e.details.project_ids = ids;
        e.details.trace_id = trace_id;
        e
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The human-readable description (same as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status IAM or the metadata service answered with.
    pub fn status(&self) -> Option<u16> {
        self.details.status
    }

    /// IAM's own error code (`error.code` or `error_code`), as text.
    pub fn iam_code(&self) -> Option<&str> {
        self.details.iam_code.as_deref()
    }

    /// IAM's own error message (`error.message` or `error_msg`).
    pub fn iam_message(&self) -> Option<&str> {
        self.details.iam_message.as_deref()
    }

    /// IAM's error title (`error.title`), e.g. `Unauthorized`.
    pub fn iam_title(&self) -> Option<&str> {
        self.details.iam_title.as_deref()
    }

    /// The `X-IAM-Trace-Id` response header, for Huawei support.
    pub fn trace_id(&self) -> Option<&str> {
        self.details.trace_id.as_deref()
    }

    /// The credentials file concerned.
    pub fn path(&self) -> Option<&Path> {
        self.details.path.as_deref()
    }

    /// The 1-based line of the credentials file that is malformed.
    pub fn line(&self) -> Option<usize> {
        self.details.line
    }

    /// The sources tried, in order, and why each gave nothing.
    pub fn sources_tried(&self) -> &[SourceAttempt] {
        &self.details.tried
    }

    /// The project ids found when discovery was ambiguous.
    pub fn project_ids(&self) -> &[String] {
        &self.details.project_ids
    }

    /// How the HTTP exchange failed, for [`CredentialsErrorKind::Http`].
    pub fn http_error_kind(&self) -> Option<HttpErrorKind> {
        self.details.http_kind
    }
}

/// Reads IAM's error body: Keystone `{"error":{"code":401,"message","title"}}` (code integer or string)
/// or the newer `{"error_code","error_msg"}`.
fn parse_iam_error(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None, None);
    };
    let text = |v: Option<&serde_json::Value>| -> Option<String> {
        match v? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    if let Some(serde_json::Value::Object(inner)) = map.get("error") {
        let code = text(inner.get("code"));
        let msg = text(inner.get("message"));
        let title = text(inner.get("title"));
        if code.is_some() || msg.is_some() {
            return (code, msg, title);
        }
    }
    (
        text(map.get("error_code")),
        text(map.get("error_msg")),
        None,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn iam_error_shapes() {
        let e = CredentialsError::iam_refused(
            "x",
            http::StatusCode::FORBIDDEN,
            br#"{"error":{"code":"Ecs.0114","message":"denied"}}"#,
            Some("t-1".into()),
        );
        assert_eq!(
            (e.iam_code(), e.iam_message(), e.iam_title()),
            (Some("Ecs.0114"), Some("denied"), None)
        );
        assert_eq!(
            e.to_string(),
            "x: HTTP 403, code Ecs.0114: denied [X-IAM-Trace-Id t-1]"
        );
        // Only the nested pair is read when present; an incomplete nested object falls back.
        let e = CredentialsError::iam_refused(
            "x",
            http::StatusCode::BAD_REQUEST,
            br#"{"error":{"title":"t"},"error_code":"IAM.0011","error_msg":"bad body"}"#,
            None,
        );
        assert_eq!(
            (e.iam_code(), e.iam_message()),
            (Some("IAM.0011"), Some("bad body"))
        );
        let e = CredentialsError::iam_refused("x", http::StatusCode::BAD_GATEWAY, b"", None);
        assert_eq!(e.to_string(), "x: HTTP 502");
        assert_eq!(e.iam_code(), None);
    }

    #[test]
    fn not_configured_lists_sources_in_order() {
        let e = CredentialsError::not_configured_anywhere(vec![
            SourceAttempt {
                source: "a".into(),
                reason: "r1".into(),
            },
            SourceAttempt {
                source: "b".into(),
                reason: "r2".into(),
            },
        ]);
        assert_eq!(e.to_string(), "no credentials found; tried a (r1); b (r2)");
        assert_eq!(e.kind(), CredentialsErrorKind::NotConfigured);
        assert_eq!(e.sources_tried().len(), 2);
    }
}
