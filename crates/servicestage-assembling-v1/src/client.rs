//! The [`ServiceStageApi`] trait (mockable) and its HTTP implementation [`ServiceStageClient`].

use async_trait::async_trait;
use hwcloud_transport::{Error, RequestInput, SdkConfig, ServiceClient};

use crate::model::{
    BuildInstance, BuildList, BuildLog, BuildResults, CreateInstanceBody, CreatedBuildInstance,
    JobDetails, JobList, JobSpec, ListBuildsQuery, ListJobsQuery, PhaseInfo, PhaseList,
    StartedBuild, TaskName,
};
use crate::operations as ops;
use crate::validate;

/// Service description (endpoint template, regions) used by [`ServiceStageClient::new`].
pub static SERVICE: hwcloud_transport::ServiceInfo = hwcloud_transport::SERVICESTAGE;

/// The ServiceStage `/assembling/v1` build operations.
///
/// [`ServiceStageClient`] implements it over HTTP; with the `mock` feature, `MockServiceStageApi` (mockall)
/// implements it for your tests. Waiters and streams ([`crate::wait`]) take any implementation.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait ServiceStageApi: Send + Sync {
    /// 0218 `GET /assembling/v1/jobs`: one page of build jobs.
    async fn list_jobs(&self, query: &ListJobsQuery) -> Result<JobList, Error>;
    /// 0219 `GET /assembling/v1/jobs/{job_id}/builds?name=`: a job's build instances.
    async fn list_builds(&self, job_id: &str, query: &ListBuildsQuery) -> Result<BuildList, Error>;
    /// 0220 `GET /assembling/v1/builds/{build_id}/phases`.
    async fn list_phases(&self, build_id: &str) -> Result<PhaseList, Error>;
    /// 0221 `GET /assembling/v1/builds/{build_id}/logs?from=`: log text from offset `from`.
    async fn show_logs(&self, build_id: &str, from: u64) -> Result<BuildLog, Error>;
    /// 0269 `GET /assembling/v1/builds/{build_id}`: build instance details.
    async fn show_build(&self, build_id: &str) -> Result<BuildInstance, Error>;
    /// 0270 `PATCH /assembling/v1/builds/{build_id}` (the seed): cancels a build; answers the build instance.
    async fn cancel_build(&self, build_id: &str) -> Result<BuildInstance, Error>;
    /// 0271 `GET /assembling/v1/builds/{build_id}?taskname=`: code-check phase information.
    async fn show_phase_info(&self, build_id: &str, taskname: TaskName)
    -> Result<PhaseInfo, Error>;
    /// 0272 `PUT /assembling/v1/jobs/{job_id}`: replaces a job's spec. The answer is undocumented, so it is
    /// returned as JSON (`null` for an empty body).
    async fn update_job(&self, job_id: &str, spec: &JobSpec) -> Result<serde_json::Value, Error>;
    /// 0273 `DELETE /assembling/v1/jobs/{job_id}` (204).
    async fn delete_job(&self, job_id: &str) -> Result<(), Error>;
    /// 0274 `POST /assembling/v1/jobs/{job_id}` with `{name}`: creates a build instance. Not retried once sent.
    async fn create_build_instance(
        &self,
        job_id: &str,
        name: &str,
    ) -> Result<CreatedBuildInstance, Error>;
    /// 0275 `POST /assembling/v1/jobs`: creates a build job. The answer is undocumented, so it is returned as
    /// JSON (`null` for an empty body). Not retried once sent.
    async fn create_job(&self, spec: &JobSpec) -> Result<serde_json::Value, Error>;
    /// 0276 `GET /assembling/v1/jobs/{job_id}`: job details.
    async fn show_job(&self, job_id: &str) -> Result<JobDetails, Error>;
    /// 0332 `GET /assembling/v1/builds/{build_id}/results`: code-check results.
    async fn show_results(&self, build_id: &str) -> Result<BuildResults, Error>;
    /// 0333 `POST /assembling/v1/jobs/{job_id}/builds`: starts a build. Not retried once sent.
    async fn start_build(&self, job_id: &str) -> Result<StartedBuild, Error>;
}

/// ServiceStage over HTTP, built from a shared [`SdkConfig`]. Cheap to clone.
#[derive(Clone)]
pub struct ServiceStageClient {
    inner: ServiceClient,
}

impl std::fmt::Debug for ServiceStageClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceStageClient").finish_non_exhaustive()
    }
}

impl ServiceStageClient {
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
}

fn build(build_id: &str) -> Result<RequestInput, Error> {
    validate::id("build_id", build_id)?;
    Ok(RequestInput::new().path_param("build_id", build_id))
}

fn job(job_id: &str) -> Result<RequestInput, Error> {
    validate::id("job_id", job_id)?;
    Ok(RequestInput::new().path_param("job_id", job_id))
}

#[async_trait]
impl ServiceStageApi for ServiceStageClient {
    async fn list_jobs(&self, query: &ListJobsQuery) -> Result<JobList, Error> {
        validate::positive("page", query.page)?;
        validate::positive("per_page", query.per_page)?;
        let input = RequestInput::new()
            .query("page", query.page)
            .query("per_page", query.per_page)
            .query_opt("job_name", query.job_name.as_deref());
        self.inner.send_json(&ops::LIST_JOBS, input).await
    }

    async fn list_builds(&self, job_id: &str, query: &ListBuildsQuery) -> Result<BuildList, Error> {
        if query.name.is_empty() {
            return Err(Error::invalid_input("name", "the job name is required"));
        }
        if let Some(p) = query.page {
            validate::positive("page", p)?;
        }
        if let Some(p) = query.per_page {
            validate::positive("per_page", p)?;
        }
        let input = job(job_id)?
            .query("name", &query.name)
            .query_opt("page", query.page)
            .query_opt("per_page", query.per_page);
        self.inner.send_json(&ops::LIST_BUILDS, input).await
    }

    async fn list_phases(&self, build_id: &str) -> Result<PhaseList, Error> {
        self.inner
            .send_json(&ops::LIST_PHASES, build(build_id)?)
            .await
    }

    async fn show_logs(&self, build_id: &str, from: u64) -> Result<BuildLog, Error> {
        self.inner
            .send_json(&ops::SHOW_LOGS, build(build_id)?.query("from", from))
            .await
    }

    async fn show_build(&self, build_id: &str) -> Result<BuildInstance, Error> {
        self.inner
            .send_json(&ops::SHOW_BUILD, build(build_id)?)
            .await
    }

    async fn cancel_build(&self, build_id: &str) -> Result<BuildInstance, Error> {
        self.inner
            .send_json(&ops::CANCEL_BUILD, build(build_id)?)
            .await
    }

    async fn show_phase_info(
        &self,
        build_id: &str,
        taskname: TaskName,
    ) -> Result<PhaseInfo, Error> {
        self.inner
            .send_json(
                &ops::SHOW_PHASE_INFO,
                build(build_id)?.query("taskname", taskname),
            )
            .await
    }

    async fn update_job(&self, job_id: &str, spec: &JobSpec) -> Result<serde_json::Value, Error> {
        validate::job_spec(spec)?;
        self.inner
            .send_json(&ops::UPDATE_JOB, job(job_id)?.json_body(spec)?)
            .await
    }

    async fn delete_job(&self, job_id: &str) -> Result<(), Error> {
        self.inner.send_empty(&ops::DELETE_JOB, job(job_id)?).await
    }

    async fn create_build_instance(
        &self,
        job_id: &str,
        name: &str,
    ) -> Result<CreatedBuildInstance, Error> {
        validate::job_name("name", name)?;
        self.inner
            .send_json(
                &ops::CREATE_BUILD_INSTANCE,
                job(job_id)?.json_body(&CreateInstanceBody { name })?,
            )
            .await
    }

    async fn create_job(&self, spec: &JobSpec) -> Result<serde_json::Value, Error> {
        validate::job_spec(spec)?;
        self.inner
            .send_json(&ops::CREATE_JOB, RequestInput::new().json_body(spec)?)
            .await
    }

    async fn show_job(&self, job_id: &str) -> Result<JobDetails, Error> {
        self.inner.send_json(&ops::SHOW_JOB, job(job_id)?).await
    }

    async fn show_results(&self, build_id: &str) -> Result<BuildResults, Error> {
        self.inner
            .send_json(&ops::SHOW_RESULTS, build(build_id)?)
            .await
    }

    async fn start_build(&self, job_id: &str) -> Result<StartedBuild, Error> {
        self.inner.send_json(&ops::START_BUILD, job(job_id)?).await
    }
}
