//! Every operation this crate calls, described as data.
//!
//! Adding an operation = one constant here + a model + a thin method on the client; the transport does the
//! wiring (path templating, signing, retries). `idempotent` decides whether the transport may repeat the request
//! after the server may have seen it:
//! - reads (GET) are idempotent;
//! - stopping a build is idempotent: stopping an already-stopped build changes nothing, so a retry after a lost
//!   answer is harmless;
//! - RunJob / ExecuteJob are **not**: a repeated request would start a second build.

use http::Method;
use hwcloud_transport::OperationSpec;

/// `Content-Type` the official SDK sends on every CodeArts Build operation (GETs included).
pub const CONTENT_TYPE: &str = "application/json";

const fn op(
    name: &'static str,
    method: Method,
    path: &'static str,
    idempotent: bool,
) -> OperationSpec {
    OperationSpec::new(name, method, path, idempotent, CONTENT_TYPE)
}

/// StopJob (deprecated; to be retired): `POST /v3/jobs/stop`, body `{job_id, build_no: "<string>"}`.
pub static STOP_JOB: OperationSpec = op("StopJob", Method::POST, "/v3/jobs/stop", true);
/// StopBuildJob: `POST /v3/jobs/{job_id}/{build_no}/stop`, no body.
pub static STOP_BUILD_JOB: OperationSpec = op(
    "StopBuildJob",
    Method::POST,
    "/v3/jobs/{job_id}/{build_no}/stop",
    true,
);
/// StopTheJob (v1): `POST /v1/job/{job_id}/stop?build_no=N` (query, as the official SDK sends it).
pub static STOP_THE_JOB: OperationSpec =
    op("StopTheJob", Method::POST, "/v1/job/{job_id}/stop", true);
/// RunJob: `POST /v3/jobs/build`. Starts a build: never retried after the server may have seen it.
pub static RUN_JOB: OperationSpec = op("RunJob", Method::POST, "/v3/jobs/build", false);
/// ExecuteJob (v1): `POST /v1/job/execute`. Starts a build: never retried after the server may have seen it.
pub static EXECUTE_JOB: OperationSpec = op("ExecuteJob", Method::POST, "/v1/job/execute", false);
/// ShowJobStatus: `GET /v3/jobs/{job_id}/status`.
pub static SHOW_JOB_STATUS: OperationSpec = op(
    "ShowJobStatus",
    Method::GET,
    "/v3/jobs/{job_id}/status",
    true,
);
/// ShowRunningStatus (v1): `GET /v1/job/{job_id}/running-status` (envelope).
pub static SHOW_RUNNING_STATUS: OperationSpec = op(
    "ShowRunningStatus",
    Method::GET,
    "/v1/job/{job_id}/running-status",
    true,
);
/// ShowJobStepStatus (v1): `GET /v1/job/{job_id}/status?build_no=` (envelope).
pub static SHOW_JOB_STEP_STATUS: OperationSpec = op(
    "ShowJobStepStatus",
    Method::GET,
    "/v1/job/{job_id}/status",
    true,
);
/// ShowHistoryDetails: `GET /v3/jobs/{job_id}/{build_number}/history-details`.
pub static SHOW_HISTORY_DETAILS: OperationSpec = op(
    "ShowHistoryDetails",
    Method::GET,
    "/v3/jobs/{job_id}/{build_number}/history-details",
    true,
);
/// ShowListHistory: `GET /v3/jobs/{job_id}/history?offset&limit&interval`.
pub static SHOW_LIST_HISTORY: OperationSpec = op(
    "ShowListHistory",
    Method::GET,
    "/v3/jobs/{job_id}/history",
    true,
);
/// ShowJobListByProjectId: `GET /v3/{project_id}/jobs?page_index&page_size` (CodeArts project id).
pub static SHOW_JOB_LIST_BY_PROJECT_ID: OperationSpec = op(
    "ShowJobListByProjectId",
    Method::GET,
    "/v3/{project_id}/jobs",
    true,
);
/// ListProjectJobs (v1): `GET /v1/job/{project_id}/list?page_index&page_size…` (CodeArts project id).
pub static LIST_PROJECT_JOBS: OperationSpec = op(
    "ListProjectJobs",
    Method::GET,
    "/v1/job/{project_id}/list",
    true,
);
/// ShowJobInfo (v1): `GET /v1/job/{job_id}/info` (envelope).
pub static SHOW_JOB_INFO: OperationSpec =
    op("ShowJobInfo", Method::GET, "/v1/job/{job_id}/info", true);
/// ShowRecordDetail (v4): `GET /v4/jobs/{job_id}/{build_no}/record-info` (envelope).
pub static SHOW_RECORD_DETAIL: OperationSpec = op(
    "ShowRecordDetail",
    Method::GET,
    "/v4/jobs/{job_id}/{build_no}/record-info",
    true,
);
/// ShowOutputInfo: `GET /v3/jobs/{job_id}/{build_no}/output-info` (envelope).
pub static SHOW_OUTPUT_INFO: OperationSpec = op(
    "ShowOutputInfo",
    Method::GET,
    "/v3/jobs/{job_id}/{build_no}/output-info",
    true,
);
/// DownloadRealTimeLog: `GET /v3/jobs/{job_id}/{build_no}/real-time-log?offset&length` (envelope).
pub static DOWNLOAD_REAL_TIME_LOG: OperationSpec = op(
    "DownloadRealTimeLog",
    Method::GET,
    "/v3/jobs/{job_id}/{build_no}/real-time-log",
    true,
);
/// DownloadBuildLog (v4): `GET /v4/{record_id}/download-log?log_level` (byte stream).
pub static DOWNLOAD_BUILD_LOG: OperationSpec = op(
    "DownloadBuildLog",
    Method::GET,
    "/v4/{record_id}/download-log",
    true,
);

/// All operations of this crate, for documentation, tooling and tests.
pub static ALL: &[&OperationSpec] = &[
    &STOP_JOB,
    &STOP_BUILD_JOB,
    &STOP_THE_JOB,
    &RUN_JOB,
    &EXECUTE_JOB,
    &SHOW_JOB_STATUS,
    &SHOW_RUNNING_STATUS,
    &SHOW_JOB_STEP_STATUS,
    &SHOW_HISTORY_DETAILS,
    &SHOW_LIST_HISTORY,
    &SHOW_JOB_LIST_BY_PROJECT_ID,
    &LIST_PROJECT_JOBS,
    &SHOW_JOB_INFO,
    &SHOW_RECORD_DETAIL,
    &SHOW_OUTPUT_INFO,
    &DOWNLOAD_REAL_TIME_LOG,
    &DOWNLOAD_BUILD_LOG,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_build_starts_are_not_idempotent() {
        let not: Vec<_> = ALL
            .iter()
            .filter(|o| !o.idempotent)
            .map(|o| o.name)
            .collect();
        assert_eq!(not, ["RunJob", "ExecuteJob"]);
        assert!(ALL.iter().all(|o| o.content_type == "application/json"));
        let mut names: Vec<_> = ALL.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
