//! The history's hand-written JSON against the serde derives it replaced
//! (compiled for these tests alone): the same JSON out, the same job back,
//! and the same verdict on every damaged variant of a stored job.

use serde_json::{json, Value};

use super::*;
use crate::api::error::{ApiError, ErrorKind, Problem, ServerFieldError};
use crate::api::url::{Candidate, Candidates, Endpoints, Form};
use crate::api::{EditOutput, LogEntry, OutputImage};
use crate::jobs::learn::Expect;
use crate::jobs::phase::{CancelState, Kept, Pause, Phase};
use crate::jobs::plan::{Label, Member, Vary};
use crate::jobs::chain::Source;
use crate::jobs::region::KeepRegion;
use crate::jobs::route::Route;
use crate::jobs::{Job, NewJob};
use crate::pixels::shape::{Shape, Tool};

fn error(kind: ErrorKind, problem: Option<Problem>) -> ApiError {
    ApiError {
        kind,
        status: Some(422),
        detail: "bad «size»".into(),
        field_errors: vec![ServerFieldError { field: "image_size".into(), message: "too big".into() }],
        retry_after_ms: Some(1500),
        error_type: Some("validation_error".into()),
        problem,
    }
}

fn candidates(form: Form, url: &str) -> Candidates {
    Candidates(vec![Candidate { form, url: url.into() }, Candidate { form: Form::BuiltFull, url: format!("{url}/full") }])
}

/// A job with every field set, and its variants of every enum.
fn rich() -> Job {
    let mut j = Job::new(NewJob::polled(7, json!({"prompt": "p", "image_urls": ["https://a/x.png"], "seed": 3}), "https://q", "fal-ai/qwen-image-edit-plus", "tab"), 1.7e12);
    j.stream = true;
    j.stream_failed = true;
    j.request_id = Some("r-1".into());
    j.endpoints = Some(Endpoints { status: candidates(Form::Returned, "https://q/s"), stream: candidates(Form::Built, "https://q/st"), result: candidates(Form::Returned, "https://q/r"), cancel: Candidates(vec![]) });
    j.route = Route { status: 1, result: 2, status_ok: true, result_ok: false, no_status: true, no_stream: false, round: 3, tried: vec!["https://q/s".into()] };
    j.phase = Phase::Completed;
    j.raw_status = Some("ODD".into());
    j.queue_position = Some(4);
    j.logs = vec![LogEntry { message: "step 1".into(), timestamp: Some("2026-12-03T07:00:00Z".into()), level: Some("INFO".into()) }, LogEntry { message: "队列".into(), timestamp: None, level: None }];
    j.logs_dropped = 12;
    j.started_at = Some(1.7e12 + 5.5);
    j.expect = Some(Expect { queue_ms: 1200.0, run_ms: 8000.25 });
    j.ended_at = Some(1.7e12 + 9.0);
    j.inference_time = Some(2.75);
    j.output = Some(EditOutput {
        images: vec![OutputImage { url: "https://cdn/a.png".into(), width: Some(1024), height: Some(768), content_type: Some("image/png".into()), file_name: Some("a.png".into()), file_size: Some(123_456), nsfw: true }],
        seed: Some(42),
        inference_time: Some(2.5),
        said: Some(crate::api::output::Said { text: "say".into(), cut: true, cost: Some(0.0004) }),
    });
    j.error = Some(error(ErrorKind::Validation, Some(Problem::NoImages)));
    j.status_error = Some("late".into());
    j.cancel = CancelState::Error(error(ErrorKind::Server, None));
    j.failures = 2;
    j.failing_since = Some(1.7e12 + 1.0);
    j.retrying = Some((error(ErrorKind::RateLimited, Some(Problem::StreamIdle)), 1.7e12 + 30.0));
    j.paused = Some(Pause::Parked(error(ErrorKind::Network, None)));
    j.updated_at = 1.7e12 + 10.0;
    j.owner = Some("tab-b".into());
    j.group = Some(Member { group: 9, index: 1, total: 4, label: Label { image: Some(2), varied: Some((Vary::Guidance, "4.5".into())) }, replay: true });
    j.kept = Some(Kept::Copies(99_000));
    let shapes = vec![
        Shape { tool: Tool::Brush, points: vec![[1.5, 2.25], [12.3, 40.7], [0.1, 1e-3]], size: 7.3, color: "#ff2d55".into(), text: String::new() },
        Shape { tool: Tool::Text, points: vec![[3.0, 4.0]], size: 21.0, color: "#fff".into(), text: "这里".into() },
    ];
    j.region = Some(KeepRegion { image: 0, shapes, feather: 8 });
    j.sources = vec![Source::Result { job: 3, request: Some("r-0".into()), index: 1 }, Source::File { name: "猫.png".into() }, Source::Url];
    j.typed = Some("天空 pink".into());
    j
}

/// `rich` and jobs that between them hold every variant of every enum.
fn jobs() -> Vec<Job> {
    let mut out = vec![rich(), Job::new(NewJob::polled(1, json!({}), "http://h", "m", "t"), 0.0)];
    let cancels = [CancelState::None, CancelState::Sending, CancelState::Requested, CancelState::TooLate, CancelState::Refused("no".into()), CancelState::Failed("net".into())];
    let pauses = [Pause::KeyRefused(error(ErrorKind::Unauthorized, None)), Pause::Imported];
    let kinds = [ErrorKind::BadRequest, ErrorKind::Forbidden, ErrorKind::NotFound, ErrorKind::NotAllowed, ErrorKind::NotYet, ErrorKind::Redirect, ErrorKind::Malformed, ErrorKind::Interrupted, ErrorKind::NotSent, ErrorKind::TooBig, ErrorKind::Other];
    let problems = [Problem::NotJson, Problem::NoStatus, Problem::NoRequestId, Problem::NoStreamBody, Problem::BadRequestId, Problem::NotEventStream, Problem::StreamTooLong, Problem::NoText];
    let phases = [Phase::Waiting, Phase::Submitting, Phase::InQueue, Phase::InProgress, Phase::Failed, Phase::Cancelled, Phase::Lost];
    let tools = [Tool::Rect, Tool::Arrow, Tool::Eraser];
    for i in 0..10 {
        let mut j = rich();
        j.id = 100 + i as u64;
        j.cancel = cancels[i % cancels.len()].clone();
        j.paused = Some(pauses[i % pauses.len()].clone());
        j.error = Some(error(kinds[i], Some(problems[i % problems.len()])));
        j.phase = phases[i % phases.len()];
        j.kept = Some([Kept::LinkOnly, Kept::Freed][i % 2]);
        j.group.as_mut().unwrap().label.varied = Some(([Vary::Seed, Vary::Steps][i % 2], i.to_string()));
        j.region.as_mut().unwrap().shapes[0].tool = tools[i % tools.len()];
        j.region = j.region.filter(|_| i % 3 != 0);
        out.push(j);
    }
    out
}

/// What the derives wrote for `j`, read back as JSON.
fn derived(j: &Job) -> Value {
    serde_json::from_str(&serde_json::to_string(j).unwrap()).unwrap()
}

#[test]
fn a_job_is_written_as_the_derives_wrote_it_and_read_back_whole() {
    for j in jobs() {
        assert_eq!(j.put(), derived(&j), "job {}", j.id);
        assert_eq!(Job::take(&derived(&j)).as_ref(), Some(&j), "job {}", j.id);
        // Through text, as the history goes.
        assert_eq!(Job::take(&serde_json::from_str(&j.put().to_string()).unwrap()), Some(j));
    }
}

#[test]
fn a_shapes_points_are_written_short_and_read_back_exact() {
    let s = &rich().region.unwrap().shapes[0];
    let text = s.put().to_string();
    assert!(text.contains("[12.3,40.7]") && text.contains("\"size\":7.3"), "{text}");
    assert_eq!(Shape::take(&s.put()).as_ref(), Some(s));
}

/// Every place in `v`: object keys and array items, as paths.
fn paths(v: &Value, at: Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            let mut p = at.clone();
            p.push(k.as_str().into());
            out.push(p.clone());
            paths(x, p, out);
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| {
            let mut p = at.clone();
            p.push(i.into());
            out.push(p.clone());
            paths(x, p, out);
        }),
        _ => {}
    }
}

/// The value at `path` in `v`.
fn at<'a>(v: &'a Value, path: &[Value]) -> &'a Value {
    path.iter().fold(v, |v, step| match step {
        Value::String(k) => &v[k.as_str()],
        _ => &v[step.as_u64().unwrap() as usize],
    })
}

/// `v` with the place at `path` replaced (or removed, with `None`).
fn damaged(v: &Value, path: &[Value], with: Option<&Value>) -> Value {
    let mut v = v.clone();
    let mut at = &mut v;
    for step in &path[..path.len() - 1] {
        at = match step {
            Value::String(k) => &mut at[k.as_str()],
            _ => &mut at[step.as_u64().unwrap() as usize],
        };
    }
    match (path.last().unwrap(), with) {
        (Value::String(k), None) => {
            at.as_object_mut().unwrap().remove(k);
        }
        (i, None) => {
            at.as_array_mut().unwrap().remove(i.as_u64().unwrap() as usize);
        }
        (Value::String(k), Some(w)) => at[k.as_str()] = w.clone(),
        (i, Some(w)) => at[i.as_u64().unwrap() as usize] = w.clone(),
    }
    v
}

#[test]
fn every_damaged_job_is_judged_as_the_derives_judged_it() {
    let replacements = [json!(null), json!("x"), json!(1.5), json!(-1), json!(7), json!(300), json!(true), json!([]), json!({}), json!(["x", 1])];
    let (mut read, mut refused) = (0, 0);
    for j in [rich(), jobs().remove(4)] {
        let good = derived(&j);
        let mut all = Vec::new();
        paths(&good, Vec::new(), &mut all);
        for path in &all {
            for with in std::iter::once(None).chain(replacements.iter().map(Some)) {
                let bad = damaged(&good, path, with);
                let theirs = serde_json::from_str::<Job>(&bad.to_string()).ok();
                let mine = Job::take(&bad);
                // The derives also read a record written as the array of its
                // fields, which nothing ever wrote; this reader refuses it.
                // (The request body is any JSON.)
                let record_as_array = with.is_some_and(Value::is_array) && at(&good, path).is_object() && path[0] != "body";
                if record_as_array {
                    assert_eq!(mine, None, "{path:?} ← {with:?}");
                } else {
                    assert_eq!(mine, theirs, "{path:?} ← {with:?}");
                }
                if mine.is_some() { read += 1 } else { refused += 1 }
            }
        }
    }
    assert!(read > 500 && refused > 500, "both verdicts were tried: {read} read, {refused} refused");
}

#[test]
fn histories_before_candidates_hold_one_url_per_operation() {
    let e = json!({"status": "https://q/s", "stream": "https://q/st", "result": "https://q/r", "cancel": "https://q/c"});
    let got = Endpoints::take(&e).unwrap();
    assert_eq!(got.result, Candidates(vec![Candidate { form: Form::Returned, url: "https://q/r".into() }]));
    assert_eq!(Some(got), serde_json::from_value::<Endpoints>(e).ok());
}
