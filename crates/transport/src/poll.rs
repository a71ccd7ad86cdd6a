//! Polling schedules for waiters and log followers: every service waits for long-running work the same way.

use std::time::Duration;

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
}
