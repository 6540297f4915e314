//! The reducer with servers that speak part of the protocol: candidate
//! addresses, result polling, rounds, redirects, no stream.

use super::tests::{fresh, http, out, seed_style, status, submitted, target};
use super::*;
use crate::api::error::Problem;
use crate::api::ErrorKind;
use crate::jobs::route::Op;
use crate::api::url::Form;
use crate::jobs::route::SECOND_ROUND_MS;
use serde_json::json;

#[test]
fn a_wrong_address_tries_the_next_candidate() {
    // The seed's relay: returned paths answer 404 on the relay; the built ones work.
    let mut j = seed_style();
    assert_eq!(target(&j, Next::Poll(0)).1, "https://relay.example/fal-ai/qwen-edit-plus/requests/r1/status?logs=1");
    assert_eq!(j.apply(Event::StatusFailed(http(404)), 600.0, 0.5), Next::Poll(0));
    assert_eq!(target(&j, Next::Poll(0)).1, "https://relay.example/fal-ai/qwen-image-edit-plus/requests/r1/status?logs=1");
    assert!(j.phase.is_active());
    j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 700.0, 0.5);
    assert_eq!(target(&j, Next::FetchResult(0)).1, "https://relay.example/fal-ai/qwen-edit-plus/requests/r1");
    assert_eq!(j.apply(Event::ResultFailed(http(405)), 800.0, 0.5), Next::FetchResult(0));
    assert_eq!(target(&j, Next::FetchResult(0)).1, "https://relay.example/fal-ai/qwen-image-edit-plus/requests/r1");
    assert_eq!(j.apply(Event::Result(out()), 900.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Completed);
    assert_eq!(j.learned(), Known { no_stream: false, no_status: false, status: Some(Form::Built), result: Some(Form::Built) });
    assert_eq!(j.cancel_url().as_deref(), Some("https://relay.example/fal-ai/qwen-image-edit-plus/requests/r1/cancel"));
}

#[test]
fn what_worked_on_a_base_is_tried_first_by_the_next_job() {
    let known = Known { status: Some(Form::Built), result: Some(Form::Built), ..Known::default() };
    let mut j = Job::new(NewJob { known, ..NewJob::polled(2, json!({}), "https://relay.example", "fal-ai/qwen-image-edit-plus", "t") }, 0.0);
    j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r2","status_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/r2/status"}"#)), 1.0, 0.5);
    assert_eq!(target(&j, Next::Poll(0)).1, "https://relay.example/fal-ai/qwen-image-edit-plus/requests/r2/status?logs=1");
    let mut k = Known::default();
    k.merge(Known { no_stream: true, ..Known::default() });
    k.merge(known);
    assert_eq!(k, Known { no_stream: true, ..known });
}

#[test]
fn with_no_status_address_the_result_url_is_polled() {
    let mut j = submitted();
    assert_eq!(j.apply(Event::StatusFailed(http(404)), 600.0, 0.5), Next::Poll(0));
    assert!(j.route.no_status, "one candidate only: no status address");
    assert_eq!(target(&j, Next::Poll(0)).0, Op::Result);
    // 202, or a 400 saying it still runs: not yet.
    assert_eq!(j.apply(Event::ResultFailed(ApiError::not_yet(202)), 700.0, 0.5), Next::Poll(500));
    let in_progress = ApiError::from_response(400, r#"{"detail":"Request is still in progress"}"#, None, None);
    assert_eq!(j.apply(Event::ResultFailed(in_progress), 12_000.0, 0.5), Next::Poll(1_000));
    assert!(j.phase.is_active() && j.error.is_none());
    assert!(j.learned().no_status);
    assert_eq!(j.apply(Event::ResultFailed(http(503)), 12_500.0, 0.5), Next::Poll(1_000), "a retry polls the result too");
    assert_eq!(j.apply(Event::Result(out()), 14_000.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Completed);
}

#[test]
fn lost_only_when_every_candidate_answered_404_twice_5_s_apart() {
    let mut j = seed_style();
    let mut t = 200.0;
    let mut asked = Vec::new();
    let mut n = Next::Poll(0);
    let mut waits = Vec::new();
    while n != Next::Stop {
        let (op, url) = target(&j, n);
        asked.push(url);
        if let Next::Poll(ms) | Next::FetchResult(ms) = n {
            waits.push(ms);
            t += ms as f64 + 100.0;
        }
        n = j.apply(if op == Op::Result { Event::ResultFailed(http(404)) } else { Event::StatusFailed(http(404)) }, t, 0.5);
    }
    assert_eq!(j.phase, Phase::Lost);
    // Two status and two result candidates, twice each.
    assert_eq!(asked.len(), 8, "{asked:#?}");
    assert_eq!(asked[..4], asked[4..], "the same addresses the second time");
    assert!(waits.contains(&SECOND_ROUND_MS), "{waits:?}");
    assert_eq!(j.route.tried.len(), 4, "the card lists every address tried: {:?}", j.route.tried);
    assert_eq!(j.error.unwrap().kind, ErrorKind::NotFound);
}

#[test]
fn an_answer_between_two_rounds_keeps_the_job() {
    let mut j = submitted();
    j.apply(Event::StatusFailed(http(404)), 600.0, 0.5);
    assert_eq!(j.apply(Event::ResultFailed(http(404)), 700.0, 0.5), Next::Poll(SECOND_ROUND_MS));
    assert_eq!(j.route.round, 1);
    // The second time, the status answers after all.
    assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 6_000.0, 0.5), Next::Poll(500));
    assert_eq!((j.route.round, j.route.tried.len()), (0, 0));
    assert!(j.phase.is_active());
}

#[test]
fn a_redirect_is_not_followed_and_said_as_such() {
    let mut j = submitted();
    j.apply(Event::StatusFailed(ApiError::redirect(0)), 600.0, 0.5);
    j.apply(Event::ResultFailed(ApiError::redirect(0)), 700.0, 0.5);
    j.apply(Event::StatusFailed(ApiError::redirect(0)), 6_000.0, 0.5);
    assert_eq!(j.apply(Event::ResultFailed(ApiError::redirect(0)), 6_100.0, 0.5), Next::Stop);
    assert_eq!(j.phase, Phase::Failed);
    assert_eq!(j.error.unwrap().kind, ErrorKind::Redirect);
}

#[test]
fn a_server_without_a_stream_is_polled_and_remembered() {
    let missing = [
        http(404),
        http(405),
        http(400),
        ApiError::unreadable(Problem::NotEventStream, ""),
    ];
    for e in missing {
        let mut j = fresh(1, true);
        j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
        assert_eq!(j.apply(Event::StreamEnded(Some(e.clone())), 20.0, 0.5), Next::Poll(0), "{e:?}");
        assert!(j.phase.is_active() && j.error.is_none(), "a stream failure never ends a job");
        assert!(j.learned().no_stream, "{e:?}");
        assert_eq!(target(&j, Next::Poll(0)).0, Op::Status);
    }
    // Other stream failures poll too, without saying the base has no stream.
    for e in [http(503), ApiError::network("x"), ApiError::unreadable(Problem::StreamTooLong, ""), ApiError::unreadable(Problem::StreamIdle, "")] {
        let mut j = fresh(1, true);
        j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5);
        assert_eq!(j.apply(Event::StreamEnded(Some(e.clone())), 20.0, 0.5), Next::Poll(0), "{e:?}");
        assert!(!j.learned().no_stream);
    }
    // The next job on that base polls from the start.
    let known = Known { no_stream: true, ..Known::default() };
    let mut j = Job::new(NewJob { stream: true, known, ..NewJob::polled(2, json!({}), "http://h", "m", "t") }, 0.0);
    assert_eq!(j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r"}"#)), 10.0, 0.5), Next::Poll(500));
}
