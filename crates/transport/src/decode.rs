//! JSON answers into typed values, with the field path and request id of a mismatch.

use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::{DecodeError, header_str};

/// Decodes a JSON response body into `T`. A blank body decodes as JSON `null` (so `()` and `Option` accept
/// it). On failure the error names the field path (e.g. `result.builds[0].status`), the status and the
/// `X-Request-Id`, and quotes the start of the body, except for IAM, whose bodies can carry temporary
/// secret keys and security tokens.
///
/// Service crates use it for answers they take apart themselves (e.g. CodeArts' `{result, error, status}`
/// envelopes); [`ServiceClient::send_json`](crate::ServiceClient::send_json) uses it for everything else.
///
/// ```
/// # use hwcloud_transport::{Error, decode_json};
/// let head = http::Response::builder().header("x-request-id", "r-1").body(()).unwrap().into_parts().0;
/// let Err(Error::Decode(err)) = decode_json::<Vec<u32>>("CodeArtsBuild", "ListJobs", &head, br#"[1, "two"]"#)
/// else {
///     panic!("a string is not a u32");
/// };
/// assert_eq!(err.path, "[1]");
/// assert_eq!(err.request_id.as_deref(), Some("r-1"));
/// ```
pub fn decode_json<T: DeserializeOwned>(
    service: &'static str,
    operation: &'static str,
    head: &http::response::Parts,
    body: &[u8],
) -> Result<T, Error> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let de = &mut serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let excerpt: &[u8] = if service.eq_ignore_ascii_case("IAM") {
            b"<IAM response body not shown>"
        } else {
            body
        };
        Error::from(DecodeError::new(
            service,
            operation,
            path,
            e.into_inner().to_string(),
            excerpt,
            head.status,
            header_str(&head.headers, "x-request-id"),
        ))
    })
}
