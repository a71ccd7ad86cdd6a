//! `hwcloud demo`: starts the emulator in-process and runs the two seed flows against it, once with
//! AK/SK signing and once with an IAM token, checking every answer.

use std::fmt::Display;
use std::io::Write;
use std::time::Duration;

use hwcloud::auth::MemoryEnv;
use hwcloud::codeartsbuild::model::{BuildStatus, JobStepStatus, RunJobRequest};
use hwcloud::codeartsbuild::wait::{WaitConfig, wait_for_build};
use hwcloud::codeartsbuild::{CodeArtsBuildApi, CodeArtsBuildClient};
use hwcloud::servicestage::model::BuildState;
use hwcloud::servicestage::{ServiceStageApi, ServiceStageClient};
use hwcloud::{Config, PasswordToken};
use hwcloud_emulator::{Emulator, EmulatorConfig, demo};

use crate::error::{CliError, from_config, from_sdk};

/// A step that did not do what it should; ends the current flow.
struct StepFailed;

/// Prints step lines and counts the outcomes.
struct Report {
    passed: usize,
    failed: usize,
}

impl Report {
    fn line(&self, text: impl Display) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    /// Records a step: `check` returns the result line on success or says what was wrong.
    fn step<T>(
        &mut self,
        name: &str,
        outcome: Result<T, String>,
        check: impl FnOnce(&T) -> Result<String, String>,
    ) -> Result<T, StepFailed> {
        let checked = outcome.and_then(|v| check(&v).map(|line| (v, line)));
        match checked {
            Ok((value, line)) => {
                self.passed += 1;
                self.line(format_args!("  ok    {name}: {line}"));
                Ok(value)
            }
            Err(why) => {
                self.failed += 1;
                self.line(format_args!("  FAIL  {name}: {why}"));
                Err(StepFailed)
            }
        }
    }
}

/// Runs the demo; exit code 0 only if every step did what it should.
pub(crate) async fn run() -> Result<(), CliError> {
    let config = EmulatorConfig {
        build_step: Duration::from_millis(400),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| CliError::Other(format!("cannot start the emulator: {e}")))?;
    let mut report = Report {
        passed: 0,
        failed: 0,
    };
    report.line(format_args!(
        "hwcloud demo: emulator (IAM, CodeArts Build, ServiceStage) listening on {}",
        emulator.base_url()
    ));

    for mode in [Mode::AccessKey, Mode::Token] {
        report.line(format_args!("\n== {} ==", mode.title()));
        let config = mode.config(&emulator).map_err(from_config)?;
        let builds = config.codeartsbuild().map_err(from_sdk)?;
        let stage = config.servicestage().map_err(from_sdk)?;
        let before = token_requests(&emulator);
        // A failed step ends its flow; the other flows still run so the report is complete.
        let _ = codeartsbuild_flow(&mut report, &builds).await;
        let _ = servicestage_flow(&mut report, &stage).await;
        let issued = token_requests(&emulator) - before;
        let expected = match mode {
            Mode::AccessKey => 0,
            Mode::Token => 1,
        };
        let _ = report.step("IAM", Ok(issued), |n| match (*n == expected, mode) {
            (true, Mode::AccessKey) => {
                Ok("no IAM token requested: every call was AK/SK-signed".into())
            }
            (true, Mode::Token) => {
                Ok("one password token (POST /v3/auth/tokens) served every call".into())
            }
            (false, _) => Err(format!("{n} token requests, expected {expected}")),
        });
    }
    emulator.shutdown().await;

    report.line(format_args!(
        "\n{} steps passed, {} failed",
        report.passed, report.failed
    ));
    if report.failed > 0 {
        return Err(CliError::Other(format!(
            "{} demo step(s) failed",
            report.failed
        )));
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Mode {
    AccessKey,
    Token,
}

impl Mode {
    fn title(self) -> &'static str {
        match self {
            Self::AccessKey => "AK/SK signing (SDK-HMAC-SHA256)",
            Self::Token => "IAM token (password token from the emulator's IAM)",
        }
    }

    /// Everything explicit: the user's HUAWEICLOUD_* variables and credentials file are ignored.
    fn config(self, emulator: &Emulator) -> Result<Config, hwcloud::ConfigError> {
        let builder = Config::builder()
            .env(MemoryEnv::new())
            .region(demo::REGION)
            .endpoint(emulator.base_url())
            .app_name("hwcloud-demo");
        match self {
            Self::AccessKey => builder
                .access_key(demo::ACCESS_KEY, demo::SECRET_KEY)
                .project_id(demo::PROJECT_ID),
            Self::Token => builder.token_auth(PasswordToken::new(
                demo::DOMAIN_NAME,
                demo::USER_NAME,
                demo::PASSWORD,
            )),
        }
        .build()
    }
}

fn token_requests(emulator: &Emulator) -> usize {
    emulator
        .journal()
        .iter()
        .filter(|e| e.method == "POST" && e.path == "/v3/auth/tokens")
        .count()
}

fn err(e: impl Display) -> String {
    e.to_string()
}

/// Start a build, watch it, stop it with StopJob (the seed); start another, stop it with StopBuildJob.
async fn codeartsbuild_flow(r: &mut Report, api: &CodeArtsBuildClient) -> Result<(), StepFailed> {
    let job = demo::CODEARTSBUILD_JOB_ID;
    let first = r.step(
        "CodeArts Build RunJob",
        api.run_job(&RunJobRequest::new(job)).await.map_err(err),
        |v| match v.build_no() {
            Some(n) => Ok(format!("job {job} started build {n}")),
            None => Err(format!("no usable actual_build_number in {v:?}")),
        },
    )?;
    let first = first.build_no().unwrap_or_default();
    r.step(
        "CodeArts Build ShowJobStatus",
        api.show_job_status(job).await.map_err(err),
        |v| match v.result {
            true => Ok("the job has a running build".into()),
            false => Err("the job reports no running build".into()),
        },
    )?;
    let watched = watch_until_running(api, job, first).await;
    r.step(
        "CodeArts Build ShowJobStepStatus (watch)",
        watched,
        |seen| Ok(format!("build {first} went {}", seen.join(" -> "))),
    )?;
    #[allow(deprecated)]
    // StopJob is the seed operation the demo shows; the service still serves it
    let stopped = api.stop_job(job, first).await.map_err(err);
    r.step(
        "CodeArts Build StopJob (deprecated)",
        stopped,
        |v| match v.result {
            true => Ok(format!("stop of build {first} accepted (result: true)")),
            false => Err("the service answered result: false".into()),
        },
    )?;
    expect_aborted(r, api, job, first).await?;

    let second = r.step(
        "CodeArts Build RunJob",
        api.run_job(&RunJobRequest::new(job)).await.map_err(err),
        |v| match v.build_no() {
            Some(n) if n != first => Ok(format!("job {job} started build {n}")),
            other => Err(format!("expected a new build number, got {other:?}")),
        },
    )?;
    let second = second.build_no().unwrap_or_default();
    r.step(
        "CodeArts Build StopBuildJob",
        api.stop_build_job(job, second).await.map_err(err),
        |v| match v.success {
            true => Ok(format!("build {second} stopped (success: true)")),
            false => Err(format!(
                "the service answered success: false ({:?})",
                v.result
            )),
        },
    )?;
    expect_aborted(r, api, job, second).await
}

/// Waits briefly for the build to settle and checks it ended as aborted.
async fn expect_aborted(
    r: &mut Report,
    api: &CodeArtsBuildClient,
    job: &str,
    build_no: u32,
) -> Result<(), StepFailed> {
    let wait = WaitConfig::new(
        Duration::from_millis(100),
        Duration::from_millis(500),
        Duration::from_secs(20),
    );
    r.step(
        "CodeArts Build ShowJobStepStatus",
        wait_for_build(api, job, build_no, &wait).await.map_err(err),
        |v| match v.is_aborted() {
            true => Ok(format!("build {build_no} is stopped ({})", status_of(v))),
            false => Err(format!(
                "build {build_no} ended as {} instead of aborted",
                status_of(v)
            )),
        },
    )?;
    Ok(())
}

/// Polls ShowJobStepStatus until the build runs, so the demo stops a build that is really running (a build
/// first waits in the queue). Returns the statuses seen, in order; a build that ends first, or is still not
/// running after 10 s, is a failed step.
async fn watch_until_running(
    api: &CodeArtsBuildClient,
    job: &str,
    build_no: u32,
) -> Result<Vec<String>, String> {
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..100 {
        let step = api
            .show_job_step_status(job, Some(build_no))
            .await
            .map_err(err)?;
        let status = step
            .status
            .as_ref()
            .map_or("unknown", |s| s.as_str())
            .to_string();
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        match step.status {
            Some(BuildStatus::Running) => return Ok(seen),
            _ if step.is_final() => {
                return Err(format!(
                    "build {build_no} ended before running ({})",
                    status_of(&step)
                ));
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Err(format!(
        "build {build_no} was not running after 10 s (seen: {})",
        seen.join(" -> ")
    ))
}

fn status_of(v: &JobStepStatus) -> String {
    let status = v.status.as_ref().map_or("unknown", |s| s.as_str());
    match &v.abort_status {
        Some(a) if !a.is_empty() => format!("status {status}, abort_status {a}"),
        _ => format!("status {status}"),
    }
}

/// Start a ServiceStage build, cancel it (the seed), read the cancelled instance.
async fn servicestage_flow(r: &mut Report, api: &ServiceStageClient) -> Result<(), StepFailed> {
    let job = demo::SERVICESTAGE_JOB_ID;
    let started = r.step(
        "ServiceStage StartBuild",
        api.start_build(job).await.map_err(err),
        |v| match &v.build_id {
            Some(id) if !id.is_empty() => Ok(format!("job {job} started build {id}")),
            _ => Err(format!("no build_id in {v:?}")),
        },
    )?;
    let build_id = started.build_id.unwrap_or_default();
    let cancelled = |what: &str, state: &Option<BuildState>| match state {
        Some(BuildState::Cancel) => Ok(format!("build {build_id} {what} (build_state: Cancel)")),
        other => Err(format!("build_state is {other:?}, expected Cancel")),
    };
    r.step(
        "ServiceStage CancelBuild",
        api.cancel_build(&build_id).await.map_err(err),
        |v| cancelled("cancelled", &v.build_state),
    )?;
    r.step(
        "ServiceStage ShowBuild",
        api.show_build(&build_id).await.map_err(err),
        |v| cancelled("reads back as cancelled", &v.build_state),
    )?;
    Ok(())
}
