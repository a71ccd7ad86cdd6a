//! Retry policy: what is retried when, and how long to wait.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

/// Why an attempt failed, as seen by a [`RetryPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureClass {
    /// The connection could not be made: the request never reached the server (safe for every operation).
    Connect,
    /// No response within the attempt timeout (the server may have acted on the request).
    Timeout,
    /// The connection broke after the request was (maybe) sent.
    Transport,
    /// HTTP 429 (throttling).
    Throttled,
    /// HTTP 500, 502, 503 or 504.
    ServerError(StatusCode),
}

/// What a [`RetryPolicy`] is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryContext {
    /// Attempts made so far (1 after the first failure).
    pub attempt: u32,
    /// Why the last attempt failed.
    pub class: FailureClass,
    /// Whether the operation is safe to repeat.
    pub idempotent: bool,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// Operation name.
    pub operation: &'static str,
}

/// The decision of a [`RetryPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Try again after this delay.
    RetryAfter(Duration),
    /// Give up and return the error.
    Stop,
}

/// Decides whether and when to retry. Token-expiry and clock-skew refusals are handled before the policy
/// (one corrective retry each), and a delay beyond the total timeout ends the call.
pub trait RetryPolicy: Send + Sync + fmt::Debug {
    /// Decides for one failure.
    fn decide(&self, ctx: &RetryContext) -> RetryDecision;
}

/// The standard policy: at most `max_attempts`; connection failures retried for every operation;
/// timeouts, broken connections, 429 and 500/502/503/504 only for idempotent operations; `Retry-After`
/// honoured, otherwise exponential back-off with full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardRetryPolicy {
    /// Attempts in total, the first included (default 3).
    pub max_attempts: u32,
    /// Base delay (default 200 ms).
    pub initial_backoff: Duration,
    /// Largest delay (default 20 s).
    pub max_backoff: Duration,
}

impl Default for StandardRetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl StandardRetryPolicy {
    /// Upper bound of the delay after `attempt` attempts: `min(max_backoff, initial_backoff · 2^(attempt-1))`.
    pub fn backoff_bound(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        self.initial_backoff
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// Full jitter: `bound · r` for `r` in `[0, 1)`.
    pub fn backoff_with(&self, attempt: u32, r: f64) -> Duration {
        self.backoff_bound(attempt).mul_f64(r.clamp(0.0, 1.0))
    }

    /// Whether this failure class may be retried for an operation of this idempotency.
    pub fn is_retryable(class: FailureClass, idempotent: bool) -> bool {
        match class {
            FailureClass::Connect => true,
            FailureClass::Timeout
            | FailureClass::Transport
            | FailureClass::Throttled
            | FailureClass::ServerError(_) => idempotent,
        }
    }
}

impl RetryPolicy for StandardRetryPolicy {
    fn decide(&self, ctx: &RetryContext) -> RetryDecision {
        if ctx.attempt >= self.max_attempts || !Self::is_retryable(ctx.class, ctx.idempotent) {
            return RetryDecision::Stop;
        }
        match ctx.retry_after {
            Some(d) => RetryDecision::RetryAfter(d),
            None => RetryDecision::RetryAfter(self.backoff_with(ctx.attempt, fastrand::f64())),
        }
    }
}

/// Never retries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoRetry;

impl RetryPolicy for NoRetry {
    fn decide(&self, _ctx: &RetryContext) -> RetryDecision {
        RetryDecision::Stop
    }
}

/// Retry configuration of an [`crate::SdkConfig`].
#[derive(Clone, Debug)]
pub struct RetryConfig {
    policy: Arc<dyn RetryPolicy>,
}

impl RetryConfig {
    /// The standard policy ([`StandardRetryPolicy::default`]).
    pub fn standard() -> Self {
        Self::with_standard(StandardRetryPolicy::default())
    }

    /// The standard policy with custom numbers.
    pub fn with_standard(policy: StandardRetryPolicy) -> Self {
        Self {
            policy: Arc::new(policy),
        }
    }

    /// No retries (token-expiry and clock-skew corrections still happen once each).
    pub fn disabled() -> Self {
        Self {
            policy: Arc::new(NoRetry),
        }
    }

    /// A user policy.
    pub fn custom(policy: impl RetryPolicy + 'static) -> Self {
        Self {
            policy: Arc::new(policy),
        }
    }

    /// The policy.
    pub fn policy(&self) -> &dyn RetryPolicy {
        &*self.policy
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Parses `Retry-After`: delay seconds, or an HTTP date relative to `now` (the response `Date`, if any).
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(attempt: u32, class: FailureClass, idempotent: bool) -> RetryContext {
        RetryContext {
            attempt,
            class,
            idempotent,
            retry_after: None,
            operation: "Op",
        }
    }

    #[test]
    fn table_of_what_is_retried() {
        let p = StandardRetryPolicy::default();
        let s503 = FailureClass::ServerError(StatusCode::SERVICE_UNAVAILABLE);
        for (class, idem, retried) in [
            (FailureClass::Connect, false, true),
            (FailureClass::Connect, true, true),
            (FailureClass::Timeout, false, false),
            (FailureClass::Timeout, true, true),
            (FailureClass::Transport, false, false),
            (FailureClass::Transport, true, true),
            (FailureClass::Throttled, false, false),
            (FailureClass::Throttled, true, true),
            (s503, false, false),
            (s503, true, true),
        ] {
            let d = p.decide(&ctx(1, class, idem));
            assert_eq!(
                matches!(d, RetryDecision::RetryAfter(_)),
                retried,
                "{class:?} idempotent={idem}"
            );
        }
        // At most 3 attempts.
        assert_eq!(
            p.decide(&ctx(3, FailureClass::Connect, true)),
            RetryDecision::Stop
        );
        assert_eq!(
            NoRetry.decide(&ctx(1, FailureClass::Connect, true)),
            RetryDecision::Stop
        );
    }

    #[test]
    fn full_jitter_stays_within_bounds() {
        let p = StandardRetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        assert_eq!(p.backoff_bound(1), Duration::from_millis(100));
        assert_eq!(p.backoff_bound(2), Duration::from_millis(200));
        assert_eq!(p.backoff_bound(4), Duration::from_millis(800));
        assert_eq!(p.backoff_bound(5), Duration::from_secs(1));
        assert_eq!(p.backoff_bound(u32::MAX), Duration::from_secs(1));
        assert_eq!(p.backoff_with(3, 0.0), Duration::ZERO);
        assert_eq!(p.backoff_with(3, 0.5), Duration::from_millis(200));
        for attempt in 1..8 {
            for _ in 0..200 {
                match p.decide(&ctx(attempt, FailureClass::Connect, false)) {
                    RetryDecision::RetryAfter(d) => assert!(d <= p.backoff_bound(attempt)),
                    RetryDecision::Stop => panic!("attempt {attempt} should retry"),
                }
            }
        }
    }

    #[test]
    fn retry_after_parsing() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        let mut c = ctx(1, FailureClass::Throttled, true);
        c.retry_after = Some(Duration::from_secs(7));
        assert_eq!(
            StandardRetryPolicy::default().decide(&c),
            RetryDecision::RetryAfter(Duration::from_secs(7))
        );
    }
}
