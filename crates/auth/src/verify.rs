//! Verifying signed requests, as the API gateway does (used by the emulator).
//!
//! CONTRACT (pinned in ARCHITECTURE.md).

use std::time::{Duration, SystemTime};

use crate::SecretString;

/// Checks AK/SK signatures of received requests.
#[derive(Debug, Clone)]
pub struct Verifier {
    max_clock_skew: Duration,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            max_clock_skew: Duration::from_secs(15 * 60),
        }
    }
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The access key id the request was signed with.
    pub access_key_id: String,
    /// The algorithm name from the `Authorization` header, e.g. `SDK-HMAC-SHA256`.
    pub algorithm: String,
    /// The signed header names, lower-case.
    pub signed_headers: Vec<String>,
    /// The canonical request the verifier computed.
    pub canonical_request: String,
}

/// Why a signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Authorization` header.
    #[error("no Authorization header")]
    MissingAuthorization,
    /// The `Authorization` header is not `<ALG> Access=…, SignedHeaders=…, Signature=…`.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(String),
    /// Unknown algorithm name.
    #[error("unsupported signing algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The AK is not known to the lookup.
    #[error("access key {0} does not exist")]
    UnknownAccessKey(String),
    /// No `X-Sdk-Date`.
    #[error("no X-Sdk-Date header")]
    MissingDate,
    /// `X-Sdk-Date` does not parse.
    #[error("X-Sdk-Date {0:?} is not of the form YYYYMMDDTHHMMSSZ")]
    InvalidDate(String),
    /// The signing time is too far from the verifier's clock.
    #[error(
        "signature expired: signing time {signed} is more than {max_skew_secs} s from server time {server}"
    )]
    ClockSkew {
        /// `X-Sdk-Date` as sent.
        signed: String,
        /// The server time, same format.
        server: String,
        /// The allowed skew in seconds.
        max_skew_secs: u64,
    },
    /// A header that must be signed (`host`, `x-sdk-date`) is not, or a signed header is absent.
    #[error("header {0} must be present and signed")]
    UnsignedHeader(String),
    /// The signature does not match.
    #[error("signature mismatch")]
    SignatureMismatch {
        /// The canonical request the verifier computed.
        canonical_request: String,
        /// The string to sign the verifier computed.
        string_to_sign: String,
    },
}

impl Verifier {
    /// A verifier that accepts a clock skew of up to `max_clock_skew` (the gateway allows 15 minutes).
    pub fn with_max_clock_skew(max_clock_skew: Duration) -> Self {
        Self { max_clock_skew }
    }

    /// Verifies a received request head and body at server time `now`; `lookup` maps an AK to its SK.
    pub fn verify(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
        lookup: &dyn Fn(&str) -> Option<SecretString>,
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let _ = (parts, body, lookup, now, self.max_clock_skew);
        todo!("signer helper")
    }
}
