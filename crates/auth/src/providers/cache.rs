//! One cache per credential source: refresh ahead of expiry with jitter, single flight,
//! stale-on-failure, explicit invalidation. Runtime-free: a shared future, not a task.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::{CredentialsError, CredentialsErrorKind};

/// When a cached value is refreshed: `margin + U[0, jitter)` before it expires, but never earlier than
/// half-way through its lifetime (so short-lived credentials are not refreshed on every call).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use hwcloud_auth::RefreshPolicy;
/// let p = RefreshPolicy::TOKEN;
/// let now = SystemTime::UNIX_EPOCH;
/// let at = p.refresh_at(now, now + Duration::from_secs(24 * 3600));
/// let before_expiry = Duration::from_secs(24 * 3600) - at.duration_since(now).unwrap();
/// assert!(before_expiry >= p.margin && before_expiry <= p.margin + p.jitter);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPolicy {
    /// Refresh at least this long before expiry.
    pub margin: Duration,
    /// Plus a uniformly random extra up to this, so many processes do not refresh at the same instant.
    pub jitter: Duration,
    /// After a failed refresh while the old value is still valid, wait this long before trying again.
    pub retry_after_failure: Duration,
}

impl RefreshPolicy {
    /// IAM tokens (valid 24 h): refresh 60–70 min before expiry.
    pub const TOKEN: Self = Self {
        margin: Duration::from_secs(3600),
        jitter: Duration::from_secs(600),
        retry_after_failure: Duration::from_secs(10),
    };

    /// Temporary AK/SK: the official SDKs' 40 min (2400 s), plus up to 5 min jitter.
    pub const TEMPORARY_ACCESS_KEY: Self = Self {
        margin: Duration::from_secs(2400),
        jitter: Duration::from_secs(300),
        retry_after_failure: Duration::from_secs(10),
    };

    /// The instant at which a value fetched at `fetched_at` and expiring at `expires_at` is refreshed.
    pub fn refresh_at(&self, fetched_at: SystemTime, expires_at: SystemTime) -> SystemTime {
        let jitter = self.jitter.mul_f64(fastrand::f64());
        let lead = self.margin.saturating_add(jitter);
        let lifetime = expires_at
            .duration_since(fetched_at)
            .unwrap_or(Duration::ZERO);
        let lead = lead.min(lifetime / 2);
        expires_at.checked_sub(lead).unwrap_or(expires_at)
    }
}

/// What the cache needs from a cached value.
pub(crate) trait Expires: Clone + Send + Sync + 'static {
    fn expires_at(&self) -> Option<SystemTime>;
}

pub(crate) type Fetch<T> =
    Arc<dyn Fn() -> BoxFuture<'static, Result<T, CredentialsError>> + Send + Sync>;
pub(crate) type Flight<T> = Shared<BoxFuture<'static, Result<T, CredentialsError>>>;

/// `fetch` as a flight every waiter can share. A panic in it (a bug in an injected HTTP client or custom
/// provider) ends this flight with an error: a `Shared` future would otherwise hand the panic to every later
/// caller that joins the flight, and the flight would never be cleared, so the source would stay broken.
pub(crate) fn flight<T: Clone + Send + Sync + 'static>(
    what: &str,
    fetch: BoxFuture<'static, Result<T, CredentialsError>>,
) -> Flight<T> {
    let message = format!("{what} panicked; the next call tries again");
    // Unwind safety: after a panic the future is dropped, never polled again, and the error holds nothing of it.
    AssertUnwindSafe(fetch)
        .catch_unwind()
        .map(move |outcome| {
            outcome.unwrap_or_else(|_| {
                Err(CredentialsError::with_kind(
                    CredentialsErrorKind::Other,
                    message,
                ))
            })
        })
        .boxed()
        .shared()
}

/// The fetches in flight, at most one per key. Each is numbered: a waiter that finishes clears a flight
/// only if it is still the one it awaited, since an earlier waiter may have cleared it and a newer one
/// may have started since.
pub(crate) struct Flights<K, T> {
    in_flight: HashMap<K, (u64, Flight<T>)>,
    next: u64,
}

impl<K, T> Default for Flights<K, T> {
    fn default() -> Self {
        Self {
            in_flight: HashMap::new(),
            next: 0,
        }
    }
}

impl<K: Eq + Hash + Clone, T: Clone> Flights<K, T> {
    /// The flight in progress for `key`, if any.
    pub(crate) fn get(&self, key: &K) -> Option<&Flight<T>> {
        self.in_flight.get(key).map(|(_, f)| f)
    }

    /// The flight in progress for `key`, joined even when all its callers were cancelled (polling it
    /// drives it on), else a new one from `start`; with its number, for [`Flights::finish`].
    pub(crate) fn join_or_start(
        &mut self,
        key: &K,
        start: impl FnOnce() -> Flight<T>,
    ) -> (u64, Flight<T>) {
        if let Some((id, f)) = self.in_flight.get(key) {
            return (*id, f.clone());
        }
        let id = self.next;
        self.next += 1;
        let f = start();
        self.in_flight.insert(key.clone(), (id, f.clone()));
        (id, f)
    }

    /// Clears flight `id` of `key` if it is still the one in progress there, and says whether it was (its
    /// waiter then records the outcome; later waiters of the same flight do not).
    pub(crate) fn finish(&mut self, key: &K, id: u64) -> bool {
        let mine = self.in_flight.get(key).is_some_and(|(i, _)| *i == id);
        if mine {
            self.in_flight.remove(key);
        }
        mine
    }

    /// The keys with a flight in progress.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &K> {
        self.in_flight.keys()
    }
}

struct Entry<T> {
    value: T,
    expires_at: Option<SystemTime>,
    refresh_at: Option<SystemTime>,
}

struct State<T> {
    entry: Option<Entry<T>>,
    /// The refresh in flight (one source: one key).
    flights: Flights<(), T>,
    last_error: Option<CredentialsError>,
    no_retry_before: Option<SystemTime>,
    policy: RefreshPolicy,
}

pub(crate) struct Cache<T> {
    source: String,
    fetch: Fetch<T>,
    state: Mutex<State<T>>,
}

impl<T> fmt::Debug for Cache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("source", &self.source)
            .finish()
    }
}

impl<T: Expires> Cache<T> {
    pub(crate) fn new(source: String, policy: RefreshPolicy, fetch: Fetch<T>) -> Self {
        Self {
            source,
            fetch,
            state: Mutex::new(State {
                entry: None,
                flights: Flights::default(),
                last_error: None,
                no_retry_before: None,
                policy,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while holding the lock leaves consistent state (every write is a single assignment).
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn set_policy(&self, policy: RefreshPolicy) {
        self.lock().policy = policy;
    }

    pub(crate) fn invalidate(&self) {
        let mut st = self.lock();
        st.entry = None;
        st.no_retry_before = None;
    }

    pub(crate) fn last_error(&self) -> Option<CredentialsError> {
        self.lock().last_error.clone()
    }

    /// The cached value, fetching it when missing, expired or due for refresh.
    pub(crate) async fn get(&self, now: SystemTime) -> Result<T, CredentialsError> {
        let (id, flight, fallback) = {
            let mut st = self.lock();
            let mut fallback = None;
            if let Some(e) = &st.entry {
                let valid = e.expires_at.is_none_or(|x| now < x);
                let due = e.refresh_at.is_some_and(|r| now >= r);
                if valid && !due {
                    return Ok(e.value.clone());
                }
                if valid {
                    // Refresh window: one caller refreshes, everyone else keeps the still-valid value.
                    let backing_off = st.no_retry_before.is_some_and(|t| now < t);
                    // A flight nobody awaits any more (its caller was cancelled) is adopted, not waited on
                    // forever: only the cache's own handle is left.
                    let flight = st.flights.get(&());
                    let driven = flight.is_some_and(|f| f.strong_count().is_some_and(|n| n > 1));
                    if driven || (flight.is_none() && backing_off) {
                        return Ok(e.value.clone());
                    }
                    fallback = Some(e.value.clone());
                }
            }
            let (id, flight) = st.flights.join_or_start(&(), || {
                flight(
                    &format!("credential source {}", self.source),
                    (self.fetch)(),
                )
            });
            (id, flight, fallback)
        };

        let result = flight.await;

        let mut st = self.lock();
        let mine = st.flights.finish(&(), id);
        match result {
            Ok(value) => {
                if mine {
                    let expires_at = value.expires_at();
                    let refresh_at = expires_at.map(|x| st.policy.refresh_at(now, x));
                    st.entry = Some(Entry {
                        value: value.clone(),
                        expires_at,
                        refresh_at,
                    });
                    st.last_error = None;
                    st.no_retry_before = None;
                }
                Ok(value)
            }
            Err(e) => {
                if mine {
                    tracing::warn!(
                        source = %self.source,
                        kind = ?e.kind(),
                        error = %e,
                        serving_cached = fallback.is_some(),
                        "credential refresh failed"
                    );
                    if fallback.is_some() {
                        st.no_retry_before = Some(now + st.policy.retry_after_failure);
                    }
                    st.last_error = Some(e.clone());
                }
                match fallback {
                    Some(v) => Ok(v),
                    None => Err(e),
                }
            }
        }
    }
}
