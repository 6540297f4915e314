//! Issue 5: phones, sharing, the gallery, accessibility and the demo.

use super::super::*;

/// At a phone's 360 px the page does not scroll sideways, with a finished
/// job and its results on it.
pub(crate) fn phone_width_has_no_horizontal_scroll(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.c.set_window_size(360, 800).await?;
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 400, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "A long prompt that should wrap nicely on a narrow phone screen without overflowing").await?;
        s.open_advanced().await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let (scroll, inner) = (
            s.c.execute("return document.documentElement.scrollWidth", vec![]).await?,
            s.c.execute("return window.innerWidth", vec![]).await?,
        );
        ensure!(scroll.as_u64() <= inner.as_u64(), "page is {scroll} px wide in a {inner} px window");
        s.c.execute("document.querySelector('.jobs-title').scrollIntoView()", vec![]).await?;
        s.screenshot("phone").await?;
        s.select("select[name=theme]", "dark").await?;
        let scroll = s.c.execute("return document.documentElement.scrollWidth", vec![]).await?;
        ensure!(scroll.as_u64() <= inner.as_u64(), "dark: page is {scroll} px wide");
        s.c.execute("document.querySelector('.jobs-title').scrollIntoView()", vec![]).await?;
        s.screenshot("phone-dark").await
    })
}

/// A share link opened in a fresh browser profile fills the form with the
/// same values and sends nothing.
pub(crate) fn a_share_link_fills_the_form_and_sends_nothing(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config::default()).await?;
        s.configure(&fake.url, "Bearer", "secret-key").await?;
        fill_minimal(s, &fake.url, "share me: 100% & more").await?;
        s.open_advanced().await?;
        s.fill("input[name=seed]", "1234").await?;
        s.select("select[name=image_size]", "landscape_16_9").await?;
        s.click("details.tools > summary").await?;
        s.click("button[data-testid=share-link]").await?;
        let link = s.wait_for("input[data-testid=share-url]", SECS(2)).await?.prop("value").await?.context("a link")?;
        ensure!(!link.contains("secret-key") && !link.contains("custom"), "the link carries settings: {link}");
        let driver = e2e::browser::Driver::start()?;
        let other = Session::new(&driver, &link, 1280, 900).await?;
        let outcome = async {
            let notice = other.wait_for("[data-testid=form-notice]", SECS(5)).await?.text().await?;
            ensure!(notice.contains("shared link"), "notice: {notice}");
            ensure!(other.value("textarea[name=prompt]").await? == "share me: 100% & more", "prompt");
            ensure!(other.value("input[name=seed]").await? == "1234", "seed");
            ensure!(other.value("select[name=image_size]").await? == "landscape_16_9", "size");
            let img = other.find("[data-testid=input-image]").await?.attr("data-url").await?;
            ensure!(img == Some(format!("{}/files/input-1.png", fake.url)), "image {img:?}");
            ensure!(other.value("input[name=api_key]").await?.is_empty(), "no key in a fresh profile");
            ensure!(other.find_all("[data-testid=job]").await?.is_empty(), "no job");
            tokio::time::sleep(SECS(1)).await;
            ensure!(fake.api_requests().is_empty(), "sent: {:?}", fake.api_requests());
            Ok(())
        }
        .await;
        other.close().await;
        outcome
    })
}

/// A result shown large: arrows between a job's images, before/after, and
/// Escape to close.
pub(crate) fn the_lightbox_shows_results_large(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "two of them").await?;
        s.fill("input[name=num_images]", "2").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        s.click("img[data-testid=result-image]").await?;
        let bar = s.wait_for("[data-testid=lightbox] .lightbox-bar span", SECS(2)).await?;
        ensure!(bar.text().await? == "1 / 2", "first image");
        s.find("body").await?.send_keys("\u{E014}").await?; // ArrowRight
        ensure!(s.text("[data-testid=lightbox] .lightbox-bar span").await? == "2 / 2", "arrow to the second");
        s.click("button[data-testid=toggle-compare]").await?;
        s.wait_for("[data-testid=compare]", SECS(2)).await?;
        s.screenshot("lightbox-compare").await?;
        s.find("body").await?.send_keys("\u{E00C}").await?; // Escape
        s.wait_gone("[data-testid=lightbox]", SECS(2)).await?;
        s.screenshot("after-lightbox").await
    })
}

/// axe-core finds no serious or critical problem on the main screen with a
/// job card and its results, in the light and the dark theme.
pub(crate) fn accessible_in_both_themes(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "accessible").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        s.open_advanced().await?;
        for theme in ["light", "dark"] {
            s.select("select[name=theme]", theme).await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
            let problems = s.axe().await?;
            ensure!(problems.is_empty(), "{theme} theme:\n  {}", problems.join("\n  "));
        }
        // The check can fail: an image without alt text is caught.
        s.c.execute("document.body.appendChild(document.createElement('img')).src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='", vec![]).await?;
        let caught = s.axe().await?;
        ensure!(caught.iter().any(|p| p.starts_with("image-alt")), "axe did not catch a missing alt: {caught:?}");
        Ok(())
    })
}

/// The demo provider runs a whole job in the browser: queued, logs,
/// completed, results derived from the input — and nothing on the network.
pub(crate) fn the_demo_needs_no_key_and_no_network(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.select("select[name=provider]", "demo").await?;
        s.fill("textarea[name=prompt]", "try me").await?;
        let png = e2e::png::png(40, 30, [200, 40, 40]);
        let b64 = e2e::png::base64_encode(&png);
        s.add_image(&format!("data:image/png;base64,{b64}")).await?;
        s.submit().await?;
        s.wait_job(0, "in_queue", SECS(3)).await?;
        s.wait_job(0, "in_progress", SECS(5)).await?;
        s.wait_job(0, "completed", SECS(8)).await?;
        ensure!(s.find_all("[data-testid=job-logs] li").await?.len() == 5, "demo logs");
        let src = s.find("img[data-testid=result-image]").await?.attr("src").await?.unwrap_or_default();
        ensure!(src.starts_with("data:image/png;base64,"), "a result made in the page");
        let foreign = s
            .c
            .execute("return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin) && !n.startsWith('data:'))", vec![])
            .await?;
        ensure!(foreign.as_array().is_some_and(|a| a.is_empty()), "requests beyond the page: {foreign}");
        Ok(())
    })
}
