//! The store's side of the image copies (issue 13): a job that completed
//! has its results copied by the task that followed it; past the cap the
//! oldest jobs' copies go; deleting a job deletes its copies; the person
//! may free them all. And moving the history: export with the copies,
//! import merged by request id.

use super::*;
use crate::jobs::archive::{self, evict, Archive, Image};
use crate::jobs::Kept;
use crate::web::copies;

/// The cap's unit, as `human_bytes` counts.
const MB: u64 = 1_000_000;

impl Jobs {
    /// Copies the results of `entry`, when it completed and has none yet,
    /// then frees the oldest copies past the cap. The first copy of the
    /// page asks the browser to keep its storage.
    pub(super) async fn keep_copies(&self, entry: &JobEntry) {
        let cap = self.copies_mb.get_untracked() as u64 * MB;
        let (id, urls) = entry.job.with_untracked(|j| (j.id, j.output.as_ref().map(|o| o.images.iter().map(|i| i.url.clone()).collect::<Vec<_>>())));
        let todo = entry.job.with_untracked(|j| j.phase == Phase::Completed && j.kept.is_none());
        // Inline results (sync mode, the demo) are not copied: the history
        // does not keep them either.
        let Some(urls) = urls.filter(|u| todo && cap > 0 && !u.is_empty() && u.iter().all(|u| u.starts_with("https://") || u.starts_with("http://"))) else {
            return;
        };
        let first = untrack(|| self.copies_total()) == 0;
        let kept = copies::keep(id, &urls).await.map_or(Kept::LinkOnly, Kept::Copies);
        self.dispatch(entry, Event::Kept(kept));
        if first && kept != Kept::LinkOnly {
            copies::persist().await;
        }
        self.evict_copies(cap, Some(id)).await;
    }

    /// What the copies take in all (tracked).
    pub fn copies_total(&self) -> u64 {
        self.list.with(|l| l.iter().map(|e| e.job.with(|j| if let Some(Kept::Copies(n)) = j.kept { n } else { 0 })).sum())
    }

    async fn evict_copies(&self, cap: u64, keep: Option<u64>) {
        let held: Vec<(u64, f64, u64)> = self.list.with_untracked(|l| {
            l.iter().filter_map(|e| e.job.with_untracked(|j| if let Some(Kept::Copies(n)) = j.kept { Some((j.id, j.submitted_at, n)) } else { None })).collect()
        });
        for id in evict(&held, cap, keep) {
            let Some(e) = self.entry(id) else { continue };
            copies::forget(id, image_count(&e)).await;
            self.dispatch(&e, Event::Kept(Kept::Freed));
        }
    }

    /// The job and place of a result image shown by its URL.
    pub fn locate(&self, url: &str) -> Option<(u64, usize)> {
        self.list.with_untracked(|l| {
            l.iter().find_map(|e| e.job.with_untracked(|j| j.output.as_ref().and_then(|o| o.images.iter().position(|i| i.url == url)).map(|i| (j.id, i))))
        })
    }

    /// An `on:error` handler for an image shown by its `data-url` (the
    /// lightbox, the comparison): its copy takes its place.
    pub fn fall_back(&self) -> impl Fn(web_sys::ErrorEvent) + Copy + 'static {
        let jobs = *self;
        move |ev| {
            use wasm_bindgen::JsCast;
            let Some(img) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlImageElement>().ok()) else { return };
            if let Some((job, index)) = img.get_attribute("data-url").and_then(|u| jobs.locate(&u)) {
                spawn_local(copies::show_copy(img, job, index));
            }
        }
    }

    /// Frees every copy (asked first by the page).
    pub fn free_copies(&self) {
        let jobs = *self;
        spawn_local(async move {
            copies::forget_all().await;
            let held: Vec<JobEntry> = jobs.list.with_untracked(|l| l.iter().filter(|e| e.job.with_untracked(|j| matches!(j.kept, Some(Kept::Copies(_))))).cloned().collect());
            for e in held {
                jobs.dispatch(&e, Event::Kept(Kept::Freed));
            }
        });
    }

    /// Deletes the copies of jobs leaving the history.
    pub(super) fn forget_copies(&self, gone: &[JobEntry]) {
        let held: Vec<(u64, usize)> = gone.iter().filter(|e| e.job.with_untracked(|j| matches!(j.kept, Some(Kept::Copies(_))))).map(|e| (e.id, image_count(e))).collect();
        if !held.is_empty() {
            spawn_local(async move {
                for (id, count) in held {
                    copies::forget(id, count).await;
                }
            });
        }
    }
}

fn image_count(e: &JobEntry) -> usize {
    e.job.with_untracked(|j| j.output.as_ref().map_or(0, |o| o.images.len()))
}

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Imported {
    pub added: usize,
    /// Jobs the history had already (left as they were).
    pub skipped: usize,
    /// Entries of the file that could not be read as jobs.
    pub dropped: usize,
    pub images: usize,
}

impl Jobs {
    /// The archive of the whole history and every copy kept.
    pub async fn export(&self) -> Result<Vec<u8>, crate::api::zip::ZipError> {
        let jobs: Vec<Job> = self.list.with_untracked(|l| l.iter().map(|e| e.job.get_untracked()).collect());
        let mut images = Vec::new();
        for j in jobs.iter().filter(|j| matches!(j.kept, Some(Kept::Copies(_)))) {
            for index in 0..j.output.as_ref().map_or(0, |o| o.images.len()) {
                if let Some(blob) = copies::find(j.id, index).await {
                    if let Ok(buf) = wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await {
                        images.push(Image { job: j.id, index, bytes: js_sys::Uint8Array::new(&buf).to_vec() });
                    }
                }
            }
        }
        archive::export(&jobs, &images, now())
    }

    /// Adds the jobs of `archive` this history does not have (nothing here
    /// is overwritten, nothing is sent), with their images as copies.
    pub async fn import(&self, archive: Archive) -> Imported {
        let existing: Vec<Job> = self.list.with_untracked(|l| l.iter().map(|e| e.job.get_untracked()).collect());
        let total = archive.jobs.len() * 2;
        let first = self.new_ids(total);
        let mut next = first;
        let merged = archive::merge(&existing, archive.jobs, &mut || {
            next += 1;
            next - 1
        }, now());
        let mut restored = 0;
        let mut added = Vec::with_capacity(merged.added.len());
        for mut job in merged.added.iter().cloned() {
            let old = merged.ids.iter().find(|(_, new)| *new == job.id).map(|(old, _)| *old);
            let count = job.output.as_ref().map_or(0, |o| o.images.len());
            let mine: Vec<&Image> = archive.images.iter().filter(|i| Some(i.job) == old && i.index < count).collect();
            job.kept = None;
            if count > 0 && mine.len() == count {
                let mut bytes = 0;
                for img in &mine {
                    if copies::put(job.id, img.index, &img.bytes).await.is_some() {
                        bytes += img.bytes.len() as u64;
                        restored += 1;
                    }
                }
                job.kept = Some(Kept::Copies(bytes));
            }
            added.push(JobEntry { id: job.id, job: ArcRwSignal::new(job), shown: ArcRwSignal::new(false), followed: ArcRwSignal::new(false) });
        }
        // One change of the list.
        self.list.update(|l| added.into_iter().for_each(|e| place(l, e)));
        self.save(true);
        Imported { added: merged.added.len(), skipped: merged.skipped, dropped: archive.dropped, images: restored }
    }
}
