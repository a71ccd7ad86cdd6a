//! The [`CodeArtsBuildApi`] trait (mockable) and its HTTP implementation [`CodeArtsBuildClient`].

use async_trait::async_trait;
use hwcloud_transport::{
    ByteStream, Error, OperationSpec, RequestInput, SdkConfig, ServiceClient, ServiceError,
    decode_json,
};
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::model::{
    Envelope, HistoryDetails, HistoryPage, JobInfo, JobPage, JobStepStatus, ListHistoryQuery,
    ListProjectJobsQuery, LogLevel, OutputInfo, RealTimeLog, RecordDetail, RunJobRequest,
    RunJobResponse, RunningStatus, ShowJobStatusResponse, StopBuildJobResponse, StopJobBody,
    StopJobResponse, StopTheJobResponse,
};
use crate::operations as ops;
use crate::validate;

/// Service description (endpoint template, regions) used by [`CodeArtsBuildClient::new`].
pub static SERVICE: hwcloud_transport::ServiceInfo = hwcloud_transport::CODEARTSBUILD;

/// The CodeArts Build operations of this crate.
///
/// [`CodeArtsBuildClient`] implements it over HTTP; with the `mock` feature, `MockCodeArtsBuildApi` (mockall)
/// implements it for your tests. Waiters and streams ([`crate::wait`]) take any implementation.
///
/// Envelope operations (`{result, error, status}`) return the unwrapped `result`; a `status: "fail"` answer, even
/// with HTTP 200, is an [`Error::Service`].
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait CodeArtsBuildApi: Send + Sync {
    /// StopBuildJob, `POST /v3/jobs/{job_id}/{build_no}/stop`.
    async fn stop_build_job(
        &self,
        job_id: &str,
        build_no: u32,
    ) -> Result<StopBuildJobResponse, Error>;

    /// StopTheJob (v1), `POST /v1/job/{job_id}/stop`. `build_no` goes in the **query** as the official SDK sends
    /// it (the intl doc puts it in the body instead; the SDK form is what the service is known to accept).
    async fn stop_the_job(
        &self,
        job_id: &str,
        build_no: Option<u32>,
    ) -> Result<StopTheJobResponse, Error>;

    /// RunJob, `POST /v3/jobs/build`: starts a build. Not retried once sent.
    async fn run_job(&self, request: &RunJobRequest) -> Result<RunJobResponse, Error>;

    /// ExecuteJob (v1), `POST /v1/job/execute`: starts a build. Not retried once sent.
    async fn execute_job(&self, request: &RunJobRequest) -> Result<RunJobResponse, Error>;

    /// ShowJobStatus, `GET /v3/jobs/{job_id}/status`: whether the job has a running build.
    async fn show_job_status(&self, job_id: &str) -> Result<ShowJobStatusResponse, Error>;

    /// ShowRunningStatus (v1), `GET /v1/job/{job_id}/running-status`: the job's most recent build.
    async fn show_running_status(&self, job_id: &str) -> Result<RunningStatus, Error>;

    /// ShowJobStepStatus (v1), `GET /v1/job/{job_id}/status`: the state of one build (the last one when
    /// `build_no` is `None`).
    async fn show_job_step_status(
        &self,
        job_id: &str,
        build_no: Option<u32>,
    ) -> Result<JobStepStatus, Error>;

    /// ShowHistoryDetails, `GET /v3/jobs/{job_id}/{build_number}/history-details`.
    async fn show_history_details(
        &self,
        job_id: &str,
        build_number: u32,
    ) -> Result<HistoryDetails, Error>;

    /// ShowListHistory, `GET /v3/jobs/{job_id}/history`: one page of builds.
    async fn show_list_history(
        &self,
        job_id: &str,
        query: &ListHistoryQuery,
    ) -> Result<HistoryPage, Error>;

    /// ShowJobListByProjectId, `GET /v3/{project_id}/jobs` (CodeArts project id): one page of jobs.
    async fn show_job_list_by_project_id(
        &self,
        project_id: &str,
        page_index: u32,
        page_size: u32,
    ) -> Result<JobPage, Error>;

    /// ListProjectJobs (v1), `GET /v1/job/{project_id}/list` (CodeArts project id): one page of jobs.
    async fn list_project_jobs(
        &self,
        project_id: &str,
        query: &ListProjectJobsQuery,
    ) -> Result<JobPage, Error>;

    /// ShowJobInfo (v1), `GET /v1/job/{job_id}/info`.
    async fn show_job_info(&self, job_id: &str) -> Result<JobInfo, Error>;

    /// ShowRecordDetail (v4), `GET /v4/jobs/{job_id}/{build_no}/record-info`.
    async fn show_record_detail(&self, job_id: &str, build_no: u32) -> Result<RecordDetail, Error>;

    /// ShowOutputInfo, `GET /v3/jobs/{job_id}/{build_no}/output-info`.
    async fn show_output_info(&self, job_id: &str, build_no: u32) -> Result<OutputInfo, Error>;

    /// DownloadRealTimeLog, `GET /v3/jobs/{job_id}/{build_no}/real-time-log`: one log chunk from `offset`
    /// (`length` defaults to 1 000 000 on the service).
    async fn download_real_time_log(
        &self,
        job_id: &str,
        build_no: u32,
        offset: u64,
        length: Option<u64>,
    ) -> Result<RealTimeLog, Error>;

    /// DownloadBuildLog (v4), `GET /v4/{record_id}/download-log`: the full log as a byte stream (not buffered).
    async fn download_build_log(
        &self,
        record_id: &str,
        log_level: Option<LogLevel>,
    ) -> Result<ByteStream, Error>;
}

/// CodeArts Build over HTTP, built from a shared [`SdkConfig`]. Cheap to clone.
#[derive(Clone)]
pub struct CodeArtsBuildClient {
    inner: ServiceClient,
}

impl std::fmt::Debug for CodeArtsBuildClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeArtsBuildClient")
            .finish_non_exhaustive()
    }
}

impl CodeArtsBuildClient {
    /// A client for the config's region (or endpoint override).
    pub fn new(config: &SdkConfig) -> Result<Self, Error> {
        Ok(Self {
            inner: ServiceClient::new(config, &SERVICE)?,
        })
    }

    /// Wraps an already-built transport client (it must have been built for [`SERVICE`]).
    pub fn from_service_client(inner: ServiceClient) -> Self {
        Self { inner }
    }

    async fn envelope<T: DeserializeOwned>(
        &self,
        op: &'static OperationSpec,
        input: RequestInput,
    ) -> Result<T, Error> {
        let (head, body) = self.inner.send_raw(op, input).await?.into_parts();
        unwrap_envelope(op, &head, &body)
    }

    /// StopJob, `POST /v3/jobs/stop` (the seed operation): sends `{"job_id": …, "build_no": "<string>"}`, as the
    /// service requires a **string** build number here.
    ///
    /// Deprecated because the service marks StopJob "to be retired". It is an inherent method rather than part of
    /// [`CodeArtsBuildApi`] because mockall cannot mock a `#[deprecated]` trait method (it copies the attribute
    /// onto generated items, which does not compile).
    #[deprecated(
        note = "StopJob is marked \"to be retired\" by the service; use stop_build_job (POST /v3/jobs/{job_id}/{build_no}/stop) or stop_the_job (v1, POST /v1/job/{job_id}/stop)"
    )]
    pub async fn stop_job(&self, job_id: &str, build_no: u32) -> Result<StopJobResponse, Error> {
        validate::job_id(job_id)?;
        validate::build_no("build_no", build_no)?;
        let body = StopJobBody {
            job_id,
            build_no: build_no.to_string(),
        };
        self.inner
            .send_json(&ops::STOP_JOB, RequestInput::new().json_body(&body)?)
            .await
    }
}

/// Unwraps `{result, error, status}`: `status` other than `success` (case-insensitive), an `error` without a
/// `result`, or a missing `result` is an error, never a silent default. Every error carries the answer's
/// `X-Request-Id`; a `result` that does not decode is a decode error naming the field path.
pub(crate) fn unwrap_envelope<T: DeserializeOwned>(
    op: &'static OperationSpec,
    head: &http::response::Parts,
    body: &[u8],
) -> Result<T, Error> {
    // The frame first, without `result`: a failure is the service's error, not a `result` that fails to decode.
    let frame: Envelope<IgnoredAny> = decode_json(SERVICE.name, op.name, head, body)?;
    if frame.reports_failure() {
        return Err(envelope_error(
            op,
            head,
            body,
            "the service reported a failure in a 200 envelope",
        ));
    }
    let envelope: Envelope<T> = decode_json(SERVICE.name, op.name, head, body)?;
    envelope
        .result
        .ok_or_else(|| envelope_error(op, head, body, "the envelope has no `result`"))
}

/// A failure envelope as a service error: the body is parsed like any error answer (so an `error` object with
/// `error_code`/`error_msg` is used), keeping the raw body and the request id for diagnosis.
fn envelope_error(
    op: &'static OperationSpec,
    head: &http::response::Parts,
    body: &[u8],
    why: &str,
) -> Error {
    let mut err = ServiceError::parse(SERVICE.name, op.name, head.status, &head.headers, body);
    if err.error_code == head.status.as_str() {
        // No code in the body: say what went wrong instead of echoing only the body.
        err.error_msg = format!("{why}: {}", err.error_msg);
    }
    Error::from(err)
}

fn job(job_id: &str) -> Result<RequestInput, Error> {
    validate::job_id(job_id)?;
    Ok(RequestInput::new().path_param("job_id", job_id))
}

/// `field` is how the operation's path names the build number (`build_no` or `build_number`); the same name is
/// reported when it is invalid.
fn build(job_id: &str, field: &'static str, build_no: u32) -> Result<RequestInput, Error> {
    let input = job(job_id)?;
    validate::build_no(field, build_no)?;
    Ok(input.path_param(field, build_no))
}

/// Without a build number the service picks the job's latest build.
fn latest_or_build(job_id: &str, build_no: Option<u32>) -> Result<RequestInput, Error> {
    let input = job(job_id)?;
    if let Some(n) = build_no {
        validate::build_no("build_no", n)?;
    }
    Ok(input.query_opt("build_no", build_no))
}

#[async_trait]
impl CodeArtsBuildApi for CodeArtsBuildClient {
    async fn stop_build_job(
        &self,
        job_id: &str,
        build_no: u32,
    ) -> Result<StopBuildJobResponse, Error> {
        let input = build(job_id, "build_no", build_no)?;
        self.inner.send_json(&ops::STOP_BUILD_JOB, input).await
    }

    async fn stop_the_job(
        &self,
        job_id: &str,
        build_no: Option<u32>,
    ) -> Result<StopTheJobResponse, Error> {
        let input = latest_or_build(job_id, build_no)?;
        self.inner.send_json(&ops::STOP_THE_JOB, input).await
    }

    async fn run_job(&self, request: &RunJobRequest) -> Result<RunJobResponse, Error> {
        validate::run_job(request)?;
        self.inner
            .send_json(&ops::RUN_JOB, RequestInput::new().json_body(request)?)
            .await
    }

    async fn execute_job(&self, request: &RunJobRequest) -> Result<RunJobResponse, Error> {
        validate::run_job(request)?;
        self.inner
            .send_json(&ops::EXECUTE_JOB, RequestInput::new().json_body(request)?)
            .await
    }

    async fn show_job_status(&self, job_id: &str) -> Result<ShowJobStatusResponse, Error> {
        self.inner
            .send_json(&ops::SHOW_JOB_STATUS, job(job_id)?)
            .await
    }

    async fn show_running_status(&self, job_id: &str) -> Result<RunningStatus, Error> {
        self.envelope(&ops::SHOW_RUNNING_STATUS, job(job_id)?).await
    }

    async fn show_job_step_status(
        &self,
        job_id: &str,
        build_no: Option<u32>,
    ) -> Result<JobStepStatus, Error> {
        let input = latest_or_build(job_id, build_no)?;
        self.envelope(&ops::SHOW_JOB_STEP_STATUS, input).await
    }

    async fn show_history_details(
        &self,
        job_id: &str,
        build_number: u32,
    ) -> Result<HistoryDetails, Error> {
        let input = build(job_id, "build_number", build_number)?;
        self.inner
            .send_json(&ops::SHOW_HISTORY_DETAILS, input)
            .await
    }

    async fn show_list_history(
        &self,
        job_id: &str,
        query: &ListHistoryQuery,
    ) -> Result<HistoryPage, Error> {
        let input = job(job_id)?;
        validate::list_history(query)?;
        // Sorted keys, like the official SDK's wire form.
        let input = input
            .query("interval", query.interval)
            .query("limit", query.limit)
            .query("offset", query.offset);
        self.inner.send_json(&ops::SHOW_LIST_HISTORY, input).await
    }

    async fn show_job_list_by_project_id(
        &self,
        project_id: &str,
        page_index: u32,
        page_size: u32,
    ) -> Result<JobPage, Error> {
        validate::project_id(project_id)?;
        validate::page_size("page_size", page_size)?;
        let input = RequestInput::new()
            .path_param("project_id", project_id)
            .query("page_index", page_index)
            .query("page_size", page_size);
        self.inner
            .send_json(&ops::SHOW_JOB_LIST_BY_PROJECT_ID, input)
            .await
    }

    async fn list_project_jobs(
        &self,
        project_id: &str,
        query: &ListProjectJobsQuery,
    ) -> Result<JobPage, Error> {
        validate::project_id(project_id)?;
        validate::list_project_jobs(query)?;
        let input = RequestInput::new()
            .path_param("project_id", project_id)
            .query("page_index", query.page_index)
            .query("page_size", query.page_size)
            .query_opt("search", query.search.as_deref())
            .query_opt("sort_field", query.sort_field.as_deref())
            .query_opt("sort_order", query.sort_order.as_deref())
            .query_opt("creator_id", query.creator_id.as_deref())
            .query_opt("build_status", query.build_status.as_deref())
            .query_opt("by_group", query.by_group)
            .query_opt("group_path_id", query.group_path_id.as_deref());
        self.inner.send_json(&ops::LIST_PROJECT_JOBS, input).await
    }

    async fn show_job_info(&self, job_id: &str) -> Result<JobInfo, Error> {
        self.envelope(&ops::SHOW_JOB_INFO, job(job_id)?).await
    }

    async fn show_record_detail(&self, job_id: &str, build_no: u32) -> Result<RecordDetail, Error> {
        let input = build(job_id, "build_no", build_no)?;
        self.envelope(&ops::SHOW_RECORD_DETAIL, input).await
    }

    async fn show_output_info(&self, job_id: &str, build_no: u32) -> Result<OutputInfo, Error> {
        let input = build(job_id, "build_no", build_no)?;
        self.envelope(&ops::SHOW_OUTPUT_INFO, input).await
    }

    async fn download_real_time_log(
        &self,
        job_id: &str,
        build_no: u32,
        offset: u64,
        length: Option<u64>,
    ) -> Result<RealTimeLog, Error> {
        let input = build(job_id, "build_no", build_no)?;
        if length == Some(0) {
            return Err(Error::invalid_input("length", "must be at least 1"));
        }
        let input = input.query("offset", offset).query_opt("length", length);
        self.envelope(&ops::DOWNLOAD_REAL_TIME_LOG, input).await
    }

    async fn download_build_log(
        &self,
        record_id: &str,
        log_level: Option<LogLevel>,
    ) -> Result<ByteStream, Error> {
        validate::record_id(record_id)?;
        let input = RequestInput::new()
            .path_param("record_id", record_id)
            .query_opt("log_level", log_level.as_ref().map(LogLevel::as_str));
        self.inner
            .send_stream(&ops::DOWNLOAD_BUILD_LOG, input)
            .await
    }
}
