//! One job's state and its reducer: `Job::apply(event)` changes the state
//! and says what the runner does next. The runner (browser glue) performs
//! the requests and feeds their outcomes back as events; it is the only
//! writer of a job's remote state.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schedule::{poll_delay_ms, retry_delay_ms};
use crate::api::status::CancelAnswer;
use crate::api::url::Endpoints;
use crate::api::error::Problem;
use crate::api::{ApiError, AuthScheme, EditOutput, ErrorKind, JobStatus, LogEntry, QueueStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Submitting,
    InQueue,
    InProgress,
    Completed,
    Failed,
    Cancelled,
    Lost,
}

impl Phase {
    /// The value of the card's `data-status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Submitting => "submitting",
            Phase::InQueue => "in_queue",
            Phase::InProgress => "in_progress",
            Phase::Completed => "completed",
            Phase::Failed => "failed",
            Phase::Cancelled => "cancelled",
            Phase::Lost => "lost",
        }
    }

    pub fn is_active(self) -> bool {
        matches!(self, Phase::Submitting | Phase::InQueue | Phase::InProgress)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CancelState {
    None,
    /// The cancel request is on its way.
    Sending,
    /// The queue accepted it; the job's end will tell whether it stopped.
    Requested,
    /// The job had already finished.
    TooLate,
    /// The queue answered the cancel with a status it does not document.
    Refused(String),
    /// The cancel request itself failed.
    Error(ApiError),
    /// Written by earlier versions: a message in English.
    Failed(String),
}

/// What the runner does after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Ask for the status after this many milliseconds.
    Poll(u32),
    /// Fetch the result after this many milliseconds.
    FetchResult(u32),
    /// Open (or keep reading) the status stream.
    Stream,
    /// The job has ended: no more timers or requests.
    Stop,
    /// The event does not change the runner's plan.
    Continue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Submitted(QueueStatus),
    SubmitFailed(ApiError),
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
    /// Followed again by request id (after a reload, or by another tab).
    Resumed,
}

/// One job. Stored in the history as JSON (never the key): fields added
/// later carry `serde(default)` so older histories still load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    /// The request body that was sent.
    pub body: Value,
    pub base: String,
    pub model: String,
    /// The auth scheme it was sent with, to follow it after a reload.
    #[serde(default = "default_scheme")]
    pub scheme: AuthScheme,
    /// Follow by the status stream rather than polling.
    #[serde(default)]
    pub stream: bool,
    /// The stream failed or closed early: polling took over.
    #[serde(default)]
    pub stream_failed: bool,
    pub request_id: Option<String>,
    pub endpoints: Option<Endpoints>,
    pub phase: Phase,
    /// A status the app does not know, shown as is.
    pub raw_status: Option<String>,
    pub queue_position: Option<u64>,
    pub logs: Vec<LogEntry>,
    pub submitted_at: f64,
    pub ended_at: Option<f64>,
    pub inference_time: Option<f64>,
    pub output: Option<EditOutput>,
    pub error: Option<ApiError>,
    /// The `error` a `COMPLETED` status carried, shown if the result fails.
    pub status_error: Option<String>,
    pub cancel: CancelState,
    /// Consecutive failed requests, for the backoff.
    #[serde(default)]
    pub failures: u32,
    /// Why the last request failed and when the retry is due.
    #[serde(default)]
    pub retrying: Option<(ApiError, f64)>,
    /// Number of requests sent for this job, by kind.
    #[serde(default)]
    pub requests: RequestCount,
    /// When the job last changed (ms since the epoch).
    #[serde(default)]
    pub updated_at: f64,
    /// The tab that follows it (see `history`).
    #[serde(default)]
    pub owner: Option<String>,
}

fn default_scheme() -> AuthScheme {
    AuthScheme::Bearer
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCount {
    pub submit: u32,
    pub status: u32,
    pub result: u32,
    pub cancel: u32,
}

impl Job {
    pub fn new(id: u64, body: Value, base: &str, model: &str, now: f64) -> Self {
        Job {
            id,
            body,
            base: base.to_string(),
            model: model.to_string(),
            scheme: AuthScheme::Bearer,
            stream: false,
            stream_failed: false,
            request_id: None,
            endpoints: None,
            phase: Phase::Submitting,
            raw_status: None,
            queue_position: None,
            logs: Vec::new(),
            submitted_at: now,
            ended_at: None,
            inference_time: None,
            output: None,
            error: None,
            status_error: None,
            cancel: CancelState::None,
            failures: 0,
            retrying: None,
            requests: RequestCount { submit: 1, ..RequestCount::default() },
            updated_at: now,
            owner: None,
        }
    }

    /// How the job is followed while it runs: the stream when asked for and
    /// not failed, else a poll after the schedule's delay.
    fn follow(&self, now: f64) -> Next {
        if self.stream && !self.stream_failed {
            Next::Stream
        } else {
            Next::Poll(poll_delay_ms(now - self.submitted_at))
        }
    }

    /// Milliseconds from submit to the end, or to `now` while it runs.
    pub fn elapsed_ms(&self, now: f64) -> f64 {
        (self.ended_at.unwrap_or(now) - self.submitted_at).max(0.0)
    }

    pub fn can_cancel(&self) -> bool {
        self.request_id.is_some()
            && matches!(self.phase, Phase::InQueue | Phase::InProgress)
            && matches!(self.cancel, CancelState::None | CancelState::Refused(_) | CancelState::Error(_) | CancelState::Failed(_))
    }

    fn end(&mut self, phase: Phase, now: f64) -> Next {
        self.phase = phase;
        self.ended_at = Some(now);
        self.retrying = None;
        self.queue_position = None;
        Next::Stop
    }

    fn fail(&mut self, error: ApiError, now: f64) -> Next {
        self.error = Some(error);
        self.end(Phase::Failed, now)
    }

    fn retry_later(&mut self, error: &ApiError, now: f64, jitter: f64) -> u32 {
        let delay = retry_delay_ms(self.failures, jitter, error.retry_after_ms);
        self.failures += 1;
        self.retrying = Some((error.clone(), now + delay as f64));
        delay
    }

    fn absorb(&mut self, s: QueueStatus, now: f64, streamed: bool) -> Next {
        self.failures = 0;
        self.retrying = None;
        if let Some(logs) = s.logs {
            if streamed {
                // The stream sends only the new lines.
                self.logs.extend(logs);
            } else if logs.len() >= self.logs.len() {
                // Polling returns every log so far: replace, never shrink.
                self.logs = logs;
            }
        }
        if s.inference_time.is_some() {
            self.inference_time = s.inference_time;
        }
        self.raw_status = None;
        // While streaming, the runner keeps reading the same stream.
        let follow = if streamed { Next::Continue } else { self.follow(now) };
        match s.status {
            JobStatus::InQueue => {
                self.phase = Phase::InQueue;
                self.queue_position = s.queue_position;
                follow
            }
            JobStatus::InProgress => {
                self.phase = Phase::InProgress;
                self.queue_position = None;
                follow
            }
            // A failed job still ends COMPLETED: the result tells.
            JobStatus::Completed | JobStatus::Failed => {
                self.queue_position = None;
                self.status_error = s.error.or(s.error_type);
                if self.phase == Phase::Submitting || self.phase == Phase::InQueue {
                    self.phase = Phase::InProgress;
                }
                Next::FetchResult(0)
            }
            JobStatus::Cancelled => self.end(Phase::Cancelled, now),
            JobStatus::Other(raw) => {
                self.raw_status = Some(raw);
                if self.phase == Phase::Submitting {
                    self.phase = Phase::InQueue;
                }
                follow
            }
        }
    }

    /// Applies one event. `jitter` is uniform in [0, 1) and only used for
    /// backoff delays.
    pub fn apply(&mut self, event: Event, now: f64, jitter: f64) -> Next {
        // A job that has ended ignores late answers (a poll in flight when
        // the cancel landed, say).
        if !self.phase.is_active() && !matches!(event, Event::CancelAnswered(_)) {
            return Next::Stop;
        }
        self.updated_at = now;
        match event {
            Event::Submitted(s) => {
                let Some(id) = s.request_id.clone().filter(|id| !id.is_empty()) else {
                    return self.fail(ApiError::unreadable(Problem::NoRequestId, ""), now);
                };
                self.endpoints = Some(Endpoints::new(&self.base, &self.model, &id, &s.urls));
                self.request_id = Some(id);
                self.absorb(s, now, false)
            }
            Event::SubmitFailed(e) => self.fail(e, now),
            Event::Status(s) => {
                self.requests.status += 1;
                self.absorb(s, now, false)
            }
            Event::Streamed(s) => self.absorb(s, now, true),
            Event::Resumed if self.request_id.is_none() => Next::Stop,
            Event::Resumed => {
                self.failures = 0;
                self.retrying = None;
                if self.stream && !self.stream_failed {
                    Next::Stream
                } else {
                    Next::Poll(0)
                }
            }
            Event::StreamEnded(None) => {
                self.requests.status += 1;
                self.stream_failed = true;
                Next::Poll(0)
            }
            Event::StreamEnded(Some(e)) => {
                self.stream_failed = true;
                self.apply(Event::StatusFailed(e), now, jitter)
            }
            Event::StatusFailed(e) => {
                self.requests.status += 1;
                match e.kind {
                    ErrorKind::NotFound => {
                        self.error = Some(e);
                        self.end(Phase::Lost, now)
                    }
                    _ if e.retryable() => Next::Poll(self.retry_later(&e, now, jitter)),
                    _ => self.fail(e, now),
                }
            }
            Event::Result(out) => {
                self.requests.result += 1;
                if matches!(self.cancel, CancelState::Sending | CancelState::Requested) {
                    self.cancel = CancelState::TooLate;
                }
                self.inference_time = out.inference_time.or(self.inference_time);
                self.output = Some(out);
                self.end(Phase::Completed, now)
            }
            Event::ResultFailed(mut e) => {
                self.requests.result += 1;
                if e.retryable() {
                    return Next::FetchResult(self.retry_later(&e, now, jitter));
                }
                if matches!(self.cancel, CancelState::Sending | CancelState::Requested) {
                    return self.end(Phase::Cancelled, now);
                }
                if e.kind == ErrorKind::NotFound {
                    self.error = Some(e);
                    return self.end(Phase::Lost, now);
                }
                if e.detail.is_empty() {
                    e.detail = self.status_error.clone().unwrap_or_default();
                }
                self.fail(e, now)
            }
            Event::CancelSent => {
                self.requests.cancel += 1;
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

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
