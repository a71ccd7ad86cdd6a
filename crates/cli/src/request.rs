//! `hwcloud request`: sends one authenticated request to any Huawei Cloud API, curl-style.

use std::io::Write;
use std::time::{Duration, SystemTime};

use hwcloud_auth::AuthContext;
use hwcloud_auth::http_client::HttpErrorKind;

use crate::args::{GlobalArgs, RequestArgs, read_body};
use crate::error::CliError;

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `hwcloud request`.
pub(crate) async fn run(global: &GlobalArgs, args: RequestArgs) -> Result<(), CliError> {
    let body = read_body(&args.http)?.unwrap_or_default();
    let mut parts = crate::sign::request_parts(&args.http, !body.is_empty())?;
    if !body.is_empty() && !parts.headers.contains_key(http::header::CONTENT_TYPE) {
        // Huawei Cloud APIs take JSON; say so unless told otherwise (the header is signed).
        parts.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
    }
    let config = crate::config::load(global)?;
    let ctx = AuthContext {
        now: SystemTime::now(),
        region: config.region().map(str::to_owned),
        requires_project_scope: false,
    };
    config
        .authenticator()
        .authenticate(&mut parts, &body, &ctx)
        .await
        .map_err(|e| CliError::Credentials(e.to_string()))?;
    tracing::info!(method = %parts.method, uri = %parts.uri, "sending request");
    let response = config
        .http_client()
        .send(http::Request::from_parts(parts, body), TIMEOUT)
        .await
        .map_err(|e| match e.kind {
            HttpErrorKind::Connect | HttpErrorKind::ConnectTimeout | HttpErrorKind::Timeout => {
                CliError::Network(e.to_string())
            }
            _ => CliError::Other(e.to_string()),
        })?;
    let (head, body) = response.into_parts();
    let mut stdout = std::io::stdout().lock();
    if args.include {
        writeln!(stdout, "{:?} {}", head.version, head.status)?;
        for (name, value) in &head.headers {
            writeln!(
                stdout,
                "{}: {}",
                crate::sign::display_name(name.as_str()),
                String::from_utf8_lossy(value.as_bytes())
            )?;
        }
        writeln!(stdout)?;
    }
    stdout.write_all(&body)?;
    stdout.flush()?;
    if head.status.is_success() {
        return Ok(());
    }
    let e = hwcloud::transport::ServiceError::parse(
        "request",
        "request",
        head.status,
        &head.headers,
        &body,
    );
    Err(CliError::Service {
        code: e.error_code,
        message: e.error_msg,
        request_id: e.request_id,
    })
}
