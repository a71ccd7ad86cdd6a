//! Request and response models of the CodeArts Build operations this crate covers.
//!
//! Response structs are `#[non_exhaustive]` and ignore unknown fields, so the service adding fields never breaks a
//! caller; most fields are `Option` because the service omits or nulls them freely. Request types have
//! constructors and builder-style setters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use hwcloud_transport::model::Timestamp;
use hwcloud_transport::model::lenient as de;
use hwcloud_transport::open_enum;

// ---------------------------------------------------------------------------------------------------------------
// Enumerations

open_enum! {
    /// Overall state of one build, as reported by ShowJobStepStatus (`result.status`), history records
    /// (`result`) and record details (`status`). Spellings vary between operations, so known ones are listed and
    /// anything else is kept in `Unknown`; use [`BuildStatus::is_final`] rather than matching exhaustively.
    pub enum BuildStatus {
        /// Waiting for an executor.
        Queued => "queued",
        /// Running.
        Running => "running",
        /// Finished successfully.
        Success => "success",
        /// Finished with a failure.
        Failed => "failed",
        /// Stopped by a user.
        Aborted => "aborted",
    }
}

impl BuildStatus {
    /// True when the build will not change any more (success, failure, stopped, timeout…). Unknown spellings
    /// are compared case-insensitively against the final words the service family uses.
    pub fn is_final(&self) -> bool {
        match self {
            Self::Success | Self::Failed | Self::Aborted => true,
            Self::Queued | Self::Running => false,
            Self::Unknown(s) => matches!(
                s.to_ascii_lowercase().as_str(),
                "success"
                    | "succeeded"
                    | "successful"
                    | "failed"
                    | "failure"
                    | "fail"
                    | "error"
                    | "aborted"
                    | "abort"
                    | "stopped"
                    | "canceled"
                    | "cancelled"
                    | "cancel"
                    | "timeout"
                    | "finished"
            ),
        }
    }

    /// True for a successful final state.
    pub fn is_success(&self) -> bool {
        match self {
            Self::Success => true,
            Self::Unknown(s) => {
                matches!(
                    s.to_ascii_lowercase().as_str(),
                    "success" | "succeeded" | "successful"
                )
            }
            _ => false,
        }
    }
}

open_enum! {
    /// `last_build_status` of ShowRunningStatus (documented: `Finished`, `InQueue`).
    pub enum LastBuildStatus {
        /// The last build finished.
        Finished => "Finished",
        /// The last build waits in the queue.
        InQueue => "InQueue",
        /// The last build runs (undocumented spelling, seen in the console).
        Running => "Running",
    }
}

open_enum! {
    /// Status of one build step in ShowHistoryDetails.
    pub enum StepStatus {
        /// The step runs.
        Running => "running",
        /// The step succeeded.
        Success => "success",
        /// The step failed.
        Error => "error",
        /// The step has not run (the service sends `""`).
        NotRun => "",
    }
}

open_enum! {
    /// How a build was triggered (documented: manual, timer, code update, pipeline).
    pub enum TriggerType {
        /// Started by a user or an API call.
        Manual => "manual",
        /// Started by a schedule.
        Timer => "timer",
        /// Started by a code push.
        CodeUpdate => "code update",
        /// Started by a pipeline.
        Pipeline => "pipeline",
    }
}

open_enum! {
    /// Log verbosity of DownloadBuildLog.
    pub enum LogLevel {
        /// Normal log.
        Info => "INFO",
        /// Debug log.
        Debug => "DEBUG",
    }
}

open_enum! {
    /// How a job's build configuration is written (`build_config_type`).
    pub enum BuildConfigType {
        /// Build steps in a YAML file.
        Yaml => "YAML",
        /// Build steps configured as actions in the console.
        Action => "ACTION",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Envelope

/// The `{result, error, status}` wrapper of the v1/v4 operations (errors.md shape D). The client unwraps it and
/// turns `status: "fail"` into an error, so callers see only `result`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Envelope<T> {
    #[serde(default = "Option::default")]
    pub(crate) result: Option<T>,
    #[serde(default)]
    pub(crate) error: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) status: Option<String>,
}

impl<T> Envelope<T> {
    /// A `status` other than `success` (case-insensitive), or an `error` and no `result` (a `null`, empty
    /// string or empty object `error` is no error).
    pub(crate) fn reports_failure(&self) -> bool {
        let failed = self
            .status
            .as_deref()
            .is_some_and(|s| !s.eq_ignore_ascii_case("success"));
        let errored = self.result.is_none()
            && self.error.as_ref().is_some_and(|e| match e {
                serde_json::Value::Null => false,
                serde_json::Value::String(s) => !s.is_empty(),
                serde_json::Value::Object(m) => !m.is_empty(),
                _ => true,
            });
        failed || errored
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

/// One build parameter passed to RunJob / ExecuteJob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParameterItem {
    /// Parameter name: ≤ 128 letters, digits or `_`; not one of the names the service forbids.
    pub name: String,
    /// Parameter value, ≤ 8192 characters.
    pub value: String,
}

impl ParameterItem {
    /// A name/value pair.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Source-control selection of RunJob / ExecuteJob.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Scm {
    /// Build this tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_tag: Option<String>,
    /// Build this commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_commit_id: Option<String>,
}

impl Scm {
    /// No selection (the job's default branch).
    pub fn new() -> Self {
        Self::default()
    }
    /// Builds the given tag.
    pub fn build_tag(mut self, tag: impl Into<String>) -> Self {
        self.build_tag = Some(tag.into());
        self
    }
    /// Builds the given commit.
    pub fn build_commit_id(mut self, commit: impl Into<String>) -> Self {
        self.build_commit_id = Some(commit.into());
        self
    }
}

/// Body of RunJob (`POST /v3/jobs/build`) and ExecuteJob (`POST /v1/job/execute`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunJobRequest {
    /// The job to run (32 of `[0-9a-z]`).
    pub job_id: String,
    /// Build parameters.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parameter: Vec<ParameterItem>,
    /// Tag/commit selection.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scm: Option<Scm>,
}

impl RunJobRequest {
    /// Runs `job_id` with its defaults.
    pub fn new(job_id: impl Into<String>) -> Self {
        Self {
            job_id: job_id.into(),
            parameter: Vec::new(),
            scm: None,
        }
    }
    /// Adds a build parameter.
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameter.push(ParameterItem::new(name, value));
        self
    }
    /// Selects a tag or commit.
    pub fn scm(mut self, scm: Scm) -> Self {
        self.scm = Some(scm);
        self
    }
}

/// Wire body of the deprecated StopJob: `build_no` is a **string** there.
#[derive(Serialize)]
pub(crate) struct StopJobBody<'a> {
    pub(crate) job_id: &'a str,
    pub(crate) build_no: String,
}

/// Query of ShowListHistory (`offset`, `limit` 1 … 100, `interval` ≤ 30 days; all three sent, as the SDK does).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListHistoryQuery {
    /// Records to skip.
    pub offset: u32,
    /// Page size, 1 … 100.
    pub limit: u32,
    /// Days back from today, 0 … 30.
    pub interval: u32,
}

impl ListHistoryQuery {
    /// First page of `limit` records of the last `interval` days.
    pub fn new(limit: u32, interval: u32) -> Self {
        Self {
            offset: 0,
            limit,
            interval,
        }
    }
    /// Sets the offset.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }
}

impl Default for ListHistoryQuery {
    /// 100 records of the last 30 days.
    fn default() -> Self {
        Self::new(100, 30)
    }
}

/// Query of ListProjectJobs (`GET /v1/job/{project_id}/list`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListProjectJobsQuery {
    /// Page index, from 0.
    pub page_index: u32,
    /// Page size, 1 … 100.
    pub page_size: u32,
    /// Search text.
    pub search: Option<String>,
    /// Field to sort by.
    pub sort_field: Option<String>,
    /// `asc` / `desc`.
    pub sort_order: Option<String>,
    /// Only jobs created by this user.
    pub creator_id: Option<String>,
    /// Only jobs whose last build has this status.
    pub build_status: Option<String>,
    /// Group the result.
    pub by_group: Option<bool>,
    /// Only jobs of this group.
    pub group_path_id: Option<String>,
}

impl ListProjectJobsQuery {
    /// Page `page_index` of `page_size` jobs, no filters.
    pub fn new(page_index: u32, page_size: u32) -> Self {
        Self {
            page_index,
            page_size,
            search: None,
            sort_field: None,
            sort_order: None,
            creator_id: None,
            build_status: None,
            by_group: None,
            group_path_id: None,
        }
    }
    /// Filters by search text.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }
    /// Sorts by a field and order.
    pub fn sort(mut self, field: impl Into<String>, order: impl Into<String>) -> Self {
        self.sort_field = Some(field.into());
        self.sort_order = Some(order.into());
        self
    }
    /// Filters by creator.
    pub fn creator_id(mut self, id: impl Into<String>) -> Self {
        self.creator_id = Some(id.into());
        self
    }
    /// Filters by last build status.
    pub fn build_status(mut self, status: impl Into<String>) -> Self {
        self.build_status = Some(status.into());
        self
    }
    /// Groups the result / filters by group.
    pub fn group(mut self, by_group: bool, group_path_id: Option<String>) -> Self {
        self.by_group = Some(by_group);
        self.group_path_id = group_path_id;
        self
    }
}

impl Default for ListProjectJobsQuery {
    /// First page of 100 jobs.
    fn default() -> Self {
        Self::new(0, 100)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

/// Answer of the deprecated StopJob.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StopJobResponse {
    /// Whether the build was stopped.
    #[serde(default, deserialize_with = "de::null_default")]
    pub result: bool,
}

/// Answer of StopBuildJob.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StopBuildJobResponse {
    /// True when the build was stopped.
    #[serde(default, deserialize_with = "de::null_default")]
    pub success: bool,
    /// Free text (usually `""`).
    #[serde(default)]
    pub result: Option<String>,
}

/// Answer of StopTheJob (v1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StopTheJobResponse {
    /// Whether stopping succeeded (`success` / `fail` or free text).
    #[serde(default)]
    pub status: Option<String>,
}

/// Answer of RunJob / ExecuteJob.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunJobResponse {
    /// Temporary executor job name, e.g. `j_WfRE6eOY`.
    #[serde(default)]
    pub octopus_job_name: Option<String>,
    /// Build number of the started run, sent as a **string** (`"55"`); see [`RunJobResponse::build_no`].
    #[serde(default, deserialize_with = "de::opt_string_lenient")]
    pub actual_build_number: Option<String>,
    /// `YYYYMMDD.N`, e.g. `20200825.1`.
    #[serde(default)]
    pub daily_build_number: Option<String>,
}

impl RunJobResponse {
    /// The started build's number, for stop/status calls (`None` when absent or not a number).
    pub fn build_no(&self) -> Option<u32> {
        self.actual_build_number.as_deref()?.trim().parse().ok()
    }
}

/// Answer of ShowJobStatus.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShowJobStatusResponse {
    /// True while the job has a running build.
    #[serde(default, deserialize_with = "de::null_default")]
    pub result: bool,
}

/// `result` of ShowRunningStatus (v1): the state of the job's most recent build.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunningStatus {
    /// Job id.
    #[serde(default)]
    pub last_job_id: Option<String>,
    /// Number of the most recent build, sent as a **string** (`"9"`); see [`RunningStatus::build_no`].
    #[serde(default, deserialize_with = "de::opt_string_lenient")]
    pub last_build_no: Option<String>,
    /// `Finished`, `InQueue`, …
    #[serde(default)]
    pub last_build_status: Option<LastBuildStatus>,
    /// True while that build runs.
    #[serde(default, deserialize_with = "de::null_default")]
    pub is_running: bool,
}

impl RunningStatus {
    /// `last_build_no` as a number.
    pub fn build_no(&self) -> Option<u32> {
        self.last_build_no.as_deref()?.trim().parse().ok()
    }
}

/// `result` of ShowJobStepStatus (v1): the state of one build.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobStepStatus {
    /// Build state.
    #[serde(default)]
    pub status: Option<BuildStatus>,
    /// `aborted` when a user stopped the build.
    #[serde(default)]
    pub abort_status: Option<String>,
    /// Executor label, e.g. `default-x86-2u8g`.
    #[serde(default)]
    pub label: Option<String>,
}

impl JobStepStatus {
    /// True when the build is over: its status is final, or it was aborted.
    pub fn is_final(&self) -> bool {
        self.is_aborted() || self.status.as_ref().is_some_and(BuildStatus::is_final)
    }
    /// True when a user stopped the build.
    pub fn is_aborted(&self) -> bool {
        self.abort_status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("aborted"))
            || self.status == Some(BuildStatus::Aborted)
    }
}

/// One step of a build (ShowHistoryDetails).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildStep {
    /// Step name.
    #[serde(default)]
    pub name: Option<String>,
    /// Step status (`""` = not run).
    #[serde(default)]
    pub status: Option<StepStatus>,
    /// Duration in milliseconds.
    #[serde(default)]
    pub build_time: Option<i64>,
}

/// Answer of ShowHistoryDetails.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryDetails {
    /// Job name.
    #[serde(default)]
    pub job_name: Option<String>,
    /// Build number.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub build_number: Option<i64>,
    /// CodeArts project id.
    #[serde(default)]
    pub project_id: Option<String>,
    /// CodeArts project name.
    #[serde(default)]
    pub project_name: Option<String>,
    /// Build parameters (sensitive values come back as `*`).
    #[serde(default, deserialize_with = "de::null_default")]
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// Steps visible in the console.
    #[serde(default, deserialize_with = "de::null_default")]
    pub build_steps: Vec<BuildStep>,
}

/// One build in ShowListHistory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryRecord {
    /// Record id (36 chars); usable with DownloadBuildLog.
    #[serde(default)]
    pub record_id: Option<String>,
    /// Job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Build number.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub build_number: Option<i64>,
    /// Start time.
    #[serde(default)]
    pub start_time: Option<Timestamp>,
    /// End time (`""` while running).
    #[serde(default)]
    pub end_time: Option<Timestamp>,
    /// Build result.
    #[serde(default)]
    pub result: Option<BuildStatus>,
}

/// Answer of ShowListHistory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryPage {
    /// Records of this page.
    #[serde(default, deserialize_with = "de::null_default")]
    pub history_records: Vec<HistoryRecord>,
    /// Total number of records.
    #[serde(default)]
    pub total: Option<u64>,
}

/// A build job (ShowJobListByProjectId, ListProjectJobs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Job {
    /// Job id.
    #[serde(default)]
    pub id: Option<String>,
    /// Job name.
    #[serde(default)]
    pub job_name: Option<String>,
    /// Creator id.
    #[serde(default)]
    pub job_creator: Option<String>,
    /// Creator name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// Time of the last build (epoch ms, a float on the wire).
    #[serde(default)]
    pub last_build_time: Option<f64>,
    /// Health score.
    #[serde(default)]
    pub health_score: Option<i64>,
    /// Source code type.
    #[serde(default)]
    pub source_code: Option<String>,
    /// Result of the last build.
    #[serde(default)]
    pub last_build_status: Option<BuildStatus>,
    /// True when the last build finished.
    #[serde(default)]
    pub is_finished: Option<bool>,
    /// Disabled.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Favourite of the caller.
    #[serde(default)]
    pub favorite: Option<bool>,
    /// Caller may modify.
    #[serde(default)]
    pub is_modify: Option<bool>,
    /// Caller may delete.
    #[serde(default)]
    pub is_delete: Option<bool>,
    /// Caller may run.
    #[serde(default)]
    pub is_execute: Option<bool>,
    /// Caller may copy.
    #[serde(default)]
    pub is_copy: Option<bool>,
    /// Caller may forbid.
    #[serde(default)]
    pub is_forbidden: Option<bool>,
    /// Caller may view.
    #[serde(default)]
    pub is_view: Option<bool>,
    /// Who ran the last build.
    #[serde(default)]
    pub last_build_user: Option<String>,
    /// Trigger of the last build.
    #[serde(default)]
    pub trigger_type: Option<TriggerType>,
    /// Duration of the last build (ms).
    #[serde(default)]
    pub build_time: Option<i64>,
    /// Repository web URL.
    #[serde(default)]
    pub scm_web_url: Option<String>,
    /// Repository type.
    #[serde(default)]
    pub scm_type: Option<String>,
    /// Repository id.
    #[serde(default)]
    pub repo_id: Option<String>,
    /// Build project id.
    #[serde(default)]
    pub build_project_id: Option<String>,
    /// Running status of the last build (the SDK docstring wrongly calls it "last build time").
    #[serde(default)]
    pub last_job_running_status: Option<String>,
    /// Id of the user of the last build.
    #[serde(default)]
    pub last_build_user_id: Option<String>,
}

/// Answer of ShowJobListByProjectId and ListProjectJobs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobPage {
    /// Jobs of this page.
    #[serde(default, deserialize_with = "de::null_default")]
    pub jobs: Vec<Job>,
    /// Total number of jobs.
    #[serde(default)]
    pub total: Option<u64>,
}

/// `result` of ShowJobInfo (v1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobInfo {
    /// Job id.
    #[serde(default)]
    pub id: Option<String>,
    /// Build project id (1:1 with the job).
    #[serde(default)]
    pub project_id: Option<String>,
    /// Build time.
    #[serde(default, deserialize_with = "de::opt_string_lenient")]
    pub build_time: Option<String>,
    /// Charged time.
    #[serde(default, deserialize_with = "de::opt_string_lenient")]
    pub charge_time: Option<String>,
    /// Creation time (epoch ms).
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub create_time: Option<i64>,
    /// Project permission switch.
    #[serde(default)]
    pub project_permission_switch: Option<bool>,
    /// Disabled.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Favourite.
    #[serde(default)]
    pub favorite: Option<bool>,
    /// New-style build.
    #[serde(default)]
    pub new_build: Option<bool>,
    /// Caller may copy.
    #[serde(default)]
    pub is_copy: Option<bool>,
    /// Caller may delete.
    #[serde(default)]
    pub is_delete: Option<bool>,
    /// Caller may run.
    #[serde(default)]
    pub is_execute: Option<bool>,
    /// Caller may forbid.
    #[serde(default)]
    pub is_forbidden: Option<bool>,
    /// Caller manages the job.
    #[serde(default)]
    pub is_manager: Option<bool>,
    /// Caller may modify.
    #[serde(default)]
    pub is_modify: Option<bool>,
    /// Caller may view.
    #[serde(default)]
    pub is_view: Option<bool>,
    /// Source code type.
    #[serde(default)]
    pub source_code: Option<String>,
    /// Running status.
    #[serde(default)]
    pub running_status: Option<String>,
    /// Job name.
    #[serde(default)]
    pub job_name: Option<String>,
    /// Result of the last build.
    #[serde(default)]
    pub last_build_status: Option<BuildStatus>,
    /// Time of the last build (epoch ms).
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub last_build_time: Option<i64>,
    /// Health score.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub health_score: Option<i64>,
}

/// `result` of ShowRecordDetail (v4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordDetail {
    /// Record id.
    #[serde(default)]
    pub id: Option<String>,
    /// Build project id (same as `codeci_job_id`).
    #[serde(default)]
    pub build_project_id: Option<String>,
    /// Build record id; usable as `record_id` for DownloadBuildLog (inferred).
    #[serde(default)]
    pub build_record_id: Option<String>,
    /// Parent record id.
    #[serde(default)]
    pub parent_record_id: Option<String>,
    /// CodeArts project id.
    #[serde(default)]
    pub devcloud_project_id: Option<String>,
    /// Job id.
    #[serde(default)]
    pub codeci_job_id: Option<String>,
    /// User id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Build number.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub build_no: Option<i64>,
    /// `YYYYMMDD.N`.
    #[serde(default)]
    pub daily_build_num: Option<String>,
    /// Execution id.
    #[serde(default)]
    pub execution_id: Option<String>,
    /// Repository name.
    #[serde(default)]
    pub repo_name: Option<String>,
    /// Repository id.
    #[serde(default)]
    pub repo_id: Option<String>,
    /// Branch.
    #[serde(default)]
    pub branch: Option<String>,
    /// Tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Commit id.
    #[serde(default)]
    pub commit: Option<String>,
    /// Commit message.
    #[serde(default)]
    pub commit_message: Option<String>,
    /// Commit time.
    #[serde(default)]
    pub commit_create_time: Option<Timestamp>,
    /// Trigger.
    #[serde(default)]
    pub trigger_type: Option<TriggerType>,
    /// Build type.
    #[serde(default)]
    pub build_type: Option<String>,
    /// Build status.
    #[serde(default)]
    pub status: Option<BuildStatus>,
    /// Domain (account) id.
    #[serde(default)]
    pub domain_id: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub create_time: Option<Timestamp>,
    /// Schedule time.
    #[serde(default)]
    pub schedule_time: Option<Timestamp>,
    /// Queue time.
    #[serde(default)]
    pub queued_time: Option<Timestamp>,
    /// Start time.
    #[serde(default)]
    pub start_time: Option<Timestamp>,
    /// Runnable time.
    #[serde(default)]
    pub runnable_time: Option<Timestamp>,
    /// Finish time.
    #[serde(default)]
    pub finish_time: Option<Timestamp>,
    /// Duration (integer in v4; a float in the retired v3 ShowRecordInfo, accepted too).
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub duration: Option<i64>,
    /// Record status.
    #[serde(default)]
    pub record_status: Option<String>,
    /// Custom executor flag.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub use_private_slave: Option<i64>,
    /// Region.
    #[serde(default)]
    pub region: Option<String>,
    /// Error message of a failed build.
    #[serde(default)]
    pub err_msg: Option<String>,
    /// `YAML` or `ACTION`.
    #[serde(default)]
    pub build_config_type: Option<BuildConfigType>,
}

/// One produced artefact (ShowOutputInfo).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutputResult {
    /// Project id.
    #[serde(default)]
    pub project_id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Version.
    #[serde(default)]
    pub version: Option<String>,
    /// Package type.
    #[serde(default)]
    pub package_type: Option<String>,
    /// Download/pull URI.
    #[serde(default)]
    pub uri: Option<String>,
    /// Type.
    #[serde(default)]
    pub r#type: Option<String>,
    /// `YYYYMMDD.N`.
    #[serde(default)]
    pub daily_build_number: Option<String>,
}

/// `result` of ShowOutputInfo.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutputInfo {
    /// The main package.
    #[serde(default)]
    pub package_info: Option<OutputResult>,
    /// Second-party packages by name.
    #[serde(default, deserialize_with = "de::null_default")]
    pub package_infos: BTreeMap<String, OutputResult>,
    /// Images by name.
    #[serde(default, deserialize_with = "de::null_default")]
    pub image_infos: BTreeMap<String, OutputResult>,
}

/// `result` of DownloadRealTimeLog: one chunk of a build's log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RealTimeLog {
    /// True when more log follows (the build still runs or the chunk was cut).
    #[serde(default, deserialize_with = "de::null_default")]
    pub has_more_data: bool,
    /// Offset to pass to the next call.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub offset: Option<i64>,
    /// Log text of this chunk; may be empty while the build produces nothing new.
    #[serde(default, deserialize_with = "de::null_default")]
    pub content: String,
    /// Offset this chunk starts at.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub current_offset: Option<i64>,
}
