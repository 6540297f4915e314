//! Browser glue: HTTP, storage, time and the job engine. Thin by design;
//! the decisions live in `api` and `jobs`.
//!
//! The job engine, one way: `store` (the jobs and their intents, the only
//! caller of the reducer) → `runner` (owns each job's task) → `follow` (the
//! loop of one job) → `http` (the client and its transport: `fetch`, or the
//! in-page `demo`). `sync` keeps the history in storage from snapshots.

pub mod bundle;
pub mod copies;
pub mod demo;
mod follow;
pub mod http;
pub mod images;
pub mod lang;
pub mod net;
pub mod pixels;
mod runner;
pub mod storage;
pub mod store;
mod sync;
pub mod uploads;
mod wire;

pub use sync::HISTORY_KEY;

/// Runs `task` until it ends or the owner it is spawned under is disposed
/// (a view that goes). Boxed: the spawner is compiled once, not once per
/// task.
pub fn spawn_scoped(task: impl std::future::Future<Output = ()> + 'static) {
    let task: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = Box::pin(task);
    leptos::task::spawn_local_scoped_with_cancellation(task);
}

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The local calendar day of `d`, as `2026-11-26`.
pub fn local_day(d: &js_sys::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}

/// Uniform in [0, 1), for backoff jitter (not for secrets).
pub fn random() -> f64 {
    js_sys::Math::random()
}
