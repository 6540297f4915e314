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

/// Where the image pixel `(x, y)` of the open editor's drawing surface is
/// in the viewport (whole CSS pixels, as WebDriver takes them).
async fn at_pixel(s: &Session, x: f64, y: f64) -> Result<(f64, f64)> {
    let v = s
        .c
        .execute(
            "const c = document.querySelector('[data-testid=region-canvas]'), r = c.getBoundingClientRect();
             return [r.left + arguments[0] * r.width / c.width, r.top + arguments[1] * r.height / c.height]",
            vec![json!(x), json!(y)],
        )
        .await?;
    Ok((v[0].as_f64().context("x")?.round(), v[1].as_f64().context("y")?.round()))
}

/// A finger dragged over the drawing surface from image pixel `a` to `b`.
pub(crate) async fn drag_on_image(s: &Session, a: (f64, f64), b: (f64, f64)) -> Result<()> {
    use fantoccini::actions::{InputSource, PointerAction, TouchActions, MOUSE_BUTTON_LEFT};
    let (from, to) = (at_pixel(s, a.0, a.1).await?, at_pixel(s, b.0, b.1).await?);
    let steps = [
        PointerAction::MoveTo { duration: None, x: from.0, y: from.1 },
        PointerAction::Down { button: MOUSE_BUTTON_LEFT },
        PointerAction::MoveTo { duration: Some(Duration::from_millis(150)), x: (from.0 + to.0) / 2.0, y: (from.1 + to.1) / 2.0 },
        PointerAction::MoveTo { duration: Some(Duration::from_millis(150)), x: to.0, y: to.1 },
        PointerAction::Up { button: MOUSE_BUTTON_LEFT },
    ];
    let mut t = TouchActions::new("finger".into());
    for st in steps {
        t = t.then(st);
    }
    s.c.perform_actions(t).await?;
    s.c.release_actions().await?;
    Ok(())
}

/// The one POST the fake took to `model` since `before` posts, as JSON.
fn posted(fake: &FakeServer, model: &str, before: usize) -> Result<serde_json::Value> {
    let all = posts(fake);
    let p = all.get(before).context("a submit")?;
    ensure!(p.path.trim_matches('/') == model && all.len() == before + 1, "one POST to {model}: {:?}", all.iter().map(|r| &r.path).collect::<Vec<_>>());
    Ok(serde_json::from_str(&p.body)?)
}

/// Marks and masks, on a phone with a finger, in Chinese: a box drawn on
/// the fake's 64×48 picture arrives burned into the PNG that is sent, at
/// its pixels and nowhere else; then the same picture as a mask goes to
/// the inpaint endpoint with `image_url`, `mask_url` and `strength`, its
/// white pixels the painted box (±1 px at the edges).
pub(crate) fn marks_and_masks_arrive_at_their_pixels(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.c.set_window_size(360, 780).await?;
        s.select("select[name=language]", "zh-CN").await?;
        let fake = FakeServer::start(Config { queue_ms: 100, run_ms: 100, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "把方框里的东西变成蓝色").await?;
        let (_, _, original) = e2e::png::decode(&e2e::fake::file_png("input-1.png")).context("the fake's picture")?;
        let px = |img: &[u8], x: usize, y: usize| -> [u8; 4] { img[(y * 64 + x) * 4..][..4].try_into().unwrap() };

        s.click("[data-testid=input-image] [data-testid=mark]").await?;
        let c = s.wait_for("[data-testid=region-canvas]", SECS(5)).await?;
        ensure!((c.attr("data-width").await?.as_deref(), c.attr("data-height").await?.as_deref()) == (Some("64"), Some("48")), "the surface is the picture's pixels");
        ensure!(s.text("[data-testid=region-editor] button[data-tool=rect]").await? == "方框", "the tools speak Chinese");
        s.click("[data-testid=region-editor] button[data-tool=rect]").await?;
        s.fill("[data-testid=region-editor] input[name=brush_size]", "4").await?;
        drag_on_image(s, (16.0, 12.0), (48.0, 36.0)).await?;
        s.screenshot("region-editor-marks-phone-zh").await?;
        s.click("[data-testid=region-done]").await?;
        s.wait_for("[data-testid=input-image] [data-testid=has-region][data-use=marks]", SECS(2)).await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let body = posted(&fake, "fal-ai/qwen-image-edit-plus", 0)?;
        let sent = body["image_urls"][0].as_str().context("an image")?;
        let (w, h, marked) = e2e::png::decode_data_uri(sent).with_context(|| format!("a PNG: {}", &sent[..sent.len().min(40)]))?;
        ensure!((w, h) == (64, 48), "sent at the picture's own size, not {w}×{h}");
        let colour = [0xff, 0x2d, 0x55, 0xff];
        // The outline is 4 px wide, 2 px each side of the box's edges (a
        // finger lands within a tenth of an image pixel here): the edges'
        // own pixels are covered whole.
        for (x, y) in [(32, 12), (32, 36), (16, 24), (48, 24)] {
            ensure!(px(&marked, x, y) == colour, "the outline at ({x}, {y}): {:?}", px(&marked, x, y));
        }
        let mut changed_far = Vec::new();
        for y in 0..48usize {
            for x in 0..64usize {
                let near = |v: usize, e: usize| v.abs_diff(e) <= 3;
                let on_box = ((near(x, 16) || near(x, 48)) && (9..=39).contains(&y)) || ((near(y, 12) || near(y, 36)) && (13..=51).contains(&x));
                if !on_box && px(&marked, x, y) != px(&original, x, y) {
                    changed_far.push((x, y));
                }
            }
        }
        ensure!(changed_far.is_empty(), "pixels away from the box are the picture's own: {changed_far:?}");

        // The same picture as a mask, for the inpaint model.
        s.click("[data-testid=input-image] [data-testid=mark]").await?;
        s.wait_for("[data-testid=region-canvas]", SECS(5)).await?;
        s.click("[data-testid=region-editor] [data-testid=clear-marks]").await?;
        s.select("[data-testid=region-editor] select[name=region_use]", "mask").await?;
        s.click("[data-testid=mask-switch]").await?;
        ensure!(s.value("form#edit-form select[name=model]").await? == "fal-ai/qwen-image-edit/inpaint", "switched to inpainting");
        s.click("[data-testid=region-editor] button[data-tool=rect]").await?;
        drag_on_image(s, (8.0, 8.0), (40.0, 32.0)).await?;
        s.screenshot("region-editor-mask-phone-zh").await?;
        s.click("[data-testid=region-done]").await?;
        s.wait_for("[data-testid=input-image] [data-testid=has-region][data-use=mask]", SECS(2)).await?;
        s.fill("form#edit-form input[name=strength]", "0.8").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let body = posted(&fake, "fal-ai/qwen-image-edit/inpaint", 1)?;
        ensure!(body["image_url"] == json!(format!("{}/files/input-1.png", fake.url)), "the picture goes as it is: {}", body["image_url"]);
        ensure!(body["strength"] == json!(0.8) && body.get("image_urls").is_none(), "{}", body["strength"]);
        let (w, h, mask) = e2e::png::decode_data_uri(body["mask_url"].as_str().context("a mask")?).context("a PNG mask")?;
        ensure!((w, h) == (64, 48), "the mask is the picture's size, not {w}×{h}");
        let mut wrong = Vec::new();
        for y in 0..48usize {
            for x in 0..64usize {
                let edge = x.abs_diff(8) <= 1 || x.abs_diff(40) <= 1 || y.abs_diff(8) <= 1 || y.abs_diff(32) <= 1;
                let want = if (8..40).contains(&x) && (8..32).contains(&y) { 255 } else { 0 };
                if !edge && px(&mask, x, y) != [want, want, want, 255] {
                    wrong.push((x, y, px(&mask, x, y)));
                }
            }
        }
        ensure!(wrong.is_empty(), "white is the painted box, black the rest: {:?}", &wrong[..wrong.len().min(8)]);
        Ok(())
    })
}

/// Keep the rest, on a phone with a finger, in Chinese: the fake's result
/// differs from the input at every pixel; the kept version beside it is the
/// input outside the box and its 8 px feather and the result deep inside.
/// Then a model that changes nothing (the fake answers with the input):
/// the difference against the input is 0 %. The kept version is copied
/// with the job's results: after a reload, with the fake's files gone
/// (neither the input nor the result can be read to make it again), the
/// job opened from the history shows its copy, the same bytes.
pub(crate) fn a_kept_result_keeps_the_rest_of_its_input(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.c.set_window_size(360, 780).await?;
        s.select("select[name=language]", "zh-CN").await?;
        let fake = FakeServer::start(Config { queue_ms: 100, run_ms: 100, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "只改方框里的东西").await?;
        let (_, _, original) = e2e::png::decode(&e2e::fake::file_png("input-1.png")).context("the fake's picture")?;
        let px = |img: &[u8], x: usize, y: usize| -> [u8; 4] { img[(y * 64 + x) * 4..][..4].try_into().unwrap() };

        s.click("[data-testid=input-image] [data-testid=mark]").await?;
        s.wait_for("[data-testid=region-canvas]", SECS(5)).await?;
        s.select("[data-testid=region-editor] select[name=region_use]", "keep").await?;
        s.click("[data-testid=region-editor] button[data-tool=rect]").await?;
        drag_on_image(s, (18.0, 12.0), (46.0, 38.0)).await?;
        s.click("[data-testid=region-done]").await?;
        s.wait_for("[data-testid=input-image] [data-testid=has-region][data-use=keep]", SECS(2)).await?;
        s.submit().await?;
        let id = s.wait_job(0, "completed", SECS(10)).await?.attr("data-request-id").await?.context("a request id")?;
        let body = posted(&fake, "fal-ai/qwen-image-edit-plus", 0)?;
        ensure!(body["image_urls"] == json!([format!("{}/files/input-1.png", fake.url)]), "the picture goes as it is: {body}");
        s.wait_for("[data-testid=job] [data-testid=kept-image]", SECS(5)).await?;
        s.c.execute("document.querySelector('[data-testid=job] [data-testid=kept-image]').scrollIntoView({block: 'center'})", vec![]).await?;
        s.screenshot("kept-result-phone-zh").await?;
        // The kept image is the page's own (an object URL): its bytes, read
        // in the page, as a data URI.
        let v = s
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const k = document.querySelector('[data-testid=job] [data-testid=kept-image]');
                 fetch(k.src).then(r => r.blob()).then(b => { const f = new FileReader(); f.onload = () => done([f.result, k.dataset.url, k.src]); f.readAsDataURL(b); });",
                vec![],
            )
            .await?;
        let (src, from) = (v[0].as_str().context("a kept image")?, v[1].as_str().context("its result")?);
        ensure!(v[2].as_str().is_some_and(|u| u.starts_with("blob:")), "made in the page: {}", v[2]);
        let name = from.rsplit('/').next().context("a file name")?;
        let (_, _, result) = e2e::png::decode(&e2e::fake::file_png(name)).context("the result")?;
        let (w, h, kept) = e2e::png::decode_data_uri(src).context("a PNG")?;
        ensure!((w, h) == (64, 48), "the input's size, not {w}×{h}");
        let (mut wrong, mut outside, mut inside) = (Vec::new(), 0, 0);
        for y in 0..48usize {
            for x in 0..64usize {
                // The box (±1 px where the finger landed) and its 8 px
                // feather: fully the result only 9 px inside every edge.
                let far = !(9..=55).contains(&x) || !(3..=47).contains(&y);
                let deep = (28..36).contains(&x) && (22..28).contains(&y);
                if far && px(&kept, x, y) != px(&original, x, y) {
                    wrong.push((x, y, "input"));
                }
                if deep && px(&kept, x, y) != px(&result, x, y) {
                    wrong.push((x, y, "result"));
                }
                outside += usize::from(far);
                inside += usize::from(deep);
            }
        }
        ensure!(wrong.is_empty() && outside > 700 && inside > 40, "kept: the input outside, the result inside: {:?}", &wrong[..wrong.len().min(8)]);
        ensure!(px(&result, 32, 24) != px(&original, 32, 24), "the fake's result differs from the input");

        // A model that changed nothing.
        fake.set_faults(Faults { echo_input: true, ..Faults::default() });
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        s.click("[data-testid=job] [data-testid=compare-input]").await?;
        let fig = "[data-testid=diff-view] [data-testid=changed-outside]";
        s.wait_for(fig, SECS(5)).await?;
        let percent = s.c.execute(&format!("return document.querySelector('{fig}').dataset.percent"), vec![]).await?;
        ensure!(percent.as_str().and_then(|p| p.parse::<f64>().ok()) == Some(0.0), "an unchanged result changed 0 %: {percent}");
        s.click("[data-testid=close-lightbox]").await?;

        // The first job's kept version is kept with its copies.
        let copied = "const done = arguments[0]; caches.open('qie-copies-v1').then(c => c.keys()).then(k => done(k.filter(r => r.url.endsWith('-kept')).length), () => done(0))";
        let deadline = std::time::Instant::now() + SECS(5);
        while s.c.execute_async(copied, vec![]).await?.as_u64() < Some(2) {
            ensure!(std::time::Instant::now() < deadline, "both jobs' kept versions copied");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        fake.set_faults(Faults { files_gone: true, ..Faults::default() });
        s.c.refresh().await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(10)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        let item = format!("[data-testid=history-item][data-request-id='{id}']");
        s.wait_for(&item, SECS(5)).await?;
        s.click(&format!("{item} button[data-testid=open]")).await?;
        let shown = s.wait_for("[data-testid=job] [data-testid=kept-image]", SECS(10)).await?;
        ensure!(shown.attr("data-url").await?.as_deref() == Some(from), "the first job's kept version");
        let again = s
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(document.querySelector('[data-testid=job] [data-testid=kept-image]').src).then(r => r.blob())
                   .then(b => { const f = new FileReader(); f.onload = () => done(f.result); f.readAsDataURL(b); });",
                vec![],
            )
            .await?;
        ensure!(again.as_str() == Some(src), "after a reload, without its files, the copy: the same PNG");
        Ok(())
    })
}

/// An image whose host does not let the page read its pixels (shown, but
/// no CORS): the editor says why it cannot be marked and what to do, and
/// nothing in the form changes.
pub(crate) fn an_image_the_page_may_not_read_cannot_be_marked(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config::default()).await?;
        fake.set_faults(Faults { files_closed: true, ..Faults::default() });
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "make it blue").await?;
        let before = s.c.execute("return document.querySelector('[data-testid=request-json]').textContent", vec![]).await?;
        s.click("[data-testid=input-image] [data-testid=mark]").await?;
        let refused = s.wait_for("[data-testid=region-refused]", SECS(5)).await?;
        let text = refused.text().await?;
        ensure!(text.contains("does not let the page read") && text.contains("add it as a file"), "says why and what to do: {text}");
        ensure!(!s.exists("[data-testid=region-canvas]").await? && s.exists("[data-testid=region-done][disabled]").await?, "nothing to draw on");
        s.click("[data-testid=region-cancel]").await?;
        s.wait_gone("[data-testid=region-editor]", SECS(1)).await?;
        let after = s.c.execute("return document.querySelector('[data-testid=request-json]').textContent", vec![]).await?;
        ensure!(before == after && !s.exists("[data-testid=has-region]").await?, "the form is as it was");
        ensure!(s.find_all("[data-testid=input-image]").await?.len() == 1, "the image stays");
        Ok(())
    })
}
