//! The end-to-end suite: the release build of the app in headless Chromium
//! (WebDriver), against the fake queue server. Each scenario gets a fresh
//! browser profile and its own fake server, so scenarios are independent
//! and run two at a time.
//!
//! Needs a built app: `QIE_DIST` (default `<repo>/dist`). Run through
//! `scripts/test.sh`, which builds it first.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use e2e::browser::{Driver, Session, StaticServer};
use e2e::fake::{Config, FakeServer, Faults, Recorded};
use futures_util::stream::{self, StreamExt};
use serde_json::json;

type Fut<'a> = Pin<Box<dyn Future<Output = Result<()>> + 'a>>;
type Scenario = for<'a> fn(&'a Session) -> Fut<'a>;

const SECS: fn(u64) -> Duration = Duration::from_secs;

fn posts(f: &FakeServer) -> Vec<Recorded> {
    f.requests().into_iter().filter(|r| r.method == "POST").collect()
}

fn status_polls(f: &FakeServer) -> Vec<Recorded> {
    f.requests().into_iter().filter(|r| r.method == "GET" && r.path.ends_with("/status")).collect()
}

/// Fills the smallest valid form: a prompt and one image from `server`.
async fn fill_minimal(s: &Session, server: &str, prompt: &str) -> Result<()> {
    s.fill("textarea[name=prompt]", prompt).await?;
    s.add_image(&format!("{server}/files/input-1.png")).await
}

// ---------------------------------------------------------------- scenarios

/// Queue, logs, results; the exact body and header; the polls carry logs=1.
fn happy_path(s: &Session) -> Fut<'_> {
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
        s.screenshot("desktop").await?;
        s.select("select[name=theme]", "dark").await?;
        let theme = s.c.execute("return document.documentElement.dataset.theme", vec![]).await?;
        ensure!(theme == json!("dark"), "dark theme applied: {theme}");
        s.screenshot("desktop-dark").await?;
        s.assert_alive().await
    })
}

/// Once the last job ends, the app sends nothing at all.
fn quiet_after_the_last_job(s: &Session) -> Fut<'_> {
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
fn foreign_urls_never_get_the_key(s: &Session) -> Fut<'_> {
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
fn validation_blocks_the_submit(s: &Session) -> Fut<'_> {
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
fn unauthorized_key(s: &Session) -> Fut<'_> {
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

/// A 422 from the result lands next to the field it names.
fn validation_error_from_the_result(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, faults: Faults { result_422: true, ..Faults::default() }, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "odd size").await?;
        s.submit().await?;
        s.wait_job(0, "failed", SECS(8)).await?;
        let msg = s.wait_for("[data-field-error=image_size]", SECS(2)).await?.text().await?;
        ensure!(msg.contains("Unsupported image size"), "field message: {msg}");
        ensure!(s.text("[data-testid=job-error]").await?.contains("Unsupported image size"), "job error");
        Ok(())
    })
}

/// Cancel while queued: one PUT with the key, the card says cancelled, and
/// the polling stops.
fn cancel_a_queued_job(s: &Session) -> Fut<'_> {
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
fn rate_limit_waits_retry_after(s: &Session) -> Fut<'_> {
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
fn server_errors_are_retried_not_resubmitted(s: &Session) -> Fut<'_> {
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
fn malformed_json_is_survived(s: &Session) -> Fut<'_> {
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
fn key_scheme_and_two_jobs_at_once(s: &Session) -> Fut<'_> {
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
fn expired_request_is_lost(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { faults: Faults { forget_jobs: true, ..Faults::default() }, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "forgotten").await?;
        s.submit().await?;
        s.wait_job(0, "lost", SECS(5)).await?;
        tokio::time::sleep(SECS(1)).await;
        ensure!(status_polls(&fake).len() == 1, "polled once: {:?}", status_polls(&fake));
        ensure!(s.text("[data-testid=job-error]").await?.contains("no longer knows"), "explained");
        Ok(())
    })
}

/// Nothing listening: the browser could not reach the API, said plainly.
fn unreachable_api_is_explained(s: &Session) -> Fut<'_> {
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

/// At a phone's 360 px the page does not scroll sideways, with a finished
/// job and its results on it.
fn phone_width_has_no_horizontal_scroll(s: &Session) -> Fut<'_> {
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

/// A local PNG chosen with the file input goes out as a data URI, scaled to
/// the max side, after the URL image that was added first.
fn local_file_is_sent_as_a_scaled_data_uri(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let dir = std::env::temp_dir().join(format!("qie-e2e-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("local-3000x2000.png");
        std::fs::write(&path, e2e::png::png_with_alpha(3000, 2000))?;
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.fill("textarea[name=prompt]", "put the logo on the car").await?;
        let url = format!("{}/files/car.png", fake.url);
        s.add_image(&url).await?;
        s.find("input[name=image_file]").await?.send_keys(&path.to_string_lossy()).await?;
        let li = s.wait_for("[data-testid=input-image][data-kind=file]", SECS(10)).await?;
        ensure!(li.attr("data-size").await?.as_deref() == Some("2048x1365"), "shown size {:?}", li.attr("data-size").await?);
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let _ = std::fs::remove_dir_all(&dir);
        let post = posts(&fake).into_iter().next().context("a POST")?;
        let urls = post.json()["image_urls"].clone();
        ensure!(urls[0] == json!(url), "the URL image stays first: {}", urls[0]);
        let data = urls[1].as_str().context("a second image")?;
        let b64 = data.strip_prefix("data:image/png;base64,").context("a PNG data URI (the source has transparency)")?;
        let bytes = e2e::png::base64_decode(b64).context("valid base64")?;
        ensure!(e2e::png::png_size(&bytes) == Some((2048, 1365)), "decoded size {:?}", e2e::png::png_size(&bytes));
        Ok(())
    })
}

/// "Use as input" puts a result's URL into the next request.
fn a_result_can_be_used_as_input(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "first pass").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let result = s.find("img[data-testid=result-image]").await?.attr("src").await?.context("a result src")?;
        s.click("button[data-testid=use-as-input]").await?;
        s.click("[data-testid=input-image] [data-testid=remove-image]").await?;
        s.wait_for(&format!("[data-testid=input-image][data-url='{result}']"), SECS(2)).await?;
        s.fill("textarea[name=prompt]", "second pass").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 2, "two submits");
        ensure!(p[1].json()["image_urls"] == json!([result]), "second body {}", p[1].body);
        Ok(())
    })
}

fn streams(f: &FakeServer) -> Vec<Recorded> {
    f.requests().into_iter().filter(|r| r.method == "GET" && r.path.ends_with("/status/stream")).collect()
}

/// A reload in the middle of a job: the same request id is followed to the
/// end, with one POST in all; the finished job is in the history after
/// another reload, and re-run sends the same body.
fn reload_resumes_and_history_reruns(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 1_500, run_ms: 1_500, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "survive a reload").await?;
        s.submit().await?;
        let card = s.wait_job(0, "in_queue", SECS(5)).await?;
        let id = card.attr("data-request-id").await?.context("request id")?;
        s.c.refresh().await?;
        s.wait_for("form#edit-form", SECS(10)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        let card = s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(card.attr("data-request-id").await?.as_deref() == Some(id.as_str()), "the same request completed");
        ensure!(posts(&fake).len() == 1, "one POST in all, got {}", posts(&fake).len());
        s.c.refresh().await?;
        let item = s.wait_for(&format!("[data-testid=history-item][data-request-id='{id}']"), SECS(10)).await?;
        ensure!(item.attr("data-status").await?.as_deref() == Some("completed"), "history shows it completed");
        ensure!(!s.exists("[data-testid=job]").await?, "past jobs are in the history, not on cards");
        item.find(fantoccini::Locator::Css("button[data-testid=rerun]")).await?.click().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 2 && p[1].json() == p[0].json(), "re-run sent the same body: {:?}", p.iter().map(|r| &r.body).collect::<Vec<_>>());
        Ok(())
    })
}

/// Offline during a job: nothing is sent while offline; back online, the
/// job completes.
fn offline_pauses_and_online_resumes(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 1_000, run_ms: 1_000, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "through a tunnel").await?;
        s.submit().await?;
        s.wait_job(0, "in_queue", SECS(5)).await?;
        s.set_offline(true).await?;
        let online = s.c.execute("return navigator.onLine", vec![]).await?;
        ensure!(online == json!(false), "the page sees it is offline");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = fake.requests().len();
        tokio::time::sleep(SECS(3)).await;
        ensure!(fake.requests().len() == before, "{} requests while offline", fake.requests().len() - before);
        s.set_offline(false).await?;
        s.wait_job(0, "completed", SECS(5)).await?;
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

/// Stream mode: one stream request, no polls, logs appended as they come.
fn stream_follows_a_job_without_polling(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 800, run_ms: 1_200, ..Config::default() }).await?;
        s.configure_with(&fake.url, "Bearer", "test-key", true).await?;
        fill_minimal(s, &fake.url, "streamed").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(streams(&fake).len() == 1, "one stream request, got {}", streams(&fake).len());
        ensure!(status_polls(&fake).is_empty(), "no polls: {:?}", status_polls(&fake));
        let st = &streams(&fake)[0];
        ensure!(st.authorization.as_deref() == Some("Bearer test-key") && st.accept.as_deref() == Some("text/event-stream"), "stream headers {st:?}");
        let lines = s.find_all("[data-testid=job-logs] li").await?.len();
        ensure!(lines == 5, "all five log lines, each once: {lines}");
        Ok(())
    })
}

/// A stream that closes before the end: polling takes over.
fn early_closed_stream_falls_back_to_polling(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { stream_close_early: true, ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 800, run_ms: 800, faults, ..Config::default() }).await?;
        s.configure_with(&fake.url, "Bearer", "test-key", true).await?;
        fill_minimal(s, &fake.url, "half a stream").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(streams(&fake).len() == 1, "one stream request");
        ensure!(!status_polls(&fake).is_empty(), "polling took over");
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

/// A share link opened in a fresh browser profile fills the form with the
/// same values and sends nothing.
fn a_share_link_fills_the_form_and_sends_nothing(s: &Session) -> Fut<'_> {
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
fn the_lightbox_shows_results_large(s: &Session) -> Fut<'_> {
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
fn accessible_in_both_themes(s: &Session) -> Fut<'_> {
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
fn the_demo_needs_no_key_and_no_network(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        s.select("select[name=provider]", "demo").await?;
        s.fill("textarea[name=prompt]", "try me").await?;
        let png = e2e::png::png(40, 30, [200, 40, 40]);
        let b64 = {
            const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for c in png.chunks(3) {
                let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
                for i in 0..4 {
                    out.push(if i <= c.len() { T[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
                }
            }
            out
        };
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

const SCENARIOS: &[(&str, Scenario)] = &[
    ("the_demo_needs_no_key_and_no_network", the_demo_needs_no_key_and_no_network),
    ("accessible_in_both_themes", accessible_in_both_themes),
    ("the_lightbox_shows_results_large", the_lightbox_shows_results_large),
    ("a_share_link_fills_the_form_and_sends_nothing", a_share_link_fills_the_form_and_sends_nothing),
    ("reload_resumes_and_history_reruns", reload_resumes_and_history_reruns),
    ("offline_pauses_and_online_resumes", offline_pauses_and_online_resumes),
    ("stream_follows_a_job_without_polling", stream_follows_a_job_without_polling),
    ("early_closed_stream_falls_back_to_polling", early_closed_stream_falls_back_to_polling),
    ("local_file_is_sent_as_a_scaled_data_uri", local_file_is_sent_as_a_scaled_data_uri),
    ("a_result_can_be_used_as_input", a_result_can_be_used_as_input),
    ("phone_width_has_no_horizontal_scroll", phone_width_has_no_horizontal_scroll),
    ("happy_path", happy_path),
    ("quiet_after_the_last_job", quiet_after_the_last_job),
    ("foreign_urls_never_get_the_key", foreign_urls_never_get_the_key),
    ("validation_blocks_the_submit", validation_blocks_the_submit),
    ("unauthorized_key", unauthorized_key),
    ("validation_error_from_the_result", validation_error_from_the_result),
    ("cancel_a_queued_job", cancel_a_queued_job),
    ("rate_limit_waits_retry_after", rate_limit_waits_retry_after),
    ("server_errors_are_retried_not_resubmitted", server_errors_are_retried_not_resubmitted),
    ("malformed_json_is_survived", malformed_json_is_survived),
    ("key_scheme_and_two_jobs_at_once", key_scheme_and_two_jobs_at_once),
    ("expired_request_is_lost", expired_request_is_lost),
    ("unreachable_api_is_explained", unreachable_api_is_explained),
];

async fn run_one(driver: &Driver, app: &str, name: &str, f: Scenario) -> Result<()> {
    let s = Session::new(driver, app, 1280, 900).await?;
    let outcome = tokio::time::timeout(SECS(60), f(&s)).await;
    s.close().await;
    match outcome {
        Ok(r) => r.with_context(|| format!("scenario {name}")),
        Err(_) => bail!("scenario {name} timed out"),
    }
}

fn main() -> ExitCode {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let dist = std::env::var("QIE_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
        let app = match StaticServer::start(&dist).await {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let driver = match Driver::start() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let chosen: Vec<_> = SCENARIOS.iter().filter(|(n, _)| filter.is_empty() || filter.iter().any(|f| n.contains(f.as_str()))).collect();
        println!("\nrunning {} end-to-end scenarios", chosen.len());
        let started = Instant::now();
        let results: Vec<(String, Result<()>, Duration)> = stream::iter(chosen)
            .map(|(name, f)| {
                let (d, a) = (&driver, app.url.clone());
                async move {
                    let t = Instant::now();
                    let r = run_one(d, &a, name, *f).await;
                    let took = t.elapsed();
                    match &r {
                        Ok(()) => println!("test {name} ... ok ({:.1} s)", took.as_secs_f64()),
                        Err(e) => println!("test {name} ... FAILED ({:.1} s)\n    {e:#}", took.as_secs_f64()),
                    }
                    (name.to_string(), r, took)
                }
            })
            .buffer_unordered(2)
            .collect()
            .await;
        drop(driver);
        let failed: Vec<_> = results.iter().filter(|(_, r, _)| r.is_err()).map(|(n, _, _)| n.clone()).collect();
        let passed = results.len() - failed.len();
        if !failed.is_empty() {
            println!("\nfailures:");
            for n in &failed {
                println!("    {n}");
            }
        }
        let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
        println!(
            "\ntest result: {verdict}. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {:.2}s\n",
            failed.len(),
            started.elapsed().as_secs_f64()
        );
        println!("e2e: {passed} passed, {} failed", failed.len());
        if failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
