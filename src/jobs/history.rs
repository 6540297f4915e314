//! The job history in storage: a versioned, bounded list, newest first.
//! Never the key (jobs do not hold it), and never inlined image data: a
//! local file's data URI is replaced by a placeholder before storing.
//!
//! Two tabs share one history. The rule: a tab writes by reading what is
//! stored, keeping its own version of the jobs it follows and the stored
//! version of every other job, then writing the merge. A job is followed by
//! one tab only: the one that submitted or resumed it, as long as that tab
//! keeps it fresh (`updated_at`) — so no job is ever submitted twice, and
//! another tab takes over a job only when its follower has gone quiet.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::Job;

pub const HISTORY_VERSION: u32 = 1;
/// Finished jobs past this many (oldest first) are dropped; running jobs
/// are always kept.
pub const HISTORY_LIMIT: usize = 200;
/// A job nobody has updated for this long may be taken over by another tab.
pub const STALE_MS: f64 = 20_000.0;
/// What replaces a local file's data URI in the stored body.
pub const LOCAL_PLACEHOLDER: &str = "local-file:not-stored";

#[derive(Serialize)]
struct Out<'a> {
    v: u32,
    jobs: Vec<&'a Job>,
}

#[derive(Deserialize)]
struct In {
    v: u32,
    jobs: Vec<Value>,
}

/// A job as it may be stored: data URIs (inputs, and results of sync mode)
/// replaced by placeholders, logs capped.
pub fn storable(job: &Job) -> Job {
    let mut j = job.clone();
    if let Some(urls) = j.body.get_mut("image_urls").and_then(Value::as_array_mut) {
        for u in urls.iter_mut() {
            if u.as_str().is_some_and(|s| s.starts_with("data:")) {
                *u = Value::from(LOCAL_PLACEHOLDER);
            }
        }
    }
    if let Some(out) = j.output.as_mut() {
        for img in out.images.iter_mut() {
            if img.url.starts_with("data:") {
                img.url = LOCAL_PLACEHOLDER.to_string();
            }
        }
    }
    let n = j.logs.len();
    if n > 200 {
        j.logs.drain(..n - 200);
    }
    j
}

/// Whether a stored body still has everything to be sent again.
pub fn can_resend(body: &Value) -> bool {
    body.get("image_urls")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty() && a.iter().all(|u| u.as_str().is_some_and(|s| s != LOCAL_PLACEHOLDER)))
}

/// Newest first, bounded, running jobs always kept.
pub fn bounded(mut jobs: Vec<Job>) -> Vec<Job> {
    jobs.sort_by(|a, b| b.submitted_at.total_cmp(&a.submitted_at));
    let mut finished = 0;
    jobs.retain(|j| {
        if j.phase.is_active() {
            return true;
        }
        finished += 1;
        finished <= HISTORY_LIMIT
    });
    jobs
}

pub fn encode(jobs: &[Job]) -> String {
    let stored: Vec<Job> = bounded(jobs.iter().map(storable).collect());
    serde_json::to_string(&Out { v: HISTORY_VERSION, jobs: stored.iter().collect() }).unwrap_or_default()
}

/// What was read from storage.
#[derive(Debug, Default, PartialEq)]
pub struct Loaded {
    pub jobs: Vec<Job>,
    /// Entries that could not be read and were left out.
    pub dropped: usize,
    /// Why nothing could be read, for the user.
    pub problem: Option<crate::i18n::Msg>,
}

/// Reads a stored history. Unreadable entries are skipped and counted; an
/// unreadable whole gives a message and no jobs, never a failure.
pub fn decode(text: &str) -> Loaded {
    let parsed: In = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(_) => {
            return Loaded { problem: Some(crate::i18n::K::HistoryUnreadable.into()), ..Loaded::default() };
        }
    };
    if parsed.v > HISTORY_VERSION {
        return Loaded {
            problem: Some(crate::i18n::K::HistoryNewer.into()),
            ..Loaded::default()
        };
    }
    let total = parsed.jobs.len();
    let jobs: Vec<Job> = parsed.jobs.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect();
    Loaded { dropped: total - jobs.len(), jobs: bounded(jobs), problem: None }
}

/// The history to write: for the jobs this tab follows, its own version;
/// for every other job, the stored one. Jobs this tab deleted are left out.
pub fn merge(stored: Vec<Job>, mine: &[Job], following: impl Fn(u64) -> bool, deleted: impl Fn(u64) -> bool) -> Vec<Job> {
    let mut out: Vec<Job> = stored.into_iter().filter(|j| !deleted(j.id) && !following(j.id)).collect();
    for j in mine {
        let stored_has = out.iter().position(|s| s.id == j.id);
        match stored_has {
            Some(_) => {}
            None if !deleted(j.id) => out.push(j.clone()),
            None => {}
        }
    }
    bounded(out)
}

/// Whether a job in the history is one this tab should follow: still
/// running, with a request id, and either this tab's own (a reload) or not
/// kept fresh by another tab.
pub fn should_follow(job: &Job, now: f64, me: &str) -> bool {
    job.phase.is_active() && job.request_id.is_some() && (job.owner.as_deref() == Some(me) || now - job.updated_at > STALE_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::QueueStatus;
    use crate::jobs::{Event, Phase};
    use serde_json::json;

    fn job(id: u64, at: f64, active: bool) -> Job {
        let mut j = Job::new(id, json!({"prompt":"p","image_urls":["https://a/x.png","data:image/png;base64,AAAA"]}), "http://h", "m", at);
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
        let mut unsent = Job::new(3, json!({}), "h", "m", 0.0);
        unsent.updated_at = 0.0;
        assert!(!should_follow(&unsent, 1e12, "tab-a"), "no request id: never resubmitted");
    }
}
