//! A status answer taken into a job (polled, streamed, or the submit's
//! own answer): phase, queue position, logs, and what to do next.

use super::logs;
use super::{Job, Next, Phase};
use crate::api::{JobStatus, QueueStatus};

impl Job {
    pub(super) fn absorb(&mut self, s: QueueStatus, now: f64, streamed: bool) -> Next {
        self.answered();
        self.route.status_ok = true;
        if let Some(logs) = s.logs {
            logs::keep(&mut self.logs, &mut self.logs_dropped, logs, streamed);
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
                self.started_at.get_or_insert(now);
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
}
