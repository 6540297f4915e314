//! Test support: a fake queue server that speaks PROTOCOL.md (with fault
//! injection), a tiny PNG writer for the images it serves, and the WebDriver
//! plumbing of the end-to-end suite.

pub mod browser;
pub mod fake;
pub mod png;
