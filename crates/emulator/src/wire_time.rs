//! The time formats the emulated services write (IAM ISO times, ServiceStage `+0000 UTC`, CodeArts dates).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Broken-down UTC time.
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) micros: u32,
}

/// Splits a time into UTC calendar fields.
pub(crate) fn civil(time: SystemTime) -> Civil {
    let (secs, micros) = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_micros()),
        Err(e) => {
            let d = e.duration();
            let mut secs = -(d.as_secs() as i64);
            let mut micros = d.subsec_micros();
            if micros > 0 {
                secs -= 1;
                micros = 1_000_000 - micros;
            }
            (secs, micros)
        }
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = hwcloud_auth::civil::civil_from_days(days);
    Civil {
        year,
        month: month as u32,
        day: day as u32,
        hour: (rem / 3600) as u32,
        minute: ((rem % 3600) / 60) as u32,
        second: (rem % 60) as u32,
        micros,
    }
}

/// IAM's `%Y-%m-%dT%H:%M:%S.%fZ`, e.g. `2023-02-13T06:52:13.855000Z`.
pub(crate) fn iam_time(time: SystemTime) -> String {
    let c = civil(time);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.micros
    )
}

/// ServiceStage's Go-style `2025-11-14 08:00:42 +0000 UTC`.
pub(crate) fn servicestage_time(time: SystemTime) -> String {
    format!("{} +0000 UTC", plain_time(time))
}

/// `2025-11-14 08:00:42` (CodeArts Build history records).
pub(crate) fn plain_time(time: SystemTime) -> String {
    let c = civil(time);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `20251114` (daily build numbers).
pub(crate) fn ymd(time: SystemTime) -> String {
    let c = civil(time);
    format!("{:04}{:02}{:02}", c.year, c.month, c.day)
}

/// Milliseconds since the Unix epoch (CodeArts timestamps).
pub(crate) fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Adds a signed number of seconds to a time.
pub(crate) fn offset_time(time: SystemTime, secs: i64) -> SystemTime {
    let delta = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        time.checked_add(delta).unwrap_or(time)
    } else {
        time.checked_sub(delta).unwrap_or(time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instant() {
        let t = UNIX_EPOCH + Duration::from_micros(1_763_107_242_855_000);
        assert_eq!(iam_time(t), "2025-11-14T08:00:42.855000Z");
        assert_eq!(servicestage_time(t), "2025-11-14 08:00:42 +0000 UTC");
        assert_eq!(ymd(t), "20251114");
        // January and February count in the previous year of the algorithm's March-based years.
        let leap_day = UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        assert_eq!(servicestage_time(leap_day), "2024-02-29 23:59:59 +0000 UTC");
        let new_year = UNIX_EPOCH + Duration::from_secs(946_684_800);
        assert_eq!(ymd(new_year), "20000101");
        let before_epoch = UNIX_EPOCH - Duration::from_micros(1);
        assert_eq!(iam_time(before_epoch), "1969-12-31T23:59:59.999999Z");
    }
}
