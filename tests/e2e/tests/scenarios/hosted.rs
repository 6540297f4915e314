//! Issue 10: a hosted copy — the same `dist/` under any path, under its
//! Content-Security-Policy (every scenario fails on a violation: e2e.rs).

use super::super::*;

/// `dist/` served only under `/qwen-studio/` (nothing at `/`), as a project
/// page: the page renders with no failed request, a Demo job completes, the
/// share link starts with the page's own address, and a reload works.
pub(crate) fn the_same_dist_works_under_a_path(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let index = std::fs::read_to_string(dist_dir().join("index.html"))?;
        let csp = index.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).and_then(|r| r.split('"').next()).context("a CSP in the built index.html")?;
        ensure!(csp.contains("'wasm-unsafe-eval'") && csp.contains("'sha256-") && csp.contains("object-src 'none'"), "the policy as built: {csp}");
        ensure!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "no unsafe-inline or unsafe-eval: {csp}");
        ensure!(std::fs::read_to_string(dist_dir().join("_headers"))?.contains("frame-ancestors 'none'"), "_headers for hosts that read one");
        let host = StaticServer::start_under(&dist_dir(), "/qwen-studio").await?;
        s.c.goto(&host.url).await?;
        s.wait_for("form#edit-form", SECS(15)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        ensure!(!s.exists("#boot").await?, "the loading line went once the app mounted");
        s.select("select[name=provider]", "demo").await?;
        s.fill("textarea[name=prompt]", "under a path").await?;
        let png = e2e::png::base64_encode(&e2e::png::png(2, 2, [10, 200, 10]));
        s.add_image(&format!("data:image/png;base64,{png}")).await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(15)).await?;
        s.click("details.tools > summary").await?;
        s.click("button[data-testid=share-link]").await?;
        let link = s.wait_for("input[data-testid=share-url]", SECS(2)).await?.prop("value").await?.context("a link")?;
        ensure!(link.starts_with(&format!("{}#", host.url)), "the link is built from the page's own address: {link}");
        s.c.refresh().await?;
        s.wait_for("form#edit-form", SECS(15)).await?;
        s.wait_for("[data-testid=history-item][data-status=completed]", SECS(5)).await?;
        let failed = host.failures.lock().map(|f| f.clone()).unwrap_or_default();
        ensure!(failed.is_empty(), "requests that failed: {failed:?}");
        s.assert_alive().await
    })
}
