//! The job reducer's transitions.

use super::*;
use crate::api::AuthScheme;
use serde_json::json;

fn status(json: &str) -> QueueStatus {
    QueueStatus::from_json(json).unwrap()
}

fn submitted() -> Job {
    let mut j = Job::new(1, json!({"prompt":"p"}), "http://127.0.0.1:9", "fal-ai/m", 0.0);
    let next = j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r1","queue_position":2}"#)), 100.0, 0.5);
    assert_eq!(next, Next::Poll(500));
    j
}

fn http(code: u16) -> ApiError {
    ApiError::from_response(code, r#"{"detail":"d"}"#, None, None)
}

#[test]
fn a_submit_answer_starts_polling_with_built_urls() {
    let j = submitted();
    assert_eq!(j.phase, Phase::InQueue);
    assert_eq!(j.queue_position, Some(2));
    assert_eq!(j.request_id.as_deref(), Some("r1"));
    assert_eq!(j.endpoints.unwrap().status, "http://127.0.0.1:9/fal-ai/m/requests/r1/status?logs=1");
}

#[test]
fn a_submit_answer_without_an_id_fails_the_job() {
    let mut j = Job::new(1, json!({}), "http://h", "m", 0.0);
    assert_eq!(j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE"}"#)), 1.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Failed);
    assert_eq!(j.error.unwrap().kind, ErrorKind::Malformed);
}

#[test]
fn a_failed_submit_ends_the_job_without_retry() {
    for code in [401, 403, 422, 429, 500, 503] {
        let mut j = Job::new(1, json!({}), "http://h", "m", 0.0);
        assert_eq!(j.apply(Event::SubmitFailed(http(code)), 5.0, 0.5), Next::Stop, "{code}");
        assert_eq!(j.phase, Phase::Failed);
        assert_eq!(j.ended_at, Some(5.0));
        assert_eq!(j.requests.submit, 1);
    }
}

#[test]
fn the_queue_counts_down_then_runs_with_logs() {
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"IN_QUEUE","queue_position":0}"#)), 600.0, 0.5);
    assert_eq!(j.queue_position, Some(0));
    let n = j.apply(
        Event::Status(status(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"},{"message":"b"}]}"#)),
        12_000.0,
        0.5,
    );
    assert_eq!(n, Next::Poll(1_000), "slower after ten seconds");
    assert_eq!(j.phase, Phase::InProgress);
    assert_eq!(j.queue_position, None);
    assert_eq!(j.logs.len(), 2);
    // An answer without logs keeps what was shown.
    j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS","logs":null}"#)), 13_000.0, 0.5);
    assert_eq!(j.logs.len(), 2);
}

#[test]
fn completion_fetches_the_result_then_stops() {
    let mut j = submitted();
    let n = j.apply(Event::Status(status(r#"{"status":"COMPLETED","metrics":{"inference_time":7.4}}"#)), 900.0, 0.5);
    assert_eq!(n, Next::FetchResult(0));
    assert_eq!(j.phase, Phase::InProgress, "completed only once the images are in");
    assert_eq!(j.inference_time, Some(7.4));
    let out = EditOutput::from_json(r#"{"images":[{"url":"https://x/y.png"}],"seed":5}"#).unwrap();
    assert_eq!(j.apply(Event::Result(out), 1_000.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Completed);
    assert_eq!(j.output.as_ref().unwrap().seed, Some(5));
    assert_eq!(j.elapsed_ms(99_999.0), 1_000.0);
    assert_eq!(j.requests, RequestCount { submit: 1, status: 1, result: 1, cancel: 0 });
}

#[test]
fn a_failed_result_fails_the_job_with_its_message_and_fields() {
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"COMPLETED","error":"runner crashed"}"#)), 900.0, 0.5);
    let e = ApiError::from_response(422, r#"{"detail":[{"loc":["body","image_size"],"msg":"bad size"}]}"#, None, None);
    assert_eq!(j.apply(Event::ResultFailed(e), 1_000.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Failed);
    assert_eq!(j.error.as_ref().unwrap().field_errors[0].field, "image_size");
    // A result error with no detail of its own borrows the status's.
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"COMPLETED","error":"runner crashed"}"#)), 900.0, 0.5);
    j.apply(Event::ResultFailed(ApiError::from_response(400, "", None, None)), 1_000.0, 0.5);
    assert_eq!(j.error.unwrap().detail, "runner crashed");
}

#[test]
fn transient_poll_errors_back_off_and_recover() {
    let mut j = submitted();
    assert_eq!(j.apply(Event::StatusFailed(http(503)), 1_000.0, 0.5), Next::Poll(1_000));
    assert_eq!(j.apply(Event::StatusFailed(ApiError::network("offline")), 2_000.0, 0.5), Next::Poll(2_000));
    assert_eq!(j.apply(Event::StatusFailed(ApiError::unreadable(Problem::NotJson, "x")), 4_000.0, 0.5), Next::Poll(4_000));
    assert_eq!(j.retrying.as_ref().unwrap().0.kind, ErrorKind::Malformed);
    assert_eq!(j.retrying.as_ref().unwrap().1, 8_000.0);
    assert!(j.phase.is_active());
    j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 9_000.0, 0.5);
    assert_eq!((j.failures, j.retrying.clone()), (0, None));
    assert_eq!(j.apply(Event::StatusFailed(http(503)), 9_500.0, 0.5), Next::Poll(1_000), "the backoff starts over");
}

#[test]
fn retry_after_is_honoured() {
    let mut j = submitted();
    let e = ApiError::from_response(429, "", Some("2"), None);
    assert_eq!(j.apply(Event::StatusFailed(e.clone()), 1_000.0, 0.9), Next::Poll(2_000));
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 3_000.0, 0.5);
    assert_eq!(j.apply(Event::ResultFailed(e), 3_100.0, 0.9), Next::FetchResult(2_000));
}

#[test]
fn refusals_stop_polling() {
    for (code, phase) in [(401, Phase::Failed), (403, Phase::Failed), (400, Phase::Failed), (404, Phase::Lost)] {
        let mut j = submitted();
        assert_eq!(j.apply(Event::StatusFailed(http(code)), 1_000.0, 0.5), Next::Stop, "{code}");
        assert_eq!(j.phase, phase, "{code}");
        assert!(!j.phase.is_active());
    }
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 1_000.0, 0.5);
    j.apply(Event::ResultFailed(http(404)), 1_100.0, 0.5);
    assert_eq!(j.phase, Phase::Lost);
}

#[test]
fn unknown_statuses_keep_the_job_running() {
    let mut j = submitted();
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"WARMING"}"#)), 700.0, 0.5), Next::Poll(500));
    assert_eq!(j.raw_status.as_deref(), Some("WARMING"));
    assert!(j.phase.is_active());
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"CANCELLED"}"#)), 800.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Cancelled);
}

#[test]
fn cancel_then_the_end_tells_what_happened() {
    let mut j = submitted();
    assert!(j.can_cancel());
    assert_eq!(j.apply(Event::CancelSent, 700.0, 0.5), Next::Continue);
    assert!(!j.can_cancel());
    j.apply(Event::CancelAnswered(Ok(CancelAnswer::Requested)), 750.0, 0.5);
    assert_eq!(j.cancel, CancelState::Requested);
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 1_000.0, 0.5), Next::FetchResult(0));
    j.apply(Event::ResultFailed(http(400)), 1_100.0, 0.5);
    assert_eq!(j.phase, Phase::Cancelled);
    assert_eq!(j.requests.cancel, 1);

    // Too late: the images came anyway.
    let mut j = submitted();
    j.apply(Event::CancelSent, 700.0, 0.5);
    j.apply(Event::CancelAnswered(CancelAnswer::from_response(400, r#"{"status":"ALREADY_COMPLETED"}"#)), 750.0, 0.5);
    assert_eq!(j.cancel, CancelState::TooLate);
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 800.0, 0.5);
    j.apply(Event::Result(EditOutput::from_json(r#"{"images":[{"url":"u"}]}"#).unwrap()), 900.0, 0.5);
    assert_eq!(j.phase, Phase::Completed);

    // A failed cancel request leaves the job running and can be retried.
    let mut j = submitted();
    j.apply(Event::CancelSent, 700.0, 0.5);
    j.apply(Event::CancelAnswered(Err(ApiError::network("x"))), 750.0, 0.5);
    assert!(matches!(j.cancel, CancelState::Error(_)));
    assert!(j.can_cancel());
    assert!(j.phase.is_active());
}

#[test]
fn late_answers_after_the_end_are_ignored() {
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"CANCELLED"}"#)), 800.0, 0.5);
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 900.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Cancelled);
}

#[test]
fn streaming_appends_logs_and_falls_back_to_polling() {
    let mut j = Job::new(1, json!({}), "http://h", "m", 0.0);
    j.stream = true;
    let n = j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(n, Next::Stream);
    let ev = |s: &str| Event::Streamed(status(s));
    assert_eq!(j.apply(ev(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#), 20.0, 0.5), Next::Continue);
    assert_eq!(j.apply(ev(r#"{"status":"IN_PROGRESS","logs":[{"message":"b"},{"message":"c"}]}"#), 30.0, 0.5), Next::Continue);
    assert_eq!(j.logs.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(), ["a", "b", "c"], "appended");
    // The stream closes early: polling takes over at once, for good.
    assert_eq!(j.apply(Event::StreamEnded(None), 40.0, 0.5), Next::Poll(0));
    assert!(j.stream_failed);
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 50.0, 0.5), Next::Poll(500));
    assert_eq!(j.logs.len(), 3, "a poll without logs keeps them");
}

#[test]
fn a_completed_stream_fetches_the_result_and_a_failed_one_is_classified() {
    let mut j = Job::new(1, json!({}), "http://h", "m", 0.0);
    j.stream = true;
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(j.apply(Event::Streamed(status(r#"{"status":"COMPLETED"}"#)), 20.0, 0.5), Next::FetchResult(0));

    let mut j = Job::new(2, json!({}), "http://h", "m", 0.0);
    j.stream = true;
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(j.apply(Event::StreamEnded(Some(http(503))), 20.0, 0.5), Next::Poll(1_000), "backoff, then polls");
    assert!(j.stream_failed);
    let mut j = Job::new(3, json!({}), "http://h", "m", 0.0);
    j.stream = true;
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(j.apply(Event::StreamEnded(Some(http(401))), 20.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Failed);
}

#[test]
fn jobs_round_trip_through_json_and_old_records_load() {
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#)), 700.0, 0.5);
    let text = serde_json::to_string(&j).unwrap();
    let back: Job = serde_json::from_str(&text).unwrap();
    assert_eq!(back, j);
    // A record written before the stream and scheme fields existed.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in ["scheme", "stream", "stream_failed", "failures", "retry", "requests", "updated_at"] {
        v.as_object_mut().unwrap().remove(f);
    }
    let old: Job = serde_json::from_value(v).unwrap();
    assert_eq!((old.scheme, old.stream, old.request_id.as_deref()), (AuthScheme::Bearer, false, Some("r1")));
}
