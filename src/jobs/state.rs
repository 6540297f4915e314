//! One job's state and its reducer: `Job::apply(event)` changes the state
//! and says what the runner does next. The runner (browser glue) performs
//! the requests and feeds their outcomes back as events; it is the only
//! writer of a job's remote state.

use serde_json::Value;

use super::schedule::{poll_delay_ms, retry_delay_ms};
use crate::api::status::CancelAnswer;
use crate::api::url::Endpoints;
use crate::api::{ApiError, EditOutput, ErrorKind, JobStatus, LogEntry, QueueStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[derive(Clone, Debug, PartialEq)]
pub enum CancelState {
    None,
    /// The cancel request is on its way.
    Sending,
    /// The queue accepted it; the job's end will tell whether it stopped.
    Requested,
    /// The job had already finished.
    TooLate,
    Failed(String),
}

/// What the runner does after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Ask for the status after this many milliseconds.
    Poll(u32),
    /// Fetch the result after this many milliseconds.
    FetchResult(u32),
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
    Result(EditOutput),
    ResultFailed(ApiError),
    CancelSent,
    CancelAnswered(Result<CancelAnswer, ApiError>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: u64,
    /// The request body that was sent.
    pub body: Value,
    pub base: String,
    pub model: String,
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
    pub failures: u32,
    /// Why the last request failed and when the retry is due.
    pub retry: Option<(String, f64)>,
    /// Number of requests sent for this job, by kind.
    pub requests: RequestCount,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
            retry: None,
            requests: RequestCount { submit: 1, ..RequestCount::default() },
        }
    }

    /// Milliseconds from submit to the end, or to `now` while it runs.
    pub fn elapsed_ms(&self, now: f64) -> f64 {
        (self.ended_at.unwrap_or(now) - self.submitted_at).max(0.0)
    }

    pub fn can_cancel(&self) -> bool {
        self.request_id.is_some()
            && matches!(self.phase, Phase::InQueue | Phase::InProgress)
            && matches!(self.cancel, CancelState::None | CancelState::Failed(_))
    }

    fn end(&mut self, phase: Phase, now: f64) -> Next {
        self.phase = phase;
        self.ended_at = Some(now);
        self.retry = None;
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
        self.retry = Some((error.user_message(), now + delay as f64));
        delay
    }

    fn absorb(&mut self, s: QueueStatus, now: f64) -> Next {
        self.failures = 0;
        self.retry = None;
        if let Some(logs) = s.logs {
            // Polling returns every log so far: replace, never shrink.
            if logs.len() >= self.logs.len() {
                self.logs = logs;
            }
        }
        if s.inference_time.is_some() {
            self.inference_time = s.inference_time;
        }
        self.raw_status = None;
        let follow = poll_delay_ms(now - self.submitted_at);
        match s.status {
            JobStatus::InQueue => {
                self.phase = Phase::InQueue;
                self.queue_position = s.queue_position;
                Next::Poll(follow)
            }
            JobStatus::InProgress => {
                self.phase = Phase::InProgress;
                self.queue_position = None;
                Next::Poll(follow)
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
                Next::Poll(follow)
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
        match event {
            Event::Submitted(s) => {
                let Some(id) = s.request_id.clone().filter(|id| !id.is_empty()) else {
                    return self.fail(ApiError::malformed("the queue's answer has no request_id"), now);
                };
                self.endpoints = Some(Endpoints::new(&self.base, &self.model, &id, &s.urls));
                self.request_id = Some(id);
                self.absorb(s, now)
            }
            Event::SubmitFailed(e) => self.fail(e, now),
            Event::Status(s) => {
                self.requests.status += 1;
                self.absorb(s, now)
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
                    Ok(CancelAnswer::Other(s)) => CancelState::Failed(format!("The queue answered {s}")),
                    Err(e) => CancelState::Failed(e.user_message()),
                };
                Next::Continue
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(json: &str) -> QueueStatus {
        QueueStatus::from_json(json).unwrap()
    }

    fn submitted() -> Job {
        let mut j = Job::new(1, json!({"prompt":"p"}), "http://127.0.0.1:9", "fal-ai/m", 0.0);
        let next = j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE","request_id":"r1","queue_position":2}"#)), 100.0, 0.5);
        assert_eq!(next, Next::Poll(500));
        j
    }

    fn http(code: u16) -> ApiError {
        ApiError::from_response(code, r#"{"detail":"d"}"#, None, None)
    }

    #[test]
    fn a_submit_answer_starts_polling_with_built_urls() {
        let j = submitted();
        assert_eq!(j.phase, Phase::InQueue);
        assert_eq!(j.queue_position, Some(2));
        assert_eq!(j.request_id.as_deref(), Some("r1"));
        assert_eq!(j.endpoints.unwrap().status, "http://127.0.0.1:9/fal-ai/m/requests/r1/status?logs=1");
    }

    #[test]
    fn a_submit_answer_without_an_id_fails_the_job() {
        let mut j = Job::new(1, json!({}), "http://h", "m", 0.0);
        assert_eq!(j.apply(Event::Submitted(status(r#"{"status":"IN_QUEUE"}"#)), 1.0, 0.5), Next::Stop);
        assert_eq!(j.phase, Phase::Failed);
        assert_eq!(j.error.unwrap().kind, ErrorKind::Malformed);
    }

    #[test]
    fn a_failed_submit_ends_the_job_without_retry() {
        for code in [401, 403, 422, 429, 500, 503] {
            let mut j = Job::new(1, json!({}), "http://h", "m", 0.0);
            assert_eq!(j.apply(Event::SubmitFailed(http(code)), 5.0, 0.5), Next::Stop, "{code}");
            assert_eq!(j.phase, Phase::Failed);
            assert_eq!(j.ended_at, Some(5.0));
            assert_eq!(j.requests.submit, 1);
        }
    }

    #[test]
    fn the_queue_counts_down_then_runs_with_logs() {
        let mut j = submitted();
        j.apply(Event::Status(status(r#"{"status":"IN_QUEUE","queue_position":0}"#)), 600.0, 0.5);
        assert_eq!(j.queue_position, Some(0));
        let n = j.apply(
            Event::Status(status(r#"{"status":"IN_PROGRESS","logs":[{"message":"a"},{"message":"b"}]}"#)),
            12_000.0,
            0.5,
        );
        assert_eq!(n, Next::Poll(1_000), "slower after ten seconds");
        assert_eq!(j.phase, Phase::InProgress);
        assert_eq!(j.queue_position, None);
        assert_eq!(j.logs.len(), 2);
        // An answer without logs keeps what was shown.
        j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS","logs":null}"#)), 13_000.0, 0.5);
        assert_eq!(j.logs.len(), 2);
    }

    #[test]
    fn completion_fetches_the_result_then_stops() {
        let mut j = submitted();
        let n = j.apply(Event::Status(status(r#"{"status":"COMPLETED","metrics":{"inference_time":7.4}}"#)), 900.0, 0.5);
        assert_eq!(n, Next::FetchResult(0));
        assert_eq!(j.phase, Phase::InProgress, "completed only once the images are in");
        assert_eq!(j.inference_time, Some(7.4));
        let out = EditOutput::from_json(r#"{"images":[{"url":"https://x/y.png"}],"seed":5}"#).unwrap();
        assert_eq!(j.apply(Event::Result(out), 1_000.0, 0.5), Next::Stop);
        assert_eq!(j.phase, Phase::Completed);
        assert_eq!(j.output.as_ref().unwrap().seed, Some(5));
        assert_eq!(j.elapsed_ms(99_999.0), 1_000.0);
        assert_eq!(j.requests, RequestCount { submit: 1, status: 1, result: 1, cancel: 0 });
    }

    #[test]
    fn a_failed_result_fails_the_job_with_its_message_and_fields() {
        let mut j = submitted();
        j.apply(Event::Status(status(r#"{"status":"COMPLETED","error":"runner crashed"}"#)), 900.0, 0.5);
        let e = ApiError::from_response(422, r#"{"detail":[{"loc":["body","image_size"],"msg":"bad size"}]}"#, None, None);
        assert_eq!(j.apply(Event::ResultFailed(e), 1_000.0, 0.5), Next::Stop);
        assert_eq!(j.phase, Phase::Failed);
        assert_eq!(j.error.as_ref().unwrap().field_errors[0].field, "image_size");
        // A result error with no detail of its own borrows the status's.
        let mut j = submitted();
        j.apply(Event::Status(status(r#"{"status":"COMPLETED","error":"runner crashed"}"#)), 900.0, 0.5);
        j.apply(Event::ResultFailed(ApiError::from_response(400, "", None, None)), 1_000.0, 0.5);
        assert_eq!(j.error.unwrap().detail, "runner crashed");
    }

    #[test]
    fn transient_poll_errors_back_off_and_recover() {
        let mut j = submitted();
        assert_eq!(j.apply(Event::StatusFailed(http(503)), 1_000.0, 0.5), Next::Poll(1_000));
        assert_eq!(j.apply(Event::StatusFailed(ApiError::network("offline")), 2_000.0, 0.5), Next::Poll(2_000));
        assert_eq!(j.apply(Event::StatusFailed(ApiError::malformed("x")), 4_000.0, 0.5), Next::Poll(4_000));
        assert!(j.retry.as_ref().unwrap().0.contains("could not read"));
        assert_eq!(j.retry.as_ref().unwrap().1, 8_000.0);
        assert!(j.phase.is_active());
        j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 9_000.0, 0.5);
        assert_eq!((j.failures, j.retry.clone()), (0, None));
        assert_eq!(j.apply(Event::StatusFailed(http(503)), 9_500.0, 0.5), Next::Poll(1_000), "the backoff starts over");
    }

    #[test]
    fn retry_after_is_honoured() {
        let mut j = submitted();
        let e = ApiError::from_response(429, "", Some("2"), None);
        assert_eq!(j.apply(Event::StatusFailed(e.clone()), 1_000.0, 0.9), Next::Poll(2_000));
        j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 3_000.0, 0.5);
        assert_eq!(j.apply(Event::ResultFailed(e), 3_100.0, 0.9), Next::FetchResult(2_000));
    }

    #[test]
    fn refusals_stop_polling() {
        for (code, phase) in [(401, Phase::Failed), (403, Phase::Failed), (400, Phase::Failed), (404, Phase::Lost)] {
            let mut j = submitted();
            assert_eq!(j.apply(Event::StatusFailed(http(code)), 1_000.0, 0.5), Next::Stop, "{code}");
            assert_eq!(j.phase, phase, "{code}");
            assert!(!j.phase.is_active());
        }
        let mut j = submitted();
        j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 1_000.0, 0.5);
        j.apply(Event::ResultFailed(http(404)), 1_100.0, 0.5);
        assert_eq!(j.phase, Phase::Lost);
    }

    #[test]
    fn unknown_statuses_keep_the_job_running() {
        let mut j = submitted();
        assert_eq!(j.apply(Event::Status(status(r#"{"status":"WARMING"}"#)), 700.0, 0.5), Next::Poll(500));
        assert_eq!(j.raw_status.as_deref(), Some("WARMING"));
        assert!(j.phase.is_active());
        assert_eq!(j.apply(Event::Status(status(r#"{"status":"CANCELLED"}"#)), 800.0, 0.5), Next::Stop);
        assert_eq!(j.phase, Phase::Cancelled);
    }

    #[test]
    fn cancel_then_the_end_tells_what_happened() {
        let mut j = submitted();
        assert!(j.can_cancel());
        assert_eq!(j.apply(Event::CancelSent, 700.0, 0.5), Next::Continue);
        assert!(!j.can_cancel());
        j.apply(Event::CancelAnswered(Ok(CancelAnswer::Requested)), 750.0, 0.5);
        assert_eq!(j.cancel, CancelState::Requested);
        assert_eq!(j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 1_000.0, 0.5), Next::FetchResult(0));
        j.apply(Event::ResultFailed(http(400)), 1_100.0, 0.5);
        assert_eq!(j.phase, Phase::Cancelled);
        assert_eq!(j.requests.cancel, 1);

        // Too late: the images came anyway.
        let mut j = submitted();
        j.apply(Event::CancelSent, 700.0, 0.5);
        j.apply(Event::CancelAnswered(CancelAnswer::from_response(400, r#"{"status":"ALREADY_COMPLETED"}"#)), 750.0, 0.5);
        assert_eq!(j.cancel, CancelState::TooLate);
        j.apply(Event::Status(status(r#"{"status":"COMPLETED"}"#)), 800.0, 0.5);
        j.apply(Event::Result(EditOutput::from_json(r#"{"images":[{"url":"u"}]}"#).unwrap()), 900.0, 0.5);
        assert_eq!(j.phase, Phase::Completed);

        // A failed cancel request leaves the job running and can be retried.
        let mut j = submitted();
        j.apply(Event::CancelSent, 700.0, 0.5);
        j.apply(Event::CancelAnswered(Err(ApiError::network("x"))), 750.0, 0.5);
        assert!(matches!(j.cancel, CancelState::Failed(_)));
        assert!(j.can_cancel());
        assert!(j.phase.is_active());
    }

    #[test]
    fn late_answers_after_the_end_are_ignored() {
        let mut j = submitted();
        j.apply(Event::Status(status(r#"{"status":"CANCELLED"}"#)), 800.0, 0.5);
        assert_eq!(j.apply(Event::Status(status(r#"{"status":"IN_PROGRESS"}"#)), 900.0, 0.5), Next::Stop);
        assert_eq!(j.phase, Phase::Cancelled);
    }
}
