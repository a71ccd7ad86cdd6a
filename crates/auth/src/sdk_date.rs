//! `X-Sdk-Date` values: UTC `YYYYMMDDTHHMMSSZ`.

use std::time::SystemTime;

/// A signing time, formatted as the gateway expects (`20251114T080042Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkDate {
    unix_seconds: i64,
}

impl SdkDate {
    /// The signing time of `time` (sub-second precision is dropped).
    pub fn from_system_time(time: SystemTime) -> Self {
        let _ = time;
        todo!("signer helper")
    }
}
