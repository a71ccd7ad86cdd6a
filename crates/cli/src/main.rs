//! The `hwcloud` command-line tool: call CodeArts Build and ServiceStage, sign and send requests to any
//! Huawei Cloud API, wait for builds, and run the emulator demo.
//!
//! Exit codes: 0 success, 1 anything else, 2 usage errors, 3 service errors (HTTP 4xx/5xx),
//! 4 network errors and timeouts, 5 credentials and configuration errors.

mod args;
mod codeartsbuild;
mod config;
mod creds;
mod demo;
mod error;
mod output;
mod progress;
mod request;
mod servicestage;
mod sign;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, OutputFormat};
use crate::error::CliError;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version exit 0; usage errors exit 2 (clap's convention).
        Err(e) => e.exit(),
    };
    init_tracing(cli.global.verbose);
    let result = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Other(format!("cannot start the async runtime: {e}")))
        .and_then(|runtime| runtime.block_on(run(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut stderr = std::io::stderr().lock();
            // Nothing sensible is left to do if stderr itself is gone.
            let _ = writeln!(stderr, "error: {}", e.line());
            ExitCode::from(e.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Codeartsbuild(cmd) => codeartsbuild::run(&cli.global, cmd).await,
        Command::Servicestage(cmd) => servicestage::run(&cli.global, cmd).await,
        Command::Demo => demo::run().await,
        Command::Request(args) => request::run(&cli.global, args).await,
        Command::Sign(args) => sign::run(&cli.global, args).await,
    }
}

/// Prints a service answer in the chosen format, or turns the error into the tool's failure.
pub(crate) fn print<T: serde::Serialize>(
    result: Result<T, hwcloud::transport::Error>,
    format: OutputFormat,
) -> Result<(), CliError> {
    let value = result.map_err(error::from_sdk)?;
    let json = serde_json::to_value(&value).map_err(CliError::other)?;
    let mut stdout = std::io::stdout().lock();
    output::write_value(&mut stdout, &json, format)?;
    stdout.flush()?;
    Ok(())
}

/// A positive number of seconds from a flag.
pub(crate) fn seconds(flag: &str, value: f64) -> Result<std::time::Duration, CliError> {
    std::time::Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| CliError::Usage(format!("{flag} must be a positive number of seconds")))
}

/// `-v` shows this crate's and the SDK's info events, `-vv` debug, `-vvv` trace; always on stderr.
fn init_tracing(verbose: u8) {
    // Only the SDK's own crates (targets starting with `hwcloud`) get more detail: their events are
    // written never to carry secrets, which third-party HTTP internals do not promise.
    // Silent by default: a failure is reported once, as the one `error:` line.
    let filter = match verbose {
        0 => "off",
        1 => "warn,hwcloud=info",
        2 => "warn,hwcloud=debug",
        _ => "warn,hwcloud=trace",
    };
    let filter = tracing_subscriber::EnvFilter::new(filter);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
