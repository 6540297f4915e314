//! Issue 23: camera angles.

use super::super::*;

/// The camera angles model takes no prompt: with it chosen, the prompt box
/// is hidden (what was typed stays for the next model) and the camera's
/// fields show; a job sends the image, the angles and the zoom (the fake
/// checks them against the model's schema, which refuses a `prompt`) and
/// is followed at the model's own paths. Back on plus, the typed prompt is
/// there and sent.
pub(crate) fn a_camera_angles_job_sends_its_view_and_no_prompt(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "typed before the switch").await?;
        s.select("select[name=model]", "fal-ai/qwen-image-edit-2511-multiple-angles").await?;
        s.wait_for("[data-testid=camera] input[name=horizontal_angle]", SECS(2)).await?;
        ensure!(!s.find("textarea[name=prompt]").await?.is_displayed().await?, "no prompt box for a model that takes none");
        ensure!(s.value("input[name=zoom]").await? == "5", "the model's default distance");
        s.fill("input[name=horizontal_angle]", "90").await?;
        s.fill("input[name=vertical_angle]", "30").await?;
        s.fill("input[name=zoom]", "8").await?;
        s.screenshot("camera-fields").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let model = "fal-ai/qwen-image-edit-2511-multiple-angles";
        let p = posts(&fake);
        ensure!(p.len() == 1 && p[0].path == format!("/{model}"), "one POST to the angles model: {:?}", p.iter().map(|r| &r.path).collect::<Vec<_>>());
        let expected = json!({"image_urls": [format!("{}/files/input-1.png", fake.url)], "horizontal_angle": 90, "vertical_angle": 30, "zoom": 8});
        ensure!(p[0].json() == expected, "body {} != {expected}", p[0].body);
        ensure!(status_polls(&fake).iter().all(|r| r.path.starts_with(&format!("/{model}/requests/"))), "polled at its own paths");

        // On a phone, dark, in Chinese: the camera fits the width and says
        // the view in Chinese.
        phone_dark_zh(s, "[data-testid=camera]", "camera-phone-dark-zh").await?;
        let words = s.text("[data-testid=orbit-words]").await?;
        ensure!(words == "右侧，俯视，特写", "the view in Chinese: {words}");
        s.select("select[name=language]", "en").await?;

        s.select("select[name=model]", "fal-ai/qwen-image-edit-plus").await?;
        s.wait_gone("[data-testid=camera]", SECS(2)).await?;
        ensure!(s.value("textarea[name=prompt]").await? == "typed before the switch", "the typed prompt stayed");
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 2 && p[1].json()["prompt"] == "typed before the switch" && p[1].json().get("zoom").is_none(), "plus gets the prompt, no camera: {}", p[1].body);
        Ok(())
    })
}

/// A turntable of 8 views: 8 jobs with horizontal angles 0, 45 … 315 (0 is
/// the model's default, left out), the same height and distance; the
/// group's viewer shows the views in angle order, and the arrow keys turn
/// it through all 8 results and round again.
pub(crate) fn a_turntable_of_8_turns_through_its_views(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 100, run_ms: 200, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.select("select[name=model]", "fal-ai/qwen-image-edit-2511-multiple-angles").await?;
        s.add_image(&format!("{}/files/input-1.png", fake.url)).await?;
        s.fill("input[name=vertical_angle]", "30").await?;
        s.select("select[name=turntable_views]", "8").await?;
        s.submit().await?;
        s.wait_for("[data-testid=job-group][data-done=\"8\"]", SECS(30)).await?;
        let mut angles: Vec<u64> = posts(&fake).iter().map(|p| p.json().get("horizontal_angle").and_then(|a| a.as_u64()).unwrap_or(0)).collect();
        ensure!(posts(&fake).iter().all(|p| p.json()["vertical_angle"] == 30 && p.json().get("prompt").is_none()), "the same height, no prompt");
        angles.sort_unstable();
        ensure!(angles == [0, 45, 90, 135, 180, 225, 270, 315], "one job per view: {angles:?}");
        // Each angle's result, as the group's grid shows it.
        let cells = s
            .c
            .execute("return [...document.querySelectorAll('[data-testid=group-cell]')].map(c => [c.querySelector('[data-testid=group-label]').textContent, c.querySelector('[data-testid=group-image]').dataset.url])", vec![])
            .await?;
        let by_label: std::collections::HashMap<String, String> = serde_json::from_value::<Vec<(String, String)>>(cells)?.into_iter().collect();
        let viewer = s.wait_for("[data-testid=turntable-viewer]", SECS(2)).await?;
        s.screenshot("turntable").await?;
        for (k, want) in [0, 45, 90, 135, 180, 225, 270, 315, 0].iter().enumerate() {
            let angle = viewer.attr("data-angle").await?.unwrap_or_default();
            let src = s.c.execute("return document.querySelector('[data-testid=turntable-viewer] img').getAttribute('src')", vec![]).await?;
            ensure!(angle == want.to_string(), "view {k}: at {angle}°, not {want}°");
            ensure!(src.as_str() == by_label.get(&format!("{want}°")).map(String::as_str), "view {k}: the {want}° job's result: {src}");
            viewer.send_keys("\u{E014}").await?;
        }
        viewer.send_keys("\u{E012}").await?;
        ensure!(viewer.attr("data-angle").await?.as_deref() == Some("0"), "ArrowLeft turns back");
        Ok(())
    })
}
