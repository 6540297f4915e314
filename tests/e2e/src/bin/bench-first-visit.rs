//! Benchmark (not a test): a first visit on a slow phone, for the app and
//! the plain Leptos counter built the same way, in one run — slow 4G (150 ms
//! round trip, 1.6 Mbit/s down, 0.75 up) with a 4× slower CPU, then
//! unthrottled; brotli as a static host sends it; no HTTP cache (a fresh
//! profile each visit); the two interleaved, median of 5.
//!
//! - form visible: the first contentful paint (the app's first screen is in
//!   its HTML: the prompt box is painted with it);
//! - works: the app mounted and took over its first screen (the counter:
//!   its button is there), with a prompt typed into the first screen
//!   before that and checked after;
//! - wasm done → mounted: from the wasm's last byte to the mount (compile,
//!   instantiate, the first render).
//!
//! Usage: bench-first-visit <app dist> <counter dist>, each with `x.br`
//! copies of its files (scripts/bench.sh makes them).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use serde_json::json;

const RUNS: usize = 5;

/// Installed before any script of the page: the moment the app (its own
/// `<main>`, not the first screen's) or the counter (its button) mounts.
const WATCH: &str = "window.__mounted = null; new MutationObserver(function (_, o) { \
    if (document.querySelector('body > main, body > button')) { window.__mounted = performance.now(); o.disconnect(); } \
    }).observe(document, {childList: true, subtree: true});";

const READ: &str = "const fcp = performance.getEntriesByName('first-contentful-paint')[0]; \
    const wasm = performance.getEntriesByType('resource').find(r => r.name.endsWith('.wasm')); \
    const p = document.querySelector('textarea[name=prompt]'); \
    const nav = performance.getEntriesByType('navigation')[0]; \
    return [fcp ? fcp.startTime : null, window.__mounted, wasm ? wasm.responseEnd : null, p ? p.value : null, nav.responseEnd];";

struct Visit {
    html: f64,
    fcp: f64,
    mounted: f64,
    wasm_to_mount: f64,
    kept: Option<bool>,
}

async fn visit(driver: &Driver, url: &str, slow: bool) -> Result<Visit> {
    let s = Session::blank(driver, 412, 915).await?;
    let outcome = async {
        if slow {
            s.throttle(150, 1_600_000 / 8, 750_000 / 8).await?;
            s.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 4})).await?;
        }
        s.cdp("Page.enable", json!({})).await?;
        s.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": WATCH})).await?;
        s.c.goto(url).await?;
        // The app's first screen takes typing before the wasm is there.
        let typed = match s.find_all("#shell textarea[name=prompt]").await?.into_iter().next() {
            Some(prompt) if s.c.execute("return window.__mounted === null", vec![]).await? == json!(true) => {
                prompt.send_keys("keep me").await?;
                true
            }
            _ => false,
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let v = s.c.execute(READ, vec![]).await?;
            if let Some(mounted) = v[1].as_f64() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let v = s.c.execute(READ, vec![]).await?;
                let kept = typed.then(|| v[3] == json!("keep me"));
                return Ok(Visit {
                    html: v[4].as_f64().context("the page's timing")?,
                    fcp: v[0].as_f64().context("a first contentful paint")?,
                    mounted,
                    wasm_to_mount: v[2].as_f64().map_or(f64::NAN, |w| mounted - w),
                    kept,
                });
            }
            if Instant::now() > deadline {
                bail!("{url} did not mount in 90 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    .await;
    s.close().await;
    outcome
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1).map(PathBuf::from);
    let (app_dir, counter_dir) = (args.next().context("usage: bench-first-visit <app dist> <counter dist>")?, args.next().context("the counter's dist")?);
    let app = StaticServer::start_brotli(&app_dir).await?;
    let counter = StaticServer::start_brotli(&counter_dir).await?;
    let driver = Driver::start()?;
    println!("First visit, median of {RUNS} (fresh profile each, brotli, no HTTP cache); ms from navigation start:");
    println!();
    println!("| network | page | HTML received | form visible (first paint) | works (mounted) | wasm done → mounted | typed before, kept |");
    println!("|---|---|---|---|---|---|---|");
    for (slow, label) in [(true, "slow 4G, 4× CPU"), (false, "loopback, no throttling")] {
        let (mut a, mut c) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            a.push(visit(&driver, &app.url, slow).await?);
            c.push(visit(&driver, &counter.url, slow).await?);
        }
        let stats = |v: &[Visit]| {
            let kept: Vec<bool> = v.iter().filter_map(|x| x.kept).collect();
            let kept = if kept.is_empty() { "—".to_string() } else { format!("{} of {}", kept.iter().filter(|k| **k).count(), kept.len()) };
            (median(v.iter().map(|x| x.html).collect()), median(v.iter().map(|x| x.fcp).collect()), median(v.iter().map(|x| x.mounted).collect()), median(v.iter().map(|x| x.wasm_to_mount).collect()), kept)
        };
        let (ah, af, am, aw, ak) = stats(&a);
        let (ch, cf, cm, cw, ck) = stats(&c);
        println!("| {label} | app | {ah:.0} | {af:.0} ({:.2}× the counter's button) | {am:.0} ({:.2}×) | {aw:.0} | {ak} |", af / cm, am / cm);
        println!("| {label} | counter | {ch:.0} | {cf:.0} | {cm:.0} | {cw:.0} | {ck} |");
    }
    Ok(())
}
