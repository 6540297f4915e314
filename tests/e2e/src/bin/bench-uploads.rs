//! Benchmark (not a test): bytes on the wire and the time to the last
//! submit for 8 variations of a 3000×2000 photo on a 2 Mbit/s uplink
//! (Chromium's network emulation), with the picture inline (no storage, as
//! before issue 34) and uploaded once to storage.
//! Usage: bench-uploads <dist dir>

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use e2e::fake::{Config, FakeServer};
use e2e::storage::{FakeStorage, StorageFaults};

/// 2 Mbit/s in bytes a second, as a phone's uplink.
const UPLINK: u64 = 250_000;

struct Row {
    mode: &'static str,
    picture: usize,
    wire: usize,
    requests: usize,
    last_submit_ms: u64,
}

async fn run(s: &Session, photo: &std::path::Path, storage: bool) -> Result<Row> {
    let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
    let st = FakeStorage::start("test-key", StorageFaults::default()).await?;
    s.open().await?;
    s.configure(&fake.url, "Key", "test-key").await?;
    s.fill("input[name=max_in_flight]", "8").await?;
    s.find("input[name=max_in_flight]").await?.send_keys("\u{E004}").await?;
    if storage {
        s.fill("input[name=storage_base]", &st.api).await?;
    }
    s.throttle(20, 10_000_000, UPLINK).await?;
    s.fill("textarea[name=prompt]", "bench").await?;
    s.fill("input[name=variations]", "8").await?;
    let t0 = Instant::now();
    s.find("input[name=image_file]").await?.send_keys(&photo.to_string_lossy()).await?;
    s.wait_for("[data-testid=input-image][data-kind=file]", Duration::from_secs(30)).await?;
    s.submit().await?;
    let deadline = Instant::now() + Duration::from_secs(240);
    while fake.requests().iter().filter(|r| r.method == "POST").count() < 8 {
        ensure!(Instant::now() < deadline, "8 submits did not arrive");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let last_submit_ms = t0.elapsed().as_millis() as u64;
    let posts: Vec<_> = fake.requests().into_iter().filter(|r| r.method == "POST").collect();
    let puts = st.puts();
    let picture = match puts.first() {
        Some(p) => p.bytes,
        None => {
            let uri = posts[0].json()["image_urls"][0].as_str().context("an image")?.to_string();
            e2e::png::base64_decode(uri.split_once(',').context("a data URI")?.1).context("base64")?.len()
        }
    };
    let wire = posts.iter().map(|p| p.body.len()).sum::<usize>() + puts.iter().map(|p| p.bytes).sum::<usize>() + st.initiates().len() * 80;
    s.throttle(0, 0, 0).await.ok();
    Ok(Row { mode: if storage { "uploaded once (storage)" } else { "inline in every submit (no storage)" }, picture, wire, requests: posts.len() + puts.len() + st.initiates().len(), last_submit_ms })
}

#[tokio::main]
async fn main() -> Result<()> {
    let dist = PathBuf::from(std::env::args().nth(1).context("usage: bench-uploads <dist dir>")?);
    let app = StaticServer::start(&dist).await?;
    let driver = Driver::start()?;
    let dir = std::env::temp_dir().join(format!("qie-bench-up-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let photo = dir.join("photo-3000x2000.png");
    std::fs::write(&photo, e2e::png::photo(3000, 2000))?;
    let s = Session::new(&driver, &app.url, 1280, 900).await?;
    let mut rows = Vec::new();
    for storage in [false, true] {
        rows.push(run(&s, &photo, storage).await?);
    }
    s.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    println!("8 variations of a 3000x2000 photo (sent as a 2048 px JPEG), 2 Mbit/s uplink, at most 8 submits at once:");
    println!("| mode | the picture | bytes on the wire | × one copy | requests (submits, PUTs, initiates) | photo chosen → 8th submit received |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!("| {} | {} | {} | {:.2} | {} | {:.1} s |", r.mode, r.picture, r.wire, r.wire as f64 / r.picture as f64, r.requests, r.last_submit_ms as f64 / 1000.0);
    }
    Ok(())
}
