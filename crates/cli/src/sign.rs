//! `hwcloud sign`: signs a request without sending it and prints the headers the signer set.

use std::io::Write;
use std::time::SystemTime;

use hwcloud_auth::{SignError, Signer, SigningAlgorithm};

use crate::args::{Algorithm, GlobalArgs, HttpArgs, SignArgs, read_body};
use crate::error::CliError;

/// Runs `hwcloud sign`.
pub(crate) async fn run(global: &GlobalArgs, args: SignArgs) -> Result<(), CliError> {
    let algorithm = signing_algorithm(&args)?;
    let body = read_body(&args.http)?.unwrap_or_default();
    let mut parts = request_parts(&args.http, !body.is_empty())?;
    let credentials = crate::creds::access_key(global).await?;
    let output = Signer::new(algorithm)
        .sign_parts(&mut parts, &body, &credentials, SystemTime::now())
        .map_err(sign_error)?;

    let mut added: Vec<_> = output.added_headers().collect();
    added.sort_by_key(|name| (header_rank(name.as_str()), name.as_str().to_owned()));
    let mut stdout = std::io::stdout().lock();
    for name in &added {
        for value in parts.headers.get_all(*name) {
            let value = value
                .to_str()
                .map_err(|_| CliError::Other(format!("header {name} is not printable text")))?;
            writeln!(stdout, "{}: {value}", display_name(name.as_str()))?;
        }
    }
    stdout.flush()?;
    if global.verbose > 0 {
        // Diagnostics go to stderr so stdout stays a clean list of headers to paste into a request.
        let mut stderr = std::io::stderr().lock();
        writeln!(
            stderr,
            "--- canonical request ---\n{}\n--- string to sign ---\n{}\n--- signed headers ---\n{}",
            output.canonical_request(),
            output.string_to_sign(),
            output.signed_headers()
        )?;
    }
    Ok(())
}

/// The algorithm from `--algorithm`, `--signing-region` and `--signing-service`.
pub(crate) fn signing_algorithm(args: &SignArgs) -> Result<SigningAlgorithm, CliError> {
    let v11_only = |flag: &str| {
        CliError::Usage(format!(
            "{flag} is only used with --algorithm V11-HMAC-SHA256"
        ))
    };
    if args.algorithm != Algorithm::V11HmacSha256 {
        if args.signing_region.is_some() {
            return Err(v11_only("--signing-region"));
        }
        if args.signing_service.is_some() {
            return Err(v11_only("--signing-service"));
        }
    }
    Ok(match args.algorithm {
        Algorithm::SdkHmacSha256 => SigningAlgorithm::HmacSha256,
        Algorithm::SdkHmacSm3 => SigningAlgorithm::HmacSm3,
        Algorithm::V11HmacSha256 => match (&args.signing_region, &args.signing_service) {
            (Some(region), Some(service)) if !region.is_empty() && !service.is_empty() => {
                SigningAlgorithm::V11HmacSha256 {
                    region: region.clone(),
                    service: service.clone(),
                }
            }
            _ => {
                return Err(CliError::Usage(
                    "V11-HMAC-SHA256 needs --signing-region and --signing-service".into(),
                ));
            }
        },
        Algorithm::SdkEcdsaP256Sha256 => SigningAlgorithm::EcdsaP256Sha256,
        Algorithm::SdkSm2Sm3 => SigningAlgorithm::Sm2Sm3,
    })
}

/// The request head described by `-X`, `-H` and the URL. The method defaults to GET, or POST with a body.
pub(crate) fn request_parts(
    http: &HttpArgs,
    has_body: bool,
) -> Result<http::request::Parts, CliError> {
    let method = match &http.method {
        Some(m) => http::Method::from_bytes(m.to_ascii_uppercase().as_bytes())
            .map_err(|_| CliError::Usage(format!("invalid HTTP method {m:?}")))?,
        None if has_body => http::Method::POST,
        None => http::Method::GET,
    };
    let uri: http::Uri = http
        .url
        .parse()
        .map_err(|e| CliError::Usage(format!("invalid URL {:?}: {e}", http.url)))?;
    if uri.scheme().is_none() || uri.host().is_none() {
        return Err(CliError::Usage(format!(
            "the URL {:?} must be absolute, e.g. https://host/path",
            http.url
        )));
    }
    let mut builder = http::Request::builder().method(method).uri(uri);
    for header in &http.headers {
        let (name, value) = parse_header(header)?;
        builder = builder.header(name, value);
    }
    let (parts, ()) = builder
        .body(())
        .map_err(|e| CliError::Usage(format!("invalid request: {e}")))?
        .into_parts();
    Ok(parts)
}

/// Parses `Name: value`. The value is kept exactly as written after the colon and one optional space:
/// the signer's rules depend on it (a `Content-Type` with leading spaces is not JSON to the official SDK).
pub(crate) fn parse_header(
    header: &str,
) -> Result<(http::HeaderName, http::HeaderValue), CliError> {
    let (name, value) = header.split_once(':').ok_or_else(|| {
        CliError::Usage(format!(
            "header {header:?} is not of the form 'Name: value'"
        ))
    })?;
    let name = http::HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| CliError::Usage(format!("invalid header name {:?}", name.trim())))?;
    let value = value.strip_prefix(' ').unwrap_or(value);
    let value = http::HeaderValue::from_str(value)
        .map_err(|_| CliError::Usage(format!("invalid value for header {name}")))?;
    Ok((name, value))
}

fn sign_error(e: SignError) -> CliError {
    match e {
        SignError::EmptyAccessKey | SignError::EmptySecretKey => {
            CliError::Credentials(e.to_string())
        }
        SignError::KeyDerivation => CliError::Other(e.to_string()),
        _ => CliError::Usage(e.to_string()),
    }
}

/// Print order: date, host, content hash, security token, anything else, Authorization last.
fn header_rank(name: &str) -> u8 {
    match name {
        "x-sdk-date" => 0,
        "host" => 1,
        n if n.starts_with("x-sdk-content-") => 2,
        "x-security-token" => 3,
        "authorization" => 9,
        _ => 5,
    }
}

/// `x-sdk-content-sha256` → `X-Sdk-Content-Sha256`.
pub(crate) fn display_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_title_cased() {
        assert_eq!(display_name("x-sdk-content-sha256"), "X-Sdk-Content-Sha256");
        assert_eq!(display_name("authorization"), "Authorization");
    }

    #[test]
    fn headers_need_a_colon() {
        assert!(matches!(parse_header("novalue"), Err(CliError::Usage(_))));
        let (n, v) = parse_header(" X-A:  b c  ").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("x-a", " b c  "));
        let (_, v) = parse_header("X-B:c").unwrap();
        assert_eq!(v.to_str().unwrap(), "c");
    }
}
