//! Waiters and streams: wait for a build to finish, follow its log, page through lists.
//!
//! All of them take any [`CodeArtsBuildApi`] (the HTTP client or a mock), poll with exponential backoff and spawn
//! nothing: dropping the future or stream cancels everything, with no task left behind.
//!
//! **Which operation tells a build's final state.** ShowRunningStatus only describes the job's *latest* build,
//! and ShowHistoryDetails reports per-step states in which "not run yet" and "skipped" look alike. The waiter
//! therefore polls **ShowJobStepStatus with the build number** (`GET /v1/job/{job_id}/status?build_no=N`): it
//! addresses exactly one build and carries both its `status` and `abort_status`. The build is final when
//! [`JobStepStatus::is_final`] says so (a final status, or `abort_status: "aborted"`).

use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use futures_util::TryStreamExt;
use hwcloud_transport::Error;
pub use hwcloud_transport::poll::WaitConfig;
use hwcloud_transport::poll::{self, LogChunk, Page, PollError, paginate, poll_until};

use crate::client::CodeArtsBuildApi;
use crate::model::{HistoryRecord, Job, JobStepStatus, ListHistoryQuery, ListProjectJobsQuery};

/// Why waiting stopped without a final state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The deadline passed first.
    #[error(
        "build {build_no} of job {job_id} was not final after {waited:?} (last status: {last_status})"
    )]
    Timeout {
        /// Job id.
        job_id: String,
        /// Build number.
        build_no: u32,
        /// How long it waited.
        waited: Duration,
        /// The last status seen, or `unknown` when no poll answered.
        last_status: String,
    },
    /// A call failed (service error, connection, invalid input…).
    #[error(transparent)]
    Api(#[from] Error),
}

fn wait_error(job_id: &str, build_no: u32, error: PollError<JobStepStatus>) -> WaitError {
    match error {
        PollError::Api(e) => WaitError::Api(e),
        PollError::Timeout { waited, last } => WaitError::Timeout {
            job_id: job_id.to_owned(),
            build_no,
            waited,
            last_status: last
                .and_then(|s| s.status)
                .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned()),
        },
    }
}

/// Polls ShowJobStepStatus until build `build_no` of `job_id` is final; returns its final status.
///
/// Every call is bounded by the deadline too, so a hanging request cannot outlive it.
pub async fn wait_for_build<A: CodeArtsBuildApi + ?Sized>(
    api: &A,
    job_id: &str,
    build_no: u32,
    config: &WaitConfig,
) -> Result<JobStepStatus, WaitError> {
    wait_for_build_observed(api, job_id, build_no, config, |_| {}).await
}

/// [`wait_for_build`], calling `on_poll` with every status it reads (the final one included), e.g. to drive a
/// progress display.
pub async fn wait_for_build_observed<A: CodeArtsBuildApi + ?Sized>(
    api: &A,
    job_id: &str,
    build_no: u32,
    config: &WaitConfig,
    mut on_poll: impl FnMut(&JobStepStatus),
) -> Result<JobStepStatus, WaitError> {
    poll_until(
        config,
        || api.show_job_step_status(job_id, Some(build_no)),
        |status| {
            tracing::debug!(job_id, build_no, status = ?status.status, "polled build status");
            on_poll(status);
            status.is_final()
        },
    )
    .await
    .map_err(|e| wait_error(job_id, build_no, e))
}

/// Follows a build's log with DownloadRealTimeLog: yields each non-empty chunk of text in order (passing the
/// returned `offset` to the next call) and ends once the service says there is no more data **and** the build
/// is final, after one last read, so lines written as the build finished are not lost. Empty chunks of a running
/// build are polled again with backoff. Ends with [`WaitError::Timeout`] at the deadline.
pub fn follow_log<'a, A: CodeArtsBuildApi + ?Sized>(
    api: &'a A,
    job_id: &str,
    build_no: u32,
    config: &WaitConfig,
) -> impl Stream<Item = Result<String, WaitError>> + Send + 'a {
    // The stream outlives `job_id`, and each read's future owns its copy.
    let job_id: Arc<str> = job_id.into();
    let (read_id, status_id) = (Arc::clone(&job_id), Arc::clone(&job_id));
    let read = move |offset| {
        let job_id = Arc::clone(&read_id);
        async move {
            let chunk = api
                .download_real_time_log(&job_id, build_no, offset, None)
                .await?;
            Ok(LogChunk {
                text: chunk.content,
                next: chunk.offset,
                more: chunk.has_more_data,
            })
        }
    };
    let is_final = move || {
        let job_id = Arc::clone(&status_id);
        async move {
            Ok(api
                .show_job_step_status(&job_id, Some(build_no))
                .await?
                .is_final())
        }
    };
    poll::follow_log(config, read, is_final).map_err(move |e| wait_error(&job_id, build_no, e))
}

/// Every build of a job (ShowListHistory), page after page, starting at `query.offset`. Stops when a page is
/// short or empty, or `total` records were seen. The first error ends the stream.
pub fn list_history<'a, A: CodeArtsBuildApi + ?Sized>(
    api: &'a A,
    job_id: &str,
    query: ListHistoryQuery,
) -> impl Stream<Item = Result<HistoryRecord, Error>> + Send + 'a {
    paginate(
        (job_id.to_owned(), query),
        move |(job_id, mut query)| async move {
            let page = api.show_list_history(&job_id, &query).await?;
            let n = page.history_records.len() as u64;
            let reached = u64::from(query.offset) + n;
            let page = Page::sized(
                page.history_records,
                query.limit.into(),
                reached,
                page.total,
            );
            query.offset = query.offset.saturating_add(n as u32);
            Ok(((job_id, query), page))
        },
    )
}

/// Every job of a CodeArts project (ListProjectJobs, v1), page after page from `query.page_index`. Stops when a
/// page is short or empty, or `total` jobs were seen. The first error ends the stream.
pub fn list_project_jobs<'a, A: CodeArtsBuildApi + ?Sized>(
    api: &'a A,
    project_id: &str,
    query: ListProjectJobsQuery,
) -> impl Stream<Item = Result<Job, Error>> + Send + 'a {
    let seen = u64::from(query.page_index) * u64::from(query.page_size);
    paginate(
        (project_id.to_owned(), query, seen),
        move |(project_id, mut query, mut seen)| async move {
            let page = api.list_project_jobs(&project_id, &query).await?;
            seen += page.jobs.len() as u64;
            let page = Page::sized(page.jobs, query.page_size.into(), seen, page.total);
            query.page_index = query.page_index.saturating_add(1);
            Ok(((project_id, query, seen), page))
        },
    )
}

/// Every job of a CodeArts project (ShowJobListByProjectId, v3), page after page from `page_index`.
pub fn show_job_list_by_project_id<'a, A: CodeArtsBuildApi + ?Sized>(
    api: &'a A,
    project_id: &str,
    page_index: u32,
    page_size: u32,
) -> impl Stream<Item = Result<Job, Error>> + Send + 'a {
    let seen = u64::from(page_index) * u64::from(page_size);
    paginate(
        (project_id.to_owned(), page_index, seen),
        move |(project_id, index, mut seen)| async move {
            let page = api
                .show_job_list_by_project_id(&project_id, index, page_size)
                .await?;
            seen += page.jobs.len() as u64;
            let page = Page::sized(page.jobs, page_size.into(), seen, page.total);
            Ok(((project_id, index.saturating_add(1), seen), page))
        },
    )
}
