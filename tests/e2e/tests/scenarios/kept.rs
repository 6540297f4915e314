//! Issue 13: results that stay when the provider's links do not.

use super::super::*;

/// How many of `css`'s images show a loaded copy (a `blob:` source, the
/// provider's URL still in `data-url`).
async fn copies_shown(s: &Session, css: &str) -> Result<usize> {
    let script = format!(
        "return [...document.querySelectorAll({css:?})].filter(i => i.dataset.copy === 'shown' && i.src.startsWith('blob:') && i.dataset.url.includes('/files/') && i.complete && i.naturalWidth > 0).length"
    );
    Ok(s.c.execute(&script, vec![]).await?.as_u64().unwrap_or(0) as usize)
}

async fn wait_copies(s: &Session, css: &str, n: usize, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let got = copies_shown(s, css).await?;
        if got >= n {
            return Ok(());
        }
        if Instant::now() > deadline {
            let state = s
                .c
                .execute_async(&format!("const done = arguments[0]; Promise.all([...document.querySelectorAll({css:?})].map(async i => [i.src.slice(0, 60), i.dataset.copy, i.dataset.url, i.complete, i.naturalWidth, await fetch(i.src).then(r => r.arrayBuffer()).then(b => b.byteLength + ':' + [...new Uint8Array(b).slice(0, 8)].join(','), e => 'unreadable ' + e)].join(' '))).then(done, e => done('err ' + e))"), vec![])
                .await?;
            bail!("{css}: {got} of {n} copies shown after {timeout:?}: {state}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A job of two images completes and is copied; then the fake stops
/// serving its files: after a reload the history, the card (opened from
/// the history) and the lightbox show both images from the copies, and the
/// API is asked nothing for them. Offline, the same.
pub(crate) fn results_stay_when_their_links_expire(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 200, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "keep these").await?;
        s.fill("input[name=num_images]", "2").await?;
        s.submit().await?;
        let card = s.wait_job(0, "completed", SECS(10)).await?;
        let id = card.attr("data-request-id").await?.context("request id")?;
        let line = s.wait_for("[data-testid=storage-used]:not([data-bytes='0'])", SECS(5)).await?;
        let bytes: u64 = line.attr("data-bytes").await?.context("bytes")?.parse()?;
        ensure!(bytes > 200, "two PNGs copied: {bytes} bytes");

        fake.set_faults(Faults { files_gone: true, ..Faults::default() });
        let before = fake.requests().iter().filter(|r| !r.path.starts_with("/files/")).count();
        s.c.refresh().await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(10)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        let item = format!("[data-testid=history-item][data-request-id='{id}']");
        s.wait_for(&item, SECS(5)).await?;
        s.c.execute(&format!("document.querySelector(\"{item} img\").scrollIntoView()"), vec![]).await?;
        wait_copies(s, &format!("{item} img"), 1, SECS(5)).await?;
        s.click(&format!("{item} button[data-testid=open]")).await?;
        wait_copies(s, "[data-testid=job] img[data-testid=result-image]", 2, SECS(5)).await?;
        s.screenshot("kept-after-links-expired").await?;
        s.click("[data-testid=job] [data-testid=result-image]").await?;
        wait_copies(s, "[data-testid=lightbox] img", 1, SECS(5)).await?;
        s.click("[data-testid=close-lightbox]").await?;
        let api = fake.requests().iter().filter(|r| !r.path.starts_with("/files/")).count();
        ensure!(api - before <= 2, "opening a finished job asks the API at most for its status and result: {} requests", api - before);

        // Offline: the app opens from its service worker, the images from
        // the copies. Chromium only: the other engines have no network
        // switch, and this page's host serves the other scenarios too (the
        // whole app offline, in every engine: hosted.rs, with a host of its own).
        if s.engine != e2e::browser::Engine::Chromium {
            return Ok(());
        }
        s.set_offline(true).await?;
        s.c.refresh().await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(10)).await?;
        s.wait_for(&item, SECS(5)).await?;
        s.c.execute(&format!("document.querySelector(\"{item} img\").scrollIntoView()"), vec![]).await?;
        wait_copies(s, &format!("{item} img"), 1, SECS(5)).await?;
        s.set_offline(false).await?;
        Ok(())
    })
}

/// Two jobs (one of two images) are exported; a fresh browser profile
/// imports the file: the same request ids, every image shown from its copy
/// (the fake no longer serves them), and nothing sent to the API.
pub(crate) fn an_export_moves_the_history_to_a_fresh_browser(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 200, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "move me").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let first = s.wait_for("[data-testid=storage-used]:not([data-bytes='0'])", SECS(5)).await?.attr("data-bytes").await?.context("bytes")?;
        s.fill("input[name=num_images]", "2").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        // The second job's two copies counted too.
        s.wait_for(&format!("[data-testid=storage-used]:not([data-bytes='{first}'])"), SECS(5)).await?;
        let mut ids = Vec::new();
        for item in s.find_all("[data-testid=history-item]").await? {
            ids.push(item.attr("data-request-id").await?.context("request id")?);
        }
        ensure!(ids.len() == 2, "two jobs: {ids:?}");
        s.catch_blobs().await?;
        s.click("[data-testid=export-history]").await?;
        s.wait_for("[data-testid=export-done]", SECS(10)).await?;
        let path = std::env::temp_dir().join(format!("qie-e2e-export-{}.zip", std::process::id()));
        std::fs::write(&path, s.last_blob().await?)?;
        fake.set_faults(Faults { files_gone: true, ..Faults::default() });

        let driver = e2e::browser::Driver::start()?;
        let other = Session::new(&driver, &s.app_url, 1280, 900).await?;
        let outcome = async {
            let before = fake.api_requests().len();
            other.find("input[name=import_history]").await?.send_keys(&path.to_string_lossy()).await?;
            other.wait_for("[data-testid=import-done][data-n='2']", SECS(10)).await?;
            for id in &ids {
                let item = format!("[data-testid=history-item][data-request-id='{id}']");
                ensure!(other.exists(&item).await?, "{id} imported");
                other.c.execute(&format!("document.querySelector(\"{item} img\").scrollIntoView()"), vec![]).await?;
                wait_copies(&other, &format!("{item} img"), 1, SECS(5)).await?;
            }
            let note = other.text("[data-testid=history-note]").await?;
            ensure!(note.contains("Imported 2 jobs and 3 images"), "the note: {note}");
            // The two-image job, opened: both images from the copies.
            other.click(&format!("[data-testid=history-item][data-request-id='{}'] button[data-testid=open]", ids[0])).await?;
            wait_copies(&other, "[data-testid=job] img[data-testid=result-image]", 2, SECS(5)).await?;
            ensure!(fake.api_requests().len() == before, "nothing sent to the API: {} requests", fake.api_requests().len() - before);
            other.assert_alive().await
        }
        .await;
        other.close().await;
        let _ = std::fs::remove_file(&path);
        outcome
    })
}

/// A history of 1,000 jobs written into storage opens with one page drawn,
/// shows more on request, and a search finds one (the time is in the bench).
pub(crate) fn a_thousand_jobs_open_and_page(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let jobs: Vec<serde_json::Value> = (1..=1_000u64)
            .map(|i| json!({
                "id": i, "base": "https://api.quickrouter.ai", "model": "fal-ai/qwen-image-edit-plus",
                "body": {"prompt": format!("edit number {i}"), "image_urls": ["https://a.example/1.png"]},
                "request_id": format!("req-{i}"), "endpoints": null, "phase": "completed", "raw_status": null, "queue_position": null,
                "logs": [], "submitted_at": i as f64, "ended_at": i as f64 + 1.0, "inference_time": null, "output": null, "error": null,
                "status_error": null, "cancel": "None"
            }))
            .collect();
        let history = json!({"v": 1, "jobs": jobs}).to_string();
        // Written from another page of the origin: the app writes its own history as it goes.
        // (Its icon: a document in every engine; Firefox offers a JSON file,
        // the manifest, in a viewer where scripts do not run.)
        s.c.goto(&format!("{}/icon.svg", s.app_url.trim_end_matches('/'))).await?;
        s.c.execute("localStorage.setItem('qie.history', arguments[0])", vec![json!(history)]).await?;
        s.open().await?;
        s.wait_for("[data-testid=history-item][data-request-id='req-1000']", SECS(5)).await?;
        ensure!(s.text(".history .count").await? == "1000", "all 1,000 kept");
        ensure!(s.find_all("[data-testid=history-item]").await?.len() == 50, "one page drawn");
        s.click("[data-testid=history-more]").await?;
        s.wait_for("[data-testid=history-item][data-request-id='req-901']", SECS(5)).await?;
        ensure!(s.find_all("[data-testid=history-item]").await?.len() == 100, "two pages");
        s.c.execute("document.querySelector('[data-request-id=req-901]').scrollIntoView()", vec![]).await?;
        s.fill("input[name=history_search]", "number 999").await?;
        s.wait_for("[data-testid=history-matching][data-found='1']", SECS(5)).await?;
        ensure!(s.find_all("[data-testid=history-item]").await?.len() == 1, "one match");
        s.assert_alive().await
    })
}
