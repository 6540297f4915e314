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
use super::route::{Known, Op, Route};
use super::learn::{poll_delay, Expect};
use super::schedule::retry_delay_ms;
use crate::api::error::Problem;
use crate::api::status::CancelAnswer;
use crate::api::url::Endpoints;
use crate::api::{ApiError, EditOutput, ErrorKind, LogEntry};

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


    /// Applies one event. `jitter` is uniform in [0, 1) and only used for
    /// backoff delays.
    pub fn apply(&mut self, event: Event, now: f64, jitter: f64) -> Next {
        // A job that has ended ignores late answers (a poll in flight when
        // the cancel landed, say); a paused one waits for the person.
        let late = !self.phase.is_active() || (self.paused.is_some() && !matches!(event, Event::Resumed { .. }));
        if late && !matches!(event, Event::CancelAnswered(_) | Event::Kept(_)) {
            return Next::Stop;
        }
        self.updated_at = now;
        match event {
            // Copies are made once a job has completed: only then do they count.
            Event::Kept(k) => {
                if self.phase == Phase::Completed {
                    self.kept = Some(k);
                }
                Next::Stop
            }
            Event::Sending if self.phase.is_unsent() => {
                self.phase = Phase::Submitting;
                self.retrying = None;
                Next::Continue
            }
            Event::Sending => Next::Continue,
            Event::Withdrawn if self.phase == Phase::Waiting => self.end(Phase::Cancelled, now),
            Event::Withdrawn => Next::Continue,
            Event::Submitted(s) => {
                let Some(id) = s.request_id.clone().filter(|id| crate::api::url::valid_request_id(id)) else {
                    return self.fail(ApiError::unreadable(Problem::BadRequestId, s.request_id.unwrap_or_default()), now);
                };
                self.endpoints = Some(Endpoints::new(&self.base, &self.model, &id, &s.urls));
                self.apply_known();
                self.request_id = Some(id);
                let next = self.absorb(s, now, false);
                // The submit's answer says nothing about the status address.
                self.route.status_ok = false;
                next
            }
            // A 429 accepted nothing: the same body goes again after the
            // wait (for ten minutes at most).
            Event::SubmitFailed(e) if e.kind == ErrorKind::RateLimited && self.phase == Phase::Submitting => {
                let since = *self.failing_since.get_or_insert(now);
                if now - since >= PARK_AFTER_MS {
                    return self.fail(e, now);
                }
                let delay = retry_delay_ms(self.failures, jitter, e.retry_after_ms);
                self.failures += 1;
                self.retrying = Some((e, now + delay as f64));
                Next::Resend(delay)
            }
            Event::SubmitFailed(e) => self.fail(e, now),
            // Never sent (waiting for its turn, or for a resend after a
            // 429): nothing was accepted.
            // A replay's step waiting for the one before is not cut off:
            // it was never going to be sent yet (`replay::next` sends it).
            Event::Interrupted if self.phase == Phase::Waiting && self.group.as_ref().is_some_and(|m| m.replay) => Next::Continue,
            Event::Interrupted if self.phase == Phase::Waiting || (self.phase == Phase::Submitting && self.retrying.is_some()) => {
                self.fail(ApiError::not_sent(), now)
            }
            Event::Interrupted if self.phase == Phase::Submitting => {
                // The job may or may not exist, and it is never sent again.
                self.error = Some(ApiError::interrupted());
                self.end(Phase::Lost, now)
            }
            Event::Interrupted => Next::Continue,
            Event::Status(s) => self.absorb(s, now, false),
            Event::Streamed(s) => self.absorb(s, now, true),
            Event::Resumed { .. } if self.request_id.is_none() => Next::Stop,
            Event::Resumed { owner, known } => {
                self.owner = Some(owner);
                self.paused = None;
                self.answered();
                self.known = known;
                self.route.status = 0;
                self.route.result = 0;
                self.route.status_ok = false;
                self.route.result_ok = false;
                self.apply_known();
                if self.stream && !self.stream_failed {
                    Next::Stream
                } else {
                    Next::Poll(0)
                }
            }
            // A 429 says nothing of the stream: one status poll after the
            // wait (the whole base is held that long), then the stream again.
            Event::StreamEnded(Some(e)) if e.kind == ErrorKind::RateLimited => self.retry_later(e, now, jitter, false),
            Event::StreamEnded(e) => {
                self.stream_failed = true;
                match e {
                    Some(e) if e.key_refused() => self.pause(Pause::KeyRefused(e)),
                    Some(e) => {
                        // No stream here (404, 405, 400, not an event
                        // stream): this base is polled from now on.
                        if e.not_here() || e.kind == ErrorKind::BadRequest || e.problem == Some(Problem::NotEventStream) {
                            self.route.no_stream = true;
                        }
                        Next::Poll(0)
                    }
                    None => Next::Poll(0),
                }
            }
            Event::StatusFailed(e) => match e.kind {
                _ if e.key_refused() => self.pause(Pause::KeyRefused(e)),
                _ if e.retryable() => self.retry_later(e, now, jitter, false),
                ErrorKind::NotYet => {
                    self.answered();
                    self.follow(now)
                }
                // Any other answer: this address is not the job's status.
                _ => self.next_candidate(Op::Status, e, now),
            },
            Event::Result(out) => {
                self.answered();
                self.route.result_ok = true;
                if matches!(self.cancel, CancelState::Sending | CancelState::Requested) {
                    self.cancel = CancelState::TooLate;
                }
                self.inference_time = out.inference_time.or(self.inference_time);
                self.output = Some(out);
                self.end(Phase::Completed, now)
            }
            Event::ResultFailed(mut e) => {
                if e.kind == ErrorKind::NotYet {
                    self.answered();
                    self.route.result_ok = true;
                    let delay = poll_delay(now - self.submitted_at, self.expect);
                    return if self.route.no_status { Next::Poll(delay) } else { Next::FetchResult(delay) };
                }
                if e.key_refused() {
                    return self.pause(Pause::KeyRefused(e));
                }
                if e.retryable() {
                    return self.retry_later(e, now, jitter, true);
                }
                if e.not_here() {
                    return self.next_candidate(Op::Result, e, now);
                }
                if matches!(self.cancel, CancelState::Sending | CancelState::Requested) {
                    return self.end(Phase::Cancelled, now);
                }
                if e.detail.is_empty() {
                    e.detail = self.status_error.clone().unwrap_or_default();
                }
                self.fail(e, now)
            }
            Event::Input { url, source } => {
                if self.phase == Phase::Waiting {
                    super::replay::set_first_image(&mut self.body, &url);
                    match self.sources.first_mut() {
                        Some(s) => *s = source,
                        None => self.sources.push(source),
                    }
                }
                Next::Continue
            }
            Event::CancelSent => {
                self.cancel = CancelState::Sending;
                Next::Continue
            }
            Event::CancelAnswered(answer) => {
                if self.cancel != CancelState::Sending {
                    return Next::Continue;
                }
                self.cancel = match answer {
                    Ok(CancelAnswer::Requested) => CancelState::Requested,
                    Ok(CancelAnswer::AlreadyCompleted) => CancelState::TooLate,
                    Ok(CancelAnswer::Other(s)) if s.is_empty() => CancelState::Requested,
                    Ok(CancelAnswer::Other(s)) => CancelState::Refused(s),
                    Err(e) => CancelState::Error(e),
                };
                Next::Continue
            }
        }
    }
}

#[path = "absorb.rs"]
mod absorb;

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "route_tests.rs"]
mod route_tests;
#[cfg(test)]
#[path = "stream_tests.rs"]
mod stream_tests;
