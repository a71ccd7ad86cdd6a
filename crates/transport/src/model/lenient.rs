//! Lenient field decoders for values whose documented type differs from what the service sends.
//!
//! Use them with `#[serde(deserialize_with = "hwcloud_transport::model::lenient::opt_i64_lenient")]`.

use serde::{Deserialize, Deserializer};

/// `null` or absent becomes `T::default()` instead of a decode error.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string field that is sometimes sent as a number (`build_no`, `index`): keeps the text either way.
pub fn opt_string_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    })
}

/// An integer field that is sometimes sent as a string (`"9"`); a non-numeric string is a decode error.
pub fn opt_i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error as _;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("number {n} out of range"))),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected an integer, got {s:?}"))),
        other => Err(D::Error::custom(format!(
            "expected an integer, got {other}"
        ))),
    }
}
