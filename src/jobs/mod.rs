//! The job lifecycle as plain Rust: the state of one job, the events that
//! change it, and the schedule that says when to ask the queue again.

pub mod archive;
pub mod bundle;
pub mod chain;
pub mod event;
pub mod filter;
pub mod history;
pub mod learn;
mod logs;
pub mod phase;
pub mod plan;
pub mod region;
pub mod replay;
pub mod rewrite;
pub mod route;
pub mod schedule;
pub mod sendq;
pub mod state;
pub mod stored;

pub use schedule::{backoff_ms, poll_delay_ms};
pub use route::{Known, Op, Route};
pub use region::KeepRegion;
pub use state::{CancelState, Event, Job, Kept, NewJob, Next, Pause, Phase};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
