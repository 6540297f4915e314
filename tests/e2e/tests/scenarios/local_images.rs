//! Issue 3: local files and reused results.

use super::super::*;

/// A local PNG chosen with the file input goes out as a data URI, scaled to
/// the max side, after the URL image that was added first.
pub(crate) fn local_file_is_sent_as_a_scaled_data_uri(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let dir = std::env::temp_dir().join(format!("qie-e2e-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("local-3000x2000.png");
        std::fs::write(&path, e2e::png::png_with_alpha(3000, 2000))?;
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.fill("textarea[name=prompt]", "put the logo on the car").await?;
        let url = format!("{}/files/car.png", fake.url);
        s.add_image(&url).await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        let li = s.wait_for("[data-testid=input-image][data-kind=file]", SECS(10)).await?;
        ensure!(li.attr("data-size").await?.as_deref() == Some("2048x1365"), "shown size {:?}", li.attr("data-size").await?);
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let _ = std::fs::remove_dir_all(&dir);
        let post = posts(&fake).into_iter().next().context("a POST")?;
        let urls = post.json()["image_urls"].clone();
        ensure!(urls[0] == json!(url), "the URL image stays first: {}", urls[0]);
        let data = urls[1].as_str().context("a second image")?;
        let b64 = data.strip_prefix("data:image/png;base64,").context("a PNG data URI (the source has transparency)")?;
        let bytes = e2e::png::base64_decode(b64).context("valid base64")?;
        ensure!(e2e::png::png_size(&bytes) == Some((2048, 1365)), "decoded size {:?}", e2e::png::png_size(&bytes));
        Ok(())
    })
}

/// "Use as input" puts a result's URL into the next request.
pub(crate) fn a_result_can_be_used_as_input(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "first pass").await?;
        s.submit().await?;
        let first = s.wait_job(0, "completed", SECS(10)).await?.attr("data-request-id").await?.context("a request id")?;
        let result = s.find("img[data-testid=result-image]").await?.attr("src").await?.context("a result src")?;
        s.click("button[data-testid=use-as-input]").await?;
        s.click("[data-testid=input-image] [data-testid=remove-image]").await?;
        s.wait_for(&format!("[data-testid=input-image][data-url='{result}']"), SECS(2)).await?;
        s.fill("textarea[name=prompt]", "second pass").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 2, "two submits");
        ensure!(p[1].json()["image_urls"] == json!([result]), "second body {}", p[1].body);
        // The new job knows it was made from the first one's result (issue
        // 23): on its card and its history item, with a way back to it.
        let parent = format!("{first}:0");
        let card = s.find("[data-testid=job]").await?;
        ensure!(card.attr("data-parent").await?.as_deref() == Some(parent.as_str()), "the card's parent");
        let second = card.attr("data-request-id").await?.context("the second request id")?;
        let item = format!("[data-testid=history-item][data-request-id='{second}']");
        ensure!(s.find(&item).await?.attr("data-parent").await?.as_deref() == Some(parent.as_str()), "the history item's parent");
        ensure!(s.find(&format!("[data-testid=history-item][data-request-id='{first}']")).await?.attr("data-parent").await?.is_none(), "the first job was made from an address");
        // Its card put away, the first job comes back by the link.
        let first_card = format!("[data-testid=job][data-request-id='{first}']");
        s.click(&format!("{first_card} [data-testid=dismiss]")).await?;
        s.wait_gone(&first_card, SECS(2)).await?;
        s.click(&format!("{item} [data-testid=parent-link]")).await?;
        s.wait_for(&first_card, SECS(2)).await?;
        Ok(())
    })
}
