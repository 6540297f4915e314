//! Issue 11: the model family in one form, sizes that follow the input,
//! and the cost before paying.

use super::super::*;

/// A 2511 job sends WebP and high acceleration (2511 takes them; the fake
/// checks the body against 2511's schema) and nothing else it left at its
/// defaults, and is followed at 2511's own paths.
pub(crate) fn a_2511_job_sends_its_own_choices(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.select("select[name=model]", "fal-ai/qwen-image-edit-2511").await?;
        fill_minimal(s, &fake.url, "make it dusk").await?;
        s.select("select[name=output_format]", "webp").await?;
        s.open_advanced().await?;
        ensure!(s.value("input[name=num_inference_steps]").await? == "28", "2511's default steps");
        s.select("select[name=acceleration]", "high").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 1 && p[0].path == "/fal-ai/qwen-image-edit-2511", "one POST to 2511: {:?}", p.iter().map(|r| &r.path).collect::<Vec<_>>());
        let expected = json!({"prompt": "make it dusk", "image_urls": [format!("{}/files/input-1.png", fake.url)],
                              "output_format": "webp", "acceleration": "high"});
        ensure!(p[0].json() == expected, "body {} != {expected}", p[0].body);
        ensure!(status_polls(&fake).iter().all(|r| r.path.starts_with("/fal-ai/qwen-image-edit-2511/requests/")), "polled at 2511's paths");
        Ok(())
    })
}

/// A subpath model (2511 LoRA) is submitted at its whole path and
/// followed under its owner/name, as fal answers.
pub(crate) fn a_subpath_model_is_followed_under_its_owner_and_name(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 400, ..Config::default() }).await?;
        s.configure(&fake.url, "Key", "test-key").await?;
        s.select("select[name=model]", "fal-ai/qwen-image-edit-2511/lora").await?;
        fill_minimal(s, &fake.url, "subpath").await?;
        s.click("[data-testid=add-lora]").await?;
        s.fill("input[name=lora_path]", "owner/name").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 1 && p[0].path == "/fal-ai/qwen-image-edit-2511/lora", "POSTs {:?}", p.iter().map(|r| &r.path).collect::<Vec<_>>());
        ensure!(p[0].json()["loras"] == json!([{"path": "owner/name"}]), "loras {}", p[0].json()["loras"]);
        let gets: Vec<String> = fake.requests().into_iter().filter(|r| r.method == "GET" && !r.path.starts_with("/files/")).map(|r| r.path).collect();
        ensure!(!gets.is_empty() && gets.iter().all(|g| g.starts_with("/fal-ai/qwen-image-edit-2511/requests/")), "followed at {gets:?}");
        Ok(())
    })
}

/// A LoRA model sends its LoRAs (and no size: it follows the input);
/// switching back to plus drops them with a note.
pub(crate) fn a_lora_job_sends_its_loras(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.select("select[name=model]", "fal-ai/qwen-image-edit-plus-lora").await?;
        fill_minimal(s, &fake.url, "in the style").await?;
        s.click("[data-testid=add-lora]").await?;
        s.click("[data-testid=add-lora]").await?;
        s.fill("[data-testid=lora]:nth-child(1) input[name=lora_path]", "owner/style-lora").await?;
        s.fill("[data-testid=lora]:nth-child(1) input[name=lora_scale]", "0.8").await?;
        s.fill("[data-testid=lora]:nth-child(2) input[name=lora_path]", "https://hf.example/w/detail.safetensors").await?;
        s.c.execute("document.querySelector('form#edit-form').scrollIntoView()", vec![]).await?;
        let shown = s.c.execute("const e = document.querySelector('select[name=model]'); return [e.value, e.selectedIndex, e.options[e.selectedIndex].text]", vec![]).await?;
        ensure!(shown[0] == json!("fal-ai/qwen-image-edit-plus-lora"), "the select shows {shown}");
        s.screenshot("form-lora").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 1 && p[0].path == "/fal-ai/qwen-image-edit-plus-lora", "one POST to plus-lora: {:?}", p.iter().map(|r| &r.path).collect::<Vec<_>>());
        let loras = json!([{"path": "owner/style-lora", "scale": 0.8}, {"path": "https://hf.example/w/detail.safetensors"}]);
        ensure!(p[0].json()["loras"] == loras, "loras {}", p[0].json()["loras"]);
        ensure!(p[0].json().get("image_size").is_none(), "the size follows the input: none sent");
        s.select("select[name=model]", "fal-ai/qwen-image-edit-plus").await?;
        s.wait_for("[data-field-note=loras]", SECS(3)).await?;
        ensure!(!s.exists("[data-testid=lora]").await?, "plus takes no LoRAs");
        Ok(())
    })
}

/// "Match the first image": a URL image's size is read in an <img>, a
/// 1200×800 local file's from the file; the 3:2 size of about a megapixel
/// is shown, then sent.
pub(crate) fn match_the_first_image_sends_its_shape(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let dir = std::env::temp_dir().join(format!("qie-e2e-match-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("photo-1200x800.png");
        std::fs::write(&path, e2e::png::png(1200, 800, [200, 120, 40]))?;
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.fill("textarea[name=prompt]", "keep the shape").await?;
        s.select("select[name=image_size]", "match_input").await?;
        // The fake serves 64×48 images: 4:3.
        s.add_image(&format!("{}/files/four-three.png", fake.url)).await?;
        let preview = s.wait_for("[data-testid=size-preview][data-size]", SECS(5)).await?;
        ensure!(preview.attr("data-size").await?.as_deref() == Some("1184x880"), "URL image: {:?}", preview.text().await?);
        s.click("[data-testid=remove-image]").await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        s.wait_for("[data-testid=input-image][data-kind=file]", SECS(10)).await?;
        let preview = s.wait_for("[data-testid=size-preview][data-size='1248x832']", SECS(5)).await?;
        ensure!(preview.text().await?.contains("1248×832"), "shown: {}", preview.text().await?);
        s.c.set_window_size(360, 800).await?;
        s.c.execute("document.querySelector('[name=model]').scrollIntoView()", vec![]).await?;
        s.screenshot("form-match-phone").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let _ = std::fs::remove_dir_all(&dir);
        let body = posts(&fake).first().context("a POST")?.json();
        ensure!(body["image_size"] == json!({"width": 1248, "height": 832}), "image_size {}", body["image_size"]);
        Ok(())
    })
}

/// Two 1024×1024 images at the default price: $0.06 before the submit, and
/// the same in the history's spend once the job completed.
pub(crate) fn the_cost_is_shown_before_and_counted_after(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "two of them").await?;
        s.fill("input[name=num_images]", "2").await?;
        let cost = s.text("[data-testid=cost-estimate]").await?;
        ensure!(cost.contains("$0.06"), "estimate {cost:?}");
        s.select("select[name=theme]", "dark").await?;
        s.c.execute("document.querySelector('[name=prompt]').scrollIntoView()", vec![]).await?;
        s.screenshot("form-dark").await?;
        ensure!(!s.exists("[data-testid=history-cost]").await?, "nothing spent before the first job");
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let spend = s.wait_for("[data-testid=history-cost]", SECS(3)).await?.text().await?;
        ensure!(spend.matches("$0.06").count() == 2, "today and in all: {spend:?}");
        Ok(())
    })
}
