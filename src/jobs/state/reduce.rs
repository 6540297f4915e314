//! The reducer: one event applied to a job, and what the runner does next.

use super::{CancelState, Event, Job, Next, Pause, Phase, PARK_AFTER_MS};
use crate::api::error::Problem;
use crate::api::status::CancelAnswer;
use crate::api::url::Endpoints;
use crate::api::{ApiError, ErrorKind};
use crate::jobs::learn::poll_delay;
use crate::jobs::route::Op;
use crate::jobs::schedule::retry_delay_ms;

impl Job {
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
            // (Unless it was given a local file, which is not kept.)
            Event::Interrupted if self.phase == Phase::Waiting && self.group.as_ref().is_some_and(|m| m.replay) && crate::jobs::history::can_resend(&self.body) => {
                Next::Continue
            }
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
                    crate::jobs::replay::set_first_image(&mut self.body, &url);
                    match self.sources.first_mut() {
                        Some(s) => *s = source,
                        None => self.sources.push(source),
                    }
                }
                Next::Continue
            }
            Event::Uploaded(urls) => {
                if self.phase == Phase::Waiting {
                    crate::api::storage::substitute(&mut self.body, |u| urls.iter().find(|(d, _)| d == u).map(|(_, url)| url.clone()));
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
