//! Temporary AK/SK + security token from IAM: `POST /v3.0/OS-CREDENTIAL/securitytokens`.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::json;

use super::http_client::HttpClient;
use super::iam::{self, GLOBAL_IAM_ENDPOINT, IAM_TIMEOUT};
use super::time::parse_iam_time;
use super::{CredentialsError, ProvideAccessKey, ProvideToken};
use crate::{AccessKeyCredentials, Signer};

/// How the temporary-credentials call itself is authenticated.
#[derive(Debug)]
enum Caller {
    Token(Box<dyn ProvideToken>),
    AccessKey(Box<dyn ProvideAccessKey>, Signer),
}

/// Temporary AK/SK (+ security token) from IAM, for `duration_seconds` (900–86 400).
///
/// ```
/// # use std::sync::Arc;
/// use hwcloud_auth::{AccessKeyCredentials, Authenticator, TemporaryAccessKeyProvider};
/// # fn f(http: Arc<dyn hwcloud_auth::http_client::HttpClient>) -> Result<(), hwcloud_auth::CredentialsError> {
/// let temp = TemporaryAccessKeyProvider::from_access_key(http, AccessKeyCredentials::new("AK", "SK"), 3600)?;
/// let auth = Authenticator::access_key(temp);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TemporaryAccessKeyProvider {
    http: Arc<dyn HttpClient>,
    endpoint: String,
    caller: Caller,
    duration_seconds: u32,
    clock: Arc<dyn super::clock::Clock>,
}

impl TemporaryAccessKeyProvider {
    /// Smallest allowed `duration_seconds` (15 min).
    pub const MIN_DURATION_SECONDS: u32 = 900;
    /// Largest allowed `duration_seconds` (24 h).
    pub const MAX_DURATION_SECONDS: u32 = 86_400;

    fn check(duration_seconds: u32) -> Result<(), CredentialsError> {
        if (Self::MIN_DURATION_SECONDS..=Self::MAX_DURATION_SECONDS).contains(&duration_seconds) {
            Ok(())
        } else {
            Err(CredentialsError::invalid_input(
                "duration_seconds",
                format!("{duration_seconds} is outside 900..=86400"),
            ))
        }
    }

    /// The call carries `X-Auth-Token` from `token`.
    pub fn from_token(
        http: Arc<dyn HttpClient>,
        token: impl ProvideToken + 'static,
        duration_seconds: u32,
    ) -> Result<Self, CredentialsError> {
        Self::new(http, Caller::Token(Box::new(token)), duration_seconds)
    }

    /// The call is signed with AK/SK from `keys` (the recommended way).
    pub fn from_access_key(
        http: Arc<dyn HttpClient>,
        keys: impl ProvideAccessKey + 'static,
        duration_seconds: u32,
    ) -> Result<Self, CredentialsError> {
        Self::new(
            http,
            Caller::AccessKey(Box::new(keys), Signer::default()),
            duration_seconds,
        )
    }

    fn new(
        http: Arc<dyn HttpClient>,
        caller: Caller,
        duration_seconds: u32,
    ) -> Result<Self, CredentialsError> {
        Self::check(duration_seconds)?;
        Ok(Self {
            http,
            endpoint: GLOBAL_IAM_ENDPOINT.to_owned(),
            caller,
            duration_seconds,
            clock: Arc::new(super::clock::SystemClock),
        })
    }

    /// Another IAM endpoint.
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The clock used for the signing time of AK/SK-signed calls.
    pub fn with_clock(mut self, clock: Arc<dyn super::clock::Clock>) -> Self {
        self.clock = clock;
        self
    }
}

#[async_trait::async_trait]
impl ProvideAccessKey for TemporaryAccessKeyProvider {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        let endpoint = iam::normalize_endpoint("IAM endpoint", &self.endpoint)?;
        let url = format!("{endpoint}/v3.0/OS-CREDENTIAL/securitytokens");
        let body = json!({"auth": {"identity": {"methods": ["token"],
            "token": {"duration_seconds": self.duration_seconds}}}});
        let request = iam::json_post(&url, body)?;
        let what = "temporary AK/SK from IAM";
        let request = match &self.caller {
            Caller::Token(p) => {
                let token = p.token().await?;
                let mut request = request;
                request.headers_mut().insert(
                    "x-auth-token",
                    iam::secret_header("X-Auth-Token", &token.value)?,
                );
                request
            }
            Caller::AccessKey(p, signer) => {
                let keys = p.access_key().await?;
                iam::sign(signer, request, &keys, self.clock.now(), what)?
            }
        };
        let response = iam::send(self.http.as_ref(), request, IAM_TIMEOUT, what).await?;
        let body = zeroize::Zeroizing::new(response.into_body());
        parse_credential(&body, what, &["credential"])
    }
}

/// Reads `{"credential":{"access","secret","securitytoken","expires_at"}}` and the metadata service's
/// aliases (iam.md §4): descends into `credential`/`credentials` when present; first non-empty key wins.
pub(crate) fn parse_credential(
    body: &[u8],
    what: &str,
    descend: &[&str],
) -> Result<AccessKeyCredentials, CredentialsError> {
    let mut root: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| CredentialsError::invalid_response(what, format!("body is not JSON: {e}")))?;
    let creds = read_credential(&root, what, descend);
    iam::wipe_json(&mut root);
    creds
}

fn read_credential(
    root: &serde_json::Value,
    what: &str,
    descend: &[&str],
) -> Result<AccessKeyCredentials, CredentialsError> {
    let obj = descend
        .iter()
        .find_map(|k| root.get(*k).filter(|v| v.is_object()))
        .unwrap_or(root);
    let pick = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .filter_map(|k| obj.get(*k).and_then(|v| v.as_str()))
            .find(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let ak = pick(&["access", "accessKeyId", "access_key_id"])
        .ok_or_else(|| CredentialsError::invalid_response(what, "no access key"))?;
    let sk = pick(&["secret", "secretAccessKey", "secret_access_key"])
        .ok_or_else(|| CredentialsError::invalid_response(what, "no secret key"))?;
    let token = pick(&["securitytoken", "securityToken", "security_token"]);
    let expires = pick(&["expires_at", "expiration"])
        .ok_or_else(|| CredentialsError::invalid_response(what, "no expires_at"))?;
    let expires_at: SystemTime = parse_iam_time(&expires).ok_or_else(|| {
        CredentialsError::invalid_response(
            what,
            format!("expires_at {expires:?} is not YYYY-MM-DDTHH:MM:SS[.ffffff]Z"),
        )
    })?;
    let mut creds = AccessKeyCredentials::new(ak, sk).with_expiry(expires_at);
    if let Some(t) = token {
        creds = creds.with_security_token(t);
    }
    Ok(creds)
}
