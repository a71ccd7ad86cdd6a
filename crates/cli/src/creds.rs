//! Where `hwcloud sign` gets its AK/SK: the default chain of the auth crate.

use std::sync::Arc;

use hwcloud::transport::{ReqwestClient, ReqwestConfig};
use hwcloud_auth::{
    AccessKeyCredentials, ChainProvider, EcsMetadataProvider, EnvironmentProvider, OsEnv,
    ProfileProvider, ProvideAccessKey,
};

use crate::args::GlobalArgs;
use crate::error::CliError;

/// AK/SK (+ security token) from the environment, then the credentials file (`--profile`), then the
/// ECS metadata service (`HUAWEICLOUD_SDK_METADATA_ENDPOINT` moves it).
pub(crate) async fn access_key(global: &GlobalArgs) -> Result<AccessKeyCredentials, CliError> {
    let env = Arc::new(OsEnv);
    let mut file = ProfileProvider::new(env.clone());
    if let Some(p) = &global.profile {
        file = file.with_profile(p.clone());
    }
    let http = ReqwestClient::new(&ReqwestConfig::default()).map_err(crate::error::from_sdk)?;
    let mut metadata = EcsMetadataProvider::new(Arc::new(http));
    if let Some(e) = std::env::var(hwcloud::vars::METADATA_ENDPOINT)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        metadata = metadata.with_endpoint(e);
    }
    ChainProvider::new()
        .or_else(EnvironmentProvider::new(env))
        .or_else(file)
        .or_else(metadata)
        .access_key()
        .await
        .map_err(|e| CliError::Credentials(e.to_string()))
}
