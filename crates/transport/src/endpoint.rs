//! Endpoint resolution: explicit endpoint > `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` > region table.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::error::EndpointError;

/// What the transport needs to know about a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Name used in errors, traces and per-service endpoint overrides, e.g. `CodeArtsBuild`.
    pub name: &'static str,
    /// Name used in `HUAWEICLOUD_SDK_REGION_<env_name>_<REGION>`, e.g. `CODEARTSBUILD`.
    pub env_name: &'static str,
    /// Endpoint with a `{region}` placeholder, e.g. `https://cloudbuild-ext.{region}.myhuaweicloud.com`.
    pub endpoint_template: &'static str,
    /// Regions the template applies to.
    pub regions: &'static [&'static str],
    /// The service refuses domain-scoped tokens, so AK/SK requests carry `X-Project-Id`.
    pub requires_project_scope: bool,
}

/// CodeArts Build regions (official SDK table, 12).
pub const CODEARTSBUILD_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-south-1",
    "cn-east-3",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-3",
    "sa-brazil-1",
    "la-north-2",
    "la-south-2",
    "tr-west-1",
];

/// ServiceStage regions (official SDK v2/v3 table, 22).
pub const SERVICESTAGE_REGIONS: &[&str] = &[
    "af-south-1",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-southwest-2",
    "ap-southeast-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "sa-brazil-1",
    "la-south-2",
    "la-north-2",
    "tr-west-1",
    "ap-southeast-4",
    "ru-moscow-1",
    "my-kualalumpur-1",
    "cn-north-12",
    "cn-south-4",
    "cn-east-4",
    "cn-north-9",
    "me-east-1",
];

/// CodeArts Build (`cloudbuild-ext`).
pub const CODEARTSBUILD: ServiceInfo = ServiceInfo {
    name: "CodeArtsBuild",
    env_name: "CODEARTSBUILD",
    endpoint_template: "https://cloudbuild-ext.{region}.myhuaweicloud.com",
    regions: CODEARTSBUILD_REGIONS,
    requires_project_scope: true,
};

/// ServiceStage.
pub const SERVICESTAGE: ServiceInfo = ServiceInfo {
    name: "ServiceStage",
    env_name: "SERVICESTAGE",
    endpoint_template: "https://servicestage.{region}.myhuaweicloud.com",
    regions: SERVICESTAGE_REGIONS,
    requires_project_scope: true,
};

/// IAM (regional endpoints; see [`iam_endpoint`] for the global one and `eu-west-101`).
pub const IAM: ServiceInfo = ServiceInfo {
    name: "IAM",
    env_name: "IAM",
    endpoint_template: "https://iam.{region}.myhuaweicloud.com",
    regions: hwcloud_auth::IAM_REGIONS,
    requires_project_scope: false,
};

/// The global IAM endpoint.
pub const IAM_GLOBAL_ENDPOINT: &str = hwcloud_auth::GLOBAL_IAM_ENDPOINT;

/// Reads environment variables; injectable so tests never mutate the process environment.
#[derive(Clone)]
pub struct EnvLookup(Arc<LookupFn>);

type LookupFn = dyn Fn(&str) -> Option<String> + Send + Sync;

impl EnvLookup {
    /// The process environment.
    pub fn process() -> Self {
        Self(Arc::new(|name| std::env::var(name).ok()))
    }

    /// A fixed map (tests, or "ignore the environment").
    pub fn from_map(map: HashMap<String, String>) -> Self {
        Self(Arc::new(move |name| map.get(name).cloned()))
    }

    /// A custom function.
    pub fn from_fn(f: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// Looks up `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }
}

impl Default for EnvLookup {
    fn default() -> Self {
        Self::process()
    }
}

impl fmt::Debug for EnvLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvLookup")
    }
}

/// The official region-override variable name, e.g. `HUAWEICLOUD_SDK_REGION_CODEARTSBUILD_CN_NORTH_4`.
pub fn region_env_var(service: &ServiceInfo, region: &str) -> String {
    format!(
        "HUAWEICLOUD_SDK_REGION_{}_{}",
        service.env_name.to_ascii_uppercase(),
        region.to_ascii_uppercase().replace('-', "_")
    )
}

/// Resolves a service endpoint: `explicit` wins, then the official variable (first of its comma-separated
/// endpoints), then the region table. The result has a scheme and no trailing `/`.
pub fn resolve_endpoint(
    service: &ServiceInfo,
    region: Option<&str>,
    explicit: Option<&str>,
    env: &EnvLookup,
) -> Result<String, EndpointError> {
    if let Some(endpoint) = explicit {
        return normalize(service, endpoint);
    }
    let region =
        region
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or(EndpointError::NoRegion {
                service: service.name,
            })?;
    if let Some(value) = env.get(&region_env_var(service, region))
        && let Some(first) = value.split(',').map(str::trim).find(|s| !s.is_empty())
    {
        return normalize(service, first);
    }
    if service.regions.contains(&region) {
        return normalize(
            service,
            &service.endpoint_template.replace("{region}", region),
        );
    }
    Err(EndpointError::UnknownRegion {
        service: service.name,
        env_name: service.env_name,
        region: region.to_owned(),
        known: service.regions.to_vec(),
    })
}

/// The IAM endpoint for `region` (or the global one for `None`), for project-id discovery and tokens:
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT` wins, then `HUAWEICLOUD_SDK_REGION_IAM_<REGION>`, then the table
/// (`eu-west-101` → `.myhuaweicloud.eu`). Regions missing from the table use the global endpoint, which
/// serves every region's token and project APIs.
pub fn iam_endpoint(region: Option<&str>, env: &EnvLookup) -> Result<String, EndpointError> {
    if let Some(endpoint) = env
        .get(hwcloud_auth::vars::IAM_ENDPOINT)
        .filter(|s| !s.trim().is_empty())
    {
        return normalize(&IAM, endpoint.trim());
    }
    match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(IAM_GLOBAL_ENDPOINT.to_owned()),
        // A per-region variable goes through the services' resolution; without one, auth's
        // table decides (the same one the credential providers use).
        Some(region) if env.get(&region_env_var(&IAM, region)).is_some() => {
            match resolve_endpoint(&IAM, Some(region), None, env) {
                Err(EndpointError::UnknownRegion { .. }) => Ok(IAM_GLOBAL_ENDPOINT.to_owned()),
                other => other,
            }
        }
        Some(region) => Ok(hwcloud_auth::iam_endpoint_for_region(region)),
    }
}

/// Adds `https://` when there is no scheme, trims a trailing `/`, and checks the URL parses.
pub(crate) fn normalize(service: &ServiceInfo, endpoint: &str) -> Result<String, EndpointError> {
    let endpoint = endpoint.trim();
    let invalid = |reason: &str| EndpointError::Invalid {
        service: service.name,
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    if endpoint.is_empty() {
        return Err(invalid("empty"));
    }
    let with_scheme = if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("https://{endpoint}")
    };
    let trimmed = with_scheme.trim_end_matches('/').to_owned();
    let uri: http::Uri = trimmed
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(invalid("the scheme must be http or https")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if uri.query().is_some() {
        return Err(invalid("an endpoint cannot have a query"));
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EnvLookup {
        EnvLookup::from_map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn table_lookup_and_counts() {
        assert_eq!(CODEARTSBUILD_REGIONS.len(), 12);
        assert_eq!(SERVICESTAGE_REGIONS.len(), 22);
        assert_eq!(hwcloud_auth::IAM_REGIONS.len(), 28);
        let e = resolve_endpoint(&CODEARTSBUILD, Some("cn-north-4"), None, &env(&[])).unwrap();
        assert_eq!(e, "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com");
        let e = resolve_endpoint(&SERVICESTAGE, Some("cn-south-4"), None, &env(&[])).unwrap();
        assert_eq!(e, "https://servicestage.cn-south-4.myhuaweicloud.com");
    }

    #[test]
    fn explicit_wins_over_env_and_gets_scheme() {
        let env = env(&[(
            "HUAWEICLOUD_SDK_REGION_CODEARTSBUILD_CN_NORTH_4",
            "https://env.example",
        )]);
        let e = resolve_endpoint(
            &CODEARTSBUILD,
            Some("cn-north-4"),
            Some("127.0.0.1:8080/"),
            &env,
        )
        .unwrap();
        assert_eq!(e, "https://127.0.0.1:8080");
    }

    #[test]
    fn env_variable_first_endpoint_wins_over_table() {
        let env = env(&[(
            "HUAWEICLOUD_SDK_REGION_CODEARTSBUILD_CN_NORTH_4",
            " a.example.com , https://b.example.com",
        )]);
        let e = resolve_endpoint(&CODEARTSBUILD, Some("cn-north-4"), None, &env).unwrap();
        assert_eq!(e, "https://a.example.com");
        // The variable also makes an otherwise unknown region usable.
        let env2 = super::EnvLookup::from_fn(|k| {
            (k == "HUAWEICLOUD_SDK_REGION_SERVICESTAGE_MY_REGION_1")
                .then(|| "http://x:1".to_owned())
        });
        let e = resolve_endpoint(&SERVICESTAGE, Some("my-region-1"), None, &env2).unwrap();
        assert_eq!(e, "http://x:1");
    }

    #[test]
    fn unknown_region_lists_known_ones() {
        let err = resolve_endpoint(&CODEARTSBUILD, Some("mars-1"), None, &env(&[])).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("mars-1"), "{text}");
        assert!(
            text.contains("cn-north-4") && text.contains("tr-west-1"),
            "{text}"
        );
        assert!(
            text.contains("HUAWEICLOUD_SDK_REGION_CODEARTSBUILD_"),
            "{text}"
        );
        let err = resolve_endpoint(&CODEARTSBUILD, None, None, &env(&[])).unwrap_err();
        assert!(matches!(err, EndpointError::NoRegion { .. }));
    }

    #[test]
    fn invalid_endpoints_are_refused() {
        for bad in ["", "ftp://x", "https://", "https://x?y=1"] {
            assert!(
                resolve_endpoint(&CODEARTSBUILD, None, Some(bad), &env(&[])).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn iam_endpoints() {
        let none = env(&[]);
        assert_eq!(iam_endpoint(None, &none).unwrap(), IAM_GLOBAL_ENDPOINT);
        assert_eq!(
            iam_endpoint(Some("cn-north-4"), &none).unwrap(),
            "https://iam.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            iam_endpoint(Some("eu-west-101"), &none).unwrap(),
            "https://iam.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            iam_endpoint(Some("mars-1"), &none).unwrap(),
            IAM_GLOBAL_ENDPOINT
        );
        let over = env(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:9")]);
        assert_eq!(
            iam_endpoint(Some("cn-north-4"), &over).unwrap(),
            "http://127.0.0.1:9"
        );
        let regional = env(&[("HUAWEICLOUD_SDK_REGION_IAM_CN_NORTH_4", "iam.internal")]);
        assert_eq!(
            iam_endpoint(Some("cn-north-4"), &regional).unwrap(),
            "https://iam.internal"
        );
    }
}
