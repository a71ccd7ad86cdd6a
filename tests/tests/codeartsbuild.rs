//! hwcloud-codeartsbuild-v3 against the emulator over real HTTP, with AK/SK and with IAM password tokens:
//! every operation, the seed flow (start → running → stop with StopJob and StopBuildJob → stopped), waiters,
//! log streams, pagination and validation, proven with the emulator's journal.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_util::StreamExt;
use hwcloud_codeartsbuild_v3::model::{
    BuildStatus, LastBuildStatus, ListHistoryQuery, ListProjectJobsQuery, LogLevel, RunJobRequest,
    StepStatus,
};
use hwcloud_codeartsbuild_v3::wait::{self, WaitConfig, WaitError};
use hwcloud_codeartsbuild_v3::{CodeArtsBuildApi, CodeArtsBuildClient, Error};
use hwcloud_emulator::{Emulator, FaultPlan, demo};
use hwcloud_tests::harness::{self, Auth, calls, emulator, fast};

const JOB: &str = demo::CODEARTSBUILD_JOB_ID;

fn client(emu: &Emulator, auth: Auth) -> CodeArtsBuildClient {
    CodeArtsBuildClient::new(&harness::config(emu, auth)).expect("client")
}

/// Every call past IAM was accepted by the gateway, authenticated the way `auth` says, with the SDK's
/// content type.
fn assert_authenticated(emu: &Emulator, auth: Auth) {
    harness::assert_authenticated(
        emu,
        auth,
        |path| !path.starts_with("/v3/auth") && !path.starts_with("/v3/projects"),
        "application/json",
    );
}

async fn wait_until_running(c: &CodeArtsBuildClient, build_no: u32) {
    for _ in 0..200 {
        let s = c
            .show_job_step_status(JOB, Some(build_no))
            .await
            .expect("step status");
        match s.status {
            Some(BuildStatus::Running) => return,
            Some(BuildStatus::Queued) => tokio::time::sleep(Duration::from_millis(10)).await,
            other => panic!("build {build_no} went to {other:?} before it was seen running"),
        }
    }
    panic!("build {build_no} never ran");
}

/// The seed flow: start a build, see it running, stop it with the deprecated StopJob and with StopBuildJob
/// (and StopTheJob), see each stopped.
async fn seed_flow(auth: Auth) {
    let emu = emulator(Duration::from_secs(1)).await;
    let c = client(&emu, auth);

    let run = c
        .run_job(&RunJobRequest::new(JOB).parameter("branch", "master"))
        .await
        .unwrap();
    let first = run.build_no().expect("build number");
    assert_eq!(first, 1);
    assert!(
        c.show_job_status(JOB).await.unwrap().result,
        "a started build counts as running"
    );
    wait_until_running(&c, first).await;
    let rs = c.show_running_status(JOB).await.unwrap();
    assert!(rs.is_running);
    assert_eq!(rs.build_no(), Some(first));

    #[allow(deprecated)]
    let stopped = c.stop_job(JOB, first).await.unwrap();
    assert!(stopped.result);
    let s = c.show_job_step_status(JOB, Some(first)).await.unwrap();
    assert!(s.is_aborted() && s.is_final(), "{s:?}");
    let last = wait::wait_for_build(&c, JOB, first, &fast()).await.unwrap();
    assert_eq!(last.status, Some(BuildStatus::Aborted));
    // Stopping again is harmless (the op is idempotent) and says it did not stop anything.
    #[allow(deprecated)]
    let again = c.stop_job(JOB, first).await.unwrap();
    assert!(!again.result);
    // On the wire: build_no as a STRING in the StopJob body.
    let stop = calls(&emu, "StopJob");
    assert_eq!(stop.len(), 2);
    let body: serde_json::Value = serde_json::from_str(&stop[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"job_id": JOB, "build_no": "1"}));
    assert_eq!(stop[0].path, "/v3/jobs/stop");

    // The same with StopBuildJob.
    let second = c
        .run_job(&RunJobRequest::new(JOB))
        .await
        .unwrap()
        .build_no()
        .unwrap();
    assert_eq!(second, 2);
    wait_until_running(&c, second).await;
    let r = c.stop_build_job(JOB, second).await.unwrap();
    assert!(r.success);
    let details = c.show_history_details(JOB, second).await.unwrap();
    assert!(
        details
            .build_steps
            .iter()
            .any(|s| s.status == Some(StepStatus::Error)),
        "{details:?}"
    );
    assert!(!c.stop_build_job(JOB, second).await.unwrap().success);
    assert_eq!(
        calls(&emu, "StopBuildJob")[0].path,
        format!("/v3/jobs/{JOB}/2/stop")
    );

    // And with StopTheJob (v1): build_no in the query, as the SDK sends it.
    let third = c
        .execute_job(&RunJobRequest::new(JOB))
        .await
        .unwrap()
        .build_no()
        .unwrap();
    assert_eq!(third, 3);
    assert_eq!(
        c.stop_the_job(JOB, Some(third))
            .await
            .unwrap()
            .status
            .as_deref(),
        Some("success")
    );
    let v1 = calls(&emu, "StopTheJob");
    assert_eq!(v1[0].query.as_deref(), Some("build_no=3"));
    assert!(v1[0].body.is_empty());
    assert_eq!(
        c.show_job_step_status(JOB, Some(third))
            .await
            .unwrap()
            .status,
        Some(BuildStatus::Aborted)
    );
    let rs = c.show_running_status(JOB).await.unwrap();
    assert!(!rs.is_running);
    assert_eq!(rs.last_build_status, Some(LastBuildStatus::Finished));

    // RunJob was sent once per build: never retried, never duplicated.
    assert_eq!(calls(&emu, "RunJob").len(), 2);
    assert_eq!(emu.codeartsbuild_build_count(JOB), Some(3));
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

/// Every operation once a build has finished, plus the waiter, the log follower and the paginating streams.
async fn every_operation(auth: Auth) {
    let emu = emulator(Duration::from_millis(150)).await;
    let c = client(&emu, auth);

    let run = c
        .run_job(
            &RunJobRequest::new(JOB)
                .parameter("branch", "main")
                .parameter("api_token", "s3cr3t"),
        )
        .await
        .unwrap();
    let no = run.build_no().unwrap();
    assert!(
        run.octopus_job_name
            .as_deref()
            .is_some_and(|n| n.starts_with("j_"))
    );
    assert!(
        run.daily_build_number
            .as_deref()
            .is_some_and(|d| d.contains('.'))
    );

    // Follow the log while the build runs; the stream ends when the build is final and the log drained.
    let chunks: Vec<String> = wait::follow_log(&c, JOB, no, &fast())
        .map(|r| r.expect("log chunk"))
        .collect()
        .await;
    let followed = chunks.concat();
    assert!(!followed.is_empty());
    let done = wait::wait_for_build(&c, JOB, no, &fast()).await.unwrap();
    assert_eq!(done.status, Some(BuildStatus::Success));
    assert!(done.status.as_ref().unwrap().is_success());
    // Everything was read: a fresh read from the end offset has nothing more.
    let tail = c
        .download_real_time_log(JOB, no, followed.len() as u64, None)
        .await
        .unwrap();
    assert!(tail.content.is_empty() && !tail.has_more_data, "{tail:?}");
    let head = c
        .download_real_time_log(JOB, no, 0, Some(10))
        .await
        .unwrap();
    assert_eq!(head.content, followed[..10]);
    assert_eq!(head.offset, Some(10));

    assert!(!c.show_job_status(JOB).await.unwrap().result);
    let rs = c.show_running_status(JOB).await.unwrap();
    assert_eq!((rs.is_running, rs.build_no()), (false, Some(no)));
    assert_eq!(rs.last_job_id.as_deref(), Some(JOB));
    let details = c.show_history_details(JOB, no).await.unwrap();
    assert_eq!(details.build_number, Some(i64::from(no)));
    assert_eq!(
        details.parameters.get("branch"),
        Some(&serde_json::json!("main"))
    );
    assert_eq!(
        details.parameters.get("api_token"),
        Some(&serde_json::json!("*"))
    );
    assert!(
        details
            .build_steps
            .iter()
            .all(|s| s.status == Some(StepStatus::Success))
    );

    let page = c
        .show_list_history(JOB, &ListHistoryQuery::new(10, 7))
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    let record_id = page.history_records[0].record_id.clone().unwrap();
    assert!(
        page.history_records[0]
            .end_time
            .as_ref()
            .unwrap()
            .unix_seconds
            .is_some()
    );

    let info = c.show_job_info(JOB).await.unwrap();
    assert_eq!(info.id.as_deref(), Some(JOB));
    assert_eq!(info.job_name.as_deref(), Some(demo::CODEARTSBUILD_JOB_NAME));
    let rec = c.show_record_detail(JOB, no).await.unwrap();
    assert_eq!(rec.build_no, Some(i64::from(no)));
    assert!(rec.status.as_ref().unwrap().is_final());
    assert_eq!(rec.build_record_id.as_deref(), Some(record_id.as_str()));
    let out = c.show_output_info(JOB, no).await.unwrap();
    assert!(
        out.package_info
            .as_ref()
            .and_then(|p| p.name.as_deref())
            .is_some_and(|n| n.ends_with(".jar"))
    );

    let jobs = c
        .show_job_list_by_project_id(demo::CODEARTS_PROJECT_ID, 0, 10)
        .await
        .unwrap();
    assert!(jobs.jobs.iter().any(|j| j.id.as_deref() == Some(JOB)));
    let v1 = c
        .list_project_jobs(
            demo::CODEARTS_PROJECT_ID,
            &ListProjectJobsQuery::new(0, 10)
                .search("demo")
                .sort("job_name", "desc"),
        )
        .await
        .unwrap();
    assert_eq!(
        v1.jobs.len(),
        jobs.jobs
            .iter()
            .filter(|j| j.job_name.as_deref().is_some_and(|n| n.contains("demo")))
            .count()
    );

    // DownloadBuildLog streams the same log.
    let mut stream = c
        .download_build_log(&record_id, Some(LogLevel::Info))
        .await
        .unwrap();
    let mut full = Vec::new();
    while let Some(chunk) = stream.next().await {
        full.extend_from_slice(&chunk.unwrap());
    }
    let full = String::from_utf8(full).unwrap();
    assert!(full.contains(followed.lines().next().unwrap()), "{full:?}");
    assert_eq!(
        calls(&emu, "DownloadBuildLog")[0].query.as_deref(),
        Some("log_level=INFO")
    );

    // Streams over the list operations.
    let records: Vec<_> = wait::list_history(&c, JOB, ListHistoryQuery::new(1, 7))
        .collect()
        .await;
    assert_eq!(records.len(), 1);
    let all: Vec<_> = wait::list_project_jobs(
        &c,
        demo::CODEARTS_PROJECT_ID,
        ListProjectJobsQuery::new(0, 1),
    )
    .map(Result::unwrap)
    .collect()
    .await;
    let v3: Vec<_> = wait::show_job_list_by_project_id(&c, demo::CODEARTS_PROJECT_ID, 0, 1)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(all.len(), jobs.total.unwrap() as usize);
    assert_eq!(v3.len(), all.len());

    let seen: std::collections::BTreeSet<_> = emu
        .journal()
        .into_iter()
        .filter_map(|e| e.operation)
        .collect();
    for op in hwcloud_codeartsbuild_v3::operations::ALL {
        if !op.name.starts_with("Stop") && op.name != "ExecuteJob" {
            assert!(seen.contains(op.name), "{} was not exercised", op.name);
        }
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
async fn service_errors_and_validation() {
    let emu = emulator(Duration::from_millis(100)).await;
    let c = client(&emu, Auth::AkSk);
    let unknown = "0000000000000000000000000000000a";
    match c.show_job_info(unknown).await {
        Err(Error::Service(e)) => {
            assert_eq!(e.status.as_u16(), 404);
            assert_eq!(e.error_code, "CB.00060404");
            assert!(e.request_id.is_some());
        }
        other => panic!("{other:?}"),
    }
    let before = emu.journal().len();
    for (result, field) in [
        (
            c.stop_build_job("not-a-job-id", 1).await.map(|_| ()),
            "job_id",
        ),
        (c.stop_build_job(JOB, 0).await.map(|_| ()), "build_no"),
        (
            c.run_job(&RunJobRequest::new(JOB).parameter("PATH", "/tmp"))
                .await
                .map(|_| ()),
            "parameter.name",
        ),
        (
            c.show_list_history(JOB, &ListHistoryQuery::new(101, 7))
                .await
                .map(|_| ()),
            "limit",
        ),
        (
            c.show_job_list_by_project_id("short", 0, 10)
                .await
                .map(|_| ()),
            "project_id",
        ),
        (
            c.download_build_log("nope", None).await.map(|_| ()),
            "record_id",
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
}

/// A 200 answer that is not an envelope is a decode error with the gateway's request id (the id a support
/// ticket needs), never a default value.
#[tokio::test]
async fn a_malformed_envelope_is_a_decode_error_with_the_request_id() {
    let emu = emulator(Duration::from_millis(100)).await;
    let c = client(&emu, Auth::AkSk);
    emu.set_faults(FaultPlan::parse("GET /v1/job/*/running-status=malformed").expect("valid"));
    match c.show_running_status(JOB).await {
        Err(Error::Decode(e)) => {
            assert_eq!(e.operation, "ShowRunningStatus");
            assert_eq!(e.status.as_u16(), 200);
            let journaled = emu.journal().pop().expect("journaled");
            assert_eq!(e.request_id.as_deref(), Some(journaled.request_id.as_str()));
        }
        other => panic!("{other:?}"),
    }
    emu.set_faults(FaultPlan::none());
    assert!(c.show_running_status(JOB).await.is_ok());
}

#[tokio::test]
async fn waiter_deadline_is_a_typed_timeout() {
    let emu = emulator(Duration::from_secs(30)).await;
    let c = client(&emu, Auth::AkSk);
    let no = c
        .run_job(&RunJobRequest::new(JOB))
        .await
        .unwrap()
        .build_no()
        .unwrap();
    let cfg = WaitConfig::new(
        Duration::from_millis(20),
        Duration::from_millis(50),
        Duration::from_millis(300),
    );
    match wait::wait_for_build(&c, JOB, no, &cfg).await {
        Err(WaitError::Timeout {
            build_no,
            last_status,
            ..
        }) => {
            assert_eq!(build_no, no);
            assert_eq!(last_status, "queued");
        }
        other => panic!("{other:?}"),
    }
    let items: Vec<_> = wait::follow_log(&c, JOB, no, &cfg).collect().await;
    assert!(
        matches!(items.last(), Some(Err(WaitError::Timeout { .. }))),
        "{items:?}"
    );
}
