//! A timestamp that keeps the service's raw text.
//!
//! The services return times in several spellings (`2025-11-14 08:00:42 +0000 UTC`, ISO 8601, epoch
//! milliseconds, `""` when unset, even an object on some pages). Keeping the raw text means nothing is lost when a
//! spelling is not understood; `unix_seconds` is filled when it is.

use hwcloud_auth::civil;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as the service wrote it, plus its parsed value when the spelling is understood.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Timestamp {
    /// The text exactly as received (`""` when the service sent an empty string or `null`; JSON text when it sent
    /// an object).
    pub raw: String,
    /// Seconds since the Unix epoch, when `raw` could be parsed.
    pub unix_seconds: Option<i64>,
}

impl Timestamp {
    /// Parses `raw`; unknown spellings keep `unix_seconds = None` rather than failing.
    pub fn parse(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let unix_seconds = parse_unix_seconds(&raw);
        Self { raw, unix_seconds }
    }

    /// A timestamp from epoch seconds (`raw` is the decimal number).
    pub fn from_unix_seconds(secs: i64) -> Self {
        Self {
            raw: secs.to_string(),
            unix_seconds: Some(secs),
        }
    }

    /// True when the service sent no time (`""` or `null`), e.g. `ended_at` of a running build.
    pub fn is_unset(&self) -> bool {
        self.raw.trim().is_empty()
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => Self::default(),
            serde_json::Value::String(s) => Self::parse(s),
            serde_json::Value::Number(n) => {
                // Epoch values: milliseconds when large (CodeArts uses ms), otherwise seconds.
                let secs = n
                    .as_i64()
                    .or_else(|| n.as_f64().map(|f| f as i64))
                    .map(|v| {
                        if v.abs() >= 100_000_000_000 {
                            v / 1000
                        } else {
                            v
                        }
                    });
                Self {
                    raw: n.to_string(),
                    unix_seconds: secs,
                }
            }
            other => Self {
                raw: other.to_string(),
                unix_seconds: None,
            },
        })
    }
}

fn parse_unix_seconds(raw: &str) -> Option<i64> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let v: i64 = s.parse().ok()?;
        return Some(if v >= 100_000_000_000 { v / 1000 } else { v });
    }
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b' ' || b[10] == b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > civil::days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    // Fractional seconds are accepted and dropped.
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let rest = rest.trim_start();
    let offset = parse_offset(rest)?;
    let days = civil::days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Accepts `""`, `Z`, `UTC`, `+0000`, `+00:00`, `+0000 UTC` (Go's `time.Time.String()`); returns seconds east of UTC.
fn parse_offset(rest: &str) -> Option<i64> {
    let rest = rest.trim();
    if rest.is_empty() || rest == "Z" || rest == "UTC" {
        return Some(0);
    }
    let (sign, tail) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (hhmm, zone) = match tail.find(' ') {
        Some(i) => (&tail[..i], tail[i + 1..].trim()),
        None => (tail, ""),
    };
    // A trailing zone abbreviation is informational; the numeric offset decides.
    if !zone.is_empty() && !zone.bytes().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let digits: String = hhmm.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..].parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_style_utc() {
        let t = Timestamp::parse("2025-11-14 08:00:42 +0000 UTC");
        assert_eq!(t.unix_seconds, Some(1_763_107_242));
        assert_eq!(t.raw, "2025-11-14 08:00:42 +0000 UTC");
    }

    #[test]
    fn offsets_and_iso() {
        assert_eq!(
            Timestamp::parse("2025-11-14T08:00:42Z").unix_seconds,
            Some(1_763_107_242)
        );
        assert_eq!(
            Timestamp::parse("2025-11-14T08:00:42.123456Z").unix_seconds,
            Some(1_763_107_242)
        );
        assert_eq!(
            Timestamp::parse("2025-11-14 16:00:42 +0800 CST").unix_seconds,
            Some(1_763_107_242)
        );
        assert_eq!(
            Timestamp::parse("2025-11-14T03:00:42-05:00").unix_seconds,
            Some(1_763_107_242)
        );
        assert_eq!(
            Timestamp::parse("1970-01-01 00:00:00").unix_seconds,
            Some(0)
        );
        assert_eq!(
            Timestamp::parse("1763107242000").unix_seconds,
            Some(1_763_107_242)
        );
    }

    #[test]
    fn empty_and_garbage_keep_raw() {
        let t: Timestamp = serde_json::from_str("\"\"").unwrap();
        assert!(t.is_unset());
        assert_eq!(t.unix_seconds, None);
        let t: Timestamp = serde_json::from_str("null").unwrap();
        assert!(t.is_unset());
        let t = Timestamp::parse("yesterday-ish");
        assert_eq!((t.raw.as_str(), t.unix_seconds), ("yesterday-ish", None));
        assert_eq!(Timestamp::parse("2025-13-14 08:00:42").unix_seconds, None);
        // Impossible days are not rolled over into the next month.
        assert_eq!(Timestamp::parse("2025-02-29 08:00:42").unix_seconds, None);
        assert_eq!(Timestamp::parse("2025-11-31T08:00:42Z").unix_seconds, None);
        assert!(
            Timestamp::parse("2024-02-29 08:00:42")
                .unix_seconds
                .is_some()
        );
        let t: Timestamp = serde_json::from_str(r#"{"seconds": 5}"#).unwrap();
        assert_eq!(t.raw, r#"{"seconds":5}"#);
        assert_eq!(t.unix_seconds, None);
    }

    #[test]
    fn serializes_raw_text() {
        let t = Timestamp::parse("2025-11-14 08:00:42 +0000 UTC");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2025-11-14 08:00:42 +0000 UTC\""
        );
    }
}
