//! Property tests: the parsers that read what servers and storage send
//! never panic, and never lose what is readable. 10,000 cases each in
//! `cargo test`; `QIE_PROPTEST_CASES=1000000` runs a longer search.

use proptest::prelude::*;
use serde_json::json;

use crate::api::sse::{SseParser, TooLong};
use crate::api::{EditOutput, QueueStatus};
use crate::jobs::history;
use crate::jobs::{Job, NewJob};

fn config() -> ProptestConfig {
    let cases = std::env::var("QIE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Bytes that look like an event stream: fields, comments, both line
/// endings, multi-byte characters and stray invalid bytes.
fn sse_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"data: ".to_vec()),
        Just(b"data:".to_vec()),
        Just(b": ping".to_vec()),
        Just(b"event: x".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just("队列中".as_bytes().to_vec()),
        Just("é🙂".as_bytes().to_vec()),
        Just(vec![0xff]),
        Just(vec![0xe9, 0x98]),
        "[a-z{}\":, ]{0,12}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// The events of `chunks` fed in turn, or the parser's refusal.
fn parse_all(chunks: &[&[u8]]) -> Result<Vec<String>, TooLong> {
    let mut p = SseParser::default();
    let mut events = Vec::new();
    for c in chunks {
        events.extend(p.feed(c)?);
    }
    Ok(events)
}

fn a_job(id: u64) -> serde_json::Value {
    let j = Job::new(NewJob::polled(id, json!({"prompt":"p","image_urls":["https://a/x.png"]}), "http://h", "m", "t"), id as f64);
    // A `Job` always serializes (its map keys are strings); were it not to,
    // the job would be missing and the property using it would fail.
    serde_json::to_value(j).unwrap_or_default()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_split_of_a_stream_gives_the_same_events(bytes in sse_bytes(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        // `feed` refuses only past its line limit, which these inputs stay under.
        let whole = parse_all(&[&bytes]);
        prop_assert!(whole.is_ok());
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        at.sort_unstable();
        let mut chunks = Vec::new();
        let mut from = 0;
        for c in at {
            chunks.push(&bytes[from..c]);
            from = c;
        }
        chunks.push(&bytes[from..]);
        prop_assert_eq!(parse_all(&chunks), whole);
    }

    #[test]
    fn the_status_and_result_parsers_never_panic(text in ".{0,200}", code in 100u16..600) {
        let _ = QueueStatus::from_json(&text);
        let _ = QueueStatus::submit_answer(&text);
        let _ = EditOutput::from_answer(code, &text);
        let _ = crate::api::ApiError::from_response(code, &text, Some(&text), None).user_message();
    }

    #[test]
    fn json_shaped_garbage_never_panics_the_parsers(v in json_value()) {
        let text = v.to_string();
        let _ = QueueStatus::from_json(&text);
        let _ = EditOutput::from_answer(200, &text);
        let _ = history::decode(&text);
        let _ = history::decode(&json!({"v": 1, "jobs": [v]}).to_string());
    }

    #[test]
    fn a_broken_entry_never_takes_a_valid_job_with_it(v in json_value(), pos in 0usize..3) {
        let mut jobs = vec![a_job(1), a_job(2)];
        jobs.insert(pos.min(2), v);
        let text = json!({"v": 1, "jobs": jobs}).to_string();
        let l = history::decode(&text);
        prop_assert!(l.jobs.iter().any(|j| j.id == 1) && l.jobs.iter().any(|j| j.id == 2), "{:?}", l);
        prop_assert!(l.problem.is_none());
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)),
        prop_oneof![
            Just("IN_QUEUE".to_string()),
            Just("COMPLETED".to_string()),
            Just("in_progress".to_string()),
            ".{0,8}".prop_map(String::from)
        ]
        .prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("status".to_string()),
        Just("request_id".to_string()),
        Just("logs".to_string()),
        Just("images".to_string()),
        Just("url".to_string()),
        Just("id".to_string()),
        Just("phase".to_string()),
        Just("v".to_string()),
        Just("jobs".to_string()),
        Just("message".to_string()),
        "[a-z_]{1,6}".prop_map(String::from),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}
