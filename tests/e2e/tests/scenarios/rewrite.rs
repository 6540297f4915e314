//! Issue 24: a prompt rewrite you can see, edit and keep.

use super::super::*;
use super::regions::drag_on_image;

const VISION: &str = "openrouter/router/vision";

/// The POSTs the fake took, by path.
fn post_paths(fake: &FakeServer) -> Vec<String> {
    posts(fake).iter().map(|r| r.path.trim_matches('/').to_string()).collect()
}

/// Opens every fold of the settings panel (the rewrite's fields are in one).
async fn open_settings(s: &Session) -> Result<()> {
    s.c.execute("document.querySelectorAll('details.settings, details.settings details').forEach(d => d.open = true)", vec![]).await?;
    Ok(())
}

/// Improve sends one POST to the vision model — the prompt as typed, the
/// image with its marks burned in, our instruction, the chosen model — and
/// nothing to the edit model. The proposal shows as a difference; Keep
/// mine leaves the prompt; Use it (after an edit of the proposal) puts it
/// in the prompt, Generate sends it, and the job keeps both prompts, in
/// its card, its history item and when loaded back into the form (where
/// undo gives back what was typed).
pub(crate) fn improve_proposes_and_a_job_keeps_both_prompts(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let told = "In image 1, make the sky pink; keep the rest of image 1 unchanged";
        let faults = Faults { rewrite: Some(json!(told)), ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        open_settings(s).await?;
        s.fill("input[name=rewrite_model]", "qwen/qwen2.5-vl-72b-instruct").await?;
        let typed = "make the sky pink please";
        fill_minimal(s, &fake.url, typed).await?;
        // A mark on the picture: the rewrite sees it.
        s.click("[data-testid=input-image] [data-testid=mark]").await?;
        s.wait_for("[data-testid=region-canvas]", SECS(5)).await?;
        s.click("[data-testid=region-editor] button[data-tool=rect]").await?;
        drag_on_image(s, (16.0, 12.0), (48.0, 36.0)).await?;
        s.click("[data-testid=region-done]").await?;
        s.wait_for("[data-testid=input-image] [data-testid=has-region][data-use=marks]", SECS(2)).await?;

        s.click("[data-testid=improve-prompt]").await?;
        s.wait_for("[data-testid=rewrite-proposal]", SECS(10)).await?;
        ensure!(post_paths(&fake) == [VISION], "one POST, to the vision model: {:?}", post_paths(&fake));
        let body = posts(&fake)[0].json();
        ensure!(body["prompt"] == typed, "the prompt as typed: {}", body["prompt"]);
        ensure!(body["model"] == "qwen/qwen2.5-vl-72b-instruct", "the chosen model: {}", body["model"]);
        let system = body["system_prompt"].as_str().context("a system prompt")?;
        ensure!(system.contains("Qwen Image Edit") && system.contains("\"image 1\""), "our instruction: {system}");
        let sent = body["image_urls"][0].as_str().context("an image")?;
        let (w, h, marked) = e2e::png::decode_data_uri(sent).context("the marked picture, as a PNG")?;
        let (_, _, original) = e2e::png::decode(&e2e::fake::file_png("input-1.png")).context("the fake's picture")?;
        ensure!((w, h) == (64, 48) && marked != original, "the picture with its marks burned in");
        ensure!(body["image_urls"].as_array().map(Vec::len) == Some(1), "the form's one image");

        // The difference against what was typed.
        let added = s.text("[data-testid=rewrite-proposal] ins").await?;
        ensure!(added.contains("In image 1,"), "words added: {added:?}");
        let removed = s.text("[data-testid=rewrite-proposal] del").await?;
        ensure!(removed.contains("please"), "words removed: {removed:?}");
        ensure!(s.value("textarea[name=rewrite_text]").await? == told, "the proposal, editable");
        let cost = s.find("[data-testid=rewrite-cost]").await?.attr("data-usd").await?;
        ensure!(cost.as_deref() == Some("0.00042"), "the answer's cost: {cost:?}");
        s.screenshot("rewrite-proposal").await?;

        // Keep mine: the prompt as typed, the proposal gone.
        s.click("[data-testid=rewrite-keep]").await?;
        s.wait_gone("[data-testid=rewrite-proposal]", SECS(2)).await?;
        ensure!(s.value("textarea[name=prompt]").await? == typed, "Keep mine leaves the prompt");

        // Again; the proposal edited, then used.
        s.click("[data-testid=improve-prompt]").await?;
        s.wait_for("[data-testid=rewrite-proposal]", SECS(10)).await?;
        let took = format!("{told}, soft light");
        s.fill("textarea[name=rewrite_text]", &took).await?;
        s.click("[data-testid=rewrite-use]").await?;
        s.wait_gone("[data-testid=rewrite-proposal]", SECS(2)).await?;
        ensure!(s.value("textarea[name=prompt]").await? == took, "Use it puts the proposal in the prompt");
        ensure!(s.exists("[data-testid=rewrite-undo]").await?, "with undo");
        ensure!(post_paths(&fake) == [VISION, VISION], "Improve never submits an edit: {:?}", post_paths(&fake));
        let spent = s.find("[data-testid=history-cost]").await?.attr("data-usd").await?;
        ensure!(spent.as_deref() == Some("0.00084"), "both rewrites count with the day's spend: {spent:?}");

        s.submit().await?;
        let card = s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 3 && p[2].path.trim_matches('/') == "fal-ai/qwen-image-edit-plus", "then the edit: {:?}", post_paths(&fake));
        ensure!(p[2].json()["prompt"] == took.as_str(), "the edit is sent the rewrite: {}", p[2].json()["prompt"]);
        ensure!(card.attr("data-typed-prompt").await?.as_deref() == Some(typed), "the card keeps what was typed");
        let id = card.attr("data-request-id").await?.context("a request id")?;
        let item = format!("[data-testid=history-item][data-request-id='{id}']");
        ensure!(s.find(&item).await?.attr("data-typed-prompt").await?.as_deref() == Some(typed), "so does its history item");
        let shown = s.find(&format!("{item} .history-prompt")).await?.prop("textContent").await?;
        ensure!(shown.as_deref() == Some(took.as_str()), "which shows the prompt sent: {shown:?}");

        // Loaded back into the form: the prompt sent, and what was typed, with undo.
        s.fill("textarea[name=prompt]", "something else").await?;
        ensure!(!s.exists("[data-testid=rewrite-in-use]").await?, "a prompt typed over the rewrite is the person's own");
        s.click(&format!("{item} [data-testid=load-into-form]")).await?;
        ensure!(s.value("textarea[name=prompt]").await? == took, "the form gets the prompt sent");
        let in_use = s.wait_for("[data-testid=rewrite-in-use]", SECS(2)).await?;
        ensure!(in_use.attr("data-typed-prompt").await?.as_deref() == Some(typed), "and shows what was typed");
        s.screenshot("rewrite-in-use").await?;
        s.click("[data-testid=rewrite-undo]").await?;
        ensure!(s.value("textarea[name=prompt]").await? == typed, "undo gives back what was typed");
        s.wait_gone("[data-testid=rewrite-in-use]", SECS(2)).await?;
        ensure!(post_paths(&fake).len() == 3, "nothing more was sent: {:?}", post_paths(&fake));
        Ok(())
    })
}

/// A provider that does not offer the vision model (404 at submit): a
/// sentence under the prompt, the prompt as typed.
pub(crate) fn a_provider_without_the_rewrite_leaves_the_prompt(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { no_vision: Some(404), ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        let typed = "make the sky pink";
        fill_minimal(s, &fake.url, typed).await?;
        s.click("[data-testid=improve-prompt]").await?;
        let err = s.wait_for("[data-testid=rewrite-error]", SECS(10)).await?;
        let text = err.text().await?;
        ensure!(text.contains("does not offer prompt rewrites") && text.contains("404"), "said so: {text:?}");
        s.screenshot("rewrite-not-offered").await?;
        ensure!(s.value("textarea[name=prompt]").await? == typed, "the prompt is unchanged");
        ensure!(!s.exists("[data-testid=rewrite-proposal]").await?, "no proposal beside the error");
        ensure!(post_paths(&fake) == [VISION], "one POST, to the vision model: {:?}", post_paths(&fake));
        s.assert_alive().await
    })
}

/// A Chinese prompt's request asks for Chinese (the Chinese instruction),
/// and its proposal, compared by character, fits a phone in the dark.
pub(crate) fn a_chinese_prompt_is_rewritten_in_chinese(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        let typed = "天空变成粉色";
        fill_minimal(s, &fake.url, typed).await?;
        s.click("[data-testid=improve-prompt]").await?;
        s.wait_for("[data-testid=rewrite-proposal]", SECS(10)).await?;
        let body = posts(&fake)[0].json();
        let system = body["system_prompt"].as_str().context("a system prompt")?;
        ensure!(system.contains("中文指令用中文回答"), "the Chinese instruction: {system}");
        ensure!(body["model"] == "google/gemini-2.5-flash", "the default model: {}", body["model"]);
        let added = s.text("[data-testid=rewrite-proposal] ins").await?;
        ensure!(added.starts_with("把图1中") || added.contains("保持图1"), "added, by character: {added:?}");
        phone_dark_zh(s, "[data-testid=rewrite-proposal]", "rewrite-proposal-phone-dark-zh").await?;
        ensure!(s.text("[data-testid=rewrite-use]").await? == "采用", "the buttons speak Chinese");
        Ok(())
    })
}

/// The rewrite is a queue job like any other: a 429 on its submit is
/// waited out (`Retry-After`) and sent once more, and on a relay without
/// a status endpoint its result is polled until it is there.
pub(crate) fn a_rewrite_waits_out_a_429_on_a_partial_relay(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { op_429: Some(("submit", 1)), ..Faults::default() };
        let cfg = Config { queue_ms: 300, run_ms: 600, faults, partial: e2e::fake::Partial::NoStatus { accepted: true }, ..Config::default() };
        let fake = FakeServer::start(cfg).await?;
        s.configure_with(&fake.url, "Bearer", "test-key", false).await?;
        fill_minimal(s, &fake.url, "make the sky pink").await?;
        s.click("[data-testid=improve-prompt]").await?;
        s.wait_for("[data-testid=rewrite-running]", SECS(2)).await?;
        s.wait_for("[data-testid=rewrite-proposal]", SECS(15)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 2 && p.iter().all(|r| r.path.trim_matches('/') == VISION), "a 429, then the same submit once more: {:?}", post_paths(&fake));
        ensure!(p[1].at_ms >= p[0].at_ms + 1_000, "sent again after its Retry-After ({} ms)", p[1].at_ms - p[0].at_ms);
        ensure!(p[0].body == p[1].body, "the same body");
        let results = fake.requests().into_iter().filter(|r| r.method == "GET" && r.path.starts_with("/openrouter/router/requests/")).count();
        ensure!(results >= 1, "its result polled where the relay has no status");
        ensure!(s.value("textarea[name=rewrite_text]").await?.starts_with("In image 1, make the sky pink"), "the proposal");
        Ok(())
    })
}
