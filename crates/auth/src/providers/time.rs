//! IAM timestamps: `2023-02-13T06:52:13.855000Z` (`%Y-%m-%dT%H:%M:%S.%fZ`), fraction optional.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::civil;

/// Parses an IAM UTC timestamp. `None` when it is not of the form `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`.
pub(crate) fn parse_iam_time(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' || *b.last()? != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u64> {
        let part = s.get(from..to)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (year, month, day) = (year as i64, month as i64, day as i64);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let nanos = match s.get(19..s.len() - 1)? {
        "" => 0,
        frac => {
            let digits = frac.strip_prefix('.')?;
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            let value: u32 = digits.parse().ok()?;
            value * 10u32.pow(9 - digits.len() as u32)
        }
    };
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day == 0
        || day > civil::days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    // Years from 1970 on: the day count is never negative.
    let days = civil::days_from_civil(year, month, day).unsigned_abs();
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_fraction() {
        let t = parse_iam_time("2023-02-13T06:52:13.855000Z").unwrap();
        let d = t.duration_since(UNIX_EPOCH).unwrap();
        assert_eq!(d.as_secs(), 1_676_271_133);
        assert_eq!(d.subsec_millis(), 855);
        let t2 = parse_iam_time("2023-02-13T06:52:13Z").unwrap();
        assert_eq!(
            t2.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_676_271_133
        );
        assert_eq!(
            parse_iam_time("2024-02-29T00:00:00.5Z")
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap(),
            Duration::new(1_709_164_800, 500_000_000)
        );
        assert_eq!(parse_iam_time("1970-01-01T00:00:00Z"), Some(UNIX_EPOCH));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2023-02-13 06:52:13Z",
            "2023-02-13T06:52:13",
            "2023-02-13T06:52:13.Z",
            "2023-02-13T06:52:13.1234567890Z",
            "2023-13-13T06:52:13Z",
            "2023-02-30T06:52:13Z",
            "2023-02-13T24:00:00Z",
            "2023-02-13T06:52:13+08:00",
            "20x3-02-13T06:52:13Z",
            "2023-02-13T06:52:13.85a000Z",
        ] {
            assert_eq!(parse_iam_time(bad), None, "{bad}");
        }
    }
}
