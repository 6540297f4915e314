//! Qwen Image Edit studio.
//!
//! `api`, `jobs` and `i18n` are plain Rust (serde only) and are tested natively with
//! `cargo test`. Everything that needs a browser is compiled for wasm32 only.

pub mod api;
pub mod i18n;
pub mod jobs;
pub mod pixels;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod web;
