//! A local Huawei Cloud for tests, demos and CI: IAM, CodeArts Build and ServiceStage assembling
//! behind one API-gateway-like listener that checks AK/SK signatures and tokens, keeps jobs and
//! builds in memory, injects seeded faults and journals every request.
//!
//! ```
//! use hwcloud_auth::{AccessKeyCredentials, Signer};
//! use hwcloud_emulator::{Emulator, EmulatorConfig, FaultPlan, Verdict, demo};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(EmulatorConfig {
//!     faults: FaultPlan::parse("POST /v3/jobs/build=503x1")?,
//!     ..EmulatorConfig::default()
//! })
//! .await?;
//! let credentials = AccessKeyCredentials::new(demo::ACCESS_KEY, demo::SECRET_KEY);
//! let client = reqwest::Client::new();
//! // RunJob, retried once after the injected 503.
//! for _attempt in 0..2 {
//!     let mut request = http::Request::post(format!("{}/v3/jobs/build", emulator.base_url()))
//!         .header("content-type", "application/json")
//!         .header("x-project-id", demo::PROJECT_ID)
//!         .body(format!(r#"{{"job_id":"{}"}}"#, demo::CODEARTSBUILD_JOB_ID).into_bytes())?;
//!     Signer::default().sign(&mut request, &credentials)?;
//!     let response = client.execute(reqwest::Request::try_from(request)?).await?;
//!     if response.status() != 503 {
//!         assert_eq!(response.status(), 200);
//!         break;
//!     }
//! }
//! let journal = emulator.journal();
//! assert_eq!(journal.len(), 2);
//! assert_eq!(journal[0].verdict, Verdict::Faulted { fault: "503".into() });
//! assert_eq!(journal[1].operation.as_deref(), Some("RunJob"));
//! assert_eq!(emulator.codeartsbuild_build_count(demo::CODEARTSBUILD_JOB_ID), Some(1));
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! The response bodies are built from the documented examples, independently of the SDK's models.

mod codeartsbuild;
mod fault;
mod gateway;
mod iam;
mod ids;
mod journal;
mod query;
mod server;
mod servicestage;
mod state;
mod sync;
mod wire_time;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use hwcloud_auth::{AccessKeyCredentials, SecretString};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use fault::{Fault, FaultPlan, FaultRule, FaultSpecError, Frequency, RouteMatch};
pub use journal::{JournalEntry, Verdict};
pub use state::TokenScope;

use crate::fault::FaultState;
use crate::state::{CbJob, SsJob, State, TempKey, TokenInfo};
use crate::sync::lock;

/// The emulator's demo account. These values are emulator-only (they are not the documented example
/// keys of Huawei's signing guide) and are accepted by a default [`EmulatorConfig`].
pub mod demo {
    /// Demo access key id.
    pub const ACCESS_KEY: &str = "HWEMULATORDEMOAK0001";
    /// Demo secret access key.
    pub const SECRET_KEY: &str = "EmulatorDemoSecretKey0000000000000000001";
    /// Demo IAM project id (32 hex), the project named [`REGION`].
    pub const PROJECT_ID: &str = "1345d2cce8038a39d5e0853964b50af0";
    /// Demo account (domain) name.
    pub const DOMAIN_NAME: &str = "hwcloud-emulator";
    /// Demo account (domain) id.
    pub const DOMAIN_ID: &str = "3b971722f244f58d669cbee3772a0770";
    /// Demo IAM user name.
    pub const USER_NAME: &str = "demo-user";
    /// Demo IAM user password.
    pub const PASSWORD: &str = "Demo-Passw0rd!";
    /// Demo IAM user id (used by the `totp` method).
    pub const USER_ID: &str = "21721a278f64f7fd633dbdde131ca376";
    /// The virtual-MFA passcode the emulator accepts for every user (`password` + `totp` method).
    pub const TOTP_PASSCODE: &str = "123456";
    /// The agency that `assume_role` tokens and temporary credentials may use.
    pub const AGENCY_NAME: &str = "demo-agency";
    /// The emulated region; also the name of the demo project.
    pub const REGION: &str = "cn-north-4";
    /// CodeArts project id (32 `[0-9a-z]`) that holds every CodeArts Build task.
    pub const CODEARTS_PROJECT_ID: &str = "hzek3e2kph4dkdvpt9g8fzygrpne8wv5";
    /// Demo CodeArts Build task id (32 `[0-9a-z]`).
    pub const CODEARTSBUILD_JOB_ID: &str = "ty7o5zinc42ei5e6ohtnanmdh4ayfato";
    /// Name of the demo CodeArts Build task.
    pub const CODEARTSBUILD_JOB_NAME: &str = "demo-build-task";
    /// Demo ServiceStage build job id (40 `[0-9a-z]`).
    pub const SERVICESTAGE_JOB_ID: &str = "71hfe86y5r215dew1zcyqesh0arlh9dl65o6mmg2";
    /// Name of the demo ServiceStage build job.
    pub const SERVICESTAGE_JOB_NAME: &str = "demo-assembling-job";
}

/// How to start an emulator. `Default` = the [`demo`] account on `127.0.0.1:0`.
///
/// `Debug` shows access key ids and user names but never the secret keys or passwords.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Accepted permanent `(AK, SK)` pairs.
    pub access_keys: Vec<(String, String)>,
    /// The IAM project id (the project named [`demo::REGION`]).
    pub project_id: String,
    /// `(user name, password)` pairs that may obtain tokens.
    pub users: Vec<(String, String)>,
    /// The account (domain) name.
    pub domain: String,
    /// CodeArts Build task ids created at start.
    pub codeartsbuild_jobs: Vec<String>,
    /// ServiceStage build job ids created at start.
    pub servicestage_jobs: Vec<String>,
    /// Faults to inject from the start.
    pub faults: FaultPlan,
    /// Seed of the fault RNG and of generated job, build and record ids (request ids, tokens and
    /// temporary keys are random on every run).
    pub seed: u64,
    /// How long a build spends in each state step (queued, then two running steps).
    pub build_step: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            access_keys: vec![(demo::ACCESS_KEY.into(), demo::SECRET_KEY.into())],
            project_id: demo::PROJECT_ID.into(),
            users: vec![(demo::USER_NAME.into(), demo::PASSWORD.into())],
            domain: demo::DOMAIN_NAME.into(),
            codeartsbuild_jobs: vec![demo::CODEARTSBUILD_JOB_ID.into()],
            servicestage_jobs: vec![demo::SERVICESTAGE_JOB_ID.into()],
            faults: FaultPlan::none(),
            seed: 0,
            build_step: Duration::from_secs(1),
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let aks: Vec<&str> = self.access_keys.iter().map(|(ak, _)| ak.as_str()).collect();
        let users: Vec<&str> = self.users.iter().map(|(u, _)| u.as_str()).collect();
        f.debug_struct("EmulatorConfig")
            .field("listen", &self.listen)
            .field("access_keys", &aks)
            .field("project_id", &self.project_id)
            .field("users", &users)
            .field("domain", &self.domain)
            .field("codeartsbuild_jobs", &self.codeartsbuild_jobs)
            .field("servicestage_jobs", &self.servicestage_jobs)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("build_step", &self.build_step)
            .finish()
    }
}

/// State shared by every connection. `Debug` shows only the address: the state holds live tokens.
pub(crate) struct Shared {
    pub(crate) keys: HashMap<String, SecretString>,
    pub(crate) users: Vec<(String, SecretString)>,
    /// Who owns what the emulator makes outside a request (seed jobs, tokens and keys issued by the
    /// `Emulator` API): the first configured user, else the demo user.
    pub(crate) first_user: String,
    pub(crate) project_id: String,
    pub(crate) domain: String,
    pub(crate) build_step: Duration,
    pub(crate) seed: u64,
    pub(crate) addr: SocketAddr,
    pub(crate) clock_offset: AtomicI64,
    /// How far build time has been advanced by [`Emulator::advance_builds`], in nanoseconds.
    pub(crate) build_advance: AtomicU64,
    pub(crate) state: Mutex<State>,
    pub(crate) journal: Mutex<journal::Journal>,
    pub(crate) faults: Mutex<FaultState>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// The gateway's clock (wall clock plus the configured offset).
    pub(crate) fn now(&self) -> SystemTime {
        wire_time::offset_time(SystemTime::now(), self.clock_offset.load(Ordering::Relaxed))
    }

    /// The clock builds progress by: monotonic time plus what tests advanced it by.
    pub(crate) fn build_instant(&self) -> Instant {
        let advance = Duration::from_nanos(self.build_advance.load(Ordering::Relaxed));
        let now = Instant::now();
        now.checked_add(advance).unwrap_or(now)
    }

    /// The user id of a configured user.
    pub(crate) fn user_id(name: &str) -> String {
        if name == demo::USER_NAME {
            demo::USER_ID.to_owned()
        } else {
            ids::derived_hex_id(name)
        }
    }

    /// Issues a token; returns its value.
    pub(crate) fn issue_token(&self, info: TokenInfo) -> String {
        let mut st = lock(&self.state);
        let token = format!(
            "MIIEmu{}",
            st.random.pick(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                180
            )
        );
        st.tokens.insert(token.clone(), info);
        token
    }

    /// Issues temporary credentials for `user_name`.
    pub(crate) fn issue_temp_key(
        &self,
        user_name: &str,
        expires_at: SystemTime,
    ) -> (String, SecretString, SecretString) {
        let mut st = lock(&self.state);
        let ak = st.random.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20);
        let sk = SecretString::new(st.random.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            40,
        ));
        let token = SecretString::new(format!(
            "gQpjbi1ub3J0aC00{}",
            st.random.pick(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                400
            )
        ));
        st.temp_keys.insert(
            ak.clone(),
            TempKey {
                secret: sk.clone(),
                security_token: token.clone(),
                expires_at,
                user_name: user_name.to_owned(),
            },
        );
        (ak, sk, token)
    }
}

/// A running emulator. Dropping it stops the listener; [`Emulator::shutdown`] also waits for it.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.listen` and starts serving on the current Tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let mut state = State::new(config.seed);
        let created = SystemTime::now();
        for (i, id) in config.codeartsbuild_jobs.iter().enumerate() {
            let name = if id == demo::CODEARTSBUILD_JOB_ID {
                demo::CODEARTSBUILD_JOB_NAME.to_owned()
            } else {
                format!("build-task-{}", i + 1)
            };
            state.cb_jobs.insert(
                id.clone(),
                CbJob {
                    id: id.clone(),
                    name,
                    created_at: created,
                    builds: Vec::new(),
                },
            );
        }
        let first_user = config
            .users
            .first()
            .map(|(u, _)| u.clone())
            .unwrap_or_else(|| demo::USER_NAME.to_owned());
        for (i, id) in config.servicestage_jobs.iter().enumerate() {
            let name = if id == demo::SERVICESTAGE_JOB_ID {
                demo::SERVICESTAGE_JOB_NAME.to_owned()
            } else {
                format!("assembling-job-{}", i + 1)
            };
            state.ss_jobs.insert(
                id.clone(),
                SsJob {
                    id: id.clone(),
                    spec: servicestage::default_spec(&name),
                    name,
                    enterprise_project_id: "0".into(),
                    creator: first_user.clone(),
                    builds: Vec::new(),
                },
            );
        }
        let shared = Arc::new(Shared {
            keys: config
                .access_keys
                .iter()
                .map(|(ak, sk)| (ak.clone(), SecretString::new(sk.clone())))
                .collect(),
            users: config
                .users
                .iter()
                .map(|(u, p)| (u.clone(), SecretString::new(p.clone())))
                .collect(),
            first_user,
            project_id: config.project_id.clone(),
            domain: config.domain.clone(),
            build_step: config.build_step,
            seed: config.seed,
            addr,
            clock_offset: AtomicI64::new(0),
            build_advance: AtomicU64::new(0),
            state: Mutex::new(state),
            journal: Mutex::new(journal::Journal::default()),
            faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
        });
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), rx));
        Ok(Emulator {
            shared,
            shutdown: tx,
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// `http://HOST:PORT`, the endpoint override for every client (IAM, CodeArts Build, ServiceStage).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// Every request received so far, in order (the most recent 100 000; bodies over 1 MiB are cut).
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.shared.journal).entries()
    }

    /// Forgets the journal.
    pub fn clear_journal(&self) {
        lock(&self.shared.journal).clear();
    }

    /// Replaces the fault plan; counters restart and the RNG is re-seeded with the configured seed,
    /// so installing the same plan twice replays the same decisions for the same requests.
    pub fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.shared.faults) = FaultState::new(plan, self.shared.seed);
    }

    /// Makes every token and temporary credential issued so far expired (`token expires, expires_at: …`).
    /// Tokens issued afterwards are valid again.
    pub fn expire_tokens(&self) {
        let past = self.shared.now() - Duration::from_secs(1);
        let mut st = lock(&self.shared.state);
        st.tokens.values_mut().for_each(|t| t.expires_at = past);
        st.temp_keys.values_mut().for_each(|t| t.expires_at = past);
    }

    /// Moves the gateway's clock `secs` ahead (negative: behind) of the wall clock. It applies to
    /// signature-time checks, the `Date` header and times in response bodies.
    pub fn set_clock_offset(&self, secs: i64) {
        self.shared.clock_offset.store(secs, Ordering::Relaxed);
    }

    /// Moves every build forward by `by`, as if that much time had passed (wall-clock times in
    /// responses do not move). With a long `build_step` this makes build-state tests exact:
    /// start a build, `advance_builds(step)`, and it is running.
    pub fn advance_builds(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .shared
            .build_advance
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
                Some(v.saturating_add(nanos))
            });
    }

    /// The gateway's current time.
    pub fn now(&self) -> SystemTime {
        self.shared.now()
    }

    /// Issues a 24-hour token for the first configured user, as `POST /v3/auth/tokens` would.
    pub fn issue_token(&self, scope: TokenScope) -> SecretString {
        let user = self.shared.first_user.clone();
        let now = self.shared.now();
        SecretString::new(self.shared.issue_token(TokenInfo {
            user_id: Shared::user_id(&user),
            user_name: user,
            scope,
            issued_at: now,
            expires_at: now + iam::TOKEN_LIFETIME,
            assumed_by: None,
        }))
    }

    /// Issues temporary AK/SK + security token valid for `duration`, as the securitytokens API would.
    pub fn issue_temporary_credentials(&self, duration: Duration) -> AccessKeyCredentials {
        let expires_at = self.shared.now() + duration;
        let (ak, sk, token) = self
            .shared
            .issue_temp_key(&self.shared.first_user, expires_at);
        AccessKeyCredentials::new(ak, sk)
            .with_security_token(token)
            .with_expiry(expires_at)
    }

    /// Number of builds started so far of a CodeArts Build task (`None` if the task does not exist).
    pub fn codeartsbuild_build_count(&self, job_id: &str) -> Option<usize> {
        lock(&self.shared.state)
            .cb_jobs
            .get(job_id)
            .map(|j| j.builds.len())
    }

    /// Number of builds started so far of a ServiceStage job (`None` if the job does not exist).
    pub fn servicestage_build_count(&self, job_id: &str) -> Option<usize> {
        lock(&self.shared.state)
            .ss_jobs
            .get(job_id)
            .map(|j| j.builds.len())
    }

    /// Stops accepting connections, closes open ones, and waits for the listener task to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_debug_hides_secrets() {
        let shown = format!("{:?}", EmulatorConfig::default());
        assert!(shown.contains(demo::ACCESS_KEY) && shown.contains(demo::USER_NAME));
        assert!(!shown.contains(demo::SECRET_KEY) && !shown.contains(demo::PASSWORD));
    }
}
