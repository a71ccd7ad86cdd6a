//! The AK/SK request signer.
//!
//! CONTRACT (pinned in ARCHITECTURE.md; other crates depend on these signatures).

use std::time::SystemTime;

use hmac::{KeyInit, Mac};
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderName, HeaderValue};
use sm3::{Digest, Sm3};
use zeroize::Zeroize;

use crate::canonical::{self, PercentError};
use crate::{AccessKeyCredentials, SdkDate, hex, sha256};

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
            HashKind::Sha256 => hex::encode32(&sha256::digest(data)),
            HashKind::Sm3 => hex::encode32(&Sm3::digest(data).into()),
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

    /// The payload hash a request gives in [`Self::content_header`] (a non-empty value), which
    /// replaces the hash of the body in the canonical request.
    pub(crate) fn given_payload_hash<'a>(self, lines: &[HeaderLine<'a>]) -> Option<&'a [u8]> {
        lines
            .iter()
            .find(|l| self.is_content_header(l.name) && !l.value.is_empty())
            .map(|l| l.value)
    }

    /// Whether `name` is [`Self::content_header`]. Comparing with a constant per kind compiles
    /// to a few loads, where comparing with the name chosen at run time is a `memcmp` call for
    /// every header of every request.
    pub(crate) fn is_content_header(self, name: &str) -> bool {
        match self {
            HashKind::Sha256 => name == X_SDK_CONTENT_SHA256,
            HashKind::Sm3 => name == X_SDK_CONTENT_SM3,
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
/// The canonical request, the string to sign and the `Authorization` value share one buffer (the
/// first two are what was hashed and signed), and the signed-header list is a slice of it, so keeping
/// this debugging aid costs a signature no extra allocation.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// The canonical request, then the string to sign, then the `Authorization` value. Built only
    /// from `&str` pieces and ASCII, so it is always UTF-8 (the accessors still check, rather than
    /// assume, so that no `unsafe` is needed). The header values the signer sets are slices of it,
    /// so one allocation serves the record and every header.
    text: bytes::Bytes,
    /// Where the canonical request ends and the string to sign starts.
    canonical_end: usize,
    /// Where the string to sign ends and the `Authorization` value starts.
    string_to_sign_end: usize,
    /// The `SignedHeaders` line inside the canonical request.
    signed_headers: std::ops::Range<usize>,
    /// The headers the signer added: a set of [`ADDABLE`] positions.
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
    /// assert!(out.authorization().ends_with("Signature=00"));
    /// assert_eq!(out.added_headers().count(), 0);
    /// ```
    pub fn new(canonical_request: &str, string_to_sign: &str, authorization: HeaderValue) -> Self {
        let signed_headers = canonical_request
            .rfind('\n')
            .and_then(|payload| {
                let start = canonical_request[..payload].rfind('\n')? + 1;
                Some(start..payload)
            })
            .unwrap_or(0..0);
        // A header value that is not UTF-8 cannot be shown as text; it is recorded as empty, as
        // `authorization()` documents.
        let authorization = std::str::from_utf8(authorization.as_bytes()).unwrap_or_default();
        let mut text = Vec::with_capacity(
            canonical_request.len() + string_to_sign.len() + authorization.len(),
        );
        text.extend_from_slice(canonical_request.as_bytes());
        text.extend_from_slice(string_to_sign.as_bytes());
        text.extend_from_slice(authorization.as_bytes());
        Self {
            text: text.into(),
            canonical_end: canonical_request.len(),
            string_to_sign_end: canonical_request.len() + string_to_sign.len(),
            signed_headers,
            added: AddedHeaders(0),
        }
    }

    /// `text[range]` as `&str`; the ranges end at ASCII separators of UTF-8 text, so this is the
    /// whole slice, never the empty fallback.
    fn text(&self, range: std::ops::Range<usize>) -> &str {
        self.text
            .get(range)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// The canonical request that was hashed.
    pub fn canonical_request(&self) -> &str {
        self.text(0..self.canonical_end)
    }

    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        self.text(self.canonical_end..self.string_to_sign_end)
    }

    /// The `SignedHeaders` list, `;`-joined.
    pub fn signed_headers(&self) -> &str {
        self.text(self.signed_headers.clone())
    }

    /// The `Authorization` header value set on the request (empty if a value given to
    /// [`SigningOutput::new`] was not UTF-8).
    pub fn authorization(&self) -> &str {
        self.text(self.string_to_sign_end..self.text.len())
    }

    /// Names of the headers the signer added (e.g. `host`, `x-sdk-date`, `authorization`), in the
    /// order it added them.
    ///
    /// ```
    /// # use hwcloud_auth::{AccessKeyCredentials, Signer};
    /// let mut request = http::Request::get("https://iam.myhuaweicloud.com/v3/projects").body(()).unwrap();
    /// # let mut request = request.map(|()| Vec::<u8>::new());
    /// let out = Signer::default().sign(&mut request, &AccessKeyCredentials::new("AK", "SK")).unwrap();
    /// let added: Vec<&str> = out.added_headers().map(|name| name.as_str()).collect();
    /// assert_eq!(added, ["host", "x-sdk-date", "authorization"]);
    /// ```
    pub fn added_headers(&self) -> impl Iterator<Item = &'static HeaderName> + Clone + use<> {
        let set = self.added.0;
        ADDABLE
            .iter()
            .enumerate()
            .filter(move |(i, _)| set & (1 << i) != 0)
            .map(|(_, name)| name)
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
            .field("added_headers", &self.added_headers().collect::<Vec<_>>())
            .finish()
    }
}

/// Every header a signature may add, in the order it adds them: the signed ones in canonical
/// (sorted) order, then `Authorization`.
static ADDABLE: [HeaderName; 6] = [
    HOST,
    HeaderName::from_static(X_SDK_CONTENT_SHA256),
    HeaderName::from_static(X_SDK_CONTENT_SM3),
    X_SDK_DATE_NAME,
    HeaderName::from_static(X_SECURITY_TOKEN),
    AUTHORIZATION,
];

/// Where `ADDABLE` holds `Authorization`.
const AUTHORIZATION_POSITION: usize = 5;

/// The position in [`ADDABLE`] of a header name the signer adds.
fn addable_position(name: &str) -> Option<usize> {
    Some(match name {
        "host" => 0,
        X_SDK_CONTENT_SHA256 => 1,
        X_SDK_CONTENT_SM3 => 2,
        X_SDK_DATE => 3,
        X_SECURITY_TOKEN => 4,
        "authorization" => AUTHORIZATION_POSITION,
        _ => return None,
    })
}

/// The headers a signature added, as a set of [`ADDABLE`] positions: a byte instead of a list
/// of names in every [`SigningOutput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AddedHeaders(u8);

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
    /// Trimmed, UTF-8.
    pub(crate) value: &'a [u8],
    pub(crate) origin: Origin,
}

/// Where the parts of a canonical request written by [`write_canonical_request`] are.
pub(crate) struct CanonicalLayout {
    /// The first header line (each is `name:value\n`, in the order given).
    pub(crate) headers_start: usize,
    /// The `SignedHeaders` line.
    pub(crate) signed_headers: std::ops::Range<usize>,
}

/// Appends the canonical request to `out` and says where its parts are.
/// `headers` are emitted in the given order (the signer sorts them; the verifier uses the order the
/// client declared).
pub(crate) fn write_canonical_request(
    out: &mut Vec<u8>,
    method: &str,
    path: &str,
    query: &str,
    headers: &[HeaderLine<'_>],
    payload_hash: &[u8],
) -> Result<CanonicalLayout, SignError> {
    // Python's `method.upper()`; methods are ASCII tokens, and usually upper case already.
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        out.extend(method.bytes().map(|b| b.to_ascii_uppercase()));
    } else {
        out.extend_from_slice(method.as_bytes());
    }
    out.push(b'\n');
    canonical::push_canonical_uri(out, path).map_err(|e| SignError::percent("path", e))?;
    out.push(b'\n');
    canonical::push_canonical_query(out, query).map_err(|e| SignError::percent("query", e))?;
    out.push(b'\n');
    let headers_start = out.len();
    for h in headers {
        out.extend_from_slice(h.name.as_bytes());
        out.push(b':');
        out.extend_from_slice(h.value);
        out.push(b'\n');
    }
    out.push(b'\n');
    let start = out.len();
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(h.name.as_bytes());
    }
    let signed_headers = start..out.len();
    out.push(b'\n');
    out.extend_from_slice(payload_hash);
    Ok(CanonicalLayout {
        headers_start,
        signed_headers,
    })
}

/// The string to sign of `algorithm` over a finished canonical request.
pub(crate) fn string_to_sign(
    algorithm: &SigningAlgorithm,
    date: &str,
    scope: Option<&str>,
    canonical_request: &[u8],
) -> Vec<u8> {
    let mut sts = Vec::with_capacity(string_to_sign_len(algorithm, date, scope));
    let hash = algorithm.hash_kind().hex_digest(canonical_request);
    push_string_to_sign(&mut sts, algorithm, date, scope, &hash);
    sts
}

/// The length of the string to sign (the hash line is 64 hex characters).
fn string_to_sign_len(algorithm: &SigningAlgorithm, date: &str, scope: Option<&str>) -> usize {
    algorithm.name().len() + date.len() + 66 + scope.map_or(0, |s| s.len() + 1)
}

/// Appends the string to sign, given the hex hash of the canonical request.
fn push_string_to_sign(
    out: &mut Vec<u8>,
    algorithm: &SigningAlgorithm,
    date: &str,
    scope: Option<&str>,
    canonical_hash: &[u8; 64],
) {
    out.extend_from_slice(algorithm.name().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(date.as_bytes());
    out.push(b'\n');
    if let Some(scope) = scope {
        out.extend_from_slice(scope.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(canonical_hash);
}

/// Text built by the signer from `&str` pieces and ASCII, as a `String`. It is always UTF-8; the
/// lossy fallback only keeps this panic-free.
pub(crate) fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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

/// HMAC-SM3, lower-case hex.
pub(crate) fn hmac_sm3_hex(key: &[u8], message: &[u8]) -> [u8; 64] {
    // HMAC takes keys of any length (`new_from_slice` is fallible only for MACs that do not), so
    // the fallback is unreachable.
    let mut mac = <hmac::Hmac<Sm3> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <hmac::Hmac<Sm3> as KeyInit>::new(&Default::default()));
    mac.update(message);
    hex::encode32(&mac.finalize().into_bytes().into())
}

/// The V11 signing key: the lower-case hex of HKDF-SHA256(salt = AK, IKM = SK, info = scope, L = 32),
/// used as 64 ASCII bytes.
pub(crate) fn v11_key(access_key: &str, secret_key: &str, scope: &str) -> [u8; 64] {
    let mut prk = sha256::HmacKey::new(access_key.as_bytes())
        .mac(secret_key.as_bytes(), sha256::Data::Secret);
    let mut info = Vec::with_capacity(scope.len() + 1);
    info.extend_from_slice(scope.as_bytes());
    info.push(1);
    let mut okm = sha256::HmacKey::new(&prk).mac(&info, sha256::Data::Secret);
    let key = hex::encode32(&okm);
    prk.zeroize();
    okm.zeroize();
    key
}

/// A signature in lower-case hex: an HMAC's on the stack, an ECDSA/SM2 DER signature (of varying
/// length) on the heap.
pub(crate) enum SignatureHex {
    /// HMAC-SHA256 / HMAC-SM3.
    Mac([u8; 64]),
    /// DER-encoded ECDSA/SM2 signature.
    #[cfg_attr(not(any(feature = "ecdsa", feature = "sm2")), allow(dead_code))]
    Der(Vec<u8>),
}

impl SignatureHex {
    /// The hex of a DER signature.
    #[cfg(any(feature = "ecdsa", feature = "sm2"))]
    fn der(der: &[u8]) -> Self {
        let mut hex = Vec::with_capacity(der.len() * 2);
        hex::push(&mut hex, der);
        SignatureHex::Der(hex)
    }
}

impl AsRef<[u8]> for SignatureHex {
    fn as_ref(&self) -> &[u8] {
        match self {
            SignatureHex::Mac(hex) => hex,
            SignatureHex::Der(hex) => hex,
        }
    }
}

/// The signature (lower-case hex) of `string_to_sign`.
pub(crate) fn signature_hex(
    algorithm: &SigningAlgorithm,
    credentials: &AccessKeyCredentials,
    scope: Option<&str>,
    string_to_sign: &[u8],
) -> Result<SignatureHex, SignError> {
    let access_key = credentials.access_key_id();
    let secret_key = credentials.secret_access_key().expose();
    Ok(match algorithm {
        SigningAlgorithm::HmacSha256 => SignatureHex::Mac(hex::encode32(
            &credentials
                .hmac_sha256()
                .mac(string_to_sign, sha256::Data::Public),
        )),
        SigningAlgorithm::HmacSm3 => {
            SignatureHex::Mac(hmac_sm3_hex(secret_key.as_bytes(), string_to_sign))
        }
        SigningAlgorithm::V11HmacSha256 { .. } => {
            let mut key = v11_key(access_key, secret_key, scope.unwrap_or_default());
            let mac = sha256::HmacKey::new(&key).mac(string_to_sign, sha256::Data::Public);
            key.zeroize();
            SignatureHex::Mac(hex::encode32(&mac))
        }
        #[cfg(feature = "ecdsa")]
        SigningAlgorithm::EcdsaP256Sha256 => SignatureHex::der(&crate::ecc::ecdsa_sign(
            access_key,
            secret_key,
            string_to_sign,
        )?),
        #[cfg(feature = "sm2")]
        SigningAlgorithm::Sm2Sm3 => SignatureHex::der(&crate::ecc::sm2_sign(
            access_key,
            secret_key,
            string_to_sign,
        )?),
    })
}

/// Appends `<scheme> Access=<AK>, SignedHeaders=<…>, Signature=<…>` (V11: `Credential=<AK>/<scope>`)
/// to `out`, which already holds the signed-header list at `signed_headers` and the string to sign
/// at `string_to_sign`.
fn push_authorization(
    out: &mut Vec<u8>,
    algorithm: &SigningAlgorithm,
    credentials: &AccessKeyCredentials,
    scope: Option<&str>,
    signed_headers: std::ops::Range<usize>,
    string_to_sign: std::ops::Range<usize>,
) -> Result<(), SignError> {
    debug_assert!(string_to_sign.end <= out.len());
    let signature = signature_hex(
        algorithm,
        credentials,
        scope,
        out.get(string_to_sign).unwrap_or_default(),
    )?;
    let access_key = credentials.access_key_id();
    out.extend_from_slice(algorithm.name().as_bytes());
    match scope {
        Some(scope) => {
            out.extend_from_slice(b" Credential=");
            out.extend_from_slice(access_key.as_bytes());
            out.push(b'/');
            out.extend_from_slice(scope.as_bytes());
        }
        None => {
            out.extend_from_slice(b" Access=");
            out.extend_from_slice(access_key.as_bytes());
        }
    }
    out.extend_from_slice(b", SignedHeaders=");
    out.extend_from_within(signed_headers);
    out.extend_from_slice(b", Signature=");
    out.extend_from_slice(signature.as_ref());
    Ok(())
}

/// Refuses an empty AK or SK, which no gateway accepts.
fn check_keys(credentials: &AccessKeyCredentials) -> Result<(), SignError> {
    if credentials.access_key_id().is_empty() {
        return Err(SignError::EmptyAccessKey);
    }
    if credentials.secret_access_key().is_empty() {
        return Err(SignError::EmptySecretKey);
    }
    Ok(())
}

/// A header name as a `HeaderName`; the ones the signer adds come from [`ADDABLE`], unparsed.
fn header_name(name: &str) -> Result<HeaderName, http::header::InvalidHeaderName> {
    match addable_position(name).and_then(|i| ADDABLE.get(i)) {
        Some(known) => Ok(known.clone()),
        None => HeaderName::from_bytes(name.as_bytes()),
    }
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
        check_keys(credentials)?;
        // Bound per arm: without the `ecdsa`/`sm2` features no arm uses the keys.
        #[cfg(any(feature = "ecdsa", feature = "sm2"))]
        let keys = || {
            (
                credentials.access_key_id(),
                credentials.secret_access_key().expose(),
            )
        };
        match &self.algorithm {
            #[cfg(feature = "ecdsa")]
            SigningAlgorithm::EcdsaP256Sha256 => {
                let (ak, sk) = keys();
                let [_, x, y] = crate::ecc::ecdsa_keys(ak, sk)?;
                Ok(Some(sec1(&x, &y)))
            }
            #[cfg(feature = "sm2")]
            SigningAlgorithm::Sm2Sm3 => {
                let (ak, sk) = keys();
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
        self.sign_head(request, credentials, None)
    }

    /// Signs `request` in place at time `now` (an `X-Sdk-Date` already on the request is reused).
    pub fn sign_at<B: AsRef<[u8]>>(
        &self,
        request: &mut http::Request<B>,
        credentials: &AccessKeyCredentials,
        now: SystemTime,
    ) -> Result<SigningOutput, SignError> {
        self.sign_head(request, credentials, Some(now))
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
        self.sign_head(&mut PartsAndBody { parts, body }, credentials, Some(now))
    }

    /// Signs `head` in place. Everything is computed from shared borrows first; the head is only
    /// written to once nothing can fail any more, so an error leaves it exactly as it was.
    /// `now` is `None` for "the current time", read only when no `X-Sdk-Date` is given.
    fn sign_head<H: Head>(
        &self,
        head: &mut H,
        credentials: &AccessKeyCredentials,
        now: Option<SystemTime>,
    ) -> Result<SigningOutput, SignError> {
        check_keys(credentials)?;
        let access_key = credentials.access_key_id();
        let hash = self.algorithm.hash_kind();
        let content_header = hash.content_header();

        let token = match credentials.security_token() {
            Some(token) => Some(
                canonical::signable_value(token.expose().as_bytes()).map_err(|reason| {
                    SignError::InvalidHeaderValue {
                        name: X_SECURITY_TOKEN.to_owned(),
                        reason,
                    }
                })?,
            ),
            None => None,
        };

        // What the computation below hands to the writing phase.
        let text: bytes::Bytes;
        let canonical_end: usize;
        let string_to_sign_end: usize;
        let signed_range: std::ops::Range<usize>;
        let mut authorization: HeaderValue;
        // Header values to set: additions (at most four) and trimmed rewrites (rare).
        // Indexed like `ADDABLE` (Authorization, its last entry, is set on its own).
        let mut added: [Option<HeaderValue>; AUTHORIZATION_POSITION] = Default::default();
        let mut rewrites: Vec<(HeaderName, HeaderValue)> = Vec::new();
        let new_uri: Option<http::Uri>;
        {
            let (method, uri, headers, body) = head.parts();

            // One pass over the headers: the lines to sign, and what the rules below look at.
            let mut lines = LineBuf::new();
            let mut unsigned_rewrites: Vec<(&HeaderName, &[u8])> = Vec::new();
            let mut host_given = false;
            let mut given_date: Option<(&HeaderValue, &[u8])> = None;
            let mut content_type: Option<&[u8]> = None;
            let mut content_line: Option<usize> = None;
            for (name, value) in headers.iter() {
                let n = name.as_str();
                if name == AUTHORIZATION || (token.is_some() && n == X_SECURITY_TOKEN) {
                    continue; // replaced below
                }
                let raw = value.as_bytes();
                if name == http::header::CONTENT_TYPE {
                    content_type = Some(raw);
                }
                if canonical::contains_byte(n.as_bytes(), b'_') {
                    // Sent but not signed; trimmed like every value when it is text.
                    if let Some(t) = canonical::trim_value(raw)
                        && t.len() != raw.len()
                    {
                        unsigned_rewrites.push((name, t));
                    }
                    continue;
                }
                let value_text = match canonical::signable_value(raw) {
                    Ok(value) => value,
                    Err(reason) => {
                        return Err(SignError::InvalidHeaderValue {
                            name: n.to_owned(),
                            reason,
                        });
                    }
                };
                if name == HOST {
                    host_given = true;
                } else if n == X_SDK_DATE {
                    given_date = Some((value, value_text));
                } else if hash.is_content_header(n) {
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
                    match Some(text)
                        .filter(|t| SdkDate::is_valid(t))
                        .and_then(|t| std::str::from_utf8(t).ok())
                    {
                        Some(text) => text,
                        None => {
                            return Err(SignError::InvalidSdkDate {
                                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                            });
                        }
                    }
                }
                None => {
                    let date = SdkDate::from_system_time(now.unwrap_or_else(SystemTime::now));
                    if !date.is_representable() {
                        return Err(SignError::InvalidSdkDate {
                            value: date.to_string(),
                        });
                    }
                    date_buf = date.to_bytes();
                    lines.push(HeaderLine {
                        name: X_SDK_DATE,
                        value: &date_buf,
                        origin: Origin::Added,
                    });
                    std::str::from_utf8(&date_buf).unwrap_or_default()
                }
            };

            // Host: the URI authority as written (without user info) unless a Host header exists.
            if !host_given {
                let Some(authority) = uri.authority() else {
                    return Err(SignError::MissingHost);
                };
                let a = authority.as_str();
                // User info is rare: scan for it first (`rsplit_once` alone is a byte loop).
                let host = if canonical::contains_byte(a.as_bytes(), b'@') {
                    a.rsplit_once('@').map_or(a, |(_, host)| host)
                } else {
                    a
                };
                lines.push(HeaderLine {
                    name: "host",
                    value: host.as_bytes(),
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
                    value: UNSIGNED_PAYLOAD.as_bytes(),
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
            // Names mostly differ in their first byte, which saves a `memcmp` call per comparison.
            lines.sort_unstable_by(|a, b| {
                let first = |name: &str| name.as_bytes().first().copied();
                first(a.name)
                    .cmp(&first(b.name))
                    .then_with(|| a.name.cmp(b.name))
            });
            if let Some(w) = lines.windows(2).find(|w| w[0].name == w[1].name) {
                return Err(SignError::DuplicateHeader {
                    name: w[0].name.to_owned(),
                });
            }

            // Payload hash: empty body → empty hash; override header; hash of the body.
            let body_hash;
            let payload_hash: &[u8] = if body.is_empty() {
                hash.empty_hex().as_bytes()
            } else if let Some(given) = hash.given_payload_hash(lines) {
                given
            } else {
                body_hash = hash.hex_digest(body);
                &body_hash
            };

            let path = uri.path();
            let query = uri.query().unwrap_or("");
            let scope = match &self.algorithm {
                SigningAlgorithm::V11HmacSha256 { region, service } => {
                    Some(v11_scope(date, region, service))
                }
                _ => None,
            };
            let scope = scope.as_deref();
            // One buffer: the canonical request, the string to sign, the Authorization value (see
            // `SigningOutput`), with room for all three so that it is allocated once.
            let headers_len: usize = lines
                .iter()
                .map(|h| h.name.len() * 2 + h.value.len() + 3)
                .sum();
            let mut buf = Vec::with_capacity(
                method.as_str().len()
                    + path.len() * 3
                    + query.len() * 3
                    + headers_len
                    + 72
                    + string_to_sign_len(&self.algorithm, date, scope)
                    + AUTHORIZATION_LEN_BEYOND_KEY_AND_HEADERS
                    + access_key.len()
                    + scope.map_or(0, str::len)
                    // The Authorization value repeats the SignedHeaders list.
                    + headers_len / 2,
            );
            let layout = write_canonical_request(
                &mut buf,
                method.as_str(),
                path,
                query,
                lines,
                payload_hash,
            )?;
            signed_range = layout.signed_headers;
            canonical_end = buf.len();
            let canonical_hash = hash.hex_digest(&buf);
            push_string_to_sign(&mut buf, &self.algorithm, date, scope, &canonical_hash);
            string_to_sign_end = buf.len();
            push_authorization(
                &mut buf,
                &self.algorithm,
                credentials,
                scope,
                signed_range.clone(),
                canonical_end..string_to_sign_end,
            )?;

            // The wire query becomes the canonical query, as the official SDK sends it: it is
            // unambiguous (`+`, sorting, escapes) for any gateway.
            new_uri = match uri.query() {
                Some(q) => {
                    let canonical_query = canonical_query_of(&buf[..canonical_end]);
                    if canonical_query == q.as_bytes() {
                        None
                    } else {
                        Some(with_query(uri, canonical_query)?)
                    }
                }
                None => None,
            };

            // The header values to set are slices of the buffer: the Authorization value at its end,
            // the others where their canonical lines hold them.
            let shared = bytes::Bytes::from(buf);
            authorization = match HeaderValue::from_maybe_shared(shared.slice(string_to_sign_end..))
            {
                Ok(value) => value,
                Err(_) => {
                    return Err(SignError::InvalidHeaderValue {
                        name: AUTHORIZATION.as_str().to_owned(),
                        reason: "the access key id, region or service contains characters not allowed in a header",
                    });
                }
            };
            let mut line_start = layout.headers_start;
            for line in lines.iter() {
                let value_start = line_start + line.name.len() + 1;
                let value_range = value_start..value_start + line.value.len();
                line_start = value_range.end + 1;
                if line.origin == Origin::Present(false) {
                    continue;
                }
                let invalid = |reason| SignError::InvalidHeaderValue {
                    name: line.name.to_owned(),
                    reason,
                };
                debug_assert_eq!(shared.get(value_range.clone()), Some(line.value));
                // A static value needs no reference to the buffer.
                let mut value = if line.value == UNSIGNED_PAYLOAD.as_bytes() {
                    HeaderValue::from_static(UNSIGNED_PAYLOAD)
                } else {
                    HeaderValue::from_maybe_shared(shared.slice(value_range))
                        .map_err(|_| invalid("it contains bytes not allowed in a header"))?
                };
                if line.name == X_SECURITY_TOKEN {
                    // Keeps it out of `Debug` output of the header map, and out of HPACK tables.
                    value.set_sensitive(true);
                }
                if line.origin == Origin::Added {
                    let slot = addable_position(line.name).and_then(|i| added.get_mut(i));
                    debug_assert!(slot.is_some(), "{} is not in ADDABLE", line.name);
                    if let Some(slot) = slot {
                        *slot = Some(value);
                    }
                } else {
                    let name =
                        header_name(line.name).map_err(|_| invalid("invalid header name"))?;
                    rewrites.push((name, value));
                }
            }
            for (name, value) in unsigned_rewrites {
                if let Ok(value) = HeaderValue::from_bytes(value) {
                    rewrites.push((name.clone(), value));
                }
            }
            text = shared;
        }

        // Nothing below can fail.
        authorization.set_sensitive(true);
        if let Some(uri) = new_uri {
            *head.uri_mut() = uri;
        }
        let headers = head.headers_mut();
        let mut names = AddedHeaders(1 << AUTHORIZATION_POSITION);
        for ((i, value), name) in added.into_iter().enumerate().zip(&ADDABLE) {
            if let Some(value) = value {
                names.0 |= 1 << i;
                headers.insert(name.clone(), value);
            }
        }
        for (name, value) in rewrites {
            headers.insert(name, value);
        }
        headers.insert(AUTHORIZATION, authorization);
        Ok(SigningOutput {
            text,
            canonical_end,
            string_to_sign_end,
            signed_headers: signed_range,
            added: names,
        })
    }
}

/// Length of the fixed parts of an `Authorization` value: the longest scheme name, the
/// `Credential=`/`SignedHeaders=`/`Signature=` labels and separators, and an HMAC signature.
/// (ECDSA/SM2 signatures are longer; their buffer simply grows once.)
const AUTHORIZATION_LEN_BEYOND_KEY_AND_HEADERS: usize = 21 + 12 + 1 + 16 + 12 + 64;

/// A request head being signed, with its body: read while the signature is computed, written once
/// it is. One signing routine serves `http::Request<B>` and `http::request::Parts` plus a body.
trait Head {
    /// Method, URI, headers and body.
    fn parts(&self) -> (&http::Method, &http::Uri, &http::HeaderMap, &[u8]);
    fn uri_mut(&mut self) -> &mut http::Uri;
    fn headers_mut(&mut self) -> &mut http::HeaderMap;
}

impl<B: AsRef<[u8]>> Head for http::Request<B> {
    fn parts(&self) -> (&http::Method, &http::Uri, &http::HeaderMap, &[u8]) {
        (
            self.method(),
            self.uri(),
            self.headers(),
            self.body().as_ref(),
        )
    }
    fn uri_mut(&mut self) -> &mut http::Uri {
        http::Request::uri_mut(self)
    }
    fn headers_mut(&mut self) -> &mut http::HeaderMap {
        http::Request::headers_mut(self)
    }
}

/// [`Signer::sign_parts`]'s arguments as a [`Head`].
struct PartsAndBody<'a> {
    parts: &'a mut http::request::Parts,
    body: &'a [u8],
}

impl Head for PartsAndBody<'_> {
    fn parts(&self) -> (&http::Method, &http::Uri, &http::HeaderMap, &[u8]) {
        (
            &self.parts.method,
            &self.parts.uri,
            &self.parts.headers,
            self.body,
        )
    }
    fn uri_mut(&mut self) -> &mut http::Uri {
        &mut self.parts.uri
    }
    fn headers_mut(&mut self) -> &mut http::HeaderMap {
        &mut self.parts.headers
    }
}
#[cfg(any(feature = "ecdsa", feature = "sm2"))]
fn sec1(x: &[u8; 32], y: &[u8; 32]) -> [u8; 65] {
    let mut out = [4u8; 65];
    out[1..33].copy_from_slice(x);
    out[33..].copy_from_slice(y);
    out
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
            value: b"",
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

/// The third line of a canonical request (its query string).
fn canonical_query_of(canonical_request: &[u8]) -> &[u8] {
    canonical_request
        .split(|&b| b == b'\n')
        .nth(2)
        .unwrap_or_default()
}

/// `uri` with its query replaced by `query` (already canonically encoded, so ASCII).
fn with_query(uri: &http::Uri, query: &[u8]) -> Result<http::Uri, SignError> {
    let mut path_and_query = Vec::with_capacity(uri.path().len() + query.len() + 1);
    path_and_query.extend_from_slice(uri.path().as_bytes());
    if !query.is_empty() {
        path_and_query.push(b'?');
        path_and_query.extend_from_slice(query);
    }
    let invalid = || SignError::InvalidPercentEncoding {
        part: "query",
        detail: "the canonical query does not form a valid URI".to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query =
        Some(http::uri::PathAndQuery::try_from(path_and_query).map_err(|_| invalid())?);
    http::Uri::from_parts(parts).map_err(|_| invalid())
}
