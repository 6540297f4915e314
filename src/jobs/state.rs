//! One job's state and its reducer: `Job::apply(event)` changes the state
//! and says what the runner does next. The runner (browser glue) performs
//! the requests and feeds their outcomes back as events; the reducer is the
//! only writer of a job's state.
//!
//! A job is followed with whatever part of the protocol its server speaks
//! (PROTOCOL.md, "Partial servers"): each operation has candidate URLs
//! (`api::url::Endpoints`); an address that answers 404, 405 or a redirect
//! moves on to the next; with no status address left, the result URL is
//! polled instead; a stream that fails hands over to polling. A job is lost
//! only when every candidate answered so twice, 5 s apart.

use serde_json::Value;

pub use super::event::{Event, NewJob, Next};
pub use super::phase::{CancelState, Kept, Pause, Phase};
use super::logs;
use super::region::KeepRegion;
use super::route::{Known, Route};
use super::learn::{poll_delay, Expect};
use super::schedule::retry_delay_ms;
use crate::api::url::Endpoints;
use crate::api::{ApiError, EditOutput, LogEntry};

pub use super::logs::{MAX_LOG_CHARS, MAX_LOG_LINES};
/// After this long of failures in a row, a job stops asking by itself.
pub const PARK_AFTER_MS: f64 = 10.0 * 60_000.0;
/// One job. Stored in the history as JSON (never the key): fields added
/// later carry `serde(default)` so older histories still load, and fields
/// older versions wrote (`scheme`, `requests`) are ignored.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Job {
    pub id: u64,
    /// The request body that was sent.
    pub body: Value,
    pub base: String,
    pub model: String,
    /// Follow by the status stream rather than polling.
    #[cfg_attr(test, serde(default))]
    pub stream: bool,
    /// The stream failed or closed early: polling took over.
    #[cfg_attr(test, serde(default))]
    pub stream_failed: bool,
    pub request_id: Option<String>,
    pub endpoints: Option<Endpoints>,
    #[cfg_attr(test, serde(default))]
    pub route: Route,
    pub phase: Phase,
    /// A status the app does not know, shown as is.
    pub raw_status: Option<String>,
    pub queue_position: Option<u64>,
    /// The newest `MAX_LOG_LINES` lines.
    pub logs: Vec<LogEntry>,
    /// Lines before those, not kept.
    #[cfg_attr(test, serde(default))]
    pub logs_dropped: u64,
    pub submitted_at: f64,
    /// When it was first seen in progress.
    #[cfg_attr(test, serde(default))]
    pub started_at: Option<f64>,
    /// What earlier jobs of its base and model took: when to poll.
    #[cfg_attr(test, serde(default))]
    pub expect: Option<Expect>,
    pub ended_at: Option<f64>,
    pub inference_time: Option<f64>,
    pub output: Option<EditOutput>,
    pub error: Option<ApiError>,
    /// The `error` a `COMPLETED` status carried, shown if the result fails.
    pub status_error: Option<String>,
    pub cancel: CancelState,
    /// Consecutive failed requests, for the backoff.
    #[cfg_attr(test, serde(default))]
    pub failures: u32,
    /// When the current run of failures began.
    #[cfg_attr(test, serde(default))]
    pub failing_since: Option<f64>,
    /// Why the last request failed and when the retry is due.
    #[cfg_attr(test, serde(default))]
    pub retrying: Option<(ApiError, f64)>,
    /// Waiting for the person (the key, or a long outage).
    #[cfg_attr(test, serde(default))]
    pub paused: Option<Pause>,
    /// When the job last changed (ms since the epoch).
    #[cfg_attr(test, serde(default))]
    pub updated_at: f64,
    /// The tab that follows it (see `history`).
    #[cfg_attr(test, serde(default))]
    pub owner: Option<String>,
    /// Its place in a group of jobs submitted together.
    #[cfg_attr(test, serde(default))]
    pub group: Option<crate::jobs::plan::Member>,
    /// What the browser keeps of its result images.
    #[cfg_attr(test, serde(default))]
    pub kept: Option<Kept>,
    /// "Keep the rest": each result gets a version that is the input
    /// image outside this region.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub region: Option<KeepRegion>,
    /// Where each input image came from (`chain`), in the body's order.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub sources: Vec<super::chain::Source>,
    /// The prompt as typed, when the one sent is a rewrite the person took.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub typed: Option<String>,
    /// What is known of the base, applied when the job's URLs are made.
    #[cfg_attr(test, serde(skip))]
    pub(super) known: Known,
}

impl Job {
    pub fn new(n: NewJob, now: f64) -> Self {
        Job {
            id: n.id,
            body: n.body,
            base: n.base,
            model: n.model,
            stream: n.stream,
            stream_failed: n.stream && n.known.no_stream,
            request_id: None,
            endpoints: None,
            route: Route { no_stream: n.known.no_stream, no_status: n.known.no_status, ..Route::default() },
            phase: Phase::Waiting,
            raw_status: None,
            queue_position: None,
            logs: Vec::new(),
            logs_dropped: 0,
            submitted_at: now,
            started_at: None,
            expect: n.expect,
            ended_at: None,
            inference_time: None,
            output: None,
            error: None,
            status_error: None,
            cancel: CancelState::None,
            failures: 0,
            failing_since: None,
            retrying: None,
            paused: None,
            updated_at: now,
            owner: Some(n.owner),
            group: n.group,
            kept: None,
            region: n.region.and_then(KeepRegion::sanitized),
            sources: Vec::new(),
            typed: None,
            known: n.known,
        }
    }

    /// How the job is followed while it runs: the stream when asked for and
    /// not failed, else a poll after the schedule's delay.
    fn follow(&self, now: f64) -> Next {
        if self.stream && !self.stream_failed {
            Next::Stream
        } else {
            Next::Poll(poll_delay(now - self.submitted_at, self.expect))
        }
    }

    /// Milliseconds from submit to the end, or to `now` while it runs.
    pub fn elapsed_ms(&self, now: f64) -> f64 {
        (self.ended_at.unwrap_or(now) - self.submitted_at).max(0.0)
    }

    pub fn can_cancel(&self) -> bool {
        self.request_id.is_some()
            && self.paused.is_none()
            && matches!(self.phase, Phase::InQueue | Phase::InProgress)
            && matches!(self.cancel, CancelState::None | CancelState::Refused(_) | CancelState::Error(_) | CancelState::Failed(_))
    }

    pub(super) fn end(&mut self, phase: Phase, now: f64) -> Next {
        self.phase = phase;
        self.ended_at = Some(now);
        self.retrying = None;
        self.queue_position = None;
        Next::Stop
    }

    pub(super) fn fail(&mut self, error: ApiError, now: f64) -> Next {
        self.error = Some(error);
        self.end(Phase::Failed, now)
    }

    fn pause(&mut self, why: Pause) -> Next {
        self.paused = Some(why);
        self.retrying = None;
        Next::Stop
    }

    /// A transient failure: wait (at least 1 s) and ask again, or park the
    /// job after ten minutes of failures in a row.
    fn retry_later(&mut self, error: ApiError, now: f64, jitter: f64, result: bool) -> Next {
        let since = *self.failing_since.get_or_insert(now);
        if now - since >= PARK_AFTER_MS {
            self.failures = 0;
            self.failing_since = None;
            return self.pause(Pause::Parked(error));
        }
        let delay = retry_delay_ms(self.failures, jitter, error.retry_after_ms);
        self.failures += 1;
        self.retrying = Some((error, now + delay as f64));
        if result && !self.route.no_status {
            Next::FetchResult(delay)
        } else {
            Next::Poll(delay)
        }
    }

    /// An answer came: the server is there.
    fn answered(&mut self) {
        self.failures = 0;
        self.failing_since = None;
        self.retrying = None;
        self.route.round = 0;
        self.route.tried.clear();
    }
}

mod absorb;
mod reduce;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod stream_tests;
