//! `hwcloud codeartsbuild ...`: one subcommand per CodeArts Build operation, plus `wait`.

use std::io::Write;

use clap::{Args, Subcommand};
use futures_util::StreamExt;
use hwcloud::codeartsbuild::model::{
    JobStepStatus, ListHistoryQuery, ListProjectJobsQuery, LogLevel, RunJobRequest, Scm,
};
use hwcloud::codeartsbuild::wait::{self, WaitError};
use hwcloud::codeartsbuild::{CodeArtsBuildApi, CodeArtsBuildClient};

use crate::args::{GlobalArgs, OutputFormat, WaitFlags};
use crate::error::{CliError, from_sdk};
use crate::progress::Progress;

/// CodeArts Build operations.
#[derive(Debug, Subcommand)]
pub(crate) enum CodeArtsBuildCommand {
    /// StopJob (deprecated): POST /v3/jobs/stop
    StopJob(JobBuild),
    /// StopBuildJob: POST /v3/jobs/{job_id}/{build_no}/stop
    StopBuildJob(JobBuild),
    /// StopTheJob (v1): POST /v1/job/{job_id}/stop
    StopTheJob(JobOptionalBuild),
    /// RunJob: POST /v3/jobs/build (starts a build)
    RunJob(RunArgs),
    /// ExecuteJob (v1): POST /v1/job/execute (starts a build)
    ExecuteJob(RunArgs),
    /// ShowJobStatus: GET /v3/jobs/{job_id}/status (whether a build is running)
    ShowJobStatus(Job),
    /// ShowRunningStatus (v1): GET /v1/job/{job_id}/running-status
    ShowRunningStatus(Job),
    /// ShowJobStepStatus (v1): GET /v1/job/{job_id}/status
    ShowJobStepStatus(JobOptionalBuild),
    /// ShowHistoryDetails: GET /v3/jobs/{job_id}/{build_number}/history-details
    ShowHistoryDetails(JobBuild),
    /// ShowListHistory: GET /v3/jobs/{job_id}/history
    ShowListHistory(HistoryArgs),
    /// ShowJobListByProjectId: GET /v3/{project_id}/jobs (CodeArts project id)
    ShowJobListByProjectId(ProjectPage),
    /// ListProjectJobs (v1): GET /v1/job/{project_id}/list (CodeArts project id)
    ListProjectJobs(ListJobsArgs),
    /// ShowJobInfo (v1): GET /v1/job/{job_id}/info
    ShowJobInfo(Job),
    /// ShowRecordDetail (v4): GET /v4/jobs/{job_id}/{build_no}/record-info
    ShowRecordDetail(JobBuild),
    /// ShowOutputInfo: GET /v3/jobs/{job_id}/{build_no}/output-info
    ShowOutputInfo(JobBuild),
    /// DownloadRealTimeLog: GET /v3/jobs/{job_id}/{build_no}/real-time-log (one chunk, as JSON)
    DownloadRealTimeLog(RealTimeLogArgs),
    /// DownloadBuildLog (v4): GET /v4/{record_id}/download-log (raw bytes to stdout)
    DownloadBuildLog(BuildLogArgs),
    /// Wait until a build is final (ShowJobStepStatus), optionally printing its log as it grows
    Wait(WaitArgs),
}

/// A job.
#[derive(Debug, Args)]
pub(crate) struct Job {
    /// Build job id (32 hex characters)
    #[arg(long)]
    job_id: String,
}

/// A build of a job.
#[derive(Debug, Args)]
pub(crate) struct JobBuild {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// Build number (≥ 1)
    #[arg(long, alias = "build-number")]
    build_no: u32,
}

/// A job and maybe a build.
#[derive(Debug, Args)]
pub(crate) struct JobOptionalBuild {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// Build number (default: the latest build)
    #[arg(long)]
    build_no: Option<u32>,
}

/// `run-job` / `execute-job`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// Build parameter NAME=VALUE (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Build this tag
    #[arg(long)]
    build_tag: Option<String>,
    /// Build this commit
    #[arg(long)]
    build_commit_id: Option<String>,
}

/// `show-list-history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// Build job id
    #[arg(long)]
    job_id: String,
    /// First record (0-based)
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Records per page (≤ 100)
    #[arg(long, default_value_t = 10)]
    limit: u32,
    /// Days back from today (≤ 30)
    #[arg(long, default_value_t = 7)]
    interval: u32,
}

/// A page of a CodeArts project's jobs.
#[derive(Debug, Args)]
pub(crate) struct ProjectPage {
    /// CodeArts project id
    #[arg(long)]
    project_id: String,
    /// Page index (0-based)
    #[arg(long, default_value_t = 0)]
    page_index: u32,
    /// Page size (≤ 100)
    #[arg(long, default_value_t = 10)]
    page_size: u32,
}

/// `list-project-jobs`.
#[derive(Debug, Args)]
pub(crate) struct ListJobsArgs {
    /// The project and page.
    #[command(flatten)]
    page: ProjectPage,
    /// Search text
    #[arg(long)]
    search: Option<String>,
    /// Sort field (with --sort-order)
    #[arg(long, requires = "sort_order")]
    sort_field: Option<String>,
    /// Sort order, e.g. asc or desc (with --sort-field)
    #[arg(long, requires = "sort_field")]
    sort_order: Option<String>,
    /// Only jobs created by this user id
    #[arg(long)]
    creator_id: Option<String>,
    /// Only jobs whose last build has this status
    #[arg(long)]
    build_status: Option<String>,
    /// Group the jobs
    #[arg(long)]
    by_group: Option<bool>,
    /// Group path id
    #[arg(long)]
    group_path_id: Option<String>,
}

/// `download-real-time-log`.
#[derive(Debug, Args)]
pub(crate) struct RealTimeLogArgs {
    /// The build.
    #[command(flatten)]
    build: JobBuild,
    /// Offset to start at (the `offset` of the previous answer)
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Most bytes to return (service default 1 000 000)
    #[arg(long)]
    length: Option<u64>,
}

/// `download-build-log`.
#[derive(Debug, Args)]
pub(crate) struct BuildLogArgs {
    /// Build record id (`record_id` of show-list-history)
    #[arg(long)]
    record_id: String,
    /// INFO or DEBUG
    #[arg(long)]
    log_level: Option<String>,
}

/// `wait`.
#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// The build.
    #[command(flatten)]
    build: JobBuild,
    /// Polling.
    #[command(flatten)]
    flags: WaitFlags,
}

/// Runs one CodeArts Build subcommand.
pub(crate) async fn run(global: &GlobalArgs, cmd: CodeArtsBuildCommand) -> Result<(), CliError> {
    let config = crate::config::load(global)?;
    let client = config.codeartsbuild().map_err(from_sdk)?;
    let out = global.output;
    use CodeArtsBuildCommand as C;
    match cmd {
        #[allow(deprecated)] // the seed operation is still offered, as the service still serves it
        C::StopJob(a) => crate::print(client.stop_job(&a.job_id, a.build_no).await, out),
        C::StopBuildJob(a) => crate::print(client.stop_build_job(&a.job_id, a.build_no).await, out),
        C::StopTheJob(a) => crate::print(client.stop_the_job(&a.job_id, a.build_no).await, out),
        C::RunJob(a) => crate::print(client.run_job(&run_request(a)?).await, out),
        C::ExecuteJob(a) => crate::print(client.execute_job(&run_request(a)?).await, out),
        C::ShowJobStatus(a) => crate::print(client.show_job_status(&a.job_id).await, out),
        C::ShowRunningStatus(a) => crate::print(client.show_running_status(&a.job_id).await, out),
        C::ShowJobStepStatus(a) => crate::print(
            client.show_job_step_status(&a.job_id, a.build_no).await,
            out,
        ),
        C::ShowHistoryDetails(a) => crate::print(
            client.show_history_details(&a.job_id, a.build_no).await,
            out,
        ),
        C::ShowListHistory(a) => {
            let query = ListHistoryQuery::new(a.limit, a.interval).offset(a.offset);
            crate::print(client.show_list_history(&a.job_id, &query).await, out)
        }
        C::ShowJobListByProjectId(a) => crate::print(
            client
                .show_job_list_by_project_id(&a.project_id, a.page_index, a.page_size)
                .await,
            out,
        ),
        C::ListProjectJobs(a) => {
            let mut query = ListProjectJobsQuery::new(a.page.page_index, a.page.page_size);
            if let Some(s) = a.search {
                query = query.search(s);
            }
            if let (Some(f), Some(o)) = (a.sort_field, a.sort_order) {
                query = query.sort(f, o);
            }
            if let Some(c) = a.creator_id {
                query = query.creator_id(c);
            }
            if let Some(s) = a.build_status {
                query = query.build_status(s);
            }
            if a.by_group.is_some() || a.group_path_id.is_some() {
                query = query.group(a.by_group.unwrap_or(false), a.group_path_id);
            }
            crate::print(
                client.list_project_jobs(&a.page.project_id, &query).await,
                out,
            )
        }
        C::ShowJobInfo(a) => crate::print(client.show_job_info(&a.job_id).await, out),
        C::ShowRecordDetail(a) => {
            crate::print(client.show_record_detail(&a.job_id, a.build_no).await, out)
        }
        C::ShowOutputInfo(a) => {
            crate::print(client.show_output_info(&a.job_id, a.build_no).await, out)
        }
        C::DownloadRealTimeLog(a) => crate::print(
            client
                .download_real_time_log(&a.build.job_id, a.build.build_no, a.offset, a.length)
                .await,
            out,
        ),
        C::DownloadBuildLog(a) => download_build_log(&client, a).await,
        C::Wait(a) => wait(&client, a, out).await,
    }
}

fn run_request(a: RunArgs) -> Result<RunJobRequest, CliError> {
    let mut request = RunJobRequest::new(a.job_id);
    for p in &a.params {
        let (name, value) = p.split_once('=').ok_or_else(|| {
            CliError::Usage(format!("--param {p:?} is not of the form NAME=VALUE"))
        })?;
        request = request.parameter(name, value);
    }
    if a.build_tag.is_some() || a.build_commit_id.is_some() {
        let mut scm = Scm::new();
        if let Some(t) = a.build_tag {
            scm = scm.build_tag(t);
        }
        if let Some(c) = a.build_commit_id {
            scm = scm.build_commit_id(c);
        }
        request = request.scm(scm);
    }
    Ok(request)
}

async fn download_build_log(client: &CodeArtsBuildClient, a: BuildLogArgs) -> Result<(), CliError> {
    let level = a.log_level.as_deref().map(LogLevel::from_wire);
    let mut stream = client
        .download_build_log(&a.record_id, level)
        .await
        .map_err(from_sdk)?;
    let mut stdout = std::io::stdout().lock();
    while let Some(chunk) = stream.next().await {
        stdout.write_all(&chunk.map_err(from_sdk)?)?;
    }
    stdout.flush()?;
    Ok(())
}

async fn wait(
    client: &CodeArtsBuildClient,
    a: WaitArgs,
    out: OutputFormat,
) -> Result<(), CliError> {
    let (job_id, build_no) = (a.build.job_id.as_str(), a.build.build_no);
    let schedule = a.flags.schedule()?;
    let progress = Progress::new(format!("build {build_no} of job {job_id}"));
    let gave_up = |e: WaitError| {
        progress.finish("stopped waiting");
        from_wait(e)
    };
    if a.flags.follow_logs {
        // The stream ends once the build is final and its log is drained.
        let mut log = std::pin::pin!(wait::follow_log(
            client,
            job_id,
            build_no,
            &schedule.whole()
        ));
        while let Some(chunk) = log.next().await {
            progress.print_stdout(chunk.map_err(gave_up)?.as_bytes())?;
        }
    }
    let status = wait::wait_for_build_observed(client, job_id, build_no, &schedule.left(), |s| {
        progress.status(&step_label(s))
    })
    .await
    .map_err(gave_up)?;
    let label = step_label(&status);
    progress.finish(&label);
    if !a.flags.follow_logs {
        crate::print(Ok::<_, hwcloud::transport::Error>(&status), out)?;
    }
    if !status.status.as_ref().is_some_and(|s| s.is_success()) {
        return Err(CliError::Other(format!(
            "build {build_no} of job {job_id} ended with status {label}"
        )));
    }
    Ok(())
}

fn step_label(status: &JobStepStatus) -> String {
    status
        .status
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
