//! Building the right [`Authenticator`] from the environment and the credentials file.

use std::fmt;
use std::sync::Arc;

use super::env::{Env, OsEnv};
use super::http_client::HttpClient;
use super::metadata::EcsMetadataProvider;
use super::settings::{
    ChainProvider, CredentialSettings, EnvironmentProvider, ProfileProvider, file_section, vars,
};
use super::token::Passcode;
use super::{
    AgencyDomain, AgencyTokenProvider, Authenticator, CredentialsError, IamToken,
    PasswordTokenProvider, ProjectIdDiscovery, ProvideToken, ScopeRequest, SourceAttempt,
};
use crate::SecretString;

/// Loads credentials in the documented order:
///
/// 1. AK/SK from the environment (`HUAWEICLOUD_SDK_AK`/`_SK`);
/// 2. AK/SK from the credentials file section (profile);
/// 3. token settings from the environment, then from the file section (`HUAWEICLOUD_SDK_AUTH_TOKEN` /
///    `auth_token`, else user name + password, optionally TOTP and an agency);
/// 4. the ECS metadata service (checked at the first request; if it is not there either, the error lists
///    every source above and why it gave nothing).
///
/// AK/SK wins over token settings (Huawei recommends AK/SK signing). AK/SK without a project or domain id
/// get project-id discovery.
pub struct Loader {
    http: Arc<dyn HttpClient>,
    env: Arc<dyn Env>,
    profile: Option<String>,
    totp: Option<Passcode>,
    metadata_endpoint: Option<String>,
    mode: LoadMode,
    /// Explicit values that win over the environment and the file (project id, domain id, IAM endpoint).
    overrides: CredentialSettings,
    /// The region whose default project scopes tokens when no project is configured.
    region: Option<String>,
}

/// Which kind of credentials [`Loader::load`] may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LoadMode {
    /// AK/SK when configured, else token settings, else ECS metadata.
    #[default]
    Auto,
    /// AK/SK only (environment, file, ECS metadata); token settings are ignored.
    AccessKey,
    /// IAM token settings only; AK/SK settings are ignored, and having no token settings is an error.
    Token,
}

impl fmt::Debug for Loader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loader")
            .field("profile", &self.profile)
            .field("totp", &self.totp.is_some())
            .field("metadata_endpoint", &self.metadata_endpoint)
            .field("mode", &self.mode)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// [`Loader::new(http).load()`](Loader::load): credentials from the process environment.
pub fn load(http: Arc<dyn HttpClient>) -> Result<Authenticator, CredentialsError> {
    Loader::new(http).load()
}

impl Loader {
    /// Reads the real environment; IAM and metadata calls go through `http`.
    pub fn new(http: Arc<dyn HttpClient>) -> Self {
        Self {
            http,
            env: Arc::new(OsEnv),
            profile: None,
            totp: None,
            metadata_endpoint: None,
            mode: LoadMode::Auto,
            overrides: CredentialSettings::default(),
            region: None,
        }
    }

    /// Restricts what may be loaded (e.g. `--auth token` on the command line).
    pub fn with_mode(mut self, mode: LoadMode) -> Self {
        self.mode = mode;
        self
    }

    /// A project id that wins over the environment and the file.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.overrides.project_id = Some(project_id.into());
        self
    }

    /// A domain (account) id that wins over the environment and the file.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.overrides.domain_id = Some(domain_id.into());
        self
    }

    /// An IAM endpoint that wins over the environment and the file.
    pub fn with_iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.iam_endpoint = Some(endpoint.into());
        self
    }

    /// The region of the clients: tokens from settings that name no project are scoped to the region's
    /// default project (named after the region), as regional services such as CodeArts Build require.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Explicit values win over what the environment or a file says.
    fn apply_overrides(&self, s: &mut CredentialSettings) {
        let o = &self.overrides;
        if o.project_id.is_some() {
            s.project_id.clone_from(&o.project_id);
        }
        if o.domain_id.is_some() {
            s.domain_id.clone_from(&o.domain_id);
        }
        if o.iam_endpoint.is_some() {
            s.iam_endpoint.clone_from(&o.iam_endpoint);
        }
    }

    /// Reads variables and files from `env` instead.
    pub fn with_env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// Uses this section of the credentials file (wins over `HUAWEICLOUD_SDK_PROFILE`).
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Supplies TOTP passcodes for password tokens of users with virtual MFA (needs a user id).
    pub fn with_totp(
        mut self,
        passcode: impl Fn() -> Result<SecretString, CredentialsError> + Send + Sync + 'static,
    ) -> Self {
        self.totp = Some(Arc::new(passcode));
        self
    }

    /// The metadata service base URL (default `http://169.254.169.254`).
    pub fn with_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(endpoint.into());
        self
    }

    /// Builds the authenticator (see the type docs for the order).
    pub fn load(self) -> Result<Authenticator, CredentialsError> {
        let env = self.env.as_ref();
        let mut from_env = CredentialSettings::from_env(env);
        self.apply_overrides(&mut from_env);
        let (file_label, from_file) = file_section(env, self.profile.as_deref())?;
        let from_file = from_file.map(|mut s| {
            self.apply_overrides(&mut s);
            s
        });
        let global_iam = from_env.iam_endpoint.clone();
        let access_keys = self.mode != LoadMode::Token;
        let tokens = self.mode != LoadMode::AccessKey;

        if access_keys && let Some(creds) = from_env.access_key("environment")? {
            tracing::debug!(source = "environment", "using AK/SK");
            return Ok(self.access_key_auth(creds, &from_env, global_iam.as_deref()));
        }
        if access_keys
            && let Some(s) = &from_file
            && let Some(creds) = s.access_key(&file_label)?
        {
            tracing::debug!(source = %file_label, "using AK/SK");
            let iam = s.iam_endpoint.clone().or(global_iam);
            return Ok(self.access_key_auth(creds, s, iam.as_deref()));
        }
        if tokens && from_env.has_token_settings() {
            tracing::debug!(source = "environment", "using IAM token settings");
            return self.token_auth(&from_env, global_iam.as_deref(), "environment");
        }
        if let Some(s) = from_file
            .as_ref()
            .filter(|s| tokens && s.has_token_settings())
        {
            tracing::debug!(source = %file_label, "using IAM token settings");
            let iam = s.iam_endpoint.clone().or(global_iam);
            return self.token_auth(s, iam.as_deref(), &file_label);
        }

        if self.mode == LoadMode::Token {
            return Err(CredentialsError::not_configured(
                "IAM token settings",
                format!(
                    "token auth was asked for but none of {}, {}/{} is set in the environment \
                     (nor auth_token, user_name/password in {file_label})",
                    vars::AUTH_TOKEN,
                    vars::IAM_USER_NAME,
                    vars::IAM_PASSWORD
                ),
            ));
        }

        // Nothing static: the metadata service, with the chain's explanation when it is absent too.
        let mut metadata = EcsMetadataProvider::new(self.http.clone());
        if let Some(e) = &self.metadata_endpoint {
            metadata = metadata.with_endpoint(e.clone());
        }
        let mut chain = ChainProvider::new().or_else(EnvironmentProvider::new(self.env.clone()));
        chain = match &self.profile {
            Some(p) => {
                chain.or_else(ProfileProvider::new(self.env.clone()).with_profile(p.clone()))
            }
            None => chain.or_else(ProfileProvider::new(self.env.clone())),
        };
        let chain = chain
            .or_else(NotConfigured(SourceAttempt {
                source: "IAM token settings".to_owned(),
                reason: format!(
                    "none of {}, {}/{} in the environment or auth_token, user_name/password in {file_label}",
                    vars::AUTH_TOKEN,
                    vars::IAM_USER_NAME,
                    vars::IAM_PASSWORD
                ),
            }))
            .or_else(metadata);
        let scope = CredentialSettings {
            project_id: from_env
                .project_id
                .clone()
                .or_else(|| from_file.as_ref().and_then(|s| s.project_id.clone())),
            domain_id: from_env
                .domain_id
                .clone()
                .or_else(|| from_file.as_ref().and_then(|s| s.domain_id.clone())),
            ..CredentialSettings::default()
        };
        Ok(self.scoped(
            Authenticator::access_key(chain),
            &scope,
            global_iam.as_deref(),
        ))
    }

    fn access_key_auth(
        &self,
        creds: crate::AccessKeyCredentials,
        s: &CredentialSettings,
        iam: Option<&str>,
    ) -> Authenticator {
        self.scoped(Authenticator::access_key(creds), s, iam)
    }

    fn scoped(
        &self,
        auth: Authenticator,
        s: &CredentialSettings,
        iam: Option<&str>,
    ) -> Authenticator {
        if let Some(p) = &s.project_id {
            auth.with_project_id(p.clone())
        } else if let Some(d) = &s.domain_id {
            auth.with_domain_id(d.clone())
        } else {
            let mut d = ProjectIdDiscovery::new(self.http.clone());
            if let Some(e) = iam {
                d = d.with_iam_endpoint(e);
            }
            auth.with_project_discovery(d)
        }
    }

    fn token_auth(
        &self,
        s: &CredentialSettings,
        iam: Option<&str>,
        source: &str,
    ) -> Result<Authenticator, CredentialsError> {
        let scope = if let Some(id) = &s.project_id {
            ScopeRequest::ProjectId(id.clone())
        } else if let Some(name) = s.project_name.as_ref().or(self.region.as_ref()) {
            ScopeRequest::ProjectName(name.clone())
        } else if let Some(id) = &s.domain_id {
            ScopeRequest::DomainId(id.clone())
        } else if let Some(name) = &s.domain_name {
            ScopeRequest::DomainName(name.clone())
        } else {
            ScopeRequest::DomainName(String::new())
        };
        let base: Box<dyn ProvideToken> = if let Some(t) = &s.auth_token {
            Box::new(IamToken::new(t.clone()))
        } else {
            let (Some(user), Some(password), Some(domain)) =
                (&s.user_name, &s.password, &s.domain_name)
            else {
                let missing: Vec<&str> = [
                    (
                        s.user_name.is_none(),
                        "user_name / HUAWEICLOUD_SDK_IAM_USER_NAME",
                    ),
                    (
                        s.password.is_none(),
                        "password / HUAWEICLOUD_SDK_IAM_PASSWORD",
                    ),
                    (
                        s.domain_name.is_none(),
                        "domain_name / HUAWEICLOUD_SDK_IAM_DOMAIN_NAME",
                    ),
                ]
                .into_iter()
                .filter_map(|(m, n)| m.then_some(n))
                .collect();
                return Err(CredentialsError::invalid_input(
                    source,
                    format!(
                        "password tokens need user name, password and account name; missing {}",
                        missing.join(", ")
                    ),
                ));
            };
            let mut p = PasswordTokenProvider::new(
                self.http.clone(),
                domain.clone(),
                user.clone(),
                password.clone(),
                scope.clone(),
            );
            if let Some(e) = iam {
                p = p.with_iam_endpoint(e);
            }
            if let Some(code) = &self.totp {
                let Some(uid) = &s.user_id else {
                    return Err(CredentialsError::invalid_input(
                        source,
                        "a TOTP passcode callback was given but no user_id (HUAWEICLOUD_SDK_IAM_USER_ID)",
                    ));
                };
                let code = code.clone();
                p = p.with_totp(uid.clone(), move || code());
            }
            Box::new(p)
        };
        let agency_domain = match (&s.agency_domain_name, &s.agency_domain_id) {
            (Some(n), _) => Some(AgencyDomain::Name(n.clone())),
            (None, Some(i)) => Some(AgencyDomain::Id(i.clone())),
            (None, None) => None,
        };
        match (&s.agency_name, agency_domain) {
            (Some(agency), Some(domain)) => {
                let mut a = AgencyTokenProvider::new(
                    self.http.clone(),
                    BoxedToken(base),
                    domain,
                    agency.clone(),
                    scope,
                );
                if let Some(e) = iam {
                    a = a.with_iam_endpoint(e);
                }
                Ok(Authenticator::token(a))
            }
            (None, None) => Ok(Authenticator::token(BoxedToken(base))),
            _ => Err(CredentialsError::invalid_input(
                source,
                "an agency needs agency_name and agency_domain_name (or agency_domain_id) together",
            )),
        }
    }
}

#[derive(Debug)]
struct BoxedToken(Box<dyn ProvideToken>);

#[async_trait::async_trait]
impl ProvideToken for BoxedToken {
    async fn token(&self) -> Result<IamToken, CredentialsError> {
        self.0.token().await
    }
}

/// A chain link that only records why a source (checked at load time) gave nothing.
#[derive(Debug)]
struct NotConfigured(SourceAttempt);

#[async_trait::async_trait]
impl super::ProvideAccessKey for NotConfigured {
    async fn access_key(&self) -> Result<crate::AccessKeyCredentials, CredentialsError> {
        Err(CredentialsError::not_configured(
            self.0.source.clone(),
            self.0.reason.clone(),
        ))
    }
}
