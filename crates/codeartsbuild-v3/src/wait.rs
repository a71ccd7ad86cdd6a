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

use std::time::Duration;

use futures_core::Stream;
use futures_util::stream;
use hwcloud_transport::Error;
pub use hwcloud_transport::poll::WaitConfig;
use hwcloud_transport::poll::{Page, PollBackoff, paginate};
use tokio::time::Instant;

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

fn timeout_error(
    job_id: &str,
    build_no: u32,
    started: Instant,
    last: Option<&JobStepStatus>,
) -> WaitError {
    WaitError::Timeout {
        job_id: job_id.to_owned(),
        build_no,
        waited: started.elapsed(),
        last_status: last
            .and_then(|s| s.status.as_ref())
            .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned()),
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
    let started = Instant::now();
    let deadline = started + config.timeout;
    let mut backoff = PollBackoff::new(config);
    let mut last: Option<JobStepStatus> = None;
    loop {
        let status = match tokio::time::timeout_at(
            deadline,
            api.show_job_step_status(job_id, Some(build_no)),
        )
        .await
        {
            Ok(r) => r?,
            Err(_) => return Err(timeout_error(job_id, build_no, started, last.as_ref())),
        };
        tracing::debug!(job_id, build_no, status = ?status.status, "polled build status");
        on_poll(&status);
        if status.is_final() {
            return Ok(status);
        }
        last = Some(status);
        if !backoff.wait(deadline).await {
            return Err(timeout_error(job_id, build_no, started, last.as_ref()));
        }
    }
}

struct LogState<'a, A: ?Sized> {
    api: &'a A,
    job_id: String,
    build_no: u32,
    offset: u64,
    backoff: PollBackoff,
    config: WaitConfig,
    started: Instant,
    final_seen: bool,
    done: bool,
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
    let state = LogState {
        api,
        job_id: job_id.to_owned(),
        build_no,
        offset: 0,
        backoff: PollBackoff::new(config),
        config: config.clone(),
        started: Instant::now(),
        final_seen: false,
        done: false,
    };
    stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        match next_log_chunk(&mut st).await {
            Ok(Some(text)) => Some((Ok(text), st)),
            Ok(None) => None,
            Err(e) => {
                st.done = true;
                Some((Err(e), st))
            }
        }
    })
}

async fn next_log_chunk<A: CodeArtsBuildApi + ?Sized>(
    st: &mut LogState<'_, A>,
) -> Result<Option<String>, WaitError> {
    let deadline = st.started + st.config.timeout;
    let timeout = |st: &LogState<'_, A>| timeout_error(&st.job_id, st.build_no, st.started, None);
    loop {
        let call = st
            .api
            .download_real_time_log(&st.job_id, st.build_no, st.offset, None);
        let chunk = match tokio::time::timeout_at(deadline, call).await {
            Ok(r) => r?,
            Err(_) => return Err(timeout(st)),
        };
        match chunk.offset.and_then(|o| u64::try_from(o).ok()) {
            Some(next) => st.offset = st.offset.max(next),
            None => st.offset += chunk.content.len() as u64,
        }
        if !chunk.content.is_empty() {
            st.backoff.reset();
            return Ok(Some(chunk.content));
        }
        if !chunk.has_more_data {
            if st.final_seen {
                return Ok(None);
            }
            let call = st.api.show_job_step_status(&st.job_id, Some(st.build_no));
            let status = match tokio::time::timeout_at(deadline, call).await {
                Ok(r) => r?,
                Err(_) => return Err(timeout(st)),
            };
            if status.is_final() {
                // Read once more: lines written between the read and the state change are not lost.
                st.final_seen = true;
                continue;
            }
        }
        if !st.backoff.wait(deadline).await {
            return Err(timeout(st));
        }
    }
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
            let more =
                !(n == 0 || n < u64::from(query.limit) || page.total.is_some_and(|t| reached >= t));
            query.offset = query.offset.saturating_add(n as u32);
            Ok((
                (job_id, query),
                Page {
                    items: page.history_records,
                    more,
                },
            ))
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
            let n = page.jobs.len() as u64;
            seen += n;
            let more = !(n == 0
                || n < u64::from(query.page_size)
                || page.total.is_some_and(|t| seen >= t));
            query.page_index = query.page_index.saturating_add(1);
            Ok((
                (project_id, query, seen),
                Page {
                    items: page.jobs,
                    more,
                },
            ))
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
            let n = page.jobs.len() as u64;
            seen += n;
            let more =
                !(n == 0 || n < u64::from(page_size) || page.total.is_some_and(|t| seen >= t));
            Ok((
                (project_id, index.saturating_add(1), seen),
                Page {
                    items: page.jobs,
                    more,
                },
            ))
        },
    )
}
