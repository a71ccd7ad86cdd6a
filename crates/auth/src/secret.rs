//! A string that never shows itself in `Debug`/`Display` and is wiped from memory on drop.

use std::fmt;

use zeroize::Zeroizing;

/// A secret (secret key, password, token, security token).
///
/// `Debug` and `Display` print `<redacted>`; the bytes are zeroized when the value is dropped.
/// Read it with [`SecretString::expose`], only where it is really needed (signing, a request body).
///
/// ```
/// let sk = hwcloud_auth::SecretString::new("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc");
/// assert_eq!(format!("{sk:?}"), "<redacted>");
/// assert_eq!(sk.expose().len(), 40);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself. Never log what this returns.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_secret() {
        let s = SecretString::new("top-secret-value");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "top-secret-value");
    }
}
