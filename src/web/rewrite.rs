//! The prompt rewrite as a queue job of its own: submitted, followed
//! (stream or polls, partial relays, `Retry-After`) and read by the same
//! reducer and loop as an edit, on the configured base with its key; but
//! one at a time, not a card, not in the history. What rewrites cost is
//! kept by day (`api::rewrite::Spent`).

use gloo_timers::future::TimeoutFuture;
use serde_json::Value;

use super::*;
use crate::api::rewrite::{self, Spent};

const SPENT_KEY: &str = "qie.rewrite.spent";

/// What rewrites cost so far, as stored.
pub(super) fn stored_spent() -> Spent {
    storage::get(Area::Local, SPENT_KEY).map(|s| Spent::from_storage(&s)).unwrap_or_default()
}

impl Jobs {
    /// Asks for a rewrite (`body`: `api::rewrite::body`), ending the one
    /// before. Nothing goes when the key may not go to the base.
    pub fn improve(&self, access: &Access, body: Value, stream: bool) {
        self.cancel_rewrite();
        if !access.reaches(&access.base) {
            return;
        }
        let (id, base) = (self.new_ids(1), access.base.clone());
        let new = NewJob { stream, owner: self.tab.get_value(), known: self.known_for(&base), ..NewJob::polled(id, body, &base, rewrite::MODEL, "") };
        let text = new.body.to_string();
        self.rewrite.set(Some(Job::new(new, now())));
        let jobs = *self;
        self.runner().start(
            id,
            access.client(&base),
            move |client, signal| async move {
                let next = loop {
                    super::super::follow::ready(&client).await;
                    jobs.rewrite_event(Event::Sending);
                    let event = super::super::follow::submit(&client, rewrite::MODEL, &text).await;
                    // After a 429 the base is held: `ready` waits too.
                    match jobs.rewrite_event(event) {
                        Next::Resend(ms) => TimeoutFuture::new(ms).await,
                        next => break next,
                    }
                };
                let target = move |n| jobs.rewrite.with_untracked(|r| r.as_ref().and_then(|j| j.target(n)));
                follow(client, next, target, move |ev| jobs.rewrite_event(ev), signal, rewrite::from_answer).await;
            },
            || {},
        );
    }

    /// The reducer on the rewrite; its cost is counted when it completes.
    fn rewrite_event(&self, event: Event) -> Next {
        let before = self.rewrite.with_untracked(|r| r.as_ref().map(|j| j.phase));
        let next = self.rewrite.try_update(|r| r.as_mut().map(|j| j.apply(event, now(), random()))).flatten().unwrap_or(Next::Stop);
        let cost = self.rewrite.with_untracked(|r| r.as_ref().filter(|j| j.phase == Phase::Completed).and_then(|j| j.output.as_ref()?.said.as_ref()?.cost));
        if let (Some(usd), true) = (cost, before != Some(Phase::Completed)) {
            let day = crate::web::local_day(&js_sys::Date::new_0());
            self.spent.update(|s| s.add(usd, &day));
            storage::set(Area::Local, SPENT_KEY, &self.spent.with_untracked(Spent::to_storage));
        }
        next
    }

    /// Ends the rewrite and forgets it: its task stops, and the queue is
    /// asked to cancel it if it was accepted and still runs.
    pub fn cancel_rewrite(&self) {
        let Some((id, url)) = self.rewrite.with_untracked(|r| r.as_ref().map(|j| (j.id, j.can_cancel().then(|| j.cancel_url()).flatten()))) else { return };
        let client = self.runner().client(id);
        self.runner().stop(id);
        self.rewrite.set(None);
        if let (Some(client), Some(url)) = (client, url) {
            spawn_local(async move {
                super::super::follow::ready(&client).await;
                let _ = client.send(Method::Put, &url, None, None).await;
            });
        }
    }
}
