//! Project-id discovery for AK/SK without a project id: signed `GET {iam}/v3/projects?name=<region>`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::CredentialsError;
use super::http_client::HttpClient;
use super::iam::{self, IAM_TIMEOUT, iam_endpoint_for_region};
use crate::{AccessKeyCredentials, Signer};

/// Finds the id of the project named after a region (a region's default project), as the official SDKs
/// do. Results are cached per AK + region in this object; clones share the cache, so give every
/// `Authenticator` of a process the same discovery to discover once.
#[derive(Debug, Clone)]
pub struct ProjectIdDiscovery {
    http: Arc<dyn HttpClient>,
    endpoint: Option<String>,
    signer: Signer,
    cache: Arc<Mutex<HashMap<(String, String), String>>>,
}

impl ProjectIdDiscovery {
    /// Discovery at the region's IAM endpoint ([`iam_endpoint_for_region`]).
    pub fn new(http: Arc<dyn HttpClient>) -> Self {
        Self {
            http,
            endpoint: None,
            signer: Signer::default(),
            cache: Arc::default(),
        }
    }

    /// A fixed IAM endpoint (`iam_endpoint` / `HUAWEICLOUD_SDK_IAM_ENDPOINT`).
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Signs the discovery call with `signer` (default SDK-HMAC-SHA256).
    pub fn with_signer(mut self, signer: Signer) -> Self {
        self.signer = signer;
        self
    }

    /// The id of the project named `region`, discovered once per AK + region.
    pub async fn project_id(
        &self,
        credentials: &AccessKeyCredentials,
        region: &str,
        now: SystemTime,
    ) -> Result<String, CredentialsError> {
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(CredentialsError::invalid_input(
                "region",
                format!("{region:?} is not a region id"),
            ));
        }
        let key = (credentials.access_key_id().to_owned(), region.to_owned());
        if let Some(id) = self.lock().get(&key) {
            return Ok(id.clone());
        }
        let endpoint = match &self.endpoint {
            Some(e) => iam::normalize_endpoint("IAM endpoint", e)?,
            None => iam_endpoint_for_region(region),
        };
        let what = format!("project-id discovery for region {region:?}");
        // Per iam.md §5: no Content-Type and no X-Project-Id on this call.
        let request = http::Request::get(format!("{endpoint}/v3/projects?name={region}"))
            .header(http::header::USER_AGENT, iam::user_agent())
            .body(Vec::new())
            .map_err(|e| CredentialsError::invalid_input("IAM endpoint", e))?;
        let request = iam::sign(&self.signer, request, credentials, now, &what)?;
        let response = iam::send(self.http.as_ref(), request, IAM_TIMEOUT, &what).await?;
        let trace = iam::trace_id(&response);
        let parsed: serde_json::Value = serde_json::from_slice(response.body())
            .map_err(|e| CredentialsError::invalid_response(&what, format!("not JSON: {e}")))?;
        let projects = parsed
            .get("projects")
            .and_then(|p| p.as_array())
            .ok_or_else(|| CredentialsError::invalid_response(&what, "no `projects` array"))?;
        // IAM filters by name already; filtering again guards against a server that ignores the query.
        let ids: Vec<String> = projects
            .iter()
            .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some(region))
            .filter_map(|p| p.get("id").and_then(|i| i.as_str()).map(str::to_owned))
            .collect();
        match ids.as_slice() {
            [id] => {
                self.lock().insert(key, id.clone());
                Ok(id.clone())
            }
            _ => Err(CredentialsError::project_lookup(region, ids, trace)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), String>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}
