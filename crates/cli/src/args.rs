//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Huawei Cloud from the command line: CodeArts Build, ServiceStage, request signing.
#[derive(Debug, Parser)]
#[command(name = "hwcloud", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// Options that apply to every subcommand.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options accepted before or after any subcommand.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Region id, e.g. cn-north-4 [default: $HUAWEICLOUD_SDK_REGION]
    #[arg(long, global = true, value_name = "REGION")]
    pub(crate) region: Option<String>,
    /// Send every service call (and IAM) to this base URL instead of the regional endpoints
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) endpoint: Option<String>,
    /// Section of the credentials file to read [default: $HUAWEICLOUD_SDK_PROFILE, else the default section]
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Output format of responses
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Json)]
    pub(crate) output: OutputFormat,
    /// More diagnostics on stderr (-v info, -vv debug, -vvv trace); `sign` also prints what it signed
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Force AK/SK signing or IAM-token auth [default: AK/SK if configured, else token settings]
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub(crate) auth: Option<AuthMode>,
}

/// How responses are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Pretty-printed JSON.
    Json,
    /// Aligned key/value lines for objects, columns for arrays of objects.
    Table,
}

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuthMode {
    /// AK/SK request signing.
    Aksk,
    /// An IAM token in `X-Auth-Token`.
    Token,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// CodeArts Build operations (one subcommand per operation) and `wait`
    #[command(subcommand)]
    Codeartsbuild(crate::codeartsbuild::CodeArtsBuildCommand),
    /// ServiceStage build operations (one subcommand per operation) and `wait`
    #[command(subcommand)]
    Servicestage(crate::servicestage::ServiceStageCommand),
    /// Start a local emulator and run the CodeArts Build and ServiceStage seed flows against it
    /// (AK/SK and IAM token); needs no configuration
    Demo,
    /// Send a signed (or token-authenticated) request to any Huawei Cloud API and print the response
    Request(RequestArgs),
    /// Sign a request without sending it; prints the headers to add
    Sign(SignArgs),
}

/// `hwcloud request`.
#[derive(Debug, Clone, Args)]
pub(crate) struct RequestArgs {
    /// The request.
    #[command(flatten)]
    pub(crate) http: HttpArgs,
    /// Print the status line and the response headers before the body
    #[arg(short, long)]
    pub(crate) include: bool,
}

/// A request described curl-style (shared by `sign` and `request`).
#[derive(Debug, Clone, Args)]
pub(crate) struct HttpArgs {
    /// HTTP method [default: GET, or POST when a body is given]
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub(crate) method: Option<String>,
    /// Header to send, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub(crate) headers: Vec<String>,
    /// Body text, sent as is
    #[arg(short = 'd', long, value_name = "TEXT", conflicts_with = "data_binary")]
    pub(crate) data: Option<String>,
    /// Body bytes: `@FILE` reads a file (`@-` standard input), anything else is sent as is
    #[arg(long, value_name = "@FILE")]
    pub(crate) data_binary: Option<String>,
    /// Full URL, e.g. https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/stop
    #[arg(value_name = "URL")]
    pub(crate) url: String,
}

/// `hwcloud sign`.
#[derive(Debug, Clone, Args)]
pub(crate) struct SignArgs {
    /// The request.
    #[command(flatten)]
    pub(crate) http: HttpArgs,
    /// Signing algorithm
    #[arg(long, value_enum, default_value_t = Algorithm::SdkHmacSha256, value_name = "ALG")]
    pub(crate) algorithm: Algorithm,
    /// Region for V11-HMAC-SHA256 key derivation
    #[arg(long, value_name = "REGION")]
    pub(crate) signing_region: Option<String>,
    /// Service name for V11-HMAC-SHA256 key derivation, e.g. CodeArtsBuild
    #[arg(long, value_name = "SERVICE")]
    pub(crate) signing_service: Option<String>,
}

/// The signing algorithms, named as in the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Algorithm {
    /// SDK-HMAC-SHA256 (the default)
    #[value(name = "SDK-HMAC-SHA256", alias = "sdk-hmac-sha256")]
    SdkHmacSha256,
    /// SDK-HMAC-SM3
    #[value(name = "SDK-HMAC-SM3", alias = "sdk-hmac-sm3")]
    SdkHmacSm3,
    /// V11-HMAC-SHA256 (needs --signing-region and --signing-service)
    #[value(name = "V11-HMAC-SHA256", alias = "v11-hmac-sha256")]
    V11HmacSha256,
    /// SDK-ECDSA-P256-SHA256 (randomised signatures)
    #[value(name = "SDK-ECDSA-P256-SHA256", alias = "sdk-ecdsa-p256-sha256")]
    SdkEcdsaP256Sha256,
    /// SDK-SM2-SM3 (randomised signatures)
    #[value(name = "SDK-SM2-SM3", alias = "sdk-sm2-sm3")]
    SdkSm2Sm3,
}

/// Reads `--data`/`--data-binary` into bytes.
pub(crate) fn read_body(http: &HttpArgs) -> std::io::Result<Option<Vec<u8>>> {
    if let Some(text) = &http.data {
        return Ok(Some(text.clone().into_bytes()));
    }
    match http.data_binary.as_deref() {
        None => Ok(None),
        Some("@-") => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)?;
            Ok(Some(buf))
        }
        Some(arg) => match arg.strip_prefix('@') {
            Some(path) => std::fs::read(PathBuf::from(path)).map(Some),
            None => Ok(Some(arg.as_bytes().to_vec())),
        },
    }
}

/// The polling flags of the `wait` subcommands.
#[derive(Debug, Args)]
pub(crate) struct WaitFlags {
    /// Print the build log to stdout as it grows
    #[arg(long)]
    pub(crate) follow_logs: bool,
    /// Seconds between polls
    #[arg(long, default_value_t = 2.0)]
    interval: f64,
    /// Give up after this many seconds
    #[arg(long, default_value_t = 1800.0)]
    timeout: f64,
}

impl WaitFlags {
    /// The checked schedule; the time left to wait is counted from now.
    pub(crate) fn schedule(&self) -> Result<WaitSchedule, crate::error::CliError> {
        Ok(WaitSchedule {
            interval: crate::seconds("--interval", self.interval)?,
            timeout: crate::seconds("--timeout", self.timeout)?,
            started: tokio::time::Instant::now(),
        })
    }
}

/// When to poll and when to give up, for a log follow and then a wait on the same deadline.
pub(crate) struct WaitSchedule {
    interval: std::time::Duration,
    timeout: std::time::Duration,
    started: tokio::time::Instant,
}

impl WaitSchedule {
    /// The whole wait.
    pub(crate) fn whole(&self) -> hwcloud::transport::poll::WaitConfig {
        self.until(self.timeout)
    }

    /// What is left of the wait.
    pub(crate) fn left(&self) -> hwcloud::transport::poll::WaitConfig {
        self.until(self.timeout.saturating_sub(self.started.elapsed()))
    }

    fn until(&self, timeout: std::time::Duration) -> hwcloud::transport::poll::WaitConfig {
        // `--interval` is a fixed polling period: the backoff starts and stays there.
        hwcloud::transport::poll::WaitConfig::new(self.interval, self.interval, timeout)
    }
}
