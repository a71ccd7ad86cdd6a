//! Operation descriptions and per-call input: path parameters, query, headers, JSON body.

use std::fmt::{Display, Write as _};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::Error;

/// One API operation, as a constant in the service crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSpec {
    /// Operation name used in errors and traces, e.g. `StopJob`.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template with `{name}` parameters, e.g. `/v3/jobs/{job_id}/{build_no}/stop`.
    pub path: &'static str,
    /// Safe to repeat after the server may have seen it (then timeouts, 429 and 5xx are retried).
    pub idempotent: bool,
    /// `Content-Type` sent with every request of this operation (like the official SDK), e.g. `application/json`.
    pub content_type: &'static str,
}

impl OperationSpec {
    /// A spec; `const` so service crates declare operations as constants.
    pub const fn new(
        name: &'static str,
        method: Method,
        path: &'static str,
        idempotent: bool,
        content_type: &'static str,
    ) -> Self {
        Self {
            name,
            method,
            path,
            idempotent,
            content_type,
        }
    }
}

/// The values of one call: path parameters, query pairs, extra headers and a body.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Bytes>,
}

impl RequestInput {
    /// No parameters, no body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets path parameter `{name}`; the value is percent-encoded as one segment (`/`, `?`, `#`, `%` encoded).
    pub fn path_param(mut self, name: &'static str, value: impl Display) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// Adds a query pair (keys may repeat). Booleans render as `true`/`false`.
    pub fn query(mut self, key: impl Into<String>, value: impl Display) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Adds a query pair when `value` is `Some`.
    pub fn query_opt(self, key: impl Into<String>, value: Option<impl Display>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Adds one pair per value (`k=a&k=b`); an empty list adds nothing.
    pub fn query_list<V: Display>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let key = key.into();
        for v in values {
            self.query.push((key.clone(), v.to_string()));
        }
        self
    }

    /// Sets a compact JSON body; these exact bytes are signed and sent.
    pub fn json_body(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input("body", format!("cannot serialize to JSON: {e}")))?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// Sets a raw body (the operation's content type is still sent).
    pub fn raw_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds a header (validated when the request is built). Auth headers set here are overwritten.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The body bytes, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }
}

/// `quote(v, safe='')`: everything but `A-Z a-z 0-9 - _ . ~` becomes `%XX`.
pub(crate) fn encode_component(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Path and query of the request, e.g. `/v3/jobs/a%2Fb/stop?x=1`.
pub(crate) fn build_path_and_query(
    op: &OperationSpec,
    input: &RequestInput,
) -> Result<String, Error> {
    let mut out = String::with_capacity(op.path.len() + 32);
    let mut rest = op.path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').ok_or_else(|| {
            Error::invalid_input(
                "path",
                format!("unclosed `{{` in path template `{}`", op.path),
            )
        })?;
        let name = &after[..end];
        // The last value given for the name wins; its `'static` name labels the errors.
        let (field, value) = input
            .path_params
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(n, v)| (*n, v.as_str()))
            .ok_or_else(|| Error::invalid_input("path", "missing path parameter"))?;
        if value.is_empty() {
            return Err(Error::invalid_input(
                field,
                "a path parameter cannot be empty",
            ));
        }
        // URL parsers resolve `.`/`..` (even as `%2E%2E`), which would change the target resource.
        if value == "." || value == ".." {
            return Err(Error::invalid_input(
                field,
                "a path parameter cannot be `.` or `..`",
            ));
        }
        encode_component(value, &mut out);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    if !input.query.is_empty() {
        out.push('?');
        for (i, (k, v)) in input.query.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            encode_component(k, &mut out);
            out.push('=');
            encode_component(v, &mut out);
        }
    }
    Ok(out)
}

pub(crate) fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid_input("header", format!("invalid header name `{name}`")))?;
    let v = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_input("header", format!("invalid value for header `{name}`"))
    })?;
    Ok((n, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STOP: OperationSpec = OperationSpec::new(
        "StopBuildJob",
        Method::POST,
        "/v3/jobs/{job_id}/{build_no}/stop",
        false,
        "application/json",
    );

    #[test]
    fn path_params_cannot_escape_their_segment() {
        let input = RequestInput::new()
            .path_param("job_id", "a/../b?c#d%e f")
            .path_param("build_no", 20);
        assert_eq!(
            build_path_and_query(&STOP, &input).unwrap(),
            "/v3/jobs/a%2F..%2Fb%3Fc%23d%25e%20f/20/stop"
        );
        let input = RequestInput::new()
            .path_param("job_id", "ü~._-")
            .path_param("build_no", 1);
        assert_eq!(
            build_path_and_query(&STOP, &input).unwrap(),
            "/v3/jobs/%C3%BC~._-/1/stop"
        );
    }

    #[test]
    fn bad_path_params_are_invalid_input() {
        for (value, needle) in [("", "empty"), ("..", "`..`"), (".", "`.`")] {
            let input = RequestInput::new()
                .path_param("job_id", value)
                .path_param("build_no", 1);
            match build_path_and_query(&STOP, &input) {
                Err(Error::InvalidInput(e)) => {
                    assert_eq!(e.field, "job_id");
                    assert!(e.reason.contains(needle), "{}", e.reason);
                }
                other => panic!("{value:?}: {other:?}"),
            }
        }
        let input = RequestInput::new().path_param("job_id", "x");
        assert!(matches!(
            build_path_and_query(&STOP, &input),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn query_pairs_lists_and_options() {
        const LIST: OperationSpec =
            OperationSpec::new("List", Method::GET, "/v1/list", true, "application/json");
        let input = RequestInput::new()
            .query("page_size", 10)
            .query_opt("absent", None::<u32>)
            .query_opt("by_group", Some(true))
            .query_list("status", ["success", "failed"])
            .query_list("none", Vec::<String>::new())
            .query("start_time", "2025-11-01 00:00:00")
            .query("search", "");
        assert_eq!(
            build_path_and_query(&LIST, &input).unwrap(),
            "/v1/list?page_size=10&by_group=true&status=success&status=failed&start_time=2025-11-01%2000%3A00%3A00&search="
        );
    }

    #[test]
    fn json_body_is_compact() {
        #[derive(Serialize)]
        struct B {
            job_id: &'static str,
            build_no: &'static str,
        }
        let input = RequestInput::new()
            .json_body(&B {
                job_id: "f9d6c8466d614a9788e9a0acf6c15f46",
                build_no: "20",
            })
            .unwrap();
        assert_eq!(
            input.body().unwrap(),
            br#"{"job_id":"f9d6c8466d614a9788e9a0acf6c15f46","build_no":"20"}"#
        );
    }
}
