//! Issue 21: the first screen comes with the HTML (drawn by the app itself
//! at build time), is usable before the wasm arrives, and hands over to
//! the app when it mounts.

use e2e::browser::APP_FORM;

use super::super::*;

/// The named form controls under `root`, in order, each as one line: its
/// name, element and type, its choices (value=text) and its label. The
/// same reading for the first screen (parsed from index.html) and for the
/// mounted app.
const CONTROLS: &str = r#"
const controls = root => Array.from(root.querySelectorAll('input[name], textarea[name], select[name]')).map(el => {
  const label = (el.id && root.querySelector('label[for="' + el.id + '"]')) || el.closest('label');
  const choices = el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value + '=' + o.textContent.trim()).join('|') : '';
  return [el.name, el.tagName.toLowerCase() + ':' + el.type, choices, label ? label.textContent.trim() : (el.getAttribute('aria-label') || '')].join(' ; ');
});
"#;

fn lines(v: serde_json::Value) -> Result<Vec<String>> {
    Ok(serde_json::from_value(v)?)
}

/// The first lines where two lists differ, for the failure message.
fn differ(a: &[String], b: &[String]) -> String {
    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    format!("{} vs {} controls; first difference at {at}:\n  shell: {:?}\n  app:   {:?}", a.len(), b.len(), a.get(at), b.get(at))
}

/// The shell in index.html and the mounted app have the same controls
/// (names, types, choices, labels) in the same order, in English and in
/// Chinese; a Chinese browser's first paint is the Chinese shell.
pub(crate) fn the_first_screen_and_the_app_agree_in_both_languages(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let index = std::fs::read_to_string(dist_dir().join("index.html"))?;
        let read = format!(
            "{CONTROLS} const doc = new DOMParser().parseFromString(arguments[0], 'text/html'); \
             const zh = doc.getElementById('shell-zh'); \
             return [controls(doc.getElementById('shell')), zh ? controls(zh.content) : [], controls(document.body)];"
        );
        let got = s.c.execute(&read, vec![json!(index)]).await?;
        let (shell_en, shell_zh, app_en) = (lines(got[0].clone())?, lines(got[1].clone())?, lines(got[2].clone())?);
        ensure!(shell_en.len() >= 20, "the English first screen holds the form: {shell_en:#?}");
        ensure!(shell_en.iter().any(|l| l.starts_with("prompt ; textarea:textarea")), "the prompt is in the first screen: {shell_en:#?}");
        ensure!(shell_en == app_en, "English: {}", differ(&shell_en, &app_en));
        // The app in Chinese (chosen) against the Chinese first screen.
        s.select("select[name=language]", "zh-CN").await?;
        s.wait_for("html[lang=zh-CN]", SECS(3)).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let app_zh = lines(s.c.execute(&format!("{CONTROLS} return controls(document.body);"), vec![]).await?)?;
        ensure!(shell_zh != shell_en && shell_zh.iter().any(|l| l.contains("提示词") || l.contains('：') || l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "the Chinese first screen is Chinese");
        ensure!(shell_zh == app_zh, "Chinese: {}", differ(&shell_zh, &app_zh));

        // A Chinese browser, with the wasm held back: the first paint is
        // the Chinese shell, under its Chinese title.
        let host = StaticServer::start(&dist_dir()).await?;
        host.hold_wasm(true);
        let driver = e2e::browser::Driver::start()?;
        let zh = Session::new_in(&driver, &s.app_url, 412, 915, "zh-CN").await?;
        let outcome = async {
            zh.c.goto(&host.url).await?;
            zh.wait_for("#shell textarea[name=prompt]", SECS(10)).await?;
            ensure!(zh.exists("#boot").await? && !zh.exists(APP_FORM).await?, "the app is not running yet");
            let page = zh.c.execute("return [document.documentElement.lang, document.querySelector('#shell [type=submit]').textContent, document.title]", vec![]).await?;
            ensure!(page[0] == "zh-CN" && page[1] == "生成", "a Chinese first screen: {page}");
            zh.screenshot("first-screen-zh").await?;
            ensure!(page[2].as_str().is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "its title: {page}");
            // The service worker (its precache) waits for the app.
            ensure!(host.count("/sw.js") == 0 && host.count("/") == 1, "only the page, no worker yet: {}", host.per_file());
            host.hold_wasm(false);
            zh.wait_for(APP_FORM, SECS(20)).await?;
            ensure!(zh.text("form#edit-form button[type=submit]").await? == "生成", "the app took over in Chinese");
            let deadline = Instant::now() + SECS(10);
            while host.count("/sw.js") == 0 {
                ensure!(Instant::now() < deadline, "no worker once the app ran: {}", host.per_file());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(())
        }
        .await;
        zh.close().await;
        outcome
    })
}

/// A stored dark theme is on the first paint, before the wasm.
pub(crate) fn a_stored_dark_theme_shows_at_once(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let host = StaticServer::start(&dist_dir()).await?;
        s.c.goto(&format!("{}icon.svg", host.url)).await?;
        let stored = json!({"v": 1, "settings": {"provider": "quickrouter", "api_base": "https://api.quickrouter.ai", "auth_scheme": "Bearer", "theme": "dark"}});
        s.c.execute("localStorage.setItem('qie.settings', arguments[0])", vec![json!(stored.to_string())]).await?;
        host.hold_wasm(true);
        s.c.goto(&host.url).await?;
        s.wait_for("#shell textarea[name=prompt]", SECS(10)).await?;
        ensure!(!s.exists(APP_FORM).await?, "the app is not running yet");
        let look = s.c.execute("return [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor]", vec![]).await?;
        ensure!(look[0] == "dark" && look[1] == "rgb(15, 17, 21)", "dark before the app: {look}");
        s.screenshot("first-screen-dark").await?;
        host.hold_wasm(false);
        s.wait_for(APP_FORM, SECS(20)).await?;
        ensure!(s.value("select[name=theme]").await? == "dark", "the app keeps the stored theme");
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        s.assert_alive().await
    })
}

/// What is typed and chosen in the first screen before the wasm arrives is
/// in the app after it takes over (the caret where it was), an image URL
/// added with Enter is added, and Generate, asked for twice before the
/// app was there (a click, then Ctrl+Enter), sends one job.
pub(crate) fn what_is_done_before_the_wasm_is_kept_and_acted_on_once(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, ..Config::default() }).await?;
        let host = StaticServer::start(&dist_dir()).await?;
        // The provider as a person left it; the first screen is a first
        // visit's all the same.
        s.c.goto(&format!("{}icon.svg", host.url)).await?;
        let stored = json!({"v": 1, "settings": {"provider": "custom", "api_base": fake.url, "auth_scheme": "Bearer"}});
        s.c.execute("localStorage.setItem('qie.settings', arguments[0])", vec![json!(stored.to_string())]).await?;
        host.hold_wasm(true);
        s.c.goto(&host.url).await?;
        let prompt = s.wait_for("#shell textarea[name=prompt]", SECS(10)).await?;
        ensure!(s.exists("#boot").await? && !s.exists(APP_FORM).await?, "the app is not running yet");
        s.find("#shell input[name=api_key]").await?.send_keys("test-key").await?;
        let image = format!("{}/files/input-1.png", fake.url);
        s.find("#shell input[name=image_url]").await?.send_keys(&format!("{image}\u{E007}")).await?;
        let size: String = serde_json::from_value(s.c.execute("return document.querySelector('#shell select[name=image_size]').options[2].value", vec![]).await?)?;
        s.select("#shell select[name=image_size]", &size).await?;
        s.click("#shell form#edit-form button[type=submit]").await?;
        ensure!(s.exists("#shell form#edit-form button[type=submit].queued").await?, "the held Generate shows");
        s.c.execute("document.querySelector('#shell #edit-form [type=submit]').scrollIntoView({block: 'center'})", vec![]).await?;
        s.screenshot("first-screen-generate-held").await?;
        prompt.click().await?;
        prompt.send_keys("make the sky orange\u{E012}\u{E012}\u{E012}").await?;
        prompt.send_keys("\u{E009}\u{E007}\u{E000}").await?;
        ensure!(posts(&fake).is_empty(), "nothing sent before the app runs");
        host.hold_wasm(false);
        s.wait_for(APP_FORM, SECS(20)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        ensure!(!s.exists("#shell").await?, "the first screen went");
        ensure!(s.value("textarea[name=prompt]").await? == "make the sky orange", "the prompt");
        let caret = s.c.execute("const a = document.activeElement; return [a.name, a.selectionStart, a.selectionEnd]", vec![]).await?;
        ensure!(caret == json!(["prompt", 16, 16]), "the caret stays where it was: {caret}");
        ensure!(s.value("input[name=api_key]").await? == "test-key", "the key");
        ensure!(s.value("select[name=image_size]").await? == size, "the chosen size");
        s.wait_job(0, "completed", SECS(15)).await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let sent = posts(&fake);
        ensure!(sent.len() == 1, "one job for two early Generates: {} posts", sent.len());
        ensure!(sent[0].authorization.as_deref() == Some("Bearer test-key"), "sent with the key typed early: {:?}", sent[0].authorization);
        let body: serde_json::Value = serde_json::from_str(&sent[0].body)?;
        ensure!(body["prompt"] == "make the sky orange" && body["image_urls"] == json!([image]) && body["image_size"] == size.as_str(), "the body: {body}");
        s.assert_alive().await
    })
}

/// With JavaScript off the first screen still shows the form, under a line
/// that says the app needs JavaScript (Chromium: scripts are switched off
/// by DevTools' emulation, which the other drivers do not have).
pub(crate) fn without_javascript_the_page_says_it_needs_it(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.cdp("Emulation.setScriptExecutionDisabled", json!({"value": true})).await?;
        s.c.goto(&s.app_url).await?;
        let line = s.wait_for("p.noscript[lang=en]", SECS(5)).await?;
        let said = line.text().await?;
        ensure!(line.is_displayed().await? && said.contains("needs JavaScript"), "the line: {said:?}");
        let prompt = s.find("#shell textarea[name=prompt]").await?;
        ensure!(prompt.is_displayed().await?, "the form is there beside it");
        ensure!(!s.exists(APP_FORM).await?, "and the app is not");
        s.cdp("Emulation.setScriptExecutionDisabled", json!({"value": false})).await?;
        s.open().await
    })
}
