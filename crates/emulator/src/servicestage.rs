//! ServiceStage build APIs (`/assembling/v1`, 14 operations).
//!
//! Choices where the docs are silent: unknown job/build → 404 `SVCSTG.00100404`; invalid input and
//! canceling a build that already finished → 400 `SVCSTG.00100400`; page numbers start at 1.

use serde_json::{Map, Value, json};

use crate::gateway::{Body, Call, Reply, str_at};
use crate::state::{SS_PHASES, SsBuild, SsJob, State};
use crate::sync::lock;
use crate::wire_time::servicestage_time;

const CONTENT_TYPE: &str = "application/json";

/// `{"error_code": "SVCSTG.00100400", "error_msg": …}`.
pub(crate) fn error(code: u16, error_code: &str, msg: &str) -> Reply {
    Reply::coded_error(code, CONTENT_TYPE, error_code, msg)
}

fn invalid(msg: impl std::fmt::Display) -> Reply {
    error(400, "SVCSTG.00100400", &format!("Bad request: {msg}"))
}

fn not_found(what: &str, id: &str) -> Reply {
    error(
        404,
        "SVCSTG.00100404",
        &format!("The {what} {id} does not exist"),
    )
}

fn ok(v: Value) -> Reply {
    Reply::json(200, CONTENT_TYPE, v)
}

type Result<T> = std::result::Result<T, Reply>;

/// The spec of a job created at start.
pub(crate) fn default_spec(name: &str) -> Value {
    json!({
        "job_name": name,
        "job_description": "",
        "environment_setting": {"use_public_cluster": true, "build_os": {"arch": "x86_64"}},
        "code_repo": {"type": "Gitlab", "url": "https://gitlab.example.invalid/demo/app.git", "branch": "master", "namespace": "demo"},
        "enterprise_project_id": "0",
    })
}

pub(crate) fn handle(op: &str, call: &Call<'_>) -> Reply {
    let result = match op {
        "ListBuildJobs" => list_jobs(call),
        "CreateBuildJob" => create_job(call),
        "ListBuilds" => list_builds(call),
        "StartBuild" => start_build(call, false),
        "CreateBuildInstance" => start_build(call, true),
        "ShowBuildPhases" => phases(call),
        "ShowBuildLogs" => logs(call),
        "ShowBuildResults" => results(call),
        "ShowBuild" => match call.query("taskname") {
            Some(task) => task_info(call, task),
            None => show_build(call),
        },
        "CancelBuild" => cancel(call),
        "ShowBuildJob" => show_job(call),
        "UpdateBuildJob" => update_job(call),
        "DeleteBuildJob" => delete_job(call),
        _ => Err(not_found("operation", op)),
    };
    result.unwrap_or_else(|e| e)
}

fn build<'s>(st: &'s State, id: &str) -> Result<&'s SsBuild> {
    st.ss_builds.get(id).ok_or_else(|| not_found("build", id))
}

fn job<'s>(st: &'s State, id: &str) -> Result<&'s SsJob> {
    st.ss_jobs.get(id).ok_or_else(|| not_found("build job", id))
}

fn list_jobs(call: &Call<'_>) -> Result<Reply> {
    let page = call.query_int("page", true, invalid)?.unwrap_or(1);
    let per_page = call.query_int("per_page", true, invalid)?.unwrap_or(10);
    if page < 1 {
        return Err(invalid("page must be 1 or more"));
    }
    if !(1..=1000).contains(&per_page) {
        return Err(invalid("per_page must be from 1 to 1000"));
    }
    let name = call.query("job_name").filter(|n| !n.is_empty());
    let st = lock(&call.shared.state);
    let jobs: Vec<&SsJob> = st
        .ss_jobs
        .values()
        .filter(|j| name.is_none_or(|n| j.name.contains(n)))
        .collect();
    let total = jobs.len();
    let list: Vec<Value> = jobs
        .into_iter()
        .skip((page - 1).saturating_mul(per_page) as usize)
        .take(per_page as usize)
        .map(|j| json!({"job_id": j.id, "job_name": j.name}))
        .collect();
    Ok(ok(
        json!({"total": total, "per_page": per_page, "page": page, "list": list}),
    ))
}

/// Validates a job spec (0275/0272 body).
fn validate_spec(v: &Value) -> Result<String> {
    let Some(obj) = v.as_object() else {
        return Err(invalid("the request body must be a JSON object"));
    };
    let name = match obj.get("job_name") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid("job_name must be a string")),
        None => return Err(invalid("job_name is required")),
    };
    let bytes = name.as_bytes();
    let name_ok = (2..=64).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_');
    if !name_ok {
        return Err(invalid(
            "job_name must be 2-64 letters, digits, '-' or '_', start with a letter and end with a letter or digit",
        ));
    }
    if obj
        .get("job_description")
        .is_some_and(|d| d.as_str().is_none_or(|d| d.chars().count() > 64))
    {
        return Err(invalid(
            "job_description must be a string of at most 64 characters",
        ));
    }
    match obj.get("environment_setting") {
        Some(Value::Object(env)) => {
            if let Some(os) = env.get("build_os") {
                match os.get("arch").and_then(Value::as_str) {
                    Some("x86_64") | Some("aarch64") | None => {}
                    Some(_) => {
                        return Err(invalid(
                            "environment_setting.build_os.arch must be x86_64 or aarch64",
                        ));
                    }
                }
            }
            if env
                .get("use_public_cluster")
                .is_some_and(|b| !b.is_boolean())
            {
                return Err(invalid(
                    "environment_setting.use_public_cluster must be a boolean",
                ));
            }
        }
        Some(_) => return Err(invalid("environment_setting must be an object")),
        None => return Err(invalid("environment_setting is required")),
    }
    if let Some(repo) = obj.get("code_repo") {
        for field in ["type", "url", "branch", "namespace"] {
            if repo.get(field).and_then(Value::as_str).is_none() {
                return Err(invalid(format!(
                    "code_repo.{field} is required and must be a string"
                )));
            }
        }
    }
    Ok(name)
}

fn job_json(job: &SsJob) -> Value {
    json!({
        "job_id": job.id,
        "enterprise_project_id": job.enterprise_project_id,
        "creator": {"name": job.creator},
        "spec": job.spec,
        "last_build_id": job.builds.last().cloned().unwrap_or_default(),
    })
}

fn create_job(call: &Call<'_>) -> Result<Reply> {
    let spec = call
        .json()
        .ok_or_else(|| invalid("the request body is not valid JSON"))?;
    let name = validate_spec(&spec)?;
    let mut st = lock(&call.shared.state);
    if st
        .ss_jobs
        .values()
        .any(|j| j.name.eq_ignore_ascii_case(&name))
    {
        return Err(invalid(format!("a build job named {name} already exists")));
    }
    let id = st.ids.lower_alnum(40);
    let job = SsJob {
        id: id.clone(),
        name,
        enterprise_project_id: spec
            .get("enterprise_project_id")
            .and_then(Value::as_str)
            .unwrap_or("0")
            .to_owned(),
        spec,
        creator: call.principal.clone().unwrap_or_default(),
        builds: Vec::new(),
    };
    let body = job_json(&job);
    st.ss_jobs.insert(id, job);
    Ok(ok(body))
}

fn update_job(call: &Call<'_>) -> Result<Reply> {
    let spec = call
        .json()
        .ok_or_else(|| invalid("the request body is not valid JSON"))?;
    let name = validate_spec(&spec)?;
    let mut st = lock(&call.shared.state);
    let id = call.param(0);
    let job = st
        .ss_jobs
        .get_mut(id)
        .ok_or_else(|| not_found("build job", id))?;
    job.name = name;
    if let Some(ep) = spec.get("enterprise_project_id").and_then(Value::as_str) {
        job.enterprise_project_id = ep.to_owned();
    }
    job.spec = spec;
    Ok(ok(job_json(job)))
}

fn delete_job(call: &Call<'_>) -> Result<Reply> {
    let mut st = lock(&call.shared.state);
    let id = call.param(0);
    let job = st
        .ss_jobs
        .remove(id)
        .ok_or_else(|| not_found("build job", id))?;
    for b in job.builds {
        st.ss_builds.remove(&b);
    }
    let mut reply = Reply::json(204, CONTENT_TYPE, Value::Null);
    reply.body = Body::Empty;
    Ok(reply)
}

fn show_job(call: &Call<'_>) -> Result<Reply> {
    let st = lock(&call.shared.state);
    Ok(ok(job_json(job(&st, call.param(0))?)))
}

fn list_builds(call: &Call<'_>) -> Result<Reply> {
    let Some(name) = call.query("name") else {
        return Err(invalid("name (the build job name) is required"));
    };
    let step = call.shared.build_step;
    let st = lock(&call.shared.state);
    let job = job(&st, call.param(0))?;
    if name != job.name {
        return Err(invalid(format!(
            "name {name:?} is not the name of build job {}",
            job.id
        )));
    }
    let builds: Vec<&SsBuild> = job
        .builds
        .iter()
        .filter_map(|b| st.ss_builds.get(b))
        .collect();
    let finished = builds
        .iter()
        .filter(|b| b.is_finished(call.instant, step))
        .count();
    let successful = builds
        .iter()
        .filter(|b| b.state(call.instant, step) == "Successful")
        .count();
    let list: Vec<Value> = builds
        .iter()
        .rev()
        .map(|b| {
            json!({
                "build_id": b.id,
                "build_state": b.state(call.instant, step),
                "duration": b.duration_secs(call.instant, step),
            })
        })
        .collect();
    Ok(ok(json!({
        "total": list.len(),
        "per_page": 20,
        "page": 1,
        "finished": finished,
        "successful": successful,
        "list": list,
    })))
}

fn start_build(call: &Call<'_>, instance: bool) -> Result<Reply> {
    if instance {
        // 0274 documents a body {"name": <build job name>}.
        let body = call
            .json()
            .ok_or_else(|| invalid("the request body is not valid JSON"))?;
        match body.get("name") {
            Some(Value::String(_)) => {}
            Some(_) => return Err(invalid("name must be a string")),
            None => return Err(invalid("name is required")),
        }
    }
    let mut st = lock(&call.shared.state);
    let job_id = call.param(0).to_owned();
    // Borrowed apart so the job can stay borrowed while the ids are drawn.
    let State {
        ss_jobs,
        ss_builds,
        ids,
        next_phase_id,
        ..
    } = &mut *st;
    let job = ss_jobs
        .get_mut(&job_id)
        .ok_or_else(|| not_found("build job", &job_id))?;
    let id = ids.lower_alnum(40);
    let phase_base_id = *next_phase_id;
    *next_phase_id += SS_PHASES.len() as u64;
    job.builds.push(id.clone());
    let index = job.builds.len() as u32;
    let job_name = job.name.clone();
    let b = SsBuild {
        id: id.clone(),
        job_id: job_id.clone(),
        index,
        started: call.instant,
        started_at: call.now,
        canceled_after: None,
        creator: call.principal.clone().unwrap_or_default(),
        phase_base_id,
    };
    let step = call.shared.build_step;
    let started_at = servicestage_time(b.started_at);
    let state = b.state(call.instant, step);
    let progress = b.progress(call.instant, step);
    ss_builds.insert(id.clone(), b);
    if instance {
        return Ok(ok(json!({
            "build_id": id,
            "job_id": job_id,
            "job_name": job_name,
            "index": index,
            "started_at": started_at,
            "ended_at": "",
        })));
    }
    Ok(ok(json!({
        "build_id": id,
        "job_id": job_id,
        "job_name": job_name,
        "index": index,
        "started_at": started_at,
        "ended_at": "",
        "duration": 0,
        "state": state,
        "progress": progress,
        "commit_id": "",
        "committer": "",
    })))
}

/// The build-instance object in the shape of the cancel page's example (0270).
fn build_json(st: &State, b: &SsBuild, call: &Call<'_>) -> Value {
    let step = call.shared.build_step;
    let job = st.ss_jobs.get(&b.job_id);
    let spec = job.map(|j| &j.spec);
    let spec_str = |pointer| spec.and_then(|s| str_at(s, pointer));
    let arch = spec_str("/environment_setting/build_os/arch").unwrap_or("x86_64");
    let repo_type = spec_str("/code_repo/type").unwrap_or("BinObs");
    let repo = spec_str("/code_repo/url").unwrap_or("");
    let branch = spec_str("/code_repo/branch").unwrap_or("");
    let job_name = job.map(|j| j.name.clone()).unwrap_or_default();
    let key = (1_754_123_329_469u64 + u64::from(b.index)).to_string();
    let mut swr = Map::new();
    swr.insert(
        key.clone(),
        Value::String(format!(
            "swr.{}.example.invalid/emulator/{job_name}:{}",
            crate::demo::REGION,
            b.index
        )),
    );
    let mut page = Map::new();
    page.insert(
        key,
        Value::String(format!(
            "https://console.example.invalid/swr/?region={}#/app/warehouse/srcImage?repository={job_name}",
            crate::demo::REGION
        )),
    );
    json!({
        "build_id": b.id,
        "job_id": b.job_id,
        "job_name": job_name,
        "enterprise_project_id": job.map(|j| j.enterprise_project_id.clone()).unwrap_or_default(),
        "index": b.index,
        "started_at": servicestage_time(b.started_at),
        "ended_at": b.ended_at(call.instant, step).map(servicestage_time).unwrap_or_default(),
        "build_state": b.state(call.instant, step),
        "repo_type": repo_type,
        "repo_endpoint": "",
        "repo_web_url": "",
        "repo": repo,
        "branch": branch,
        "commit_id": "",
        "committer": "",
        "commit_time": "",
        "commit_comment": "",
        "language": "java",
        "swr_repository": swr,
        "swr_repo_page": page,
        "archive_result": {},
        "base_image": "",
        "seccomp_path": "",
        "type": "user",
        "creator": b.creator,
        "code_repo_anatomy": null,
        "os": {"arch": arch},
    })
}

fn show_build(call: &Call<'_>) -> Result<Reply> {
    let st = lock(&call.shared.state);
    let b = build(&st, call.param(0))?;
    Ok(ok(build_json(&st, b, call)))
}

fn cancel(call: &Call<'_>) -> Result<Reply> {
    let step = call.shared.build_step;
    let mut st = lock(&call.shared.state);
    let id = call.param(0);
    let b = st
        .ss_builds
        .get_mut(id)
        .ok_or_else(|| not_found("build", id))?;
    if b.is_finished(call.instant, step) {
        let state = b.state(call.instant, step);
        return Err(invalid(format!(
            "build {id} has already finished ({state}) and cannot be canceled"
        )));
    }
    b.canceled_after = Some(call.instant.saturating_duration_since(b.started));
    let st = &*st;
    let b = build(st, id)?;
    Ok(ok(build_json(st, b, call)))
}

fn task_info(call: &Call<'_>, task: &str) -> Result<Reply> {
    if !["findbugs", "pmd", "checkstyle"].contains(&task) {
        return Err(invalid("taskname must be findbugs, pmd or checkstyle"));
    }
    let st = lock(&call.shared.state);
    let b = build(&st, call.param(0))?;
    let mut body = json!({"checkstyle": {}, "pmd": {}, "findbugs": {}});
    body[task] = json!({"build_id": b.id, "build_order": b.index, "total_count": 0, "issues": []});
    Ok(ok(body))
}

fn phases(call: &Call<'_>) -> Result<Reply> {
    let st = lock(&call.shared.state);
    let b = build(&st, call.param(0))?;
    let list: Vec<Value> = SS_PHASES
        .iter()
        .zip(b.phase_states(call.instant, call.shared.build_step))
        .enumerate()
        .map(|(i, (name, state))| json!({"id": b.phase_base_id + i as u64, "name": name, "state": state}))
        .collect();
    Ok(ok(json!({"total": list.len(), "list": list})))
}

fn logs(call: &Call<'_>) -> Result<Reply> {
    let from = call.query_int("from", true, invalid)?.unwrap_or(0);
    if from < 0 {
        return Err(invalid("from must be 0 or more"));
    }
    let step = call.shared.build_step;
    let st = lock(&call.shared.state);
    let b = build(&st, call.param(0))?;
    let log = b.log(call.instant, step);
    let start = (from as usize).min(log.len());
    Ok(ok(json!({
        "buildlog": &log[start..],
        "next": log.len(),
        "phase_states": b.phase_states(call.instant, step).join(","),
        "phases": SS_PHASES.join(","),
    })))
}

fn results(call: &Call<'_>) -> Result<Reply> {
    let st = lock(&call.shared.state);
    let b = build(&st, call.param(0))?;
    Ok(ok(json!({"checkstyle": {"static": {"count_info": [
        {"build_id": b.id, "build_order": b.index, "total_count": 0}
    ]}}})))
}
