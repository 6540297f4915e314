//! Conformance of the fake queue server: fal's official JavaScript client
//! (`@fal-ai/client`, pinned in tests/e2e/conformance/package.json and
//! installed by scripts/setup.sh) runs polling, streaming, cancel and a
//! 422 against the fake's default mode, with its URLs moved onto the fake.
//! Needs `node` and `FAL_CLIENT` (the installed package's folder).

use std::process::ExitCode;

use e2e::fake::{Config, FakeServer, Faults};

fn main() -> ExitCode {
    let Ok(fal_client) = std::env::var("FAL_CLIENT") else {
        eprintln!("FAL_CLIENT is not set: run through scripts/test.sh");
        return ExitCode::FAILURE;
    };
    e2e::run(async move {
        let fast = Config { queue_ms: 400, run_ms: 600, ..Config::default() };
        let (Ok(fake), Ok(fake_422)) = (
            FakeServer::start(fast.clone()).await,
            FakeServer::start(Config { faults: Faults { result_422: true, ..Faults::default() }, ..fast }).await,
        ) else {
            eprintln!("the fake servers did not start");
            return ExitCode::FAILURE;
        };
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/fal-client.mjs");
        let out = tokio::process::Command::new("node")
            .arg(script)
            .env("FAL_CLIENT", &fal_client)
            .env("FAKE_URL", &fake.url)
            .env("FAKE_422_URL", &fake_422.url)
            .output()
            .await;
        match out {
            Ok(o) => {
                print!("{}", String::from_utf8_lossy(&o.stdout));
                eprint!("{}", String::from_utf8_lossy(&o.stderr));
                let keys: Vec<String> = fake.requests().iter().filter(|r| r.is_api()).filter_map(|r| r.authorization.clone()).collect();
                if keys.iter().any(|k| k != "Key test-key") {
                    println!("the fal client sent an unexpected Authorization: {keys:?}");
                    return ExitCode::FAILURE;
                }
                if o.status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
            }
            Err(e) => {
                eprintln!("could not run node: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
