//! The job store and the runner that follows each job. The runner performs
//! what the reducer (`jobs::Job::apply`) asks for and feeds the outcomes
//! back; it owns the job's timer and its in-flight fetch, and both stop when
//! the job ends or its card is removed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use super::http::{Client, Method};
use super::{now, random};
use crate::api::status::CancelAnswer;
use crate::api::url::submit_url;
use crate::api::{ApiError, EditInput, EditOutput, QueueStatus};
use crate::jobs::{Event, Job, Next};

/// One job in the list. The signal is shared with the job's runner.
#[derive(Clone)]
pub struct JobEntry {
    pub id: u64,
    pub job: ArcRwSignal<Job>,
}

/// A job that ended in failure; `at_submit` when the queue refused the
/// submit itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub job: u64,
    pub at_submit: bool,
    pub error: ApiError,
}

/// What a running job holds: dropping it stops the job's timer and aborts
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

#[derive(Clone, Copy)]
pub struct Jobs {
    /// Newest first.
    pub list: RwSignal<Vec<JobEntry>>,
    /// The last job that failed, for the form to show field messages.
    pub last_failure: RwSignal<Option<Failure>>,
    next_id: StoredValue<u64>,
    handles: StoredValue<Rc<RefCell<HashMap<u64, Handle>>>, LocalStorage>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

impl Jobs {
    pub fn new() -> Self {
        Jobs {
            list: RwSignal::new(Vec::new()),
            last_failure: RwSignal::new(None),
            next_id: StoredValue::new(1),
            handles: StoredValue::new_local(Rc::new(RefCell::new(HashMap::new()))),
        }
    }

    fn handles(&self) -> Rc<RefCell<HashMap<u64, Handle>>> {
        self.handles.get_value()
    }

    /// Whether any job is still being followed (tracked).
    pub fn any_active(&self) -> bool {
        self.list.with(|l| l.iter().any(|e| e.job.with(|j| j.phase.is_active())))
    }

    /// Submits a job: one POST, never repeated by the app.
    pub fn submit(&self, client: Client, model: String, input: &EditInput) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let body = input.to_body();
        let job = ArcRwSignal::new(Job::new(id, body.clone(), &client.base, &model, now()));
        self.list.update(|l| l.insert(0, JobEntry { id, job: job.clone() }));
        let (stop_tx, stop_rx) = oneshot::channel();
        let abort = AbortController::new().ok();
        let signal = abort.as_ref().map(|a| a.signal());
        self.handles().borrow_mut().insert(id, Handle { abort, _stop: stop_tx, client: client.clone() });
        let jobs = *self;
        spawn_local(async move {
            let url = submit_url(&client.base, &model);
            // The submit is not aborted with its card: it may already bill.
            let event = match client.send(Method::Post, &url, Some(&body.to_string()), None).await {
                Ok(a) if a.ok() => match QueueStatus::from_json(&a.text) {
                    Ok(s) => Event::Submitted(s),
                    Err(e) => Event::SubmitFailed(ApiError::malformed(e)),
                },
                Ok(a) => Event::SubmitFailed(a.error()),
                Err(e) => Event::SubmitFailed(e),
            };
            let next = jobs.apply(&job, event);
            follow(jobs, job, client, next, stop_rx, signal).await;
            jobs.handles().borrow_mut().remove(&id);
        });
        id
    }

    fn apply(&self, job: &ArcRwSignal<Job>, event: Event) -> Next {
        let next = job.try_update(|j| j.apply(event, now(), random())).unwrap_or(Next::Stop);
        if next == Next::Stop {
            let failed = job.with_untracked(|j| {
                let error = j.error.clone().filter(|_| j.phase == crate::jobs::Phase::Failed)?;
                Some(Failure { job: j.id, at_submit: j.request_id.is_none(), error })
            });
            if failed.is_some() {
                self.last_failure.set(failed);
            }
        }
        next
    }

    /// Asks the queue to cancel a job. The job's own end (seen by polling)
    /// tells whether it stopped.
    pub fn cancel(&self, id: u64) {
        let Some(entry) = self.list.with_untracked(|l| l.iter().find(|e| e.id == id).cloned()) else { return };
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

    /// Removes a card; a job still running stops being followed.
    pub fn remove(&self, id: u64) {
        self.handles().borrow_mut().remove(&id);
        self.list.update(|l| l.retain(|e| e.id != id));
    }
}

/// Waits `ms`, or returns false at once when the job was stopped.
async fn sleep(ms: u32, stop: &mut oneshot::Receiver<()>) -> bool {
    if !matches!(stop.try_recv(), Ok(None)) {
        return false;
    }
    if ms == 0 {
        return true;
    }
    matches!(select(TimeoutFuture::new(ms), stop).await, Either::Left(_))
}

async fn follow(
    jobs: Jobs,
    job: ArcRwSignal<Job>,
    client: Client,
    mut next: Next,
    mut stop: oneshot::Receiver<()>,
    signal: Option<web_sys::AbortSignal>,
) {
    loop {
        let (wait, fetch_result) = match next {
            Next::Poll(ms) => (ms, false),
            Next::FetchResult(ms) => (ms, true),
            Next::Stop | Next::Continue => return,
        };
        if !sleep(wait, &mut stop).await {
            return;
        }
        let Some(urls) = job.with_untracked(|j| j.endpoints.clone()) else { return };
        let url = if fetch_result { &urls.result } else { &urls.status };
        let answer = client.send(Method::Get, url, None, signal.as_ref()).await;
        if !matches!(stop.try_recv(), Ok(None)) {
            return;
        }
        let event = match (fetch_result, answer) {
            (false, Ok(a)) if a.ok() => {
                QueueStatus::from_json(&a.text).map(Event::Status).unwrap_or_else(|e| Event::StatusFailed(ApiError::malformed(e)))
            }
            (false, Ok(a)) => Event::StatusFailed(a.error()),
            (false, Err(e)) => Event::StatusFailed(e),
            (true, Ok(a)) if a.ok() => {
                EditOutput::from_result(&a.text).map_or_else(Event::ResultFailed, Event::Result)
            }
            (true, Ok(a)) => Event::ResultFailed(a.error()),
            (true, Err(e)) => Event::ResultFailed(e),
        };
        next = jobs.apply(&job, event);
    }
}
