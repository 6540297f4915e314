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

use serde_json::Value;

use super::state::Job;
use super::stored::Stored;

pub const HISTORY_VERSION: u32 = 1;
/// Finished jobs past this many (oldest first) are dropped; running jobs
/// are always kept.
pub const HISTORY_LIMIT: usize = 1_000;
/// A job nobody has updated for this long may be taken over by another tab
/// (its follower writes at least every `WRITE_EVERY_MS` while it runs).
pub const STALE_MS: f64 = 20_000.0;
/// What replaces a local file's data URI in the stored body.
pub const LOCAL_PLACEHOLDER: &str = "local-file:not-stored";

/// The stored history's shape, which an export's `history.json` shares
/// (adding its `format`): `{"format"?, "v", "jobs": […]}`, each job as
/// `jobs::stored` writes it. Read and written through `Value`.
pub(super) struct Out;

impl Out {
    /// `jobs` as stored, as JSON text.
    pub fn text(format: Option<&str>, jobs: impl Iterator<Item = Job>) -> String {
        let mut m = serde_json::Map::new();
        if let Some(f) = format {
            m.insert("format".into(), f.into());
        }
        m.insert("v".into(), HISTORY_VERSION.into());
        m.insert("jobs".into(), Value::Array(jobs.map(|j| j.put()).collect()));
        Value::Object(m).to_string()
    }
}

pub(super) struct In {
    pub format: Option<String>,
    pub v: u32,
    /// Read one by one, so that a broken job is left out alone.
    pub jobs: Vec<Value>,
}

impl In {
    /// The envelope, or None when the text is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let Value::Object(mut m) = serde_json::from_str(text).ok()? else { return None };
        let format = match m.remove("format") {
            None | Some(Value::Null) => None,
            Some(Value::String(f)) => Some(f),
            Some(_) => return None,
        };
        let v = u32::try_from(m.get("v")?.as_u64()?).ok()?;
        let Value::Array(jobs) = m.remove("jobs")? else { return None };
        Some(In { format, v, jobs })
    }

    /// The jobs that could be read, each id once, and how many could not.
    pub fn read_jobs(self) -> (Vec<Job>, usize) {
        let total = self.jobs.len();
        let jobs: Vec<Job> = self
            .jobs
            .iter()
            .filter_map(Job::take)
            .map(|mut j| {
                // Stored shapes are checked as drawn ones are.
                j.region = j.region.take().and_then(super::region::KeepRegion::sanitized);
                j
            })
            .collect();
        let dropped = total - jobs.len();
        (dedup(jobs), dropped)
    }
}

/// The most points a stored "keep the rest" region keeps.
pub const MAX_STORED_POINTS: usize = 20_000;

/// The longest text a stored field keeps (an error's detail, a status).
pub const MAX_FIELD_CHARS: usize = 4_000;

fn cut(s: &mut String, max: usize) {
    if s.len() > max {
        if let Some((i, _)) = s.char_indices().nth(max) {
            s.truncate(i);
            s.push('…');
        }
    }
}

fn cut_error(e: &mut crate::api::ApiError) {
    cut(&mut e.detail, MAX_FIELD_CHARS);
    e.field_errors.truncate(50);
    for f in e.field_errors.iter_mut() {
        cut(&mut f.message, MAX_FIELD_CHARS);
        cut(&mut f.field, 200);
    }
    if let Some(t) = e.error_type.as_mut() {
        cut(t, 200);
    }
}

/// A job as it may be stored: data URIs (inputs, and results of sync mode)
/// replaced by placeholders, logs and oversize fields cut (a 6 MB error
/// detail from a server must not fill the storage).
pub fn storable(job: &Job) -> Job {
    let mut j = job.clone();
    if let Some(e) = j.error.as_mut() {
        cut_error(e);
    }
    if let Some((e, _)) = j.retrying.as_mut() {
        cut_error(e);
    }
    match j.paused.as_mut() {
        Some(super::state::Pause::KeyRefused(e) | super::state::Pause::Parked(e)) => cut_error(e),
        Some(super::state::Pause::Imported) | None => {}
    }
    if let super::state::CancelState::Error(e) = &mut j.cancel {
        cut_error(e);
    }
    for s in [j.raw_status.as_mut(), j.status_error.as_mut()].into_iter().flatten() {
        cut(s, MAX_FIELD_CHARS);
    }
    j.route.tried.truncate(10);
    for l in j.logs.iter_mut() {
        cut(&mut l.message, super::state::MAX_LOG_CHARS);
    }
    // A region of very long strokes is not worth the storage (its results'
    // kept versions are not made after a reload then).
    if j.region.as_ref().is_some_and(|r| r.shapes.iter().map(|s| s.points.len()).sum::<usize>() > MAX_STORED_POINTS) {
        j.region = None;
    }
    let local = |u: &mut Value| {
        if u.as_str().is_some_and(|s| s.starts_with("data:")) {
            *u = Value::from(LOCAL_PLACEHOLDER);
        }
    };
    if let Some(urls) = j.body.get_mut("image_urls").and_then(Value::as_array_mut) {
        urls.iter_mut().for_each(local);
    }
    // An inpainting body's one image and its mask.
    for k in ["image_url", "mask_url"] {
        if let Some(u) = j.body.get_mut(k) {
            local(u);
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
    if n > super::state::MAX_LOG_LINES {
        j.logs.drain(..n - super::state::MAX_LOG_LINES);
        j.logs_dropped += (n - super::state::MAX_LOG_LINES) as u64;
    }
    j
}

/// Of two stored versions of one job, the one further along: an ended job
/// over a running one, else the one changed last.
fn newer<'a>(a: &'a Job, b: &'a Job) -> bool {
    match (a.phase.is_active(), b.phase.is_active()) {
        (false, true) => true,
        (true, false) => false,
        _ => a.updated_at >= b.updated_at,
    }
}

/// One entry per job id (a history written by two tabs at once, or edited
/// by hand, may hold several): the version further along stays.
pub fn dedup(jobs: Vec<Job>) -> Vec<Job> {
    let mut out: Vec<Job> = Vec::with_capacity(jobs.len());
    for j in jobs {
        match out.iter().position(|o| o.id == j.id) {
            Some(i) if newer(&j, &out[i]) => out[i] = j,
            Some(_) => {}
            None => out.push(j),
        }
    }
    out
}

/// The ways to make a history smaller when storage is full, in order: the
/// logs of finished jobs, then the oldest finished jobs (halving what is
/// left of them each step). Running jobs are never dropped. Each step gives
/// the jobs to write and how many jobs it dropped.
pub fn shrink(jobs: &[Job]) -> Vec<(Vec<Job>, usize)> {
    let mut steps = Vec::new();
    let mut light: Vec<Job> = bounded(jobs.to_vec());
    for j in light.iter_mut().filter(|j| !j.phase.is_active()) {
        j.logs_dropped += j.logs.len() as u64;
        j.logs.clear();
    }
    steps.push((light.clone(), 0));
    let finished = light.iter().filter(|j| !j.phase.is_active()).count();
    let mut keep = finished;
    while keep > 0 {
        keep /= 2;
        let mut seen = 0;
        let kept: Vec<Job> = light
            .iter()
            .filter(|j| {
                if j.phase.is_active() {
                    return true;
                }
                seen += 1;
                seen <= keep
            })
            .cloned()
            .collect();
        steps.push((kept, finished - keep));
    }
    steps
}

/// Whether the history is written now: at a phase change, else at most
/// once every `WRITE_EVERY_MS` (stream events do not each rewrite it).
pub fn write_due(last_write: f64, now: f64, phase_changed: bool) -> bool {
    phase_changed || now - last_write >= WRITE_EVERY_MS
}

/// The least time between two history writes of one tab, but for phase
/// changes and the page going away.
pub const WRITE_EVERY_MS: f64 = 2_000.0;

/// Whether a stored body still has everything to be sent again.
pub fn can_resend(body: &Value) -> bool {
    let images = crate::api::input::body_images(body);
    !images.is_empty() && images.iter().all(|u| *u != LOCAL_PLACEHOLDER) && body.get("mask_url").is_none_or(|m| m.as_str().is_some_and(|m| m != LOCAL_PLACEHOLDER))
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
    Out::text(None, bounded(jobs.iter().map(storable).collect()).into_iter())
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
    let parsed = match In::parse(text) {
        Some(p) => p,
        None => {
            return Loaded { problem: Some(crate::i18n::K::HistoryUnreadable.into()), ..Loaded::default() };
        }
    };
    if parsed.v > HISTORY_VERSION {
        return Loaded {
            problem: Some(crate::i18n::K::HistoryNewer.into()),
            ..Loaded::default()
        };
    }
    let (jobs, dropped) = parsed.read_jobs();
    Loaded { dropped, jobs: bounded(jobs), problem: None }
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
    job.phase.is_active()
        && job.request_id.is_some()
        && job.paused.is_none()
        && (job.owner.as_deref() == Some(me) || now - job.updated_at > STALE_MS)
}

#[cfg(test)]
mod tests;
