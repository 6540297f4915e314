//! The job store: the list of jobs and the intents on them (submit, resume,
//! open, cancel, dismiss, delete). It is the only place that calls the
//! reducer (`Job::apply`, through `dispatch`); the task runner follows each
//! job and history sync keeps the list in storage, from snapshots.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::follow::follow;
use super::http::{Client, Method, Transport};
use super::runner::Runner;
use super::storage::{self, Area};
use super::sync::{HistorySync, Snapshot};
use super::{now, random};
use crate::api::provider::check_key;
use crate::api::status::CancelAnswer;
use crate::api::origin::may_send_key;
use crate::api::AuthScheme;
use crate::i18n::{Msg, K};
use crate::jobs::history;
use crate::jobs::learn::{self, Expect};
use crate::jobs::{Event, Job, Known, NewJob, Next, Phase};

mod access;
mod keep;
mod replay;
mod rewrite;
mod send;

pub use access::Access;

const TAB_KEY: &str = "qie.tab";

/// Puts `entry` in the list at its place, newest first (by submit time;
/// after those submitted at the same time). No sort: the list is in order.
fn place(l: &mut Vec<JobEntry>, entry: JobEntry) {
    let at = entry.job.with_untracked(|j| j.submitted_at);
    let i = l.iter().position(|e| e.job.with_untracked(|j| j.submitted_at < at)).unwrap_or(l.len());
    l.insert(i, entry);
}

/// One job in the list. The job's signal is written only by `dispatch`.
#[derive(Clone)]
pub struct JobEntry {
    pub id: u64,
    pub job: ArcRwSignal<Job>,
    /// Shown as a card (jobs of this visit); every job is in the history.
    pub shown: ArcRwSignal<bool>,
    /// This tab is following it now.
    pub followed: ArcRwSignal<bool>,
}

/// One entry per job id: entries are the same when their ids are.
impl PartialEq for JobEntry {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

#[derive(Clone, Copy)]
pub struct Jobs {
    /// Newest first.
    pub list: RwSignal<Vec<JobEntry>>,
    /// A problem with the stored history, for the user.
    pub history_problem: RwSignal<Option<Msg>>,
    runner: StoredValue<Runner, LocalStorage>,
    sync: StoredValue<Option<HistorySync>, LocalStorage>,
    /// What was learned about each base while the page is open.
    known: StoredValue<Vec<(String, Known)>>,
    deleted: StoredValue<Vec<u64>>,
    tab: StoredValue<String>,
    /// The submits waiting for their turn, per base (`send`).
    sending: StoredValue<send::Sending, LocalStorage>,
    /// The cap of the image copies, in MB (`keep`; a setting).
    copies_mb: Signal<u32>,
    /// The prompt rewrite asked for last, if any (`rewrite`; not in the
    /// list, so neither a card nor in the history). A list of one: the
    /// list's own type.
    pub rewrite: RwSignal<Vec<JobEntry>>,
    /// The page's uploads: each picture crosses the wire once.
    pub uploads: super::uploads::Uploads,
    /// What rewrites cost, by day.
    /// (As stored: `api::rewrite::Spent::from_storage` reads it.)
    pub spent: RwSignal<String>,
}

fn tab_id() -> String {
    storage::get(Area::Session, TAB_KEY).unwrap_or_else(|| {
        let id = format!("tab-{:x}-{:x}", now() as u64, (random() * 1e9) as u64);
        storage::set(Area::Session, TAB_KEY, &id);
        id
    })
}

impl Jobs {
    pub fn new(copies_mb: Signal<u32>) -> Self {
        let jobs = Jobs {
            list: RwSignal::new(Vec::new()),
            history_problem: RwSignal::new(None),
            runner: StoredValue::new_local(Runner::default()),
            sync: StoredValue::new_local(None),
            known: StoredValue::new(Vec::new()),
            deleted: StoredValue::new(Vec::new()),
            tab: StoredValue::new(tab_id()),
            sending: StoredValue::new_local(send::Sending::default()),
            copies_mb,
            rewrite: RwSignal::new(Vec::new()),
            uploads: super::uploads::Uploads::new(),
            spent: RwSignal::new(rewrite::stored_spent()),
        };
        let problem = jobs.history_problem;
        let sync = HistorySync::new(move || jobs.snapshot(), move |p| problem.set(p));
        jobs.sync.set_value(Some(sync));
        jobs
    }

    fn runner(&self) -> Runner {
        self.runner.get_value()
    }

    fn save(&self, phase_changed: bool) {
        self.sync.with_value(|s| s.as_ref().map(|s| s.request(phase_changed)));
    }

    /// Whether any job is still running (tracked).
    pub fn any_active(&self) -> bool {
        self.list.with(|l| l.iter().any(|e| e.job.with(|j| j.phase.is_active())))
    }

    /// Job `id`: one in the list, or the prompt rewrite.
    fn entry(&self, id: u64) -> Option<JobEntry> {
        self.list.with_untracked(|l| l.iter().find(|e| e.id == id).cloned()).or_else(|| self.rewrite.with_untracked(|r| r.iter().find(|e| e.id == id).cloned()))
    }

    fn insert(&self, job: Job, shown: bool) -> JobEntry {
        // Reference-counted signals: they live as long as the entry, not as
        // long as whatever view called (a confirmation that goes).
        let entry = JobEntry { id: job.id, job: ArcRwSignal::new(job), shown: ArcRwSignal::new(shown), followed: ArcRwSignal::new(false) };
        self.list.update(|l| place(l, entry.clone()));
        entry
    }

    fn known_for(&self, base: &str) -> Known {
        self.known.with_value(|k| k.iter().find(|(b, _)| b == base).map(|(_, k)| *k).unwrap_or_default())
    }

    /// What earlier completed jobs of this base and model took (the list
    /// is newest first).
    fn expect_for(&self, base: &str, model: &str) -> Option<Expect> {
        self.list.with_untracked(|l| learn::expect_from(l.iter().filter_map(|e| e.job.with_untracked(|j| learn::sample(j, base, model)))))
    }

    /// The one writer of a job's state: runs the reducer, keeps what it
    /// learned about the base, asks for the history to be written.
    fn dispatch(&self, entry: &JobEntry, event: Event) -> Next {
        let before = entry.job.with_untracked(|j| j.phase);
        let next = entry.job.try_update(|j| j.apply(event, now(), random())).unwrap_or(Next::Stop);
        let (after, learned) = entry.job.with_untracked(|j| (j.phase, j.learned()));
        if learned != Known::default() {
            let base = entry.job.with_untracked(|j| j.base.clone());
            self.known.update_value(|k| match k.iter_mut().find(|(b, _)| *b == base) {
                Some((_, known)) => known.merge(learned),
                None => {
                    let mut known = Known::default();
                    known.merge(learned);
                    k.push((base, known));
                }
            });
        }
        self.save(before != after || next == Next::Stop);
        if after == Phase::Completed && before != after {
            self.count_rewrite(entry);
        }
        // A replay's step ended: the next one's turn may have come (from a
        // task of its own, outside this update).
        if before != after && !after.is_active() {
            if let Some(g) = entry.job.with_untracked(|j| j.group.as_ref().filter(|m| m.replay).map(|m| m.group)) {
                let jobs = *self;
                spawn_local(async move { jobs.advance(g) });
            }
        }
        next
    }

    fn snapshot(&self) -> Snapshot {
        let me = self.tab.get_value();
        let runner = self.runner();
        self.list.with_untracked(|l| Snapshot {
            jobs: l.iter().map(|e| e.job.get_untracked()).collect(),
            // This tab's version wins for the jobs it follows or owns.
            mine: l
                .iter()
                .filter(|e| runner.running(e.id) || e.job.with_untracked(|j| j.owner.as_deref() == Some(me.as_str())))
                .map(|e| e.id)
                .collect(),
            deleted: self.deleted.get_value(),
        })
    }

    // ------------------------------------------------------------ storage

    /// Reads the history at start and listens for other tabs' writes. A
    /// submit of this tab cut off by a reload is marked lost (never sent
    /// again).
    pub fn load(&self) {
        let Some(sync) = self.sync.get_value() else { return };
        let loaded = sync.load();
        let problem = loaded.problem.clone().or_else(|| (loaded.dropped > 0).then(|| Msg::count(K::HistoryDroppedOne, K::HistoryDropped, loaded.dropped)));
        self.history_problem.set(problem);
        let me = self.tab.get_value();
        let t = now();
        for mut job in loaded.jobs {
            if job.owner.as_deref() == Some(me.as_str()) {
                job.apply(Event::Interrupted, t, 0.0);
            }
            let running_here = history::should_follow(&job, t, &me) || job.paused.is_some();
            self.insert(job, running_here);
        }
        let jobs = *self;
        sync.listen(move |theirs| jobs.absorb_other_tab(theirs));
    }

    /// Another tab wrote the history: take its version of every job this
    /// tab does not follow.
    fn absorb_other_tab(&self, theirs: Vec<Job>) {
        let runner = self.runner();
        let me = self.tab.get_value();
        // This tab's own jobs still waiting for their turn are this tab's
        // to keep (another tab may have written before it saw them).
        let keep = |e: &JobEntry| runner.running(e.id) || e.job.with_untracked(|j| j.phase == Phase::Waiting && j.owner.as_deref() == Some(me.as_str()));
        let ids: Vec<u64> = theirs.iter().map(|j| j.id).collect();
        for job in theirs {
            if self.entry(job.id).is_some_and(|e| keep(&e)) || self.deleted.with_value(|d| d.contains(&job.id)) {
                continue;
            }
            match self.entry(job.id) {
                Some(e) => e.job.set(job),
                None => {
                    self.insert(job, false);
                }
            }
        }
        let gone: Vec<u64> = self.list.with_untracked(|l| l.iter().filter(|e| !ids.contains(&e.id) && !keep(e)).map(|e| e.id).collect());
        if !gone.is_empty() {
            self.list.update(|l| l.retain(|e| !gone.contains(&e.id)));
        }
    }

    // ------------------------------------------------------------ intents

    /// Starts following a job: `first` gives the first step (it dispatches
    /// its own events), then the follow loop runs until the reducer says
    /// stop.
    /// (Boxed: one copy of the task for both ways in, not one each.)
    fn follow(&self, entry: JobEntry, client: Client, first: std::pin::Pin<Box<dyn std::future::Future<Output = Next>>>) {
        let jobs = *self;
        let followed = entry.followed.clone();
        followed.set(true);
        self.runner().start(
            entry.id,
            client,
            Box::new(move |client, signal| {
                Box::pin(async move {
                    let next = first.await;
                    let (job, followed) = (entry.job.clone(), entry.clone());
                    // A rewrite's result is text, an edit's images.
                    let read = if job.with_untracked(|j| j.model == crate::api::rewrite::MODEL) { crate::api::rewrite::from_answer } else { crate::api::EditOutput::from_answer };
                    follow(client, next, move |n| job.with_untracked(|j| j.target(n)), move |ev| jobs.dispatch(&followed, ev), signal, read).await;
                    jobs.keep_copies(&entry).await;
                })
            }),
            Box::new(move || followed.set(false)),
        );
    }

    /// Follows `entry` again by request id from this tab (no POST).
    fn take_over(&self, entry: JobEntry, access: &Access) {
        let base = entry.job.with_untracked(|j| j.base.clone());
        let event = Event::Resumed { owner: self.tab.get_value(), known: self.known_for(&base) };
        let jobs = *self;
        let e = entry.clone();
        self.follow(entry, access.client(&base), Box::pin(async move { jobs.dispatch(&e, event) }));
    }

    /// Follows again every running job this tab should follow whose base is
    /// the configured one (the key never goes to another provider's origin).
    /// Called when a key is committed, not at each keystroke.
    pub fn resume(&self, access: &Access) {
        let me = self.tab.get_value();
        let t = now();
        let runner = self.runner();
        let todo: Vec<JobEntry> = self.list.with_untracked(|l| {
            l.iter()
                // A card the user dismissed stays unfollowed until opened.
                .filter(|e| !runner.running(e.id) && e.shown.get_untracked())
                .filter(|e| e.job.with_untracked(|j| history::should_follow(j, t, &me) && access.reaches(&j.base)))
                .cloned()
                .collect()
        });
        for entry in todo {
            self.take_over(entry, access);
        }
        // Replays of this tab go on where they were, with this key.
        if access.reaches(&access.base) {
            self.connect(access);
            self.advance_all();
        }
    }

    /// Shows a job's card again and follows it if it still runs (also the
    /// Resume of a paused job).
    pub fn open(&self, id: u64, access: &Access) {
        let Some(e) = self.entry(id) else { return };
        e.shown.set(true);
        let resumable = e.job.with_untracked(|j| j.phase.is_active() && j.request_id.is_some() && access.reaches(&j.base));
        if resumable && !self.runner().running(id) {
            self.take_over(e, access);
        }
    }

    /// Asks the queue to cancel a job. The job's own end (seen by polling)
    /// tells whether it stopped. A job still waiting for its turn is taken
    /// back: nothing is sent.
    pub fn cancel(&self, id: u64) {
        let Some(entry) = self.entry(id) else { return };
        if self.withdraw(&entry) {
            return;
        }
        let Some(client) = self.runner().client(id) else { return };
        let Some(url) = entry.job.with_untracked(|j| j.can_cancel().then(|| j.cancel_url()).flatten()) else { return };
        let jobs = *self;
        jobs.dispatch(&entry, Event::CancelSent);
        spawn_local(async move {
            super::follow::ready(&client).await;
            let answer = match client.send(Method::Put, &url, None, None).await {
                Ok(a) => CancelAnswer::from_response(a.status, &a.text),
                Err(e) => Err(e),
            };
            jobs.dispatch(&entry, Event::CancelAnswered(answer));
        });
    }

    /// Hides a card; a job still running stops being followed (it stays in
    /// the history and is followed again after a reload).
    pub fn dismiss(&self, id: u64) {
        self.runner().stop(id);
        if let Some(e) = self.entry(id) {
            // Not sent yet: it will not be, once out of sight.
            self.withdraw(&e);
            e.shown.set(false);
            e.followed.set(false);
        }
    }

    /// Deletes a job from the history (and stops following it).
    pub fn delete(&self, id: u64) {
        self.runner().stop(id);
        self.deleted.update_value(|d| d.push(id));
        if let Some(e) = self.entry(id) {
            self.forget_copies(&[e]);
        }
        self.list.update(|l| l.retain(|e| e.id != id));
        self.save(true);
    }

    /// Deletes every job that is not running.
    pub fn clear_finished(&self) {
        let ids: Vec<u64> = self.list.with_untracked(|l| l.iter().filter(|e| !e.job.with_untracked(|j| j.phase.is_active())).map(|e| e.id).collect());
        self.deleted.update_value(|d| d.extend(ids.iter().copied()));
        let gone: Vec<JobEntry> = self.list.with_untracked(|l| l.iter().filter(|e| ids.contains(&e.id)).cloned().collect());
        self.forget_copies(&gone);
        self.list.update(|l| l.retain(|e| !ids.contains(&e.id)));
        self.save(true);
    }
}
