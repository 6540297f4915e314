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

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schedule::{poll_delay_ms, retry_delay_ms};
use crate::api::error::Problem;
use crate::api::status::CancelAnswer;
use crate::api::url::{Endpoints, Form};
use crate::api::{ApiError, EditOutput, ErrorKind, JobStatus, LogEntry, QueueStatus};

/// Log lines kept per job (the newest), and the longest line kept.
pub const MAX_LOG_LINES: usize = 500;
pub const MAX_LOG_CHARS: usize = 2_000;
/// After this long of failures in a row, a job stops asking by itself.
pub const PARK_AFTER_MS: f64 = 10.0 * 60_000.0;
/// The wait before every candidate address is tried a second time.
pub const SECOND_ROUND_MS: u32 = 5_000;

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

/// Why a running job waits for the person instead of asking the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Pause {
    /// A 401 or 403 while following: the key needs fixing.
    KeyRefused(ApiError),
    /// Ten minutes of failures in a row: the server has not answered.
    Parked(ApiError),
}

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
}

/// Which request a `Next` sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Status,
    Stream,
    Result,
}

/// What was learned about a server while following its jobs, kept per base
/// while the page is open and given to the next jobs on that base.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Known {
    /// It has no status stream: poll from the start.
    pub no_stream: bool,
    /// It has no status address: poll the result URL.
    pub no_status: bool,
    pub status: Option<Form>,
    pub result: Option<Form>,
}

impl Known {
    /// Adds what another job learned; a newer finding wins.
    pub fn merge(&mut self, other: Known) {
        self.no_stream |= other.no_stream;
        self.no_status = other.no_status || (self.no_status && other.status.is_none());
        self.status = other.status.or(self.status);
        self.result = other.result.or(self.result);
    }
}

/// How the job reaches its server: which candidate of each operation is in
/// use, and what did not answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub status: usize,
    pub result: usize,
    /// The current status candidate answered.
    pub status_ok: bool,
    /// The current result candidate answered (a result or "not yet").
    pub result_ok: bool,
    /// No status address answered: the result URL is polled instead.
    pub no_status: bool,
    /// The server has no status stream.
    pub no_stream: bool,
    /// 0, or 1 once every candidate has failed once.
    pub round: u8,
    /// The addresses that did not answer for this request.
    pub tried: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
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
}

impl NewJob {
    /// A job for tab `owner`, followed by polling, with nothing known of
    /// its base.
    pub fn polled(id: u64, body: Value, base: &str, model: &str, owner: &str) -> Self {
        NewJob { id, body, base: base.to_string(), model: model.to_string(), stream: false, owner: owner.to_string(), known: Known::default() }
    }
}

/// One job. Stored in the history as JSON (never the key): fields added
/// later carry `serde(default)` so older histories still load, and fields
/// older versions wrote (`scheme`, `requests`) are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    /// The request body that was sent.
    pub body: Value,
    pub base: String,
    pub model: String,
    /// Follow by the status stream rather than polling.
    #[serde(default)]
    pub stream: bool,
    /// The stream failed or closed early: polling took over.
    #[serde(default)]
    pub stream_failed: bool,
    pub request_id: Option<String>,
    pub endpoints: Option<Endpoints>,
    #[serde(default)]
    pub route: Route,
    pub phase: Phase,
    /// A status the app does not know, shown as is.
    pub raw_status: Option<String>,
    pub queue_position: Option<u64>,
    /// The newest `MAX_LOG_LINES` lines.
    pub logs: Vec<LogEntry>,
    /// Lines before those, not kept.
    #[serde(default)]
    pub logs_dropped: u64,
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
    /// When the current run of failures began.
    #[serde(default)]
    pub failing_since: Option<f64>,
    /// Why the last request failed and when the retry is due.
    #[serde(default)]
    pub retrying: Option<(ApiError, f64)>,
    /// Waiting for the person (the key, or a long outage).
    #[serde(default)]
    pub paused: Option<Pause>,
    /// When the job last changed (ms since the epoch).
    #[serde(default)]
    pub updated_at: f64,
    /// The tab that follows it (see `history`).
    #[serde(default)]
    pub owner: Option<String>,
    /// What is known of the base, applied when the job's URLs are made.
    #[serde(skip)]
    known: Known,
}

fn cap_line(mut l: LogEntry) -> LogEntry {
    if l.message.len() > MAX_LOG_CHARS {
        if let Some((i, _)) = l.message.char_indices().nth(MAX_LOG_CHARS) {
            l.message.truncate(i);
            l.message.push('…');
        }
    }
    l
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
            phase: Phase::Submitting,
            raw_status: None,
            queue_position: None,
            logs: Vec::new(),
            logs_dropped: 0,
            submitted_at: now,
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
            known: n.known,
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

    /// The request a `Next` sends, and its URL.
    pub fn target(&self, next: Next) -> Option<(Op, String)> {
        let e = self.endpoints.as_ref()?;
        let (op, list, i) = match next {
            Next::Stream => (Op::Stream, &e.stream, self.route.status),
            Next::Poll(_) if !self.route.no_status => (Op::Status, &e.status, self.route.status),
            Next::Poll(_) | Next::FetchResult(_) => (Op::Result, &e.result, self.route.result),
            Next::Stop | Next::Continue => return None,
        };
        list.get(i).map(|c| (op, c.url.clone()))
    }

    /// Where a cancel goes: the candidate of the form that answered for
    /// this job, else the first.
    pub fn cancel_url(&self) -> Option<String> {
        let e = self.endpoints.as_ref()?;
        let working = if self.route.status_ok { e.status.get(self.route.status) } else { e.result.get(self.route.result).filter(|_| self.route.result_ok) };
        let form = working.map(|c| c.form);
        e.cancel.0.iter().find(|c| Some(c.form) == form).or(e.cancel.get(0)).map(|c| c.url.clone())
    }

    /// What this job found out about its base.
    pub fn learned(&self) -> Known {
        let e = self.endpoints.as_ref();
        let form = |list: Option<&crate::api::url::Candidates>, i: usize, ok: bool| ok.then(|| list.and_then(|l| l.get(i)).map(|c| c.form)).flatten();
        Known {
            no_stream: self.route.no_stream,
            no_status: self.route.no_status && self.route.result_ok,
            status: form(e.map(|e| &e.status), self.route.status, self.route.status_ok && !self.route.no_status),
            result: form(e.map(|e| &e.result), self.route.result, self.route.result_ok),
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

    fn keep_logs(&mut self, logs: Vec<LogEntry>, streamed: bool) {
        if streamed {
            // The stream sends only the new lines.
            self.logs.extend(logs.into_iter().map(cap_line));
        } else {
            // Polling returns every log so far: replace, never shrink.
            let shown = self.logs.len() as u64 + self.logs_dropped;
            if (logs.len() as u64) < shown {
                return;
            }
            self.logs_dropped = 0;
            self.logs = logs.into_iter().map(cap_line).collect();
        }
        let n = self.logs.len();
        if n > MAX_LOG_LINES {
            self.logs.drain(..n - MAX_LOG_LINES);
            self.logs_dropped += (n - MAX_LOG_LINES) as u64;
        }
    }

    fn absorb(&mut self, s: QueueStatus, now: f64, streamed: bool) -> Next {
        self.answered();
        self.route.status_ok = true;
        if let Some(logs) = s.logs {
            self.keep_logs(logs, streamed);
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

    /// The current address of `op` did not answer for this request: try
    /// the next candidate; with none left for the status, poll the result
    /// URL; with none left at all, start over once after 5 s, then give up.
    fn next_candidate(&mut self, op: Op, error: ApiError, now: f64) -> Next {
        let next = if op == Op::Status { Next::Poll(0) } else { Next::FetchResult(0) };
        if let Some((_, url)) = self.target(next) {
            if !self.route.tried.contains(&url) {
                self.route.tried.push(url);
            }
        }
        let (status_n, result_n) = self.endpoints.as_ref().map_or((0, 0), |e| (e.status.len(), e.result.len()));
        self.retrying = None;
        if op == Op::Status {
            self.route.status += 1;
            self.route.status_ok = false;
            if self.route.status >= status_n {
                // No status address: the result URL tells "not yet" or the outcome.
                self.route.no_status = true;
            }
            return Next::Poll(0);
        }
        self.route.result += 1;
        self.route.result_ok = false;
        if self.route.result < result_n {
            return if self.route.no_status { Next::Poll(0) } else { Next::FetchResult(0) };
        }
        if self.route.round == 0 {
            self.route = Route { round: 1, no_stream: self.route.no_stream, tried: std::mem::take(&mut self.route.tried), ..Route::default() };
            return Next::Poll(SECOND_ROUND_MS);
        }
        if error.kind == ErrorKind::Redirect {
            return self.fail(error, now);
        }
        self.error = Some(error);
        self.end(Phase::Lost, now)
    }

    /// Applies what is known of the base to the job's candidates.
    fn apply_known(&mut self) {
        let k = self.known;
        if let Some(e) = self.endpoints.as_mut() {
            if let Some(f) = k.status {
                e.status.prefer(f);
                e.stream.prefer(f);
                e.cancel.prefer(f);
            }
            if let Some(f) = k.result {
                e.result.prefer(f);
            }
        }
        self.route.no_stream |= k.no_stream;
        if self.route.no_stream {
            self.stream_failed = true;
        }
        self.route.no_status |= k.no_status;
    }

    /// Applies one event. `jitter` is uniform in [0, 1) and only used for
    /// backoff delays.
    pub fn apply(&mut self, event: Event, now: f64, jitter: f64) -> Next {
        // A job that has ended ignores late answers (a poll in flight when
        // the cancel landed, say); a paused one waits for the person.
        let late = !self.phase.is_active() || (self.paused.is_some() && !matches!(event, Event::Resumed { .. }));
        if late && !matches!(event, Event::CancelAnswered(_)) {
            return Next::Stop;
        }
        self.updated_at = now;
        match event {
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
            Event::SubmitFailed(e) => self.fail(e, now),
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
                    let delay = poll_delay_ms(now - self.submitted_at);
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

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
