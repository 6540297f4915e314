//! Test support: a fake queue server that speaks PROTOCOL.md (with fault
//! injection), a tiny PNG writer for the images it serves, and the WebDriver
//! plumbing of the end-to-end suite.

pub mod browser;
pub mod fake;
pub mod family;
pub mod png;

/// Runs a test binary's main future on two workers, like the machine.
pub fn run(main: impl std::future::Future<Output = std::process::ExitCode>) -> std::process::ExitCode {
    match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt.block_on(main),
        Err(e) => {
            eprintln!("no runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
