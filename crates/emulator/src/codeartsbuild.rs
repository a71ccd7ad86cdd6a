//! CodeArts Build (`cloudbuild-ext`) v1/v3/v4 lifecycle operations.
//!
//! Choices where the service's behaviour is not documented: unknown task/build/record → 404
//! `CB.00060404`; invalid input → 400 `CB.00060200`; stopping a build that already finished is not an
//! error, it answers the op's "did not stop" form (StopJob `{"result": false}`, StopBuildJob
//! `{"success": false, …}`, StopTheJob `{"status": "fail"}`). Page indexes start at 0.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::demo;
use crate::gateway::{Body, Call, Reply};
use crate::state::{CB_RUNNING_STEPS, CbBuild, CbJob, CbPhase, State};
use crate::sync::lock;
use crate::wire_time::{plain_time, unix_millis, ymd};

const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
const FORBIDDEN_PARAMETERS: [&str; 6] = [
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PATH",
    "BASH_ENV",
    "GIT_SSH_COMMAND",
    "path",
];

/// `{"error_code": "CB.xxxxxxxx", "error_msg": …}`.
pub(crate) fn error(code: u16, error_code: &str, msg: &str) -> Reply {
    Reply::coded_error(code, CONTENT_TYPE, error_code, msg)
}

fn invalid(msg: impl std::fmt::Display) -> Reply {
    error(400, "CB.00060200", &format!("Invalid param: {msg}"))
}

fn no_job(id: &str) -> Reply {
    error(
        404,
        "CB.00060404",
        &format!("The build task {id} does not exist"),
    )
}

fn no_build(id: &str, build_no: u32) -> Reply {
    error(
        404,
        "CB.00060404",
        &format!("Build #{build_no} of the build task {id} does not exist"),
    )
}

fn ok(v: Value) -> Reply {
    Reply::json(200, CONTENT_TYPE, v)
}

fn envelope(result: Value) -> Reply {
    ok(json!({"result": result, "error": null, "status": "success"}))
}

pub(crate) fn handle(op: &str, call: &Call<'_>) -> Reply {
    let result = match op {
        "RunJob" | "ExecuteJob" => run_job(call),
        "StopJob" => stop_job(call),
        "StopBuildJob" => stop_build_job(call),
        "StopTheJob" => stop_the_job(call),
        "ShowJobStatus" => show_job_status(call),
        "ShowRunningStatus" => show_running_status(call),
        "ShowJobStepStatus" => show_job_step_status(call),
        "ShowHistoryDetails" => show_history_details(call),
        "ShowListHistory" => show_list_history(call),
        "ShowJobListByProjectId" | "ListProjectJobs" => list_jobs(op, call),
        "ShowJobInfo" => show_job_info(call),
        "ShowRecordDetail" => show_record_detail(call),
        "ShowOutputInfo" => show_output_info(call),
        "DownloadRealTimeLog" => download_real_time_log(call),
        "DownloadBuildLog" => download_build_log(call),
        _ => Err(error(404, "CB.00060404", "Not Found")),
    };
    result.unwrap_or_else(|e| e)
}

type Result<T> = std::result::Result<T, Reply>;

fn body_json(call: &Call<'_>) -> Result<Value> {
    match call.json() {
        Some(v @ Value::Object(_)) => Ok(v),
        Some(_) => Err(invalid("the request body must be a JSON object")),
        None => Err(invalid("the request body is not valid JSON")),
    }
}

/// A build number from a path segment, query value or JSON value (string or integer).
fn build_no_from(value: &Value, field: &str) -> Result<u32> {
    let n = match value {
        Value::String(s) => s.parse::<u32>().ok(),
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        _ => None,
    };
    match n {
        Some(n) if (1..=i32::MAX as u32).contains(&n) => Ok(n),
        _ => Err(invalid(format!(
            "{field} must be a build number from 1 to 2147483647"
        ))),
    }
}

fn build_no_text(text: &str, field: &str) -> Result<u32> {
    build_no_from(&Value::String(text.to_owned()), field)
}

fn job<'s>(st: &'s State, id: &str) -> Result<&'s CbJob> {
    st.cb_jobs.get(id).ok_or_else(|| no_job(id))
}

fn build(job: &CbJob, build_no: u32) -> Result<&CbBuild> {
    job.builds
        .iter()
        .find(|b| b.build_no == build_no)
        .ok_or_else(|| no_build(&job.id, build_no))
}

fn run_job(call: &Call<'_>) -> Result<Reply> {
    let body = body_json(call)?;
    let job_id = match body.get("job_id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err(invalid("job_id must be a string")),
        None => return Err(invalid("job_id is required")),
    };
    let mut parameters = BTreeMap::new();
    match body.get("parameter") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let (Some(name), Some(value)) = (
                    item.get("name").and_then(Value::as_str),
                    item.get("value").and_then(Value::as_str),
                ) else {
                    return Err(invalid("each parameter needs string fields name and value"));
                };
                let name_ok = !name.is_empty()
                    && name.len() <= 128
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !name_ok || FORBIDDEN_PARAMETERS.contains(&name) {
                    return Err(invalid(format!("parameter name {name:?} is not allowed")));
                }
                if value.len() > 8192 {
                    return Err(invalid(format!(
                        "the value of parameter {name} is longer than 8192 characters"
                    )));
                }
                parameters.insert(name.to_owned(), value.to_owned());
            }
        }
        Some(_) => return Err(invalid("parameter must be an array")),
    }
    match body.get("scm") {
        None | Some(Value::Null) => {}
        Some(Value::Object(scm)) => {
            if scm.values().any(|v| !v.is_string()) {
                return Err(invalid(
                    "scm.build_tag and scm.build_commit_id must be strings",
                ));
            }
        }
        Some(_) => return Err(invalid("scm must be an object")),
    }
    let mut st = lock(&call.shared.state);
    // Borrowed apart so the job can stay borrowed while the ids are drawn.
    let State { cb_jobs, ids, .. } = &mut *st;
    let job = cb_jobs.get_mut(&job_id).ok_or_else(|| no_job(&job_id))?;
    let record_id = ids.uuid();
    let octopus = format!(
        "j_{}",
        ids.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            8
        )
    );
    let today = ymd(call.now);
    let build_no = job.builds.len() as u32 + 1;
    let daily = job
        .builds
        .iter()
        .filter(|b| b.daily_build_number.starts_with(&today))
        .count()
        + 1;
    let daily_build_number = format!("{today}.{daily}");
    job.builds.push(CbBuild {
        build_no,
        record_id,
        octopus_job_name: octopus.clone(),
        daily_build_number: daily_build_number.clone(),
        parameters,
        started: call.instant,
        started_at: call.now,
        stopped_after: None,
        user: call.principal.clone().unwrap_or_default(),
    });
    Ok(ok(json!({
        "octopus_job_name": octopus,
        "actual_build_number": build_no.to_string(),
        "daily_build_number": daily_build_number,
    })))
}

/// Stops a build; `Ok(true)` if it was running, `Ok(false)` if it had already finished.
fn stop(call: &Call<'_>, job_id: &str, build_no: Option<u32>) -> Result<bool> {
    let step = call.shared.build_step;
    let mut st = lock(&call.shared.state);
    let job = st.cb_jobs.get_mut(job_id).ok_or_else(|| no_job(job_id))?;
    let build = match build_no {
        Some(n) => job.builds.iter_mut().find(|b| b.build_no == n),
        None => job.builds.last_mut(),
    };
    let Some(build) = build else {
        return Err(no_build(job_id, build_no.unwrap_or(1)));
    };
    if !build.phase(call.instant, step).is_running() {
        return Ok(false);
    }
    build.stopped_after = Some(call.instant.saturating_duration_since(build.started));
    Ok(true)
}

fn stop_job(call: &Call<'_>) -> Result<Reply> {
    let body = body_json(call)?;
    let job_id = match body.get("job_id") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid("job_id must be a string")),
        None => return Err(invalid("job_id is required")),
    };
    let build_no = match body.get("build_no") {
        Some(v) => build_no_from(v, "build_no")?,
        None => return Err(invalid("build_no is required")),
    };
    let stopped = stop(call, &job_id, Some(build_no))?;
    Ok(ok(json!({ "result": stopped })))
}

fn stop_build_job(call: &Call<'_>) -> Result<Reply> {
    let build_no = build_no_text(call.param(1), "build_no")?;
    let stopped = stop(call, call.param(0), Some(build_no))?;
    Ok(ok(if stopped {
        json!({"success": true, "result": ""})
    } else {
        json!({"success": false, "result": "the build has already finished"})
    }))
}

fn stop_the_job(call: &Call<'_>) -> Result<Reply> {
    // The SDK sends build_no as a query parameter, the intl doc in the body: accept both.
    let mut build_no = match call.query("build_no") {
        Some(q) => Some(build_no_text(q, "build_no")?),
        None => None,
    };
    if build_no.is_none() && !call.body.iter().all(u8::is_ascii_whitespace) {
        let body = body_json(call)?;
        if let Some(v) = body.get("build_no") {
            build_no = Some(build_no_from(v, "build_no")?);
        }
    }
    let stopped = stop(call, call.param(0), build_no)?;
    Ok(ok(
        json!({"status": if stopped { "success" } else { "fail" }}),
    ))
}

fn show_job_status(call: &Call<'_>) -> Result<Reply> {
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let running = job
        .builds
        .last()
        .is_some_and(|b| b.phase(call.instant, call.shared.build_step).is_running());
    Ok(ok(json!({ "result": running })))
}

fn show_running_status(call: &Call<'_>) -> Result<Reply> {
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let (no, status, running) = match job.builds.last() {
        Some(b) => {
            let phase = b.phase(call.instant, call.shared.build_step);
            let status = match phase {
                CbPhase::Queued => "InQueue",
                CbPhase::Running => "Running",
                CbPhase::Success | CbPhase::Aborted => "Finished",
            };
            (b.build_no.to_string(), status, phase.is_running())
        }
        None => ("0".to_owned(), "Finished", false),
    };
    Ok(envelope(json!({
        "last_job_id": job.id,
        "last_build_no": no,
        "last_build_status": status,
        "is_running": running,
    })))
}

fn show_job_step_status(call: &Call<'_>) -> Result<Reply> {
    let build_no = match call.query("build_no") {
        Some(q) => Some(build_no_text(q, "build_no")?),
        None => None,
    };
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let b = match build_no {
        Some(n) => build(job, n)?,
        None => job.builds.last().ok_or_else(|| no_build(&job.id, 1))?,
    };
    let phase = b.phase(call.instant, call.shared.build_step);
    Ok(envelope(json!({
        "status": phase.word(),
        "abort_status": if phase == CbPhase::Aborted { "aborted" } else { "" },
        "label": "default-x86-2u8g",
    })))
}

/// The three console steps of a build and their status/time.
fn build_steps(b: &CbBuild, call: &Call<'_>) -> Value {
    let step = call.shared.build_step;
    let phase = b.phase(call.instant, step);
    let total = b.duration_ms(call.instant, step);
    let step_ms = step.as_millis() as u64;
    let names = [
        "Code checkout",
        "Build with Maven",
        "Upload to release repo",
    ];
    // Steps split the running time evenly (after one queued step).
    let running_ms = total.saturating_sub(step_ms);
    let per = (step_ms.saturating_mul(u64::from(CB_RUNNING_STEPS)) / names.len() as u64).max(1);
    let current = (running_ms / per) as usize;
    let steps: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (status, ms) = match phase {
                CbPhase::Queued => ("", 0),
                CbPhase::Success => ("success", per),
                CbPhase::Running | CbPhase::Aborted => {
                    if i < current {
                        ("success", per)
                    } else if i == current {
                        let s = if phase == CbPhase::Aborted {
                            "error"
                        } else {
                            "running"
                        };
                        (s, running_ms - per * i as u64)
                    } else {
                        ("", 0)
                    }
                }
            };
            json!({"name": name, "status": status, "build_time": ms})
        })
        .collect();
    Value::Array(steps)
}

fn show_history_details(call: &Call<'_>) -> Result<Reply> {
    let build_no = build_no_text(call.param(1), "build_number")?;
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let b = build(job, build_no)?;
    let parameters: BTreeMap<&str, &str> = b
        .parameters
        .iter()
        .map(|(k, v)| {
            let lower = k.to_ascii_lowercase();
            let sensitive = ["password", "secret", "token"]
                .iter()
                .any(|s| lower.contains(s));
            (k.as_str(), if sensitive { "*" } else { v.as_str() })
        })
        .collect();
    Ok(ok(json!({
        "job_name": job.name,
        "build_number": b.build_no,
        "project_id": demo::CODEARTS_PROJECT_ID,
        "project_name": "emulator-project",
        "parameters": parameters,
        "build_steps": build_steps(b, call),
    })))
}

fn history_record(job: &CbJob, b: &CbBuild, call: &Call<'_>) -> Value {
    let step = call.shared.build_step;
    json!({
        "record_id": b.record_id,
        "job_id": job.id,
        "build_number": b.build_no,
        "start_time": plain_time(b.started_at),
        "end_time": b.finished_at(call.instant, step).map(plain_time).unwrap_or_default(),
        "result": b.phase(call.instant, step).word(),
    })
}

fn show_list_history(call: &Call<'_>) -> Result<Reply> {
    let offset = call.query_int("offset", true, invalid)?.unwrap_or(0);
    let limit = call.query_int("limit", false, invalid)?.unwrap_or(10);
    let interval = call.query_int("interval", true, invalid)?.unwrap_or(0);
    if offset < 0 {
        return Err(invalid("offset must be 0 or more"));
    }
    if !(1..=100).contains(&limit) {
        return Err(invalid("limit must be from 1 to 100"));
    }
    if !(0..=30).contains(&interval) {
        return Err(invalid("interval must be from 0 to 30 days"));
    }
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let since = call.now - std::time::Duration::from_secs(interval as u64 * 86_400 + 86_400);
    let records: Vec<Value> = job
        .builds
        .iter()
        .rev()
        .filter(|b| b.started_at >= since)
        .map(|b| history_record(job, b, call))
        .collect();
    let total = records.len();
    let page: Vec<Value> = records
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    Ok(ok(json!({"history_records": page, "total": total})))
}

fn last_status_word(b: Option<&CbBuild>, call: &Call<'_>) -> &'static str {
    match b.map(|b| b.phase(call.instant, call.shared.build_step)) {
        None => "",
        Some(CbPhase::Queued) => "QUEUED",
        Some(CbPhase::Running) => "RUNNING",
        Some(CbPhase::Success) => "SUCCESS",
        Some(CbPhase::Aborted) => "ABORTED",
    }
}

fn job_json(job: &CbJob, call: &Call<'_>) -> Value {
    let step = call.shared.build_step;
    let last = job.builds.last();
    let user = last.map(|b| b.user.clone()).unwrap_or_default();
    json!({
        "id": job.id,
        "job_name": job.name,
        "job_creator": demo::USER_NAME,
        "user_name": demo::USER_NAME,
        "last_build_time": last.map(|b| unix_millis(b.started_at) as f64).unwrap_or(0.0),
        "health_score": 100,
        "source_code": "codehub",
        "last_build_status": last_status_word(last, call),
        "is_finished": last.is_none_or(|b| !b.phase(call.instant, step).is_running()),
        "disabled": false,
        "favorite": false,
        "is_modify": true,
        "is_delete": true,
        "is_execute": true,
        "is_copy": true,
        "is_forbidden": false,
        "is_view": true,
        "last_build_user": user,
        "trigger_type": "Manual",
        "build_time": last.map(|b| b.duration_ms(call.instant, step)).unwrap_or(0),
        "scm_web_url": "",
        "scm_type": "codehub",
        "repo_id": "",
        "build_project_id": job.id,
        "last_job_running_status": last.map(|b| b.phase(call.instant, step).word()).unwrap_or(""),
        "last_build_user_id": if user.is_empty() { String::new() } else { demo::USER_ID.to_owned() },
    })
}

fn list_jobs(op: &str, call: &Call<'_>) -> Result<Reply> {
    let project = call.param(0);
    if project.len() != 32
        || !project
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return Err(invalid(
            "project_id must be 32 digits and lower-case letters",
        ));
    }
    let page_index = call.query_int("page_index", true, invalid)?.unwrap_or(0);
    let page_size = call.query_int("page_size", true, invalid)?.unwrap_or(10);
    if page_index < 0 {
        return Err(invalid("page_index must be 0 or more"));
    }
    if !(1..=100).contains(&page_size) {
        return Err(invalid("page_size must be from 1 to 100"));
    }
    let (search, build_status, descending) = if op == "ListProjectJobs" {
        if let Some(g) = call.query("by_group")
            && g != "true"
            && g != "false"
        {
            return Err(invalid("by_group must be true or false"));
        }
        let descending = match call.query("sort_order") {
            None | Some("") | Some("asc") | Some("ASC") => false,
            Some("desc") | Some("DESC") => true,
            Some(_) => return Err(invalid("sort_order must be asc or desc")),
        };
        (call.query("search"), call.query("build_status"), descending)
    } else {
        (None, None, false)
    };
    let st = lock(&call.shared.state);
    let mut jobs: Vec<&CbJob> = if project == demo::CODEARTS_PROJECT_ID {
        st.cb_jobs.values().collect()
    } else {
        Vec::new()
    };
    jobs.retain(|j| search.is_none_or(|s| j.name.contains(s)));
    jobs.retain(|j| {
        build_status.is_none_or(|s| {
            s.is_empty() || last_status_word(j.builds.last(), call).eq_ignore_ascii_case(s)
        })
    });
    jobs.sort_by(|a, b| a.name.cmp(&b.name));
    if descending {
        jobs.reverse();
    }
    let total = jobs.len();
    let page: Vec<Value> = jobs
        .into_iter()
        .skip(page_index.saturating_mul(page_size) as usize)
        .take(page_size as usize)
        .map(|j| job_json(j, call))
        .collect();
    Ok(ok(json!({"jobs": page, "total": total})))
}

fn show_job_info(call: &Call<'_>) -> Result<Reply> {
    let step = call.shared.build_step;
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let last = job.builds.last();
    Ok(envelope(json!({
        "id": job.id,
        "project_id": job.id,
        "build_time": last.map(|b| b.duration_ms(call.instant, step)).unwrap_or(0).to_string(),
        "charge_time": "0",
        "create_time": unix_millis(job.created_at),
        "project_permission_switch": false,
        "disabled": false,
        "favorite": false,
        "new_build": true,
        "is_copy": true,
        "is_delete": true,
        "is_execute": true,
        "is_forbidden": false,
        "is_manager": true,
        "is_modify": true,
        "is_view": true,
        "source_code": "codehub",
        "running_status": last.map(|b| b.phase(call.instant, step).word()).unwrap_or(""),
        "job_name": job.name,
        "last_build_status": last_status_word(last, call),
        "last_build_time": last.map(|b| unix_millis(b.started_at)).unwrap_or(0),
        "health_score": 100,
    })))
}

fn show_record_detail(call: &Call<'_>) -> Result<Reply> {
    let build_no = build_no_text(call.param(1), "build_no")?;
    let step = call.shared.build_step;
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let b = build(job, build_no)?;
    let phase = b.phase(call.instant, step);
    let started = plain_time(b.started_at);
    let running_at = plain_time(b.started_at.checked_add(step).unwrap_or(b.started_at));
    Ok(ok(json!({"status": "success", "error": null, "result": {
        "id": b.record_id,
        "build_record_id": b.record_id,
        "parent_record_id": "",
        "devcloud_project_id": demo::CODEARTS_PROJECT_ID,
        "build_project_id": job.id,
        "codeci_job_id": job.id,
        "user_id": demo::USER_ID,
        "build_no": b.build_no,
        "daily_build_num": b.daily_build_number,
        "execution_id": b.octopus_job_name,
        "repo_name": "emulator-repo",
        "repo_id": "",
        "branch": "master",
        "tag": "",
        "commit": "",
        "commit_message": "",
        "commit_create_time": "",
        "trigger_type": "Manual",
        "build_type": "branch",
        "status": phase.word().to_ascii_uppercase(),
        "domain_id": demo::DOMAIN_ID,
        "create_time": started,
        "schedule_time": started,
        "queued_time": started,
        "start_time": if phase == CbPhase::Queued { String::new() } else { running_at.clone() },
        "runnable_time": running_at,
        "finish_time": b.finished_at(call.instant, step).map(plain_time).unwrap_or_default(),
        "duration": b.duration_ms(call.instant, step),
        "record_status": phase.word(),
        "use_private_slave": 0,
        "region": demo::REGION,
        "err_msg": if phase == CbPhase::Aborted { "aborted by user" } else { "" },
        "build_config_type": "YAML",
    }})))
}

fn show_output_info(call: &Call<'_>) -> Result<Reply> {
    let build_no = build_no_text(call.param(1), "build_no")?;
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let b = build(job, build_no)?;
    let package = if b.phase(call.instant, call.shared.build_step) == CbPhase::Success {
        json!({
            "project_id": demo::CODEARTS_PROJECT_ID,
            "name": format!("{}.jar", job.name),
            "version": b.daily_build_number,
            "package_type": "generic",
            "uri": format!("{}/{}/{}.jar", job.name, b.daily_build_number, job.name),
            "type": "release",
            "daily_build_number": b.daily_build_number,
        })
    } else {
        json!({})
    };
    Ok(ok(json!({"status": "success", "error": null, "result": {
        "package_info": package,
        "package_infos": {},
        "image_infos": {},
    }})))
}

fn download_real_time_log(call: &Call<'_>) -> Result<Reply> {
    let build_no = build_no_text(call.param(1), "build_no")?;
    let offset = call.query_int("offset", true, invalid)?.unwrap_or(0);
    let length = call
        .query_int("length", false, invalid)?
        .unwrap_or(1_000_000);
    if offset < 0 {
        return Err(invalid("offset must be 0 or more"));
    }
    if length < 1 {
        return Err(invalid("length must be 1 or more"));
    }
    let step = call.shared.build_step;
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    let b = build(job, build_no)?;
    let log = b.log(call.instant, step, &job.name);
    let start = (offset as usize).min(log.len());
    let end = start.saturating_add(length as usize).min(log.len());
    let content = &log[start..end];
    let running = b.phase(call.instant, step).is_running();
    Ok(envelope(json!({
        "has_more_data": running || end < log.len(),
        "offset": end,
        "content": content,
        "current_offset": start,
    })))
}

fn download_build_log(call: &Call<'_>) -> Result<Reply> {
    let record_id = call.param(0);
    let level = call.query("log_level").unwrap_or("INFO");
    if level != "INFO" && level != "DEBUG" {
        return Err(invalid("log_level must be INFO or DEBUG"));
    }
    let st = lock(&call.shared.state);
    let Some((job, b)) = st.cb_build_by_record(record_id) else {
        return Err(error(
            404,
            "CB.00060404",
            &format!("The build record {record_id} does not exist"),
        ));
    };
    let mut log = b.log(call.instant, call.shared.build_step, &job.name);
    if level == "DEBUG" {
        log = format!(
            "[DEBUG] record {record_id}, executor {}\n{log}",
            b.octopus_job_name
        );
    }
    // Several chunks, as a streamed download arrives.
    let chunks: Vec<Bytes> = log
        .as_bytes()
        .chunks(64)
        .map(Bytes::copy_from_slice)
        .collect();
    let mut reply = Reply::json(200, "application/octet-stream", Value::Null);
    reply.body = if chunks.is_empty() {
        Body::Empty
    } else {
        Body::Chunks(chunks)
    };
    Ok(reply)
}
