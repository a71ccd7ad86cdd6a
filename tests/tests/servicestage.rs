//! hwcloud-servicestage-assembling-v1 against the emulator over real HTTP, with AK/SK and with IAM password
//! tokens: all 14 operations, the seed flow (start → cancel → read the cancelled build), waiters, log streams,
//! pagination and validation, proven with the emulator's journal.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_util::StreamExt;
use hwcloud_emulator::{Emulator, demo};
use hwcloud_servicestage_assembling_v1::model::{
    Arch, BuildState, CodeRepo, EnvironmentSetting, JobSpec, ListBuildsQuery, ListJobsQuery,
    PhaseName, StringOrMap, TaskName,
};
use hwcloud_servicestage_assembling_v1::wait::{self, WaitConfig, WaitError};
use hwcloud_servicestage_assembling_v1::{Error, ServiceStageApi, ServiceStageClient};
use hwcloud_tests::harness::{self, Auth, calls, emulator, fast};

const JOB: &str = demo::SERVICESTAGE_JOB_ID;
const JOB_NAME: &str = demo::SERVICESTAGE_JOB_NAME;

fn client(emu: &Emulator, auth: Auth) -> ServiceStageClient {
    ServiceStageClient::new(&harness::config(emu, auth)).expect("client")
}

/// Every ServiceStage call was accepted by the gateway, authenticated the way `auth` says, with the SDK's
/// content type.
fn assert_authenticated(emu: &Emulator, auth: Auth) {
    harness::assert_authenticated(
        emu,
        auth,
        |path| path.starts_with("/assembling/v1/"),
        "application/json;charset=utf8",
    );
}

/// The seed flow: start a build, cancel it, read the cancelled instance.
async fn seed_flow(auth: Auth) {
    let emu = emulator(Duration::from_secs(1)).await;
    let c = client(&emu, auth);

    let started = c.start_build(JOB).await.unwrap();
    let build_id = started.build_id.clone().unwrap();
    assert!(!started.state.as_ref().unwrap().is_final(), "{started:?}");
    assert!(started.ended_at.as_ref().unwrap().is_unset());

    let cancelled = c.cancel_build(&build_id).await.unwrap();
    assert_eq!(cancelled.build_state, Some(BuildState::Cancel));
    assert_eq!(cancelled.build_id.as_deref(), Some(build_id.as_str()));
    // The seed's shape: maps where strings are documented, null anatomy, an os object, an integer index.
    assert!(matches!(
        cancelled.swr_repository,
        Some(StringOrMap::Map(_)) | Some(StringOrMap::String(_))
    ));
    assert!(
        cancelled
            .os
            .as_ref()
            .is_some_and(|o| o.arch == Some(Arch::X86_64))
    );
    assert_eq!(cancelled.index, started.index);

    let read = c.show_build(&build_id).await.unwrap();
    assert_eq!(read.build_state, Some(BuildState::Cancel));
    assert!(
        read.ended_at.as_ref().unwrap().unix_seconds.is_some(),
        "{:?}",
        read.ended_at
    );
    let done = wait::wait_for_build(&c, &build_id, &fast()).await.unwrap();
    assert_eq!(done.build_state, Some(BuildState::Cancel));

    // Cancelling a finished build is an honest error, typed and matchable.
    match c.cancel_build(&build_id).await {
        Err(Error::Service(e)) => assert_eq!(
            (e.status.as_u16(), e.error_code.as_str()),
            (400, "SVCSTG.00100400")
        ),
        other => panic!("{other:?}"),
    }

    let cancel = calls(&emu, "CancelBuild");
    assert_eq!(cancel[0].method, "PATCH");
    assert_eq!(cancel[0].path, format!("/assembling/v1/builds/{build_id}"));
    assert!(cancel[0].body.is_empty(), "cancel sends no body");
    assert_eq!(calls(&emu, "StartBuild").len(), 1);
    assert_authenticated(&emu, auth);
}

#[tokio::test]
async fn seed_flow_with_aksk() {
    seed_flow(Auth::AkSk).await;
}

#[tokio::test]
async fn seed_flow_with_token() {
    seed_flow(Auth::Token).await;
}

/// All 14 operations, the waiter, the log follower and the paginating streams.
async fn every_operation(auth: Auth) {
    let emu = emulator(Duration::from_millis(100)).await;
    let c = client(&emu, auth);

    // Jobs: create, show, update, list, delete.
    let spec = JobSpec::new(
        "sdk-test-job",
        EnvironmentSetting::public_cluster(Arch::Aarch64),
    )
    .description("created by the SDK tests")
    .code_repo(CodeRepo::new(
        "GitLab",
        "https://gitlab.example/demo.git",
        "main",
        "team",
    ));
    let created = c.create_job(&spec).await.unwrap();
    let new_id = created["job_id"]
        .as_str()
        .expect("job_id in the create answer")
        .to_owned();
    let shown = c.show_job(&new_id).await.unwrap();
    assert_eq!(
        shown.spec.as_ref().map(|s| s.job_name.as_str()),
        Some("sdk-test-job")
    );
    assert_eq!(
        shown
            .spec
            .as_ref()
            .and_then(|s| s.code_repo.as_ref())
            .map(|r| r.branch.as_str()),
        Some("main")
    );
    let updated = c
        .update_job(&new_id, &spec.clone().description("updated"))
        .await
        .unwrap();
    assert_eq!(updated["spec"]["job_description"], "updated");
    let all: Vec<_> = wait::list_jobs(&c, ListJobsQuery::new(1, 1))
        .map(Result::unwrap)
        .collect()
        .await;
    let first = c.list_jobs(&ListJobsQuery::new(1, 1)).await.unwrap();
    assert_eq!(all.len() as i64, first.total.unwrap());
    assert!(
        all.iter()
            .any(|j| j.job_id.as_deref() == Some(new_id.as_str()))
    );
    assert!(all.iter().any(|j| j.job_id.as_deref() == Some(JOB)));
    assert_eq!(
        calls(&emu, "ListBuildJobs").len(),
        all.len() + 1,
        "one request per page of one"
    );
    let filtered = c
        .list_jobs(&ListJobsQuery::new(1, 10).job_name("sdk-test"))
        .await
        .unwrap();
    assert_eq!(filtered.list.len(), 1);
    c.delete_job(&new_id).await.unwrap();
    match c.show_job(&new_id).await {
        Err(Error::Service(e)) => assert_eq!(e.status.as_u16(), 404),
        other => panic!("{other:?}"),
    }

    // Builds: create an instance (0274) and start one (0333), follow the log, wait, inspect.
    let inst = c.create_build_instance(JOB, JOB_NAME).await.unwrap();
    let inst_id = inst.build_id.clone().unwrap();
    assert_eq!(inst.job_id.as_deref(), Some(JOB));
    let body: serde_json::Value =
        serde_json::from_str(&calls(&emu, "CreateBuildInstance")[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"name": JOB_NAME}));
    let started = c.start_build(JOB).await.unwrap();
    let build_id = started.build_id.clone().unwrap();

    let chunks: Vec<String> = wait::follow_log(&c, &build_id, &fast())
        .map(|r| r.expect("log chunk"))
        .collect()
        .await;
    let followed = chunks.concat();
    assert!(!followed.is_empty());
    let done = wait::wait_for_build(&c, &build_id, &fast()).await.unwrap();
    assert_eq!(done.build_state, Some(BuildState::Successful));
    let tail = c.show_logs(&build_id, followed.len() as u64).await.unwrap();
    assert!(
        tail.buildlog.is_empty(),
        "the follower drained the log: {tail:?}"
    );
    assert_eq!(tail.next, Some(followed.len() as i64));
    assert!(
        tail.phase_state_list()
            .iter()
            .all(|s| *s == BuildState::Successful)
    );

    let phases = c.list_phases(&build_id).await.unwrap();
    assert_eq!(phases.list.len(), 6);
    assert_eq!(phases.list[0].name, Some(PhaseName::Init));
    assert!(
        phases
            .list
            .iter()
            .all(|p| p.id.is_some() && p.state == Some(BuildState::Successful))
    );
    let info = c.show_phase_info(&build_id, TaskName::Pmd).await.unwrap();
    assert!(
        info.pmd
            .as_ref()
            .is_some_and(|v| v["build_id"] == build_id.as_str()),
        "{info:?}"
    );
    assert_eq!(
        calls(&emu, "ShowBuild")
            .iter()
            .filter(|e| e.query.as_deref() == Some("taskname=pmd"))
            .count(),
        1
    );
    let results = c.show_results(&build_id).await.unwrap();
    let counts = results.checkstyle.unwrap().static_check.unwrap().count_info;
    assert_eq!(counts[0].build_id.as_deref(), Some(build_id.as_str()));

    let builds = c
        .list_builds(JOB, &ListBuildsQuery::new(JOB_NAME))
        .await
        .unwrap();
    assert_eq!(builds.total, Some(2));
    let streamed: Vec<_> = wait::list_builds(&c, JOB, ListBuildsQuery::new(JOB_NAME))
        .map(Result::unwrap)
        .collect()
        .await;
    let ids: Vec<_> = streamed.iter().filter_map(|b| b.build_id.clone()).collect();
    assert!(ids.contains(&build_id) && ids.contains(&inst_id), "{ids:?}");

    let seen: std::collections::BTreeSet<_> = emu
        .journal()
        .into_iter()
        .filter_map(|e| e.operation)
        .collect();
    for op in [
        "ListBuildJobs",
        "ListBuilds",
        "ShowBuildPhases",
        "ShowBuildLogs",
        "ShowBuild",
        "UpdateBuildJob",
        "DeleteBuildJob",
        "CreateBuildInstance",
        "CreateBuildJob",
        "ShowBuildJob",
        "ShowBuildResults",
        "StartBuild",
    ] {
        assert!(seen.contains(op), "{op} was not exercised");
    }
    assert_authenticated(&emu, auth);
}

#[tokio::test]
async fn every_operation_with_aksk() {
    every_operation(Auth::AkSk).await;
}

#[tokio::test]
async fn every_operation_with_token() {
    every_operation(Auth::Token).await;
}

#[tokio::test]
async fn cancel_with_token_and_log_follow_of_a_cancelled_build() {
    let emu = emulator(Duration::from_secs(1)).await;
    let c = client(&emu, Auth::Token);
    let build_id = c.start_build(JOB).await.unwrap().build_id.unwrap();
    let mut log = std::pin::pin!(wait::follow_log(&c, &build_id, &fast()));
    let first = log.next().await.expect("a first chunk").expect("no error");
    assert!(!first.is_empty());
    c.cancel_build(&build_id).await.unwrap();
    // The follower ends on its own once the cancelled build's log is drained.
    let rest: Vec<_> = log.map(Result::unwrap).collect().await;
    let text = format!("{first}{}", rest.concat());
    let whole = c.show_logs(&build_id, 0).await.unwrap();
    assert_eq!(text, whole.buildlog);
}

#[tokio::test]
async fn validation_and_timeouts() {
    let emu = emulator(Duration::from_secs(30)).await;
    let c = client(&emu, Auth::AkSk);
    let before = emu.journal().len();
    let bad = JobSpec::new("1bad", EnvironmentSetting::public_cluster(Arch::X86_64));
    for (result, field) in [
        (c.cancel_build("").await.map(|_| ()), "build_id"),
        (c.show_job("a/b").await.map(|_| ()), "job_id"),
        (c.create_job(&bad).await.map(|_| ()), "job_name"),
        (c.create_build_instance(JOB, "x").await.map(|_| ()), "name"),
        (
            c.list_jobs(&ListJobsQuery::new(0, 10)).await.map(|_| ()),
            "page",
        ),
        (
            c.list_builds(JOB, &ListBuildsQuery::new(""))
                .await
                .map(|_| ()),
            "name",
        ),
    ] {
        match result {
            Err(Error::InvalidInput(e)) => assert_eq!(e.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(
        emu.journal().len(),
        before,
        "invalid input must not reach the service"
    );

    let build_id = c.start_build(JOB).await.unwrap().build_id.unwrap();
    let cfg = WaitConfig::new(
        Duration::from_millis(20),
        Duration::from_millis(50),
        Duration::from_millis(300),
    );
    match wait::wait_for_build(&c, &build_id, &cfg).await {
        Err(WaitError::Timeout { last_state, .. }) => assert_eq!(last_state, "Queuing"),
        other => panic!("{other:?}"),
    }
}
