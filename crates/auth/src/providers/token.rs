//! IAM tokens.

use std::time::SystemTime;

use crate::SecretString;

/// An IAM token (`X-Subject-Token`) and what it is valid for. `Debug` never shows the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamToken {
    /// The token, sent as `X-Auth-Token`.
    pub value: SecretString,
    /// `token.expires_at`.
    pub expires_at: SystemTime,
    /// What the token is scoped to.
    pub scope: TokenScope,
}

/// The scope of an IAM token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenScope {
    /// Project-scoped (regional services such as CodeArts Build).
    Project {
        /// Project id, when known.
        id: Option<String>,
        /// Project name (the region id for a region's default project), when known.
        name: Option<String>,
    },
    /// Domain-scoped (global services). Refused by project-scoped services.
    Domain {
        /// Domain id, when known.
        id: Option<String>,
        /// Domain name, when known.
        name: Option<String>,
    },
    /// Unknown (a caller-supplied static token).
    Unknown,
}
