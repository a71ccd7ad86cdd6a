//! Verifying signed requests, as the API gateway does (used by the emulator).
//!
//! CONTRACT (pinned in ARCHITECTURE.md).

use std::time::{Duration, SystemTime};

use crate::canonical;
use crate::sign::{self, HeaderLine, SigningAlgorithm, UNSIGNED_PAYLOAD, X_SDK_DATE};
use crate::{AccessKeyCredentials, SdkDate, SecretString};

/// Checks AK/SK signatures of received requests.
///
/// It recomputes the canonical request over the received head and body with the client's own
/// `SignedHeaders` list, requires `host` and `x-sdk-date` to be signed, enforces the clock-skew
/// window, and compares signatures in constant time (ECDSA/SM2: verifies with the public key derived
/// from the AK/SK the official way).
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
    /// A signed header occurs more than once, or has a value that cannot be canonicalized.
    #[error("signed header {name} cannot be canonicalized: {reason}")]
    InvalidHeader {
        /// Header name (lower case).
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// The path or query has an invalid percent-escape or does not decode to UTF-8.
    #[error("invalid percent-encoding in the request {0}")]
    InvalidPercentEncoding(String),
    /// A precomputed `X-Sdk-Content-Sha256`/`-Sm3` digest does not match the body received.
    #[error("the body does not match the signed {header} digest")]
    PayloadHashMismatch {
        /// The header carrying the digest.
        header: &'static str,
    },
}

/// The parts of an `Authorization` header.
struct Authorization<'a> {
    scheme: &'a str,
    access_key: &'a str,
    /// V11: `YYYYMMDD/region/service`.
    scope: Option<&'a str>,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, VerifyError> {
    let malformed = |why: &str| VerifyError::MalformedAuthorization(why.to_owned());
    let (scheme, params) = value
        .split_once(' ')
        .ok_or_else(|| malformed("no space after the scheme"))?;
    let (mut access, mut credential, mut signed, mut signature) = (None, None, None, None);
    for param in params.split(',') {
        let param = param.trim_matches(' ');
        let (key, val) = param
            .split_once('=')
            .ok_or_else(|| malformed("a parameter is not key=value"))?;
        let slot = match key {
            "Access" => &mut access,
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(malformed(&format!("unknown parameter {key:?}"))),
        };
        if slot.replace(val).is_some() {
            return Err(malformed(&format!("parameter {key} is repeated")));
        }
    }
    let signed_headers = signed.ok_or_else(|| malformed("no SignedHeaders"))?;
    let signature = signature.ok_or_else(|| malformed("no Signature"))?;
    let (access_key, scope) = match (scheme, access, credential) {
        ("V11-HMAC-SHA256", None, Some(credential)) => {
            let (ak, scope) = credential
                .split_once('/')
                .ok_or_else(|| malformed("Credential is not AK/date/region/service"))?;
            if scope.split('/').count() != 3 || scope.split('/').any(str::is_empty) {
                return Err(malformed("Credential is not AK/date/region/service"));
            }
            (ak, Some(scope))
        }
        ("V11-HMAC-SHA256", _, _) => return Err(malformed("V11-HMAC-SHA256 needs Credential=")),
        (_, Some(ak), None) => (ak, None),
        _ => return Err(malformed("needs Access=")),
    };
    if access_key.is_empty() {
        return Err(malformed("empty access key"));
    }
    Ok(Authorization {
        scheme,
        access_key,
        scope,
        signed_headers,
        signature,
    })
}

fn algorithm_of(scheme: &str, scope: Option<&str>) -> Result<SigningAlgorithm, VerifyError> {
    Ok(match scheme {
        "SDK-HMAC-SHA256" => SigningAlgorithm::HmacSha256,
        "SDK-HMAC-SM3" => SigningAlgorithm::HmacSm3,
        "V11-HMAC-SHA256" => {
            let mut parts = scope.unwrap_or_default().splitn(3, '/').skip(1);
            SigningAlgorithm::V11HmacSha256 {
                region: parts.next().unwrap_or_default().to_owned(),
                service: parts.next().unwrap_or_default().to_owned(),
            }
        }
        #[cfg(feature = "ecdsa")]
        "SDK-ECDSA-P256-SHA256" => SigningAlgorithm::EcdsaP256Sha256,
        #[cfg(feature = "sm2")]
        "SDK-SM2-SM3" => SigningAlgorithm::Sm2Sm3,
        other => return Err(VerifyError::UnsupportedAlgorithm(other.to_owned())),
    })
}

/// Constant-time equality of two byte strings (the length is not secret).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
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
        let headers = &parts.headers;
        let auth_value = headers
            .get(http::header::AUTHORIZATION)
            .ok_or(VerifyError::MissingAuthorization)?;
        let auth_value = auth_value
            .to_str()
            .map_err(|_| VerifyError::MalformedAuthorization("not visible ASCII".to_owned()))?;
        let auth = parse_authorization(auth_value)?;
        let algorithm = algorithm_of(auth.scheme, auth.scope)?;

        let signed: Vec<&str> = auth.signed_headers.split(';').collect();
        for required in ["host", X_SDK_DATE] {
            if !signed.contains(&required) {
                return Err(VerifyError::UnsignedHeader(required.to_owned()));
            }
        }

        let date_value = headers.get(X_SDK_DATE).ok_or(VerifyError::MissingDate)?;
        let date_text = std::str::from_utf8(date_value.as_bytes())
            .map(canonical::trim)
            .map_err(|_| {
                VerifyError::InvalidDate(
                    String::from_utf8_lossy(date_value.as_bytes()).into_owned(),
                )
            })?;
        let date = SdkDate::parse(date_text)
            .ok_or_else(|| VerifyError::InvalidDate(date_text.to_owned()))?;
        let server = SdkDate::from_system_time(now);
        if date.unix_seconds().abs_diff(server.unix_seconds()) > self.max_clock_skew.as_secs() {
            return Err(VerifyError::ClockSkew {
                signed: date_text.to_owned(),
                server: server.to_string(),
                max_skew_secs: self.max_clock_skew.as_secs(),
            });
        }
        if let Some(scope) = auth.scope
            && scope.get(..8) != date_text.get(..8)
        {
            return Err(VerifyError::MalformedAuthorization(
                "the Credential date is not the X-Sdk-Date day".to_owned(),
            ));
        }

        let secret = lookup(auth.access_key)
            .ok_or_else(|| VerifyError::UnknownAccessKey(auth.access_key.to_owned()))?;

        let mut lines = Vec::with_capacity(signed.len());
        for &name in &signed {
            let mut values = headers.get_all(name).iter();
            let value = values
                .next()
                .ok_or_else(|| VerifyError::UnsignedHeader(name.to_owned()))?;
            let invalid = |reason| VerifyError::InvalidHeader {
                name: name.to_owned(),
                reason,
            };
            if values.next().is_some() {
                return Err(invalid("it occurs more than once"));
            }
            let value = canonical::trim_value(value.as_bytes())
                .ok_or_else(|| invalid("it is not valid UTF-8"))?;
            lines.push(HeaderLine {
                name,
                value,
                origin: sign::Origin::Present(false),
            });
        }

        let hash = algorithm.hash_kind();
        let body_hash;
        let content_header = hash.content_header();
        let override_value = hash.given_payload_hash(&lines);
        let payload_hash = if body.is_empty() {
            hash.empty_hex().as_bytes()
        } else {
            body_hash = hash.hex_digest(body);
            match override_value {
                Some(value) if value == UNSIGNED_PAYLOAD.as_bytes() => value,
                Some(value) => {
                    // A precomputed digest must be the digest of what arrived.
                    if !value.eq_ignore_ascii_case(&body_hash) {
                        return Err(VerifyError::PayloadHashMismatch {
                            header: content_header,
                        });
                    }
                    value
                }
                None => &body_hash,
            }
        };

        let mut canonical_request = Vec::with_capacity(512);
        let query = parts.uri.query().unwrap_or("");
        sign::write_canonical_request(
            &mut canonical_request,
            parts.method.as_str(),
            parts.uri.path(),
            query,
            &lines,
            payload_hash,
        )
        .map_err(|e| VerifyError::InvalidPercentEncoding(e.to_string()))?;
        let string_to_sign =
            sign::string_to_sign(&algorithm, date_text, auth.scope, &canonical_request);

        let ok = match &algorithm {
            SigningAlgorithm::HmacSha256
            | SigningAlgorithm::HmacSm3
            | SigningAlgorithm::V11HmacSha256 { .. } => sign::signature_hex(
                &algorithm,
                &AccessKeyCredentials::new(auth.access_key, secret.clone()),
                auth.scope,
                &string_to_sign,
            )
            .is_ok_and(|expected| ct_eq(expected.as_ref(), auth.signature.as_bytes())),
            #[cfg(feature = "ecdsa")]
            SigningAlgorithm::EcdsaP256Sha256 => {
                crate::hex::decode(auth.signature).is_some_and(|der| {
                    crate::ecc::ecdsa_verify(
                        auth.access_key,
                        secret.expose(),
                        &string_to_sign,
                        &der,
                    )
                })
            }
            #[cfg(feature = "sm2")]
            SigningAlgorithm::Sm2Sm3 => crate::hex::decode(auth.signature).is_some_and(|der| {
                crate::ecc::sm2_verify(auth.access_key, secret.expose(), &string_to_sign, &der)
            }),
        };
        let canonical_request = sign::into_text(canonical_request);
        if !ok {
            return Err(VerifyError::SignatureMismatch {
                canonical_request,
                string_to_sign: sign::into_text(string_to_sign),
            });
        }
        Ok(Verified {
            access_key_id: auth.access_key.to_owned(),
            algorithm: auth.scheme.to_owned(),
            signed_headers: signed.iter().map(|s| (*s).to_owned()).collect(),
            canonical_request,
        })
    }
}
