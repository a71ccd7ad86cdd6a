//! Waiters and streams: wait for a build to finish, follow its log, page through jobs and builds.
//!
//! All of them take any [`ServiceStageApi`] (the HTTP client or a mock), poll with exponential backoff and spawn
//! nothing: dropping the future or stream cancels everything, with no task left behind. A build's final state is
//! read from the build instance details (0269, `build_state`).

use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use futures_util::TryStreamExt;
use hwcloud_transport::Error;
pub use hwcloud_transport::poll::WaitConfig;
use hwcloud_transport::poll::{self, LogChunk, Page, PollError, paginate, poll_until};

use crate::client::ServiceStageApi;
use crate::model::{BuildInstance, BuildSummary, JobSummary, ListBuildsQuery, ListJobsQuery};

/// Why waiting stopped without a final state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The deadline passed first.
    #[error("build {build_id} was not final after {waited:?} (last state: {last_state})")]
    Timeout {
        /// Build id.
        build_id: String,
        /// How long it waited.
        waited: Duration,
        /// The last state seen, or `unknown` when no poll answered.
        last_state: String,
    },
    /// A call failed (service error, connection, invalid input…).
    #[error(transparent)]
    Api(#[from] Error),
}

fn wait_error(build_id: &str, error: PollError<BuildInstance>) -> WaitError {
    match error {
        PollError::Api(e) => WaitError::Api(e),
        PollError::Timeout { waited, last } => WaitError::Timeout {
            build_id: build_id.to_owned(),
            waited,
            last_state: last
                .and_then(|b| b.build_state)
                .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned()),
        },
    }
}

/// Polls the build details until `build_state` is final; returns the final build instance.
///
/// Every call is bounded by the deadline too, so a hanging request cannot outlive it.
pub async fn wait_for_build<A: ServiceStageApi + ?Sized>(
    api: &A,
    build_id: &str,
    config: &WaitConfig,
) -> Result<BuildInstance, WaitError> {
    wait_for_build_observed(api, build_id, config, |_| {}).await
}

/// [`wait_for_build`], calling `on_poll` with every build read (the final one included), e.g. to drive a
/// progress display.
pub async fn wait_for_build_observed<A: ServiceStageApi + ?Sized>(
    api: &A,
    build_id: &str,
    config: &WaitConfig,
    mut on_poll: impl FnMut(&BuildInstance),
) -> Result<BuildInstance, WaitError> {
    poll_until(
        config,
        || api.show_build(build_id),
        |build| {
            tracing::debug!(build_id, state = ?build.build_state, "polled build state");
            on_poll(build);
            build.is_final()
        },
    )
    .await
    .map_err(|e| wait_error(build_id, e))
}

/// Follows a build's log (0221 `/logs?from=`): yields each non-empty chunk of text in order, passing `next` as the
/// following `from`, and ends once the build is final **and** a read after that returned nothing (so the log is
/// drained even if the last lines were written as the build finished). Empty reads of a running build are
/// polled again with backoff. Ends with [`WaitError::Timeout`] at the deadline.
pub fn follow_log<'a, A: ServiceStageApi + ?Sized>(
    api: &'a A,
    build_id: &str,
    config: &WaitConfig,
) -> impl Stream<Item = Result<String, WaitError>> + Send + 'a {
    // The stream outlives `build_id`, and each read's future owns its copy.
    let build_id: Arc<str> = build_id.into();
    let (read_id, state_id) = (Arc::clone(&build_id), Arc::clone(&build_id));
    let read = move |from| {
        let build_id = Arc::clone(&read_id);
        async move {
            let chunk = api.show_logs(&build_id, from).await?;
            // The service has no "more data" flag: every empty read asks whether the build is final.
            Ok(LogChunk {
                text: chunk.buildlog,
                next: chunk.next,
                more: false,
            })
        }
    };
    let is_final = move || {
        let build_id = Arc::clone(&state_id);
        async move { Ok(api.show_build(&build_id).await?.is_final()) }
    };
    poll::follow_log(config, read, is_final).map_err(move |e| wait_error(&build_id, e))
}

/// Every build job (0218), page after page from `query.page`. Stops when a page is empty or short, `total` jobs
/// were seen, or the service repeats a page (it ignored the page index). The first error ends the stream.
pub fn list_jobs<'a, A: ServiceStageApi + ?Sized>(
    api: &'a A,
    query: ListJobsQuery,
) -> impl Stream<Item = Result<JobSummary, Error>> + Send + 'a {
    let seen = u64::from(query.page.saturating_sub(1)) * u64::from(query.per_page);
    let state = (query, seen, None::<String>);
    paginate(
        state,
        move |(mut query, mut seen, first_of_last_page)| async move {
            let page = api.list_jobs(&query).await?;
            let first = page.list.first().and_then(|j| j.job_id.clone());
            if same_page_again(&first, &first_of_last_page) {
                return Ok(((query, seen, first), Page::last(Vec::new())));
            }
            seen += page.list.len() as u64;
            let page = Page::sized(page.list, query.per_page.into(), seen, count(page.total));
            query.page = query.page.saturating_add(1);
            Ok(((query, seen, first), page))
        },
    )
}

/// Every build instance of a job (0219). Paging parameters are undocumented for this operation: when
/// `query.per_page` is unset a single request is made (the service returns the whole list); when set, pages are
/// requested until one is empty or short, `total` builds were seen, or a page repeats.
pub fn list_builds<'a, A: ServiceStageApi + ?Sized>(
    api: &'a A,
    job_id: &str,
    query: ListBuildsQuery,
) -> impl Stream<Item = Result<BuildSummary, Error>> + Send + 'a {
    let state = (job_id.to_owned(), query, 0u64, None::<String>);
    paginate(
        state,
        move |(job_id, mut query, mut seen, first_of_last_page)| async move {
            let page = api.list_builds(&job_id, &query).await?;
            let first = page.list.first().and_then(|b| b.build_id.clone());
            if same_page_again(&first, &first_of_last_page) {
                return Ok(((job_id, query, seen, first), Page::last(Vec::new())));
            }
            seen += page.list.len() as u64;
            let page = match query.per_page {
                // No page size: the one answer is the whole list.
                None => Page::last(page.list),
                Some(per_page) => Page::sized(page.list, per_page.into(), seen, count(page.total)),
            };
            query.page = Some(query.page.unwrap_or(1).saturating_add(1));
            Ok(((job_id, query, seen, first), page))
        },
    )
}

/// A service that ignores the page number answers the same page again; the listing then stops rather than loops.
fn same_page_again(first: &Option<String>, first_of_last_page: &Option<String>) -> bool {
    first.is_some() && first == first_of_last_page
}

/// The service's `total` as a count; a negative one counts as 0, which ends the listing.
fn count(total: Option<i64>) -> Option<u64> {
    total.map(|t| u64::try_from(t).unwrap_or(0))
}
