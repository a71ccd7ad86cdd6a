//! `X-Sdk-Date` values: UTC `YYYYMMDDTHHMMSSZ`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::civil::{civil_from_days, days_from_civil, days_in_month};

/// A signing time, formatted as the gateway expects (`20251114T080042Z`).
///
/// ```
/// use hwcloud_auth::SdkDate;
/// let date = SdkDate::parse("20251114T080042Z").unwrap();
/// assert_eq!(date.to_string(), "20251114T080042Z");
/// assert_eq!(date.unix_seconds(), 1_763_107_242);
/// assert!(SdkDate::parse("2025-11-14T08:00:42Z").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkDate {
    unix_seconds: i64,
}

/// Seconds from 0001-01-01T00:00:00Z to the Unix epoch, and from the epoch to 9999-12-31T23:59:59Z:
/// the range a four-digit year can express.
const MIN_UNIX: i64 = -62_135_596_800;
const MAX_UNIX: i64 = 253_402_300_799;

impl SdkDate {
    /// The signing time of `time` (sub-second precision is dropped).
    pub fn from_system_time(time: SystemTime) -> Self {
        let unix_seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => {
                let d = before.duration();
                // Round towards the past so that e.g. -0.5 s is 1969-12-31T23:59:59Z.
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                if d.subsec_nanos() > 0 {
                    -secs.saturating_add(1)
                } else {
                    -secs
                }
            }
        };
        Self { unix_seconds }
    }

    /// Parses exactly `YYYYMMDDTHHMMSSZ` (UTC); `None` for anything else, including impossible dates.
    pub fn parse(value: &str) -> Option<Self> {
        let [year, month, day, hour, minute, second] = fields(value.as_bytes())?;
        let days = days_from_civil(year, month, day);
        Some(Self {
            unix_seconds: days * 86_400 + hour * 3600 + minute * 60 + second,
        })
    }

    /// Whether `value` is exactly `YYYYMMDDTHHMMSSZ` of a real date ([`SdkDate::parse`] would
    /// succeed), without computing the time: the signer's check of a given `X-Sdk-Date`.
    pub(crate) fn is_valid(value: &[u8]) -> bool {
        fields(value).is_some()
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.unix_seconds
    }

    /// The time as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        let magnitude = Duration::from_secs(self.unix_seconds.unsigned_abs());
        if self.unix_seconds >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    /// Whether the year has four digits (0001–9999), i.e. the value can be sent as `X-Sdk-Date`.
    pub(crate) fn is_representable(&self) -> bool {
        (MIN_UNIX..=MAX_UNIX).contains(&self.unix_seconds)
    }

    /// The `YYYYMMDDTHHMMSSZ` form on the stack; years outside 0001–9999 are clamped to that range
    /// (callers check [`Self::is_representable`] first).
    pub(crate) fn to_bytes(self) -> [u8; 16] {
        let secs = self.unix_seconds.clamp(MIN_UNIX, MAX_UNIX);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut out = *b"00000000T000000Z";
        let mut put = |at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + u8::try_from(v % 10).unwrap_or(0);
                v /= 10;
            }
        };
        put(0, 4, year);
        put(4, 2, month);
        put(6, 2, day);
        put(9, 2, rem / 3600);
        put(11, 2, rem % 3600 / 60);
        put(13, 2, rem % 60);
        out
    }
}

/// Whether all eight bytes of `x` (little-endian) are ASCII digits: their high nibble is 3, and
/// adding 6 does not carry out of it (which rules out `:`–`?`); no byte carries into the next.
fn all_digits(x: u64) -> bool {
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    (x & HIGH) == ZEROS && ((x + 0x0606_0606_0606_0606) & HIGH) == ZEROS
}

/// Whether `b` is eight digits, `T`, six digits, `Z`. The signer checks every given
/// `X-Sdk-Date`, so this is two word tests instead of a pass per byte.
fn has_shape(b: &[u8; 16]) -> bool {
    let (day_part, time_part) = b.split_at(8);
    let word = |part: &[u8]| part.try_into().map_or(0, u64::from_le_bytes);
    let (day_word, time_word) = (word(day_part), word(time_part));
    // The `T` and the `Z` are swapped for zeros before the digit test.
    const LETTERS: u64 = 0xff00_0000_0000_00ff;
    const T_AND_Z: u64 = 0x5a00_0000_0000_0054;
    let time_digits = (time_word & !LETTERS) | 0x3000_0000_0000_0030;
    time_word & LETTERS == T_AND_Z && all_digits(day_word) && all_digits(time_digits)
}

/// Year, month, day, hour, minute and second of a valid `YYYYMMDDTHHMMSSZ`.
fn fields(value: &[u8]) -> Option<[i64; 6]> {
    let b: &[u8; 16] = value.try_into().ok()?;
    if !has_shape(b) {
        return None;
    }
    let d = |i: usize| i64::from(b[i] - b'0');
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    let (month, day) = (d(4) * 10 + d(5), d(6) * 10 + d(7));
    let (hour, minute, second) = (d(9) * 10 + d(10), d(11) * 10 + d(12), d(13) * 10 + d(14));
    let valid = year >= 1
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 59;
    valid.then_some([year, month, day, hour, minute, second])
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        f.write_str(std::str::from_utf8(&bytes).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        for (text, unix) in [
            ("19700101T000000Z", 0),
            ("20191115T033655Z", 1_573_789_015),
            ("20000229T235959Z", 951_868_799),
            ("19691231T235959Z", -1),
            ("00010101T000000Z", MIN_UNIX),
            ("99991231T235959Z", MAX_UNIX),
        ] {
            let d = SdkDate::parse(text).unwrap();
            assert_eq!(d.unix_seconds(), unix, "{text}");
            assert_eq!(d.to_string(), text);
            assert_eq!(SdkDate::from_system_time(d.to_system_time()), d);
        }
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "20251114T080042",
            "20251114T080042z",
            "20251114 080042Z",
            "2025111T080042ZZ",
            "20251314T080042Z",
            "20250229T080042Z",
            "20251131T000000Z",
            "20251114T240000Z",
            "20251114T086000Z",
            "20251114T080060Z",
            "00000101T000000Z",
            "+0251114T080042Z",
            "２0251114T080042Z",
        ] {
            assert_eq!(SdkDate::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn shape_accepts_every_byte_in_every_position_exactly_when_the_format_allows_it() {
        let valid = *b"20251114T080042Z";
        for position in 0..16 {
            for byte in 0..=255u8 {
                let mut candidate = valid;
                candidate[position] = byte;
                let allowed = match position {
                    8 => byte == b'T',
                    15 => byte == b'Z',
                    _ => byte.is_ascii_digit(),
                };
                assert_eq!(
                    has_shape(&candidate),
                    allowed,
                    "byte {byte:#04x} at {position}"
                );
            }
        }
    }

    #[test]
    fn sub_second_precision_is_dropped() {
        let t = UNIX_EPOCH + Duration::from_millis(1_763_107_242_999);
        assert_eq!(SdkDate::from_system_time(t).to_string(), "20251114T080042Z");
        let before = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(
            SdkDate::from_system_time(before).to_string(),
            "19691231T235959Z"
        );
    }
}
