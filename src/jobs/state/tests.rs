//! The job reducer's transitions.

use super::*;
use crate::api::error::Problem;
use crate::api::status::CancelAnswer;
use crate::api::ErrorKind;
use crate::jobs::route::Op;
use crate::api::QueueStatus;

use serde_json::json;

pub(super) fn status(json: &str) -> QueueStatus {
    QueueStatus::from_json(json).unwrap()
}

/// A new job whose submit is on its way.
pub(super) fn fresh(id: u64, stream: bool) -> Job {
    let mut j = Job::new(NewJob { stream, ..NewJob::polled(id, json!({"prompt":"p"}), "http://127.0.0.1:9", "fal-ai/m", "tab-a") }, 0.0);
    assert_eq!(j.phase, Phase::Waiting, "a new job waits for its turn");
    assert_eq!(j.apply(Event::Sending, 0.0, 0.5), Next::Continue);
    assert_eq!(j.phase, Phase::Submitting);
    j
}

pub(super) fn submitted() -> Job {
    let mut j = fresh(1, false);
    let next = j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r1","queue_position":2}"#)), 100.0, 0.5);
    assert_eq!(next, Next::Poll(500));
    j
}

/// A job submitted to a relay that returns the seed's renamed model path.
pub(super) fn seed_style() -> Job {
    let mut j = Job::new(NewJob::polled(1, json!({}), "https://relay.example", "fal-ai/qwen-image-edit-plus", "tab-a"), 0.0);
    let answer = r#"{"status":"IN_QUEUE","request_id":"r1",
        "status_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/r1/status",
        "response_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/r1",
        "cancel_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/r1/cancel"}"#;
    j.apply(Event::Submitted(status(answer)), 100.0, 0.5);
    j
}

pub(super) fn http(code: u16) -> ApiError {
    ApiError::from_response(code, r#"{"detail":"d"}"#, None, None)
}

pub(super) fn target(j: &Job, n: Next) -> (Op, String) {
    j.target(n).unwrap()
}

pub(super) fn out() -> EditOutput {
    EditOutput::from_json(r#"{"images":[{"url":"https://x/y.png"}],"seed":5}"#).unwrap()
}

#[test]
fn a_submit_answer_starts_polling_with_built_urls() {
    let j = submitted();
    assert_eq!(j.phase, Phase::InQueue);
    assert_eq!(j.queue_position, Some(2));
    assert_eq!(j.request_id.as_deref(), Some("r1"));
    assert_eq!(j.owner.as_deref(), Some("tab-a"));
    assert_eq!(target(&j, Next::Poll(500)), (Op::Status, "http://127.0.0.1:9/fal-ai/m/requests/r1/status?logs=1".into()));
}

#[test]
fn a_submit_answer_without_a_usable_id_fails_the_job() {
    for answer in [r#"{"status":"IN_QUEUE"}"#, r#"{"status":"IN_QUEUE","request_id":".."}"#, r#"{"status":"IN_QUEUE","request_id":"a/b"}"#] {
        let mut j = fresh(1, false);
        assert_eq!(j.apply(Event::Submitted(status(answer)), 1.0, 0.5), Next::Stop);
        assert_eq!(j.phase, Phase::Failed);
        let e = j.error.unwrap();
        assert_eq!((e.kind, e.problem), (ErrorKind::Malformed, Some(Problem::BadRequestId)));
        assert!(j.endpoints.is_none(), "nothing is built from a bad id");
    }
}

#[test]
fn a_failed_submit_ends_the_job_without_retry() {
    for code in [401, 403, 422, 500, 503] {
        let mut j = fresh(1, false);
        assert_eq!(j.apply(Event::SubmitFailed(http(code)), 5.0, 0.5), Next::Stop, "{code}");
        assert_eq!(j.phase, Phase::Failed);
        assert_eq!(j.ended_at, Some(5.0));
    }
}

#[test]
fn a_submit_cut_off_by_a_reload_is_lost_and_never_resent() {
    let mut j = fresh(1, false);
    assert_eq!(j.apply(Event::Interrupted, 9.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Lost);
    assert_eq!(j.error.unwrap().kind, ErrorKind::Interrupted);
    let mut j = submitted();
    assert_eq!(j.apply(Event::Interrupted, 9.0, 0.5), Next::Continue, "a job with a ticket is not interrupted");
    assert_eq!(j.phase, Phase::InQueue);
}

#[test]
fn a_429_on_the_submit_sends_the_same_body_again_after_the_wait() {
    let mut j = fresh(1, false);
    let e = ApiError::from_response(429, "", Some("3"), None);
    assert_eq!(j.apply(Event::SubmitFailed(e.clone()), 10.0, 0.5), Next::Resend(3_000), "Retry-After");
    assert_eq!((j.phase, j.failures, j.retrying.clone()), (Phase::Submitting, 1, Some((e, 3_010.0))));
    // Cut off while it waits to resend: nothing was accepted.
    let mut cut = j.clone();
    cut.apply(Event::Interrupted, 20.0, 0.5);
    assert_eq!((cut.phase, cut.error.map(|e| e.kind)), (Phase::Failed, Some(ErrorKind::NotSent)));
    // Without Retry-After: the backoff.
    let Next::Resend(ms) = j.apply(Event::SubmitFailed(ApiError::from_response(429, "", None, None)), 3_010.0, 0.5) else { panic!() };
    assert!((1_000..=60_000).contains(&ms), "{ms}");
    assert_eq!(j.apply(Event::Sending, 5_000.0, 0.5), Next::Continue);
    assert_eq!(j.retrying, None, "the resend is on its way");
    let n = j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r1"}"#)), 5_100.0, 0.5);
    assert!(matches!(n, Next::Poll(_)));
    assert_eq!((j.phase, j.failures), (Phase::InQueue, 0));
    // Ten minutes of 429s: shown, not sent again.
    let mut j = fresh(2, false);
    j.apply(Event::SubmitFailed(ApiError::from_response(429, "", None, None)), 0.0, 0.5);
    assert_eq!(j.apply(Event::SubmitFailed(ApiError::from_response(429, "", None, None)), PARK_AFTER_MS, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Failed);
}

#[test]
fn a_job_waiting_for_its_turn_is_withdrawn_or_marked_not_sent() {
    let new = || Job::new(NewJob::polled(1, json!({}), "http://127.0.0.1:9", "fal-ai/m", "tab-a"), 0.0);
    let mut j = new();
    assert!(j.phase.is_active() && j.phase.is_unsent() && !j.can_cancel());
    assert_eq!(j.apply(Event::Withdrawn, 5.0, 0.5), Next::Stop);
    assert_eq!((j.phase, j.ended_at), (Phase::Cancelled, Some(5.0)));
    let mut j = new();
    j.apply(Event::Interrupted, 5.0, 0.5);
    assert_eq!((j.phase, j.error.map(|e| e.kind)), (Phase::Failed, Some(ErrorKind::NotSent)));
    // Once sent, a withdrawal changes nothing (a cancel is a request).
    let mut j = fresh(1, false);
    assert_eq!(j.apply(Event::Withdrawn, 5.0, 0.5), Next::Continue);
    assert_eq!(j.phase, Phase::Submitting);
}

#[test]
fn uploads_replace_a_waiting_jobs_pictures_and_the_history_keeps_the_url() {
    let (a, b) = ("data:image/png;base64,AAAA", "data:image/jpeg;base64,BBBB");
    let body = json!({"prompt": "p", "image_urls": [a, "https://x/y.png", b]});
    let mut j = Job::new(NewJob::polled(1, body, "http://127.0.0.1:9", "fal-ai/m", "tab-a"), 0.0);
    let up = Event::Uploaded(vec![(a.to_string(), "https://v3.fal.media/files/a.png".to_string())]);
    assert_eq!(j.apply(up.clone(), 1.0, 0.5), Next::Continue);
    assert_eq!(j.body["image_urls"], json!(["https://v3.fal.media/files/a.png", "https://x/y.png", b]));
    // The history keeps the uploaded URL; what stayed inline is a placeholder.
    let stored = crate::jobs::history::storable(&j);
    assert!(!crate::jobs::history::can_resend(&stored.body), "not yet: one picture is still local");
    assert_eq!(stored.body["image_urls"], json!(["https://v3.fal.media/files/a.png", "https://x/y.png", crate::jobs::history::LOCAL_PLACEHOLDER]));
    // Once sent, the body is what was sent: nothing changes it.
    let mut sent = Job::new(NewJob::polled(2, json!({"image_urls": [a]}), "http://127.0.0.1:9", "fal-ai/m", "tab-a"), 0.0);
    sent.apply(Event::Sending, 1.0, 0.5);
    sent.apply(up, 2.0, 0.5);
    assert_eq!(sent.body["image_urls"], json!([a]));
}

#[test]
fn the_queue_counts_down_then_runs_with_logs() {
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"IN_QUEUE","queue_position":0}"#)), 600.0, 0.5);
    assert_eq!(j.queue_position, Some(0));
    let n = j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"},{"message":"b"}]}"#)), 12_000.0, 0.5);
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
    assert_eq!(target(&j, n), (Op::Result, "http://127.0.0.1:9/fal-ai/m/requests/r1".into()));
    assert_eq!(j.phase, Phase::InProgress, "completed only once the images are in");
    assert_eq!(j.inference_time, Some(7.4));
    assert_eq!(j.apply(Event::Result(out()), 1_000.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Completed);
    assert_eq!(j.output.as_ref().unwrap().seed, Some(5));
    assert_eq!(j.elapsed_ms(99_999.0), 1_000.0);
}

#[test]
fn what_is_kept_of_the_images_counts_only_for_a_completed_job() {
    let mut j = submitted();
    assert_eq!(j.apply(Event::Kept(Kept::Copies(10)), 500.0, 0.5), Next::Stop);
    assert_eq!((j.kept, j.phase), (None, Phase::InQueue), "a running job has nothing to keep, and runs on");
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 900.0, 0.5);
    j.apply(Event::Result(out()), 1_000.0, 0.5);
    assert_eq!(j.apply(Event::Kept(Kept::Copies(2_048)), 1_100.0, 0.5), Next::Stop);
    assert_eq!((j.kept, j.phase), (Some(Kept::Copies(2_048)), Phase::Completed));
    j.apply(Event::Kept(Kept::Freed), 1_200.0, 0.5);
    assert_eq!(j.kept, Some(Kept::Freed));
    assert_eq!(serde_json::from_value::<Job>(serde_json::to_value(&j).unwrap()).unwrap().kept, Some(Kept::Freed), "kept with the history");
    let mut cancelled = submitted();
    cancelled.apply(Event::Status(status(r#"{"status":"CANCELLED"}"#)), 900.0, 0.5);
    cancelled.apply(Event::Kept(Kept::LinkOnly), 1_000.0, 0.5);
    assert_eq!(cancelled.kept, None);
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
    assert_eq!((j.failures, j.retrying.clone(), j.failing_since), (0, None, None));
    assert_eq!(j.apply(Event::StatusFailed(http(503)), 9_500.0, 0.5), Next::Poll(1_000), "the backoff starts over");
}

#[test]
fn retry_after_is_honoured_with_a_floor_of_one_second() {
    let mut j = submitted();
    let e = ApiError::from_response(429, "", Some("2"), None);
    assert_eq!(j.apply(Event::StatusFailed(e.clone()), 1_000.0, 0.9), Next::Poll(2_000));
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 3_000.0, 0.5);
    assert_eq!(j.apply(Event::ResultFailed(e), 3_100.0, 0.9), Next::FetchResult(2_000));
    for v in ["0", "-3", "soon", "0.001"] {
        let mut j = submitted();
        let e = ApiError::from_response(429, "", Some(v), None);
        assert_eq!(j.apply(Event::StatusFailed(e), 1_000.0, 0.0), Next::Poll(1_000), "Retry-After: {v}");
    }
}

#[test]
fn ten_minutes_of_failures_park_the_job_until_resumed() {
    let mut j = submitted();
    let mut t = 1_000.0;
    let mut n = j.apply(Event::StatusFailed(http(503)), t, 0.5);
    while let Next::Poll(ms) = n {
        t += ms as f64;
        n = j.apply(Event::StatusFailed(if (t as u64).is_multiple_of(2) { ApiError::network("x") } else { http(502) }), t, 0.5);
        assert!(t < 1_000.0 + PARK_AFTER_MS + 31_000.0, "parks in time");
    }
    assert_eq!(n, Next::Stop);
    assert!(t >= 1_000.0 + PARK_AFTER_MS, "not before ten minutes: {t}");
    assert!(matches!(j.paused, Some(Pause::Parked(_))));
    assert_eq!(j.phase, Phase::InQueue, "it keeps its phase");
    assert!(j.retrying.is_none());
    assert!(!j.can_cancel());
    // Late answers do not restart it; the person does.
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), t + 1.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::InQueue);
    assert_eq!(j.apply(Event::Resumed { owner: "tab-a".into(), known: Known::default() }, t + 2.0, 0.5), Next::Poll(0));
    assert_eq!(j.paused, None);
    assert_eq!(j.apply(Event::StatusFailed(http(503)), t + 3.0, 0.5), Next::Poll(1_000), "a fresh run of failures");
}

#[test]
fn a_refused_key_while_following_pauses_the_job_in_its_phase() {
    for code in [401, 403] {
        let mut j = submitted();
        j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 600.0, 0.5);
        assert_eq!(j.apply(Event::StatusFailed(http(code)), 1_000.0, 0.5), Next::Stop, "{code}");
        assert_eq!(j.phase, Phase::InProgress, "{code}: keeps its phase");
        assert!(matches!(&j.paused, Some(Pause::KeyRefused(e)) if e.status == Some(code)));
        assert!(j.error.is_none(), "not an error of the job");
        assert_eq!(j.apply(Event::Resumed { owner: "tab-a".into(), known: Known::default() }, 2_000.0, 0.5), Next::Poll(0));
        assert_eq!(j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 2_500.0, 0.5), Next::FetchResult(0));
    }
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 600.0, 0.5);
    assert_eq!(j.apply(Event::ResultFailed(http(401)), 700.0, 0.5), Next::Stop);
    assert!(j.paused.is_some() && j.phase.is_active(), "at the result too");
    let mut j = fresh(2, true);
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(j.apply(Event::StreamEnded(Some(http(401))), 20.0, 0.5), Next::Stop);
    assert!(j.paused.is_some() && j.phase.is_active(), "on the stream too");
    // At submit it stays an error of that submit.
    let mut j = fresh(3, false);
    j.apply(Event::SubmitFailed(http(401)), 1.0, 0.5);
    assert_eq!((j.phase, j.paused.clone()), (Phase::Failed, None));
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
    j.apply(Event::ResultFailed(ApiError::from_response(400, r#"{"detail":"Request was cancelled"}"#, None, None)), 1_100.0, 0.5);
    assert_eq!(j.phase, Phase::Cancelled);

    // Too late: the images came anyway.
    let mut j = submitted();
    j.apply(Event::CancelSent, 700.0, 0.5);
    j.apply(Event::CancelAnswered(CancelAnswer::from_response(400, r#"{"status":"ALREADY_COMPLETED"}"#)), 750.0, 0.5);
    assert_eq!(j.cancel, CancelState::TooLate);
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 800.0, 0.5);
    j.apply(Event::Result(out()), 900.0, 0.5);
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
fn logs_are_capped_with_a_count_of_what_was_left_out() {
    let lines = |n: usize, from: usize| -> String {
        let items: Vec<String> = (from..from + n).map(|i| format!(r#"{{"message":"line {i}"}}"#)).collect();
        format!(r#"{{"status":"IN_PROGRESS","logs":[{}]}}"#, items.join(","))
    };
    let mut j = submitted();
    j.apply(Event::Status(status(&lines(700, 0))), 600.0, 0.5);
    assert_eq!((j.logs.len(), j.logs_dropped), (MAX_LOG_LINES, 200));
    assert_eq!(j.logs[0].message, "line 200");
    // Polling sends all lines again: the same count is no change.
    j.apply(Event::Status(status(&lines(650, 0))), 700.0, 0.5);
    assert_eq!((j.logs.len(), j.logs_dropped), (MAX_LOG_LINES, 200), "never shrinks");
    j.apply(Event::Status(status(&lines(701, 0))), 800.0, 0.5);
    assert_eq!((j.logs.len(), j.logs_dropped, j.logs[499].message.as_str()), (MAX_LOG_LINES, 201, "line 700"));
    // Streaming appends and drops from the front.
    let mut j = fresh(1, true);
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    for k in 0..3 {
        j.apply(Event::Streamed(status(&lines(300, k * 300))), 20.0, 0.5);
    }
    assert_eq!((j.logs.len(), j.logs_dropped, j.logs[0].message.as_str()), (MAX_LOG_LINES, 400, "line 400"));
    // A long line is cut.
    let long = format!(r#"{{"status":"IN_PROGRESS","logs":[{{"message":"{}"}}]}}"#, "é".repeat(5_000));
    j.apply(Event::Streamed(status(&long)), 30.0, 0.5);
    assert_eq!(j.logs.last().unwrap().message.chars().count(), MAX_LOG_CHARS + 1);
}

#[test]
fn resuming_takes_the_job_over_for_this_tab() {
    let mut j = submitted();
    j.apply(Event::StatusFailed(http(503)), 600.0, 0.5);
    assert_eq!(j.apply(Event::Resumed { owner: "tab-b".into(), known: Known::default() }, 700.0, 0.5), Next::Poll(0));
    assert_eq!((j.owner.as_deref(), j.failures, j.retrying.clone(), j.updated_at), (Some("tab-b"), 0, None, 700.0));
    let mut unsent = fresh(2, false);
    assert_eq!(unsent.apply(Event::Resumed { owner: "tab-b".into(), known: Known::default() }, 700.0, 0.5), Next::Stop, "no request id: never resubmitted");
    assert_eq!(unsent.phase, Phase::Submitting);
}

#[test]
fn jobs_round_trip_through_json_and_old_records_load() {
    let mut j = submitted();
    j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#)), 700.0, 0.5);
    let text = serde_json::to_string(&j).unwrap();
    let back: Job = serde_json::from_str(&text).unwrap();
    assert_eq!(back, j);
    // A record written before later fields existed.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in ["stream", "stream_failed", "failures", "retrying", "updated_at", "route", "logs_dropped", "paused", "failing_since", "owner"] {
        v.as_object_mut().unwrap().remove(f);
    }
    let old: Job = serde_json::from_value(v).unwrap();
    assert_eq!((old.stream, old.request_id.as_deref(), old.route.clone()), (false, Some("r1"), Route::default()));
}
