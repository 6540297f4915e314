//! What goes into the reducer (`Job::apply`) and what comes out: the
//! events of a job, the new job as submitted, and the runner's next step.

use serde_json::Value;

use super::learn::Expect;
use super::plan::Member;
use super::route::Known;
use crate::api::status::CancelAnswer;
use crate::api::{ApiError, EditOutput, QueueStatus};

/// What the runner does after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Ask for the status (or, with no status address, the result) after
    /// this many milliseconds.
    Poll(u32),
    /// Fetch the result after this many milliseconds.
    FetchResult(u32),
    /// Open (or keep reading) the status stream.
    Stream,
    /// No more timers or requests: the job ended, or waits for the person.
    Stop,
    /// The event does not change the runner's plan.
    Continue,
    /// The submit was refused with a 429 (nothing accepted): send the same
    /// body again after this many milliseconds.
    Resend(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Its turn came: the submit is on its way (also before a resend).
    Sending,
    /// Taken back before it was sent (cancelled while waiting).
    Withdrawn,
    Submitted(QueueStatus),
    SubmitFailed(ApiError),
    /// The page went away before the queue answered the submit.
    Interrupted,
    Status(QueueStatus),
    StatusFailed(ApiError),
    /// One event of the status stream (its logs are only the new ones).
    Streamed(QueueStatus),
    /// The stream closed before `COMPLETED` (`None`) or failed.
    StreamEnded(Option<ApiError>),
    Result(EditOutput),
    ResultFailed(ApiError),
    CancelSent,
    CancelAnswered(Result<CancelAnswer, ApiError>),
    /// Followed again by request id by tab `owner` (after a reload, a
    /// take-over, or the person's Resume), with what is known of the base.
    Resumed { owner: String, known: Known },
    /// What the browser kept of the result images (after completion).
    Kept(super::phase::Kept),
    /// A replay's step gets its first input while it waits: the result of
    /// the step before (or, that one skipped, what it had).
    Input { url: String, source: super::chain::Source },
    /// Its pictures were uploaded while it waited: each data URI (by the
    /// text it had) is replaced by the uploaded file's URL, so the body
    /// sent and the history name the URL (`api::storage`).
    Uploaded(Vec<(String, String)>),
}

/// A new job, as the store submits it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    pub id: u64,
    /// The request body that is sent.
    pub body: Value,
    pub base: String,
    pub model: String,
    /// Follow by the status stream rather than polling.
    pub stream: bool,
    /// The tab that submits it.
    pub owner: String,
    pub known: Known,
    /// What earlier jobs of its base and model took (`learn`).
    pub expect: Option<Expect>,
    /// Its place in a group of jobs submitted together.
    pub group: Option<Member>,
    /// "Keep the rest": the region its results are kept to.
    pub region: Option<super::region::KeepRegion>,
}

impl NewJob {
    /// A job for tab `owner`, followed by polling, with nothing known of
    /// its base.
    pub fn polled(id: u64, body: Value, base: &str, model: &str, owner: &str) -> Self {
        NewJob { id, body, base: base.to_string(), model: model.to_string(), stream: false, owner: owner.to_string(), known: Known::default(), expect: None, group: None, region: None }
    }
}
