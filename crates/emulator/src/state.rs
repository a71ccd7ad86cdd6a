//! In-memory state: tokens, temporary keys, jobs and builds.
//!
//! Builds advance lazily: their state is computed from the time elapsed since they started and the
//! configured build step, so no background task is needed.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime};

use hwcloud_auth::SecretString;
use serde_json::Value;

use crate::ids::Ids;

/// The scope of an IAM token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenScope {
    /// Scoped to the emulator's project (region-level services such as CodeArts Build accept it).
    Project,
    /// Scoped to the account (global services only).
    Domain,
}

/// An issued token.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub(crate) user_name: String,
    pub(crate) user_id: String,
    pub(crate) scope: TokenScope,
    pub(crate) issued_at: SystemTime,
    pub(crate) expires_at: SystemTime,
    /// Agency tokens: the user who assumed the role.
    pub(crate) assumed_by: Option<(String, String)>,
}

/// Issued temporary credentials.
#[derive(Debug, Clone)]
pub(crate) struct TempKey {
    pub(crate) secret: SecretString,
    pub(crate) security_token: SecretString,
    pub(crate) expires_at: SystemTime,
    /// Who asked for them.
    pub(crate) user_name: String,
}

/// A CodeArts Build task.
#[derive(Debug)]
pub(crate) struct CbJob {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: SystemTime,
    pub(crate) builds: Vec<CbBuild>,
}

/// Where a CodeArts build is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CbPhase {
    Queued,
    Running,
    Success,
    Aborted,
}

impl CbPhase {
    pub(crate) fn is_running(self) -> bool {
        matches!(self, CbPhase::Queued | CbPhase::Running)
    }

    /// The lower-case status word used by the v1/v3 status APIs.
    pub(crate) fn word(self) -> &'static str {
        match self {
            CbPhase::Queued => "queued",
            CbPhase::Running => "running",
            CbPhase::Success => "success",
            CbPhase::Aborted => "aborted",
        }
    }
}

/// One run of a CodeArts Build task.
#[derive(Debug)]
pub(crate) struct CbBuild {
    pub(crate) build_no: u32,
    pub(crate) record_id: String,
    pub(crate) octopus_job_name: String,
    pub(crate) daily_build_number: String,
    pub(crate) parameters: BTreeMap<String, String>,
    pub(crate) started: Instant,
    pub(crate) started_at: SystemTime,
    /// When it was stopped (elapsed since start), if it was stopped before finishing.
    pub(crate) stopped_after: Option<Duration>,
    pub(crate) user: String,
}

/// Number of build steps a CodeArts build spends running (after one queued step).
pub(crate) const CB_RUNNING_STEPS: u32 = 2;
/// Log lines a CodeArts build writes (header, progress lines and a result line).
const CB_LOG_LINES: usize = 12;

impl CbBuild {
    fn elapsed(&self, now: Instant) -> Duration {
        let e = now.saturating_duration_since(self.started);
        match self.stopped_after {
            Some(s) => e.min(s),
            None => e,
        }
    }

    /// The build's phase at `now`.
    pub(crate) fn phase(&self, now: Instant, step: Duration) -> CbPhase {
        let e = self.elapsed(now);
        let natural = if e < step {
            CbPhase::Queued
        } else if e < step.saturating_mul(1 + CB_RUNNING_STEPS) {
            CbPhase::Running
        } else {
            CbPhase::Success
        };
        match (self.stopped_after, natural) {
            (Some(_), p) if p.is_running() => CbPhase::Aborted,
            (_, p) => p,
        }
    }

    /// Total duration until finished (ms), or until now while running.
    pub(crate) fn duration_ms(&self, now: Instant, step: Duration) -> u64 {
        let total = step.saturating_mul(1 + CB_RUNNING_STEPS);
        let e = self.elapsed(now);
        e.min(total).as_millis() as u64
    }

    /// When it finished (wall clock), if it did.
    pub(crate) fn finished_at(&self, now: Instant, step: Duration) -> Option<SystemTime> {
        if self.phase(now, step).is_running() {
            return None;
        }
        self.started_at
            .checked_add(Duration::from_millis(self.duration_ms(now, step)))
    }

    /// The log written so far: grows with the elapsed steps, ends with a result line.
    pub(crate) fn log(&self, now: Instant, step: Duration, job_name: &str) -> String {
        let phase = self.phase(now, step);
        let all = CB_LOG_LINES - 1;
        let shown = match phase {
            CbPhase::Queued => 1,
            CbPhase::Success => all,
            CbPhase::Running | CbPhase::Aborted => {
                let e = self.elapsed(now).saturating_sub(step);
                let per_line = step.saturating_mul(CB_RUNNING_STEPS) / all as u32;
                let n = if per_line.is_zero() {
                    all
                } else {
                    (e.as_nanos() / per_line.as_nanos().max(1)) as usize + 1
                };
                n.clamp(1, all)
            }
        };
        let mut out = String::new();
        for i in 0..shown {
            let line = match i {
                0 => format!(
                    "[INFO] build #{} of task {job_name} queued on executor {}\n",
                    self.build_no, self.octopus_job_name
                ),
                1 => "[INFO] checking out the code repository\n".to_owned(),
                n if n + 1 == all => {
                    "[INFO] uploading build artifacts to the release repo\n".to_owned()
                }
                n => format!("[INFO] build step {n}: compiling module-{n}\n"),
            };
            out.push_str(&line);
        }
        match phase {
            CbPhase::Success => out.push_str("[INFO] BUILD SUCCESS\n"),
            CbPhase::Aborted => out.push_str("[WARN] build aborted by user\n"),
            _ => {}
        }
        out
    }
}

/// A ServiceStage build job.
#[derive(Debug)]
pub(crate) struct SsJob {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) spec: Value,
    pub(crate) enterprise_project_id: String,
    pub(crate) creator: String,
    pub(crate) builds: Vec<String>,
}

/// A ServiceStage build instance.
#[derive(Debug)]
pub(crate) struct SsBuild {
    pub(crate) id: String,
    pub(crate) job_id: String,
    pub(crate) index: u32,
    pub(crate) started: Instant,
    pub(crate) started_at: SystemTime,
    pub(crate) canceled_after: Option<Duration>,
    pub(crate) creator: String,
    pub(crate) phase_base_id: u64,
}

/// ServiceStage build phase names, in order.
pub(crate) const SS_PHASES: [&str; 6] = [
    "Init",
    "Download",
    "PreProcess",
    "Build",
    "Artifact",
    "PostProcess",
];
/// Steps a ServiceStage build spends building (after one queuing step).
pub(crate) const SS_BUILDING_STEPS: u32 = 2;

impl SsBuild {
    fn elapsed(&self, now: Instant) -> Duration {
        let e = now.saturating_duration_since(self.started);
        match self.canceled_after {
            Some(c) => e.min(c),
            None => e,
        }
    }

    fn natural_state(&self, now: Instant, step: Duration) -> &'static str {
        let e = self.elapsed(now);
        if e < step {
            "Queuing"
        } else if e < step.saturating_mul(1 + SS_BUILDING_STEPS) {
            "Building"
        } else {
            "Successful"
        }
    }

    /// `Queuing`, `Building`, `Successful` or `Cancel`.
    pub(crate) fn state(&self, now: Instant, step: Duration) -> &'static str {
        let s = self.natural_state(now, step);
        if self.canceled_after.is_some() && s != "Successful" {
            "Cancel"
        } else {
            s
        }
    }

    pub(crate) fn is_finished(&self, now: Instant, step: Duration) -> bool {
        self.state(now, step) != "Queuing" && self.state(now, step) != "Building"
    }

    /// States of the six phases.
    pub(crate) fn phase_states(&self, now: Instant, step: Duration) -> Vec<&'static str> {
        let state = self.state(now, step);
        let natural = self.natural_state(now, step);
        let current = match natural {
            "Queuing" => 0,
            "Building" => {
                let e = self.elapsed(now).saturating_sub(step);
                let per = step.saturating_mul(SS_BUILDING_STEPS) / SS_PHASES.len() as u32;
                if per.is_zero() {
                    SS_PHASES.len() - 1
                } else {
                    ((e.as_nanos() / per.as_nanos()) as usize).min(SS_PHASES.len() - 1)
                }
            }
            _ => SS_PHASES.len(),
        };
        (0..SS_PHASES.len())
            .map(|i| {
                if i < current {
                    "Successful"
                } else if i == current {
                    match (state, natural) {
                        ("Cancel", _) => "Cancel",
                        (_, "Queuing") => "Queuing",
                        _ => "Building",
                    }
                } else {
                    "NotStarted"
                }
            })
            .collect()
    }

    /// Progress 0.0–1.0.
    pub(crate) fn progress(&self, now: Instant, step: Duration) -> f64 {
        let done = self
            .phase_states(now, step)
            .iter()
            .filter(|s| **s == "Successful")
            .count();
        done as f64 / SS_PHASES.len() as f64
    }

    pub(crate) fn duration_secs(&self, now: Instant, step: Duration) -> u64 {
        self.elapsed(now)
            .min(step.saturating_mul(1 + SS_BUILDING_STEPS))
            .as_secs()
    }

    pub(crate) fn ended_at(&self, now: Instant, step: Duration) -> Option<SystemTime> {
        if !self.is_finished(now, step) {
            return None;
        }
        self.started_at.checked_add(
            self.elapsed(now)
                .min(step.saturating_mul(1 + SS_BUILDING_STEPS)),
        )
    }

    /// The log so far: lines for each phase reached.
    pub(crate) fn log(&self, now: Instant, step: Duration) -> String {
        let mut out = String::from("Starting...\n");
        for (name, state) in SS_PHASES.iter().zip(self.phase_states(now, step)) {
            match state {
                "Successful" => {
                    out.push_str(&format!("[{name}] started\n[{name}] finished\n"));
                }
                "Building" => out.push_str(&format!("[{name}] started\n")),
                "Cancel" => out.push_str(&format!("[{name}] canceled\n")),
                _ => {}
            }
        }
        if self.state(now, step) == "Successful" {
            out.push_str("Build successful.\n");
        }
        out
    }
}

/// Everything mutable. No `Debug`: it holds live tokens.
pub(crate) struct State {
    /// Seeded: job, build and record ids repeat with the seed.
    pub(crate) ids: Ids,
    /// Unseeded: request ids, tokens and temporary keys differ on every run.
    pub(crate) random: Ids,
    pub(crate) tokens: HashMap<String, TokenInfo>,
    pub(crate) temp_keys: HashMap<String, TempKey>,
    pub(crate) cb_jobs: BTreeMap<String, CbJob>,
    pub(crate) ss_jobs: BTreeMap<String, SsJob>,
    pub(crate) ss_builds: HashMap<String, SsBuild>,
    pub(crate) next_phase_id: u64,
}

impl State {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            ids: Ids::new(seed),
            random: Ids::new(fastrand::u64(..)),
            tokens: HashMap::new(),
            temp_keys: HashMap::new(),
            cb_jobs: BTreeMap::new(),
            ss_jobs: BTreeMap::new(),
            ss_builds: HashMap::new(),
            next_phase_id: 1_627_984,
        }
    }

    /// Finds a CodeArts build by record id.
    pub(crate) fn cb_build_by_record(&self, record_id: &str) -> Option<(&CbJob, &CbBuild)> {
        self.cb_jobs.values().find_map(|j| {
            j.builds
                .iter()
                .find(|b| b.record_id == record_id)
                .map(|b| (j, b))
        })
    }
}
