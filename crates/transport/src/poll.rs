//! Polling and paging, shared by every service: waiters and log followers poll on one schedule
//! ([`WaitConfig`], [`PollBackoff`]), and listings stream across pages with [`paginate`].

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
