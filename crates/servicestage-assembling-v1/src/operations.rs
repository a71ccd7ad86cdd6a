//! Every `/assembling/v1` operation, described as data.
//!
//! Adding an operation = one constant here + a model + a thin method on the client. `idempotent` decides whether
//! the transport may repeat a request after the server may have seen it:
//! - reads are idempotent;
//! - cancel (PATCH) is idempotent: cancelling a cancelled build changes nothing;
//! - update (PUT of the whole spec) and delete are idempotent by HTTP semantics (a repeated delete may answer
//!   404, which is an honest answer, never a second deletion);
//! - create job, create build instance and start build are **not**: a repeat would create a second job/build.

use http::Method;
use hwcloud_transport::OperationSpec;

/// `Content-Type` the pages document as mandatory on every request.
pub const CONTENT_TYPE: &str = "application/json;charset=utf8";

const fn op(
    name: &'static str,
    method: Method,
    path: &'static str,
    idempotent: bool,
) -> OperationSpec {
    OperationSpec::new(name, method, path, idempotent, CONTENT_TYPE)
}

/// 0218 list build jobs: `GET /assembling/v1/jobs?page&per_page&job_name`.
pub static LIST_JOBS: OperationSpec = op("ListBuildJobs", Method::GET, "/assembling/v1/jobs", true);
/// 0219 list a job's build instances: `GET /assembling/v1/jobs/{job_id}/builds?name=`.
pub static LIST_BUILDS: OperationSpec = op(
    "ListBuilds",
    Method::GET,
    "/assembling/v1/jobs/{job_id}/builds",
    true,
);
/// 0220 phases of a build: `GET /assembling/v1/builds/{build_id}/phases`.
pub static LIST_PHASES: OperationSpec = op(
    "ListBuildPhases",
    Method::GET,
    "/assembling/v1/builds/{build_id}/phases",
    true,
);
/// 0221 build log chunk: `GET /assembling/v1/builds/{build_id}/logs?from=`.
pub static SHOW_LOGS: OperationSpec = op(
    "ShowBuildLogs",
    Method::GET,
    "/assembling/v1/builds/{build_id}/logs",
    true,
);
/// 0269 build instance details: `GET /assembling/v1/builds/{build_id}`.
pub static SHOW_BUILD: OperationSpec = op(
    "ShowBuild",
    Method::GET,
    "/assembling/v1/builds/{build_id}",
    true,
);
/// 0270 cancel a build (the seed): `PATCH /assembling/v1/builds/{build_id}`, no body.
pub static CANCEL_BUILD: OperationSpec = op(
    "CancelBuild",
    Method::PATCH,
    "/assembling/v1/builds/{build_id}",
    true,
);
/// 0271 phase info: `GET /assembling/v1/builds/{build_id}?taskname=` (same path as 0269, told apart by the query).
pub static SHOW_PHASE_INFO: OperationSpec = op(
    "ShowPhaseInfo",
    Method::GET,
    "/assembling/v1/builds/{build_id}",
    true,
);
/// 0272 update build job: `PUT /assembling/v1/jobs/{job_id}`.
pub static UPDATE_JOB: OperationSpec = op(
    "UpdateBuildJob",
    Method::PUT,
    "/assembling/v1/jobs/{job_id}",
    true,
);
/// 0273 delete build job: `DELETE /assembling/v1/jobs/{job_id}` → 204.
pub static DELETE_JOB: OperationSpec = op(
    "DeleteBuildJob",
    Method::DELETE,
    "/assembling/v1/jobs/{job_id}",
    true,
);
/// 0274 create build job instance: `POST /assembling/v1/jobs/{job_id}`, body `{name}`.
pub static CREATE_BUILD_INSTANCE: OperationSpec = op(
    "CreateBuildInstance",
    Method::POST,
    "/assembling/v1/jobs/{job_id}",
    false,
);
/// 0275 create build job: `POST /assembling/v1/jobs`.
pub static CREATE_JOB: OperationSpec =
    op("CreateBuildJob", Method::POST, "/assembling/v1/jobs", false);
/// 0276 build job details: `GET /assembling/v1/jobs/{job_id}`.
pub static SHOW_JOB: OperationSpec = op(
    "ShowBuildJob",
    Method::GET,
    "/assembling/v1/jobs/{job_id}",
    true,
);
/// 0332 build results: `GET /assembling/v1/builds/{build_id}/results`.
pub static SHOW_RESULTS: OperationSpec = op(
    "ShowBuildResults",
    Method::GET,
    "/assembling/v1/builds/{build_id}/results",
    true,
);
/// 0333 start a build: `POST /assembling/v1/jobs/{job_id}/builds`, no body.
pub static START_BUILD: OperationSpec = op(
    "StartBuild",
    Method::POST,
    "/assembling/v1/jobs/{job_id}/builds",
    false,
);

/// All 14 operations, for documentation, tooling and tests.
pub static ALL: &[&OperationSpec] = &[
    &LIST_JOBS,
    &LIST_BUILDS,
    &LIST_PHASES,
    &SHOW_LOGS,
    &SHOW_BUILD,
    &CANCEL_BUILD,
    &SHOW_PHASE_INFO,
    &UPDATE_JOB,
    &DELETE_JOB,
    &CREATE_BUILD_INSTANCE,
    &CREATE_JOB,
    &SHOW_JOB,
    &SHOW_RESULTS,
    &START_BUILD,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creations_are_not_idempotent_and_all_send_charset_utf8() {
        let not: Vec<_> = ALL
            .iter()
            .filter(|o| !o.idempotent)
            .map(|o| o.name)
            .collect();
        assert_eq!(not, ["CreateBuildInstance", "CreateBuildJob", "StartBuild"]);
        assert!(
            ALL.iter()
                .all(|o| o.content_type == "application/json;charset=utf8")
        );
        assert_eq!(ALL.len(), 14);
        assert!(ALL.iter().all(|o| o.path.starts_with("/assembling/v1/")));
    }
}
