//! The AK/SK request signer.
//!
//! CONTRACT (pinned in ARCHITECTURE.md; other crates depend on these signatures).

use std::time::SystemTime;

use hmac::{KeyInit, Mac};
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderName, HeaderValue};
use sha2::{Digest, Sha256};
use sm3::Sm3;

use crate::canonical::{self, PercentError};
use crate::{AccessKeyCredentials, SdkDate, hex};

/// `X-Sdk-Date`.
pub(crate) const X_SDK_DATE: &str = "x-sdk-date";
/// `X-Sdk-Date` as a header name (no parsing on lookup).
const X_SDK_DATE_NAME: HeaderName = HeaderName::from_static(X_SDK_DATE);
/// `X-Security-Token`.
pub(crate) const X_SECURITY_TOKEN: &str = "x-security-token";
/// The payload-hash override header of the SHA-256 algorithms.
pub(crate) const X_SDK_CONTENT_SHA256: &str = "x-sdk-content-sha256";
/// The payload-hash override header of the SM3 algorithms.
pub(crate) const X_SDK_CONTENT_SM3: &str = "x-sdk-content-sm3";
/// The payload hash the content-type rule asks for.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

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
    /// `SDK-ECDSA-P256-SHA256`. The private key is derived from the AK/SK as the official SDK does;
    /// the nonce is deterministic (RFC 6979), which verifiers cannot tell from a random one.
    #[cfg(feature = "ecdsa")]
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3`. Key derivation and ZA as the official SDK; deterministic nonce (RFC 6979).
    #[cfg(feature = "sm2")]
    Sm2Sm3,
}

/// The digest an algorithm uses for the body and the canonical request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashKind {
    Sha256,
    Sm3,
}

impl HashKind {
    /// Lower-case hex of the digest of `data`, on the stack.
    pub(crate) fn hex_digest(self, data: &[u8]) -> [u8; 64] {
        match self {
            HashKind::Sha256 => hex::encode32(&Sha256::digest(data)),
            HashKind::Sm3 => hex::encode32(&Sm3::digest(data)),
        }
    }

    /// The payload hash of an empty body.
    pub(crate) fn empty_hex(self) -> &'static str {
        match self {
            HashKind::Sha256 => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            HashKind::Sm3 => "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
        }
    }

    /// The header that overrides the payload hash.
    pub(crate) fn content_header(self) -> &'static str {
        match self {
            HashKind::Sha256 => X_SDK_CONTENT_SHA256,
            HashKind::Sm3 => X_SDK_CONTENT_SM3,
        }
    }
}

impl SigningAlgorithm {
    /// The scheme name that starts the `Authorization` header, e.g. `SDK-HMAC-SHA256`.
    pub fn name(&self) -> &'static str {
        match self {
            SigningAlgorithm::HmacSha256 => "SDK-HMAC-SHA256",
            SigningAlgorithm::HmacSm3 => "SDK-HMAC-SM3",
            SigningAlgorithm::V11HmacSha256 { .. } => "V11-HMAC-SHA256",
            #[cfg(feature = "ecdsa")]
            SigningAlgorithm::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            #[cfg(feature = "sm2")]
            SigningAlgorithm::Sm2Sm3 => "SDK-SM2-SM3",
        }
    }

    pub(crate) fn hash_kind(&self) -> HashKind {
        match self {
            SigningAlgorithm::HmacSm3 => HashKind::Sm3,
            #[cfg(feature = "sm2")]
            SigningAlgorithm::Sm2Sm3 => HashKind::Sm3,
            _ => HashKind::Sha256,
        }
    }
}

/// Signs requests. Cheap to clone and to share between threads.
#[derive(Debug, Clone, Default)]
pub struct Signer {
    algorithm: SigningAlgorithm,
}

/// What a signature was computed over, for debugging signature mismatches.
///
/// The canonical request and the string to sign share one buffer (the one that was hashed), and the
/// signed-header list is a slice of it, so keeping this debugging aid costs a signature no extra allocation.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// The canonical request, immediately followed by the string to sign.
    text: String,
    /// Where the canonical request ends and the string to sign starts.
    canonical_end: usize,
    /// The `SignedHeaders` line inside the canonical request.
    signed_headers: std::ops::Range<usize>,
    /// The `Authorization` value set on the request.
    authorization: HeaderValue,
    /// The headers the signer added, in the order it added them.
    added: AddedHeaders,
}

impl SigningOutput {
    /// A record of a signature computed elsewhere (e.g. by a custom authenticator), so it can travel with
    /// errors like the signer's own. The signed-header list is read from the canonical request's
    /// second-to-last line, as the canonical form puts it there.
    ///
    /// ```
    /// let out = hwcloud_auth::SigningOutput::new(
    ///     "GET\n/v1/x/\n\nhost:example.com\n\nhost\ne3b0c442",
    ///     "SDK-HMAC-SHA256\n20251114T080042Z\nabcd",
    ///     http::HeaderValue::from_static("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=00"),
    /// );
    /// assert_eq!(out.signed_headers(), "host");
    /// assert_eq!(out.string_to_sign(), "SDK-HMAC-SHA256\n20251114T080042Z\nabcd");
    /// assert!(out.added_headers().is_empty());
    /// ```
    pub fn new(canonical_request: &str, string_to_sign: &str, authorization: HeaderValue) -> Self {
        let signed_headers = canonical_request
            .rfind('\n')
            .and_then(|payload| {
                let start = canonical_request[..payload].rfind('\n')? + 1;
                Some(start..payload)
            })
            .unwrap_or(0..0);
        let mut text = String::with_capacity(canonical_request.len() + string_to_sign.len());
        text.push_str(canonical_request);
        text.push_str(string_to_sign);
        Self {
            text,
            canonical_end: canonical_request.len(),
            signed_headers,
            authorization,
            added: AddedHeaders::default(),
        }
    }

    /// The canonical request that was hashed.
    pub fn canonical_request(&self) -> &str {
        &self.text[..self.canonical_end]
    }

    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        &self.text[self.canonical_end..]
    }

    /// The `SignedHeaders` list, `;`-joined.
    pub fn signed_headers(&self) -> &str {
        &self.text[self.signed_headers.clone()]
    }

    /// The `Authorization` header value set on the request.
    pub fn authorization(&self) -> &str {
        // Built from ASCII by the signer, so it is always visible ASCII.
        self.authorization.to_str().unwrap_or_default()
    }

    /// Names of the headers the signer added (e.g. `x-sdk-date`, `host`, `authorization`), in order.
    pub fn added_headers(&self) -> &[HeaderName] {
        &self.added.names[..self.added.len]
    }
}

impl std::fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningOutput")
            // Temporary credentials sign their security token: never show it.
            .field(
                "canonical_request",
                &crate::redact_secret_headers(self.canonical_request()),
            )
            .field("string_to_sign", &self.string_to_sign())
            .field("signed_headers", &self.signed_headers())
            .field("authorization", &self.authorization())
            .field("added_headers", &self.added_headers())
            .finish()
    }
}

/// The at most five headers a signature adds (`X-Sdk-Date`, `Host`, the content hash, `X-Security-Token`,
/// `Authorization`), kept inline.
/// Unused slots hold a standard header name, which costs no allocation.
#[derive(Clone, PartialEq, Eq)]
struct AddedHeaders {
    names: [HeaderName; 5],
    len: usize,
}

impl Default for AddedHeaders {
    fn default() -> Self {
        Self {
            names: std::array::from_fn(|_| AUTHORIZATION),
            len: 0,
        }
    }
}

impl AddedHeaders {
    fn push(&mut self, name: HeaderName) {
        if let Some(slot) = self.names.get_mut(self.len) {
            *slot = name;
            self.len += 1;
        }
    }
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
    /// A header that would be signed occurs more than once; the gateways' canonical forms of
    /// repeated headers differ, so the signer refuses to guess.
    #[error(
        "header {name} occurs more than once; send one value (join repeated values with \",\")"
    )]
    DuplicateHeader {
        /// Header name (lower case).
        name: String,
    },
}

impl SignError {
    fn percent(part: &'static str, e: PercentError) -> Self {
        SignError::InvalidPercentEncoding { part, detail: e.0 }
    }
}

/// One header line of the canonical request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderLine<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) origin: Origin,
}

/// Appends the canonical request to `out` and returns the byte range of its `SignedHeaders` line.
/// `headers` are emitted in the given order (the signer sorts them; the verifier uses the order the
/// client declared).
pub(crate) fn write_canonical_request(
    out: &mut String,
    method: &str,
    path: &str,
    query: &str,
    headers: &[HeaderLine<'_>],
    payload_hash: &str,
) -> Result<std::ops::Range<usize>, SignError> {
    for c in method.chars() {
        out.push(c.to_ascii_uppercase());
    }
    out.push('\n');
    canonical::push_canonical_uri(out, path).map_err(|e| SignError::percent("path", e))?;
    out.push('\n');
    canonical::push_canonical_query(out, query).map_err(|e| SignError::percent("query", e))?;
    out.push('\n');
    for h in headers {
        out.push_str(h.name);
        out.push(':');
        out.push_str(h.value);
        out.push('\n');
    }
    out.push('\n');
    let start = out.len();
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(h.name);
    }
    let range = start..out.len();
    out.push('\n');
    out.push_str(payload_hash);
    Ok(range)
}

/// The string to sign of `algorithm` over a finished canonical request.
pub(crate) fn string_to_sign(
    algorithm: &SigningAlgorithm,
    date: &str,
    scope: Option<&str>,
    canonical_request: &str,
) -> String {
    let mut sts = String::with_capacity(string_to_sign_len(algorithm, date, scope));
    let hash = algorithm
        .hash_kind()
        .hex_digest(canonical_request.as_bytes());
    push_string_to_sign(&mut sts, algorithm, date, scope, &hash);
    sts
}

/// The length of the string to sign (the hash line is 64 hex characters).
fn string_to_sign_len(algorithm: &SigningAlgorithm, date: &str, scope: Option<&str>) -> usize {
    algorithm.name().len() + date.len() + 66 + scope.map_or(0, |s| s.len() + 1)
}

/// Appends the string to sign, given the hex hash of the canonical request.
fn push_string_to_sign(
    out: &mut String,
    algorithm: &SigningAlgorithm,
    date: &str,
    scope: Option<&str>,
    canonical_hash: &[u8; 64],
) {
    out.push_str(algorithm.name());
    out.push('\n');
    out.push_str(date);
    out.push('\n');
    if let Some(scope) = scope {
        out.push_str(scope);
        out.push('\n');
    }
    out.push_str(hex::as_str(canonical_hash));
}

/// `YYYYMMDD/region/service`, the V11 credential scope.
pub(crate) fn v11_scope(date: &str, region: &str, service: &str) -> String {
    let day = date.get(..8).unwrap_or(date);
    let mut scope = String::with_capacity(day.len() + region.len() + service.len() + 2);
    scope.push_str(day);
    scope.push('/');
    scope.push_str(region);
    scope.push('/');
    scope.push_str(service);
    scope
}

fn hmac_hex<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> [u8; 64] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail; the fallback is unreachable.
    match <M as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            hex::encode32(&mac.finalize().into_bytes())
        }
        Err(_) => [b'0'; 64],
    }
}

/// HMAC-SHA256, lower-case hex.
pub(crate) fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> [u8; 64] {
    hmac_hex::<hmac::Hmac<Sha256>>(key, message)
}

/// HMAC-SM3, lower-case hex.
pub(crate) fn hmac_sm3_hex(key: &[u8], message: &[u8]) -> [u8; 64] {
    hmac_hex::<hmac::Hmac<Sm3>>(key, message)
}

/// The V11 signing key: the lower-case hex of HKDF-SHA256(salt = AK, IKM = SK, info = scope, L = 32),
/// used as 64 ASCII bytes.
pub(crate) fn v11_key(access_key: &str, secret_key: &str, scope: &str) -> [u8; 64] {
    let prk = hmac_raw_sha256(access_key.as_bytes(), &[secret_key.as_bytes()]);
    let okm = hmac_raw_sha256(&prk, &[scope.as_bytes(), &[1u8]]);
    hex::encode32(&okm)
}

fn hmac_raw_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(mut mac) = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        for p in parts {
            mac.update(p);
        }
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// Appends the signature (lower-case hex) of `string_to_sign` to `out`.
pub(crate) fn push_signature(
    out: &mut String,
    algorithm: &SigningAlgorithm,
    access_key: &str,
    secret_key: &str,
    scope: Option<&str>,
    string_to_sign: &str,
) -> Result<(), SignError> {
    match algorithm {
        SigningAlgorithm::HmacSha256 => {
            let sig = hmac_sha256_hex(secret_key.as_bytes(), string_to_sign.as_bytes());
            out.push_str(hex::as_str(&sig));
        }
        SigningAlgorithm::HmacSm3 => {
            let sig = hmac_sm3_hex(secret_key.as_bytes(), string_to_sign.as_bytes());
            out.push_str(hex::as_str(&sig));
        }
        SigningAlgorithm::V11HmacSha256 { .. } => {
            let key = v11_key(access_key, secret_key, scope.unwrap_or_default());
            let sig = hmac_sha256_hex(&key, string_to_sign.as_bytes());
            out.push_str(hex::as_str(&sig));
        }
        #[cfg(feature = "ecdsa")]
        SigningAlgorithm::EcdsaP256Sha256 => {
            let der = crate::ecc::ecdsa_sign(access_key, secret_key, string_to_sign.as_bytes())?;
            hex::push(out, &der);
        }
        #[cfg(feature = "sm2")]
        SigningAlgorithm::Sm2Sm3 => {
            let der = crate::ecc::sm2_sign(access_key, secret_key, string_to_sign.as_bytes())?;
            hex::push(out, &der);
        }
    }
    Ok(())
}

/// `<scheme> Access=<AK>, SignedHeaders=<…>, Signature=<…>` (V11: `Credential=<AK>/<scope>`).
fn authorization(
    algorithm: &SigningAlgorithm,
    access_key: &str,
    secret_key: &str,
    scope: Option<&str>,
    signed_headers: &str,
    string_to_sign: &str,
) -> Result<String, SignError> {
    let name = algorithm.name();
    let mut out = String::with_capacity(
        name.len() + access_key.len() + signed_headers.len() + scope.map_or(0, str::len) + 200,
    );
    out.push_str(name);
    match scope {
        Some(scope) => {
            out.push_str(" Credential=");
            out.push_str(access_key);
            out.push('/');
            out.push_str(scope);
        }
        None => {
            out.push_str(" Access=");
            out.push_str(access_key);
        }
    }
    out.push_str(", SignedHeaders=");
    out.push_str(signed_headers);
    out.push_str(", Signature=");
    push_signature(
        &mut out,
        algorithm,
        access_key,
        secret_key,
        scope,
        string_to_sign,
    )?;
    Ok(out)
}

/// The header names the signer adds, without parsing them again.
fn header_name(name: &str) -> Result<HeaderName, http::header::InvalidHeaderName> {
    Ok(match name {
        "host" => HOST,
        X_SDK_DATE => X_SDK_DATE_NAME,
        X_SECURITY_TOKEN => HeaderName::from_static(X_SECURITY_TOKEN),
        X_SDK_CONTENT_SHA256 => HeaderName::from_static(X_SDK_CONTENT_SHA256),
        X_SDK_CONTENT_SM3 => HeaderName::from_static(X_SDK_CONTENT_SM3),
        other => HeaderName::from_bytes(other.as_bytes())?,
    })
}

/// Where a header line of the signer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Already on the request; `true` when trimming changed the value (it is written back).
    Present(bool),
    /// Added by the signer.
    Added,
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

    /// ECDSA/SM2: the public key derived from the AK/SK the way the official SDK derives it, i.e.
    /// what a gateway verifies these signatures with, as an uncompressed SEC1 point
    /// (`04 ‖ x ‖ y`, big-endian). `None` for the HMAC algorithms.
    pub fn derived_public_key(
        &self,
        credentials: &AccessKeyCredentials,
    ) -> Result<Option<[u8; 65]>, SignError> {
        let (ak, sk) = (
            credentials.access_key_id(),
            credentials.secret_access_key().expose(),
        );
        if ak.is_empty() {
            return Err(SignError::EmptyAccessKey);
        }
        if sk.is_empty() {
            return Err(SignError::EmptySecretKey);
        }
        match &self.algorithm {
            #[cfg(feature = "ecdsa")]
            SigningAlgorithm::EcdsaP256Sha256 => {
                let [_, x, y] = crate::ecc::ecdsa_keys(ak, sk)?;
                Ok(Some(sec1(&x, &y)))
            }
            #[cfg(feature = "sm2")]
            SigningAlgorithm::Sm2Sm3 => {
                let [_, x, y] = crate::ecc::sm2_keys(ak, sk)?;
                Ok(Some(sec1(&x, &y)))
            }
            _ => Ok(None),
        }
    }

    /// Signs `request` in place at the current time (an `X-Sdk-Date` already on the request is reused).
    pub fn sign<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        credentials: &AccessKeyCredentials,
    ) -> Result<SigningOutput, SignError> {
        self.sign_request(request, credentials, None)
    }

    /// Signs `request` in place at time `now` (an `X-Sdk-Date` already on the request is reused).
    pub fn sign_at<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        credentials: &AccessKeyCredentials,
        now: SystemTime,
    ) -> Result<SigningOutput, SignError> {
        self.sign_request(request, credentials, Some(now))
    }

    fn sign_request<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        credentials: &AccessKeyCredentials,
        now: Option<SystemTime>,
    ) -> Result<SigningOutput, SignError> {
        // Move the URI and headers out so the body and method can be borrowed alongside them;
        // both defaults are allocation-free, and both are put back whatever the outcome.
        let mut uri = std::mem::take(request.uri_mut());
        let mut headers = std::mem::take(request.headers_mut());
        let result = self.sign_head(
            Head {
                method: request.method(),
                uri: &mut uri,
                headers: &mut headers,
            },
            request.body().as_ref(),
            credentials,
            now,
        );
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        result
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
        self.sign_head(
            Head {
                method: &parts.method,
                uri: &mut parts.uri,
                headers: &mut parts.headers,
            },
            body,
            credentials,
            Some(now),
        )
    }

    /// `now` is `None` for "the current time", read only when no `X-Sdk-Date` is given.
    fn sign_head(
        &self,
        head: Head<'_>,
        body: &[u8],
        credentials: &AccessKeyCredentials,
        now: Option<SystemTime>,
    ) -> Result<SigningOutput, SignError> {
        let access_key = credentials.access_key_id();
        let secret_key = credentials.secret_access_key().expose();
        if access_key.is_empty() {
            return Err(SignError::EmptyAccessKey);
        }
        if secret_key.is_empty() {
            return Err(SignError::EmptySecretKey);
        }
        let Head {
            method,
            uri,
            headers,
        } = head;
        let hash = self.algorithm.hash_kind();
        let content_header = hash.content_header();

        // Everything is computed from shared borrows first; the request is only written to once
        // nothing can fail any more.
        let plan = {
            let token = match credentials.security_token() {
                Some(token) => {
                    let t = canonical::trim(token.expose());
                    if let Some(reason) = canonical::header_value_problem(t) {
                        return Err(SignError::InvalidHeaderValue {
                            name: X_SECURITY_TOKEN.to_owned(),
                            reason,
                        });
                    }
                    Some(t)
                }
                None => None,
            };

            // One pass over the headers: the lines to sign, and what the rules below look at.
            let mut lines = LineBuf::new();
            let mut unsigned_rewrites: Vec<(&HeaderName, &str)> = Vec::new();
            let mut host_given = false;
            let mut given_date: Option<(&HeaderValue, &str)> = None;
            let mut content_type: Option<&[u8]> = None;
            let mut content_line: Option<usize> = None;
            for (name, value) in headers.iter() {
                let n = name.as_str();
                if name == AUTHORIZATION || (token.is_some() && n == X_SECURITY_TOKEN) {
                    continue; // replaced below
                }
                if name == http::header::CONTENT_TYPE {
                    content_type = Some(value.as_bytes());
                }
                let raw = std::str::from_utf8(value.as_bytes());
                if n.contains('_') {
                    // Sent but not signed; trimmed like every value when it is text.
                    if let Ok(raw) = raw {
                        let t = canonical::trim(raw);
                        if t.len() != raw.len() {
                            unsigned_rewrites.push((name, t));
                        }
                    }
                    continue;
                }
                let Ok(raw) = raw else {
                    return Err(SignError::InvalidHeaderValue {
                        name: n.to_owned(),
                        reason: "it is not valid UTF-8",
                    });
                };
                let value_text = canonical::trim(raw);
                if let Some(reason) = canonical::header_value_problem(value_text) {
                    return Err(SignError::InvalidHeaderValue {
                        name: n.to_owned(),
                        reason,
                    });
                }
                if name == HOST {
                    host_given = true;
                } else if n == X_SDK_DATE {
                    given_date = Some((value, value_text));
                } else if n == content_header {
                    content_line = Some(lines.len());
                }
                lines.push(HeaderLine {
                    name: n,
                    value: value_text,
                    origin: Origin::Present(value_text.len() != raw.len()),
                });
            }

            // X-Sdk-Date: reused when given (a repeated one is reported as a duplicate below).
            let date_buf;
            let date: &str = match given_date {
                Some((value, text)) => {
                    // A valid date is its own canonical form, so the given text is used.
                    if SdkDate::parse(text).is_none() {
                        return Err(SignError::InvalidSdkDate {
                            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        });
                    }
                    text
                }
                None => {
                    let date = SdkDate::from_system_time(now.unwrap_or_else(SystemTime::now));
                    if !date.is_representable() {
                        return Err(SignError::InvalidSdkDate {
                            value: date.to_string(),
                        });
                    }
                    date_buf = date.to_bytes();
                    let date = std::str::from_utf8(&date_buf).unwrap_or_default();
                    lines.push(HeaderLine {
                        name: X_SDK_DATE,
                        value: date,
                        origin: Origin::Added,
                    });
                    date
                }
            };

            // Host: the URI authority as written (without user info) unless a Host header exists.
            if !host_given {
                let Some(authority) = uri.authority() else {
                    return Err(SignError::MissingHost);
                };
                let a = authority.as_str();
                lines.push(HeaderLine {
                    name: "host",
                    value: a.rsplit_once('@').map_or(a, |(_, host)| host),
                    origin: Origin::Added,
                });
            }

            // UNSIGNED-PAYLOAD for bodies that are neither JSON nor BSON (replacing a given value).
            let unsigned_payload = content_type.is_some_and(|ct| {
                !ct.is_empty()
                    && !ct.starts_with(b"application/json")
                    && !ct.starts_with(b"application/bson")
            });
            if unsigned_payload {
                let line = HeaderLine {
                    name: content_header,
                    value: UNSIGNED_PAYLOAD,
                    origin: Origin::Added,
                };
                match content_line {
                    Some(i) => lines.set(i, line),
                    None => lines.push(line),
                }
            }
            if let Some(token) = token {
                lines.push(HeaderLine {
                    name: X_SECURITY_TOKEN,
                    value: token,
                    origin: Origin::Added,
                });
            }
            let lines = lines.as_mut_slice();
            lines.sort_unstable_by(|a, b| a.name.cmp(b.name));
            if let Some(w) = lines.windows(2).find(|w| w[0].name == w[1].name) {
                return Err(SignError::DuplicateHeader {
                    name: w[0].name.to_owned(),
                });
            }

            // Payload hash: empty body → empty hash; override header; hash of the body.
            let body_hash;
            let payload_hash = if body.is_empty() {
                hash.empty_hex()
            } else if let Some(line) = lines
                .iter()
                .find(|l| l.name == content_header && !l.value.is_empty())
            {
                line.value
            } else {
                body_hash = hash.hex_digest(body);
                hex::as_str(&body_hash)
            };

            let path = uri.path();
            let query = uri.query().unwrap_or("");
            let scope = match &self.algorithm {
                SigningAlgorithm::V11HmacSha256 { region, service } => {
                    Some(v11_scope(date, region, service))
                }
                _ => None,
            };
            // One buffer: the canonical request, then the string to sign (see `SigningOutput`).
            let mut text = String::with_capacity(
                string_to_sign_len(&self.algorithm, date, scope.as_deref())
                    + method.as_str().len()
                    + path.len() * 3
                    + query.len() * 3
                    + lines
                        .iter()
                        .map(|h| h.name.len() * 2 + h.value.len() + 3)
                        .sum::<usize>()
                    + 72,
            );
            let signed_range = write_canonical_request(
                &mut text,
                method.as_str(),
                path,
                query,
                lines,
                payload_hash,
            )?;
            let canonical_end = text.len();
            let canonical_hash = self.algorithm.hash_kind().hex_digest(text.as_bytes());
            push_string_to_sign(
                &mut text,
                &self.algorithm,
                date,
                scope.as_deref(),
                &canonical_hash,
            );
            let authorization = authorization(
                &self.algorithm,
                access_key,
                secret_key,
                scope.as_deref(),
                &text[signed_range.clone()],
                &text[canonical_end..],
            )?;
            // `Bytes::from(String)` takes the buffer over: the value is not copied again.
            let authorization_value =
                HeaderValue::from_maybe_shared(bytes::Bytes::from(authorization)).map_err(|_| {
                SignError::InvalidHeaderValue {
                    name: AUTHORIZATION.as_str().to_owned(),
                    reason: "the access key id, region or service contains characters not allowed in a header",
                }
            })?;

            // Header values to set: additions (at most four) and trimmed rewrites (rare).
            let mut added: [Option<(HeaderName, HeaderValue)>; 4] = Default::default();
            let mut rewrites: Vec<(HeaderName, HeaderValue)> = Vec::new();
            for line in lines.iter() {
                if line.origin == Origin::Present(false) {
                    continue;
                }
                let invalid = |reason| SignError::InvalidHeaderValue {
                    name: line.name.to_owned(),
                    reason,
                };
                let value = HeaderValue::from_bytes(line.value.as_bytes())
                    .map_err(|_| invalid("it contains bytes not allowed in a header"))?;
                let name = header_name(line.name).map_err(|_| invalid("invalid header name"))?;
                if line.origin == Origin::Added {
                    if let Some(slot) = added.iter_mut().find(|slot| slot.is_none()) {
                        *slot = Some((name, value));
                    }
                } else {
                    rewrites.push((name, value));
                }
            }
            for (name, value) in unsigned_rewrites {
                if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
                    rewrites.push((name.clone(), value));
                }
            }

            // The wire query becomes the canonical query, as the official SDK sends it: it is
            // unambiguous (`+`, sorting, escapes) for any gateway.
            let new_uri = match uri.query() {
                Some(q) => {
                    let canonical_query = canonical_query_of(&text[..canonical_end]);
                    if canonical_query == q {
                        None
                    } else {
                        Some(with_query(uri, canonical_query)?)
                    }
                }
                None => None,
            };

            Plan {
                text,
                canonical_end,
                signed_range,
                authorization_value,
                added,
                rewrites,
                new_uri,
            }
        };

        // Nothing below can fail.
        let mut added = AddedHeaders::default();
        for (name, value) in plan.added.into_iter().flatten() {
            added.push(name.clone());
            headers.insert(name, value);
        }
        for (name, value) in plan.rewrites {
            headers.insert(name, value);
        }
        headers.insert(AUTHORIZATION, plan.authorization_value.clone());
        added.push(AUTHORIZATION);
        if let Some(new_uri) = plan.new_uri {
            *uri = new_uri;
        }
        Ok(SigningOutput {
            text: plan.text,
            canonical_end: plan.canonical_end,
            signed_headers: plan.signed_range,
            authorization: plan.authorization_value,
            added,
        })
    }
}

#[cfg(any(feature = "ecdsa", feature = "sm2"))]
fn sec1(x: &[u8; 32], y: &[u8; 32]) -> [u8; 65] {
    let mut out = [4u8; 65];
    out[1..33].copy_from_slice(x);
    out[33..].copy_from_slice(y);
    out
}

struct Plan {
    text: String,
    canonical_end: usize,
    signed_range: std::ops::Range<usize>,
    authorization_value: HeaderValue,
    added: [Option<(HeaderName, HeaderValue)>; 4],
    rewrites: Vec<(HeaderName, HeaderValue)>,
    new_uri: Option<http::Uri>,
}

/// The signer's header lines: on the stack for up to 16 headers (the common case), else on the heap.
struct LineBuf<'a> {
    stack: [HeaderLine<'a>; 16],
    len: usize,
    heap: Vec<HeaderLine<'a>>,
}

impl<'a> LineBuf<'a> {
    fn new() -> Self {
        const EMPTY: HeaderLine<'static> = HeaderLine {
            name: "",
            value: "",
            origin: Origin::Added,
        };
        Self {
            stack: [EMPTY; 16],
            len: 0,
            heap: Vec::new(),
        }
    }

    #[inline]
    fn push(&mut self, line: HeaderLine<'a>) {
        if self.heap.is_empty() && self.len < self.stack.len() {
            self.stack[self.len] = line;
            self.len += 1;
        } else {
            if self.heap.is_empty() {
                self.heap.reserve(self.len * 2);
                self.heap.extend_from_slice(&self.stack[..self.len]);
            }
            self.heap.push(line);
        }
    }

    fn len(&self) -> usize {
        if self.heap.is_empty() {
            self.len
        } else {
            self.heap.len()
        }
    }

    fn set(&mut self, index: usize, line: HeaderLine<'a>) {
        if self.heap.is_empty() {
            if let Some(slot) = self.stack[..self.len].get_mut(index) {
                *slot = line;
            }
        } else if let Some(slot) = self.heap.get_mut(index) {
            *slot = line;
        }
    }

    fn as_mut_slice(&mut self) -> &mut [HeaderLine<'a>] {
        if self.heap.is_empty() {
            &mut self.stack[..self.len]
        } else {
            &mut self.heap
        }
    }
}

/// The mutable view of a request head the signer works on.
struct Head<'a> {
    method: &'a http::Method,
    uri: &'a mut http::Uri,
    headers: &'a mut http::HeaderMap,
}

/// The third line of a canonical request (its query string).
fn canonical_query_of(canonical_request: &str) -> &str {
    canonical_request.split('\n').nth(2).unwrap_or("")
}

/// `uri` with its query replaced by `query` (already canonically encoded).
fn with_query(uri: &http::Uri, query: &str) -> Result<http::Uri, SignError> {
    let mut path_and_query = String::with_capacity(uri.path().len() + query.len() + 1);
    path_and_query.push_str(uri.path());
    if !query.is_empty() {
        path_and_query.push('?');
        path_and_query.push_str(query);
    }
    let mut parts = uri.clone().into_parts();
    parts.path_and_query =
        Some(
            path_and_query
                .parse()
                .map_err(|_| SignError::InvalidPercentEncoding {
                    part: "query",
                    detail: "the canonical query does not form a valid URI".to_owned(),
                })?,
        );
    http::Uri::from_parts(parts).map_err(|_| SignError::InvalidPercentEncoding {
        part: "query",
        detail: "the canonical query does not form a valid URI".to_owned(),
    })
}
