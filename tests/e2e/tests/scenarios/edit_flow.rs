//! Issue 2: the edit flow against the fake queue, faults included.

use super::super::*;

/// Queue, logs, results; the exact body and header; the polls carry logs=1.
pub(crate) fn happy_path(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config::default()).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.fill("textarea[name=prompt]", "Make the sky purple").await?;
        let (a, b) = (format!("{}/files/in-1.png", fake.url), format!("{}/files/in-2.png", fake.url));
        s.add_image(&a).await?;
        s.add_image(&b).await?;
        s.select("select[name=image_size]", "portrait_4_3").await?;
        s.fill("input[name=num_images]", "2").await?;
        s.open_advanced().await?;
        s.fill("input[name=num_inference_steps]", "30").await?;
        s.fill("input[name=seed]", "42").await?;
        s.submit().await?;

        let job = s.wait_job(0, "in_queue", SECS(5)).await?;
        let pos = s.wait_for("[data-testid=queue-position]", SECS(3)).await?;
        let p: u64 = pos.attr("data-position").await?.context("queue position shown")?.parse()?;
        ensure!(p <= 3, "queue position {p}");
        ensure!(job.attr("data-request-id").await?.is_some_and(|id| id.contains("-fake-")), "request id on the card");
        s.wait_job(0, "in_progress", SECS(5)).await?;
        let logs = s.wait_for("[data-testid=job-logs] li", SECS(5)).await?;
        ensure!(logs.text().await?.starts_with("Step "), "a log line is shown");
        s.wait_job(0, "completed", SECS(10)).await?;

        let imgs = s.find_all("img[data-testid=result-image]").await?;
        ensure!(imgs.len() == 2, "two result images, got {}", imgs.len());
        for img in &imgs {
            let src = img.attr("src").await?.unwrap_or_default();
            ensure!(src.starts_with(&format!("{}/files/", fake.url)), "result src {src}");
        }
        ensure!(s.text("[data-testid=result-seed]").await?.contains("42"), "the seed used is shown");

        let p = posts(&fake);
        ensure!(p.len() == 1, "exactly one POST, got {}", p.len());
        let post = &p[0];
        ensure!(post.path == "/fal-ai/qwen-image-edit-plus", "submit path {}", post.path);
        let expected = json!({"prompt": "Make the sky purple", "image_urls": [a, b], "image_size": "portrait_4_3",
                              "num_images": 2, "num_inference_steps": 30, "seed": 42});
        ensure!(post.json() == expected, "body {} != {}", post.body, expected);
        ensure!(post.authorization.as_deref() == Some("Bearer test-key"), "auth {:?}", post.authorization);
        ensure!(post.content_type.as_deref() == Some("application/json"), "content type {:?}", post.content_type);
        for r in fake.api_requests() {
            ensure!(r.authorization.as_deref() == Some("Bearer test-key"), "{} {} without the key", r.method, r.path);
            ensure!(r.accept.as_deref() == Some("application/json"), "{} {} accept {:?}", r.method, r.path, r.accept);
        }
        let polls = status_polls(&fake);
        ensure!(!polls.is_empty() && polls.iter().all(|r| r.query.as_deref() == Some("logs=1")), "polls ask for logs");
        ensure!(polls.iter().all(|r| r.status == 202 || r.status == 200), "polls answered 202/200");
        ensure!(fake.count("GET") == polls.len() + 1, "one result fetch");
        s.scroll_top().await?;
        s.screenshot("desktop").await?;
        s.select("select[name=theme]", "dark").await?;
        let theme = s.c.execute("return document.documentElement.dataset.theme", vec![]).await?;
        ensure!(theme == json!("dark"), "dark theme applied: {theme}");
        s.scroll_top().await?;
        s.screenshot("desktop-dark").await?;
        s.assert_alive().await
    })
}

/// Once the last job ends, the app sends nothing at all.
pub(crate) fn quiet_after_the_last_job(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 500, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "quiet please").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        tokio::time::sleep(Duration::from_millis(500)).await; // result images load
        let before = fake.requests().len();
        tokio::time::sleep(SECS(4)).await;
        let after = fake.requests();
        ensure!(after.len() == before, "requests after the end: {:?}", &after[before..].iter().map(|r| &r.path).collect::<Vec<_>>());
        Ok(())
    })
}

/// A relay that returns upstream URLs on another origin: the app moves them
/// onto the configured base, and the other origin never sees the key.
pub(crate) fn foreign_urls_never_get_the_key(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let foreign = FakeServer::start(Config::default()).await?;
        let fake = FakeServer::start(Config {
            relay_origin: Some(foreign.url.clone()),
            image_origin: Some(foreign.url.clone()),
            ..Config::default()
        })
        .await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "relay").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        s.wait_for("img[data-testid=result-image]", SECS(2)).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let seen = foreign.requests();
        ensure!(seen.iter().all(|r| r.authorization.is_none()), "the foreign origin got a key: {seen:?}");
        ensure!(seen.iter().all(|r| !r.is_api()), "the foreign origin got API calls: {:?}", seen.iter().map(|r| &r.path).collect::<Vec<_>>());
        ensure!(seen.iter().any(|r| r.path.starts_with("/files/")), "the result image came from the foreign origin");
        let polls = status_polls(&fake);
        ensure!(!polls.is_empty() && polls.iter().all(|r| r.path.starts_with("/fal-ai/qwen-edit-plus/requests/")), "polls use the returned path on the base");
        Ok(())
    })
}

/// Invalid input shows messages at their fields and sends nothing; fixing a
/// field clears its message.
pub(crate) fn validation_blocks_the_submit(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config::default()).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.fill("input[name=image_url]", "ftp://example/x.png").await?;
        s.find("input[name=image_url]").await?.send_keys("\u{E007}").await?;
        s.wait_for("[data-field-error=image_url]", SECS(2)).await?;
        ensure!(s.find_all("[data-testid=input-image]").await?.is_empty(), "a bad URL was added");
        s.open_advanced().await?;
        s.fill("input[name=num_inference_steps]", "500").await?;
        s.submit().await?;
        for f in ["prompt", "image_urls", "num_inference_steps"] {
            s.wait_for(&format!("[data-field-error={f}]"), SECS(2)).await?;
        }
        ensure!(s.text("[data-field-error=num_inference_steps]").await?.contains("2 to 100"), "range in the message");
        s.wait_for("[data-testid=form-error]", SECS(1)).await?;
        // Ctrl+Enter is refused the same way.
        s.find("textarea[name=prompt]").await?.send_keys("\u{E009}\u{E007}").await?;
        s.fill("textarea[name=prompt]", "now with a prompt").await?;
        s.wait_gone("[data-field-error=prompt]", SECS(2)).await?;
        ensure!(s.exists("[data-field-error=image_urls]").await?, "the other messages stay");
        ensure!(s.find_all("[data-testid=job]").await?.is_empty(), "no job card");
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(fake.requests().is_empty(), "requests were sent: {:?}", fake.requests());
        Ok(())
    })
}

/// A refused key: one POST, no polling, the message points at the key.
pub(crate) fn unauthorized_key(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { key: Some("right-key".into()), ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "wrong-key").await?;
        fill_minimal(s, &fake.url, "who am I").await?;
        s.submit().await?;
        s.wait_job(0, "failed", SECS(5)).await?;
        ensure!(s.text("[data-testid=job-error]").await?.contains("key was refused"), "job error names the key");
        ensure!(s.text("[data-field-error=api_key]").await?.contains("key was refused"), "key field message");
        s.wait_for("[data-testid=form-error]", SECS(1)).await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        ensure!(fake.count("POST") == 1 && fake.count("GET") == 0, "one POST, no polls: {:?}", fake.api_requests());
        Ok(())
    })
}

/// Submits from the form to a server whose result answers 422 at
/// `image_size`; returns the server and the message shown at that field.
async fn a_422_from_the_result(s: &Session) -> Result<(FakeServer, String)> {
    let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, faults: Faults { result_422: true, ..Faults::default() }, ..Config::default() }).await?;
    s.configure(&fake.url, "Bearer", "test-key").await?;
    fill_minimal(s, &fake.url, "odd size").await?;
    s.submit().await?;
    s.wait_job(0, "failed", SECS(8)).await?;
    let msg = s.wait_for("[data-field-error=image_size]", SECS(2)).await?.text().await?;
    Ok((fake, msg))
}

/// A 422 from the result lands next to the field it names.
pub(crate) fn validation_error_from_the_result(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let (_fake, msg) = a_422_from_the_result(s).await?;
        ensure!(msg.contains("Unsupported image size"), "field message: {msg}");
        ensure!(s.text("[data-testid=job-error]").await?.contains("Unsupported image size"), "job error");
        Ok(())
    })
}

/// A 422 shows on the form only for the job the form submitted: once the
/// form has sent a newer job, a History re-run of the old one failing again
/// leaves the form alone.
pub(crate) fn only_the_forms_own_job_speaks_on_the_form(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let (fake, _) = a_422_from_the_result(s).await?;
        // The form sends a newer job that goes well: the old message goes.
        fake.set_faults(Faults::default());
        s.fill("textarea[name=prompt]", "fine size").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(8)).await?;
        ensure!(!s.exists("[data-field-error=image_size]").await?, "the newer job's form has no old message");
        // The old job, re-run from the history, fails again: not on the form.
        fake.set_faults(Faults { result_422: true, ..Faults::default() });
        let old = s.find_all("[data-testid=history-item]").await?.pop().context("the first job in the history")?;
        old.find(fantoccini::Locator::Css("button[data-testid=rerun]")).await?.click().await?;
        s.wait_job(0, "failed", SECS(8)).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(!s.exists("[data-field-error=image_size]").await?, "a re-run's failure stays on its card");
        ensure!(posts(&fake).len() == 3, "three POSTs, one per job");
        Ok(())
    })
}

/// Cancel while queued: one PUT with the key, the card says cancelled, and
/// the polling stops.
pub(crate) fn cancel_a_queued_job(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 60_000, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "never mind").await?;
        s.submit().await?;
        s.wait_job(0, "in_queue", SECS(5)).await?;
        s.wait_for("button[data-testid=cancel]", SECS(2)).await?.click().await?;
        s.wait_job(0, "cancelled", SECS(8)).await?;
        let puts: Vec<_> = fake.api_requests().into_iter().filter(|r| r.method == "PUT").collect();
        ensure!(puts.len() == 1 && puts[0].path.ends_with("/cancel"), "one cancel PUT: {puts:?}");
        ensure!(puts[0].authorization.as_deref() == Some("Bearer test-key"), "cancel carries the key");
        ensure!(s.text("[data-testid=cancel-note]").await?.contains("cancelled"), "the card says so");
        ensure!(!s.exists("button[data-testid=cancel]").await?, "no cancel button once cancelled");
        let n = fake.requests().len();
        tokio::time::sleep(SECS(2)).await;
        ensure!(fake.requests().len() == n, "requests after the cancel");
        Ok(())
    })
}

/// A 429 with Retry-After: 2 is waited out, then the job completes.
pub(crate) fn rate_limit_waits_retry_after(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { status_429: Some((1, 2)), ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "slow down").await?;
        s.submit().await?;
        s.wait_for("[data-testid=job-retry]", SECS(5)).await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let polls = status_polls(&fake);
        let i = polls.iter().position(|r| r.status == 429).context("a 429 was answered")?;
        let gap = polls.get(i + 1).context("a poll after the 429")?.at_ms - polls[i].at_ms;
        ensure!(gap >= 1_950, "the next poll came {gap} ms after the 429 (Retry-After: 2)");
        ensure!(fake.count("POST") == 1, "one POST");
        Ok(())
    })
}

/// Two 503s are retried with growing backoff; the submit is not repeated.
pub(crate) fn server_errors_are_retried_not_resubmitted(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { status_503: 2, ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "flaky").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(12)).await?;
        let polls = status_polls(&fake);
        let codes: Vec<u16> = polls.iter().map(|r| r.status).collect();
        ensure!(codes.iter().filter(|c| **c == 503).count() == 2, "codes {codes:?}");
        ensure!(codes[..2] == [503, 503], "the first two polls failed: {codes:?}");
        let (g1, g2) = (polls[1].at_ms - polls[0].at_ms, polls[2].at_ms - polls[1].at_ms);
        ensure!((700..=1_400).contains(&g1), "first backoff {g1} ms (1 s ± 25 %)");
        ensure!((1_450..=2_600).contains(&g2), "second backoff {g2} ms (2 s ± 25 %)");
        ensure!(posts(&fake).len() == 1, "exactly one POST");
        Ok(())
    })
}

/// A status body that is not JSON is retried; the page survives.
pub(crate) fn malformed_json_is_survived(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { status_malformed: 1, ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "garbled").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(posts(&fake).len() == 1, "exactly one POST");
        s.assert_alive().await
    })
}

/// The `Key` scheme, and two jobs followed at once, each on its own card.
pub(crate) fn key_scheme_and_two_jobs_at_once(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { key: Some("id:secret".into()), queue_ms: 800, run_ms: 1_200, ..Config::default() }).await?;
        s.configure(&fake.url, "Key", "id:secret").await?;
        fill_minimal(s, &fake.url, "first").await?;
        s.submit().await?;
        s.fill("textarea[name=prompt]", "second").await?;
        // Ctrl+Enter submits too.
        s.find("textarea[name=prompt]").await?.send_keys("\u{E009}\u{E007}").await?;
        let deadline = Instant::now() + SECS(3);
        while s.find_all("[data-testid=job]").await?.len() < 2 {
            ensure!(Instant::now() < deadline, "the second job card did not appear");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        s.wait_job(0, "completed", SECS(10)).await?;
        s.wait_job(1, "completed", SECS(10)).await?;
        let mut ids = Vec::new();
        for j in s.find_all("[data-testid=job]").await? {
            ids.push(j.attr("data-request-id").await?.unwrap_or_default());
        }
        ensure!(ids.len() == 2 && ids[0] != ids[1] && !ids[0].is_empty(), "distinct request ids {ids:?}");
        let p = posts(&fake);
        let prompts: Vec<_> = p.iter().map(|r| r.json()["prompt"].clone()).collect();
        ensure!(prompts == [json!("first"), json!("second")], "two submits: {prompts:?}");
        for r in fake.api_requests() {
            ensure!(r.authorization.as_deref() == Some("Key id:secret"), "{} {} auth {:?}", r.method, r.path, r.authorization);
        }
        ensure!(s.find_all("img[data-testid=result-image]").await?.len() == 2, "each card has its image");
        Ok(())
    })
}

/// An expired request id: the job is marked lost after one poll.
pub(crate) fn expired_request_is_lost(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { faults: Faults { forget_jobs: true, ..Faults::default() }, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "forgotten").await?;
        s.submit().await?;
        s.wait_job(0, "lost", SECS(15)).await?;
        tokio::time::sleep(SECS(1)).await;
        // Status and result, each tried twice, 5 s apart; then no more.
        let polls = status_polls(&fake);
        ensure!(polls.len() == 2, "status asked twice: {polls:?}");
        ensure!(polls[1].at_ms - polls[0].at_ms >= 5_000, "the second try came {} ms later", polls[1].at_ms - polls[0].at_ms);
        ensure!(fake.api_requests().len() == 5, "POST + 2 × (status, result): {:?}", fake.api_requests().iter().map(|r| &r.path).collect::<Vec<_>>());
        ensure!(s.text("[data-testid=job-error]").await?.contains("no longer knows"), "explained");
        ensure!(s.find_all("[data-testid=tried-urls] li").await?.len() == 2, "the addresses tried are listed");
        s.scroll_top().await?;
        s.screenshot("lost").await?;
        Ok(())
    })
}

/// Nothing listening: the browser could not reach the API, said plainly.
pub(crate) fn unreachable_api_is_explained(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        s.configure(&format!("http://127.0.0.1:{port}"), "Bearer", "test-key").await?;
        s.fill("textarea[name=prompt]", "hello?").await?;
        // A data URI, so no thumbnail is fetched from outside.
        s.add_image("data:image/png;base64,iVBORw0KGgo=").await?;
        s.submit().await?;
        s.wait_job(0, "failed", SECS(5)).await?;
        let msg = s.text("[data-testid=job-error]").await?;
        ensure!(msg.contains("could not reach the API") && msg.contains("CORS"), "message: {msg}");
        s.assert_alive().await
    })
}
