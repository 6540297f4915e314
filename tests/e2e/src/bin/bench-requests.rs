//! Benchmark (not a test): HTTP requests per job, and the time from the
//! server's completion to the images on screen, for a job that queues for
//! 5 s and runs for 15 s — in polling mode and in streaming mode — beside
//! what fal's own client sends at its fixed 500 ms interval.
//! Usage: bench-requests <dist dir>

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use e2e::fake::{Config, FakeServer};

const QUEUE_MS: u64 = 5_000;
const RUN_MS: u64 = 15_000;

struct Row {
    mode: &'static str,
    submit: usize,
    status: usize,
    stream: usize,
    result: usize,
    to_screen_ms: u64,
}

async fn run(s: &Session, stream: bool) -> Result<Row> {
    let fake = FakeServer::start(Config { queue_ms: QUEUE_MS, run_ms: RUN_MS, ..Config::default() }).await?;
    s.open().await?;
    s.configure_with(&fake.url, "Bearer", "test-key", stream).await?;
    s.fill("textarea[name=prompt]", "bench").await?;
    s.add_image(&format!("{}/files/in.png", fake.url)).await?;
    s.submit().await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let seen_ms = loop {
        if s.exists("[data-testid=job][data-status=completed] img[data-testid=result-image]").await? {
            break fake.now_ms();
        }
        anyhow::ensure!(Instant::now() < deadline, "the job did not complete");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let reqs = fake.api_requests();
    let post_at = reqs.iter().find(|r| r.method == "POST").context("a POST")?.at_ms;
    let count = |f: &dyn Fn(&e2e::fake::Recorded) -> bool| reqs.iter().filter(|r| f(r)).count();
    let row = Row {
        mode: if stream { "app, streaming" } else { "app, polling" },
        submit: count(&|r| r.method == "POST"),
        status: count(&|r| r.method == "GET" && r.path.ends_with("/status")),
        stream: count(&|r| r.path.ends_with("/status/stream")),
        result: count(&|r| r.method == "GET" && !r.path.contains("/status")),
        to_screen_ms: seen_ms.saturating_sub(post_at + QUEUE_MS + RUN_MS),
    };
    // Leave the history empty for the next run.
    s.c.execute("localStorage.clear()", vec![]).await?;
    Ok(row)
}

#[tokio::main]
async fn main() -> Result<()> {
    let dist = PathBuf::from(std::env::args().nth(1).context("usage: bench-requests <dist dir>")?);
    let app = StaticServer::start(&dist).await?;
    let driver = Driver::start()?;
    let s = Session::new(&driver, &app.url, 1280, 900).await?;
    let polling = run(&s, false).await;
    let streaming = run(&s, true).await;
    s.close().await;
    drop(driver);
    let rows = [polling?, streaming?];
    let fal_polls = (QUEUE_MS + RUN_MS) / 500;
    println!("| requests per job (queued {} s, running {} s) | submit | status | stream | result | total | completion → images on screen |", QUEUE_MS / 1000, RUN_MS / 1000);
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        println!("| {} | {} | {} | {} | {} | {} | {} ms |", r.mode, r.submit, r.status, r.stream, r.result, r.submit + r.status + r.stream + r.result, r.to_screen_ms);
    }
    println!("| fal's client, 500 ms polls (computed) | 1 | {fal_polls} | 0 | 1 | {} | up to 500 ms |", fal_polls + 2);
    Ok(())
}
