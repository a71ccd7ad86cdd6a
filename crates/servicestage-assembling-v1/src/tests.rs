//! Unit tests: documented examples decode, the mock works, waiters and streams behave.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::StreamExt;

use crate::client::MockServiceStageApi;
use crate::model::*;
use crate::wait::{self, WaitConfig, WaitError};
use crate::{Error, ServiceStageApi};

/// The cancel page's example response (0270, the seed), verbatim.
const CANCEL_EXAMPLE: &str = r#"{
"build_id": "kzqjkrvbglqbczhm82kkjlh0ixe2o2wv8v85fpmv",
"job_id": "qexh8qwfmuvlv1y078delx51vn0tsjsmsb23e0e0",
"job_name": "",
"enterprise_project_id": "",
"index": 4,
"started_at": "2025-11-14 08:00:42 +0000 UTC",
"ended_at": "2025-11-14 08:00:54 +0000 UTC",
"build_state": "Cancel",
"repo_type": "BinObs",
"repo_endpoint": "",
"repo_web_url": "",
"repo": "obs://demo/MainLoop.jar",
"branch": "",
"commit_id": "",
"committer": "",
"commit_time": "",
"commit_comment": "",
"language": "java",
"swr_repository": {
"1754123329469": "test.com/test/test-0802-1:afdafds"
},
"swr_repo_page": {
"1754123329469": "https://test.com/dockyard/v2/domains/paas_servicestage_test/namespaces/test/repositories?repository=test-0802-1&is_public=false&description=&category=other"
},
"archive_result": {},
"base_image": "",
"seccomp_path": "",
"type": "user",
"creator": "paas_servicestage_test",
"code_repo_anatomy": null,
"os": {
"arch": "x86_64"
}
}"#;

#[test]
fn seed_cancel_example_decodes() {
    let b: BuildInstance = serde_json::from_str(CANCEL_EXAMPLE).unwrap();
    assert_eq!(
        b.build_id.as_deref(),
        Some("kzqjkrvbglqbczhm82kkjlh0ixe2o2wv8v85fpmv")
    );
    assert_eq!(b.index, Some(4));
    assert_eq!(b.build_state, Some(BuildState::Cancel));
    assert!(b.is_final());
    assert_eq!(b.repo_type, Some(RepoType::BinObs));
    assert_eq!(
        b.started_at.as_ref().unwrap().unix_seconds,
        Some(1_763_107_242)
    );
    assert_eq!(
        b.ended_at.as_ref().unwrap().unix_seconds,
        Some(1_763_107_254)
    );
    assert!(b.commit_time.as_ref().unwrap().is_unset());
    assert_eq!(
        b.swr_repository.as_ref().unwrap().values(),
        ["test.com/test/test-0802-1:afdafds"]
    );
    assert!(
        matches!(b.swr_repo_page, Some(StringOrMap::Map(ref m)) if m.contains_key("1754123329469"))
    );
    assert_eq!(b.archive_result, Some(serde_json::json!({})));
    assert_eq!(b.build_type, Some(BuildType::User));
    assert_eq!(b.code_repo_anatomy, None);
    assert_eq!(b.os.as_ref().unwrap().arch, Some(Arch::X86_64));
    // Round trip keeps the wire spellings (BinObs, the map form, the time text).
    let again: BuildInstance = serde_json::from_value(serde_json::to_value(&b).unwrap()).unwrap();
    assert_eq!(again, b);
    let v = serde_json::to_value(&b).unwrap();
    assert_eq!(v["repo_type"], "BinObs");
    assert_eq!(v["started_at"], "2025-11-14 08:00:42 +0000 UTC");
}

#[test]
fn documented_mismatches_are_accepted_both_ways() {
    // 0269: index documented as String; swr_* documented as String; code_repo_anatomy with camelCase key.
    let b: BuildInstance = serde_json::from_str(
        r#"{"index": "2", "swr_repository": "swr.example/ns/img:1", "swr_repo_page": "https://x",
            "code_repo_anatomy": {"name": "repo", "archiveURL": "https://obs/x.jar"}, "repo_type": "Gitlab",
            "type": "system", "os": {"arch": "aarch64"}, "build_state": "Exploding"}"#,
    )
    .unwrap();
    assert_eq!(b.index, Some(2));
    assert_eq!(
        b.swr_repository,
        Some(StringOrMap::String("swr.example/ns/img:1".into()))
    );
    assert_eq!(
        b.code_repo_anatomy.as_ref().unwrap().archive_url.as_deref(),
        Some("https://obs/x.jar")
    );
    assert_eq!(b.repo_type, Some(RepoType::Gitlab));
    assert!(b.repo_type.as_ref().unwrap().is_gitlab() && RepoType::GitLab.is_gitlab());
    assert_eq!(b.build_type, Some(BuildType::System));
    assert_eq!(b.os.as_ref().unwrap().arch, Some(Arch::Aarch64));
    assert_eq!(b.build_state, Some(BuildState::Unknown("Exploding".into())));
    assert!(!b.is_final());
    let v = serde_json::to_value(b.code_repo_anatomy.as_ref().unwrap()).unwrap();
    assert_eq!(v["archiveURL"], "https://obs/x.jar");
    // 0274: started_at/ended_at documented as Object.
    let c: CreatedBuildInstance = serde_json::from_str(
        r#"{"build_id": "b", "job_id": "j", "job_name": "n", "index": 1, "started_at": {"seconds": 1}, "ended_at": ""}"#,
    )
    .unwrap();
    assert_eq!(c.started_at.as_ref().unwrap().raw, r#"{"seconds":1}"#);
    assert!(c.ended_at.unwrap().is_unset());
    // 0269 example (the visible fields; the source truncates it).
    let d: BuildInstance = serde_json::from_str(
        r#"{"build_id": "sxxx", "job_id": "xxx", "job_name": "test", "enterprise_project_id": "0", "index": 2, "started_at": "2025-06-24 12:10:30 +0000 UTC", "ended_at": "2025-06-24 12:11:22 +0000 UTC", "build_state": "Failed", "repo_type": "DevCloud", "repo": "", "branch": "master"}"#,
    )
    .unwrap();
    assert_eq!(
        (d.index, d.build_state),
        (Some(2), Some(BuildState::Failed))
    );
    assert_eq!(d.repo_type, Some(RepoType::DevCloud));
}

#[test]
fn list_examples_decode() {
    let jobs: JobList = serde_json::from_str(
        r#"{"total": 12, "per_page": 6, "page": 1, "list": [{"job_id": "swpfk3wtzdjnlyely4rf40k52zyuq5s4lha9ch8f", "job_name": "test1"}]}"#,
    )
    .unwrap();
    assert_eq!(
        (jobs.total, jobs.per_page, jobs.page),
        (Some(12), Some(6), Some(1))
    );
    assert_eq!(jobs.list[0].job_name.as_deref(), Some("test1"));
    let builds: BuildList = serde_json::from_str(
        r#"{"total": 1, "per_page": 20, "page": 1, "finished": 1, "successful": 1, "list": [{"build_id": "0f7fqckzmjcfi0f7yxhx91l2rwrfyzd2poac90b5", "build_state": "Successful", "duration": 1181}]}"#,
    )
    .unwrap();
    assert_eq!(builds.list[0].build_state, Some(BuildState::Successful));
    assert_eq!(builds.list[0].duration, Some(1181));
    assert_eq!(builds.successful, Some(1));
    let phases: PhaseList = serde_json::from_str(
        r#"{"total": 6, "list": [{"id": 1627984, "name": "Init", "state": "Successful"}, {"id": 1627985, "name": "Download", "state": "Successful"}]}"#,
    )
    .unwrap();
    assert_eq!(phases.list[0].id.as_deref(), Some("1627984"));
    assert_eq!(phases.list[1].name, Some(PhaseName::Download));
    let phase: Phase =
        serde_json::from_str(r#"{"id": "p-1", "name": "Build", "state": "Building"}"#).unwrap();
    assert_eq!(phase.id.as_deref(), Some("p-1"));
    let log: BuildLog = serde_json::from_str(
        r#"{"buildlog": "Starting...", "next": 25524, "phase_states": "Successful,Successful,…", "phases": "Init,Download,PreProcess,Build,Artifact,PostProcess"}"#,
    )
    .unwrap();
    assert_eq!(log.next, Some(25524));
    assert_eq!(log.phase_list().len(), 6);
    assert_eq!(
        log.phase_state_list()[..2],
        [BuildState::Successful, BuildState::Successful]
    );
    let results: BuildResults = serde_json::from_str(
        r#"{"checkstyle": {"static": {"count_info": [{"build_id": "xx", "build_order": 10, "total_count": 3}]}}}"#,
    )
    .unwrap();
    let counts = &results.checkstyle.unwrap().static_check.unwrap().count_info;
    assert_eq!(
        (counts[0].build_order, counts[0].total_count),
        (Some(10), Some(3))
    );
    let started: StartedBuild = serde_json::from_str(
        r#"{"build_id": "j25yx7qm6apcxin59e3mj7u5byymtjjwsep6r5x2", "job_id": "ctilzkwzcs2u22xjr6zh9iroixz2cikbjcd3103l", "job_name": "scscscs", "index": 2, "started_at": "2025-11-14 09:06:28 +0000 UTC", "ended_at": "", "duration": 0, "state": "Building", "progress": 0, "commit_id": "", "committer": ""}"#,
    )
    .unwrap();
    assert_eq!(started.state, Some(BuildState::Building));
    assert!(started.ended_at.unwrap().is_unset());
    assert_eq!(started.index, Some(2));
}

#[test]
fn job_spec_serializes_documented_body() {
    let spec = JobSpec::new(
        "demo-job",
        EnvironmentSetting::public_cluster(Arch::Aarch64).docker_version("18.09"),
    )
    .description("demo")
    .code_repo(CodeRepo::new(
        "Gitlab",
        "https://gitlab.example/x.git",
        "main",
        "team",
    ));
    assert_eq!(
        serde_json::to_value(&spec).unwrap(),
        serde_json::json!({
            "job_name": "demo-job",
            "job_description": "demo",
            "environment_setting": {"docker_version": "18.09", "use_public_cluster": true, "build_os": {"arch": "aarch64"}},
            "code_repo": {"type": "Gitlab", "url": "https://gitlab.example/x.git", "branch": "main", "namespace": "team"}
        })
    );
    let details: JobDetails = serde_json::from_value(serde_json::json!({
        "job_id": "j", "creator": {"name": "u"}, "last_build_id": "b",
        "spec": serde_json::to_value(&spec).unwrap()
    }))
    .unwrap();
    assert_eq!(details.spec, Some(spec));
    assert_eq!(TaskName::Checkstyle.to_string(), "checkstyle");
}

// --- Mocking ----------------------------------------------------------------------------------------------------

/// User code written against the trait.
async fn start_then_cancel<A: ServiceStageApi + ?Sized>(
    api: &A,
    job_id: &str,
) -> Result<BuildState, Error> {
    let started = api.start_build(job_id).await?;
    let id = started.build_id.unwrap_or_default();
    let cancelled = api.cancel_build(&id).await?;
    Ok(cancelled
        .build_state
        .unwrap_or(BuildState::Unknown(String::new())))
}

#[tokio::test]
async fn mock_client_drives_user_code() {
    let mut mock = MockServiceStageApi::new();
    mock.expect_start_build()
        .withf(|job| job == "job-1")
        .times(1)
        .returning(|_| {
            Ok(serde_json::from_str(r#"{"build_id": "b-1", "state": "Building"}"#).unwrap())
        });
    mock.expect_cancel_build()
        .withf(|b| b == "b-1")
        .times(1)
        .returning(|_| Ok(serde_json::from_str(CANCEL_EXAMPLE).unwrap()));
    assert_eq!(
        start_then_cancel(&mock, "job-1").await.unwrap(),
        BuildState::Cancel
    );
}

// --- Waiters and streams (virtual time) ---------------------------------------------------------------------

fn instance(state: &str) -> BuildInstance {
    serde_json::from_value(serde_json::json!({"build_id": "b-1", "build_state": state})).unwrap()
}

fn fast() -> WaitConfig {
    WaitConfig::new(
        Duration::from_secs(1),
        Duration::from_secs(10),
        Duration::from_secs(60),
    )
}

#[tokio::test(start_paused = true)]
async fn waiter_backs_off_until_final() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let mut mock = MockServiceStageApi::new();
    mock.expect_show_build()
        .withf(|b| b == "b-1")
        .returning(move |_| {
            let i = c.fetch_add(1, Ordering::SeqCst);
            Ok(instance(match i {
                0 => "Queuing",
                1 | 2 => "Building",
                3 => "Pushing",
                _ => "Successful",
            }))
        });
    let start = tokio::time::Instant::now();
    let done = wait::wait_for_build(&mock, "b-1", &fast()).await.unwrap();
    assert_eq!(done.build_state, Some(BuildState::Successful));
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    assert_eq!(start.elapsed(), Duration::from_secs(1 + 2 + 4 + 8));
}

#[tokio::test(start_paused = true)]
async fn waiter_times_out_with_typed_error() {
    let mut mock = MockServiceStageApi::new();
    mock.expect_show_build()
        .returning(|_| Ok(instance("Building")));
    match wait::wait_for_build(&mock, "b-1", &fast().timeout(Duration::from_secs(25))).await {
        Err(WaitError::Timeout {
            build_id,
            last_state,
            waited,
        }) => {
            assert_eq!(
                (build_id.as_str(), last_state.as_str()),
                ("b-1", "Building")
            );
            assert_eq!(waited, Duration::from_secs(25));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn dropping_a_waiter_cancels_it() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let mut mock = MockServiceStageApi::new();
    mock.expect_show_build().returning(move |_| {
        c.fetch_add(1, Ordering::SeqCst);
        Ok(instance("Building"))
    });
    let mock = Arc::new(mock);
    let waiting = tokio::time::timeout(
        Duration::from_secs(5),
        wait::wait_for_build(&*mock, "b-1", &fast()),
    )
    .await;
    assert!(waiting.is_err());
    let after_drop = calls.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(120)).await;
    // Nothing keeps polling in the background once the future is gone.
    assert_eq!(calls.load(Ordering::SeqCst), after_drop);
    assert_eq!(Arc::strong_count(&mock), 1);
}

#[tokio::test(start_paused = true)]
async fn log_follower_reads_until_final_and_drained() {
    // (from the follower must send, buildlog, next)
    let script: Vec<(u64, &str, i64)> = vec![
        (0, "Starting...\n", 12),
        (12, "", 12),           // running, nothing new
        (12, "Building\n", 21), //
        (21, "", 21),           // empty; build final -> read once more
        (21, "Done\n", 26),     // last lines written as the build finished
        (26, "", 26),           // drained after final: end
    ];
    let reads = Arc::new(std::sync::Mutex::new(script.into_iter()));
    let mut mock = MockServiceStageApi::new();
    mock.expect_show_logs().times(6).returning(move |b, from| {
        let (want, text, next) = reads
            .lock()
            .unwrap()
            .next()
            .expect("no more scripted reads");
        assert_eq!((b, from), ("b-1", want));
        Ok(serde_json::from_value(serde_json::json!({"buildlog": text, "next": next})).unwrap())
    });
    let polls = Arc::new(AtomicU32::new(0));
    let p = polls.clone();
    mock.expect_show_build().times(2).returning(move |_| {
        let i = p.fetch_add(1, Ordering::SeqCst);
        Ok(instance(if i == 0 { "Building" } else { "Cancel" }))
    });
    let texts: Vec<String> = wait::follow_log(&mock, "b-1", &fast())
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(texts, ["Starting...\n", "Building\n", "Done\n"]);
}

#[tokio::test]
async fn job_stream_pages_until_total_and_stops_on_repeats() {
    let mut mock = MockServiceStageApi::new();
    let pages = Arc::new(std::sync::Mutex::new(Vec::new()));
    let p = pages.clone();
    mock.expect_list_jobs().returning(move |q| {
        p.lock().unwrap().push(q.page);
        let start = (q.page - 1) * q.per_page;
        let list: Vec<_> = (start..(start + q.per_page).min(7))
            .map(|i| serde_json::json!({"job_id": format!("j{i}"), "job_name": format!("n{i}")}))
            .collect();
        Ok(serde_json::from_value(
            serde_json::json!({"list": list, "total": 7, "page": q.page, "per_page": q.per_page}),
        )
        .unwrap())
    });
    let ids: Vec<_> = wait::list_jobs(&mock, ListJobsQuery::new(1, 3))
        .map(|j| j.unwrap().job_id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, ["j0", "j1", "j2", "j3", "j4", "j5", "j6"]);
    assert_eq!(*pages.lock().unwrap(), [1, 2, 3]);

    // A service that ignores the page index must not loop forever.
    let mut mock = MockServiceStageApi::new();
    mock.expect_list_builds().times(2).returning(|_, _| {
        Ok(serde_json::from_value(
            serde_json::json!({"list": [{"build_id": "a"}, {"build_id": "b"}], "total": 10}),
        )
        .unwrap())
    });
    let n = wait::list_builds(&mock, "job", ListBuildsQuery::new("name").page(1, 2))
        .count()
        .await;
    assert_eq!(n, 2);

    // Without paging parameters: one request.
    let mut mock = MockServiceStageApi::new();
    mock.expect_list_builds().times(1).returning(|_, q| {
        assert_eq!((q.page, q.per_page), (None, None));
        Ok(
            serde_json::from_value(serde_json::json!({"list": [{"build_id": "a"}], "total": 1}))
                .unwrap(),
        )
    });
    assert_eq!(
        wait::list_builds(&mock, "job", ListBuildsQuery::new("name"))
            .count()
            .await,
        1
    );
}
