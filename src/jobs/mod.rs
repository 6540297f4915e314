//! The job lifecycle as plain Rust: the state of one job, the events that
//! change it, and the schedule that says when to ask the queue again.

pub mod history;
pub mod schedule;
pub mod state;

pub use schedule::{backoff_ms, poll_delay_ms};
pub use state::{CancelState, Event, Job, Known, NewJob, Next, Op, Pause, Phase};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
