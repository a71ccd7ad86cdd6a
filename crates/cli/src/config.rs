//! The facade [`hwcloud::Config`] from the global options.

use crate::args::{AuthMode, GlobalArgs};
use crate::error::{CliError, from_config};

/// Region, endpoint, profile and auth mode from the options; everything else from the environment and
/// the credentials file, as the facade documents.
pub(crate) fn load(global: &GlobalArgs) -> Result<hwcloud::Config, CliError> {
    let mut builder =
        hwcloud::Config::builder().app_name(concat!("hwcloud-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(r) = &global.region {
        builder = builder.region(r.clone());
    }
    if let Some(e) = &global.endpoint {
        builder = builder.endpoint(e.clone());
    }
    if let Some(p) = &global.profile {
        builder = builder.profile(p.clone());
    }
    builder = builder.auth_mode(match global.auth {
        None => hwcloud::AuthMode::Auto,
        Some(AuthMode::Aksk) => hwcloud::AuthMode::AccessKey,
        Some(AuthMode::Token) => hwcloud::AuthMode::Token,
    });
    builder.build().map_err(from_config)
}
