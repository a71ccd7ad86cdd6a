//! IAM: tokens (`POST /v3/auth/tokens`), project discovery (`GET /v3/projects`) and temporary
//! credentials (`POST /v3.0/OS-CREDENTIAL/securitytokens`).

use std::time::Duration;

use serde_json::{Value, json};

use crate::gateway::{Call, Reply, str_at};
use crate::ids::derived_hex_id;
use crate::state::{TokenInfo, TokenScope};
use crate::sync::lock;
use crate::wire_time::iam_time;
use crate::{Shared, demo};

const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// How long a token is valid: IAM's 24 hours, whether issued over HTTP or by `Emulator::issue_token`.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A Keystone-shaped error: `{"error":{"code":401,"message":…,"title":"Unauthorized"}}`.
pub(crate) fn error(code: u16, message: &str) -> Reply {
    let title = match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    Reply::json(
        code,
        CONTENT_TYPE,
        json!({"error": {"code": code, "message": message, "title": title}}),
    )
}

pub(crate) fn handle(op: &str, call: &Call<'_>) -> Reply {
    match op {
        "KeystoneCreateToken" => create_token(call),
        "KeystoneListProjects" => list_projects(call),
        "CreateTemporaryAccessKey" => create_temporary_key(call),
        _ => error(404, "Not Found"),
    }
}

fn base_url(call: &Call<'_>) -> String {
    match call.header("host") {
        Some(h) => format!("http://{h}"),
        None => format!("http://{}", call.shared.addr),
    }
}

/// A valid (known, unexpired) token from `X-Auth-Token`.
fn caller_token(call: &Call<'_>, fallback: Option<&str>) -> Result<TokenInfo, Reply> {
    let token = call.header("x-auth-token").or(fallback).unwrap_or("");
    let info = lock(&call.shared.state).tokens.get(token).cloned();
    match info {
        Some(t) if t.expires_at > call.now => Ok(t),
        Some(_) => Err(error(401, "The token has expired.")),
        None => Err(error(
            401,
            "The request you have made requires authentication.",
        )),
    }
}

fn domain_matches(shared: &Shared, v: &Value, name_ptr: &str, id_ptr: &str) -> bool {
    str_at(v, name_ptr) == Some(shared.domain.as_str())
        || str_at(v, id_ptr) == Some(demo::DOMAIN_ID)
}

fn create_token(call: &Call<'_>) -> Reply {
    let shared = call.shared;
    let Some(v) = call.json() else {
        return error(400, "The request body is invalid.");
    };
    let Some(identity) = v.pointer("/auth/identity") else {
        return error(
            400,
            "Invalid input for field 'identity': 'identity' is a required property.",
        );
    };
    let methods: Vec<&str> = match identity.get("methods").and_then(Value::as_array) {
        Some(m) if m.iter().all(Value::is_string) => m.iter().filter_map(Value::as_str).collect(),
        _ => {
            return error(
                400,
                "Invalid input for field 'methods': an array of strings is required.",
            );
        }
    };
    let (user_name, user_id, assumed_by) = match methods.as_slice() {
        ["password"] | ["password", "totp"] => {
            let (Some(domain), Some(name), Some(password)) = (
                str_at(identity, "/password/user/domain/name"),
                str_at(identity, "/password/user/name"),
                str_at(identity, "/password/user/password"),
            ) else {
                return error(
                    400,
                    "Invalid input for field 'password.user': domain.name, name and password are required strings.",
                );
            };
            let known = domain == shared.domain
                && shared
                    .users
                    .iter()
                    .any(|(u, p)| u == name && p.expose() == password);
            if !known {
                return error(401, "The username or password is wrong.");
            }
            let user_id = Shared::user_id(name);
            if methods.len() == 2 {
                let (Some(id), Some(passcode)) = (
                    str_at(identity, "/totp/user/id"),
                    str_at(identity, "/totp/user/passcode"),
                ) else {
                    return error(
                        400,
                        "Invalid input for field 'totp.user': id and passcode are required strings.",
                    );
                };
                if id != user_id || passcode != demo::TOTP_PASSCODE {
                    return error(401, "The verification code is incorrect.");
                }
            }
            (name.to_owned(), user_id, None)
        }
        ["assume_role"] => {
            let caller = match caller_token(call, None) {
                Ok(t) => t,
                Err(r) => return r,
            };
            let Some(agency) = str_at(identity, "/assume_role/agency_name") else {
                return error(
                    400,
                    "Invalid input for field 'assume_role': agency_name is a required string.",
                );
            };
            if !domain_matches(
                shared,
                identity,
                "/assume_role/domain_name",
                "/assume_role/domain_id",
            ) {
                return error(
                    400,
                    "Invalid input for field 'assume_role': domain_name or domain_id of an existing account is required.",
                );
            }
            if agency != demo::AGENCY_NAME {
                return error(
                    403,
                    "You have no permission to assume this agency, or it does not exist.",
                );
            }
            (
                format!("{}/{agency}", shared.domain),
                derived_hex_id(&format!("agency:{agency}")),
                Some((caller.user_name, caller.user_id)),
            )
        }
        ["token"] => {
            let caller = match caller_token(call, str_at(identity, "/token/id")) {
                Ok(t) => t,
                Err(r) => return r,
            };
            (caller.user_name, caller.user_id, caller.assumed_by)
        }
        _ => {
            return error(
                400,
                "Unsupported identity method; use password, password+totp, assume_role or token.",
            );
        }
    };
    let scope = if let Some(project) = v.pointer("/auth/scope/project") {
        let by_id = str_at(project, "/id").map(|id| id == shared.project_id);
        let by_name = str_at(project, "/name").map(|n| n == demo::REGION);
        match by_id.or(by_name) {
            Some(true) => TokenScope::Project,
            Some(false) => {
                return error(
                    401,
                    "The project does not exist or the user has no access to it.",
                );
            }
            None => {
                return error(
                    400,
                    "Invalid input for field 'scope.project': id or name is required.",
                );
            }
        }
    } else if let Some(domain) = v.pointer("/auth/scope/domain") {
        if domain.get("id").is_none() && domain.get("name").is_none() {
            return error(
                400,
                "Invalid input for field 'scope.domain': id or name is required.",
            );
        }
        if !domain_matches(shared, domain, "/name", "/id") {
            return error(
                401,
                "The domain does not exist or the user has no access to it.",
            );
        }
        TokenScope::Domain
    } else {
        return error(
            400,
            "Invalid input for field 'scope': a project or domain scope is required.",
        );
    };
    let issued_at = call.now;
    let info = TokenInfo {
        user_name: user_name.clone(),
        user_id: user_id.clone(),
        scope,
        issued_at,
        expires_at: issued_at + TOKEN_LIFETIME,
        assumed_by: assumed_by.clone(),
    };
    let token = shared.issue_token(info.clone());
    let domain = json!({"name": shared.domain, "id": demo::DOMAIN_ID});
    let mut body = json!({
        "expires_at": iam_time(info.expires_at),
        "issued_at": iam_time(info.issued_at),
        "methods": methods,
        "roles": [{"name": "te_admin", "id": "0"}, {"name": "op_gated_codearts", "id": "0"}],
        "user": {"name": user_name, "id": user_id, "password_expires_at": "", "domain": domain},
    });
    match scope {
        TokenScope::Project => {
            body["project"] =
                json!({"name": demo::REGION, "id": shared.project_id, "domain": domain});
        }
        TokenScope::Domain => body["domain"] = domain.clone(),
    }
    if let Some((name, id)) = assumed_by {
        body["assumed_by"] =
            json!({"user": {"name": name, "id": id, "password_expires_at": "", "domain": domain}});
    }
    if call.query("nocatalog").is_none_or(str::is_empty) {
        let base = base_url(call);
        body["catalog"] = json!([
            catalog_entry("identity", "iam", &base),
            catalog_entry("codearts-build", "cloudbuild-ext", &base),
            catalog_entry("servicestage", "servicestage", &base),
        ]);
    }
    Reply::json(201, CONTENT_TYPE, json!({ "token": body })).with_header("x-subject-token", token)
}

fn catalog_entry(kind: &str, name: &str, base: &str) -> Value {
    let id = derived_hex_id(name);
    json!({"type": kind, "id": id, "name": name, "endpoints": [{
        "url": base, "region": demo::REGION, "region_id": demo::REGION, "interface": "public", "id": derived_hex_id(base)
    }]})
}

fn list_projects(call: &Call<'_>) -> Reply {
    let shared = call.shared;
    let base = base_url(call);
    let project = json!({
        "id": shared.project_id,
        "name": demo::REGION,
        "domain_id": demo::DOMAIN_ID,
        "parent_id": demo::DOMAIN_ID,
        "enabled": true,
        "is_domain": false,
        "description": "",
        "links": {"self": format!("{base}/v3/projects/{}", shared.project_id)},
    });
    let keep = call.query("name").is_none_or(|n| n == demo::REGION)
        && call.query("domain_id").is_none_or(|d| d == demo::DOMAIN_ID)
        && call.query("enabled").is_none_or(|e| e == "true")
        && call.query("is_domain").is_none_or(|e| e == "false");
    let projects = if keep { vec![project] } else { Vec::new() };
    let query = call
        .query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let self_link = if query.is_empty() {
        format!("{base}/v3/projects")
    } else {
        format!("{base}/v3/projects?{query}")
    };
    Reply::json(
        200,
        CONTENT_TYPE,
        json!({"projects": projects, "links": {"self": self_link, "previous": null, "next": null}}),
    )
}

fn create_temporary_key(call: &Call<'_>) -> Reply {
    let shared = call.shared;
    let Some(v) = call.json() else {
        return error(400, "The request body is invalid.");
    };
    let Some(identity) = v.pointer("/auth/identity") else {
        return error(
            400,
            "Invalid input for field 'identity': 'identity' is a required property.",
        );
    };
    let methods: Vec<&str> = identity
        .get("methods")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let duration_ptr = match methods.as_slice() {
        ["token"] => "/token/duration_seconds",
        ["assume_role"] => {
            if str_at(identity, "/assume_role/agency_name") != Some(demo::AGENCY_NAME) {
                return error(
                    403,
                    "You have no permission to assume this agency, or it does not exist.",
                );
            }
            if !domain_matches(
                shared,
                identity,
                "/assume_role/domain_name",
                "/assume_role/domain_id",
            ) {
                return error(
                    400,
                    "Invalid input for field 'assume_role': domain_name or domain_id of an existing account is required.",
                );
            }
            "/assume_role/duration_seconds"
        }
        _ => {
            return error(
                400,
                "Invalid input for field 'methods': use [\"token\"] or [\"assume_role\"].",
            );
        }
    };
    let duration = match identity.pointer(duration_ptr) {
        None => 900,
        Some(d) => match d.as_u64() {
            Some(d) if (900..=86_400).contains(&d) => d,
            _ => {
                return error(
                    400,
                    "Invalid input for field 'duration_seconds': an integer from 900 to 86400 is required.",
                );
            }
        },
    };
    let user = call
        .principal
        .clone()
        .unwrap_or_else(|| demo::USER_NAME.to_owned());
    let expires_at = call.now + Duration::from_secs(duration);
    let (ak, sk, token) = shared.issue_temp_key(&user, expires_at);
    Reply::json(
        201,
        CONTENT_TYPE,
        json!({"credential": {
            "access": ak,
            "secret": sk.expose(),
            "securitytoken": token.expose(),
            "expires_at": iam_time(expires_at),
        }}),
    )
}
