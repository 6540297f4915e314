//! The history format: round trips, bounds, old formats, merging, shedding.

use super::*;
use crate::api::QueueStatus;
use crate::jobs::{CancelState, Event, NewJob, Phase};
use serde_json::json;

fn job(id: u64, at: f64, active: bool) -> Job {
    let body = json!({"prompt":"p","image_urls":["https://a/x.png","data:image/png;base64,AAAA"]});
    let mut j = Job::new(NewJob::polled(id, body, "http://h", "m", "tab-a"), at);
    let s = QueueStatus::from_json(r#"{"status":"IN_QUEUE","request_id":"r"}"#).unwrap();
    j.apply(Event::Submitted(s), at, 0.5);
    if !active {
        j.apply(Event::Status(QueueStatus::from_json(r#"{"status":"CANCELLED"}"#).unwrap()), at + 1.0, 0.5);
    }
    j
}

#[test]
fn histories_round_trip_without_inline_images() {
    let jobs = vec![job(1, 1.0, false), job(2, 2.0, true)];
    let text = encode(&jobs);
    assert!(!text.contains("data:image"), "no inlined image data: {text}");
    // The shape an export shares, without the export's `format`.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!((v["v"].clone(), v["jobs"].as_array().map(Vec::len), v.as_object().map(|o| o.len())), (json!(1), Some(2), Some(2)), "{text}");
    let loaded = decode(&text);
    assert_eq!((loaded.dropped, loaded.problem.clone()), (0, None));
    assert_eq!(loaded.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [2, 1], "newest first");
    assert_eq!(loaded.jobs[0].body["image_urls"], json!(["https://a/x.png", LOCAL_PLACEHOLDER]));
    assert!(!can_resend(&loaded.jobs[0].body));
    assert!(can_resend(&json!({"image_urls":["https://a/x.png"]})));
    assert_eq!(loaded.jobs[0].request_id.as_deref(), Some("r"));
    assert_eq!(loaded.jobs[1].phase, Phase::Cancelled);
}

#[test]
fn an_inpainting_jobs_mask_is_not_stored_and_it_cannot_be_sent_again_without_one() {
    let body = json!({"prompt":"p","image_url":"https://a/x.png","mask_url":"data:image/png;base64,AAAA"});
    let mut j = Job::new(NewJob::polled(1, body, "http://h", "fal-ai/qwen-image-edit/inpaint", "tab-a"), 1.0);
    j.apply(Event::Submitted(QueueStatus::from_json(r#"{"status":"IN_QUEUE","request_id":"r"}"#).unwrap()), 1.0, 0.5);
    let text = encode(&[j]);
    assert!(!text.contains("data:image"), "{text}");
    let loaded = decode(&text);
    assert_eq!(loaded.jobs[0].body["image_url"], json!("https://a/x.png"));
    assert_eq!(loaded.jobs[0].body["mask_url"], json!(LOCAL_PLACEHOLDER));
    assert!(!can_resend(&loaded.jobs[0].body));
    assert!(can_resend(&json!({"image_url":"https://a/x.png","mask_url":"data:image/png;base64,AAAA"})));
}

#[test]
fn only_the_newest_finished_jobs_are_kept_and_running_ones_always() {
    let mut jobs: Vec<Job> = (0..HISTORY_LIMIT as u64 + 50).map(|i| job(i, i as f64, false)).collect();
    jobs.push(job(9_999, -5.0, true));
    let kept = decode(&encode(&jobs)).jobs;
    assert_eq!(kept.len(), HISTORY_LIMIT + 1);
    assert!(kept.iter().any(|j| j.id == 9_999), "the running job is kept, however old");
    assert!(!kept.iter().any(|j| j.id < 50), "the oldest finished ones went");
}

#[test]
fn corrupt_or_foreign_histories_never_fail() {
    assert_eq!(decode("{not json").problem, Some(crate::i18n::K::HistoryUnreadable.into()));
    assert_eq!(decode(r#"{"v":99,"jobs":[]}"#).problem, Some(crate::i18n::K::HistoryNewer.into()));
    let good = serde_json::to_value(job(1, 1.0, false)).unwrap();
    let text = json!({"v": 1, "jobs": [good, {"id": "x"}, 42]}).to_string();
    let l = decode(&text);
    assert_eq!((l.jobs.len(), l.dropped), (1, 2));
}

#[test]
fn merging_keeps_my_followed_jobs_and_theirs_otherwise() {
    let mut mine_a = job(1, 1.0, true);
    mine_a.logs.push(crate::api::LogEntry { message: "mine".into(), timestamp: None, level: None });
    let theirs_a = job(1, 1.0, true);
    let theirs_b = job(2, 2.0, true);
    let mine_c = job(3, 3.0, false);
    let merged = merge(vec![theirs_a, theirs_b.clone()], &[mine_a.clone(), mine_c.clone()], |id| id == 1, |_| false);
    assert_eq!(merged.iter().map(|j| j.id).collect::<Vec<_>>(), [3, 2, 1]);
    assert_eq!(merged.iter().find(|j| j.id == 1).unwrap().logs.len(), 1, "my followed version wins");
    assert_eq!(merged.iter().find(|j| j.id == 2), Some(&theirs_b), "their job stays theirs");
    let merged = merge(vec![theirs_b.clone()], &[theirs_b], |_| false, |id| id == 2);
    assert!(merged.is_empty(), "a deletion sticks");
}

#[test]
fn a_job_is_taken_over_only_when_its_follower_went_quiet() {
    let mut j = job(1, 1_000.0, true);
    j.owner = Some("tab-a".into());
    assert!(!should_follow(&j, 1_000.0 + STALE_MS - 1.0, "tab-b"));
    assert!(should_follow(&j, 1_000.0 + STALE_MS + 1.0, "tab-b"));
    assert!(should_follow(&j, 1_001.0, "tab-a"), "after a reload, the same tab resumes at once");
    let done = job(2, 0.0, false);
    assert!(!should_follow(&done, 1e12, "tab-a"));
    let mut unsent = Job::new(NewJob::polled(3, json!({}), "h", "m", "tab-a"), 0.0);
    unsent.updated_at = 0.0;
    assert!(!should_follow(&unsent, 1e12, "tab-a"), "no request id: never resubmitted");
}

#[test]
fn a_history_of_the_previous_format_loads() {
    let l = decode(include_str!("../fixtures/history_v1.json"));
    assert_eq!((l.jobs.len(), l.dropped, l.problem.clone()), (3, 0, None));
    let running = &l.jobs[0];
    assert_eq!(running.request_id.as_deref(), Some("9c08e7d8-312c-402d-a691-c207a9cb8121"));
    assert!(running.stream && running.phase.is_active());
    let e = running.endpoints.as_ref().unwrap();
    assert_eq!(e.result.0[0].url, "https://api.quickrouter.ai/fal-ai/qwen-edit-plus/requests/9c08e7d8-312c-402d-a691-c207a9cb8121");
    assert_eq!(running.target(crate::jobs::Next::Stream).unwrap().1, e.stream.0[0].url);
    assert!(should_follow(running, running.updated_at + 1.0, "tab-18f-2a"), "its tab follows it after a reload");
    let done = &l.jobs[1];
    assert_eq!(done.output.as_ref().unwrap().images[0].url, "https://v3.fal.media/files/x.png");
    assert!(matches!(&done.cancel, CancelState::Failed(m) if m.contains("network")));
    assert_eq!(l.jobs[2].error.as_ref().unwrap().field_errors[0].field, "image_size");
    // Written back in today's format, it reads the same.
    let again = decode(&encode(&l.jobs));
    assert_eq!(again.jobs, l.jobs);
}

#[test]
fn duplicate_ids_are_merged_on_load() {
    let a = job(1, 1.0, true);
    let mut b = job(1, 1.0, true);
    b.updated_at = 50.0;
    b.logs.push(crate::api::LogEntry { message: "newer".into(), timestamp: None, level: None });
    let ended = job(2, 2.0, false);
    let mut ended_old = job(2, 2.0, true);
    ended_old.updated_at = 1e9;
    let text = json!({"v": 1, "jobs": [a, b, ended_old, ended.clone()]}).to_string();
    let l = decode(&text);
    assert_eq!(l.jobs.len(), 2);
    assert_eq!(l.jobs.iter().find(|j| j.id == 1).unwrap().logs.len(), 1, "the version changed last");
    assert_eq!(l.jobs.iter().find(|j| j.id == 2).unwrap().phase, ended.phase, "an ended version over a running one");
}

#[test]
fn full_storage_drops_finished_logs_then_the_oldest_finished_jobs_never_running_ones() {
    let mut jobs: Vec<Job> = (0..8u64).map(|i| job(i, i as f64, i % 3 != 0)).collect();
    for j in jobs.iter_mut() {
        j.logs.push(crate::api::LogEntry { message: "x".into(), timestamp: None, level: None });
    }
    let running: Vec<u64> = jobs.iter().filter(|j| j.phase.is_active()).map(|j| j.id).collect();
    let steps = shrink(&jobs);
    let (first, dropped) = &steps[0];
    assert_eq!((first.len(), *dropped), (8, 0), "first only the logs go");
    assert!(first.iter().all(|j| j.phase.is_active() || j.logs.is_empty()));
    assert!(first.iter().filter(|j| j.phase.is_active()).all(|j| j.logs.len() == 1), "running jobs keep theirs");
    let mut last_len = first.len();
    for (kept, dropped) in &steps[1..] {
        assert!(kept.len() < last_len, "each step is smaller");
        last_len = kept.len();
        for id in &running {
            assert!(kept.iter().any(|j| j.id == *id), "running job {id} kept");
        }
        assert_eq!(kept.len() + dropped, 8);
        // The newest finished jobs are the ones kept.
        let finished: Vec<u64> = kept.iter().filter(|j| !j.phase.is_active()).map(|j| j.id).collect();
        let all_finished: Vec<u64> = [6u64, 3, 0].into_iter().collect();
        assert_eq!(finished[..], all_finished[..finished.len()]);
    }
    assert_eq!(steps.last().unwrap().0.len(), running.len(), "at the end only running jobs");
}

#[test]
fn oversize_fields_are_cut_before_storing() {
    let mut j = job(1, 1.0, false);
    let huge = "x".repeat(6 << 20);
    j.error = Some(crate::api::ApiError::from_response(500, &json!({"detail": huge}).to_string(), None, None));
    j.logs.push(crate::api::LogEntry { message: huge.clone(), timestamp: None, level: None });
    j.raw_status = Some(huge);
    let text = encode(&[j]);
    assert!(text.len() < 20_000, "{} bytes", text.len());
    let back = decode(&text).jobs.remove(0);
    assert_eq!(back.error.unwrap().detail.chars().count(), MAX_FIELD_CHARS + 1);
}

#[test]
fn writes_are_throttled_but_phase_changes_are_not() {
    assert!(write_due(0.0, WRITE_EVERY_MS, false));
    assert!(!write_due(1_000.0, 1_000.0 + WRITE_EVERY_MS - 1.0, false));
    assert!(write_due(1_000.0, 1_001.0, true));
}

#[test]
fn a_paused_job_is_not_followed_again_by_itself() {
    let mut j = job(1, 1_000.0, true);
    j.paused = Some(crate::jobs::Pause::Parked(crate::api::ApiError::network("x")));
    assert!(!should_follow(&j, 1_001.0, "tab-a"));
}

#[test]
fn a_keep_region_is_stored_with_its_job_checked_on_load_and_dropped_when_huge() {
    use crate::jobs::KeepRegion;
    use crate::pixels::shape::{Shape, Tool};
    let shape = |points: Vec<[f32; 2]>| Shape { tool: Tool::Brush, points, size: 4.0, color: "#ff0000".into(), text: String::new() };
    let region = KeepRegion { image: 0, shapes: vec![shape(vec![[1.0, 2.0], [3.0, 4.0]])], feather: 8 };
    let mut j = job(1, 1.0, false);
    j.region = Some(region.clone());
    let loaded = decode(&encode(&[j.clone()]));
    assert_eq!(loaded.jobs[0].region, Some(region.clone()));
    // A stored shape that is not usable is dropped; nothing usable left, no region.
    let hostile = encode(&[j.clone()]).replace("\"size\":4.0", "\"size\":-1.0");
    assert_ne!(hostile, encode(&[j.clone()]), "the size was rewritten");
    assert_eq!(decode(&hostile).jobs[0].region, None);
    j.region = Some(KeepRegion { shapes: vec![shape(vec![[1.0, 1.0]; 4_000]); 6], ..region });
    assert_eq!(decode(&encode(&[j])).jobs[0].region, None, "24,000 points are not stored");
}
