//! The API-gateway part: routing, authentication, error shapes.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use hwcloud_auth::{SecretString, Verifier, VerifyError};
use serde_json::{Value, json};

use crate::state::TokenScope;
use crate::sync::lock;
use crate::wire_time::iam_time;
use crate::{Shared, codeartsbuild, iam, servicestage};

/// Largest accepted request body (the gateway's 12 MB limit for signed requests).
pub(crate) const BODY_LIMIT: usize = 12 * 1024 * 1024;

/// Which service an operation belongs to (decides error shapes and token-scope rules).
#[allow(clippy::enum_variant_names)] // the services' own names
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Iam,
    CodeArtsBuild,
    ServiceStage,
}

/// What authentication an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthMode {
    /// Checked by the handler itself (IAM token creation).
    Handler,
    /// AK/SK or any valid token.
    Any,
    /// AK/SK or a project-scoped token.
    ProjectScoped,
}

struct RouteSpec {
    method: Method,
    pattern: &'static str,
    op: &'static str,
    service: Service,
    auth: AuthMode,
}

macro_rules! routes {
    ($($method:ident $pattern:literal => $op:literal, $service:ident, $auth:ident;)*) => {
        fn route_table() -> &'static [RouteSpec] {
            static TABLE: std::sync::OnceLock<Vec<RouteSpec>> = std::sync::OnceLock::new();
            TABLE.get_or_init(|| vec![$(RouteSpec {
                method: Method::$method,
                pattern: $pattern,
                op: $op,
                service: Service::$service,
                auth: AuthMode::$auth,
            }),*])
        }
    };
}

// `{}` = one path parameter. GET /assembling/v1/builds/{id} is both 0269 and 0271 (dispatched on `taskname`).
routes! {
    POST "/v3/auth/tokens" => "KeystoneCreateToken", Iam, Handler;
    GET "/v3/projects" => "KeystoneListProjects", Iam, Any;
    POST "/v3.0/OS-CREDENTIAL/securitytokens" => "CreateTemporaryAccessKey", Iam, Any;
    POST "/v3/jobs/stop" => "StopJob", CodeArtsBuild, ProjectScoped;
    POST "/v3/jobs/Stop" => "StopJob", CodeArtsBuild, ProjectScoped;
    POST "/v3/jobs/build" => "RunJob", CodeArtsBuild, ProjectScoped;
    POST "/v3/jobs/{}/{}/stop" => "StopBuildJob", CodeArtsBuild, ProjectScoped;
    POST "/v1/job/{}/stop" => "StopTheJob", CodeArtsBuild, ProjectScoped;
    POST "/v1/job/execute" => "ExecuteJob", CodeArtsBuild, ProjectScoped;
    GET "/v3/jobs/{}/status" => "ShowJobStatus", CodeArtsBuild, ProjectScoped;
    GET "/v1/job/{}/running-status" => "ShowRunningStatus", CodeArtsBuild, ProjectScoped;
    GET "/v1/job/{}/status" => "ShowJobStepStatus", CodeArtsBuild, ProjectScoped;
    GET "/v3/jobs/{}/{}/history-details" => "ShowHistoryDetails", CodeArtsBuild, ProjectScoped;
    GET "/v3/jobs/{}/history" => "ShowListHistory", CodeArtsBuild, ProjectScoped;
    GET "/v3/{}/jobs" => "ShowJobListByProjectId", CodeArtsBuild, ProjectScoped;
    GET "/v1/job/{}/list" => "ListProjectJobs", CodeArtsBuild, ProjectScoped;
    GET "/v1/job/{}/info" => "ShowJobInfo", CodeArtsBuild, ProjectScoped;
    GET "/v4/jobs/{}/{}/record-info" => "ShowRecordDetail", CodeArtsBuild, ProjectScoped;
    GET "/v3/jobs/{}/{}/output-info" => "ShowOutputInfo", CodeArtsBuild, ProjectScoped;
    GET "/v3/jobs/{}/{}/real-time-log" => "DownloadRealTimeLog", CodeArtsBuild, ProjectScoped;
    GET "/v4/{}/download-log" => "DownloadBuildLog", CodeArtsBuild, ProjectScoped;
    GET "/assembling/v1/jobs" => "ListBuildJobs", ServiceStage, ProjectScoped;
    POST "/assembling/v1/jobs" => "CreateBuildJob", ServiceStage, ProjectScoped;
    GET "/assembling/v1/jobs/{}/builds" => "ListBuilds", ServiceStage, ProjectScoped;
    POST "/assembling/v1/jobs/{}/builds" => "StartBuild", ServiceStage, ProjectScoped;
    GET "/assembling/v1/builds/{}/phases" => "ShowBuildPhases", ServiceStage, ProjectScoped;
    GET "/assembling/v1/builds/{}/logs" => "ShowBuildLogs", ServiceStage, ProjectScoped;
    GET "/assembling/v1/builds/{}/results" => "ShowBuildResults", ServiceStage, ProjectScoped;
    GET "/assembling/v1/builds/{}" => "ShowBuild", ServiceStage, ProjectScoped;
    PATCH "/assembling/v1/builds/{}" => "CancelBuild", ServiceStage, ProjectScoped;
    GET "/assembling/v1/jobs/{}" => "ShowBuildJob", ServiceStage, ProjectScoped;
    PUT "/assembling/v1/jobs/{}" => "UpdateBuildJob", ServiceStage, ProjectScoped;
    DELETE "/assembling/v1/jobs/{}" => "DeleteBuildJob", ServiceStage, ProjectScoped;
    POST "/assembling/v1/jobs/{}" => "CreateBuildInstance", ServiceStage, ProjectScoped;
}

/// A matched operation.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) op: &'static str,
    pub(crate) service: Service,
    auth: AuthMode,
    pub(crate) params: Vec<String>,
}

/// Why no operation matched.
#[derive(Debug)]
pub(crate) enum NoRoute {
    NotFound,
    MethodNotAllowed(Service),
}

fn match_pattern(pattern: &str, segments: &[&str]) -> Option<Vec<String>> {
    let pat: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    if pat.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (p, s) in pat.iter().zip(segments) {
        if *p == "{}" {
            if s.is_empty() {
                return None;
            }
            params.push((*s).to_owned());
        } else if p != s {
            return None;
        }
    }
    Some(params)
}

/// Finds the operation for a method and path.
pub(crate) fn route(method: &Method, path: &str) -> Result<Route, NoRoute> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut other_method = None;
    for spec in route_table() {
        if let Some(params) = match_pattern(spec.pattern, &segments) {
            if spec.method == *method {
                return Ok(Route {
                    op: spec.op,
                    service: spec.service,
                    auth: spec.auth,
                    params,
                });
            }
            other_method.get_or_insert(spec.service);
        }
    }
    Err(match other_method {
        Some(service) => NoRoute::MethodNotAllowed(service),
        None => NoRoute::NotFound,
    })
}

/// A response body.
#[derive(Debug)]
pub(crate) enum Body {
    Json(Value),
    Chunks(Vec<Bytes>),
    Empty,
}

/// A response before gateway headers are added.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    /// The error code, for the journal's verdict when the gateway rejected the request.
    pub(crate) gateway_code: Option<&'static str>,
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl Reply {
    pub(crate) fn json(code: u16, content_type: &'static str, body: Value) -> Reply {
        Reply {
            status: status(code),
            content_type,
            headers: Vec::new(),
            body: Body::Json(body),
            gateway_code: None,
        }
    }

    /// `{"error_code": …, "error_msg": …}`: the error body the gateway and both build services share;
    /// they differ in content type, and the gateway adds a request id.
    pub(crate) fn coded_error(
        code: u16,
        content_type: &'static str,
        error_code: &str,
        msg: &str,
    ) -> Reply {
        Reply::json(
            code,
            content_type,
            json!({"error_code": error_code, "error_msg": msg}),
        )
    }

    /// `{"error_code":"APIGW.xxxx","error_msg":…,"request_id":…}` (request id filled in on the way out).
    pub(crate) fn gateway(code: u16, error_code: &'static str, msg: impl Into<String>) -> Reply {
        let mut r = Reply::coded_error(code, "application/json", error_code, &msg.into());
        if let Body::Json(body) = &mut r.body {
            // The null marks where the way out puts the request id.
            body["request_id"] = Value::Null;
        }
        r.gateway_code = Some(error_code);
        r
    }

    /// 401 `APIGW.0301` with one of the documented message variants.
    pub(crate) fn unauthorized(detail: impl std::fmt::Display) -> Reply {
        Reply::gateway(
            401,
            "APIGW.0301",
            format!("Incorrect IAM authentication information: {detail}"),
        )
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// An error in the owning service's shape.
    pub(crate) fn service_error(service: Service, code: u16, error_code: &str, msg: &str) -> Reply {
        match service {
            Service::Iam => iam::error(code, msg),
            Service::CodeArtsBuild => codeartsbuild::error(code, error_code, msg),
            Service::ServiceStage => servicestage::error(code, error_code, msg),
        }
    }
}

/// What a handler sees.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) params: &'a [String],
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: &'a [u8],
    pub(crate) headers: &'a HeaderMap,
    /// The authenticated caller (AK or token user).
    pub(crate) principal: Option<String>,
    pub(crate) now: SystemTime,
    pub(crate) instant: Instant,
}

impl Call<'_> {
    /// A query parameter (first occurrence).
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A header value as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// An integer query parameter; `Ok(None)` when it is absent and not `required`. `invalid` puts the
    /// complaint in the service's own error shape.
    pub(crate) fn query_int<E>(
        &self,
        name: &str,
        required: bool,
        invalid: impl FnOnce(String) -> E,
    ) -> Result<Option<i64>, E> {
        match self.query(name) {
            None if required => Err(invalid(format!("{name} is required"))),
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| invalid(format!("{name} must be an integer"))),
        }
    }

    /// The `i`-th path parameter.
    pub(crate) fn param(&self, i: usize) -> &str {
        self.params.get(i).map(String::as_str).unwrap_or("")
    }

    /// The body as JSON; `None` if it is not valid JSON.
    pub(crate) fn json(&self) -> Option<Value> {
        serde_json::from_slice(self.body).ok()
    }
}

/// The string at JSON `pointer` in `v`; `None` when it is missing or not a string.
pub(crate) fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// Runs the matched operation.
pub(crate) fn dispatch(route: &Route, call: &Call<'_>) -> Reply {
    match route.service {
        Service::Iam => iam::handle(route.op, call),
        Service::CodeArtsBuild => codeartsbuild::handle(route.op, call),
        Service::ServiceStage => servicestage::handle(route.op, call),
    }
}

/// Checks the caller the way the gateway does; returns the principal (AK or token user name).
pub(crate) fn authenticate(
    shared: &Shared,
    route: &Route,
    parts: &http::request::Parts,
    body: &[u8],
    now: SystemTime,
) -> Result<Option<String>, Reply> {
    if route.auth == AuthMode::Handler {
        return Ok(None);
    }
    let headers = &parts.headers;
    if headers.contains_key(http::header::AUTHORIZATION) {
        return authenticate_signature(shared, parts, body, now).map(Some);
    }
    let Some(token) = headers.get("x-auth-token") else {
        return Err(Reply::unauthorized("x-auth-token not found"));
    };
    let token = token.to_str().unwrap_or("");
    if token.is_empty() || token.len() > 100_000 {
        return Err(Reply::unauthorized("x-auth-token not found"));
    }
    let info = lock(&shared.state).tokens.get(token).cloned();
    let Some(info) = info else {
        return Err(Reply::unauthorized("decrypt token fail"));
    };
    if info.expires_at <= now {
        return Err(Reply::unauthorized(format!(
            "token expires, expires_at: {}",
            iam_time(info.expires_at)
        )));
    }
    if route.auth == AuthMode::ProjectScoped && info.scope == TokenScope::Domain {
        return Err(Reply::unauthorized(
            "the token is domain-scoped (global); this API needs a project-scoped (region-level) token",
        ));
    }
    Ok(Some(info.user_name))
}

fn authenticate_signature(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &[u8],
    now: SystemTime,
) -> Result<String, Reply> {
    let lookup = |ak: &str| -> Option<SecretString> {
        shared.keys.get(ak).cloned().or_else(|| {
            lock(&shared.state)
                .temp_keys
                .get(ak)
                .map(|t| t.secret.clone())
        })
    };
    let verified = Verifier::default()
        .verify(parts, body, &lookup, now)
        .map_err(|e| Reply::unauthorized(verify_message(&e)))?;
    let ak = verified.access_key_id;
    let temp = lock(&shared.state).temp_keys.get(&ak).cloned();
    if let Some(temp) = temp {
        let sent = parts
            .headers
            .get("x-security-token")
            .and_then(|v| v.to_str().ok());
        let signed = verified
            .signed_headers
            .iter()
            .any(|h| h == "x-security-token");
        match sent {
            None => {
                return Err(Reply::unauthorized(
                    "verify aksk signature fail: the temporary access key needs an X-Security-Token header",
                ));
            }
            Some(t) if t != temp.security_token.expose() || !signed => {
                return Err(Reply::unauthorized(
                    "verify aksk signature fail: the signed X-Security-Token does not belong to the access key",
                ));
            }
            Some(_) => {}
        }
        if temp.expires_at <= now {
            tracing::debug!(user = %temp.user_name, "expired temporary access key");
            return Err(Reply::unauthorized(format!(
                "token expires, expires_at: {}",
                iam_time(temp.expires_at)
            )));
        }
    }
    if let Some(project) = parts.headers.get("x-project-id") {
        let project = project.to_str().unwrap_or("");
        if project != shared.project_id {
            return Err(Reply::unauthorized(format!(
                "the project {project} in X-Project-Id does not exist or does not belong to the access key"
            )));
        }
    }
    Ok(ak)
}

fn verify_message(e: &VerifyError) -> String {
    match e {
        VerifyError::UnknownAccessKey(ak) => {
            format!("Get secretKey failed,ak:{ak},err:ak not exist")
        }
        VerifyError::ClockSkew { .. } => format!("calc aksk signature fail: {e}"),
        VerifyError::SignatureMismatch {
            canonical_request, ..
        } => format!(
            "verify aksk signature fail, the canonical request the gateway computed is:\n{canonical_request}"
        ),
        other => format!("verify aksk signature fail: {other}"),
    }
}
