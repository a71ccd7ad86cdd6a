//! Access-key credentials: what the signer signs with.

use std::fmt;
use std::sync::OnceLock;
use std::time::SystemTime;

use crate::SecretString;
use crate::sha256::HmacKey;

/// A permanent or temporary AK/SK pair.
///
/// Temporary credentials carry a security token, which the signer sends (and signs) as
/// `X-Security-Token`, and usually an expiry. `Debug` never shows the SK or the token.
///
/// ```
/// use hwcloud_auth::AccessKeyCredentials;
/// let temp = AccessKeyCredentials::new("AK", "SK").with_security_token("TOKEN");
/// let shown = format!("{temp:?}");
/// assert!(shown.contains("AK") && !shown.contains("TOKEN") && !shown.contains("\"SK\""));
/// ```
#[derive(Clone)]
pub struct AccessKeyCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    security_token: Option<SecretString>,
    expires_at: Option<SystemTime>,
    /// HMAC-SHA256 keyed with the SK, made on first use, so that a signature does not hash the
    /// two key blocks again: a sixth of the hashing of a typical signature (AWS's SDKs cache their
    /// derived signing key the same way). Wiped on drop, like the SK; boxed like the SK, so that
    /// moving the credentials leaves no copy behind.
    hmac_sha256: OnceLock<Box<HmacKey>>,
}

impl PartialEq for AccessKeyCredentials {
    fn eq(&self, other: &Self) -> bool {
        // The cached key is a function of the SK, so it takes no part.
        self.access_key_id == other.access_key_id
            && self.secret_access_key == other.secret_access_key
            && self.security_token == other.security_token
            && self.expires_at == other.expires_at
    }
}

impl Eq for AccessKeyCredentials {}

impl AccessKeyCredentials {
    /// Permanent credentials from an access key id (AK) and secret access key (SK).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<SecretString>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            security_token: None,
            expires_at: None,
            hmac_sha256: OnceLock::new(),
        }
    }

    /// Makes these temporary credentials: the token is sent as `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl Into<SecretString>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Records when temporary credentials stop working.
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The access key id (AK). Not a secret.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key (SK).
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// The security token of temporary credentials.
    pub fn security_token(&self) -> Option<&SecretString> {
        self.security_token.as_ref()
    }

    /// When temporary credentials expire, if known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// HMAC-SHA256 keyed with the SK.
    pub(crate) fn hmac_sha256(&self) -> &HmacKey {
        self.hmac_sha256
            .get_or_init(|| Box::new(HmacKey::new(self.secret_access_key.expose().as_bytes())))
    }
}

impl fmt::Debug for AccessKeyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeyCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("security_token", &self.security_token)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
