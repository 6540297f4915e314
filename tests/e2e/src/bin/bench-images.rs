//! Benchmark (not a test): how long the app takes to read, scale and encode
//! a 12-megapixel photo in headless Chromium, and the bytes it sends versus
//! the original file. The photo is made in the page (gradients and shapes,
//! encoded as JPEG 0.92 like a phone's) and goes through the file input.
//! Usage: bench-images <dist dir>

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use e2e::browser::{Driver, Session, StaticServer};

const SCRIPT: &str = r#"
const [done] = [arguments[arguments.length - 1]];
(async () => {
  const w = 4000, h = 3000;
  const c = document.createElement('canvas'); c.width = w; c.height = h;
  const g = c.getContext('2d');
  const grad = g.createLinearGradient(0, 0, w, h);
  grad.addColorStop(0, '#1e3c72'); grad.addColorStop(0.5, '#e0a96d'); grad.addColorStop(1, '#2a5298');
  g.fillStyle = grad; g.fillRect(0, 0, w, h);
  let seed = 7; const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 400; i++) {
    g.fillStyle = `hsla(${rnd() * 360}, 60%, 50%, 0.35)`;
    g.beginPath(); g.arc(rnd() * w, rnd() * h, 20 + rnd() * 300, 0, 7); g.fill();
  }
  // Sensor-like noise, so the JPEG weighs what a phone photo does.
  const img = g.getImageData(0, 0, w, h), d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const n = (rnd() - 0.5) * 40;
    d[i] += n; d[i + 1] += n; d[i + 2] += n;
  }
  g.putImageData(img, 0, 0);
  const blob = await new Promise(r => c.toBlob(r, 'image/jpeg', 0.92));
  const file = new File([blob], 'photo-12mp.jpg', { type: 'image/jpeg' });
  const input = document.querySelector('input[name=image_file]');
  const runs = [];
  let sent = 0;
  for (let run = 0; run < 3; run++) {
    document.querySelectorAll('[data-kind=file] [data-testid=remove-image]').forEach(b => b.click());
    await new Promise(r => setTimeout(r, 50));
    const dt = new DataTransfer(); dt.items.add(file);
    const t0 = performance.now();
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    while (!document.querySelector('[data-testid=input-image][data-kind=file]')) {
      await new Promise(r => setTimeout(r, 5));
    }
    runs.push(performance.now() - t0);
    const li = document.querySelector('[data-kind=file]');
    sent = Number(li.getAttribute('data-bytes'));
    if (run === 0) window.__size = li.getAttribute('data-size');
  }
  done({ original: file.size, sent, size: window.__size, runs });
})().catch(e => done({ error: String(e) }));
"#;

#[tokio::main]
async fn main() -> Result<()> {
    let dist = PathBuf::from(std::env::args().nth(1).context("usage: bench-images <dist dir>")?);
    let app = StaticServer::start(&dist).await?;
    let driver = Driver::start()?;
    let s = Session::new(&driver, &app.url, 1280, 900).await?;
    let outcome = tokio::time::timeout(Duration::from_secs(120), s.c.execute_async(SCRIPT, vec![])).await;
    s.close().await;
    drop(driver);
    let v = outcome.context("timed out")??;
    if let Some(e) = v.get("error") {
        bail!("in the page: {e}");
    }
    let mut runs: Vec<f64> = v["runs"].as_array().context("runs")?.iter().filter_map(|x| x.as_f64()).collect();
    runs.sort_by(|a, b| a.total_cmp(b));
    let (orig, sent) = (v["original"].as_f64().unwrap_or(0.0), v["sent"].as_f64().unwrap_or(0.0));
    println!("| local image (12 MP JPEG, 4000x3000) | value |");
    println!("|---|---|");
    println!("| read + scale + encode, median of {} | {:.0} ms (runs: {}) |", runs.len(), runs[runs.len() / 2],
        runs.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "));
    println!("| sent size | {} |", v["size"].as_str().unwrap_or("?"));
    println!("| original file | {:.0} KB |", orig / 1000.0);
    println!("| bytes sent (decoded payload) | {:.0} KB ({:.0} % of the original) |", sent / 1000.0, 100.0 * sent / orig.max(1.0));
    Ok(())
}
