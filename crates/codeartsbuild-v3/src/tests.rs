//! Unit tests: documented examples decode, envelopes fail loudly, the mock works, waiters and streams behave.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use http::Method;

use crate::client::{MockCodeArtsBuildApi, unwrap_envelope};
use crate::model::*;
use crate::operations;
use crate::wait::{self, WaitConfig, WaitError};
use crate::{CodeArtsBuildApi, Error};

const JOB: &str = "f9d6c8466d614a9788e9a0acf6c15f46";

// --- Documented examples, copied verbatim from the reference --------------------------------------------------

#[test]
fn seed_stop_job_request_and_response() {
    let body = StopJobBody {
        job_id: "f9d6c8466d614a9788e9a0acf6c15f46",
        build_no: 20.to_string(),
    };
    // The documented body `{"job_id": "f9d6c8466d614a9788e9a0acf6c15f46", "build_no": "20"}`, compact.
    let expected: serde_json::Value =
        serde_json::from_str(r#"{"job_id": "f9d6c8466d614a9788e9a0acf6c15f46", "build_no": "20"}"#)
            .unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), expected);
    assert!(
        serde_json::to_string(&body)
            .unwrap()
            .contains(r#""build_no":"20""#)
    );
    let r: StopJobResponse = serde_json::from_str(r#"{ "result" : true }"#).unwrap();
    assert!(r.result);
    let r: StopJobResponse = serde_json::from_str(r#"{"result": false}"#).unwrap();
    assert!(!r.result);
}

#[test]
fn stop_build_job_example() {
    let r: StopBuildJobResponse =
        serde_json::from_str(r#"{"success": true, "result": ""}"#).unwrap();
    assert!(r.success);
    assert_eq!(r.result.as_deref(), Some(""));
}

#[test]
fn run_job_example_and_wire_body() {
    let r: RunJobResponse = serde_json::from_str(
        r#"{"octopus_job_name": "j_WfRE6eOY", "actual_build_number": "55", "daily_build_number": "20200825.1"}"#,
    )
    .unwrap();
    assert_eq!(r.octopus_job_name.as_deref(), Some("j_WfRE6eOY"));
    assert_eq!(r.actual_build_number.as_deref(), Some("55"));
    assert_eq!(r.build_no(), Some(55));
    assert_eq!(r.daily_build_number.as_deref(), Some("20200825.1"));
    // A number where a string is documented is accepted too.
    let r: RunJobResponse = serde_json::from_str(r#"{"actual_build_number": 56}"#).unwrap();
    assert_eq!(r.build_no(), Some(56));

    let req = RunJobRequest::new("job-abc123").parameter("branch", "master");
    let expected: serde_json::Value = serde_json::from_str(
        r#"{"job_id": "job-abc123", "parameter": [{"name": "branch", "value": "master"}]}"#,
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&req).unwrap(), expected);
    let with_scm = RunJobRequest::new(JOB).scm(Scm::new().build_tag("v1"));
    assert_eq!(
        serde_json::to_string(&with_scm).unwrap(),
        format!(r#"{{"job_id":"{JOB}","scm":{{"build_tag":"v1"}}}}"#)
    );
}

#[test]
fn show_running_status_example() {
    let raw = r#"{"result": {"last_job_id": "c798139500d2456d82d95d108f182b5a", "last_build_no": "9", "last_build_status": "Finished", "is_running": false}, "error": null, "status": "success"}"#;
    let s: RunningStatus = unwrap_envelope(
        &operations::SHOW_RUNNING_STATUS,
        &head_200(),
        raw.as_bytes(),
    )
    .unwrap();
    assert_eq!(
        s.last_job_id.as_deref(),
        Some("c798139500d2456d82d95d108f182b5a")
    );
    assert_eq!(s.last_build_no.as_deref(), Some("9"));
    assert_eq!(s.build_no(), Some(9));
    assert_eq!(s.last_build_status, Some(LastBuildStatus::Finished));
    assert!(!s.is_running);
}

#[test]
fn other_documented_shapes_decode() {
    let s: ShowJobStatusResponse = serde_json::from_str(r#"{"result": true}"#).unwrap();
    assert!(s.result);
    let s: StopTheJobResponse = serde_json::from_str(r#"{"status": "success"}"#).unwrap();
    assert_eq!(s.status.as_deref(), Some("success"));
    let step: JobStepStatus = serde_json::from_str(
        r#"{"status": "running", "abort_status": "aborted", "label": "default-x86-2u8g"}"#,
    )
    .unwrap();
    assert!(step.is_aborted() && step.is_final());
    let d: HistoryDetails = serde_json::from_str(
        r#"{"job_name": "demo", "build_number": 3, "project_id": "p", "project_name": "n", "parameters": {"a": "*"},
            "build_steps": [{"name": "checkout", "status": "success", "build_time": 1200}, {"name": "build", "status": "", "build_time": 0}],
            "unknown_new_field": {"x": 1}}"#,
    )
    .unwrap();
    assert_eq!(d.build_number, Some(3));
    assert_eq!(d.build_steps[0].status, Some(StepStatus::Success));
    assert_eq!(d.build_steps[1].status, Some(StepStatus::NotRun));
    let h: HistoryPage = serde_json::from_str(
        r#"{"history_records": [{"record_id": "0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f", "job_id": "j", "build_number": 2,
            "start_time": "2025-11-14 08:00:42", "end_time": "", "result": "running"}], "total": 1}"#,
    )
    .unwrap();
    assert_eq!(
        h.history_records[0]
            .start_time
            .as_ref()
            .unwrap()
            .unix_seconds,
        Some(1_763_107_242)
    );
    assert!(h.history_records[0].end_time.as_ref().unwrap().is_unset());
    let jobs: JobPage = serde_json::from_str(
        r#"{"jobs": [{"id": "x", "job_name": "n", "last_build_time": 1700000000000.0, "health_score": 90,
            "trigger_type": "code update", "is_finished": true}], "total": 1}"#,
    )
    .unwrap();
    assert_eq!(jobs.jobs[0].trigger_type, Some(TriggerType::CodeUpdate));
    let log: RealTimeLog = serde_json::from_str(
        r#"{"has_more_data": true, "offset": 12, "content": "", "current_offset": 12}"#,
    )
    .unwrap();
    assert!(log.has_more_data && log.content.is_empty());
    let out: OutputInfo = serde_json::from_str(
        r#"{"package_info": {"name": "a.jar", "uri": "obs://x"}, "package_infos": null, "image_infos": {"img": {"type": "docker"}}}"#,
    )
    .unwrap();
    assert_eq!(out.image_infos["img"].r#type.as_deref(), Some("docker"));
    let rec: RecordDetail = serde_json::from_str(
        r#"{"build_no": 4, "duration": 12.5, "build_config_type": "YAML", "status": "success"}"#,
    )
    .unwrap();
    assert_eq!(rec.duration, Some(12));
    assert_eq!(rec.build_config_type, Some(BuildConfigType::Yaml));
}

#[test]
fn enums_round_trip_unknown_values() {
    for raw in ["\"success\"", "\"SUCCESS\"", "\"brand-new\"", "\"\""] {
        let s: BuildStatus = serde_json::from_str(raw).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), raw);
    }
    assert_eq!(
        BuildStatus::from_wire("SUCCESS"),
        BuildStatus::Unknown("SUCCESS".into())
    );
    assert!(BuildStatus::from_wire("SUCCESS").is_final());
    assert!(BuildStatus::from_wire("FAILURE").is_final());
    assert!(!BuildStatus::from_wire("building").is_final());
    let s: LastBuildStatus = serde_json::from_str("\"Paused\"").unwrap();
    assert_eq!(s, LastBuildStatus::Unknown("Paused".into()));
}

/// A 200 answer head with a request id, as the gateway sends it.
fn head_200() -> http::response::Parts {
    http::Response::builder()
        .header("x-request-id", "req-42")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn unwrap_json<T: serde::de::DeserializeOwned>(
    op: &'static hwcloud_transport::OperationSpec,
    body: serde_json::Value,
) -> Result<T, Error> {
    unwrap_envelope(op, &head_200(), body.to_string().as_bytes())
}

#[test]
fn envelope_failures_are_errors() {
    let op = &operations::SHOW_JOB_INFO;
    let fail = serde_json::json!({"result": null, "error": "job not found", "status": "fail"});
    let e = unwrap_json::<JobInfo>(op, fail).unwrap_err();
    match &e {
        Error::Service(s) => {
            assert_eq!(s.operation, "ShowJobInfo");
            assert!(s.raw_body.contains("job not found"), "{s:?}");
            assert_eq!(s.request_id.as_deref(), Some("req-42"));
        }
        other => panic!("{other:?}"),
    }
    let coded = serde_json::json!({"status": "fail", "error": {"error_code": "CB.00060200", "error_msg": "Invalid param"}});
    let e = unwrap_json::<JobInfo>(op, coded).unwrap_err();
    assert_eq!(e.code(), Some("CB.00060200"));
    assert_eq!(e.request_id(), Some("req-42"));
    // `status` other than success fails even with a result; an error without a result fails without a status.
    let odd_status = serde_json::json!({"status": "error", "result": {"id": "x"}});
    assert!(matches!(
        unwrap_json::<JobInfo>(op, odd_status),
        Err(Error::Service(_))
    ));
    let error_only = serde_json::json!({"error": {"error_code": "CB.1", "error_msg": "m"}});
    assert_eq!(
        unwrap_json::<JobInfo>(op, error_only).unwrap_err().code(),
        Some("CB.1")
    );
    let missing = serde_json::json!({"status": "success", "error": null});
    let e = unwrap_json::<JobInfo>(op, missing).unwrap_err();
    assert!(e.to_string().contains("no `result`"), "{e}");
    assert_eq!(e.request_id(), Some("req-42"));
    // An empty error beside a result is no error.
    let ok = serde_json::json!({"status": "success", "error": {}, "result": {"id": "x", "job_name": "n"}});
    assert_eq!(
        unwrap_json::<JobInfo>(op, ok).unwrap().job_name.as_deref(),
        Some("n")
    );
}

#[test]
fn envelope_results_that_do_not_decode_name_the_field() {
    let op = &operations::SHOW_JOB_INFO;
    let bad = serde_json::json!({"status": "success", "result": {"id": "x", "job_name": 7}});
    match unwrap_json::<JobInfo>(op, bad).unwrap_err() {
        Error::Decode(d) => {
            assert_eq!(d.path, "result.job_name");
            assert_eq!(d.operation, "ShowJobInfo");
            assert_eq!(d.request_id.as_deref(), Some("req-42"));
        }
        other => panic!("{other:?}"),
    }
    // A body that is not an envelope at all is a decode error too, not a silent default.
    let e = unwrap_envelope::<JobInfo>(op, &head_200(), b"<html>busy</html>").unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e:?}");
}

#[test]
fn operation_table_matches_reference() {
    assert_eq!(operations::STOP_JOB.method, Method::POST);
    assert_eq!(operations::STOP_JOB.path, "/v3/jobs/stop");
    assert_eq!(operations::STOP_THE_JOB.path, "/v1/job/{job_id}/stop");
    assert_eq!(
        operations::DOWNLOAD_BUILD_LOG.path,
        "/v4/{record_id}/download-log"
    );
    assert_eq!(operations::ALL.len(), 17);
}

// --- Mocking ----------------------------------------------------------------------------------------------------

/// Code written against the trait works with the mock: this is how users test their own code.
async fn stop_latest<A: CodeArtsBuildApi + ?Sized>(api: &A, job_id: &str) -> Result<bool, Error> {
    let status = api.show_running_status(job_id).await?;
    match (status.is_running, status.build_no()) {
        (true, Some(n)) => Ok(api.stop_build_job(job_id, n).await?.success),
        _ => Ok(false),
    }
}

fn running(no: &str) -> RunningStatus {
    serde_json::from_value(serde_json::json!({"last_build_no": no, "is_running": true})).unwrap()
}

#[tokio::test]
async fn mock_client_drives_user_code() {
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_show_running_status()
        .withf(|job| job == JOB)
        .times(1)
        .returning(|_| Ok(running("7")));
    mock.expect_stop_build_job()
        .withf(|job, n| job == JOB && *n == 7)
        .times(1)
        .returning(|_, _| Ok(serde_json::from_str(r#"{"success": true, "result": ""}"#).unwrap()));
    assert!(stop_latest(&mock, JOB).await.unwrap());

    let mut idle = MockCodeArtsBuildApi::new();
    idle.expect_show_running_status().returning(|_| {
        Ok(serde_json::from_str(r#"{"last_build_no": "7", "is_running": false}"#).unwrap())
    });
    idle.expect_stop_build_job().never();
    assert!(!stop_latest(&idle, JOB).await.unwrap());
}

// --- Waiters and streams (virtual time) ---------------------------------------------------------------------

fn step(status: &str) -> JobStepStatus {
    serde_json::from_value(serde_json::json!({"status": status, "abort_status": "", "label": "x"}))
        .unwrap()
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
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_show_job_step_status()
        .withf(|job, n| job == JOB && *n == Some(3))
        .returning(move |_, _| {
            let i = c.fetch_add(1, Ordering::SeqCst);
            Ok(step(match i {
                0 => "queued",
                1..=3 => "running",
                _ => "success",
            }))
        });
    let start = tokio::time::Instant::now();
    let done = wait::wait_for_build(&mock, JOB, 3, &fast()).await.unwrap();
    assert_eq!(done.status, Some(BuildStatus::Success));
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    // Delays 1 + 2 + 4 + 8 s of virtual time between the five polls.
    assert_eq!(start.elapsed(), Duration::from_secs(15));
}

#[tokio::test(start_paused = true)]
async fn waiter_times_out_with_typed_error() {
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_show_job_step_status()
        .returning(|_, _| Ok(step("running")));
    let cfg = fast().timeout(Duration::from_secs(30));
    match wait::wait_for_build(&mock, JOB, 3, &cfg).await {
        Err(WaitError::Timeout {
            build_no,
            last_status,
            waited,
            ..
        }) => {
            assert_eq!(build_no, 3);
            assert_eq!(last_status, "running");
            assert_eq!(waited, Duration::from_secs(30));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn waiter_passes_service_errors_through() {
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_show_job_step_status()
        .returning(|_, _| Err(Error::invalid_input("job_id", "bad")));
    assert!(matches!(
        wait::wait_for_build(&mock, JOB, 3, &fast()).await,
        Err(WaitError::Api(Error::InvalidInput(_)))
    ));
}

#[tokio::test(start_paused = true)]
async fn log_follower_reads_until_final_and_drained() {
    // (offset the follower must ask for, content, next offset, has_more_data)
    let script: Vec<(u64, &str, i64, bool)> = vec![
        (0, "line 1\n", 7, true),
        (7, "", 7, true), // running, nothing new: poll again later
        (7, "line 2\n", 14, false),
        (14, "", 14, false), // drained, build still running (status poll 1)
        (14, "", 14, false), // drained, build final (status poll 2) -> one more read
        (14, "line 3\n", 21, false), // written as the build finished
        (21, "", 21, false), // drained after final: end
    ];
    let reads = Arc::new(std::sync::Mutex::new(script.into_iter()));
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_download_real_time_log()
        .times(7)
        .returning(move |job, no, offset, _| {
            let (want, content, next, more) = reads
                .lock()
                .unwrap()
                .next()
                .expect("no more scripted reads");
            assert_eq!((job, no, offset), (JOB, 1, want));
            Ok(serde_json::from_value(serde_json::json!({
                "has_more_data": more, "offset": next, "content": content, "current_offset": offset
            }))
            .unwrap())
        });
    let polls = Arc::new(AtomicU32::new(0));
    let p = polls.clone();
    mock.expect_show_job_step_status()
        .times(2)
        .returning(move |_, _| {
            let i = p.fetch_add(1, Ordering::SeqCst);
            Ok(step(if i == 0 { "running" } else { "success" }))
        });
    let chunks: Vec<_> = wait::follow_log(&mock, JOB, 1, &fast()).collect().await;
    let texts: Vec<String> = chunks.into_iter().map(Result::unwrap).collect();
    assert_eq!(texts, ["line 1\n", "line 2\n", "line 3\n"]);
}

#[tokio::test(start_paused = true)]
async fn log_follower_times_out() {
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_download_real_time_log()
        .returning(|_, _, offset, _| {
            Ok(serde_json::from_value(
                serde_json::json!({"has_more_data": true, "offset": offset, "content": ""}),
            )
            .unwrap())
        });
    let items: Vec<_> = wait::follow_log(&mock, JOB, 1, &fast().timeout(Duration::from_secs(20)))
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Err(WaitError::Timeout { .. })));
}

fn history(offset: u32, n: u32, total: u64) -> HistoryPage {
    let records: Vec<_> = (offset..offset + n)
        .map(|i| serde_json::json!({"record_id": format!("r{i}"), "build_number": i + 1}))
        .collect();
    serde_json::from_value(serde_json::json!({"history_records": records, "total": total})).unwrap()
}

#[tokio::test]
async fn history_stream_pages_until_total() {
    let mut mock = MockCodeArtsBuildApi::new();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    mock.expect_show_list_history().returning(move |job, q| {
        assert_eq!(job, JOB);
        s.lock().unwrap().push(q.offset);
        // 25 records in pages of 10: the last page is short.
        Ok(history(q.offset, 10.min(25 - q.offset), 25))
    });
    let all: Vec<_> = wait::list_history(&mock, JOB, ListHistoryQuery::new(10, 7))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(all.len(), 25);
    assert_eq!(all[24].build_number, Some(25));
    assert_eq!(*seen.lock().unwrap(), [0, 10, 20]);

    // Exactly full pages: stops on `total` without an extra empty request.
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_show_list_history()
        .times(2)
        .returning(|_, q| Ok(history(q.offset, 10, 20)));
    let n = wait::list_history(&mock, JOB, ListHistoryQuery::new(10, 7))
        .count()
        .await;
    assert_eq!(n, 20);
}

#[tokio::test]
async fn job_streams_page_and_stop_on_error() {
    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_list_project_jobs().returning(|_, q| {
        if q.page_index == 2 {
            return Err(Error::invalid_input("page_index", "boom"));
        }
        let jobs: Vec<_> = (0..q.page_size)
            .map(|i| serde_json::json!({"id": format!("{}-{i}", q.page_index)}))
            .collect();
        Ok(serde_json::from_value(serde_json::json!({"jobs": jobs, "total": 100})).unwrap())
    });
    let items: Vec<_> = wait::list_project_jobs(&mock, JOB, ListProjectJobsQuery::new(0, 5))
        .collect()
        .await;
    assert_eq!(items.len(), 11);
    assert!(items[..10].iter().all(Result::is_ok));
    assert!(items[10].is_err());

    let mut mock = MockCodeArtsBuildApi::new();
    mock.expect_show_job_list_by_project_id()
        .returning(|_, index, size| {
            let n = if index == 0 { size } else { 1 };
            let jobs: Vec<_> = (0..n)
                .map(|i| serde_json::json!({"id": format!("{index}-{i}")}))
                .collect();
            Ok(serde_json::from_value(serde_json::json!({"jobs": jobs})).unwrap())
        });
    let ids: Vec<_> = wait::show_job_list_by_project_id(&mock, JOB, 0, 3)
        .map(|j| j.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, ["0-0", "0-1", "0-2", "1-0"]);
}
