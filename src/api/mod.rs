//! The queue protocol as plain Rust: request and response types, validation,
//! error classification and the URL policy. No Leptos, no web-sys.

pub mod camera;
pub mod draft;
pub mod error;
pub mod image;
pub mod input;
pub mod model;
pub mod num;
pub mod origin;
pub mod output;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
pub mod snippets;
pub mod sse;
pub mod provider;
pub mod regions;
pub mod rewrite;
pub mod words;
pub mod share;
pub mod size;
pub mod status;
pub mod storage;
pub mod url;
pub mod validate;
pub mod zip;

pub use error::{ApiError, ErrorKind, FieldError, ServerFieldError};
pub use draft::Draft;
pub use input::{EditInput, ImageSize, SizePreset};
pub use output::{EditOutput, OutputImage};
pub use provider::{AuthScheme, Provider, Settings};
pub use status::{JobStatus, LogEntry, QueueStatus, ReturnedUrls};
