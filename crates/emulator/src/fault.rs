//! Seeded, deterministic fault injection.
//!
//! Grammar of a fault spec (`--faults`, [`FaultPlan::parse`]): rules separated by `;`,
//!
//! ```text
//! RULE  = MATCH "=" FAULT [ "x" N | "@" RATE ]
//! MATCH = "*" | [METHOD " "] PATH          PATH segments may be "*" (one segment)
//! FAULT = "429" [":" SECS] | "500" | "503" | "latency:" N ("ms"|"s") | "drop" | "truncate" | "malformed"
//! ```
//!
//! e.g. `POST /v3/jobs/build=503x2; GET /v3/jobs/*/status=latency:300ms@0.5; *=drop@0.1`.
//! Without `xN` or `@RATE` a rule fires on every matching request.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 with `Retry-After: <secs>` and the gateway's `APIGW.0308` body; the request is not processed.
    Throttle {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// 500 with a service error body; the request is not processed.
    InternalError,
    /// 503 with a gateway error body; the request is not processed.
    Unavailable,
    /// The response is delayed; the request is then processed normally.
    Latency(Duration),
    /// The connection is closed without any response; the request is not processed.
    Drop,
    /// The request is processed, then the response declares the full `Content-Length` but only half the
    /// body is sent before the connection is closed.
    Truncate,
    /// The request is processed, then answered 200 with a body that is not valid JSON.
    Malformed,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Throttle { retry_after_secs } => write!(f, "429:{retry_after_secs}"),
            Fault::InternalError => f.write_str("500"),
            Fault::Unavailable => f.write_str("503"),
            Fault::Latency(d) => write!(f, "latency:{}ms", d.as_millis()),
            Fault::Drop => f.write_str("drop"),
            Fault::Truncate => f.write_str("truncate"),
            Fault::Malformed => f.write_str("malformed"),
        }
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteMatch {
    /// Every request.
    Any,
    /// A method (or any method when `None`) and a path pattern whose `*` segments match any one segment.
    Path {
        /// Upper-case method, `None` = any method.
        method: Option<String>,
        /// The pattern's segments.
        segments: Vec<String>,
    },
}

impl RouteMatch {
    /// A matcher for `method` (e.g. `"POST"`, or `"*"` for any) and `pattern` (e.g. `/v3/jobs/*/status`).
    pub fn path(method: &str, pattern: &str) -> Self {
        let method = match method.trim() {
            "" | "*" => None,
            m => Some(m.to_ascii_uppercase()),
        };
        RouteMatch::Path {
            method,
            segments: pattern
                .trim()
                .trim_matches('/')
                .split('/')
                .map(str::to_owned)
                .collect(),
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        match self {
            RouteMatch::Any => true,
            RouteMatch::Path {
                method: want,
                segments,
            } => {
                if want.as_deref().is_some_and(|m| m != method) {
                    return false;
                }
                let got: Vec<&str> = path.trim_matches('/').split('/').collect();
                got.len() == segments.len()
                    && segments.iter().zip(&got).all(|(p, g)| p == "*" || p == g)
            }
        }
    }
}

/// How often a rule fires.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Frequency {
    /// On each matching request with this probability (0.0–1.0), drawn from the seeded RNG.
    Rate(f64),
    /// On the first `n` matching requests.
    Times(u32),
}

/// One rule of a [`FaultPlan`].
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Which requests.
    pub route: RouteMatch,
    /// What happens.
    pub fault: Fault,
    /// How often.
    pub frequency: Frequency,
}

impl FaultRule {
    /// A rule firing on every matching request.
    pub fn new(route: RouteMatch, fault: Fault) -> Self {
        Self {
            route,
            fault,
            frequency: Frequency::Rate(1.0),
        }
    }

    /// Fires only on the first `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.frequency = Frequency::Times(n);
        self
    }

    /// Fires with probability `rate` (clamped to 0.0–1.0).
    pub fn rate(mut self, rate: f64) -> Self {
        self.frequency = Frequency::Rate(rate.clamp(0.0, 1.0));
        self
    }
}

/// A set of fault rules. Latency rules add up; of the other rules, the first that fires wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultPlan {
    /// The rules, in order.
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a rule.
    pub fn with(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Parses the `--faults` grammar (see the module docs).
    pub fn parse(spec: &str) -> Result<Self, FaultSpecError> {
        let mut plan = FaultPlan::default();
        for raw in spec.split(';') {
            let rule = raw.trim();
            if rule.is_empty() {
                continue;
            }
            plan.rules.push(parse_rule(rule)?);
        }
        Ok(plan)
    }
}

impl FromStr for FaultPlan {
    type Err = FaultSpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A fault spec that does not follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault rule {rule:?}: {reason}")]
#[non_exhaustive]
pub struct FaultSpecError {
    /// The offending rule.
    pub rule: String,
    /// What is wrong with it.
    pub reason: String,
}

fn parse_rule(rule: &str) -> Result<FaultRule, FaultSpecError> {
    let err = |reason: &str| FaultSpecError {
        rule: rule.to_owned(),
        reason: reason.to_owned(),
    };
    let (matcher, action) = rule
        .rsplit_once('=')
        .ok_or_else(|| err("expected MATCH=FAULT"))?;
    let matcher = matcher.trim();
    let route = if matcher == "*" {
        RouteMatch::Any
    } else if let Some((method, path)) = matcher.split_once(char::is_whitespace) {
        if !path.trim().starts_with('/') {
            return Err(err("the path must start with '/'"));
        }
        RouteMatch::path(method, path)
    } else if matcher.starts_with('/') {
        RouteMatch::path("*", matcher)
    } else {
        return Err(err("MATCH must be '*', 'PATH' or 'METHOD PATH'"));
    };
    let action = action.trim();
    let (fault_text, frequency) = if let Some((f, rate)) = action.split_once('@') {
        let rate: f64 = rate
            .trim()
            .parse()
            .map_err(|_| err("RATE must be a number between 0 and 1"))?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(err("RATE must be between 0 and 1"));
        }
        (f, Frequency::Rate(rate))
    } else if let Some((f, n)) = action
        .rsplit_once('x')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let n: u32 = n.parse().map_err(|_| err("N is too large"))?;
        (f, Frequency::Times(n))
    } else {
        (action, Frequency::Rate(1.0))
    };
    let fault = parse_fault(fault_text.trim()).ok_or_else(|| {
        err("FAULT must be 429[:SECS], 500, 503, latency:N(ms|s), drop, truncate or malformed")
    })?;
    Ok(FaultRule {
        route,
        fault,
        frequency,
    })
}

fn parse_fault(text: &str) -> Option<Fault> {
    Some(match text {
        "429" => Fault::Throttle {
            retry_after_secs: 1,
        },
        "500" => Fault::InternalError,
        "503" => Fault::Unavailable,
        "drop" => Fault::Drop,
        "truncate" => Fault::Truncate,
        "malformed" => Fault::Malformed,
        other => {
            if let Some(secs) = other.strip_prefix("429:") {
                Fault::Throttle {
                    retry_after_secs: secs.parse().ok()?,
                }
            } else if let Some(d) = other.strip_prefix("latency:") {
                let d = d.trim();
                if let Some(ms) = d.strip_suffix("ms") {
                    Fault::Latency(Duration::from_millis(ms.parse().ok()?))
                } else if let Some(s) = d.strip_suffix('s') {
                    Fault::Latency(Duration::from_secs(s.parse().ok()?))
                } else {
                    return None;
                }
            } else {
                return None;
            }
        }
    })
}

/// The live state of a plan: per-rule match counters and the seeded RNG.
#[derive(Debug)]
pub(crate) struct FaultState {
    plan: FaultPlan,
    matched: Vec<u64>,
    rng: fastrand::Rng,
}

/// What the fault layer decided for one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    pub(crate) latency: Duration,
    pub(crate) fault: Option<Fault>,
}

impl FaultState {
    pub(crate) fn new(plan: FaultPlan, seed: u64) -> Self {
        Self {
            matched: vec![0; plan.rules.len()],
            plan,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// Decides for one request. Every matching rate rule draws from the RNG whether or not an earlier
    /// rule already fired, so the sequence of decisions depends only on the seed and the request sequence.
    pub(crate) fn decide(&mut self, method: &str, path: &str) -> Decision {
        let mut decision = Decision::default();
        for (i, rule) in self.plan.rules.iter().enumerate() {
            if !rule.route.matches(method, path) {
                continue;
            }
            self.matched[i] += 1;
            let fires = match rule.frequency {
                Frequency::Times(n) => self.matched[i] <= u64::from(n),
                Frequency::Rate(r) => self.rng.f64() < r,
            };
            if !fires {
                continue;
            }
            match &rule.fault {
                Fault::Latency(d) => decision.latency += *d,
                other if decision.fault.is_none() => decision.fault = Some(other.clone()),
                _ => {}
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let plan = FaultPlan::parse(
            "POST /v3/jobs/build=503x2; GET /v3/jobs/*/status=latency:300ms@0.5; *=drop@0.1; /x=429:7",
        )
        .expect("valid");
        assert_eq!(plan.rules.len(), 4);
        assert_eq!(plan.rules[0].fault, Fault::Unavailable);
        assert_eq!(plan.rules[0].frequency, Frequency::Times(2));
        assert_eq!(
            plan.rules[1].fault,
            Fault::Latency(Duration::from_millis(300))
        );
        assert_eq!(plan.rules[1].frequency, Frequency::Rate(0.5));
        assert_eq!(plan.rules[2].route, RouteMatch::Any);
        assert_eq!(
            plan.rules[3].fault,
            Fault::Throttle {
                retry_after_secs: 7
            }
        );
    }

    #[test]
    fn rejects_bad_rules() {
        for bad in ["nothing", "*=teapot", "*=503@2", "jobs=500", "*=latency:5m"] {
            assert!(FaultPlan::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_fires_first_n_and_patterns_match_segments() {
        let plan = FaultPlan::parse("POST /v3/jobs/*/stop=500x2").expect("valid");
        let mut st = FaultState::new(plan, 1);
        assert!(st.decide("GET", "/v3/jobs/a/stop").fault.is_none());
        assert!(st.decide("POST", "/v3/jobs/a/b/stop").fault.is_none());
        assert_eq!(
            st.decide("POST", "/v3/jobs/a/stop").fault,
            Some(Fault::InternalError)
        );
        assert_eq!(
            st.decide("POST", "/v3/jobs/b/stop").fault,
            Some(Fault::InternalError)
        );
        assert!(st.decide("POST", "/v3/jobs/c/stop").fault.is_none());
    }

    #[test]
    fn rates_are_deterministic_per_seed() {
        let plan = FaultPlan::parse("*=500@0.5").expect("valid");
        let run = |seed| {
            let mut st = FaultState::new(plan.clone(), seed);
            (0..64)
                .map(|_| st.decide("GET", "/").fault.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
        let fired = run(3).iter().filter(|f| **f).count();
        assert!((10..=54).contains(&fired), "{fired}");
    }
}
