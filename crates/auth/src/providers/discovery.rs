//! Project-id discovery for AK/SK without a project id: signed `GET {iam}/v3/projects?name=<region>`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use futures_util::future::FutureExt;

use super::CredentialsError;
use super::cache::{self, Flight, Flights};
use super::http_client::HttpClient;
use super::iam::{self, IAM_TIMEOUT, iam_endpoint_for_region};
use crate::{AccessKeyCredentials, Signer};

/// Finds the id of the project named after a region (a region's default project), as the official SDKs
/// do. Results are cached per AK + region in this object, and concurrent lookups of the same AK + region
/// share one IAM call (a failed one is not cached: the next call asks again). Clones share the cache and
/// the lookups in flight, so give every `Authenticator` of a process the same discovery to discover once.
#[derive(Debug, Clone)]
pub struct ProjectIdDiscovery {
    http: Arc<dyn HttpClient>,
    endpoint: Option<String>,
    signer: Signer,
    state: Arc<Mutex<State>>,
}

/// AK + region.
type Key = (String, String);

#[derive(Default)]
struct State {
    ids: HashMap<Key, String>,
    /// One lookup per key.
    flights: Flights<Key, String>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("ids", &self.ids)
            .field("in_flight", &self.flights.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ProjectIdDiscovery {
    /// Discovery at the region's IAM endpoint ([`iam_endpoint_for_region`]).
    pub fn new(http: Arc<dyn HttpClient>) -> Self {
        Self {
            http,
            endpoint: None,
            signer: Signer::default(),
            state: Arc::default(),
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
        let (n, flight) = {
            let mut st = self.lock();
            if let Some(id) = st.ids.get(&key) {
                return Ok(id.clone());
            }
            st.flights
                .join_or_start(&key, || self.lookup(credentials, region, now))
        };

        let result = flight.await;

        let mut st = self.lock();
        if st.flights.finish(&key, n)
            && let Ok(id) = &result
        {
            st.ids.insert(key, id.clone());
        }
        result
    }

    /// The IAM call for `region`, owning what it uses so that every waiter can share it.
    fn lookup(
        &self,
        credentials: &AccessKeyCredentials,
        region: &str,
        now: SystemTime,
    ) -> Flight<String> {
        let (http, endpoint, signer) = (
            self.http.clone(),
            self.endpoint.clone(),
            self.signer.clone(),
        );
        let (credentials, region) = (credentials.clone(), region.to_owned());
        let what = format!("project-id discovery for region {region:?}");
        let panicked = what.clone();
        let lookup = async move {
            let endpoint = match &endpoint {
                Some(e) => iam::normalize_endpoint("IAM endpoint", e)?,
                None => iam_endpoint_for_region(&region),
            };
            // Per iam.md §5: no Content-Type and no X-Project-Id on this call.
            let request = http::Request::get(format!("{endpoint}/v3/projects?name={region}"))
                .header(http::header::USER_AGENT, iam::user_agent())
                .body(Vec::new())
                .map_err(|e| CredentialsError::invalid_input("IAM endpoint", e))?;
            let request = iam::sign(&signer, request, &credentials, now, &what)?;
            // Only the signed request waits for IAM: no copy of the credentials outlives the signing.
            drop(credentials);
            let response = iam::send(http.as_ref(), request, IAM_TIMEOUT, &what).await?;
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
                .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some(region.as_str()))
                .filter_map(|p| p.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .collect();
            match ids.as_slice() {
                [id] => Ok(id.clone()),
                _ => Err(CredentialsError::project_lookup(&region, ids, trace)),
            }
        };
        cache::flight(&panicked, lookup.boxed())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update is made whole under the lock, so a panic elsewhere leaves it consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}
