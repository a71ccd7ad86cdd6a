//! Shared plumbing for IAM calls: endpoints, request building, response/error handling.

use std::time::Duration;

use super::CredentialsError;
use super::http_client::HttpClient;

/// The global IAM endpoint (official SDK default).
pub const GLOBAL_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// How long an IAM call may take.
pub(crate) const IAM_TIMEOUT: Duration = Duration::from_secs(30);

/// Regions with a regional IAM endpoint in the official core's table (iam.md §1).
/// The regions of the official IAM region table (`eu-west-101` is served from `.myhuaweicloud.eu`).
pub const IAM_REGIONS: &[&str] = &[
    "eu-west-101",
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

/// The IAM endpoint for `region`: `https://iam.<region>.myhuaweicloud.com` for regions in the official
/// table, `eu-west-101` on `.myhuaweicloud.eu`, else the global endpoint.
///
/// ```
/// assert_eq!(hwcloud_auth::iam_endpoint_for_region("cn-north-4"), "https://iam.cn-north-4.myhuaweicloud.com");
/// assert_eq!(hwcloud_auth::iam_endpoint_for_region("xx-nowhere-1"), "https://iam.myhuaweicloud.com");
/// ```
pub fn iam_endpoint_for_region(region: &str) -> String {
    if region == "eu-west-101" {
        "https://iam.eu-west-101.myhuaweicloud.eu".to_owned()
    } else if IAM_REGIONS.contains(&region) {
        format!("https://iam.{region}.myhuaweicloud.com")
    } else {
        GLOBAL_IAM_ENDPOINT.to_owned()
    }
}

/// An endpoint without trailing slashes, checked to be an absolute http(s) URL.
pub(crate) fn normalize_endpoint(field: &str, endpoint: &str) -> Result<String, CredentialsError> {
    let e = endpoint.trim().trim_end_matches('/');
    let uri: http::Uri = e
        .parse()
        .map_err(|err| CredentialsError::invalid_input(field, format!("{e:?}: {err}")))?;
    match (uri.scheme_str(), uri.authority()) {
        (Some("http" | "https"), Some(_)) if uri.path() == "/" || uri.path().is_empty() => {
            Ok(e.to_owned())
        }
        _ => Err(CredentialsError::invalid_input(
            field,
            format!("{e:?} is not an http(s) URL without a path"),
        )),
    }
}

/// Sends one request; a non-2xx status becomes an IAM refusal with IAM's own code/message and trace id.
pub(crate) async fn send(
    http: &dyn HttpClient,
    request: http::Request<Vec<u8>>,
    timeout: Duration,
    what: &str,
) -> Result<http::Response<Vec<u8>>, CredentialsError> {
    let response = http
        .send(request, timeout)
        .await
        .map_err(|e| CredentialsError::http(what, &e))?;
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(CredentialsError::iam_refused(
            what,
            response.status(),
            response.body(),
            trace_id(&response),
        ))
    }
}

/// Signs an IAM request with AK/SK at `now` (the calls made with access keys rather than a token).
pub(crate) fn sign(
    signer: &crate::Signer,
    request: http::Request<Vec<u8>>,
    credentials: &crate::AccessKeyCredentials,
    now: std::time::SystemTime,
    what: &str,
) -> Result<http::Request<Vec<u8>>, CredentialsError> {
    let (mut parts, body) = request.into_parts();
    signer
        .sign_parts(&mut parts, &body, credentials, now)
        .map_err(|e| {
            CredentialsError::with_kind(
                super::CredentialsErrorKind::Signing,
                format!("{what}: cannot sign the request: {e}"),
            )
        })?;
    Ok(http::Request::from_parts(parts, body))
}

/// The `X-IAM-Trace-Id` header of a response.
pub(crate) fn trace_id(response: &http::Response<Vec<u8>>) -> Option<String> {
    response
        .headers()
        .get("x-iam-trace-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A JSON POST to IAM (`Content-Type: application/json;charset=UTF-8`, as the official SDK sends).
/// The JSON value (which may hold a password) is wiped once serialized.
pub(crate) fn json_post(
    url: &str,
    mut body: serde_json::Value,
) -> Result<http::Request<Vec<u8>>, CredentialsError> {
    let bytes = serde_json::to_vec(&body);
    wipe_json(&mut body);
    let bytes = bytes.map_err(|e| CredentialsError::invalid_input("request body", e))?;
    http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json;charset=UTF-8")
        .header(http::header::USER_AGENT, user_agent())
        .body(bytes)
        .map_err(|e| CredentialsError::invalid_input("IAM endpoint", format!("{url:?}: {e}")))
}

pub(crate) fn user_agent() -> &'static str {
    concat!("hwcloud-rs-auth/", env!("CARGO_PKG_VERSION"))
}

/// A header value carrying a secret, marked sensitive so HTTP clients do not log it.
pub(crate) fn secret_header(
    name: &str,
    secret: &crate::SecretString,
) -> Result<http::HeaderValue, CredentialsError> {
    let mut v = http::HeaderValue::from_str(secret.expose()).map_err(|_| {
        CredentialsError::invalid_input(name, "contains characters not allowed in a header")
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Overwrites every string in a JSON value (secrets parsed from or destined for IAM) before it is dropped.
pub(crate) fn wipe_json(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(wipe_json),
        _ => {}
    }
}
