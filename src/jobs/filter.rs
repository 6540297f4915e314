//! Finding a job in a long history (issue 13): words of the prompt (or a
//! request id), a status and a model; shown a page at a time.

use super::{Job, Phase};

/// How many history entries are shown at first, and added by "Show more".
pub const PAGE: usize = 50;

/// The status part of the filter (`name="history_status"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    All,
    /// Waiting to send, submitting, in queue or in progress.
    Running,
    Completed,
    /// Failed or lost.
    Failed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::All, Status::Running, Status::Completed, Status::Failed, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::All => "all",
            Status::Running => "running",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Self {
        Status::ALL.into_iter().find(|x| x.as_str() == s).unwrap_or_default()
    }

    pub fn admits(self, phase: Phase) -> bool {
        match self {
            Status::All => true,
            Status::Running => phase.is_active(),
            Status::Completed => phase == Phase::Completed,
            Status::Failed => matches!(phase, Phase::Failed | Phase::Lost),
            Status::Cancelled => phase == Phase::Cancelled,
        }
    }
}

/// What the person asked for; the default admits every job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Words that must all appear in the prompt or the request id, ignoring
    /// ASCII case (other scripts match as typed).
    pub text: String,
    pub status: Status,
    /// An endpoint id; empty for every model.
    pub model: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.status == Status::All && self.model.is_empty()
    }

    pub fn matches(&self, job: &Job) -> bool {
        if !self.status.admits(job.phase) || (!self.model.is_empty() && job.model != self.model) {
            return false;
        }
        let prompt = job.body.get("prompt").and_then(|p| p.as_str()).unwrap_or("");
        let id = job.request_id.as_deref().unwrap_or("");
        self.text.split_whitespace().all(|w| contains_folded(prompt, w) || contains_folded(id, w))
    }
}

/// Whether `hay` contains `needle`, ignoring ASCII case. (Unicode case
/// folding would bring the case tables into the bundle: about 10 KB.)
pub fn contains_folded(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The models of a history, each once, in the order first met (newest
/// first), for the model filter's choices.
pub fn models(jobs: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in jobs {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Job, NewJob};
    use serde_json::json;

    fn job(id: u64, prompt: &str, model: &str, phase: Phase, request: Option<&str>) -> Job {
        let mut j = Job::new(NewJob::polled(id, json!({ "prompt": prompt }), "https://queue.fal.run", model, "tab"), id as f64);
        j.phase = phase;
        j.request_id = request.map(str::to_string);
        j
    }

    #[test]
    fn words_match_the_prompt_or_the_request_id_in_any_ascii_case() {
        let j = job(1, "Make the SKY purple", "fal-ai/qwen-image-edit-plus", Phase::Completed, Some("req-7f3a"));
        let f = |t: &str| Filter { text: t.into(), ..Filter::default() };
        assert!(f("").matches(&j));
        assert!(f("  sky ").matches(&j));
        assert!(f("purple sky").matches(&j), "words in any order");
        assert!(f("7F3A").matches(&j), "the request id");
        assert!(!f("sky green").matches(&j), "every word must appear");
        assert!(!f("sea").matches(&j));
        let zh = job(2, "把天空变成紫色", "fal-ai/qwen-image-edit-plus", Phase::Completed, None);
        assert!(f("天空").matches(&zh));
        assert!(!f("大海").matches(&zh));
        let no_prompt = Job { body: json!({}), ..j.clone() };
        assert!(f("req").matches(&no_prompt) && !f("sky").matches(&no_prompt));
    }

    #[test]
    fn status_groups_the_phases() {
        let cases = [
            (Phase::Waiting, Status::Running),
            (Phase::Submitting, Status::Running),
            (Phase::InQueue, Status::Running),
            (Phase::InProgress, Status::Running),
            (Phase::Completed, Status::Completed),
            (Phase::Failed, Status::Failed),
            (Phase::Lost, Status::Failed),
            (Phase::Cancelled, Status::Cancelled),
        ];
        for (phase, status) in cases {
            for s in Status::ALL {
                assert_eq!(s.admits(phase), s == Status::All || s == status, "{s:?} {phase:?}");
            }
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), s);
        }
        assert_eq!(Status::parse("nonsense"), Status::All);
    }

    #[test]
    fn status_model_and_words_all_apply() {
        let jobs = [
            job(1, "a red car", "fal-ai/qwen-image-edit-plus", Phase::Completed, None),
            job(2, "a red car", "fal-ai/qwen-image-edit-2511", Phase::Completed, None),
            job(3, "a red car", "fal-ai/qwen-image-edit-plus", Phase::Failed, None),
            job(4, "a blue car", "fal-ai/qwen-image-edit-plus", Phase::Completed, None),
        ];
        let f = Filter { text: "red".into(), status: Status::Completed, model: "fal-ai/qwen-image-edit-plus".into() };
        let ids: Vec<u64> = jobs.iter().filter(|j| f.matches(j)).map(|j| j.id).collect();
        assert_eq!(ids, [1]);
        assert!(!f.is_empty() && Filter::default().is_empty() && Filter { text: "  ".into(), ..Filter::default() }.is_empty());
        assert!(jobs.iter().all(|j| Filter::default().matches(j)));
        assert_eq!(models(jobs.iter().map(|j| j.model.clone())), ["fal-ai/qwen-image-edit-plus", "fal-ai/qwen-image-edit-2511"]);
    }

    #[test]
    fn folding_is_ascii_only_and_never_panics_on_any_boundary() {
        assert!(contains_folded("Straße", "STRA"));
        assert!(contains_folded("é", "é") && !contains_folded("É", "é"));
        assert!(contains_folded("", "") && !contains_folded("", "a") && !contains_folded("a", "ab"));
        // Byte windows cut through multi-byte characters without trouble.
        assert!(!contains_folded("天空", "\u{7a7a}\u{5929}"));
    }
}
