//! Settings compatible with the official SDKs: environment variables and the INI credentials file,
//! the providers reading them, and the default chain (environment → file → ECS metadata).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::{Env, non_empty};
use super::{CredentialsError, CredentialsErrorKind, ProvideAccessKey, SourceAttempt};
use crate::{AccessKeyCredentials, SecretString};

/// Environment variable names (the first six are the official SDKs').
pub mod vars {
    /// Access key id.
    pub const AK: &str = "HUAWEICLOUD_SDK_AK";
    /// Secret access key.
    pub const SK: &str = "HUAWEICLOUD_SDK_SK";
    /// Security token of temporary AK/SK.
    pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// Project id (`X-Project-Id`; also the token scope).
    pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// Account (domain) id (`X-Domain-Id` for global services).
    pub const DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
    /// IAM endpoint override.
    pub const IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
    /// Credentials file path (default `~/.huaweicloud/credentials`).
    pub const CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
    /// Section of the credentials file to use.
    pub const PROFILE: &str = "HUAWEICLOUD_SDK_PROFILE";
    /// A ready IAM token (`X-Auth-Token`).
    pub const AUTH_TOKEN: &str = "HUAWEICLOUD_SDK_AUTH_TOKEN";
    /// IAM user name (password tokens).
    pub const IAM_USER_NAME: &str = "HUAWEICLOUD_SDK_IAM_USER_NAME";
    /// IAM user id (password + TOTP tokens).
    pub const IAM_USER_ID: &str = "HUAWEICLOUD_SDK_IAM_USER_ID";
    /// IAM user password.
    pub const IAM_PASSWORD: &str = "HUAWEICLOUD_SDK_IAM_PASSWORD";
    /// Account (domain) name of the IAM user.
    pub const IAM_DOMAIN_NAME: &str = "HUAWEICLOUD_SDK_IAM_DOMAIN_NAME";
    /// Token scope by project name (e.g. `cn-north-4`).
    pub const IAM_PROJECT_NAME: &str = "HUAWEICLOUD_SDK_IAM_PROJECT_NAME";
    /// Agency to assume with the token.
    pub const IAM_AGENCY_NAME: &str = "HUAWEICLOUD_SDK_IAM_AGENCY_NAME";
    /// Delegating account name of the agency.
    pub const IAM_AGENCY_DOMAIN_NAME: &str = "HUAWEICLOUD_SDK_IAM_AGENCY_DOMAIN_NAME";
    /// Delegating account id of the agency.
    pub const IAM_AGENCY_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_IAM_AGENCY_DOMAIN_ID";
}

/// Everything one source (the environment, or one file section) configures. Secrets stay redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialSettings {
    /// `ak`.
    pub access_key_id: Option<String>,
    /// `sk`.
    pub secret_access_key: Option<SecretString>,
    /// `security_token`.
    pub security_token: Option<SecretString>,
    /// `project_id`.
    pub project_id: Option<String>,
    /// `domain_id`.
    pub domain_id: Option<String>,
    /// `iam_endpoint`.
    pub iam_endpoint: Option<String>,
    /// `auth_token`.
    pub auth_token: Option<SecretString>,
    /// `user_name`.
    pub user_name: Option<String>,
    /// `user_id`.
    pub user_id: Option<String>,
    /// `password`.
    pub password: Option<SecretString>,
    /// `domain_name`.
    pub domain_name: Option<String>,
    /// `project_name`.
    pub project_name: Option<String>,
    /// `agency_name`.
    pub agency_name: Option<String>,
    /// `agency_domain_name`.
    pub agency_domain_name: Option<String>,
    /// `agency_domain_id`.
    pub agency_domain_id: Option<String>,
}

impl CredentialSettings {
    /// Reads the environment variables in [`vars`] (empty values count as unset).
    pub fn from_env(env: &dyn Env) -> Self {
        let s = |n| non_empty(env, n);
        let secret = |n| non_empty(env, n).map(SecretString::new);
        Self {
            access_key_id: s(vars::AK),
            secret_access_key: secret(vars::SK),
            security_token: secret(vars::SECURITY_TOKEN),
            project_id: s(vars::PROJECT_ID),
            domain_id: s(vars::DOMAIN_ID),
            iam_endpoint: s(vars::IAM_ENDPOINT),
            auth_token: secret(vars::AUTH_TOKEN),
            user_name: s(vars::IAM_USER_NAME),
            user_id: s(vars::IAM_USER_ID),
            password: secret(vars::IAM_PASSWORD),
            domain_name: s(vars::IAM_DOMAIN_NAME),
            project_name: s(vars::IAM_PROJECT_NAME),
            agency_name: s(vars::IAM_AGENCY_NAME),
            agency_domain_name: s(vars::IAM_AGENCY_DOMAIN_NAME),
            agency_domain_id: s(vars::IAM_AGENCY_DOMAIN_ID),
        }
    }

    fn from_section(section: &HashMap<String, String>) -> Self {
        let s = |k: &str| {
            section
                .get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let secret = |k: &str| s(k).map(SecretString::new);
        Self {
            access_key_id: s("ak"),
            secret_access_key: secret("sk"),
            security_token: secret("security_token"),
            project_id: s("project_id"),
            domain_id: s("domain_id"),
            iam_endpoint: s("iam_endpoint"),
            auth_token: secret("auth_token"),
            user_name: s("user_name"),
            user_id: s("user_id"),
            password: secret("password"),
            domain_name: s("domain_name"),
            project_name: s("project_name"),
            agency_name: s("agency_name"),
            agency_domain_name: s("agency_domain_name"),
            agency_domain_id: s("agency_domain_id"),
        }
    }

    /// The AK/SK (+ security token) configured here: `Ok(None)` when neither AK nor SK is set, an error
    /// when only one of them is (`source` names where, for the message).
    pub fn access_key(
        &self,
        source: &str,
    ) -> Result<Option<AccessKeyCredentials>, CredentialsError> {
        match (&self.access_key_id, &self.secret_access_key) {
            (None, None) => Ok(None),
            (Some(ak), Some(sk)) => {
                let mut c = AccessKeyCredentials::new(ak.clone(), sk.clone());
                if let Some(t) = &self.security_token {
                    c = c.with_security_token(t.clone());
                }
                Ok(Some(c))
            }
            (Some(_), None) => Err(CredentialsError::invalid_input(
                source,
                "an access key (AK) is set but no secret key (SK)",
            )),
            (None, Some(_)) => Err(CredentialsError::invalid_input(
                source,
                "a secret key (SK) is set but no access key (AK)",
            )),
        }
    }

    /// Whether token settings (a static token, or a user name/password) are present.
    pub fn has_token_settings(&self) -> bool {
        self.auth_token.is_some() || self.user_name.is_some() || self.password.is_some()
    }
}

/// The credentials file: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `<home>/.huaweicloud/credentials`.
pub fn credentials_file_path(env: &dyn Env) -> Option<PathBuf> {
    non_empty(env, vars::CREDENTIALS_FILE)
        .map(PathBuf::from)
        .or_else(|| {
            env.home_dir()
                .map(|h| h.join(".huaweicloud").join("credentials"))
        })
}

/// Sections searched, in order, when no profile is named.
pub const DEFAULT_SECTIONS: &[&str] = &["basic", "global", "token"];

/// A parsed INI credentials file: lower-cased section names → keys (lower-cased) → values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsFile {
    path: PathBuf,
    sections: Vec<(String, HashMap<String, String>)>,
}

impl CredentialsFile {
    /// Parses INI text (`[section]`, `key = value` or `key: value`, `#`/`;` comment lines).
    /// Malformed input is an error naming `path` and the 1-based line.
    pub fn parse(path: &Path, text: &str) -> Result<Self, CredentialsError> {
        let mut sections: Vec<(String, HashMap<String, String>)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_start_matches('\u{feff}').trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest.strip_suffix(']').ok_or_else(|| {
                    CredentialsError::malformed_file(path, n, "section header without closing ']'")
                })?;
                let name = name.trim().to_ascii_lowercase();
                if name.is_empty() {
                    return Err(CredentialsError::malformed_file(
                        path,
                        n,
                        "empty section name",
                    ));
                }
                if sections.iter().any(|(s, _)| *s == name) {
                    return Err(CredentialsError::malformed_file(
                        path,
                        n,
                        format!("section [{name}] appears twice"),
                    ));
                }
                sections.push((name, HashMap::new()));
                continue;
            }
            let Some(pos) = line.find(['=', ':']) else {
                return Err(CredentialsError::malformed_file(
                    path,
                    n,
                    "expected `[section]` or `key = value`",
                ));
            };
            let key = line[..pos].trim().to_ascii_lowercase();
            let value = line[pos + 1..].trim().to_owned();
            if key.is_empty() {
                return Err(CredentialsError::malformed_file(path, n, "empty key"));
            }
            let Some((_, section)) = sections.last_mut() else {
                return Err(CredentialsError::malformed_file(
                    path,
                    n,
                    format!("key `{key}` before any [section]"),
                ));
            };
            if section.insert(key.clone(), value).is_some() {
                return Err(CredentialsError::malformed_file(
                    path,
                    n,
                    format!("key `{key}` appears twice in the section"),
                ));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            sections,
        })
    }

    /// Reads and parses the file at [`credentials_file_path`]; `Ok(None)` when there is no such file.
    pub fn load(env: &dyn Env) -> Result<Option<Self>, CredentialsError> {
        let Some(path) = credentials_file_path(env) else {
            return Ok(None);
        };
        match env.read_to_string(&path) {
            Ok(text) => Self::parse(&path, &text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CredentialsError::unreadable_file(&path, &e)),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The section names, in file order.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|(s, _)| s.as_str())
    }

    /// The settings of section `name` (case-insensitive).
    pub fn section(&self, name: &str) -> Option<CredentialSettings> {
        let name = name.to_ascii_lowercase();
        self.sections
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, m)| CredentialSettings::from_section(m))
    }

    /// The settings of `profile` (an error if it is missing), or of the first of [`DEFAULT_SECTIONS`]
    /// present (`None` if none is).
    pub fn select(
        &self,
        profile: Option<&str>,
    ) -> Result<Option<(String, CredentialSettings)>, CredentialsError> {
        match profile {
            Some(p) => match self.section(p) {
                Some(s) => Ok(Some((p.to_ascii_lowercase(), s))),
                None => Err(CredentialsError::invalid_input(
                    "profile",
                    format!(
                        "no section [{p}] in {} (sections: {})",
                        self.path.display(),
                        self.section_names().collect::<Vec<_>>().join(", ")
                    ),
                )),
            },
            None => Ok(DEFAULT_SECTIONS
                .iter()
                .find_map(|s| self.section(s).map(|v| ((*s).to_owned(), v)))),
        }
    }
}

/// The credentials-file section to read, as `(label, settings)`: section `profile`, else
/// `$HUAWEICLOUD_SDK_PROFILE`, else the first of [`DEFAULT_SECTIONS`] in the file. When there is none, the
/// label says why (no file, or none of the default sections) and the settings are `None`. A profile that was
/// asked for but cannot be had is an error, never a silent fallback to other credentials.
pub(crate) fn file_section(
    env: &dyn Env,
    profile: Option<&str>,
) -> Result<(String, Option<CredentialSettings>), CredentialsError> {
    let profile = profile
        .map(str::to_owned)
        .or_else(|| non_empty(env, vars::PROFILE));
    let Some(file) = CredentialsFile::load(env)? else {
        if let Some(p) = &profile {
            return Err(CredentialsError::invalid_input(
                "profile",
                format!("profile {p:?} was asked for but there is no credentials file"),
            ));
        }
        let reason = match credentials_file_path(env) {
            Some(p) => format!("no file at {}", p.display()),
            None => format!("{} not set and no home directory", vars::CREDENTIALS_FILE),
        };
        return Ok((reason, None));
    };
    Ok(match file.select(profile.as_deref())? {
        Some((section, settings)) => (
            format!("{} [{section}]", file.path().display()),
            Some(settings),
        ),
        None => (
            format!(
                "{} has none of the sections [{}]",
                file.path().display(),
                DEFAULT_SECTIONS.join("], [")
            ),
            None,
        ),
    })
}

/// AK/SK from `HUAWEICLOUD_SDK_AK` / `_SK` (+ `_SECURITY_TOKEN`), read on every fetch.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Arc<dyn Env>,
}

impl EnvironmentProvider {
    /// Reads from `env`.
    pub fn new(env: Arc<dyn Env>) -> Self {
        Self { env }
    }
}

#[async_trait::async_trait]
impl ProvideAccessKey for EnvironmentProvider {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        CredentialSettings::from_env(self.env.as_ref())
            .access_key("environment")?
            .ok_or_else(|| {
                CredentialsError::not_configured(
                    "environment",
                    format!("{} and {} are not set", vars::AK, vars::SK),
                )
            })
    }
}

/// AK/SK from the credentials file (`ak`, `sk`, `security_token`), read on every fetch.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    env: Arc<dyn Env>,
    profile: Option<String>,
}

impl ProfileProvider {
    /// Reads the file named by `env`; the section is `$HUAWEICLOUD_SDK_PROFILE`, else the first of
    /// [`DEFAULT_SECTIONS`].
    pub fn new(env: Arc<dyn Env>) -> Self {
        Self { env, profile: None }
    }

    /// Uses section `profile` (e.g. from a `--profile` flag).
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }
}

#[async_trait::async_trait]
impl ProvideAccessKey for ProfileProvider {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        let source = "credentials file";
        let (label, settings) = file_section(self.env.as_ref(), self.profile.as_deref())?;
        let Some(settings) = settings else {
            return Err(CredentialsError::not_configured(source, label));
        };
        settings.access_key(&label)?.ok_or_else(|| {
            CredentialsError::not_configured(source, format!("{label} has no ak/sk"))
        })
    }
}

/// Tries providers in order; moves on only when one reports [`CredentialsErrorKind::NotConfigured`]
/// (any other error stops the chain). When none is configured, the error lists every source and why.
#[derive(Debug, Default)]
pub struct ChainProvider {
    providers: Vec<Box<dyn ProvideAccessKey>>,
}

impl ChainProvider {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a provider at the end.
    pub fn or_else(mut self, provider: impl ProvideAccessKey + 'static) -> Self {
        self.providers.push(Box::new(provider));
        self
    }

    /// The official order: environment → credentials file → ECS metadata.
    pub fn default_chain(env: Arc<dyn Env>, http: Arc<dyn super::http_client::HttpClient>) -> Self {
        Self::new()
            .or_else(EnvironmentProvider::new(env.clone()))
            .or_else(ProfileProvider::new(env))
            .or_else(super::metadata::EcsMetadataProvider::new(http))
    }
}

#[async_trait::async_trait]
impl ProvideAccessKey for ChainProvider {
    async fn access_key(&self) -> Result<AccessKeyCredentials, CredentialsError> {
        let mut tried: Vec<SourceAttempt> = Vec::new();
        for p in &self.providers {
            match p.access_key().await {
                Ok(c) => return Ok(c),
                Err(e) if e.kind() == CredentialsErrorKind::NotConfigured => {
                    tried.extend(e.sources_tried().iter().cloned());
                }
                Err(e) => return Err(e),
            }
        }
        Err(CredentialsError::not_configured_anywhere(tried))
    }
}
