//! Moving a history to another browser (issue 13): one zip with the
//! history's versioned JSON (never the key: jobs do not hold it) and the
//! result images' copies; reading one back, refusing what is damaged,
//! foreign or newer; merging it by request id without overwriting anything.

use super::history::{storable, In, Out, HISTORY_VERSION};
use super::chain::Source;
use super::{Event, Job, Pause, Phase};
use crate::api::zip::{self, ZipError, ZipWriter};
use crate::i18n::{Msg, K};

/// The history's entry in the archive.
pub const HISTORY_FILE: &str = "history.json";
/// What marks the JSON as ours.
pub const FORMAT: &str = "qwen-image-edit-studio/history";

/// One result image's copy: the job (its id in the archive), the image's
/// place among the job's results, its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub job: u64,
    pub index: usize,
    pub bytes: Vec<u8>,
}

/// The entry name of an image copy: `images/<job>-<index>`.
pub fn image_name(job: u64, index: usize) -> String {
    format!("images/{job}-{index}")
}

fn parse_image_name(name: &str) -> Option<(u64, usize)> {
    let (job, index) = name.strip_prefix("images/")?.split_once('-')?;
    Some((job.parse().ok()?, index.parse().ok()?))
}

/// The archive of `jobs` (stored as the history stores them) and their
/// image copies, dated `now`.
pub fn export(jobs: &[Job], images: &[Image], now: f64) -> Result<Vec<u8>, ZipError> {
    let json = Out::text(Some(FORMAT), jobs.iter().map(storable));
    let mut zip = ZipWriter::new(now);
    zip.add(HISTORY_FILE, json.as_bytes())?;
    for img in images {
        zip.add(&image_name(img.job, img.index), &img.bytes)?;
    }
    zip.finish()
}

/// Why a file cannot be imported; nothing is changed when one is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Refused {
    /// Not a zip of stored entries, cut short, or an entry's bytes changed.
    Damaged,
    /// A zip, but not a history exported by this app.
    Foreign,
    /// Written by a newer version of the app.
    Newer(u32),
}

impl Refused {
    pub fn message(&self) -> Msg {
        match self {
            Refused::Damaged => Msg::new(K::ImportDamaged),
            Refused::Foreign => Msg::new(K::ImportForeign),
            Refused::Newer(_) => Msg::new(K::ImportNewer),
        }
    }
}

/// What an archive holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Archive {
    pub jobs: Vec<Job>,
    /// Entries that could not be read as jobs and were left out.
    pub dropped: usize,
    pub images: Vec<Image>,
}

/// Reads an archive made by [`export`] (by this version or an older one).
pub fn import(bytes: &[u8]) -> Result<Archive, Refused> {
    let entries = zip::read(bytes).map_err(|_| Refused::Damaged)?;
    let history = entries.iter().find(|(n, _)| n == HISTORY_FILE).ok_or(Refused::Foreign)?;
    // Through `&str`: the parser the app has already (a slice reader would be a second one).
    let text = std::str::from_utf8(&history.1).map_err(|_| Refused::Foreign)?;
    let parsed = In::parse(text).ok_or(Refused::Foreign)?;
    if parsed.format.as_deref() != Some(FORMAT) {
        return Err(Refused::Foreign);
    }
    if parsed.v > HISTORY_VERSION {
        return Err(Refused::Newer(parsed.v));
    }
    let (jobs, dropped) = parsed.read_jobs();
    let images = entries
        .into_iter()
        .filter_map(|(name, bytes)| parse_image_name(&name).map(|(job, index)| Image { job, index, bytes }))
        .filter(|img| jobs.iter().any(|j| j.id == img.job))
        .collect();
    Ok(Archive { jobs, dropped, images })
}

/// The outcome of merging an archive into a history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merged {
    /// The jobs to add, with ids of this browser.
    pub added: Vec<Job>,
    /// The archive's job id → the id it has here, for the added jobs.
    pub ids: Vec<(u64, u64)>,
    /// Jobs the history already had (by request id), left as they are.
    pub skipped: usize,
}

/// Whether two jobs are one: the same request id, or (never answered by a
/// queue) the same model, time and body.
fn same(a: &Job, b: &Job) -> bool {
    match (&a.request_id, &b.request_id) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.model == b.model && a.submitted_at == b.submitted_at && a.body == b.body,
        _ => false,
    }
}

/// Merges `incoming` into a history holding `existing`: a job already there
/// stays as it is; every other job is added under a new id from `new_id`
/// (groups too), followed by no tab. One still running is paused
/// ([`Pause::Imported`]: followed here only when the person resumes it);
/// one that had not reached a queue is failed as not sent.
pub fn merge(existing: &[Job], incoming: Vec<Job>, new_id: &mut dyn FnMut() -> u64, now: f64) -> Merged {
    let mut out = Merged::default();
    let mut groups: Vec<(u64, u64)> = Vec::new();
    for mut job in incoming {
        if existing.iter().chain(out.added.iter()).any(|e| same(e, &job)) {
            out.skipped += 1;
            continue;
        }
        let id = new_id();
        out.ids.push((job.id, id));
        job.id = id;
        job.owner = None;
        if let Some(m) = job.group.as_mut() {
            m.group = match groups.iter().find(|(old, _)| *old == m.group) {
                Some((_, new)) => *new,
                None => {
                    let new = new_id();
                    groups.push((m.group, new));
                    new
                }
            };
        }
        if job.phase.is_active() {
            if job.request_id.is_some() {
                job.paused = Some(Pause::Imported);
            } else {
                job.apply(Event::Interrupted, now, 0.0);
                // A replay's waiting step too: it is not run from here.
                if job.phase == Phase::Waiting {
                    job.fail(crate::api::ApiError::not_sent(), now);
                }
            }
        }
        out.added.push(job);
    }
    // A result's job is found by its request id; its job id follows too.
    for job in &mut out.added {
        for s in &mut job.sources {
            if let Source::Result { job: j, .. } = s {
                if let Some((_, new)) = out.ids.iter().find(|(old, _)| old == j) {
                    *j = *new;
                }
            }
        }
    }
    out
}

/// The jobs whose image copies go, oldest first, until what is left fits
/// `cap` bytes: `copies` holds each job's id, when it was submitted and
/// what its copies take. The job `keep` (its copy was just made) stays.
pub fn evict(copies: &[(u64, f64, u64)], cap: u64, keep: Option<u64>) -> Vec<u64> {
    let mut total: u64 = copies.iter().map(|c| c.2).sum();
    let mut order: Vec<&(u64, f64, u64)> = copies.iter().filter(|c| Some(c.0) != keep).collect();
    // Oldest first, by a short insertion sort: another instance of the std
    // sort would cost the bundle more than these lines.
    for i in 1..order.len() {
        let mut k = i;
        while k > 0 && order[k - 1].1 > order[k].1 {
            order.swap(k - 1, k);
            k -= 1;
        }
    }
    let mut out = Vec::new();
    for c in order {
        if total <= cap {
            break;
        }
        total -= c.2;
        out.push(c.0);
    }
    out
}

#[cfg(test)]
mod tests;
