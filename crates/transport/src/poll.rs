//! Polling and paging, shared by every service: waiters poll until a final state ([`poll_until`]) and log
//! followers stream a growing log ([`follow_log`]), both on one schedule ([`WaitConfig`], [`PollBackoff`]);
//! listings stream across pages with [`paginate`].

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use futures_core::Stream;
use tokio::time::Instant;

use crate::Error;

/// Polling schedule of waiters and log followers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitConfig {
    /// First delay between polls.
    pub initial_delay: Duration,
    /// Longest delay between polls (the delay doubles up to this).
    pub max_delay: Duration,
    /// Give up after this long (the service crate's waiter then returns its `WaitError::Timeout`).
    pub timeout: Duration,
}

impl Default for WaitConfig {
    /// 1 s → 10 s backoff, 30 min deadline.
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl WaitConfig {
    /// A schedule with the given backoff bounds and deadline.
    pub fn new(initial_delay: Duration, max_delay: Duration, timeout: Duration) -> Self {
        Self {
            initial_delay,
            max_delay: max_delay.max(initial_delay),
            timeout,
        }
    }
    /// Changes the deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// The delays of one polling loop: `initial_delay`, doubling up to `max_delay`.
///
/// ```
/// use std::time::Duration;
/// use hwcloud_transport::poll::{PollBackoff, WaitConfig};
/// let mut b = PollBackoff::new(&WaitConfig::new(Duration::from_secs(1), Duration::from_secs(3), Duration::from_secs(60)));
/// assert_eq!([b.next_delay(), b.next_delay(), b.next_delay()], [Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(3)]);
/// b.reset();
/// assert_eq!(b.next_delay(), Duration::from_secs(1));
/// ```
#[derive(Clone, Debug)]
pub struct PollBackoff {
    next: Duration,
    initial: Duration,
    max: Duration,
}

impl PollBackoff {
    /// Starts at `config.initial_delay`.
    pub fn new(config: &WaitConfig) -> Self {
        Self {
            next: config.initial_delay,
            initial: config.initial_delay,
            max: config.max_delay,
        }
    }

    /// The delay before the next poll; later delays double up to the maximum.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        delay
    }

    /// Starts over at the initial delay (progress was seen, e.g. new log output).
    pub fn reset(&mut self) {
        self.next = self.initial;
    }

    /// Sleeps before the next poll. When that poll would come after `deadline`, sleeps until the deadline
    /// instead and returns `false`: the caller gives up with its timeout error.
    pub async fn wait(&mut self, deadline: Instant) -> bool {
        let delay = self.next_delay();
        if Instant::now() + delay >= deadline {
            tokio::time::sleep_until(deadline).await;
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }
}

/// One page of a listing: its items, and whether another page should be requested.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// Request another page after these items.
    pub more: bool,
}

impl<T> Page<T> {
    /// A page after which no other is requested.
    pub fn last(items: Vec<T>) -> Self {
        Self { items, more: false }
    }

    /// A page of a listing served `page_size` items at a time. Another page is requested unless this one is empty
    /// or short, or `seen` (the items up to and including this page) reached the `total` the service reported.
    ///
    /// ```
    /// use hwcloud_transport::poll::Page;
    /// assert!(Page::sized(vec![1, 2], 2, 2, None).more);
    /// assert!(!Page::sized(vec![1], 2, 1, None).more);
    /// assert!(!Page::sized(vec![3, 4], 2, 4, Some(4)).more);
    /// ```
    pub fn sized(items: Vec<T>, page_size: u64, seen: u64, total: Option<u64>) -> Self {
        let n = items.len() as u64;
        let more = !(n == 0 || n < page_size || total.is_some_and(|t| seen >= t));
        Self { items, more }
    }
}

/// Streams the items of a paginated listing. `fetch` is given the paging state (cursor, query, counters),
/// requests one page and returns the advanced state with the page; its items are yielded before the next page
/// is requested, and paging stops after a page with `more == false`. The first error ends the stream. Nothing is
/// spawned: dropping the stream cancels it.
///
/// ```
/// use futures_util::TryStreamExt;
/// use hwcloud_transport::poll::{Page, paginate};
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), hwcloud_transport::Error> {
/// // A listing of 5 items served 2 per page.
/// let items: Vec<u32> = paginate(0u32, |offset| async move {
///     let page: Vec<u32> = (offset..5).take(2).collect();
///     let more = page.len() == 2;
///     Ok((offset + 2, Page { items: page, more }))
/// })
/// .try_collect()
/// .await?;
/// assert_eq!(items, [0, 1, 2, 3, 4]);
/// # Ok(()) }
/// ```
pub fn paginate<S, T, F, Fut>(state: S, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<(S, Page<T>), Error>>,
{
    struct Pager<S, T, F> {
        state: Option<S>,
        buffer: VecDeque<T>,
        fetch: F,
    }
    let pager = Pager {
        state: Some(state),
        buffer: VecDeque::new(),
        fetch,
    };
    futures_util::stream::try_unfold(pager, |mut pager| async move {
        loop {
            if let Some(item) = pager.buffer.pop_front() {
                return Ok(Some((item, pager)));
            }
            let Some(state) = pager.state.take() else {
                return Ok(None);
            };
            let (state, page) = (pager.fetch)(state).await?;
            pager.buffer.extend(page.items);
            if page.more {
                pager.state = Some(state);
            }
        }
    })
}

/// Why [`poll_until`] or [`follow_log`] stopped without a result; each service crate maps it to its own
/// `WaitError`.
#[derive(Debug)]
pub enum PollError<T> {
    /// The deadline passed first.
    Timeout {
        /// How long it waited.
        waited: Duration,
        /// The last (non-final) value read, if any; always `None` from [`follow_log`], which has no such value.
        last: Option<T>,
    },
    /// A call failed.
    Api(Error),
}

/// Calls `poll` on the [`WaitConfig`] schedule until `is_final` accepts an answer, and returns that answer.
/// `is_final` sees every answer, in order, so callers can also report progress from it. Every call is bounded by
/// the deadline too, so a hanging request cannot outlive it. Nothing is spawned.
///
/// ```
/// use std::time::Duration;
/// use hwcloud_transport::poll::{WaitConfig, poll_until};
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let config = WaitConfig::new(Duration::from_millis(1), Duration::from_millis(1), Duration::from_secs(60));
/// let mut polls = 0;
/// let answer = poll_until(&config, || { polls += 1; std::future::ready(Ok(polls)) }, |n| *n == 3).await;
/// assert_eq!(answer.ok(), Some(3));
/// # }
/// ```
pub async fn poll_until<T, F, Fut>(
    config: &WaitConfig,
    mut poll: F,
    mut is_final: impl FnMut(&T) -> bool,
) -> Result<T, PollError<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let deadline = started + config.timeout;
    let mut backoff = PollBackoff::new(config);
    let mut last = None;
    loop {
        let Ok(answer) = tokio::time::timeout_at(deadline, poll()).await else {
            break;
        };
        let value = answer.map_err(PollError::Api)?;
        if is_final(&value) {
            return Ok(value);
        }
        last = Some(value);
        if !backoff.wait(deadline).await {
            break;
        }
    }
    Err(PollError::Timeout {
        waited: started.elapsed(),
        last,
    })
}

/// One read of a growing log, for [`follow_log`].
#[derive(Debug)]
pub struct LogChunk {
    /// The text read (empty when nothing new).
    pub text: String,
    /// The offset to read from next, as the service reported it. A missing or negative one advances the offset by
    /// the text's length; the offset never moves back.
    pub next: Option<i64>,
    /// The service says more data follows: an empty read then only waits, without asking whether the producer is
    /// final.
    pub more: bool,
}

/// Follows a growing log: `read(offset)` returns the next [`LogChunk`], and the text of every non-empty one is
/// yielded in order. After an empty read (without `more`), `is_final()` is asked; once it says yes the log is read
/// once more, and the stream ends at the next empty read, so lines written just before the producer finished are
/// not lost. Empty reads while it runs are repeated on the [`WaitConfig`] schedule, which new text resets. The
/// first error, or the deadline, ends the stream. Nothing is spawned: dropping the stream cancels it.
///
/// ```
/// use futures_util::TryStreamExt;
/// use hwcloud_transport::poll::{LogChunk, PollError, WaitConfig, follow_log};
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // A finished producer's log, served one line per read.
/// let log = "one\ntwo\n";
/// let read = |offset: u64| {
///     let line = log[offset as usize..].split_inclusive('\n').next().unwrap_or_default();
///     std::future::ready(Ok(LogChunk { text: line.to_owned(), next: None, more: false }))
/// };
/// let lines: Result<Vec<String>, PollError<()>> =
///     follow_log(&WaitConfig::default(), read, || std::future::ready(Ok(true))).try_collect().await;
/// assert_eq!(lines.ok(), Some(vec!["one\n".to_owned(), "two\n".to_owned()]));
/// # }
/// ```
pub fn follow_log<T, R, RFut, F, FFut>(
    config: &WaitConfig,
    read: R,
    is_final: F,
) -> impl Stream<Item = Result<String, PollError<T>>> + use<T, R, RFut, F, FFut>
where
    R: FnMut(u64) -> RFut,
    RFut: Future<Output = Result<LogChunk, Error>>,
    F: FnMut() -> FFut,
    FFut: Future<Output = Result<bool, Error>>,
{
    struct Follower<R, F> {
        read: R,
        is_final: F,
        offset: u64,
        backoff: PollBackoff,
        started: Instant,
        deadline: Instant,
        final_seen: bool,
    }
    let started = Instant::now();
    let follower = Follower {
        read,
        is_final,
        offset: 0,
        backoff: PollBackoff::new(config),
        started,
        deadline: started + config.timeout,
        final_seen: false,
    };
    futures_util::stream::try_unfold(follower, |mut st| async move {
        loop {
            let Ok(chunk) = tokio::time::timeout_at(st.deadline, (st.read)(st.offset)).await else {
                break;
            };
            let chunk = chunk.map_err(PollError::Api)?;
            match chunk.next.and_then(|n| u64::try_from(n).ok()) {
                Some(next) => st.offset = st.offset.max(next),
                None => st.offset += chunk.text.len() as u64,
            }
            if !chunk.text.is_empty() {
                st.backoff.reset();
                return Ok(Some((chunk.text, st)));
            }
            if !chunk.more {
                if st.final_seen {
                    return Ok(None);
                }
                let Ok(is_final) = tokio::time::timeout_at(st.deadline, (st.is_final)()).await
                else {
                    break;
                };
                if is_final.map_err(PollError::Api)? {
                    // Read once more: lines written between the empty read and the state change are not lost.
                    st.final_seen = true;
                    continue;
                }
            }
            if !st.backoff.wait(st.deadline).await {
                break;
            }
        }
        Err(PollError::Timeout {
            waited: st.started.elapsed(),
            last: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::future::{Ready, pending, ready};

    use futures_util::StreamExt;

    use super::*;

    /// Polls after 1 s, 2 s, 4 s, 4 s… and gives up after `timeout` seconds.
    fn config(timeout: u64) -> WaitConfig {
        WaitConfig::new(
            Duration::from_secs(1),
            Duration::from_secs(4),
            Duration::from_secs(timeout),
        )
    }

    fn chunk(text: &str, next: Option<i64>, more: bool) -> Result<LogChunk, Error> {
        Ok(LogChunk {
            text: text.to_owned(),
            next,
            more,
        })
    }

    /// A poll answering 1, 2, 3…, and failing from its `fails_from`th call on.
    fn counting(fails_from: u32) -> impl FnMut() -> Ready<Result<u32, Error>> {
        let mut polls = 0;
        move || {
            polls += 1;
            ready(if polls < fails_from {
                Ok(polls)
            } else {
                Err(Error::invalid_input("job_id", "gone"))
            })
        }
    }

    fn timed_out<T: std::fmt::Debug>(answer: Result<T, PollError<T>>) -> (Duration, Option<T>) {
        match answer {
            Err(PollError::Timeout { waited, last }) => (waited, last),
            other => panic!("expected a timeout, got {other:?}"),
        }
    }

    #[test]
    fn a_sized_page_asks_for_more_only_when_full_and_below_total() {
        let more = |n: usize, seen, total| Page::sized(vec![(); n], 3, seen, total).more;
        assert!(more(3, 3, None));
        assert!(more(3, 3, Some(4)));
        assert!(!more(0, 0, None));
        assert!(!more(2, 5, None));
        assert!(!more(3, 6, Some(6)));
        assert!(!more(3, 9, Some(6)));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_stops_at_the_first_final_answer() {
        let started = Instant::now();
        let mut seen = Vec::new();
        let answer = poll_until(&config(60), counting(u32::MAX), |n| {
            seen.push(*n);
            *n == 3
        })
        .await;
        assert!(matches!(answer, Ok(3)));
        assert_eq!(seen, [1, 2, 3]);
        assert_eq!(started.elapsed(), Duration::from_secs(1 + 2));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_timeout_carries_the_last_answer() {
        // Polls at 0, 1, 3 and 7 s; the next one (11 s) would be past the deadline.
        let answer = poll_until(&config(10), counting(u32::MAX), |_| false).await;
        assert_eq!(timed_out(answer), (Duration::from_secs(10), Some(4)));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_bounds_a_hanging_call_by_the_deadline() {
        let mut polls = 0;
        // The outer bound only turns a regression into a failure instead of a hang.
        let answer = tokio::time::timeout(
            Duration::from_secs(60),
            poll_until(
                &config(5),
                || {
                    polls += 1;
                    let n = polls;
                    async move {
                        if n > 1 {
                            pending::<()>().await;
                        }
                        Ok(n)
                    }
                },
                |_| false,
            ),
        )
        .await
        .expect("poll_until gives up at its own deadline");
        assert_eq!(timed_out(answer), (Duration::from_secs(5), Some(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_passes_errors_through() {
        let mut seen = Vec::new();
        let answer = poll_until(&config(60), counting(2), |n| {
            seen.push(*n);
            false
        })
        .await;
        assert!(
            matches!(answer, Err(PollError::Api(Error::InvalidInput(e))) if e.field == "job_id")
        );
        assert_eq!(seen, [1]);
    }

    /// Runs [`follow_log`] over scripted reads and final checks; returns what it yielded, the offsets it read at
    /// and how many final checks it made.
    async fn follow(
        timeout: u64,
        reads: Vec<Result<LogChunk, Error>>,
        finals: Vec<bool>,
    ) -> (Vec<Result<String, PollError<()>>>, Vec<u64>, usize) {
        let (mut reads, mut finals) = (VecDeque::from(reads), VecDeque::from(finals));
        let (mut offsets, mut checks) = (Vec::new(), 0);
        let items = follow_log(
            &config(timeout),
            |offset| {
                offsets.push(offset);
                ready(reads.pop_front().unwrap_or_else(|| chunk("", None, false)))
            },
            || {
                checks += 1;
                ready(Ok(finals.pop_front().unwrap_or(false)))
            },
        )
        .collect()
        .await;
        (items, offsets, checks)
    }

    fn texts(items: Vec<Result<String, PollError<()>>>) -> Vec<String> {
        items
            .into_iter()
            .map(|item| item.expect("no error"))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn follower_reads_once_more_after_final() {
        let reads = vec![
            chunk("a", None, false),
            chunk("", None, false),
            chunk("", None, false),
            chunk("late", None, false),
            chunk("", None, false),
        ];
        let (items, offsets, checks) = follow(60, reads, vec![false, true]).await;
        assert_eq!(texts(items), ["a", "late"]);
        assert_eq!(offsets.len(), 5);
        // The empty read after "late" ends the stream without asking again.
        assert_eq!(checks, 2);
    }

    #[tokio::test(start_paused = true)]
    async fn follower_steps_offsets_with_and_without_next() {
        let reads = vec![
            chunk("abc", None, false),    // no `next`: + len → 3
            chunk("de", Some(10), false), // `next` → 10
            chunk("f", Some(4), false),   // never back → 10
            chunk("gh", Some(-1), false), // negative: + len → 12
        ];
        let (items, offsets, _) = follow(60, reads, vec![true]).await;
        assert_eq!(texts(items), ["abc", "de", "f", "gh"]);
        assert_eq!(offsets, [0, 3, 10, 10, 12, 12]);
    }

    #[tokio::test(start_paused = true)]
    async fn follower_waits_without_final_check_while_more_data_follows() {
        let started = Instant::now();
        let reads = vec![chunk("", Some(0), true), chunk("x", None, false)];
        let (items, offsets, checks) = follow(60, reads, vec![true]).await;
        assert_eq!(texts(items), ["x"]);
        assert_eq!(offsets, [0, 0, 1, 1]);
        assert_eq!(checks, 1);
        // One backoff after the empty read with more data; none after the final check.
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn follower_backoff_starts_over_after_new_text() {
        let started = Instant::now();
        let reads = vec![
            chunk("", None, false), // then 1 s
            chunk("", None, false), // then 2 s
            chunk("x", None, false),
            chunk("", None, false), // then 1 s again, not 4 s
        ];
        let (items, _, checks) = follow(60, reads, vec![false, false, false, true]).await;
        assert_eq!(texts(items), ["x"]);
        assert_eq!(checks, 4);
        assert_eq!(started.elapsed(), Duration::from_secs(1 + 2 + 1));
    }

    #[tokio::test(start_paused = true)]
    async fn follower_times_out_once_and_ends() {
        let (items, _, checks) = follow(5, vec![], vec![]).await;
        assert!(checks > 0);
        match items.as_slice() {
            [Err(PollError::Timeout { waited, last: None })] => {
                assert_eq!(*waited, Duration::from_secs(5));
            }
            other => panic!("expected one timeout, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn follower_error_ends_the_stream() {
        let reads = vec![
            chunk("a", None, false),
            Err(Error::invalid_input("build_id", "gone")),
            chunk("never read", None, false),
        ];
        let (items, offsets, _) = follow(60, reads, vec![]).await;
        assert_eq!(offsets, [0, 1]);
        assert!(matches!(items.as_slice(), [Ok(a), Err(PollError::Api(_))] if a == "a"));
    }
}
