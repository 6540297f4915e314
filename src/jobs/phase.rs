//! Where a job stands: its phase, its cancel, and why it may wait for the
//! person.


use crate::api::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "snake_case"))]
pub enum Phase {
    /// In the page, waiting for its turn to be sent (`sendq`).
    Waiting,
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
            Phase::Waiting => "waiting",
            Phase::Submitting => "submitting",
            Phase::InQueue => "in_queue",
            Phase::InProgress => "in_progress",
            Phase::Completed => "completed",
            Phase::Failed => "failed",
            Phase::Cancelled => "cancelled",
            Phase::Lost => "lost",
        }
    }

    /// Not yet answered by the queue: a reload now would cut it off.
    pub fn is_unsent(self) -> bool {
        matches!(self, Phase::Waiting | Phase::Submitting)
    }

    pub fn is_active(self) -> bool {
        matches!(self, Phase::Waiting | Phase::Submitting | Phase::InQueue | Phase::InProgress)
    }
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
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
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum Pause {
    /// A 401 or 403 while following: the key needs fixing.
    KeyRefused(ApiError),
    /// Ten minutes of failures in a row: the server has not answered.
    Parked(ApiError),
    /// Read from another browser's export while it ran there: followed
    /// here only when the person asks (that browser may follow it too).
    Imported,
}

/// What the browser keeps of a completed job's result images (issue 13).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum Kept {
    /// A copy of every image, taking this many bytes.
    Copies(u64),
    /// The provider does not let the page read its images (or they were
    /// gone already): the links are all there is.
    LinkOnly,
    /// The copies were freed, to make room or by the person.
    Freed,
}
