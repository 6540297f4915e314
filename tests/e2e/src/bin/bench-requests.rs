//! Benchmark (not a test): HTTP requests per job, and the time from the
//! server's completion to the images on screen, for a job that queues for
//! 5 s and runs for 15 s — polling and streaming against the full fake, and
//! against each kind of partial server, and a third job at a base after two
//! of the same length (polling that learns) — beside what fal's own client sends
//! at its fixed 500 ms interval. Then a flood: 2,000 stream events a second
//! for 20 s, with the longest main-thread task and the history writes.
//! Usage: bench-requests <dist dir>

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use e2e::fake::{Config, FakeServer, Partial};

const QUEUE_MS: u64 = 5_000;
const RUN_MS: u64 = 15_000;

struct Row {
    mode: String,
    submit: usize,
    status: usize,
    stream: usize,
    result: usize,
    to_screen_ms: u64,
}

/// Counts the page's history writes and its long tasks (from before the submit).
const WATCH: &str = r#"
window.__writes = 0;
const set = Storage.prototype.setItem;
Storage.prototype.setItem = function (k, v) { if (k === 'qie.history') window.__writes++; return set.call(this, k, v); };
window.__longest = 0; window.__long = 0;
new PerformanceObserver(l => { for (const e of l.getEntries()) { window.__long++; window.__longest = Math.max(window.__longest, e.duration); } })
  .observe({ type: 'longtask', buffered: false });
"#;

async fn run(s: &Session, label: &str, stream: bool, queue_ms: u64, run_ms: u64, partial: Partial) -> Result<(Row, FakeServer)> {
    let fake = FakeServer::start(Config { queue_ms, run_ms, partial, ..Config::default() }).await?;
    s.open().await?;
    s.configure_with(&fake.url, "Bearer", "test-key", stream).await?;
    s.fill("textarea[name=prompt]", "bench").await?;
    s.add_image(&format!("{}/files/in.png", fake.url)).await?;
    s.c.execute(WATCH, vec![]).await?;
    s.submit().await?;
    let deadline = Instant::now() + Duration::from_secs(90);
    let seen_ms = loop {
        if s.exists("[data-testid=job][data-status=completed] img[data-testid=result-image]").await? {
            break fake.now_ms();
        }
        anyhow::ensure!(Instant::now() < deadline, "{label}: the job did not complete");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let reqs = fake.api_requests();
    let post_at = reqs.iter().find(|r| r.method == "POST").context("a POST")?.at_ms;
    let count = |f: &dyn Fn(&e2e::fake::Recorded) -> bool| reqs.iter().filter(|r| f(r)).count();
    let row = Row {
        mode: label.to_string(),
        submit: count(&|r| r.method == "POST"),
        status: count(&|r| r.method == "GET" && r.path.ends_with("/status")),
        stream: count(&|r| r.path.ends_with("/status/stream")),
        result: count(&|r| r.method == "GET" && !r.path.contains("/status")),
        to_screen_ms: seen_ms.saturating_sub(post_at + queue_ms + run_ms),
    };
    Ok((row, fake))
}

/// Three jobs of the same length in a row at one base: the third polls by
/// what the first two took. Counts only the third's requests.
async fn learned(s: &Session) -> Result<Row> {
    let fake = FakeServer::start(Config { queue_ms: QUEUE_MS, run_ms: RUN_MS, ..Config::default() }).await?;
    s.open().await?;
    s.configure_with(&fake.url, "Bearer", "test-key", false).await?;
    s.fill("textarea[name=prompt]", "bench").await?;
    s.add_image(&format!("{}/files/in.png", fake.url)).await?;
    let mut seen_ms = 0;
    for k in 1..=3 {
        s.submit().await?;
        let deadline = Instant::now() + Duration::from_secs(90);
        seen_ms = loop {
            if s.find_all("[data-testid=job][data-status=completed] img[data-testid=result-image]").await?.len() >= k {
                break fake.now_ms();
            }
            anyhow::ensure!(Instant::now() < deadline, "learned: job {k} did not complete");
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
    }
    let reqs = fake.api_requests();
    let third = reqs.iter().filter(|r| r.method == "POST").nth(2).context("a third POST")?.at_ms;
    let count = |f: &dyn Fn(&e2e::fake::Recorded) -> bool| reqs.iter().filter(|r| r.at_ms >= third && f(r)).count();
    Ok(Row {
        mode: "full fake, polling, after two earlier jobs".into(),
        submit: count(&|r| r.method == "POST"),
        status: count(&|r| r.method == "GET" && r.path.ends_with("/status")),
        stream: count(&|r| r.path.ends_with("/status/stream")),
        result: count(&|r| r.method == "GET" && !r.path.contains("/status")),
        to_screen_ms: seen_ms.saturating_sub(third + QUEUE_MS + RUN_MS),
    })
}

async fn flood(s: &Session) -> Result<String> {
    let (_, _fake) = run(s, "flood", true, 0, 20_000, Partial::Flood(2_000)).await?;
    let longest = s.c.execute("return window.__longest", vec![]).await?.as_f64().unwrap_or(-1.0);
    let long = s.c.execute("return window.__long", vec![]).await?.as_u64().unwrap_or(0);
    let writes = s.c.execute("return window.__writes", vec![]).await?.as_u64().unwrap_or(0);
    let lines = s.text("[data-testid=logs-dropped]").await.unwrap_or_default();
    Ok(format!(
        "| 2,000 stream events/s for 20 s | longest main-thread task {longest:.0} ms ({long} tasks over 50 ms) | history writes {writes} | logs: {lines} |"
    ))
}

/// Bytes the page's own loading moved over the network (navigation and
/// resources; what the service worker answered counts 0).
const TRANSFER: &str = r#"
const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
return all.filter(e => e.name.startsWith(location.origin)).reduce((n, e) => n + (e.transferSize || 0), 0);
"#;

/// Transfer size of a first visit (a fresh profile's first load), and of a
/// repeat visit with the service worker warm.
async fn visits(driver: &Driver, app: &str) -> Result<String> {
    let s = Session::new(driver, app, 1280, 900).await?;
    let first = s.c.execute(TRANSFER, vec![]).await?.as_u64().unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.c.execute("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)", vec![]).await? != serde_json::json!(true) {
        anyhow::ensure!(Instant::now() < deadline, "no service worker took control");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.c.refresh().await?;
    s.wait_for(e2e::browser::APP_FORM, Duration::from_secs(15)).await?;
    let repeat = s.c.execute(TRANSFER, vec![]).await?.as_u64().unwrap_or(0);
    s.close().await;
    Ok(format!("| page transfer (loopback, uncompressed) | first visit {first} B | repeat visit, service worker warm {repeat} B |"))
}

#[tokio::main]
async fn main() -> Result<()> {
    let dist = PathBuf::from(std::env::args().nth(1).context("usage: bench-requests <dist dir>")?);
    let app = StaticServer::start(&dist).await?;
    let driver = Driver::start()?;
    let transfer = visits(&driver, &app.url).await;
    let s = Session::new(&driver, &app.url, 1280, 900).await?;
    let cases: [(&str, bool, Partial); 6] = [
        ("full fake, polling", false, Partial::Full),
        ("full fake, streaming", true, Partial::Full),
        ("no stream (404), streaming on", true, Partial::NoStream(404)),
        ("seed-style paths (404 until built)", false, Partial::SeedPaths),
        ("no status endpoint, result 202", false, Partial::NoStatus { accepted: true }),
        ("no status endpoint, result 400", false, Partial::NoStatus { accepted: false }),
    ];
    let mut rows = Vec::new();
    for (label, stream, partial) in cases {
        // A fresh history each time: what one base taught is not carried over.
        s.c.execute("localStorage.clear(); sessionStorage.clear()", vec![]).await?;
        rows.push(run(&s, label, stream, QUEUE_MS, RUN_MS, partial).await.map(|(r, _)| r));
    }
    s.c.execute("localStorage.clear(); sessionStorage.clear()", vec![]).await?;
    rows.push(learned(&s).await);
    s.c.execute("localStorage.clear(); sessionStorage.clear()", vec![]).await?;
    let flooded = flood(&s).await;
    s.close().await;
    drop(driver);
    let fal_polls = (QUEUE_MS + RUN_MS) / 500;
    println!("| requests per job (queued {} s, running {} s) | submit | status | stream | result | total | completion → images on screen |", QUEUE_MS / 1000, RUN_MS / 1000);
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        let r = r?;
        println!("| {} | {} | {} | {} | {} | {} | {} ms |", r.mode, r.submit, r.status, r.stream, r.result, r.submit + r.status + r.stream + r.result, r.to_screen_ms);
    }
    println!("| fal's client, 500 ms polls (computed) | 1 | {fal_polls} | 0 | 1 | {} | up to 500 ms |", fal_polls + 2);
    println!();
    println!("{}", flooded?);
    println!();
    println!("{}", transfer?);
    Ok(())
}
