//! The listener: one hyper connection task per client, so a `drop` fault can close a connection
//! without answering.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::Shared;
use crate::fault::Fault;
use crate::gateway::{self, BODY_LIMIT, Body, Call, NoRoute, Reply, Service};
use crate::journal::{JournalEntry, Verdict, redact_body, redact_header};
use crate::query::parse_query;
use crate::sync::lock;

type RespBody = BoxBody<Bytes, std::io::Error>;

/// Accepts connections until `shutdown` changes (or its sender is dropped).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let shared = Arc::clone(&shared);
                let mut closing = shutdown.clone();
                tokio::spawn(async move {
                    let kill = Arc::new(Notify::new());
                    let kill_in_service = Arc::clone(&kill);
                    let service = service_fn(move |req| {
                        let shared = Arc::clone(&shared);
                        let kill = Arc::clone(&kill_in_service);
                        async move { Ok::<_, Infallible>(handle(shared, kill, req).await) }
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::select! {
                        _ = conn => {}
                        _ = kill.notified() => {}
                        _ = closing.changed() => {}
                    }
                });
            }
        }
    }
}

fn full(bytes: impl Into<Bytes>) -> RespBody {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

/// Body for `Fault::Malformed`: starts like JSON, is not JSON.
const MALFORMED: &str = "{\"result\": {\"status\": \"success\", \"error\": nul<html>\u{1}";

async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Response<RespBody> {
    let (parts, incoming) = req.into_parts();
    let now = shared.now();
    let instant = shared.build_instant();
    let request_id = lock(&shared.state).random.hex(32);
    let path = parts.uri.path().to_owned();
    let mut entry = JournalEntry {
        seq: 0,
        request_id: request_id.clone(),
        method: parts.method.as_str().to_owned(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let v = String::from_utf8_lossy(v.as_bytes());
                (n.as_str().to_owned(), redact_header(n.as_str(), &v))
            })
            .collect(),
        body: String::new(),
        principal: None,
        operation: None,
        verdict: Verdict::Accepted,
        status: None,
        fault: None,
    };

    // Body, bounded so an oversized or endless upload cannot exhaust memory.
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        None
    } else {
        match Limited::new(incoming, BODY_LIMIT).collect().await {
            Ok(b) => Some(b.to_bytes()),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => None,
            Err(_) => {
                let reply = Reply::gateway(
                    400,
                    "APIGW.0201",
                    "Bad request: the request body could not be read",
                );
                return finish(&shared, entry, reply, None, &request_id);
            }
        }
    };
    let Some(body) = body else {
        let reply = Reply::gateway(413, "APIGW.0201", "Request entity too large");
        return finish(&shared, entry, reply, None, &request_id);
    };
    entry.body = redact_body(&body);

    // Faults.
    let decision = lock(&shared.faults).decide(&entry.method, &path);
    if !decision.latency.is_zero() {
        entry.fault = Some(Fault::Latency(decision.latency).to_string());
        tokio::time::sleep(decision.latency).await;
    }
    let mut post_fault = None;
    if let Some(fault) = decision.fault {
        entry.fault = Some(fault.to_string());
        let preempt = match &fault {
            Fault::Throttle { retry_after_secs } => Some(
                Reply::gateway(
                    429,
                    "APIGW.0308",
                    "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second",
                )
                .with_header("retry-after", retry_after_secs.to_string()),
            ),
            Fault::InternalError => Some(internal_error(&path)),
            Fault::Unavailable => Some(Reply::gateway(
                503,
                "APIGW.0201",
                "Service Unavailable: the backend is temporarily unavailable",
            )),
            Fault::Drop => {
                entry.verdict = Verdict::Faulted {
                    fault: fault.to_string(),
                };
                entry.operation = gateway::route(&parts.method, &path).ok().map(|r| r.op.to_owned());
                push_journal(&shared, entry);
                kill.notify_one();
                // The connection task drops this future together with the connection.
                std::future::pending::<()>().await;
                return Response::new(full(Bytes::new()));
            }
            Fault::Truncate | Fault::Malformed | Fault::Latency(_) => None,
        };
        if let Some(reply) = preempt {
            entry.verdict = Verdict::Faulted {
                fault: fault.to_string(),
            };
            entry.operation = gateway::route(&parts.method, &path)
                .ok()
                .map(|r| r.op.to_owned());
            return finish(&shared, entry, reply, None, &request_id);
        }
        post_fault = Some(fault);
    }

    // Routing, authentication, the operation.
    let route = match gateway::route(&parts.method, &path) {
        Ok(r) => r,
        Err(NoRoute::NotFound) => {
            let reply = Reply::gateway(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
            );
            return finish(&shared, entry, reply, post_fault, &request_id);
        }
        Err(NoRoute::MethodNotAllowed(service)) => {
            let (code, msg) = match service {
                Service::CodeArtsBuild => (
                    "CB.00060405",
                    format!("Request method '{}' not supported", entry.method),
                ),
                Service::ServiceStage => (
                    "SVCSTG.00100405",
                    format!("Request method '{}' not supported", entry.method),
                ),
                Service::Iam => (
                    "",
                    format!(
                        "The method {} is not allowed for the requested URL.",
                        entry.method
                    ),
                ),
            };
            let reply = Reply::service_error(service, 405, code, &msg);
            return finish(&shared, entry, reply, post_fault, &request_id);
        }
    };
    entry.operation = Some(route.op.to_owned());
    let principal = match gateway::authenticate(&shared, &route, &parts, &body, now) {
        Ok(p) => p,
        Err(reply) => {
            return finish(
                &shared,
                entry,
                iam_trace(route.service, reply, &request_id),
                post_fault,
                &request_id,
            );
        }
    };
    entry.principal = principal.clone();
    let call = Call {
        shared: &shared,
        params: &route.params,
        query: parse_query(parts.uri.query()),
        body: &body,
        headers: &parts.headers,
        principal,
        now,
        instant,
    };
    let reply = gateway::dispatch(&route, &call);
    if route.op == "KeystoneCreateToken" && reply.status == StatusCode::CREATED {
        entry.principal = call.principal.clone().or_else(|| token_user(&call));
    }
    let reply = iam_trace(route.service, reply, &request_id);
    finish(&shared, entry, reply, post_fault, &request_id)
}

/// The user name in a password token request (for the journal).
fn token_user(call: &Call<'_>) -> Option<String> {
    let v = call.json()?;
    let id = v.pointer("/auth/identity")?;
    id.pointer("/password/user/name")
        .or_else(|| id.pointer("/assume_role/agency_name"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn iam_trace(service: Service, reply: Reply, request_id: &str) -> Reply {
    if service == Service::Iam {
        reply.with_header("x-iam-trace-id", format!("{request_id}-iam"))
    } else {
        reply
    }
}

fn internal_error(path: &str) -> Reply {
    let service = if path.starts_with("/assembling/") {
        Service::ServiceStage
    } else if path.starts_with("/v3/auth")
        || path.starts_with("/v3/projects")
        || path.starts_with("/v3.0/")
    {
        Service::Iam
    } else {
        Service::CodeArtsBuild
    };
    let code = match service {
        Service::ServiceStage => "SVCSTG.00100500",
        _ => "CB.00000500",
    };
    Reply::service_error(service, 500, code, "Internal server error")
}

fn push_journal(shared: &Shared, entry: JournalEntry) {
    lock(&shared.journal).push(entry);
}

/// Adds the gateway headers, applies body faults, journals.
fn finish(
    shared: &Shared,
    mut entry: JournalEntry,
    reply: Reply,
    post_fault: Option<Fault>,
    request_id: &str,
) -> Response<RespBody> {
    if let Some(code) = reply.gateway_code
        && matches!(entry.verdict, Verdict::Accepted)
    {
        entry.verdict = Verdict::Rejected {
            code: code.to_owned(),
        };
    }
    entry.status = Some(reply.status.as_u16());
    let mut content_type = reply.content_type;
    let mut chunks = match reply.body {
        Body::Json(mut v) => {
            if let Some(obj) = v.as_object_mut()
                && obj.get("request_id").is_some_and(Value::is_null)
            {
                obj.insert("request_id".into(), Value::String(request_id.to_owned()));
            }
            vec![Bytes::from(v.to_string())]
        }
        Body::Chunks(c) => c,
        Body::Empty => Vec::new(),
    };
    let mut truncate_to = None;
    match post_fault {
        Some(Fault::Malformed) => {
            chunks = vec![Bytes::from_static(MALFORMED.as_bytes())];
            content_type = "application/json;charset=UTF-8";
        }
        Some(Fault::Truncate) => {
            let all: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
            let declared = all.len().max(2);
            truncate_to = Some((Bytes::from(all[..all.len() / 2].to_vec()), declared));
        }
        _ => {}
    }
    let streamed = chunks.len() > 1;
    let body: RespBody = if let Some((partial, _)) = &truncate_to {
        let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
            Ok(Frame::data(partial.clone())),
            Err(std::io::Error::other("injected truncation")),
        ];
        BodyExt::boxed(StreamBody::new(futures_util::stream::iter(frames)))
    } else if streamed {
        let frames: Vec<Result<Frame<Bytes>, std::io::Error>> =
            chunks.into_iter().map(|c| Ok(Frame::data(c))).collect();
        BodyExt::boxed(StreamBody::new(futures_util::stream::iter(frames)))
    } else {
        full(chunks.into_iter().next().unwrap_or_default())
    };
    let mut response = Response::new(body);
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    if reply.status != StatusCode::NO_CONTENT {
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        );
    }
    if let Some((_, declared)) = truncate_to {
        headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(declared));
    }
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(shared.now())) {
        headers.insert(http::header::DATE, v);
    }
    push_journal(shared, entry);
    response
}
