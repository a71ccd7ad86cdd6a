//! [`Config`]: one place to load region, endpoints and credentials, and to make service clients that
//! share one HTTP client and one credential cache.

use std::fmt;
use std::sync::Arc;

use hwcloud_auth::http_client::HttpClient as AuthHttpClient;

use hwcloud_auth::vars as auth_vars;
use hwcloud_auth::{
    AccessKeyCredentials, Authenticator, CredentialsError, Env, IamToken, Loader, OsEnv,
    PasswordTokenProvider, ProjectIdDiscovery, ScopeRequest, SecretString, iam_endpoint_for_region,
};
use hwcloud_transport::{ReqwestClient, ReqwestConfig, SdkConfig, TimeoutConfig};

/// Environment variables [`Config`] reads itself (credential variables are the auth crate's,
/// see [`hwcloud_auth::vars`]; endpoint variables `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` are the transport's).
pub mod vars {
    /// Region id, e.g. `cn-north-4`.
    pub const REGION: &str = "HUAWEICLOUD_SDK_REGION";
    /// Base URL of the ECS metadata service for the default chain (default `http://169.254.169.254`);
    /// tests point it at a closed loopback port so nothing leaves the machine.
    pub const METADATA_ENDPOINT: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";
}

/// How requests are authenticated: the auth crate's [`LoadMode`](hwcloud_auth::LoadMode) (`Auto`, the
/// [`Loader`] order; `AccessKey` only; `Token` only).
pub type AuthMode = hwcloud_auth::LoadMode;

/// Why a [`Config`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The credential settings are incomplete or malformed (e.g. a token password without a user name).
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The transport rejected the configuration (e.g. a malformed endpoint).
    #[error(transparent)]
    Transport(#[from] hwcloud_transport::Error),
}

/// Region, endpoints and credentials for every client, with one shared HTTP connection pool and one
/// credential/token cache. Cheap to clone (clones share everything).
#[derive(Clone)]
pub struct Config {
    sdk: SdkConfig,
    authenticator: Authenticator,
    http: Arc<dyn AuthHttpClient>,
    region: Option<String>,
    project_id: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("authenticator", &self.authenticator)
            .field("sdk", &self.sdk)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A builder; with nothing set, [`ConfigBuilder::build`] loads everything from the environment.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Everything from the environment, the credentials file and the ECS metadata service.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().build()
    }

    /// The transport configuration the clients are made from.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    /// The authenticator every client shares (clones share its cache).
    pub fn authenticator(&self) -> &Authenticator {
        &self.authenticator
    }

    /// The HTTP client used for IAM and metadata calls (the same pool as the service calls).
    pub fn http_client(&self) -> Arc<dyn AuthHttpClient> {
        self.http.clone()
    }

    /// The region, if one was configured.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The project id sent as `X-Project-Id`, if one was configured (else it is discovered, for AK/SK).
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// A CodeArts Build client sharing this config's HTTP client and credentials.
    #[cfg(feature = "codeartsbuild")]
    pub fn codeartsbuild(
        &self,
    ) -> Result<hwcloud_codeartsbuild_v3::CodeArtsBuildClient, hwcloud_transport::Error> {
        hwcloud_codeartsbuild_v3::CodeArtsBuildClient::new(&self.sdk)
    }

    /// A ServiceStage (`/assembling/v1`) client sharing this config's HTTP client and credentials.
    #[cfg(feature = "servicestage")]
    pub fn servicestage(
        &self,
    ) -> Result<hwcloud_servicestage_assembling_v1::ServiceStageClient, hwcloud_transport::Error>
    {
        hwcloud_servicestage_assembling_v1::ServiceStageClient::new(&self.sdk)
    }
}

/// Explicit password-token settings for [`ConfigBuilder::token_auth`].
#[derive(Clone, Debug)]
pub struct PasswordToken {
    domain_name: String,
    user_name: String,
    password: SecretString,
}

impl PasswordToken {
    /// User `user_name` of account `domain_name` with `password`.
    pub fn new(
        domain_name: impl Into<String>,
        user_name: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        Self {
            domain_name: domain_name.into(),
            user_name: user_name.into(),
            password: password.into(),
        }
    }
}

#[derive(Clone, Debug, Default)]
enum Credentials {
    #[default]
    FromSettings,
    AccessKey(AccessKeyCredentials),
    Password(PasswordToken),
    Token(SecretString),
    Authenticator(Authenticator),
}

/// Builds a [`Config`]. Explicit values win over the environment, which wins over the credentials file.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    env: Option<Arc<dyn Env>>,
    region: Option<String>,
    endpoint: Option<String>,
    service_endpoints: Vec<(String, String)>,
    iam_endpoint: Option<String>,
    profile: Option<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
    auth_mode: Option<AuthMode>,
    credentials: Credentials,
    metadata_endpoint: Option<String>,
    timeouts: Option<TimeoutConfig>,
    app_name: Option<String>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("service_endpoints", &self.service_endpoints)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("profile", &self.profile)
            .field("project_id", &self.project_id)
            .field("auth_mode", &self.auth_mode)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// Reads variables and files from `env` instead of the process (tests; or `MemoryEnv::new()` to
    /// ignore the user's settings entirely).
    pub fn env(mut self, env: impl Env + 'static) -> Self {
        self.env = Some(Arc::new(env));
        self
    }

    /// The region id (default `$HUAWEICLOUD_SDK_REGION`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every service call, and IAM calls, to this base URL (e.g. a local emulator).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Sends calls of one service (`ServiceInfo::name`, e.g. `CodeArtsBuild`) to this base URL.
    pub fn service_endpoint(
        mut self,
        service: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Self {
        self.service_endpoints
            .push((service.into(), endpoint.into()));
        self
    }

    /// The IAM endpoint for tokens and project-id discovery (default: `iam_endpoint` from the settings,
    /// else the [`endpoint`](Self::endpoint), else the region's IAM).
    pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into());
        self
    }

    /// The credentials-file section to read (default `$HUAWEICLOUD_SDK_PROFILE`, else `[basic]`,
    /// `[global]`, `[token]`, the first present).
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Explicit AK/SK (skips the default chain).
    pub fn access_key(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<SecretString>,
    ) -> Self {
        self.credentials =
            Credentials::AccessKey(AccessKeyCredentials::new(access_key_id, secret_access_key));
        self
    }

    /// Explicit temporary AK/SK with its security token.
    pub fn temporary_access_key(mut self, credentials: AccessKeyCredentials) -> Self {
        self.credentials = Credentials::AccessKey(credentials);
        self
    }

    /// An IAM token obtained with a user's password, scoped to the project (or region), cached and
    /// renewed before it expires.
    pub fn token_auth(mut self, password: PasswordToken) -> Self {
        self.credentials = Credentials::Password(password);
        self
    }

    /// A ready IAM token (not renewed).
    pub fn auth_token(mut self, token: impl Into<SecretString>) -> Self {
        self.credentials = Credentials::Token(token.into());
        self
    }

    /// A fully custom authenticator.
    pub fn authenticator(mut self, authenticator: Authenticator) -> Self {
        self.credentials = Credentials::Authenticator(authenticator);
        self
    }

    /// Forces AK/SK or token auth when credentials come from the settings (default [`AuthMode::Auto`]).
    pub fn auth_mode(mut self, mode: AuthMode) -> Self {
        self.auth_mode = Some(mode);
        self
    }

    /// The project id (`X-Project-Id`, token scope); default from the settings, else discovered.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The account (domain) id (`X-Domain-Id`).
    pub fn domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// The ECS metadata service base URL the default chain falls back to (default
    /// `$HUAWEICLOUD_SDK_METADATA_ENDPOINT`, else `http://169.254.169.254`).
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(endpoint.into());
        self
    }

    /// Connect, attempt and total timeouts.
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// Appended to the `User-Agent`.
    pub fn app_name(mut self, app: impl Into<String>) -> Self {
        self.app_name = Some(app.into());
        self
    }

    /// Builds the config. No network I/O happens here: credentials are fetched on the first call.
    pub fn build(self) -> Result<Config, ConfigError> {
        let base: Arc<dyn Env> = self.env.clone().unwrap_or_else(|| Arc::new(OsEnv));
        let var = |name: &str| {
            base.var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let region = self.region.clone().or_else(|| var(vars::REGION));
        // Explicit IAM endpoint, else the one every service goes to (an emulator serves IAM too).
        let explicit_iam = self.iam_endpoint.clone().or_else(|| self.endpoint.clone());

        // IAM calls and the services share this client, so it gets the configured connect timeout.
        let reqwest = ReqwestClient::new(
            &ReqwestConfig::default().with_timeouts(&self.timeouts.unwrap_or_default()),
        )?;
        let http: Arc<dyn AuthHttpClient> = Arc::new(reqwest.clone());

        let authenticator = match self.credentials.clone() {
            Credentials::Authenticator(a) => a,
            Credentials::AccessKey(c) => {
                let auth = Authenticator::access_key(c);
                match (&self.project_id, &self.domain_id) {
                    (Some(p), _) => auth.with_project_id(p.clone()),
                    (None, Some(d)) => auth.with_domain_id(d.clone()),
                    (None, None) => {
                        let mut discovery = ProjectIdDiscovery::new(http.clone());
                        if let Some(e) = explicit_iam
                            .clone()
                            .or_else(|| var(auth_vars::IAM_ENDPOINT))
                        {
                            discovery = discovery.with_iam_endpoint(e);
                        }
                        auth.with_project_discovery(discovery)
                    }
                }
            }
            Credentials::Token(t) => Authenticator::token(IamToken::new(t)),
            Credentials::Password(p) => {
                let scope = match (&self.project_id, &region) {
                    (Some(id), _) => ScopeRequest::ProjectId(id.clone()),
                    (None, Some(r)) => ScopeRequest::ProjectName(r.clone()),
                    (None, None) => {
                        return Err(CredentialsError::invalid_input(
                            "token scope",
                            "token auth needs a project id or a region to scope the token to",
                        )
                        .into());
                    }
                };
                let iam = explicit_iam
                    .clone()
                    .or_else(|| var(auth_vars::IAM_ENDPOINT))
                    .or_else(|| region.as_deref().map(iam_endpoint_for_region));
                let mut provider = PasswordTokenProvider::new(
                    http.clone(),
                    p.domain_name,
                    p.user_name,
                    p.password,
                    scope,
                );
                if let Some(e) = iam {
                    provider = provider.with_iam_endpoint(e);
                }
                Authenticator::token(provider)
            }
            Credentials::FromSettings => {
                let mut loader = Loader::new(http.clone())
                    .with_env(base.clone())
                    .with_mode(self.auth_mode.unwrap_or_default());
                if let Some(p) = &self.project_id {
                    loader = loader.with_project_id(p.clone());
                }
                if let Some(d) = &self.domain_id {
                    loader = loader.with_domain_id(d.clone());
                }
                if let Some(e) = &explicit_iam {
                    loader = loader.with_iam_endpoint(e.clone());
                }
                if let Some(r) = &region {
                    loader = loader.with_region(r.clone());
                }
                if let Some(p) = &self.profile {
                    loader = loader.with_profile(p.clone());
                }
                if let Some(m) = self
                    .metadata_endpoint
                    .clone()
                    .or_else(|| var(vars::METADATA_ENDPOINT))
                {
                    loader = loader.with_metadata_endpoint(m);
                }
                loader.load()?
            }
        };

        let mut sdk = SdkConfig::builder()
            .reqwest_client(reqwest)
            .authenticator(authenticator.clone())
            .env(transport_env(base.clone()));
        if let Some(r) = &region {
            sdk = sdk.region(r.clone());
        }
        if let Some(e) = &self.endpoint {
            sdk = sdk.endpoint(e.clone());
        }
        for (service, endpoint) in &self.service_endpoints {
            sdk = sdk.service_endpoint(service.clone(), endpoint.clone());
        }
        if let Some(t) = self.timeouts {
            sdk = sdk.timeouts(t);
        }
        if let Some(app) = &self.app_name {
            sdk = sdk.app_name(app.clone());
        }
        Ok(Config {
            sdk: sdk.build()?,
            authenticator,
            http,
            region,
            project_id: self.project_id.clone(),
        })
    }
}

/// The transport reads `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` through the same environment.
fn transport_env(env: Arc<dyn Env>) -> hwcloud_transport::EnvLookup {
    hwcloud_transport::EnvLookup::from_fn(move |name| env.var(name))
}
