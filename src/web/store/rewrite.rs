//! The prompt rewrite as a queue job of its own: it waits its turn in the
//! base's send queue, is submitted once (again only after a 429), followed
//! and read by the same reducer and loop as an edit, on the configured
//! base with its key; but one at a time, not a card, not in the history.
//! What rewrites cost is kept by day (`api::rewrite::Spent`).

use serde_json::Value;

use super::*;
use crate::api::rewrite::{self, Spent};

const SPENT_KEY: &str = "qie.rewrite.spent";

/// What rewrites cost so far, as stored.
pub(super) fn stored_spent() -> String {
    storage::get(Area::Local, SPENT_KEY).unwrap_or_default()
}

impl Jobs {
    /// Asks for a rewrite (`body`: `api::rewrite::body`), ending the one
    /// before.
    pub fn improve(&self, access: &Access, body: Value, stream: bool, max_in_flight: u32) {
        self.cancel_rewrite();
        let (id, base) = (self.new_ids(1), access.base.clone());
        let new = NewJob { stream, owner: self.tab.get_value(), known: self.known_for(&base), ..NewJob::polled(id, body, &base, rewrite::MODEL, "") };
        let job = Job::new(new, now());
        self.rewrite.set(vec![JobEntry { id, job: ArcRwSignal::new(job), shown: ArcRwSignal::new(false), followed: ArcRwSignal::new(false) }]);
        self.enqueue(access, &[id], max_in_flight);
    }

    /// A rewrite completed: what it cost counts with the day's spend.
    pub(super) fn count_rewrite(&self, entry: &JobEntry) {
        let Some(usd) = entry.job.with_untracked(|j| j.output.as_ref()?.said.as_ref()?.cost) else { return };
        let mut spent = Spent::from_storage(&stored_spent());
        spent.add(usd, &crate::web::local_day(&js_sys::Date::new_0()));
        let text = spent.to_storage();
        storage::set(Area::Local, SPENT_KEY, &text);
        self.spent.set(text);
    }

    /// Ends the rewrite and forgets it: taken back if it still waits, the
    /// queue asked to cancel it if it runs.
    pub fn cancel_rewrite(&self) {
        let Some(id) = self.rewrite.with_untracked(|r| r.first().map(|e| e.id)) else { return };
        self.cancel(id);
        self.runner().stop(id);
        self.rewrite.set(Vec::new());
    }
}
