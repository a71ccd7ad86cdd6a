//! The request journal: what clients sent and how the emulator answered.

use serde_json::Value;

/// The gateway's verdict on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Authenticated (or needing no authentication) and passed to the service.
    Accepted,
    /// Rejected by the gateway (authentication, routing, size) with this error code, e.g. `APIGW.0301`.
    Rejected {
        /// The error code in the response body.
        code: String,
    },
    /// A fault (429, 500, 503, drop) answered instead of the service; see [`JournalEntry::fault`]
    /// for faults that only delay or mangle a processed request.
    Faulted {
        /// The fault, in the spec grammar (e.g. `503`, `drop`).
        fault: String,
    },
}

/// One request as the emulator received it. Secrets are redacted: the `Signature=` part of
/// `Authorization`, `X-Auth-Token`, `X-Security-Token`, and password/passcode/secret/token fields of JSON bodies.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Position in the journal, from 0 (since start or the last `clear_journal`).
    pub seq: u64,
    /// `X-Request-Id` of the response.
    pub request_id: String,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Request headers (lower-case names), redacted.
    pub headers: Vec<(String, String)>,
    /// Request body (lossy UTF-8), redacted.
    pub body: String,
    /// Who made the call: the AK, or the user name of the token, when known.
    pub principal: Option<String>,
    /// The operation the request was routed to, e.g. `RunJob`, when it matched one.
    pub operation: Option<String>,
    /// The gateway verdict.
    pub verdict: Verdict,
    /// The response status; `None` when the connection was dropped without a response.
    pub status: Option<u16>,
    /// The injected fault, in the spec grammar (e.g. `503`, `latency:300ms`, `truncate`), if any.
    pub fault: Option<String>,
}

impl JournalEntry {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// Most entries kept; older ones are dropped so a long-running emulator does not grow without bound.
pub(crate) const MAX_ENTRIES: usize = 100_000;
/// Longest body kept in an entry.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// The bounded journal.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: std::collections::VecDeque<JournalEntry>,
    next_seq: u64,
}

impl Journal {
    pub(crate) fn push(&mut self, mut entry: JournalEntry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.next_seq = 0;
    }
}

/// Redacts one header value for the journal.
pub(crate) fn redact_header(name: &str, value: &str) -> String {
    match name {
        "x-auth-token" | "x-security-token" | "x-subject-token" => "<redacted>".to_owned(),
        "authorization" => match value.find("Signature=") {
            Some(i) => format!("{}Signature=<redacted>", &value[..i]),
            None => value.to_owned(),
        },
        _ => value.to_owned(),
    }
}

/// Redacts secrets in a request body for the journal (JSON only; other bodies are kept).
pub(crate) fn redact_body(body: &[u8]) -> String {
    let mut text = match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            redact_value(&mut v, None);
            v.to_string()
        }
        // One byte over the limit is enough to know it must be cut.
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(MAX_BODY + 1)]).into_owned(),
    };
    if text.len() > MAX_BODY {
        let mut cut = MAX_BODY;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("…(truncated)");
    }
    text
}

fn redact_value(v: &mut Value, parent: Option<&str>) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                let secret = matches!(
                    k.as_str(),
                    "password" | "passcode" | "secret" | "securitytoken" | "security_token"
                ) || (parent == Some("token") && k == "id");
                if secret && val.is_string() {
                    *val = Value::String("<redacted>".into());
                } else {
                    redact_value(val, Some(k));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| redact_value(i, parent)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> JournalEntry {
        JournalEntry {
            seq: 99,
            request_id: String::new(),
            method: "GET".into(),
            path: "/".into(),
            query: None,
            headers: Vec::new(),
            body: String::new(),
            principal: None,
            operation: None,
            verdict: Verdict::Accepted,
            status: Some(200),
            fault: None,
        }
    }

    #[test]
    fn journal_numbers_entries_and_stays_bounded() {
        let mut j = Journal::default();
        for _ in 0..MAX_ENTRIES + 5 {
            j.push(entry());
        }
        let all = j.entries();
        assert_eq!(all.len(), MAX_ENTRIES);
        assert_eq!(all[0].seq, 5);
        assert_eq!(all[MAX_ENTRIES - 1].seq, (MAX_ENTRIES + 4) as u64);
        j.clear();
        j.push(entry());
        assert_eq!(j.entries()[0].seq, 0);
        let long = redact_body(&vec![b'a'; MAX_BODY + 10]);
        assert!(long.len() < MAX_BODY + 20 && long.ends_with("(truncated)"));
    }

    #[test]
    fn redacts_secrets() {
        assert_eq!(
            redact_header(
                "authorization",
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc"
            ),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=<redacted>"
        );
        assert_eq!(redact_header("x-auth-token", "tok"), "<redacted>");
        let body = redact_body(
            br#"{"auth":{"identity":{"password":{"user":{"name":"u","password":"pw"}},"token":{"id":"t"}}}}"#,
        );
        assert!(
            !body.contains("pw") && !body.contains("\"t\"") && body.contains("\"u\""),
            "{body}"
        );
    }
}
