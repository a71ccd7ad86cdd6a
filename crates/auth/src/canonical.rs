//! Canonical request construction, shared by the signer and the verifier.
//!
//! Mirrors the official Python signer (`huaweicloudsdkcore/signer/signer.py`): the path and the query
//! are percent-decoded, then re-encoded with the unreserved set `A-Z a-z 0-9 - _ . ~`; header values
//! are trimmed with Python's `str.strip()` whitespace set.

use std::borrow::Cow;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// A percent-encoding problem in the path or the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PercentError(pub(crate) String);

/// Byte classes for the path and query scans: one table load per byte instead of five ranges.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            table[b] = UNRESERVED | PATH;
        } else if c == b'/' {
            table[b] = PATH;
        }
        b += 1;
    }
    table
};
/// Emitted verbatim by Python's `quote(s, safe='~')`.
const UNRESERVED: u8 = 1;
/// Unreserved, or `/`: a path made only of these is already canonical.
const PATH: u8 = 2;

/// Whether `b` is emitted verbatim by Python's `quote(s, safe='~')`.
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    CLASS[usize::from(b)] & UNRESERVED != 0
}

#[inline]
fn push_encoded(out: &mut Vec<u8>, b: u8) {
    if is_unreserved(b) {
        out.push(b);
    } else {
        out.extend_from_slice(&[
            b'%',
            UPPER_HEX[usize::from(b >> 4)],
            UPPER_HEX[usize::from(b & 0x0f)],
        ]);
    }
}

/// Appends `s` percent-encoded with the unreserved set.
pub(crate) fn push_encoded_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(is_unreserved) {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    for &b in s.as_bytes() {
        push_encoded(out, b);
    }
}

/// Calls `f` with every byte of `s` after percent-decoding; fails on a malformed escape.
fn for_each_decoded(s: &str, mut f: impl FnMut(u8)) -> Result<(), PercentError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let pair = bytes.get(i + 1..i + 3);
            let value =
                pair.and_then(|p| Some(crate::hex::digit(p[0])? << 4 | crate::hex::digit(p[1])?));
            let Some(value) = value else {
                let end = (i + 3).min(bytes.len());
                return Err(PercentError(format!(
                    "{:?} at byte {i} is not a valid percent-escape",
                    String::from_utf8_lossy(&bytes[i..end])
                )));
            };
            f(value);
            i += 3;
        } else {
            f(b);
            i += 1;
        }
    }
    Ok(())
}

/// Percent-decodes `s`; the result must be UTF-8 (Python would substitute U+FFFD, which no gateway
/// could reproduce, so that is an error here).
pub(crate) fn decode(s: &str) -> Result<Cow<'_, str>, PercentError> {
    if !s.as_bytes().contains(&b'%') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = Vec::with_capacity(s.len());
    for_each_decoded(s, |b| out.push(b))?;
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| PercentError(format!("{s:?} does not decode to UTF-8")))
}

/// Appends the canonical URI of `path`: decoded, split on `/` (so `%2F` splits), every segment
/// re-encoded, and a trailing `/` always present.
pub(crate) fn push_canonical_uri(out: &mut Vec<u8>, path: &str) -> Result<(), PercentError> {
    let start = out.len();
    if path.bytes().all(|b| CLASS[usize::from(b)] & PATH != 0) {
        // Already canonical (the usual API path): copy it.
        out.extend_from_slice(path.as_bytes());
    } else {
        let mut non_ascii = false;
        for_each_decoded(path, |b| {
            non_ascii |= b >= 0x80;
            if b == b'/' {
                out.push(b'/');
            } else {
                push_encoded(out, b);
            }
        })?;
        if non_ascii {
            // Only now pay for the UTF-8 check of the decoded bytes.
            decode(path)?;
        }
    }
    if out.len() == start || out.last() != Some(&b'/') {
        out.push(b'/');
    }
    Ok(())
}

/// A decoded query parameter.
pub(crate) type QueryPair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The decoded `(key, value)` pairs of a raw query string; `k` without `=` is `(k, "")`, empty
/// pieces (`a=1&&b=2`) are ignored.
pub(crate) fn query_pairs(query: &str) -> Result<Vec<QueryPair<'_>>, PercentError> {
    let mut pairs = Vec::with_capacity(query.bytes().filter(|&b| b == b'&').count() + 1);
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
        pairs.push((decode(key)?, decode(value)?));
    }
    Ok(pairs)
}

/// Appends the canonical query string of a raw (percent-encoded) query: decoded pairs sorted by
/// decoded key then value, re-encoded, joined with `&`.
pub(crate) fn push_canonical_query(out: &mut Vec<u8>, query: &str) -> Result<(), PercentError> {
    if query.is_empty() {
        return Ok(());
    }
    let mut pairs = query_pairs(query)?;
    pairs.sort_unstable();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        push_encoded_str(out, key);
        out.push(b'=');
        push_encoded_str(out, value);
    }
    Ok(())
}

/// Python's `str.strip()`: Unicode whitespace plus the separators U+001C–U+001F.
pub(crate) fn trim(value: &str) -> &str {
    // Fast path: visible ASCII at both ends (no ASCII byte above the space is whitespace).
    let visible = |b: Option<&u8>| b.is_none_or(|&b| b > b' ' && b < 0x80);
    if visible(value.as_bytes().first()) && visible(value.as_bytes().last()) {
        return value;
    }
    value.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A header value as [`trim`] leaves it; `None` when it is not UTF-8. ASCII values (nearly all) are
/// trimmed as bytes, without a UTF-8 pass.
pub(crate) fn trim_value(value: &[u8]) -> Option<&[u8]> {
    if !value.is_ascii() {
        return std::str::from_utf8(value).ok().map(|v| trim(v).as_bytes());
    }
    // The ASCII characters `str.strip()` removes: TAB, LF, VT, FF, CR, U+001C–U+001F and space.
    let strip = |b: &u8| matches!(b, 0x09..=0x0d | 0x1c..=0x20);
    let start = value.iter().position(|b| !strip(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !strip(b))
        .map_or(start, |i| i + 1);
    Some(&value[start..end])
}

/// A header value to sign: trimmed as [`trim`] does it, or why it cannot be signed (not UTF-8, or
/// a control character that trimming leaves in place).
pub(crate) fn signable_value(raw: &[u8]) -> Result<&[u8], &'static str> {
    // One branch-free pass decides whether the value is the usual kind (visible ASCII, spaces,
    // tabs), which needs no UTF-8 or control-character checks of its own.
    let unusual = raw.iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != b'\t')) | (b >= 0x7f)
    });
    if !unusual {
        // Space and tab are the only whitespace such a value can hold.
        return Ok(raw.trim_ascii());
    }
    let trimmed = trim_value(raw).ok_or("it is not valid UTF-8")?;
    match header_value_problem(trimmed) {
        Some(reason) => Err(reason),
        None => Ok(trimmed),
    }
}

/// Whether `haystack` contains `needle`. A branch-free scan: header names and authorities are
/// short, and there `memchr` is a byte loop with an exit per byte.
#[inline]
pub(crate) fn contains_byte(haystack: &[u8], needle: u8) -> bool {
    haystack
        .iter()
        .fold(false, |found, &b| found | (b == needle))
}

/// Why a (trimmed) header value cannot be signed, if it cannot.
pub(crate) fn header_value_problem(value: &[u8]) -> Option<&'static str> {
    // One branch-free pass for the common, clean case (it vectorizes); details only on failure.
    let bad = value.iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != b'\t')) | (b == 0x7f)
    });
    if !bad {
        None
    } else if value.iter().any(|&b| b == b'\r' || b == b'\n') {
        Some("it contains CR or LF")
    } else {
        Some("it contains a control character")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn uri(path: &str) -> Result<String, PercentError> {
        let mut out = Vec::new();
        push_canonical_uri(&mut out, path).map(|()| String::from_utf8(out).unwrap())
    }

    fn query(q: &str) -> Result<String, PercentError> {
        let mut out = Vec::new();
        push_canonical_query(&mut out, q).map(|()| String::from_utf8(out).unwrap())
    }

    #[test]
    fn byte_classes_match_the_unreserved_set() {
        for b in 0..=255u8 {
            let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
            assert_eq!(is_unreserved(b), unreserved, "{b:#04x}");
            assert_eq!(
                CLASS[usize::from(b)] & PATH != 0,
                unreserved || b == b'/',
                "{b:#04x}"
            );
        }
    }

    #[test]
    fn canonical_uri_rules() {
        assert_eq!(uri("/v3/jobs/stop").unwrap(), "/v3/jobs/stop/");
        assert_eq!(uri("/v1/dir/").unwrap(), "/v1/dir/");
        assert_eq!(uri("/").unwrap(), "/");
        assert_eq!(uri("").unwrap(), "/");
        assert_eq!(
            uri("/v1/record/p%201%2Fx/%C3%BC~a/").unwrap(),
            "/v1/record/p%201/x/%C3%BC~a/"
        );
        assert_eq!(uri("/a:b/c%3a/%7e").unwrap(), "/a%3Ab/c%3A/~/");
        assert_eq!(uri("/a//b").unwrap(), "/a//b/");
        assert_eq!(uri("/a%2F").unwrap(), "/a/");
        assert!(uri("/a%2").is_err());
        assert!(uri("/a%zz").is_err());
        assert!(uri("/a%C3").is_err());
    }

    #[test]
    fn canonical_query_rules() {
        assert_eq!(query("").unwrap(), "");
        assert_eq!(query("b=2&a=1").unwrap(), "a=1&b=2");
        assert_eq!(query("a%3A=2&a0=1").unwrap(), "a0=1&a%3A=2");
        assert_eq!(query("t=timer&t=manual").unwrap(), "t=manual&t=timer");
        assert_eq!(query("search&x=").unwrap(), "search=&x=");
        assert_eq!(query("q=a+b%20c").unwrap(), "q=a%2Bb%20c");
        assert_eq!(query("a=1&&b=2").unwrap(), "a=1&b=2");
        assert_eq!(query("k=%c3%a9").unwrap(), "k=%C3%A9");
        assert!(query("k=%ff").is_err());
        assert!(query("k=%").is_err());
    }

    #[test]
    fn trims_like_python_strip() {
        assert_eq!(trim("  inner   spaces kept \t"), "inner   spaces kept");
        assert_eq!(trim("\u{a0}x\u{3000}"), "x");
        assert_eq!(header_value_problem(b"a\tb"), None);
        assert!(header_value_problem(b"a\nb").is_some());
        assert!(header_value_problem(b"a\x7f").is_some());
        for raw in [
            "  inner   spaces kept \t",
            "\u{a0}x\u{3000}",
            "\u{1c}\u{1f} x \u{0b}\u{0c}",
            "   ",
            "",
            "plain",
            "\u{85}é\u{85}",
        ] {
            assert_eq!(
                trim_value(raw.as_bytes()),
                Some(trim(raw).as_bytes()),
                "{raw:?}"
            );
        }
        assert_eq!(trim_value(b"\xff"), None);
        // The fast path of `signable_value` agrees with trimming then checking, for every byte.
        for b in 0u8..=255 {
            for raw in [
                vec![b],
                vec![b, b'x'],
                vec![b'x', b],
                vec![b, b'x', b],
                vec![b' ', b, b' '],
            ] {
                let expected = match trim_value(&raw) {
                    None => Err("it is not valid UTF-8"),
                    Some(t) => header_value_problem(t).map_or(Ok(t), Err),
                };
                assert_eq!(signable_value(&raw), expected, "{raw:?}");
            }
        }
        // Every ASCII byte alone, as a prefix and as a suffix: the byte-level strip set must be
        // exactly the one `trim` (Python's `str.strip()`) uses.
        for b in 0u8..0x80 {
            let c = char::from(b);
            for raw in [
                c.to_string(),
                format!("{c}x"),
                format!("x{c}"),
                format!("{c}x{c}"),
            ] {
                assert_eq!(
                    trim_value(raw.as_bytes()),
                    Some(trim(&raw).as_bytes()),
                    "{raw:?}"
                );
            }
        }
    }
}
