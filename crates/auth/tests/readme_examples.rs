//! The examples of `docs/readme/signing.md`, kept compiling and passing.

#[test]
fn signing_example() -> Result<(), Box<dyn std::error::Error>> {
    use hwcloud_auth::{AccessKeyCredentials, Signer};

    let credentials = AccessKeyCredentials::new(
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    );
    let mut request =
        http::Request::post("https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/stop")
            .header("content-type", "application/json")
            .header("x-project-id", "0123456789abcdef0123456789abcdef")
            .body(br#"{"job_id":"f9d6c8466d614a9788e9a0acf6c15f46","build_no":"20"}"#.to_vec())?;
    let signed = Signer::default().sign(&mut request, &credentials)?;
    assert!(
        signed
            .authorization
            .starts_with("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, ")
    );
    for name in ["x-sdk-date", "host", "authorization"] {
        assert!(request.headers().contains_key(name), "{name}");
    }
    Ok(())
}

#[test]
fn verifying_example() -> Result<(), Box<dyn std::error::Error>> {
    use hwcloud_auth::{AccessKeyCredentials, SecretString, Signer, Verifier};
    use std::time::SystemTime;

    let mut request = http::Request::get("https://example.com/v1/items?limit=2").body(Vec::new())?;
    Signer::default().sign(&mut request, &AccessKeyCredentials::new("AK", "SK"))?;
    let (parts, body) = request.into_parts();
    let lookup = |ak: &str| (ak == "AK").then(|| SecretString::new("SK"));
    let verified = Verifier::default().verify(&parts, &body, &lookup, SystemTime::now())?;
    assert_eq!(verified.access_key_id, "AK");
    Ok(())
}
