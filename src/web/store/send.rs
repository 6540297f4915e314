//! Sending submits. The jobs of one submit (one job, or a group) wait in
//! the page and go at most `max_in_flight` at a time per base
//! (`jobs::sendq`); a 429 holds the base and sends the same body again
//! after the wait; any other failure of a submit is shown and never
//! repeated. And the group's intents: cancel all, retry the failed ones.

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;

use super::*;
use crate::jobs::plan::{Member, Planned};
use crate::jobs::sendq::SendQueue;
use crate::jobs::chain::{self, Source};
use crate::jobs::{KeepRegion, Phase};

/// One base's submits: its queue, the client that sends them, and the
/// timer that wakes the queue when a hold ends (dropping it cancels it).
struct Base {
    name: String,
    queue: SendQueue,
    client: Option<Client>,
    /// The storage API its jobs' pictures are uploaded to, if any.
    storage: Option<Client>,
    timer: Option<Timeout>,
}

/// Every base's submits (a page talks to one or two: a list is enough).
#[derive(Default)]
pub(super) struct Sending {
    bases: Vec<Base>,
    max: usize,
}

impl Sending {
    fn base(&mut self, name: &str) -> &mut Base {
        let i = match self.bases.iter().position(|b| b.name == name) {
            Some(i) => i,
            None => {
                self.bases.push(Base { name: name.to_string(), queue: SendQueue::default(), client: None, storage: None, timer: None });
                self.bases.len() - 1
            }
        };
        &mut self.bases[i]
    }
}

/// A job to add: its model, body, place in a group, region and sources.
pub(super) struct Add {
    pub model: String,
    pub body: serde_json::Value,
    pub group: Option<Member>,
    pub region: Option<KeepRegion>,
    pub sources: Vec<Source>,
    /// The prompt as typed, when a rewrite was sent.
    pub typed: Option<String>,
}

impl Add {
    /// The same job again (a retry, in the same place).
    pub fn again(j: Job) -> Self {
        Add { model: j.model, body: j.body, group: j.group, region: j.region, sources: j.sources, typed: j.typed }
    }
}

/// A submit's place among those sending; freed when dropped: answered,
/// given up, or its task ended.
struct Slot {
    jobs: Jobs,
    base: String,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (jobs, base, id) = (self.jobs, std::mem::take(&mut self.base), self.id);
        jobs.sending.try_update_value(|s| s.base(&base).queue.done(id));
        // The next one goes from a task of its own, not from inside
        // whatever is dropping this one.
        spawn_local(async move { jobs.pump(&base) });
    }
}

impl Jobs {
    /// Submits the planned jobs of one request: each waits for its turn,
    /// is sent once (again only after a 429) and followed. Several form a
    /// group. Returns their ids, in order.
    /// `region`: "keep the rest", drawn on the image at that URL; it goes
    /// with each job whose body has that image (one job per image: only
    /// that image's).
    /// `files`: the form's local files (data URI, name), for where each
    /// input came from. `typed`: the prompt as typed, when the one sent is
    /// a rewrite the person took.
    #[allow(clippy::too_many_arguments)]
    pub fn submit(&self, access: &Access, model: String, planned: Vec<Planned>, stream: bool, max_in_flight: u32, region: Option<(String, KeepRegion)>, files: &[(String, String)], typed: Option<String>) -> Vec<u64> {
        let total = planned.len();
        let group = self.new_id();
        let on = |body: &serde_json::Value| {
            let (url, r) = region.as_ref()?;
            let image = crate::api::input::body_images(body).iter().position(|u| u == url)?;
            Some(KeepRegion { image, ..r.clone() })
        };
        // Where each input came from: a result the page shows, a local file.
        let done: Vec<chain::Results> = self.list.with_untracked(|l| l.iter().filter_map(|e| e.job.with_untracked(chain::results)).collect());
        let jobs = planned
            .into_iter()
            .enumerate()
            .map(|(index, p)| {
                let region = on(&p.body);
                let sources = chain::sources(&crate::api::input::body_images(&p.body), &done, files);
                let group = (total > 1).then_some(Member { group, index, total, label: p.label, replay: false });
                Add { model: model.clone(), body: p.body, group, region, sources, typed: typed.clone() }
            })
            .collect();
        let ids = self.add(access, jobs, stream);
        self.enqueue(access, &ids, max_in_flight);
        ids
    }

    /// A new job id (ms since the epoch × 1000 + a random part; the jobs
    /// of one submit take the ids after it).
    fn new_id(&self) -> u64 {
        self.new_ids(1)
    }

    /// The first of `n` ids in a row that no job in the list has (made from
    /// the time, so ids of different tabs seldom meet).
    pub(super) fn new_ids(&self, n: usize) -> u64 {
        let n = n as u64;
        let mut first = (now() as u64) * 1000 + (random() * 1000.0) as u64;
        while self.list.with_untracked(|l| l.iter().any(|e| (first..first + n).contains(&e.id))) {
            first += n;
        }
        first
    }

    /// Adds jobs on the configured base, each waiting for its turn (the
    /// caller puts them in the send queue).
    pub(super) fn add(&self, access: &Access, jobs: Vec<Add>, stream: bool) -> Vec<u64> {
        let t = now();
        let first = self.new_ids(jobs.len());
        let known = self.known_for(&access.base);
        let owner = self.tab.get_value();
        jobs.into_iter()
            .enumerate()
            .map(|(i, a)| {
                let expect = self.expect_for(&access.base, &a.model);
                let new = NewJob { id: first + i as u64, body: a.body, base: access.base.clone(), model: a.model, stream, owner: owner.clone(), known, expect, group: a.group, region: a.region };
                let mut job = Job::new(new, t);
                job.sources = a.sources;
                job.typed = a.typed;
                self.insert(job, true).id
            })
            .collect()
    }

    /// Puts jobs in their base's send queue (none: just takes the client
    /// and the limit) and sends what may go.
    pub(super) fn enqueue(&self, access: &Access, ids: &[u64], max: u32) {
        let base = access.base.clone();
        self.sending.update_value(|s| {
            s.max = max as usize;
            let b = s.base(&base);
            b.client = Some(access.client(&base));
            b.storage = access.storage_client();
            ids.iter().for_each(|id| b.queue.push(*id));
        });
        self.save(true);
        self.pump(&base);
    }

    /// The configured base's submits go with this key from now on.
    pub(super) fn connect(&self, access: &Access) {
        let base = access.base.clone();
        self.sending.update_value(|s| {
            let b = s.base(&base);
            b.client = Some(access.client(&base));
            b.storage = access.storage_client();
        });
        self.pump(&base);
    }

    /// Puts one waiting job in its base's queue, sent with the client the
    /// base has (a replay's next step; none yet: when a key is committed).
    pub(super) fn requeue(&self, id: u64, base: &str) {
        self.sending.update_value(|s| s.base(base).queue.push(id));
        self.save(true);
        self.pump(base);
    }

    /// Sends what may go now on `base`; while the base is held after a
    /// 429, wakes up when the hold ends.
    fn pump(&self, base: &str) {
        let t = now();
        let gone = |id: u64| self.entry(id).is_none_or(|e| e.job.with_untracked(|j| j.phase != Phase::Waiting));
        let Some((go, wake, client, storage)) = self.sending.try_update_value(|s| {
            let max = s.max;
            let b = s.base(base);
            let (go, wake) = b.queue.take(t, max, gone);
            (go, wake, b.client.clone(), b.storage.clone())
        }) else {
            return;
        };
        if let Some(at) = wake {
            let (jobs, b) = (*self, base.to_string());
            // The timer's callback only spawns: the timer it lives in is
            // replaced by the next pump.
            let timer = Timeout::new((at - t).max(0.0) as u32, move || spawn_local(async move { jobs.pump(&b) }));
            self.sending.update_value(|s| s.base(base).timer = Some(timer));
        }
        let Some(client) = client else { return };
        for entry in go.into_iter().filter_map(|id| self.entry(id)) {
            self.send(entry, client.clone(), storage.clone());
        }
    }

    /// Sends one job's submit (its slot taken) and follows it. Its inline
    /// pictures are uploaded first where there is storage (each once per
    /// page) and named by their URL; an inline body too big for servers is
    /// not sent.
    fn send(&self, entry: JobEntry, client: Client, storage: Option<Client>) {
        let jobs = *self;
        let (base, model) = entry.job.with_untracked(|j| (j.base.clone(), j.model.clone()));
        let slot = Slot { jobs, base: base.clone(), id: entry.id };
        let (e, c) = (entry.clone(), client.clone());
        self.follow(entry, client, Box::pin(async move {
            let (client, entry) = (c, e);
            let inline: Vec<String> = entry.job.with_untracked(|j| crate::api::storage::inline_images(&j.body).into_iter().map(str::to_string).collect());
            if let (Some(storage), false) = (storage, inline.is_empty()) {
                let uploaded = jobs.uploads.ready(&storage, &inline).await;
                if !uploaded.is_empty() {
                    jobs.dispatch(&entry, Event::Uploaded(uploaded));
                }
            }
            let body = entry.job.with_untracked(|j| j.body.to_string());
            if let Err(e) = crate::api::storage::check_size(&body) {
                jobs.dispatch(&entry, Event::Sending);
                drop(slot);
                return jobs.dispatch(&entry, Event::SubmitFailed(e));
            }
            loop {
                // Online, and at most 4 requests a second with every other
                // request of the page.
                super::super::follow::ready(&client).await;
                jobs.dispatch(&entry, Event::Sending);
                let id = entry.id;
                // A big body's bytes show on its card as they go (only a
                // body past `PROGRESS_FROM` reports them: `send_with_progress`).
                let going = move |sent, total| jobs.uploads.sending(id, Some((sent, total)));
                let event = super::super::follow::submit(&client, &model, &body, std::rc::Rc::new(going)).await;
                jobs.uploads.sending(id, None);
                match jobs.dispatch(&entry, event) {
                    Next::Resend(ms) => {
                        jobs.sending.update_value(|s| s.base(&base).queue.hold(now() + ms as f64));
                        TimeoutFuture::new(ms).await;
                    }
                    next => {
                        drop(slot);
                        return next;
                    }
                }
            }
        }));
    }

    /// Takes back a job still waiting for its turn; whether it was one.
    pub(super) fn withdraw(&self, entry: &JobEntry) -> bool {
        let (waiting, base) = entry.job.with_untracked(|j| (j.phase == Phase::Waiting, j.base.clone()));
        if waiting {
            self.sending.update_value(|s| {
                s.base(&base).queue.withdraw(entry.id);
            });
            self.dispatch(entry, Event::Withdrawn);
        }
        waiting
    }

    /// The jobs of group `group` in order, the newest for each place (a
    /// retry takes the place of the job it retries). Tracked.
    pub fn members(&self, group: u64) -> Vec<JobEntry> {
        self.places(group).into_iter().flatten().collect()
    }

    /// The group's places in order, each with its newest job (None: its
    /// jobs were deleted). Tracked.
    pub fn places(&self, group: u64) -> Vec<Option<JobEntry>> {
        // By place; the list is newest first, so the first seen is the newest.
        let mut places: Vec<Option<JobEntry>> = Vec::new();
        self.list.with(|l| {
            for e in l {
                let Some((index, total)) = e.job.with(|j| j.group.as_ref().filter(|m| m.group == group).map(|m| (m.index, m.total))) else { continue };
                if places.len() < total.max(index + 1) {
                    places.resize(total.max(index + 1), None);
                }
                places[index].get_or_insert_with(|| e.clone());
            }
        });
        places
    }

    /// Cancels every job of the group that still runs (those waiting for
    /// their turn are taken back, unsent).
    pub fn cancel_group(&self, group: u64) {
        for e in self.members(group) {
            self.cancel(e.id);
        }
    }

    /// Submits again, as new jobs in the same places, the jobs of the group
    /// that failed (and only those); nothing when the key may not go to
    /// their base. Returns the new ids.
    pub fn retry_failed(&self, group: u64, access: &Access, max_in_flight: u32) -> Vec<u64> {
        if !access.reaches(&access.base) {
            return Vec::new();
        }
        // A group is one request's jobs: one model, one base, one way to follow.
        let failed: Vec<Job> = self.members(group).iter().filter_map(|e| e.job.with_untracked(|j| (j.phase == Phase::Failed && access.base == j.base).then(|| j.clone()))).collect();
        let Some(stream) = failed.first().map(|j| j.stream) else { return Vec::new() };
        let ids = self.add(access, failed.into_iter().map(Add::again).collect(), stream);
        self.enqueue(access, &ids, max_in_flight);
        ids
    }
}
