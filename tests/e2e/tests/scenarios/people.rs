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
        // And a group of three beside it (issue 12).
        s.fill("input[name=variations]", "3").await?;
        s.submit().await?;
        s.wait_for("[data-testid=job-group][data-done=\"3\"]", SECS(15)).await?;
        let (scroll, inner) = (
            s.c.execute("return document.documentElement.scrollWidth", vec![]).await?,
            s.c.execute("return window.innerWidth", vec![]).await?,
        );
        s.scroll_top().await?;
        s.screenshot("phone-top").await?;
        // The innermost elements that stick out, to name the culprit.
        let wide = s.c.execute(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5)).slice(0, 4).map(e => e.tagName + '.' + e.className + '[' + (e.getAttribute('name') || e.dataset.testid || '') + '] ' + Math.round(e.getBoundingClientRect().right))",
            vec![],
        ).await?;
        ensure!(scroll.as_u64() <= inner.as_u64(), "page is {scroll} px wide in a {inner} px window: {wide}");
        s.c.execute("document.querySelector('.jobs-title').scrollIntoView()", vec![]).await?;
        s.screenshot("phone").await?;
        s.select("select[name=theme]", "dark").await?;
        let scroll = s.c.execute("return document.documentElement.scrollWidth", vec![]).await?;
        ensure!(scroll.as_u64() <= inner.as_u64(), "dark: page is {scroll} px wide");
        s.c.execute("document.querySelector('.jobs-title').scrollIntoView()", vec![]).await?;
        s.screenshot("phone-dark").await?;
        s.select("select[name=language]", "zh-CN").await?;
        let scroll = s.c.execute("return document.documentElement.scrollWidth", vec![]).await?;
        ensure!(scroll.as_u64() <= inner.as_u64(), "Chinese: page is {scroll} px wide");
        s.c.execute("document.querySelector('.jobs-title').scrollIntoView()", vec![]).await?;
        s.screenshot("phone-dark-zh").await?;
        // The history's search, filters and transfer buttons fit too (issue 13).
        ensure!(s.exists("input[name=history_search]").await? && s.exists("[data-testid=export-history]").await?, "history tools");
        s.c.execute("document.querySelector('.history-tools').scrollIntoView()", vec![]).await?;
        s.screenshot("phone-history-dark-zh").await?;
        s.c.execute("document.querySelector('details.settings').open = true; document.querySelector('[data-testid=storage-used]').scrollIntoView()", vec![]).await?;
        s.screenshot("phone-storage-dark-zh").await
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
        // Enough log lines that the logs box scrolls: it must be reachable
        // by keyboard and named (axe: scrollable-region-focusable).
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, log_lines: 60, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "accessible").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let overflow = s.c.execute("const b = document.querySelector('.log-scroll'); return b.scrollHeight > b.clientHeight", vec![]).await?;
        ensure!(overflow == json!(true), "the logs box scrolls");
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

/// Visible words of the page that are ASCII words outside an allow-list:
/// text nodes and the placeholder, aria-label, title and alt attributes,
/// leaving out what is data rather than the page's own words (prompts, logs,
/// code, request ids, image names) and what is marked as another language.
const ENGLISH_LEFT: &str = r#"
const data = 'code, pre, .job-prompt, .history-prompt, .thumb-url, [data-testid=job-logs], [lang]:not([lang^=zh])';
const allowed = new Set(['Qwen', 'QuickRouter', 'fal', 'ai', 'API', 'URL', 'URI', 'JSON', 'PNG', 'JPEG', 'SVG', 'HTTP', 'HD',
  'CORS', 'Ctrl', 'Enter', 'Esc', 'Authorization', 'Bearer', 'Key', 'curl', 'JavaScript', 'fetch', 'Python', 'http', 'client',
  'px', 'KB', 'MB', 'GB', 'ID', 'zip']);
const texts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!el || el.closest(data) || el.closest('script, style, noscript') || !el.getClientRects().length) continue;
  texts.push(n.textContent);
}
for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
  if (el.closest(data)) continue;
  for (const a of ['placeholder', 'aria-label', 'title', 'alt']) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
}
texts.push(document.title);
const words = new Set();
for (const t of texts) {
  const cleaned = t.replace(/fal-ai\/qwen-image-edit-plus/g, ' ')
    .replace(/[a-z]+:\/\/\S*/gi, ' ').replace(/data:image\/\S*/g, ' ').replace(/"[^"]*"/g, ' ');
  for (const w of cleaned.match(/[A-Za-z]{2,}/g) || []) if (!allowed.has(w)) words.add(w + '  ←  ' + t.trim().slice(0, 80));
}
return [...words];
"#;

/// A browser that prefers Chinese gets the page in Chinese at the first
/// visit, and a job from submit to results shows no English of the page's
/// own (the allow-list is names: API, JSON, PNG, curl…).
pub(crate) fn a_chinese_browser_gets_a_chinese_page(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let driver = e2e::browser::Driver::start()?;
        let zh = Session::new_in(&driver, &s.app_url, 1280, 900, "zh-CN").await?;
        let outcome = async {
            let fake = FakeServer::start(Config { queue_ms: 1_500, run_ms: 600, ..Config::default() }).await?;
            let lang = zh.c.execute("return [document.documentElement.lang, navigator.language]", vec![]).await?;
            ensure!(lang[0] == "zh-CN", "<html lang> at the first visit: {lang}");
            ensure!(zh.value("select[name=language]").await? == "zh-CN", "the language control");
            ensure!(zh.text("form#edit-form button[type=submit]").await? == "生成", "the submit button");
            // Problems are said in Chinese.
            zh.submit().await?;
            let err = zh.wait_for("[data-field-error=prompt]", SECS(2)).await?.text().await?;
            ensure!(err == "请描述你想要的修改", "prompt message: {err}");
            zh.configure(&fake.url, "Bearer", "test-key").await?;
            fill_minimal(&zh, &fake.url, "把天空换成日落").await?;
            zh.open_advanced().await?;
            zh.click("details.tools > summary").await?;
            zh.submit().await?;
            zh.wait_job(0, "in_queue", SECS(5)).await?;
            let queue = zh.wait_for("[data-testid=queue-position]", SECS(3)).await?.text().await?;
            ensure!(queue.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "queue text: {queue}");
            let left: Vec<String> = serde_json::from_value(zh.c.execute(ENGLISH_LEFT, vec![]).await?)?;
            ensure!(left.is_empty(), "English left on the Chinese page (queued):\n  {}", left.join("\n  "));
            zh.wait_job(0, "completed", SECS(10)).await?;
            zh.wait_for("img[data-testid=result-image]", SECS(3)).await?;
            let left: Vec<String> = serde_json::from_value(zh.c.execute(ENGLISH_LEFT, vec![]).await?)?;
            ensure!(left.is_empty(), "English left on the Chinese page (completed):\n  {}", left.join("\n  "));
            // The lightbox and its before/after view too.
            zh.click("img[data-testid=result-image]").await?;
            zh.wait_for("[data-testid=lightbox]", SECS(2)).await?;
            zh.click("button[data-testid=toggle-compare]").await?;
            zh.wait_for("[data-testid=compare]", SECS(2)).await?;
            let left: Vec<String> = serde_json::from_value(zh.c.execute(ENGLISH_LEFT, vec![]).await?)?;
            ensure!(left.is_empty(), "English left in the Chinese lightbox:\n  {}", left.join("\n  "));
            zh.find("body").await?.send_keys("\u{E00C}").await?; // Escape
            zh.wait_gone("[data-testid=lightbox]", SECS(2)).await?;
            // The check can fail: an English word on the page is caught.
            zh.c.execute("document.querySelector('h1').textContent += ' Settings'", vec![]).await?;
            let left: Vec<String> = serde_json::from_value(zh.c.execute(ENGLISH_LEFT, vec![]).await?)?;
            ensure!(left.iter().any(|w| w.starts_with("Settings")), "the scan missed a word: {left:?}");
            zh.c.execute("document.querySelector('h1').textContent = document.title", vec![]).await?;
            zh.scroll_top().await?;
            zh.screenshot("desktop-zh").await?;
            // Switching back to English is remembered over a reload.
            zh.select("select[name=language]", "en").await?;
            zh.open().await?;
            ensure!(zh.text("form#edit-form button[type=submit]").await? == "Generate", "English after the reload");
            let html_lang = zh.c.execute("return document.documentElement.lang", vec![]).await?;
            ensure!(html_lang == "en", "<html lang> after the switch: {html_lang}");
            Ok(())
        }
        .await;
        zh.close().await;
        outcome
    })
}
