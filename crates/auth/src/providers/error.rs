//! Credential errors.

/// Why credentials or a token could not be had (credentials helper fills in kinds).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
#[error("{message}")]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    /// A new error with a message (credentials helper: replace with typed kinds).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}
