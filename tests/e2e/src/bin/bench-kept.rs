//! Benchmark (not a test): results that stay (issue 13). The time to copy
//! the 4 results of 1 MB of a job into the browser; the time to open a
//! history of 1,000 jobs and to show 50 more; export and import (in a
//! fresh browser profile) of 50 jobs with 100 images: size and time.
//! Usage: bench-kept <dist dir>

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use e2e::fake::{Config, FakeServer};
use serde_json::{json, Value};

/// Empties the origin's storage from another page of it (the app writes its
/// history as it goes away), then opens the app.
async fn fresh(s: &Session) -> Result<()> {
    s.c.goto(&format!("{}/manifest.webmanifest", s.app_url.trim_end_matches('/'))).await?;
    s.c.execute("localStorage.clear(); sessionStorage.clear()", vec![]).await?;
    s.open().await
}

async fn setup(s: &Session, fake: &FakeServer, stream: bool) -> Result<()> {
    fresh(s).await?;
    s.configure_with(&fake.url, "Bearer", "test-key", stream).await?;
    s.fill("textarea[name=prompt]", "bench").await?;
    s.add_image(&format!("{}/files/in.png", fake.url)).await
}

/// Polls (every 5 ms) until `script` returns true.
async fn until(s: &Session, script: &str, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while s.c.execute(script, vec![]).await? != Value::Bool(true) {
        ensure!(Instant::now() < deadline, "timed out: {script}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

async fn copy_four(s: &Session) -> Result<String> {
    let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, file_bytes: 1_000_000, ..Config::default() }).await?;
    setup(s, &fake, false).await?;
    s.fill("input[name=num_images]", "4").await?;
    s.submit().await?;
    until(s, "return !!document.querySelector('[data-testid=job][data-status=completed]')", Duration::from_secs(20)).await?;
    let t = Instant::now();
    until(s, "return +(document.querySelector('[data-testid=storage-used]')?.dataset.bytes || 0) >= 4000000", Duration::from_secs(30)).await?;
    Ok(format!("| copy the 4 results of 1 MB of a job (completion on the card → copies counted) | {} ms |", t.elapsed().as_millis()))
}

fn stored(i: u64) -> Value {
    json!({
        "id": i, "base": "https://api.quickrouter.ai", "model": "fal-ai/qwen-image-edit-plus",
        "body": {"prompt": format!("edit number {i} of a long history"), "image_urls": ["https://a.example/1.png"]},
        "request_id": format!("req-{i}"), "endpoints": null, "phase": "completed", "raw_status": null, "queue_position": null,
        "logs": [], "submitted_at": i as f64, "ended_at": i as f64 + 9000.0, "inference_time": 9.0,
        "output": {"images": [{"url": format!("https://a.example/out-{i}.png"), "width": 1024, "height": 1024, "nsfw": false}], "seed": i},
        "error": null, "status_error": null, "cancel": "None"
    })
}

async fn thousand(s: &Session) -> Result<String> {
    let history = json!({"v": 1, "jobs": (1..=1_000u64).map(stored).collect::<Vec<_>>()}).to_string();
    s.c.goto(&format!("{}/manifest.webmanifest", s.app_url.trim_end_matches('/'))).await?;
    s.c.execute("localStorage.clear(); localStorage.setItem('qie.history', arguments[0])", vec![json!(history)]).await?;
    let t = Instant::now();
    s.c.goto(&s.app_url).await?;
    until(s, "return document.querySelectorAll('[data-testid=history-item]').length === 50", Duration::from_secs(20)).await?;
    let open = t.elapsed().as_millis();
    let count = s.text(".history .count").await?;
    ensure!(count == "1000", "all kept: {count}");
    let t = Instant::now();
    s.click("[data-testid=history-more]").await?;
    until(s, "return document.querySelectorAll('[data-testid=history-item]').length === 100", Duration::from_secs(10)).await?;
    let more = t.elapsed().as_millis();
    let t = Instant::now();
    s.fill("input[name=history_search]", "number 999 ").await?;
    until(s, "return document.querySelectorAll('[data-testid=history-item]').length === 1", Duration::from_secs(10)).await?;
    let search = t.elapsed().as_millis();
    Ok(format!(
        "| history of 1,000 jobs ({:.1} MB stored): reload → first 50 drawn | {open} ms |\n| show 50 more | {more} ms |\n| a search typed (WebDriver's typing included) → 1 match | {search} ms |",
        history.len() as f64 / 1e6
    ))
}

async fn transfer(s: &Session, driver: &Driver, app: &str) -> Result<String> {
    let fake = FakeServer::start(Config { queue_ms: 100, run_ms: 100, file_bytes: 250_000, ..Config::default() }).await?;
    setup(s, &fake, true).await?;
    s.fill("input[name=num_images]", "2").await?;
    for n in [16, 16, 16, 2] {
        s.fill("input[name=variations]", &n.to_string()).await?;
        s.submit().await?;
    }
    until(s, "return document.querySelectorAll('[data-testid=history-item][data-status=completed]').length === 50", Duration::from_secs(180)).await?;
    until(s, "return +(document.querySelector('[data-testid=storage-used]')?.dataset.bytes || 0) >= 100 * 250000", Duration::from_secs(60)).await?;
    s.catch_blobs().await?;
    s.click("[data-testid=export-history]").await?;
    let done = s.wait_for("[data-testid=export-done]", Duration::from_secs(120)).await?;
    let (bytes, export_ms): (u64, u64) = (done.attr("data-n").await?.context("n")?.parse()?, done.attr("data-ms").await?.context("ms")?.parse()?);
    // The zip, out of the page, into a file for the other browser.
    let path = std::env::temp_dir().join("qie-bench-history.zip");
    std::fs::write(&path, s.last_blob().await?)?;
    let other = Session::new(driver, app, 1280, 900).await?;
    let outcome = async {
        let before = fake.api_requests().len();
        let t = Instant::now();
        other.find("input[name=import_history]").await?.send_keys(&path.to_string_lossy()).await?;
        let done = other.wait_for("[data-testid=import-done]", Duration::from_secs(120)).await?;
        let wall = t.elapsed().as_millis();
        let (added, import_ms): (u64, u64) = (done.attr("data-n").await?.context("n")?.parse()?, done.attr("data-ms").await?.context("ms")?.parse()?);
        ensure!(added == 50, "50 jobs imported, got {added}");
        ensure!(fake.api_requests().len() == before, "nothing asked of the API by the import");
        Ok::<_, anyhow::Error>(format!(
            "| export: 50 jobs, 100 images of 250 KB | {:.1} MB | {export_ms} ms |\n| import into a fresh profile (nothing sent) | 50 jobs, 100 copies | {import_ms} ms ({wall} ms with WebDriver's upload) |",
            bytes as f64 / 1e6
        ))
    }
    .await;
    other.close().await;
    let _ = std::fs::remove_file(&path);
    outcome
}

#[tokio::main]
async fn main() -> Result<()> {
    let dist = PathBuf::from(std::env::args().nth(1).context("usage: bench-kept <dist dir>")?);
    let app = StaticServer::start(&dist).await?;
    let driver = Driver::start()?;
    let s = Session::new(&driver, &app.url, 1280, 900).await?;
    let c = copy_four(&s).await;
    let h = thousand(&s).await;
    let t = transfer(&s, &driver, &app.url).await;
    s.close().await;
    drop(driver);
    println!("| results that stay | time |");
    println!("|---|---|");
    println!("{}", c?);
    println!("{}", h?);
    println!();
    println!("| transfer | size | time |");
    println!("|---|---|---|");
    println!("{}", t?);
    Ok(())
}
