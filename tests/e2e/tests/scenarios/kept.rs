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
            bail!("{css}: {got} of {n} copies shown after {timeout:?}");
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
        s.wait_for("form#edit-form", SECS(10)).await?;
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

        // Offline: the app opens from its service worker, the images from the copies.
        s.set_offline(true).await?;
        s.c.refresh().await?;
        s.wait_for("form#edit-form", SECS(10)).await?;
        s.wait_for(&item, SECS(5)).await?;
        s.c.execute(&format!("document.querySelector(\"{item} img\").scrollIntoView()"), vec![]).await?;
        wait_copies(s, &format!("{item} img"), 1, SECS(5)).await?;
        s.set_offline(false).await?;
        Ok(())
    })
}
