//! Issue 22: did the model keep the rest? A result against its input.

use super::super::*;

/// A finished job's result is compared with its input (both served by the
/// fake, which allows reading them): the difference view shows the heat map
/// at the input's size and the share of pixels changed (two different
/// solid colours: all of them). The card says the square result is not the
/// shape of the 4:3 input, and its offer sets the next run to match. On a
/// phone's 360 px.
pub(crate) fn a_result_is_compared_with_its_input(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.c.set_window_size(360, 800).await?;
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 200, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "recolour it").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;

        s.wait_for("[data-testid=job] [data-testid=aspect-warning]", SECS(5)).await?;
        let text = s.text("[data-testid=job] [data-testid=aspect-warning]").await?;
        ensure!(text.contains("1024×1024") && text.contains("64×48"), "the sizes are said: {text}");
        ensure!(s.value("form#edit-form [name=image_size]").await? != "match_input", "not matched before the offer is taken");
        s.click("[data-testid=aspect-match]").await?;
        s.wait_for("form#edit-form select[name=image_size]", SECS(1)).await?;
        ensure!(s.value("form#edit-form [name=image_size]").await? == "match_input", "the next run matches the first image");

        s.click("[data-testid=job] [data-testid=compare-input]").await?;
        let fig = "[data-testid=diff-view] [data-testid=changed-outside]";
        s.wait_for(fig, SECS(5)).await?;
        // Read afresh (the lightbox may redraw around the view).
        let read = format!("const f = document.querySelector('{fig}'), h = document.querySelector('[data-testid=diff-view] img'); return [f.dataset.percent, f.textContent, h && h.getAttribute('width'), h && h.getAttribute('height')]");
        let v = s.c.execute(&read, vec![]).await?;
        let percent: f64 = v[0].as_str().context("a figure")?.parse()?;
        ensure!(percent == 100.0, "two solid colours differ at every pixel: {v}");
        ensure!((v[2].as_str(), v[3].as_str()) == (Some("64"), Some("48")), "the heat map is at the input's size: {v}");
        // The fake's file is 64×48 whatever its answer declares: no scaling.
        ensure!(v[1].as_str().is_some_and(|t| t.contains("100.0%") && !t.contains("scaled")), "{v}");
        s.screenshot("difference-against-the-input").await?;
        s.click("[data-testid=compare-diff]").await?;
        s.wait_for("[data-testid=lightbox] [data-testid=compare] img", SECS(2)).await?;
        s.click("[data-testid=close-lightbox]").await?;
        Ok(())
    })
}
