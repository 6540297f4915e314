//! The store's side of the image copies (issue 13): a job that completed
//! has its results copied by the task that followed it; past the cap the
//! oldest jobs' copies go; deleting a job deletes its copies; the person
//! may free them all. And moving the history: export with the copies,
//! import merged by request id.

use super::*;
use crate::jobs::archive::{self, evict, Archive, Image};
use crate::jobs::Kept;
use crate::web::copies;
use crate::web::images::blob_bytes;

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

    /// Keeps `blob`, the kept version of image `index` of job `id` made on
    /// the page, beside that image's copy: when the job holds copies and
    /// has none of it yet. Counted with the job's copies.
    pub async fn keep_kept(&self, id: u64, index: usize, blob: web_sys::Blob) {
        let held = |e: &JobEntry| e.job.with_untracked(|j| if let Some(Kept::Copies(n)) = j.kept { Some(n) } else { None });
        let Some(e) = self.entry(id).filter(|e| held(e).is_some()) else { return };
        if copies::find_kept(id, index).await.is_some() || copies::put_kept(id, index, &blob).await.is_none() {
            return;
        }
        // Read again: another image's kept version may have been counted
        // meanwhile, or the copies freed (then this one goes too).
        let Some(n) = held(&e) else {
            copies::forget(id, index + 1).await;
            return;
        };
        self.dispatch(&e, Event::Kept(Kept::Copies(n + blob.size() as u64)));
        self.evict_copies(self.copies_mb.get_untracked() as u64 * MB, Some(id)).await;
    }

    /// Whether job `id` holds copies of its results (tracked).
    pub fn holds_copies(&self, id: u64) -> bool {
        self.list.with(|l| l.iter().find(|e| e.id == id).is_some_and(|e| e.job.with(|j| matches!(j.kept, Some(Kept::Copies(_))))))
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
            let Some(img) = copies::failed_image(&ev) else { return };
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
    e.job.with_untracked(image_count_of)
}

fn image_count_of(j: &Job) -> usize {
    j.output.as_ref().map_or(0, |o| o.images.len())
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
            for index in 0..image_count_of(j) {
                let Some(blob) = copies::find(j.id, index).await else { continue };
                if let Some(bytes) = blob_bytes(&blob).await {
                    images.push(Image { job: j.id, index, bytes });
                }
            }
        }
        archive::export(&jobs, &images, now())
    }

    /// Adds the jobs of `archive` this history does not have (nothing here
    /// is overwritten, nothing is sent), with their images as copies.
    pub async fn import(&self, archive: Archive) -> Imported {
        let existing: Vec<Job> = self.list.with_untracked(|l| l.iter().map(|e| e.job.get_untracked()).collect());
        // Ids for the jobs and their groups, none of them in use.
        let mut next = self.new_ids(archive.jobs.len() * 2);
        let merged = archive::merge(&existing, archive.jobs, &mut || {
            next += 1;
            next - 1
        }, now());
        let (count, skipped) = (merged.added.len(), merged.skipped);
        let mut restored = 0;
        let mut added = Vec::with_capacity(count);
        // `merge` gives the ids in the order of the jobs it adds.
        for ((old, _), mut job) in merged.ids.into_iter().zip(merged.added) {
            let images = image_count_of(&job);
            let mine: Vec<&Image> = archive.images.iter().filter(|i| i.job == old && i.index < images).collect();
            job.kept = None;
            if images > 0 && mine.len() == images {
                // All of a job's images or none, as when a copy is made.
                let (mut bytes, mut all) = (0, true);
                for img in &mine {
                    all = copies::put(job.id, img.index, &img.bytes).await.is_some();
                    if !all {
                        break;
                    }
                    bytes += img.bytes.len() as u64;
                }
                if all {
                    job.kept = Some(Kept::Copies(bytes));
                    restored += images;
                } else {
                    copies::forget(job.id, images).await;
                }
            }
            added.push(JobEntry { id: job.id, job: ArcRwSignal::new(job), shown: ArcRwSignal::new(false), followed: ArcRwSignal::new(false) });
        }
        // One change of the list.
        self.list.update(|l| added.into_iter().for_each(|e| place(l, e)));
        self.save(true);
        Imported { added: count, skipped, dropped: archive.dropped, images: restored }
    }
}
