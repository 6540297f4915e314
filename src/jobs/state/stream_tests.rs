//! The reducer following a job by its status stream: events as they come,
//! the stream's end, and a 429 on it.

use super::tests::{fresh, http, status, target};
use super::*;
use crate::jobs::route::Op;

#[test]
fn streaming_appends_logs_and_falls_back_to_polling() {
    let mut j = fresh(1, true);
    let n = j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(n, Next::Stream);
    assert_eq!(target(&j, n), (Op::Stream, "http://127.0.0.1:9/fal-ai/m/requests/r/status/stream?logs=1".into()));
    let ev = |s: &str| Event::Streamed(status(s));
    assert_eq!(j.apply(ev(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"}]}"#), 20.0, 0.5), Next::Continue);
    assert_eq!(j.apply(ev(r#"{"status":"IN_PROGRESS","logs":[{"message":"b"},{"message":"c"}]}"#), 30.0, 0.5), Next::Continue);
    assert_eq!(j.logs.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(), ["a", "b", "c"], "appended");
    // The stream closes early: polling takes over at once, for good.
    assert_eq!(j.apply(Event::StreamEnded(None), 40.0, 0.5), Next::Poll(0));
    assert!(j.stream_failed && !j.route.no_stream, "closing early says nothing of the base");
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 50.0, 0.5), Next::Poll(500));
    assert_eq!(j.logs.len(), 3, "a poll without logs keeps them");
}

#[test]
fn a_completed_stream_fetches_the_result() {
    let mut j = fresh(1, true);
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(j.apply(Event::Streamed(status(r#"{"status":"COMPLETED"}"#)), 20.0, 0.5), Next::FetchResult(0));
}

#[test]
fn a_429_on_the_stream_waits_its_retry_after_then_streams_again() {
    let mut j = fresh(1, true);
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    let limited = ApiError::from_response(429, r#"{"detail":"slow down"}"#, Some("2"), None);
    // Not a poll 272 ms later: one status poll once Retry-After has passed.
    assert_eq!(j.apply(Event::StreamEnded(Some(limited)), 20.0, 0.5), Next::Poll(2_000));
    assert!(!j.stream_failed && !j.route.no_stream, "a 429 says nothing of the stream");
    assert!(matches!(&j.retrying, Some((e, at)) if e.status == Some(429) && *at == 2_020.0), "the card says why it waits");
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_QUEUE"}"#)), 2_100.0, 0.5), Next::Stream, "then the stream again");
    assert!(j.retrying.is_none());
    // Retry-After: 0 or none still waits the floor.
    let mut j = fresh(2, true);
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
    assert_eq!(j.apply(Event::StreamEnded(Some(http(429))), 20.0, 0.0), Next::Poll(1_000));
}
