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

/// `text` with the values of secret headers (`X-Security-Token`, `X-Auth-Token`) replaced by `<redacted>`.
///
/// For anything that shows a canonical request or echoes request headers: a signer's debugging output, a
/// gateway error that quotes the canonical request it computed. A value ends at a newline, or at an escaped
/// newline or quote when the text is a JSON body.
///
/// ```
/// let shown = hwcloud_auth::redact_secret_headers("host:example.com\nx-security-token:SECRET\nx-sdk-date:1");
/// assert_eq!(shown, "host:example.com\nx-security-token:<redacted>\nx-sdk-date:1");
/// ```
pub fn redact_secret_headers(text: &str) -> String {
    const SECRET_HEADERS: [&str; 2] = ["x-security-token:", "x-auth-token:"];
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` apply to `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some((at, len)) = SECRET_HEADERS
        .iter()
        .filter_map(|h| lower[pos..].find(h).map(|i| (pos + i, h.len())))
        .min()
    {
        let value_start = at + len;
        let value_end = text[value_start..]
            .find(['\n', '\\', '"'])
            .map_or(text.len(), |i| value_start + i);
        out.push_str(&text[pos..value_start]);
        out.push_str("<redacted>");
        pos = value_end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_header_values_are_redacted_in_text_and_json() {
        let canonical = "POST\n/v3/jobs/build/\n\ncontent-type:application/json\nX-Security-Token:SECRETTOKEN\nx-sdk-date:20251114T080042Z\n";
        let redacted = redact_secret_headers(canonical);
        assert!(!redacted.contains("SECRETTOKEN"), "{redacted}");
        assert!(
            redacted.contains("X-Security-Token:<redacted>\nx-sdk-date:20251114T080042Z"),
            "{redacted}"
        );
        let json = r#"{"msg":"x-auth-token:TOKEN1\nhost:h","other":"x-security-token:TOKEN2"}"#;
        let redacted = redact_secret_headers(json);
        assert!(
            !redacted.contains("TOKEN1") && !redacted.contains("TOKEN2"),
            "{redacted}"
        );
        assert!(
            redacted.contains(r#"x-auth-token:<redacted>\nhost:h"#),
            "{redacted}"
        );
    }

    #[test]
    fn never_prints_the_secret() {
        let s = SecretString::new("top-secret-value");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "top-secret-value");
    }
}
