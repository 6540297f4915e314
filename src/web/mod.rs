//! Browser glue: HTTP, storage, time and the job runner. Thin by design;
//! the decisions live in `api` and `jobs`.

pub mod demo;
mod follow;
pub mod http;
pub mod images;
pub mod lang;
pub mod net;
pub mod runner;
pub mod storage;

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// Uniform in [0, 1), for backoff jitter (not for secrets).
pub fn random() -> f64 {
    js_sys::Math::random()
}
