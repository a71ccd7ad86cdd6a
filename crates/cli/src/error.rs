//! The tool's failures, each printed as one line and mapped to an exit code.

use std::fmt::Display;

/// A failure of a command. [`CliError::line`] is what is printed after `error: `.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Bad arguments that clap could not catch (exit 2).
    Usage(String),
    /// The service answered with an HTTP error (exit 3).
    Service {
        /// Error code from the body (or the HTTP status).
        code: String,
        /// Error message.
        message: String,
        /// Request id, when the service sent one.
        request_id: Option<String>,
    },
    /// The server could not be reached or did not answer in time (exit 4).
    Network(String),
    /// Credentials, a token or the configuration could not be had (exit 5).
    Credentials(String),
    /// Anything else (exit 1).
    Other(String),
}

impl CliError {
    /// The process exit code for this failure.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Other(_) => 1,
            Self::Usage(_) => 2,
            Self::Service { .. } => 3,
            Self::Network(_) => 4,
            Self::Credentials(_) => 5,
        }
    }

    /// The one-line description: `<code> <message> (request id <id>)` for service errors,
    /// `<KIND> <message>` otherwise.
    pub(crate) fn line(&self) -> String {
        let line = match self {
            Self::Service {
                code,
                message,
                request_id,
            } => match request_id {
                Some(id) => format!("{code} {message} (request id {id})"),
                None => format!("{code} {message}"),
            },
            Self::Usage(m) => format!("USAGE {m}"),
            Self::Network(m) => format!("NETWORK {m}"),
            Self::Credentials(m) => format!("CREDENTIALS {m}"),
            Self::Other(m) => format!("ERROR {m}"),
        };
        one_line(&line)
    }

    /// An error of kind `Other` from anything displayable.
    pub(crate) fn other(e: impl Display) -> Self {
        Self::Other(e.to_string())
    }
}

/// Joins the lines of a multi-line message so the error stays on one line.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        Self::Other(e.to_string())
    }
}

/// Maps an SDK error to the tool's failure kinds (and so to exit codes).
pub(crate) fn from_sdk(e: hwcloud::transport::Error) -> CliError {
    use hwcloud::transport::Error as E;
    match e {
        E::Service(s) => CliError::Service {
            code: s.error_code.clone(),
            message: s.error_msg.clone(),
            request_id: s.request_id.clone(),
        },
        E::Timeout(_) | E::Connection(_) => CliError::Network(e.to_string()),
        E::Credentials(c) => CliError::Credentials(c.to_string()),
        E::Endpoint(_) | E::Config(_) => CliError::Credentials(e.to_string()),
        E::InvalidInput(_) => CliError::Usage(e.to_string()),
        _ => CliError::Other(e.to_string()),
    }
}

/// Maps a configuration error (exit 5).
pub(crate) fn from_config(e: hwcloud::ConfigError) -> CliError {
    match e {
        hwcloud::ConfigError::Transport(t) => match from_sdk(t) {
            CliError::Other(m) => CliError::Credentials(m),
            other => other,
        },
        other => CliError::Credentials(other.to_string()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn service_line_has_code_message_and_request_id() {
        let e = CliError::Service {
            code: "CB.00060200".into(),
            message: "job not found\nsecond line".into(),
            request_id: Some("rid-1".into()),
        };
        assert_eq!(
            e.line(),
            "CB.00060200 job not found; second line (request id rid-1)"
        );
        assert_eq!(e.exit_code(), 3);
    }

    #[test]
    fn exit_codes_are_distinct() {
        let codes = [
            CliError::Other(String::new()).exit_code(),
            CliError::Usage(String::new()).exit_code(),
            CliError::Network(String::new()).exit_code(),
            CliError::Credentials(String::new()).exit_code(),
        ];
        assert_eq!(codes, [1, 2, 4, 5]);
    }
}
