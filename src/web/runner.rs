//! The job store and the runner that follows each job. The runner performs
//! what the reducer (`jobs::Job::apply`) asks for and feeds the outcomes
//! back; it owns the job's timer, its in-flight fetch and its stream, and
//! all of them stop when the job ends or its card is removed.
//!
//! The store is written to local storage after every change (history), read
//! at start (jobs still running are followed again by request id, never
//! resubmitted), and merged with what other tabs write (`jobs::history`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use super::follow::follow;
use super::http::{Client, Method};
use super::storage::{self, Area};
use super::{net, now, random};
use crate::api::status::CancelAnswer;
use crate::api::url::{may_send_key, submit_url};
use crate::api::{ApiError, AuthScheme, QueueStatus};
use crate::i18n::{Msg, K};
use crate::jobs::history::{self, Loaded};
use crate::jobs::{Event, Job, Next, Phase};

pub const HISTORY_KEY: &str = "qie.history";
const HISTORY_CORRUPT_KEY: &str = "qie.history.unreadable";
const TAB_KEY: &str = "qie.tab";

/// One job in the list. The signal is shared with the job's runner.
#[derive(Clone)]
pub struct JobEntry {
    pub id: u64,
    pub job: ArcRwSignal<Job>,
    /// Shown as a card (jobs of this visit); every job is in the history.
    pub shown: RwSignal<bool>,
    /// This tab is following it now.
    pub followed: RwSignal<bool>,
}

/// A job that ended in failure; `at_submit` when the queue refused the
/// submit itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub job: u64,
    pub at_submit: bool,
    pub error: ApiError,
}

/// What a followed job holds: dropping it stops the job's timer and aborts
/// its fetch.
struct Handle {
    abort: Option<AbortController>,
    _stop: oneshot::Sender<()>,
    client: Client,
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(a) = &self.abort {
            a.abort();
        }
    }
}

/// How to reach the API for jobs: the configured base and the key.
#[derive(Clone, Debug, PartialEq)]
pub struct Access {
    pub base: String,
    pub scheme: AuthScheme,
    pub key: String,
}

#[derive(Clone, Copy)]
pub struct Jobs {
    /// Newest first.
    pub list: RwSignal<Vec<JobEntry>>,
    /// The last job that failed, for the form to show field messages.
    pub last_failure: RwSignal<Option<Failure>>,
    /// A problem with the stored history, for the user.
    pub history_problem: RwSignal<Option<Msg>>,
    handles: StoredValue<Rc<RefCell<HashMap<u64, Handle>>>, LocalStorage>,
    deleted: StoredValue<Rc<RefCell<HashSet<u64>>>, LocalStorage>,
    /// Another tab wrote the history since this tab last saved it: the next
    /// save must read and merge. Otherwise this tab's list already holds
    /// everything stored (it absorbs every other write as it happens).
    foreign_write: StoredValue<bool>,
    tab: StoredValue<String>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

fn tab_id() -> String {
    storage::get(Area::Session, TAB_KEY).unwrap_or_else(|| {
        let id = format!("tab-{:x}-{:x}", now() as u64, (random() * 1e9) as u64);
        storage::set(Area::Session, TAB_KEY, &id);
        id
    })
}

impl Jobs {
    pub fn new() -> Self {
        Jobs {
            list: RwSignal::new(Vec::new()),
            last_failure: RwSignal::new(None),
            history_problem: RwSignal::new(None),
            handles: StoredValue::new_local(Rc::new(RefCell::new(HashMap::new()))),
            deleted: StoredValue::new_local(Rc::new(RefCell::new(HashSet::new()))),
            foreign_write: StoredValue::new(false),
            tab: StoredValue::new(tab_id()),
        }
    }

    fn handles(&self) -> Rc<RefCell<HashMap<u64, Handle>>> {
        self.handles.get_value()
    }

    fn following(&self, id: u64) -> bool {
        self.handles().borrow().contains_key(&id)
    }

    /// Whether any job is still being followed here (tracked).
    pub fn any_active(&self) -> bool {
        self.list.with(|l| l.iter().any(|e| e.job.with(|j| j.phase.is_active())))
    }

    fn entry(&self, id: u64) -> Option<JobEntry> {
        self.list.with_untracked(|l| l.iter().find(|e| e.id == id).cloned())
    }

    fn insert(&self, job: Job, shown: bool) -> JobEntry {
        let entry = JobEntry { id: job.id, job: ArcRwSignal::new(job), shown: RwSignal::new(shown), followed: RwSignal::new(false) };
        self.list.update(|l| {
            l.push(entry.clone());
            l.sort_by(|a, b| b.job.with_untracked(|x| x.submitted_at).total_cmp(&a.job.with_untracked(|x| x.submitted_at)));
        });
        entry
    }

    // ------------------------------------------------------------ storage

    /// Reads the history at start and listens for other tabs' writes.
    pub fn load(&self) {
        if let Some(text) = storage::get(Area::Local, HISTORY_KEY) {
            let Loaded { jobs, dropped, problem } = history::decode(&text);
            if problem.is_some() {
                storage::set(Area::Local, HISTORY_CORRUPT_KEY, &text);
            }
            let problem = problem.or_else(|| (dropped > 0).then(|| Msg::count(K::HistoryDroppedOne, K::HistoryDropped, dropped)));
            self.history_problem.set(problem);
            let me = self.tab.get_value();
            let t = now();
            for mut job in jobs {
                if job.phase == Phase::Submitting && job.owner.as_deref() == Some(me.as_str()) {
                    // The page went away before the queue answered: the job
                    // may or may not exist, and it is never sent again.
                    job.phase = Phase::Lost;
                    job.ended_at = Some(t);
                    job.error = Some(ApiError::interrupted());
                }
                let running_here = history::should_follow(&job, t, &me);
                self.insert(job, running_here);
            }
        }
        let jobs = *self;
        let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
            if ev.key().as_deref() == Some(HISTORY_KEY) {
                jobs.foreign_write.set_value(true);
                jobs.absorb_other_tab(ev.new_value().as_deref().unwrap_or(""));
            }
        });
        if let Some(w) = web_sys::window() {
            use wasm_bindgen::JsCast;
            let _ = w.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        }
        // Lives as long as the page.
        listener.forget();
    }

    /// Another tab wrote the history: take its version of every job this
    /// tab does not follow.
    fn absorb_other_tab(&self, text: &str) {
        let theirs = history::decode(text).jobs;
        let ids: HashSet<u64> = theirs.iter().map(|j| j.id).collect();
        for job in theirs {
            if self.following(job.id) || self.deleted.get_value().borrow().contains(&job.id) {
                continue;
            }
            match self.entry(job.id) {
                Some(e) => e.job.set(job),
                None => {
                    self.insert(job, false);
                }
            }
        }
        let gone: Vec<u64> =
            self.list.with_untracked(|l| l.iter().filter(|e| !ids.contains(&e.id) && !self.following(e.id)).map(|e| e.id).collect());
        if !gone.is_empty() {
            self.list.update(|l| l.retain(|e| !gone.contains(&e.id)));
        }
    }

    /// Writes the history: read, merge (`history::merge`), write. A full
    /// storage drops the oldest finished half and tries again.
    pub fn save(&self) {
        let mine: Vec<Job> = self.list.with_untracked(|l| l.iter().map(|e| e.job.get_untracked()).collect());
        // Reading and parsing the stored history is only needed when another
        // tab wrote it since; this runs after every poll.
        let stored = if self.foreign_write.get_value() {
            self.foreign_write.set_value(false);
            storage::get(Area::Local, HISTORY_KEY).map(|t| history::decode(&t).jobs).unwrap_or_default()
        } else {
            Vec::new()
        };
        let deleted = self.deleted.get_value();
        let deleted = deleted.borrow();
        let merged = history::merge(stored, &mine, |id| self.following(id) || !self.has_remote(id), |id| deleted.contains(&id));
        let mut keep = merged.len();
        loop {
            if storage::set(Area::Local, HISTORY_KEY, &history::encode(&merged[..keep])) {
                if keep < merged.len() {
                    self.history_problem.set(Some(Msg::count(K::HistoryTrimmedOne, K::HistoryTrimmed, keep)));
                }
                return;
            }
            if keep == 0 {
                self.history_problem.set(Some(K::HistoryNotSaved.into()));
                return;
            }
            keep /= 2;
        }
    }

    /// Jobs that came from another tab's history (not submitted here and not
    /// followed here) keep the stored version when merging.
    fn has_remote(&self, id: u64) -> bool {
        self.entry(id).is_some_and(|e| e.job.with_untracked(|j| j.owner.as_deref() != Some(self.tab.get_value().as_str())))
    }

    // ------------------------------------------------------------ intents

    /// Submits a job: one POST, never repeated by the app.
    pub fn submit(&self, access: &Access, model: String, body: serde_json::Value, stream: bool) -> u64 {
        let t = now();
        let id = (t as u64) * 1000 + (random() * 1000.0) as u64;
        let mut job = Job::new(id, body.clone(), &access.base, &model, t);
        job.scheme = access.scheme;
        // The demo queue has no stream: it is polled like any other.
        job.stream = stream && !access.base.starts_with(crate::api::provider::DEMO_BASE);
        job.owner = Some(self.tab.get_value());
        let entry = self.insert(job, true);
        self.save();
        let client = Client { base: access.base.clone(), authorization: access.scheme.header_value(&access.key) };
        self.start(entry, client, move |client| async move {
            let url = submit_url(&client.base, &model);
            // The submit is not aborted with its card: it may already bill.
            match client.send(Method::Post, &url, Some(&body.to_string()), None).await {
                Ok(a) if a.ok() => QueueStatus::from_json(&a.text).map_or_else(Event::SubmitFailed, Event::Submitted),
                Ok(a) => Event::SubmitFailed(a.error()),
                Err(e) => Event::SubmitFailed(e),
            }
        });
        id
    }

    /// Follows again, by request id, every running job this tab should
    /// follow whose base is the configured one (the key never goes to
    /// another provider's origin). No POST.
    pub fn resume(&self, access: &Access) {
        if access.key.trim().is_empty() {
            return;
        }
        let me = self.tab.get_value();
        let t = now();
        let todo: Vec<JobEntry> = self.list.with_untracked(|l| {
            l.iter()
                // A card the user dismissed stays unfollowed until opened.
                .filter(|e| !self.following(e.id) && e.shown.get_untracked())
                .filter(|e| e.job.with_untracked(|j| history::should_follow(j, t, &me) && may_send_key(&access.base, &j.base)))
                .cloned()
                .collect()
        });
        for entry in todo {
            let client = Client { base: entry.job.with_untracked(|j| j.base.clone()), authorization: access.scheme.header_value(&access.key) };
            entry.job.update(|j| {
                j.owner = Some(me.clone());
                j.updated_at = t;
            });
            self.start(entry, client, |_| async { Event::Resumed });
        }
    }

    fn start<F, Fut>(&self, entry: JobEntry, client: Client, first: F)
    where
        F: FnOnce(Client) -> Fut + 'static,
        Fut: std::future::Future<Output = Event> + 'static,
    {
        let (stop_tx, stop_rx) = oneshot::channel();
        let abort = AbortController::new().ok();
        let signal = abort.as_ref().map(|a| a.signal());
        let id = entry.id;
        self.handles().borrow_mut().insert(id, Handle { abort, _stop: stop_tx, client: client.clone() });
        entry.followed.set(true);
        net::install();
        let jobs = *self;
        spawn_local(async move {
            let event = first(client.clone()).await;
            let next = jobs.apply(&entry.job, event);
            follow(jobs, entry.job.clone(), client, next, stop_rx, signal).await;
            jobs.handles().borrow_mut().remove(&id);
            entry.followed.set(false);
        });
    }

    pub(super) fn apply(&self, job: &ArcRwSignal<Job>, event: Event) -> Next {
        let next = job.try_update(|j| j.apply(event, now(), random())).unwrap_or(Next::Stop);
        if next == Next::Stop {
            let failed = job.with_untracked(|j| {
                let error = j.error.clone().filter(|_| j.phase == Phase::Failed)?;
                Some(Failure { job: j.id, at_submit: j.request_id.is_none(), error })
            });
            if failed.is_some() {
                self.last_failure.set(failed);
            }
        }
        self.save();
        next
    }

    /// Asks the queue to cancel a job. The job's own end (seen by polling)
    /// tells whether it stopped.
    pub fn cancel(&self, id: u64) {
        let Some(entry) = self.entry(id) else { return };
        let Some(client) = self.handles().borrow().get(&id).map(|h| h.client.clone()) else { return };
        let Some(url) = entry.job.with_untracked(|j| j.can_cancel().then(|| j.endpoints.as_ref().map(|e| e.cancel.clone())).flatten()) else {
            return;
        };
        let jobs = *self;
        jobs.apply(&entry.job, Event::CancelSent);
        spawn_local(async move {
            let answer = match client.send(Method::Put, &url, None, None).await {
                Ok(a) => CancelAnswer::from_response(a.status, &a.text),
                Err(e) => Err(e),
            };
            jobs.apply(&entry.job, Event::CancelAnswered(answer));
        });
    }

    /// Hides a card; a job still running stops being followed (it stays in
    /// the history and is followed again after a reload).
    pub fn dismiss(&self, id: u64) {
        self.handles().borrow_mut().remove(&id);
        if let Some(e) = self.entry(id) {
            e.shown.set(false);
            e.followed.set(false);
        }
    }

    /// Shows a job's card again, following it if it still runs.
    pub fn open(&self, id: u64, access: &Access) {
        if let Some(e) = self.entry(id) {
            e.shown.set(true);
            if e.job.with_untracked(|j| j.phase.is_active()) && !self.following(id) {
                // Opened by hand: this tab takes it over.
                e.job.update(|j| j.updated_at = 0.0);
                self.resume(access);
            }
        }
    }

    /// Deletes a job from the history (and stops following it).
    pub fn delete(&self, id: u64) {
        self.handles().borrow_mut().remove(&id);
        self.deleted.get_value().borrow_mut().insert(id);
        self.list.update(|l| l.retain(|e| e.id != id));
        self.save();
    }

    /// Deletes every job that is not running.
    pub fn clear_finished(&self) {
        let ids: Vec<u64> = self.list.with_untracked(|l| l.iter().filter(|e| !e.job.with_untracked(|j| j.phase.is_active())).map(|e| e.id).collect());
        self.deleted.get_value().borrow_mut().extend(ids.iter().copied());
        self.list.update(|l| l.retain(|e| !ids.contains(&e.id)));
        self.save();
    }
}
