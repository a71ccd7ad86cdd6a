//! The one error type of every service call, and the parser of Huawei Cloud error bodies.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use hwcloud_auth::redact_secret_headers;
use serde_json::Value;

/// How much of a response body an error keeps (raw body, decode excerpts).
pub(crate) const RAW_BODY_LIMIT: usize = 8 * 1024;
/// How much of a body a decode error quotes.
const EXCERPT_LIMIT: usize = 512;

/// Everything a service call can fail with. Match on the variant; `#[non_exhaustive]` so kinds can be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an HTTP error status (or a failure envelope).
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// A connect, attempt or total timeout elapsed.
    #[error(transparent)]
    Timeout(TimeoutError),
    /// The connection failed or broke; [`ConnectionError::sent`] says whether the server may have seen the request.
    #[error(transparent)]
    Connection(ConnectionError),
    /// Credentials or a token could not be obtained or applied.
    #[error("credentials: {0}")]
    Credentials(#[from] hwcloud_auth::CredentialsError),
    /// A successful response body did not match the expected model.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The caller passed a value the SDK refuses before sending anything.
    #[error(transparent)]
    InvalidInput(InvalidInputError),
    /// A response body exceeded the configured limit; reading stopped.
    #[error(transparent)]
    BodyTooLarge(BodyTooLargeError),
    /// No endpoint could be determined (unknown region, no region, malformed endpoint).
    #[error(transparent)]
    Endpoint(EndpointError),
    /// The SDK configuration is unusable (e.g. a malformed proxy URL or CA certificate).
    #[error("invalid SDK configuration: {0}")]
    Config(String),
}

impl Error {
    /// An invalid-input error, for the service crates' validation of `field`.
    pub fn invalid_input(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput(InvalidInputError {
            field,
            reason: reason.into(),
        })
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.as_service_error().map(|e| e.status)
    }

    /// The service error code (e.g. `APIGW.0301`, `CB.00060200`), when the service answered.
    pub fn code(&self) -> Option<&str> {
        self.as_service_error().map(|e| e.error_code.as_str())
    }

    /// The request id (`X-Request-Id`), when the service answered with one.
    pub fn request_id(&self) -> Option<&str> {
        self.as_service_error()
            .and_then(|e| e.request_id.as_deref())
    }

    /// The service error, if this is one.
    pub fn as_service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Whether this is a timeout of any kind.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Self::Service(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Self::Decode(Box::new(e))
    }
}

/// An HTTP error answer from a service or its API gateway, parsed from any of the known body shapes.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// Service name, e.g. `CodeArtsBuild`.
    pub service: &'static str,
    /// Operation name, e.g. `StopJob`.
    pub operation: &'static str,
    /// HTTP status.
    pub status: StatusCode,
    /// Error code from the body; the HTTP status as text when the body had none.
    pub error_code: String,
    /// Error message from the body; the raw body when it had none.
    pub error_msg: String,
    /// `X-Request-Id` (any case), else a `request_id` in the body.
    pub request_id: Option<String>,
    /// Fine-grained authorisation denial details, when present.
    pub encoded_authorization_message: Option<String>,
    /// The response body as text, truncated to 8 KiB.
    pub raw_body: String,
    /// On a signature mismatch: the canonical request this SDK signed, to compare with the gateway's.
    pub canonical_request: Option<String>,
    /// On a signature mismatch: the string this SDK signed.
    pub string_to_sign: Option<String>,
    /// How many attempts were made before giving up with this answer.
    pub attempts: u32,
}

impl ServiceError {
    /// Parses an error answer (status, headers, body) the way errors.md §3 describes, and better: also
    /// `errorCode/errorMessage`, top-level arrays (SWR), `{"status":"fail","error":…}` envelopes and a
    /// body `request_id` when the header is missing.
    pub fn parse(
        service: &'static str,
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let raw_full = String::from_utf8_lossy(body);
        let raw_body = redact_secret_headers(&truncate(&raw_full, RAW_BODY_LIMIT));
        let mut found = Found::default();
        if let Ok(value) = serde_json::from_slice::<Value>(body) {
            match &value {
                Value::Object(_) => found.scan(&value),
                // SWR answers with an array of error objects: use the first one that has a pair.
                Value::Array(items) => {
                    for item in items {
                        if item.is_object() {
                            found.scan(item);
                            if found.code.is_some() {
                                break;
                            }
                        }
                    }
                }
                _ => {}
            }
            if found.code.is_none() {
                // Envelope whose `error` is a plain string: {"status":"fail","error":"…"}.
                if let Some(Value::String(msg)) = value.get("error") {
                    found.msg = Some(msg.clone());
                }
            }
        }
        let request_id = header_str(headers, "x-request-id").or(found.request_id);
        Self {
            service,
            operation,
            status,
            error_code: found.code.unwrap_or_else(|| status.as_u16().to_string()),
            error_msg: found
                .msg
                .map(|m| redact_secret_headers(&m))
                .unwrap_or_else(|| raw_body.clone()),
            request_id,
            encoded_authorization_message: found.encoded,
            raw_body,
            canonical_request: None,
            string_to_sign: None,
            attempts: 1,
        }
    }

    /// Whether the gateway refused the request for authentication (`APIGW.0301`/`APIG.0301`).
    fn is_gateway_auth(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
            && (self.error_code.eq_ignore_ascii_case("APIGW.0301")
                || self.error_code.eq_ignore_ascii_case("APIG.0301"))
    }

    /// The token (or temporary credentials) expired: refresh and retry once.
    pub fn is_token_expired(&self) -> bool {
        let msg = self.error_msg.to_ascii_lowercase();
        self.is_gateway_auth()
            && (msg.contains("token expires")
                || msg.contains("decrypt token fail")
                || msg.contains("token must be updated"))
    }

    /// The gateway refused the signing time (clock skew): correct the clock and retry once.
    pub fn is_clock_skew(&self) -> bool {
        let code = self.error_code.to_ascii_uppercase();
        (self.is_gateway_auth() || code == "APIGW.0303" || code == "APIG.0303")
            && self
                .error_msg
                .to_ascii_lowercase()
                .contains("signature expired")
    }

    /// The gateway computed a different signature: compare [`Self::canonical_request`] with its canonical request.
    pub fn is_signature_mismatch(&self) -> bool {
        self.is_gateway_auth()
            && self
                .error_msg
                .to_ascii_lowercase()
                .contains("verify aksk signature fail")
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{} failed: {} {} {}",
            self.service,
            self.operation,
            self.status.as_u16(),
            self.error_code,
            one_line(&self.error_msg, 300)
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("error_msg", &self.error_msg)
            .field("request_id", &self.request_id)
            .field(
                "encoded_authorization_message",
                &self.encoded_authorization_message,
            )
            .field("raw_body_len", &self.raw_body.len())
            .field("canonical_request", &self.canonical_request)
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl std::error::Error for ServiceError {}

#[derive(Default)]
struct Found {
    code: Option<String>,
    msg: Option<String>,
    request_id: Option<String>,
    encoded: Option<String>,
}

/// Pairs tried in order; a key counts only when its partner exists (errors.md §3), and later, deeper matches
/// overwrite earlier ones like the official SDK.
const PAIRS: &[(&str, &str)] = &[
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
    ("errorCode", "errorMessage"),
    ("error_code", "error_message"),
    ("err_code", "message"),
];

impl Found {
    fn scan(&mut self, value: &Value) {
        let Value::Object(map) = value else { return };
        if let Some(v) = map.get("encoded_authorization_message").and_then(scalar) {
            self.encoded = Some(v);
        }
        if self.request_id.is_none()
            && let Some(v) = map.get("request_id").and_then(scalar)
        {
            self.request_id = Some(v);
        }
        for (code_key, msg_key) in PAIRS {
            if let (Some(code), Some(msg)) = (map.get(*code_key), map.get(*msg_key))
                && let (Some(code), Some(msg)) = (scalar(code), scalar(msg))
            {
                self.code = Some(code);
                self.msg = Some(msg);
                break;
            }
        }
        for nested in map.values().filter(|v| v.is_object()) {
            self.scan(nested);
        }
    }
}

/// A JSON scalar as text (an integer Keystone `code` becomes `"401"`).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// At most `limit` bytes of `s`, cut on a character boundary.
pub(crate) fn truncate(s: &str, limit: usize) -> String {
    if s.len() <= limit {
        return s.to_owned();
    }
    let mut end = limit;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn one_line(s: &str, limit: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    truncate(flat.trim(), limit)
}

/// Which timeout elapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection.
    Connect,
    /// One attempt (waiting for the response or reading its body).
    Attempt,
    /// The whole operation, retries and back-off included.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Attempt => "attempt",
            Self::Total => "total",
        })
    }
}

/// A timeout elapsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error(
    "{service}.{operation} timed out ({kind} timeout of {after:?}, after {attempts} attempt(s))"
)]
pub struct TimeoutError {
    /// Service name.
    pub service: &'static str,
    /// Operation name.
    pub operation: &'static str,
    /// Which timeout.
    pub kind: TimeoutKind,
    /// The configured duration that elapsed.
    pub after: Duration,
    /// Attempts made.
    pub attempts: u32,
}

/// The connection failed or broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{service}.{operation} failed: {message} (after {attempts} attempt(s))")]
pub struct ConnectionError {
    /// Service name.
    pub service: &'static str,
    /// Operation name.
    pub operation: &'static str,
    /// What the HTTP client reported.
    pub message: String,
    /// Whether the server may have received the request (`false`: the connection was never made).
    pub sent: bool,
    /// Attempts made.
    pub attempts: u32,
}

/// A response body did not match the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error(
    "{service}.{operation}: cannot decode the response at `{path}`: {message}; body starts with: {excerpt}"
)]
pub struct DecodeError {
    /// Service name.
    pub service: &'static str,
    /// Operation name.
    pub operation: &'static str,
    /// The field path where decoding failed (`.` for the root), e.g. `result.builds[0].status`.
    pub path: String,
    /// serde's message (with line and column).
    pub message: String,
    /// The start of the body (at most 512 bytes).
    pub excerpt: String,
    /// HTTP status of the response.
    pub status: StatusCode,
    /// `X-Request-Id`, when present.
    pub request_id: Option<String>,
}

impl DecodeError {
    pub(crate) fn new(
        service: &'static str,
        operation: &'static str,
        path: String,
        message: String,
        body: &[u8],
        status: StatusCode,
        request_id: Option<String>,
    ) -> Self {
        Self {
            service,
            operation,
            path,
            message,
            excerpt: one_line(&String::from_utf8_lossy(body), EXCERPT_LIMIT),
            status,
            request_id,
        }
    }
}

/// The caller passed a value the SDK refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("invalid input `{field}`: {reason}")]
pub struct InvalidInputError {
    /// The field (parameter, header, setting) at fault.
    pub field: &'static str,
    /// Why it was refused.
    pub reason: String,
}

/// A response body exceeded the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{service}.{operation}: response body exceeds the limit of {limit} bytes")]
pub struct BodyTooLargeError {
    /// Service name.
    pub service: &'static str,
    /// Operation name.
    pub operation: &'static str,
    /// The configured limit in bytes.
    pub limit: usize,
}

/// No endpoint could be determined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The region is not in the service's table and no endpoint was configured.
    #[error(
        "{service} has no endpoint for region `{region}`; known regions: {}; or set an explicit endpoint or HUAWEICLOUD_SDK_REGION_{env_name}_<REGION>",
        known.join(", ")
    )]
    UnknownRegion {
        /// Service name.
        service: &'static str,
        /// Environment-variable service name.
        env_name: &'static str,
        /// The region asked for.
        region: String,
        /// The regions in the table.
        known: Vec<&'static str>,
    },
    /// Neither a region nor an endpoint was configured.
    #[error("{service}: no region and no endpoint configured")]
    NoRegion {
        /// Service name.
        service: &'static str,
    },
    /// The endpoint is not a valid URL.
    #[error("{service}: invalid endpoint `{endpoint}`: {reason}")]
    Invalid {
        /// Service name.
        service: &'static str,
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong.
        reason: String,
    },
}

impl From<EndpointError> for Error {
    fn from(e: EndpointError) -> Self {
        Self::Endpoint(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, headers: &[(&str, &str)], body: &str) -> ServiceError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        ServiceError::parse(
            "Svc",
            "Op",
            StatusCode::from_u16(status).unwrap(),
            &map,
            body.as_bytes(),
        )
    }

    #[test]
    fn every_documented_error_shape() {
        // (status, body, code, message)
        let cases: &[(u16, &str, &str, &str)] = &[
            (
                400,
                r#"{"error_code":"CB.00060200","error_msg":"Invalid param"}"#,
                "CB.00060200",
                "Invalid param",
            ),
            (
                401,
                r#"{"error_msg":"decrypt token fail","error_code":"APIG.0301","request_id":"rq"}"#,
                "APIG.0301",
                "decrypt token fail",
            ),
            (
                401,
                r#"{"error":{"code":401,"message":"The account is locked.","title":"Unauthorized"}}"#,
                "401",
                "The account is locked.",
            ),
            (
                403,
                r#"{"error":{"code":"Ecs.0114","message":"nested"}}"#,
                "Ecs.0114",
                "nested",
            ),
            (400, r#"{"errorCode":"X","errorMsg":"camel"}"#, "X", "camel"),
            (
                400,
                r#"{"errorCode":"SVCSTG_AMS_4000001","errorMessage":"Request param invalid"}"#,
                "SVCSTG_AMS_4000001",
                "Request param invalid",
            ),
            (
                400,
                r#"[{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"swr","detail":""}]"#,
                "SVCSTG.SWR.4001048",
                "swr",
            ),
            (
                400,
                r#"{"status":"fail","error":{"error_code":"CB.1","error_msg":"env"},"result":null}"#,
                "CB.1",
                "env",
            ),
            (
                400,
                r#"{"status":"fail","error":"plain failure"}"#,
                "400",
                "plain failure",
            ),
            (
                401,
                r#"{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}"#,
                "APIGW.0301",
                "Incorrect IAM authentication information",
            ),
            (
                400,
                r#"{"success":false,"message":"bad record","err_code":"CB.9"}"#,
                "CB.9",
                "bad record",
            ),
            (
                400,
                r#"{"error_code":"ONLY"}"#,
                "400",
                r#"{"error_code":"ONLY"}"#,
            ),
            (404, r#"["x"]"#, "404", r#"["x"]"#),
            (
                502,
                "<html>bad gateway</html>",
                "502",
                "<html>bad gateway</html>",
            ),
            (500, "", "500", ""),
        ];
        for (status, body, code, msg) in cases {
            let e = parse(*status, &[], body);
            assert_eq!(
                (e.error_code.as_str(), e.error_msg.as_str()),
                (*code, *msg),
                "{body}"
            );
            assert_eq!(e.raw_body, *body);
        }
    }

    #[test]
    fn request_id_encoded_message_and_display() {
        let e = parse(
            403,
            &[("x-request-id", "1a2b")],
            r#"{"error_code":"CB.403","error_msg":"denied\nnow","encoded_authorization_message":"enc","request_id":"body-id"}"#,
        );
        assert_eq!(
            e.request_id.as_deref(),
            Some("1a2b"),
            "header wins over body"
        );
        assert_eq!(e.encoded_authorization_message.as_deref(), Some("enc"));
        assert_eq!(
            e.to_string(),
            "Svc.Op failed: 403 CB.403 denied now (request id 1a2b)"
        );
        let e = parse(
            401,
            &[],
            r#"{"error_code":"APIGW.0301","error_msg":"m","request_id":"from-body"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("from-body"));
        let e = parse(500, &[], "");
        assert_eq!(e.to_string(), "Svc.Op failed: 500 500 ");
    }

    #[test]
    fn classification_of_gateway_auth_refusals() {
        let gw = |msg: &str| {
            parse(
                401,
                &[],
                &format!(r#"{{"error_code":"APIGW.0301","error_msg":"{msg}"}}"#),
            )
        };
        assert!(
            gw("Incorrect IAM authentication information: token expires, expires_at: x")
                .is_token_expired()
        );
        assert!(
            gw("Incorrect IAM authentication information: decrypt token fail").is_token_expired()
        );
        assert!(gw("the token must be updated").is_token_expired());
        assert!(
            gw("calc aksk signature fail: signature expired, signature time x").is_clock_skew()
        );
        assert!(gw("verify aksk signature fail").is_signature_mismatch());
        let other = gw("Get secretKey failed,ak:X,err:ak not exist");
        assert!(
            !other.is_token_expired() && !other.is_clock_skew() && !other.is_signature_mismatch()
        );
        // Same words with another code or status are not auth refusals.
        let e = parse(
            400,
            &[],
            r#"{"error_code":"CB.1","error_msg":"token expires"}"#,
        );
        assert!(!e.is_token_expired());
    }

    #[test]
    fn token_values_in_echoed_canonical_requests_are_redacted() {
        let canonical = "POST\n/v3/jobs/build/\n\ncontent-type:application/json\nX-Security-Token:SECRETTOKEN\nx-sdk-date:20251114T080042Z\n";
        let body = serde_json::json!({"error_code": "APIGW.0301", "error_msg": format!("verify aksk signature fail, the canonical request the gateway computed is:\n{canonical}")}).to_string();
        let e = parse(401, &[], &body);
        assert!(!e.error_msg.contains("SECRETTOKEN") && !e.raw_body.contains("SECRETTOKEN"));
        assert!(!format!("{e:?}").contains("SECRETTOKEN"));
    }

    #[test]
    fn raw_body_is_bounded() {
        let big = "x".repeat(RAW_BODY_LIMIT * 2);
        let e = parse(500, &[], &big);
        assert!(e.raw_body.len() <= RAW_BODY_LIMIT + 4);
        assert!(e.to_string().len() < 400, "Display stays one short line");
    }
}
