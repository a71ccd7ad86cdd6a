//! Request and response models of the ServiceStage `/assembling/v1` build APIs.
//!
//! No official SDK covers these APIs, so every type is written from the documentation pages, and every place
//! where the pages contradict themselves or the examples is accepted both ways (see the crate docs). Response
//! structs are `#[non_exhaustive]`, ignore unknown fields, and use `Option` because the service omits or nulls
//! fields freely.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use hwcloud_transport::model::Timestamp;
use hwcloud_transport::model::lenient as de;
use hwcloud_transport::open_enum;

// ---------------------------------------------------------------------------------------------------------------
// Enumerations

open_enum! {
    /// State of a build instance or of one of its phases (`build_state`, `state`). Union of the values of all
    /// pages (0220, 0269, 0270, 0333).
    pub enum BuildState {
        /// Created, not started.
        NotStarted => "NotStarted",
        /// Waiting for a builder.
        Queuing => "Queuing",
        /// Building.
        Building => "Building",
        /// Pushing the artefact/image.
        Pushing => "Pushing",
        /// Finished successfully.
        Successful => "Successful",
        /// Finished with a failure.
        Failed => "Failed",
        /// Ran out of time.
        Timeout => "Timeout",
        /// Cancelled by a user.
        Cancel => "Cancel",
        /// Deleted.
        Deleted => "Deleted",
    }
}

impl BuildState {
    /// True when the state will not change any more.
    pub fn is_final(&self) -> bool {
        match self {
            Self::Successful | Self::Failed | Self::Timeout | Self::Cancel | Self::Deleted => true,
            Self::NotStarted | Self::Queuing | Self::Building | Self::Pushing => false,
            Self::Unknown(s) => matches!(
                s.to_ascii_lowercase().as_str(),
                "successful"
                    | "success"
                    | "failed"
                    | "timeout"
                    | "cancel"
                    | "canceled"
                    | "cancelled"
                    | "deleted"
            ),
        }
    }
}

open_enum! {
    /// Name of a build phase (0220).
    pub enum PhaseName {
        /// Initialisation.
        Init => "Init",
        /// Source download.
        Download => "Download",
        /// Pre-processing.
        PreProcess => "PreProcess",
        /// Build.
        Build => "Build",
        /// Artefact production.
        Artifact => "Artifact",
        /// Post-processing.
        PostProcess => "PostProcess",
    }
}

open_enum! {
    /// Source repository type (`repo_type`). The pages spell GitLab two ways, and the seed example returns the
    /// undocumented `BinObs`; both spellings are distinct variants so values round-trip exactly
    /// (see [`RepoType::is_gitlab`]).
    pub enum RepoType {
        /// CodeArts Repo / artifact repository.
        DevCloud => "DevCloud",
        /// Gitee.
        Gitee => "Gitee",
        /// GitHub.
        GitHub => "GitHub",
        /// GitHub, spelled `Github` (create-job docs).
        Github => "Github",
        /// GitLab.
        GitLab => "GitLab",
        /// GitLab, spelled `Gitlab` (en pages).
        Gitlab => "Gitlab",
        /// Bitbucket.
        Bitbucket => "Bitbucket",
        /// A binary package in OBS (seen in the cancel example, undocumented).
        BinObs => "BinObs",
    }
}

impl RepoType {
    /// True for either GitLab spelling.
    pub fn is_gitlab(&self) -> bool {
        matches!(self, Self::GitLab | Self::Gitlab)
    }
    /// True for either GitHub spelling.
    pub fn is_github(&self) -> bool {
        matches!(self, Self::GitHub | Self::Github)
    }
}

open_enum! {
    /// How a build was triggered (`type`): `auto` and `user` on 0270, `user` and `system` on 0269.
    pub enum BuildType {
        /// Triggered automatically.
        Auto => "auto",
        /// Started by a user.
        User => "user",
        /// Started by the system.
        System => "system",
    }
}

open_enum! {
    /// Build architecture (`os.arch`, `build_os.arch`).
    pub enum Arch {
        /// x86-64.
        X86_64 => "x86_64",
        /// 64-bit ARM.
        Aarch64 => "aarch64",
    }
}

/// Code-check tool of the phase-info query (0271). A closed enum: the service documents exactly these three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskName {
    /// FindBugs.
    Findbugs,
    /// PMD.
    Pmd,
    /// Checkstyle.
    Checkstyle,
}

impl TaskName {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Findbugs => "findbugs",
            Self::Pmd => "pmd",
            Self::Checkstyle => "checkstyle",
        }
    }
}

impl std::fmt::Display for TaskName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field documented as a string that the service returns as an object (`swr_repository`, `swr_repo_page`:
/// a map of id → image reference / URL in the seed example).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum StringOrMap {
    /// The documented form.
    String(String),
    /// The observed form: id → value.
    Map(BTreeMap<String, String>),
    /// Anything else, kept verbatim.
    Other(serde_json::Value),
}

impl StringOrMap {
    /// All values: the string itself, or the map's values in key order.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Self::String(s) => vec![s.as_str()],
            Self::Map(m) => m.values().map(String::as_str).collect(),
            Self::Other(_) => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Build instances

/// Repository details of a build (`code_repo_anatomy`, may be `null`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CodeRepoAnatomy {
    /// Repository name.
    #[serde(default)]
    pub name: Option<String>,
    /// Download URL of the binary package; the wire key is camelCase `archiveURL`.
    #[serde(default, rename = "archiveURL", alias = "archive_url")]
    pub archive_url: Option<String>,
}

/// Operating system of a build (`os`, `build_os`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildOs {
    /// `x86_64` or `aarch64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<Arch>,
}

impl BuildOs {
    /// An OS with the given architecture.
    pub fn new(arch: Arch) -> Self {
        Self { arch: Some(arch) }
    }
}

/// A build instance (details 0269, cancel 0270 — the seed's shape).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildInstance {
    /// Build id.
    #[serde(default)]
    pub build_id: Option<String>,
    /// Job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Job name (may be `""`).
    #[serde(default)]
    pub job_name: Option<String>,
    /// Enterprise project id (may be `""`).
    #[serde(default)]
    pub enterprise_project_id: Option<String>,
    /// Index of the build within its job (a string on 0269, a number elsewhere; both accepted).
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub index: Option<i64>,
    /// Start time.
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    /// End time (`""` while running).
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    /// State.
    #[serde(default)]
    pub build_state: Option<BuildState>,
    /// Repository type.
    #[serde(default)]
    pub repo_type: Option<RepoType>,
    /// Repository access address.
    #[serde(default)]
    pub repo_endpoint: Option<String>,
    /// Repository web address.
    #[serde(default)]
    pub repo_web_url: Option<String>,
    /// Repository address, e.g. `obs://demo/MainLoop.jar`.
    #[serde(default)]
    pub repo: Option<String>,
    /// Branch.
    #[serde(default)]
    pub branch: Option<String>,
    /// Commit id.
    #[serde(default)]
    pub commit_id: Option<String>,
    /// Committer.
    #[serde(default)]
    pub committer: Option<String>,
    /// Commit time.
    #[serde(default)]
    pub commit_time: Option<Timestamp>,
    /// Commit comment.
    #[serde(default)]
    pub commit_comment: Option<String>,
    /// Language, e.g. `java`.
    #[serde(default)]
    pub language: Option<String>,
    /// Archived image(s): documented as a string, returned as a map.
    #[serde(default)]
    pub swr_repository: Option<StringOrMap>,
    /// Image page URL(s): documented as a string, returned as a map.
    #[serde(default)]
    pub swr_repo_page: Option<StringOrMap>,
    /// Archive details (unspecified object).
    #[serde(default)]
    pub archive_result: Option<serde_json::Value>,
    /// Base image.
    #[serde(default)]
    pub base_image: Option<String>,
    /// Mounted relative path.
    #[serde(default)]
    pub seccomp_path: Option<String>,
    /// `auto`, `user` or `system`.
    #[serde(default, rename = "type")]
    pub build_type: Option<BuildType>,
    /// Creator.
    #[serde(default)]
    pub creator: Option<String>,
    /// Repository details (often `null`).
    #[serde(default)]
    pub code_repo_anatomy: Option<CodeRepoAnatomy>,
    /// Operating system.
    #[serde(default)]
    pub os: Option<BuildOs>,
}

impl BuildInstance {
    /// True when the build will not change any more.
    pub fn is_final(&self) -> bool {
        self.build_state.as_ref().is_some_and(BuildState::is_final)
    }
}

/// Answer of "start a build" (0333).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StartedBuild {
    /// Build id.
    #[serde(default)]
    pub build_id: Option<String>,
    /// Job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Job name.
    #[serde(default)]
    pub job_name: Option<String>,
    /// Index of the build within its job.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub index: Option<i64>,
    /// Start time.
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    /// End time (`""` while running).
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    /// Duration in seconds.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub duration: Option<i64>,
    /// State.
    #[serde(default)]
    pub state: Option<BuildState>,
    /// Progress.
    #[serde(default)]
    pub progress: Option<f64>,
    /// Commit id.
    #[serde(default)]
    pub commit_id: Option<String>,
    /// Committer.
    #[serde(default)]
    pub committer: Option<String>,
}

/// Answer of "create a build job instance" (0274). `started_at`/`ended_at` are documented as objects there and
/// strings elsewhere; [`Timestamp`] accepts both (an object keeps its JSON text in `raw`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedBuildInstance {
    /// Build id.
    #[serde(default)]
    pub build_id: Option<String>,
    /// Job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Job name.
    #[serde(default)]
    pub job_name: Option<String>,
    /// Index of the build within its job.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub index: Option<i64>,
    /// Start time.
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    /// End time.
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
}

/// One build in a job's instance list (0219).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildSummary {
    /// Build id.
    #[serde(default)]
    pub build_id: Option<String>,
    /// State (`Cancel`, `Failed`, `Successful`, `Timeout`, …).
    #[serde(default)]
    pub build_state: Option<BuildState>,
    /// Duration in seconds.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub duration: Option<i64>,
}

/// A job's build instances (0219).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildList {
    /// Builds of this page.
    #[serde(default, deserialize_with = "de::null_default")]
    pub list: Vec<BuildSummary>,
    /// Total number of builds.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub total: Option<i64>,
    /// Start position.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub page: Option<i64>,
    /// Page size.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub per_page: Option<i64>,
    /// Number of finished builds.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub finished: Option<i64>,
    /// Number of successful builds.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub successful: Option<i64>,
}

/// One phase of a build (0220).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Phase {
    /// Phase id: a string in the table, a number in the example; kept as text either way.
    #[serde(default, deserialize_with = "de::opt_string_lenient")]
    pub id: Option<String>,
    /// Phase name.
    #[serde(default)]
    pub name: Option<PhaseName>,
    /// Phase state.
    #[serde(default)]
    pub state: Option<BuildState>,
}

/// The phases of a build (0220).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhaseList {
    /// Phases in order.
    #[serde(default, deserialize_with = "de::null_default")]
    pub list: Vec<Phase>,
    /// Number of phases.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub total: Option<i64>,
}

/// One chunk of a build's log (0221).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildLog {
    /// Log text from the requested offset.
    #[serde(default, deserialize_with = "de::null_default")]
    pub buildlog: String,
    /// End offset: pass it as the next `from`.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub next: Option<i64>,
    /// Comma-joined phase states.
    #[serde(default)]
    pub phase_states: Option<String>,
    /// Comma-joined phase names.
    #[serde(default)]
    pub phases: Option<String>,
}

impl BuildLog {
    /// `phase_states` split and parsed.
    pub fn phase_state_list(&self) -> Vec<BuildState> {
        split_list(self.phase_states.as_deref())
            .map(BuildState::from_wire)
            .collect()
    }
    /// `phases` split and parsed.
    pub fn phase_list(&self) -> Vec<PhaseName> {
        split_list(self.phases.as_deref())
            .map(PhaseName::from_wire)
            .collect()
    }
}

fn split_list(s: Option<&str>) -> impl Iterator<Item = &str> {
    s.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Phase (code-check) information (0271): the object of the requested tool; content unspecified by the docs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhaseInfo {
    /// Checkstyle details.
    #[serde(default)]
    pub checkstyle: Option<serde_json::Value>,
    /// PMD details.
    #[serde(default)]
    pub pmd: Option<serde_json::Value>,
    /// FindBugs details.
    #[serde(default)]
    pub findbugs: Option<serde_json::Value>,
}

/// Error count of one build (0332).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CountInfo {
    /// Build id.
    #[serde(default)]
    pub build_id: Option<String>,
    /// Build order.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub build_order: Option<i64>,
    /// Number of errors.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub total_count: Option<i64>,
}

/// `checkstyle.static` of 0332.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StaticResult {
    /// Error counts per build.
    #[serde(default, deserialize_with = "de::null_default")]
    pub count_info: Vec<CountInfo>,
}

/// `checkstyle` of 0332.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CheckResult {
    /// Static-check results.
    #[serde(default, rename = "static")]
    pub static_check: Option<StaticResult>,
}

/// Build (code check) results (0332).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildResults {
    /// Checkstyle results.
    #[serde(default)]
    pub checkstyle: Option<CheckResult>,
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs

/// One build job in the job list (0218).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobSummary {
    /// Job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Job name.
    #[serde(default)]
    pub job_name: Option<String>,
}

/// A page of build jobs (0218).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobList {
    /// Jobs of this page.
    #[serde(default, deserialize_with = "de::null_default")]
    pub list: Vec<JobSummary>,
    /// Total number of jobs.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub total: Option<i64>,
    /// Page index.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub page: Option<i64>,
    /// Page size.
    #[serde(default, deserialize_with = "de::opt_i64_lenient")]
    pub per_page: Option<i64>,
}

/// Where the builder runs (`environment_setting`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EnvironmentSetting {
    /// Docker version used for the build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_version: Option<String>,
    /// CCE cluster id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// Build on the public cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_public_cluster: Option<bool>,
    /// CCE cluster name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// Build OS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_os: Option<BuildOs>,
}

impl EnvironmentSetting {
    /// The public cluster on `arch`.
    pub fn public_cluster(arch: Arch) -> Self {
        Self {
            use_public_cluster: Some(true),
            build_os: Some(BuildOs::new(arch)),
            ..Self::default()
        }
    }
    /// A CCE cluster by id.
    pub fn cluster(cluster_id: impl Into<String>) -> Self {
        Self {
            use_public_cluster: Some(false),
            cluster_id: Some(cluster_id.into()),
            ..Self::default()
        }
    }
    /// Sets the Docker version.
    pub fn docker_version(mut self, version: impl Into<String>) -> Self {
        self.docker_version = Some(version.into());
        self
    }
    /// Sets the cluster name.
    pub fn cluster_name(mut self, name: impl Into<String>) -> Self {
        self.cluster_name = Some(name.into());
        self
    }
    /// Sets the build OS architecture.
    pub fn arch(mut self, arch: Arch) -> Self {
        self.build_os = Some(BuildOs::new(arch));
        self
    }
}

/// Source repository of a job (`code_repo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CodeRepo {
    /// Repository type (free text in the docs: `Gitlab`, `Github`, …).
    #[serde(default, rename = "type")]
    pub repo_type: String,
    /// Repository address.
    #[serde(default)]
    pub url: String,
    /// Branch.
    #[serde(default)]
    pub branch: String,
    /// Organisation.
    #[serde(default)]
    pub namespace: String,
}

impl CodeRepo {
    /// A repository; all four fields are required by the service.
    pub fn new(
        repo_type: impl Into<String>,
        url: impl Into<String>,
        branch: impl Into<String>,
        namespace: impl Into<String>,
    ) -> Self {
        Self {
            repo_type: repo_type.into(),
            url: url.into(),
            branch: branch.into(),
            namespace: namespace.into(),
        }
    }
}

/// A build job's specification: body of create (0275) and update (0272), `spec` of job details (0276).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobSpec {
    /// 2–64 letters, digits, `-`, `_`; starts with a letter, ends with a letter or digit.
    #[serde(default)]
    pub job_name: String,
    /// ≤ 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_description: Option<String>,
    /// Where the builder runs (required by the service).
    #[serde(default)]
    pub environment_setting: EnvironmentSetting,
    /// Source repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_repo: Option<CodeRepo>,
    /// Enterprise project id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
}

impl JobSpec {
    /// A job named `job_name` built in `environment_setting`.
    pub fn new(job_name: impl Into<String>, environment_setting: EnvironmentSetting) -> Self {
        Self {
            job_name: job_name.into(),
            environment_setting,
            ..Self::default()
        }
    }
    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.job_description = Some(text.into());
        self
    }
    /// Sets the source repository.
    pub fn code_repo(mut self, repo: CodeRepo) -> Self {
        self.code_repo = Some(repo);
        self
    }
    /// Sets the enterprise project.
    pub fn enterprise_project_id(mut self, id: impl Into<String>) -> Self {
        self.enterprise_project_id = Some(id.into());
        self
    }
}

/// Build job details (0276).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobDetails {
    /// Job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Enterprise project id.
    #[serde(default)]
    pub enterprise_project_id: Option<String>,
    /// Creator (an object per the docs; any JSON accepted).
    #[serde(default)]
    pub creator: Option<serde_json::Value>,
    /// The job's specification.
    #[serde(default)]
    pub spec: Option<JobSpec>,
    /// Id of the last build.
    #[serde(default)]
    pub last_build_id: Option<String>,
}

/// Query of "list build jobs" (0218).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListJobsQuery {
    /// Page index (from 1).
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Only jobs of this component name.
    pub job_name: Option<String>,
}

impl ListJobsQuery {
    /// Page `page` of `per_page` jobs.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page,
            per_page,
            job_name: None,
        }
    }
    /// Filters by job (component) name.
    pub fn job_name(mut self, name: impl Into<String>) -> Self {
        self.job_name = Some(name.into());
        self
    }
}

impl Default for ListJobsQuery {
    /// First page of 20.
    fn default() -> Self {
        Self::new(1, 20)
    }
}

/// Query of "list a job's build instances" (0219).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListBuildsQuery {
    /// Job name (required, sent as `?name=`).
    pub name: String,
    /// Page index; undocumented as a query parameter, sent only when set.
    pub page: Option<u32>,
    /// Page size; undocumented as a query parameter, sent only when set.
    pub per_page: Option<u32>,
}

impl ListBuildsQuery {
    /// All builds of the job named `name` (no paging parameters sent).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            page: None,
            per_page: None,
        }
    }
    /// Requests page `page` of `per_page` builds.
    pub fn page(mut self, page: u32, per_page: u32) -> Self {
        self.page = Some(page);
        self.per_page = Some(per_page);
        self
    }
}

/// Body of "create a build job instance" (0274).
#[derive(Serialize)]
pub(crate) struct CreateInstanceBody<'a> {
    pub(crate) name: &'a str,
}
