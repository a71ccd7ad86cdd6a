//! `hwcloud servicestage ...`: one subcommand per ServiceStage `/assembling/v1` operation, plus `wait`.

use clap::{Args, Subcommand, ValueEnum};
use futures_util::StreamExt;
use hwcloud::servicestage::model::{
    BuildInstance, JobSpec, ListBuildsQuery, ListJobsQuery, TaskName,
};
use hwcloud::servicestage::wait::{self, WaitError};
use hwcloud::servicestage::{ServiceStageApi, ServiceStageClient};

use crate::args::{GlobalArgs, OutputFormat, WaitFlags};
use crate::error::{CliError, from_sdk};
use crate::progress::Progress;

/// ServiceStage build operations.
#[derive(Debug, Subcommand)]
pub(crate) enum ServiceStageCommand {
    /// List build jobs: GET /assembling/v1/jobs
    ListJobs(ListJobsArgs),
    /// Build job details: GET /assembling/v1/jobs/{job_id}
    ShowJob(Job),
    /// Create a build job: POST /assembling/v1/jobs
    CreateJob(SpecArgs),
    /// Update a build job: PUT /assembling/v1/jobs/{job_id}
    UpdateJob(UpdateArgs),
    /// Delete a build job: DELETE /assembling/v1/jobs/{job_id} (prints nothing)
    DeleteJob(Job),
    /// Start a build: POST /assembling/v1/jobs/{job_id}/builds
    StartBuild(Job),
    /// Create a build job instance: POST /assembling/v1/jobs/{job_id}
    CreateBuildInstance(InstanceArgs),
    /// List the builds of a job: GET /assembling/v1/jobs/{job_id}/builds
    ListBuilds(ListBuildsArgs),
    /// Build instance details: GET /assembling/v1/builds/{build_id}
    ShowBuild(Build),
    /// Code-check phase info: GET /assembling/v1/builds/{build_id}?taskname=
    ShowPhaseInfo(PhaseInfoArgs),
    /// Build phases: GET /assembling/v1/builds/{build_id}/phases
    ListPhases(Build),
    /// One chunk of a build log: GET /assembling/v1/builds/{build_id}/logs
    ShowLogs(LogsArgs),
    /// Build (code check) results: GET /assembling/v1/builds/{build_id}/results
    ShowResults(Build),
    /// Cancel a build: PATCH /assembling/v1/builds/{build_id}
    CancelBuild(Build),
    /// Wait until a build is final (ShowBuild), optionally printing its log as it grows
    Wait(WaitArgs),
}

/// A build job.
#[derive(Debug, Args)]
pub(crate) struct Job {
    /// Build job id
    #[arg(long)]
    job_id: String,
}

/// A build instance.
#[derive(Debug, Args)]
pub(crate) struct Build {
    /// Build instance id
    #[arg(long)]
    build_id: String,
}

/// `list-jobs`.
#[derive(Debug, Args)]
pub(crate) struct ListJobsArgs {
    /// Page index (from 1)
    #[arg(long, default_value_t = 1)]
    page: u32,
    /// Page size
    #[arg(long, default_value_t = 10)]
    per_page: u32,
    /// Only jobs of this component name
    #[arg(long)]
    job_name: Option<String>,
}

/// A job spec (JSON).
#[derive(Debug, Args)]
pub(crate) struct SpecArgs {
    /// The job spec as JSON text, or @FILE
    #[arg(long, value_name = "JSON|@FILE")]
    spec: String,
}

/// `update-job`.
#[derive(Debug, Args)]
pub(crate) struct UpdateArgs {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// The spec.
    #[command(flatten)]
    spec: SpecArgs,
}

/// `create-build-instance`.
#[derive(Debug, Args)]
pub(crate) struct InstanceArgs {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// Instance name
    #[arg(long)]
    name: String,
}

/// `list-builds`.
#[derive(Debug, Args)]
pub(crate) struct ListBuildsArgs {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// Job name (required by the service)
    #[arg(long)]
    name: String,
    /// Page index
    #[arg(long)]
    page: Option<u32>,
    /// Page size
    #[arg(long)]
    per_page: Option<u32>,
}

/// Code-check tools.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Task {
    /// FindBugs
    Findbugs,
    /// PMD
    Pmd,
    /// Checkstyle
    Checkstyle,
}

/// `show-phase-info`.
#[derive(Debug, Args)]
pub(crate) struct PhaseInfoArgs {
    /// Build instance id
    #[arg(long)]
    build_id: String,
    /// Which code check
    #[arg(long, value_enum)]
    taskname: Task,
}

/// `show-logs`.
#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// Build instance id
    #[arg(long)]
    build_id: String,
    /// Start offset (the `next` of the previous answer)
    #[arg(long, default_value_t = 0)]
    from: u64,
}

/// `wait`.
#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// Build instance id
    #[arg(long)]
    build_id: String,
    /// Polling.
    #[command(flatten)]
    flags: WaitFlags,
}

/// Runs one ServiceStage subcommand.
pub(crate) async fn run(global: &GlobalArgs, cmd: ServiceStageCommand) -> Result<(), CliError> {
    let config = crate::config::load(global)?;
    let client = config.servicestage().map_err(from_sdk)?;
    let out = global.output;
    use ServiceStageCommand as C;
    match cmd {
        C::ListJobs(a) => {
            let mut query = ListJobsQuery::new(a.page, a.per_page);
            query.job_name = a.job_name;
            crate::print(client.list_jobs(&query).await, out)
        }
        C::ShowJob(a) => crate::print(client.show_job(&a.job_id).await, out),
        C::CreateJob(a) => crate::print(client.create_job(&spec(&a)?).await, out),
        C::UpdateJob(a) => crate::print(client.update_job(&a.job_id, &spec(&a.spec)?).await, out),
        C::DeleteJob(a) => client.delete_job(&a.job_id).await.map_err(from_sdk),
        C::StartBuild(a) => crate::print(client.start_build(&a.job_id).await, out),
        C::CreateBuildInstance(a) => {
            crate::print(client.create_build_instance(&a.job_id, &a.name).await, out)
        }
        C::ListBuilds(a) => {
            let mut query = ListBuildsQuery::new(a.name);
            query.page = a.page;
            query.per_page = a.per_page;
            crate::print(client.list_builds(&a.job_id, &query).await, out)
        }
        C::ShowBuild(a) => crate::print(client.show_build(&a.build_id).await, out),
        C::ShowPhaseInfo(a) => {
            let task = match a.taskname {
                Task::Findbugs => TaskName::Findbugs,
                Task::Pmd => TaskName::Pmd,
                Task::Checkstyle => TaskName::Checkstyle,
            };
            crate::print(client.show_phase_info(&a.build_id, task).await, out)
        }
        C::ListPhases(a) => crate::print(client.list_phases(&a.build_id).await, out),
        C::ShowLogs(a) => crate::print(client.show_logs(&a.build_id, a.from).await, out),
        C::ShowResults(a) => crate::print(client.show_results(&a.build_id).await, out),
        C::CancelBuild(a) => crate::print(client.cancel_build(&a.build_id).await, out),
        C::Wait(a) => wait(&client, a, out).await,
    }
}

/// The job spec from JSON text or `@FILE`.
fn spec(a: &SpecArgs) -> Result<JobSpec, CliError> {
    let text = match a.spec.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read --spec file {path}: {e}")))?,
        None => a.spec.clone(),
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("--spec is not a job spec: {e}")))
}

async fn wait(client: &ServiceStageClient, a: WaitArgs, out: OutputFormat) -> Result<(), CliError> {
    let build_id = a.build_id.as_str();
    let schedule = a.flags.schedule()?;
    let progress = Progress::new(format!("build {build_id}"));
    let gave_up = |e: WaitError| {
        progress.finish("stopped waiting");
        from_wait(e)
    };
    if a.flags.follow_logs {
        // The stream ends once the build is final and its log is drained.
        let mut log = std::pin::pin!(wait::follow_log(client, build_id, &schedule.whole()));
        while let Some(chunk) = log.next().await {
            progress.print_stdout(chunk.map_err(gave_up)?.as_bytes())?;
        }
    }
    let build = wait::wait_for_build_observed(client, build_id, &schedule.left(), |b| {
        progress.status(&state_label(b))
    })
    .await
    .map_err(gave_up)?;
    let label = state_label(&build);
    progress.finish(&label);
    if !a.flags.follow_logs {
        crate::print(Ok::<_, hwcloud::transport::Error>(&build), out)?;
    }
    if label != "Successful" {
        return Err(CliError::Other(format!(
            "build {build_id} ended with state {label}"
        )));
    }
    Ok(())
}

fn state_label(build: &BuildInstance) -> String {
    build
        .build_state
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned())
}

/// A deadline counts as a network-class failure for the exit code, like any other timeout.
fn from_wait(e: WaitError) -> CliError {
    match e {
        WaitError::Api(e) => from_sdk(e),
        other => CliError::Network(other.to_string()),
    }
}
