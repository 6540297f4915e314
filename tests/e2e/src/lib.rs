//! Test support: a fake queue server that speaks PROTOCOL.md (with fault
//! injection), a tiny PNG writer for the images it serves, and the WebDriver
//! plumbing of the end-to-end suite.

pub mod browser;
pub mod fake;
pub mod family;
pub mod png;
pub mod storage;

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

/// Standard base64 (a zip handed out of the page by `FileReader`).
pub fn base64_decode(text: &str) -> anyhow::Result<Vec<u8>> {
    let val = |c: u8| -> anyhow::Result<u32> {
        Ok(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => anyhow::bail!("not base64: {c}"),
        } as u32)
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Ok(out)
}
