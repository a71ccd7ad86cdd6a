//! The AK/SK request signer.
//!
//! CONTRACT (pinned in ARCHITECTURE.md; other crates depend on these signatures).

use std::time::SystemTime;

use crate::{AccessKeyCredentials, SdkDate};

/// A signing algorithm of the Huawei Cloud API gateway.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// `SDK-HMAC-SHA256`, the default.
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3`.
    HmacSm3,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 with a key derived (HKDF) from the AK/SK, the date, a region and a service.
    V11HmacSha256 {
        /// Region id, e.g. `cn-north-4`.
        region: String,
        /// Service name, e.g. `CodeArtsBuild`.
        service: String,
    },
    /// `SDK-ECDSA-P256-SHA256` (randomised signatures).
    #[cfg(feature = "ecdsa")]
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3` (randomised signatures).
    #[cfg(feature = "sm2")]
    Sm2Sm3,
}

/// Signs requests. Cheap to clone and to share between threads.
#[derive(Debug, Clone, Default)]
pub struct Signer {
    algorithm: SigningAlgorithm,
}

/// What a signature was computed over, for debugging signature mismatches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was signed.
    pub string_to_sign: String,
    /// The `SignedHeaders` list, `;`-joined.
    pub signed_headers: String,
    /// The `Authorization` header value set on the request.
    pub authorization: String,
    /// Names of the headers the signer added (e.g. `x-sdk-date`, `host`, `authorization`).
    pub added_headers: Vec<http::HeaderName>,
}

/// Why a request could not be signed. The request is left untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The access key id is empty.
    #[error("the access key id (AK) is empty")]
    EmptyAccessKey,
    /// The secret access key is empty.
    #[error("the secret access key (SK) is empty")]
    EmptySecretKey,
    /// The request URI has no host and no `Host` header was given.
    #[error("the request URI has no host and no Host header was given")]
    MissingHost,
    /// A header value contains CR, LF or another byte that cannot be signed.
    #[error("header {name} has a value that cannot be signed: {reason}")]
    InvalidHeaderValue {
        /// Header name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// The given `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("X-Sdk-Date {value:?} is not of the form YYYYMMDDTHHMMSSZ")]
    InvalidSdkDate {
        /// The value given.
        value: String,
    },
    /// The path or query has an invalid percent-escape or is not UTF-8 once decoded.
    #[error("invalid percent-encoding in the request {part}: {detail}")]
    InvalidPercentEncoding {
        /// `path` or `query`.
        part: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Key derivation for ECDSA/SM2 found no key (practically unreachable).
    #[error("could not derive a signing key from the access key")]
    KeyDerivation,
}

impl Signer {
    /// A signer for `algorithm`.
    pub fn new(algorithm: SigningAlgorithm) -> Self {
        Self { algorithm }
    }

    /// The algorithm this signer uses.
    pub fn algorithm(&self) -> &SigningAlgorithm {
        &self.algorithm
    }

    /// Signs `request` in place at the current time (an `X-Sdk-Date` already on the request is reused).
    pub fn sign<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        credentials: &AccessKeyCredentials,
    ) -> Result<SigningOutput, SignError> {
        let _ = (request, credentials);
        todo!("signer helper")
    }

    /// Signs a request head in place, given the exact body bytes that will be sent, at time `now`.
    /// On error the head is left exactly as it was.
    pub fn sign_parts(
        &self,
        parts: &mut http::request::Parts,
        body: &[u8],
        credentials: &AccessKeyCredentials,
        now: SystemTime,
    ) -> Result<SigningOutput, SignError> {
        let _ = (
            parts,
            body,
            credentials,
            now,
            SdkDate::from_system_time(now),
        );
        todo!("signer helper")
    }
}
