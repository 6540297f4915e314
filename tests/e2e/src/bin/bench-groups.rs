//! Benchmark (not a test): many jobs at once. 16 variations of one request,
//! each queued 5 s and running 15 s, followed by polling: API requests per
//! second at the base (peak and mean) and in all, beside the same 16 jobs
//! submitted one by one. Then "download all" of 16 results of 1 MB: the
//! zip's size and the time to make it.
//! Usage: bench-groups <dist dir>

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use e2e::fake::{Config, FakeServer};

const QUEUE_MS: u64 = 5_000;
const RUN_MS: u64 = 15_000;

async fn setup(s: &Session, fake: &FakeServer) -> Result<()> {
    s.c.execute("localStorage.clear(); sessionStorage.clear()", vec![]).await?;
    s.open().await?;
    s.configure_with(&fake.url, "Bearer", "test-key", false).await?;
    s.fill("textarea[name=prompt]", "bench").await?;
    s.add_image(&format!("{}/files/in.png", fake.url)).await
}

async fn wait_done(s: &Session, n: usize, label: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(180);
    while s.find_all("[data-testid=job][data-status=completed]").await?.len() < n {
        anyhow::ensure!(Instant::now() < deadline, "{label}: not all {n} completed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Requests per second (peak and mean over the span they cover), total,
/// and the time from the first request to the last job on screen.
fn rates(fake: &FakeServer, done_ms: u64) -> String {
    let at: Vec<u64> = fake.api_requests().iter().map(|r| r.at_ms).collect();
    let (first, last) = (at.first().copied().unwrap_or(0), at.last().copied().unwrap_or(0));
    let mut per_sec = vec![0u32; ((last - first) / 1000 + 1) as usize];
    for t in &at {
        per_sec[((t - first) / 1000) as usize] += 1;
    }
    let peak = per_sec.iter().max().copied().unwrap_or(0);
    let mean = at.len() as f64 / ((last - first) as f64 / 1000.0).max(1.0);
    let posts = fake.count("POST");
    format!("{peak} | {mean:.1} | {} ({posts} submits) | {:.1} s", at.len(), done_ms.saturating_sub(first) as f64 / 1000.0)
}

async fn variations(s: &Session) -> Result<String> {
    let fake = FakeServer::start(Config { queue_ms: QUEUE_MS, run_ms: RUN_MS, ..Config::default() }).await?;
    setup(s, &fake).await?;
    s.fill("input[name=variations]", "16").await?;
    s.submit().await?;
    wait_done(s, 16, "variations").await?;
    Ok(format!("| 16 variations, one submit | {} |", rates(&fake, fake.now_ms())))
}

async fn separate(s: &Session) -> Result<String> {
    let fake = FakeServer::start(Config { queue_ms: QUEUE_MS, run_ms: RUN_MS, ..Config::default() }).await?;
    setup(s, &fake).await?;
    for _ in 0..16 {
        s.submit().await?;
    }
    wait_done(s, 16, "separate").await?;
    Ok(format!("| 16 separate submits | {} |", rates(&fake, fake.now_ms())))
}

async fn zip(s: &Session) -> Result<String> {
    let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, file_bytes: 1_000_000, ..Config::default() }).await?;
    setup(s, &fake).await?;
    s.fill("input[name=variations]", "16").await?;
    s.submit().await?;
    wait_done(s, 16, "zip").await?;
    s.click("button[data-testid=download-all]").await?;
    let done = s.wait_for("[data-testid=zip-done]", Duration::from_secs(60)).await?;
    let bytes: u64 = done.attr("data-bytes").await?.context("data-bytes")?.parse()?;
    let ms: u64 = done.attr("data-ms").await?.context("data-ms")?.parse()?;
    Ok(format!("| download all: 16 results of 1 MB (fetched from loopback, CRC'd, stored) | {:.1} MB | {ms} ms |", bytes as f64 / 1e6))
}

#[tokio::main]
async fn main() -> Result<()> {
    let dist = PathBuf::from(std::env::args().nth(1).context("usage: bench-groups <dist dir>")?);
    let app = StaticServer::start(&dist).await?;
    let driver = Driver::start()?;
    let s = Session::new(&driver, &app.url, 1280, 900).await?;
    let v = variations(&s).await;
    let p = separate(&s).await;
    let z = zip(&s).await;
    s.close().await;
    drop(driver);
    println!("| 16 jobs (queued {} s, running {} s), polling | requests/s at the base, peak | mean | requests in all | first request → last result |", QUEUE_MS / 1000, RUN_MS / 1000);
    println!("|---|---|---|---|---|");
    println!("{}", v?);
    println!("{}", p?);
    println!();
    println!("| zip | size | time |");
    println!("|---|---|---|");
    println!("{}", z?);
    Ok(())
}
