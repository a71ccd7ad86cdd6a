//! The `hwcloud-emulator` binary: a local IAM + CodeArts Build + ServiceStage on one port.
//!
//! Prints `listening on http://HOST:PORT` as its first stdout line, then serves until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use hwcloud_emulator::{Emulator, EmulatorConfig, FaultPlan};

/// A local Huawei Cloud (IAM, CodeArts Build, ServiceStage assembling) for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "hwcloud-emulator", version)]
struct Args {
    /// Address to listen on (port 0 = any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Accepted access key id; repeat together with --sk. Replaces the demo key.
    #[arg(long = "ak")]
    ak: Vec<String>,
    /// Secret key of the --ak at the same position.
    #[arg(long = "sk")]
    sk: Vec<String>,
    /// IAM project id (the project named cn-north-4).
    #[arg(long)]
    project_id: Option<String>,
    /// IAM user as NAME:PASSWORD; repeatable. Replaces the demo user.
    #[arg(long = "user")]
    user: Vec<String>,
    /// Account (domain) name.
    #[arg(long)]
    domain: Option<String>,
    /// CodeArts Build task id to create at start; repeatable. Replaces the demo task.
    #[arg(long = "codeartsbuild-job")]
    codeartsbuild_job: Vec<String>,
    /// ServiceStage build job id to create at start; repeatable. Replaces the demo job.
    #[arg(long = "servicestage-job")]
    servicestage_job: Vec<String>,
    /// Fault rules, e.g. "POST /v3/jobs/build=503x2; *=drop@0.1".
    #[arg(long)]
    faults: Option<String>,
    /// Seed of the fault RNG and generated ids.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Milliseconds a build spends in each state step.
    #[arg(long, default_value_t = 1000)]
    build_step_ms: u64,
}

fn config(args: Args) -> Result<EmulatorConfig> {
    let mut config = EmulatorConfig {
        listen: args.listen,
        ..EmulatorConfig::default()
    };
    if args.ak.len() != args.sk.len() {
        bail!(
            "give one --sk for every --ak ({} --ak, {} --sk)",
            args.ak.len(),
            args.sk.len()
        );
    }
    if !args.ak.is_empty() {
        config.access_keys = args.ak.into_iter().zip(args.sk).collect();
    }
    if let Some(p) = args.project_id {
        config.project_id = p;
    }
    if !args.user.is_empty() {
        config.users = args
            .user
            .iter()
            .map(|u| {
                u.split_once(':')
                    .map(|(n, p)| (n.to_owned(), p.to_owned()))
                    .with_context(|| format!("--user {u:?} is not NAME:PASSWORD"))
            })
            .collect::<Result<_>>()?;
    }
    if let Some(d) = args.domain {
        config.domain = d;
    }
    for id in &args.codeartsbuild_job {
        if id.len() != 32
            || !id
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        {
            bail!("--codeartsbuild-job {id:?} must be 32 digits and lower-case letters");
        }
    }
    if !args.codeartsbuild_job.is_empty() {
        config.codeartsbuild_jobs = args.codeartsbuild_job;
    }
    for id in &args.servicestage_job {
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        {
            bail!("--servicestage-job {id:?} must be digits and lower-case letters");
        }
    }
    if !args.servicestage_job.is_empty() {
        config.servicestage_jobs = args.servicestage_job;
    }
    if let Some(spec) = args.faults {
        config.faults = FaultPlan::parse(&spec)?;
    }
    config.seed = args.seed;
    config.build_step = Duration::from_millis(args.build_step_ms);
    Ok(config)
}

#[tokio::main]
async fn main() -> Result<()> {
    let config = config(Args::parse())?;
    let emulator = Emulator::start(config.clone())
        .await
        .with_context(|| format!("could not listen on {}", config.listen))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", emulator.base_url())?;
        out.flush()?;
    }
    eprintln!(
        "hwcloud-emulator: {} access key(s), project {}, region {}, {} CodeArts Build task(s), {} ServiceStage job(s); Ctrl-C stops",
        config.access_keys.len(),
        config.project_id,
        hwcloud_emulator::demo::REGION,
        config.codeartsbuild_jobs.len(),
        config.servicestage_jobs.len()
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    emulator.shutdown().await;
    Ok(())
}
