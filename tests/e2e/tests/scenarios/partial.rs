//! Issue 9: servers that speak only part of the protocol, broken and
//! hostile answers, and the key while jobs are followed. Every job here is
//! submitted exactly once.

use super::super::*;
use super::durable::streams;
use e2e::fake::Partial;


fn results(f: &FakeServer) -> Vec<Recorded> {
    f.api_requests().into_iter().filter(|r| r.method == "GET" && !r.path.contains("/status")).collect()
}

/// A fresh page with an empty history and no key, for the next variant.
async fn fresh_page(s: &Session) -> Result<()> {
    s.c.execute("localStorage.clear(); sessionStorage.clear()", vec![]).await?;
    s.open().await
}

async fn one_job(s: &Session, fake: &FakeServer, stream: bool, prompt: &str) -> Result<()> {
    s.configure_with(&fake.url, "Bearer", "test-key", stream).await?;
    fill_minimal(s, &fake.url, prompt).await?;
    s.submit().await
}

/// A relay with no status stream (404): the job is polled to the end, and
/// the next job on that base does not try the stream again.
pub(crate) fn no_stream_endpoint_falls_back_to_polling(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 600, run_ms: 600, partial: Partial::NoStream(404), ..Config::default() }).await?;
        one_job(s, &fake, true, "no stream here").await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(s.exists("[data-testid=job] img[data-testid=result-image]").await?, "the images came");
        ensure!(streams(&fake).len() == 1, "one stream try: {}", streams(&fake).len());
        ensure!(!status_polls(&fake).is_empty(), "polled");
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(streams(&fake).len() == 1, "the second job did not try the stream: {}", streams(&fake).len());
        ensure!(posts(&fake).len() == 2, "one POST per job");
        Ok(())
    })
}

/// 405 and a 200 that is not an event stream mean "no stream" too.
pub(crate) fn stream_405_or_not_an_event_stream_polls(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        for code in [405, 200] {
            let fake = FakeServer::start(Config { queue_ms: 400, run_ms: 400, partial: Partial::NoStream(code), ..Config::default() }).await?;
            fresh_page(s).await?;
            one_job(s, &fake, true, "odd stream").await?;
            s.wait_job(0, "completed", SECS(10)).await.with_context(|| format!("stream answered {code}"))?;
            ensure!(posts(&fake).len() == 1 && streams(&fake).len() == 1, "{code}: one POST, one stream try");
        }
        Ok(())
    })
}

/// The seed's relay: returned URLs under a renamed model path that the
/// relay does not answer; the URLs built from the submitted model work,
/// and the next job goes there first.
pub(crate) fn seed_style_paths_fall_back_to_built_urls(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 500, run_ms: 500, partial: Partial::SeedPaths, ..Config::default() }).await?;
        one_job(s, &fake, false, "seed paths").await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let reqs = fake.api_requests();
        ensure!(reqs.iter().any(|r| r.path.contains("/qwen-edit-plus/") && r.status == 404), "the returned path was tried");
        ensure!(results(&fake).iter().any(|r| r.path.contains("/qwen-image-edit-plus/requests/") && r.status == 200), "the built result URL gave the images");
        let before = fake.api_requests().len();
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        let second: Vec<Recorded> = fake.api_requests()[before..].to_vec();
        ensure!(second.iter().all(|r| r.status != 404), "the second job went to the working form first: {:?}", second.iter().map(|r| (&r.path, r.status)).collect::<Vec<_>>());
        ensure!(posts(&fake).len() == 2, "one POST per job");
        Ok(())
    })
}

/// No status endpoint at all: the result URL is polled; 202 and a 400
/// "still in progress" mean "not yet".
pub(crate) fn no_status_endpoint_polls_the_result(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        for accepted in [true, false] {
            let fake = FakeServer::start(Config { queue_ms: 500, run_ms: 800, partial: Partial::NoStatus { accepted }, ..Config::default() }).await?;
            fresh_page(s).await?;
            one_job(s, &fake, false, "result only").await?;
            s.wait_job(0, "completed", SECS(10)).await.with_context(|| format!("result answered {}", if accepted { 202 } else { 400 }))?;
            let r = results(&fake);
            let not_yet = if accepted { 202 } else { 400 };
            ensure!(r.iter().filter(|x| x.status == not_yet).count() >= 1 && r.last().map(|x| x.status) == Some(200), "not yet, then the images: {:?}", r.iter().map(|x| x.status).collect::<Vec<_>>());
            ensure!(posts(&fake).len() == 1, "one POST");
            ensure!(!s.exists("[data-testid=job-error]").await?, "no error on the card");
        }
        Ok(())
    })
}

/// Invalid UTF-8 inside a stream event: the decoder goes on, the job is
/// followed on the same stream to the end.
pub(crate) fn invalid_utf8_in_the_stream_is_survived(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 500, run_ms: 1_000, partial: Partial::BadUtf8Stream, ..Config::default() }).await?;
        one_job(s, &fake, true, "bad bytes").await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(streams(&fake).len() == 1 && status_polls(&fake).is_empty(), "one stream, no polls");
        let lines = s.find_all("[data-testid=job-logs] li").await?.len();
        ensure!(lines == 5, "all five log lines: {lines}");
        s.assert_alive().await
    })
}

/// A stream that only ever sends comments, then closes: polling finishes
/// the job.
pub(crate) fn a_stream_of_comments_only_hands_over_to_polling(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 500, run_ms: 500, partial: Partial::CommentsOnlyStream(1_500), ..Config::default() }).await?;
        one_job(s, &fake, true, "only pings").await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(streams(&fake).len() == 1 && !status_polls(&fake).is_empty(), "the stream, then polls");
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

/// `Retry-After: 0` for 20 s: at least a second between tries, so at most
/// 25 status requests in those 20 s; then the job completes.
pub(crate) fn retry_after_zero_still_waits_a_second(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { status_429_until: Some((20_000, "0")), ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 500, run_ms: 500, faults, ..Config::default() }).await?;
        one_job(s, &fake, false, "slow down").await?;
        s.wait_job(0, "completed", SECS(35)).await?;
        let limited: Vec<Recorded> = status_polls(&fake).into_iter().filter(|r| r.status == 429).collect();
        ensure!(limited.len() <= 25, "{} status requests in 20 s", limited.len());
        ensure!(limited.len() >= 10, "it kept asking: {}", limited.len());
        for w in limited.windows(2) {
            ensure!(w[1].at_ms - w[0].at_ms >= 950, "{} ms between two tries", w[1].at_ms - w[0].at_ms);
        }
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

/// A redirect to another origin is not followed: that origin sees nothing
/// (so never the key), and the card says what happened.
pub(crate) fn a_redirect_is_not_followed_with_the_key(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let elsewhere = FakeServer::start(Config { key: None, ..Config::default() }).await?;
        let partial = Partial::RedirectTo(elsewhere.url.replace("127.0.0.1", "localhost"));
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, partial, ..Config::default() }).await?;
        one_job(s, &fake, false, "go elsewhere").await?;
        s.wait_job(0, "failed", SECS(15)).await?;
        let said = s.text("[data-testid=job-error]").await?;
        ensure!(said.contains("redirect") && said.contains("does not follow"), "explained: {said}");
        ensure!(elsewhere.requests().is_empty(), "the other origin got {:?}", elsewhere.requests());
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

/// A request id of `..` is refused; the card shows what the queue said.
pub(crate) fn an_unusable_request_id_is_shown_not_used(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { partial: Partial::RequestId("..".into()), ..Config::default() }).await?;
        one_job(s, &fake, false, "dot dot").await?;
        s.wait_job(0, "failed", SECS(5)).await?;
        let said = s.text("[data-testid=job-error]").await?;
        ensure!(said.contains("request_id") && said.contains(r#""request_id":"..""#), "the raw answer is shown: {said}");
        tokio::time::sleep(Duration::from_millis(800)).await;
        ensure!(fake.api_requests().len() == 1, "nothing but the POST: {:?}", fake.api_requests().iter().map(|r| &r.path).collect::<Vec<_>>());
        Ok(())
    })
}

/// A job left running by a closed tab, opened in a fresh tab whose key is
/// typed one character at a time: it is followed only with the whole key,
/// and completes.
pub(crate) fn a_stale_job_waits_for_the_whole_key(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 4_000, run_ms: 1_000, ..Config::default() }).await?;
        one_job(s, &fake, false, "left behind").await?;
        s.wait_job(0, "in_queue", SECS(5)).await?;
        // The tab goes away: its key and its id with it; the job was last
        // touched long ago (rewritten after the page's own last write).
        s.c.execute(
            "sessionStorage.clear(); addEventListener('pagehide', () => { \
               const h = JSON.parse(localStorage.getItem('qie.history')); \
               h.jobs.forEach(j => { j.updated_at = 0; j.owner = 'tab-gone'; }); \
               localStorage.setItem('qie.history', JSON.stringify(h)); });",
            vec![],
        )
        .await?;
        let before = fake.api_requests().len();
        s.open().await?;
        s.c.execute("document.querySelector('details.settings').open = true", vec![]).await?;
        let key = s.find("input[name=api_key]").await?;
        for ch in "test-key".chars() {
            key.send_keys(&ch.to_string()).await?;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(fake.api_requests().len() == before, "nothing sent while typing");
        key.send_keys("\u{E007}").await?;
        s.wait_for("[data-testid=history-item][data-status=completed]", SECS(10)).await?;
        let after: Vec<Recorded> = fake.api_requests()[before..].to_vec();
        ensure!(!after.is_empty() && after.iter().all(|r| r.authorization.as_deref() == Some("Bearer test-key")), "only the whole key was sent: {:?}", after.iter().map(|r| &r.authorization).collect::<Vec<_>>());
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

/// A zero-width space pasted with the key: said at the key field, nothing
/// sent, no card stuck; fixed, the job goes.
pub(crate) fn a_key_a_header_cannot_carry_is_refused_at_the_field(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        s.c.execute(
            "const k = document.querySelector('input[name=api_key]'); k.value = 'test-key\\u200B'; \
             k.dispatchEvent(new Event('input', {bubbles: true})); k.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await?;
        let said = s.wait_for("[data-field-error=api_key]", SECS(3)).await?.text().await?;
        ensure!(said.contains("header"), "said at the key field: {said}");
        fill_minimal(s, &fake.url, "invisible").await?;
        s.submit().await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        ensure!(posts(&fake).is_empty(), "nothing sent");
        ensure!(!s.exists("[data-testid=job]").await?, "no card");
        s.fill("input[name=api_key]", "test-key").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(posts(&fake).len() == 1, "one POST");
        s.assert_alive().await
    })
}

/// A 401 while a job is followed pauses it in its phase (not failed);
/// Resume, once the key is fixed, follows it to the end. One POST.
pub(crate) fn a_refused_key_pauses_the_job_until_resumed(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 1_500, run_ms: 500, ..Config::default() }).await?;
        one_job(s, &fake, false, "key revoked").await?;
        s.wait_job(0, "in_queue", SECS(5)).await?;
        fake.set_faults(Faults { status_401: 1, ..Faults::default() });
        let paused = s.wait_for("[data-testid=job] [data-testid=job-paused]", SECS(5)).await?;
        ensure!(paused.text().await?.contains("Resume"), "says to resume");
        let card = s.find("[data-testid=job]").await?;
        ensure!(card.attr("data-status").await?.as_deref() == Some("in_queue"), "keeps its phase");
        ensure!(!s.exists("[data-testid=job-error]").await?, "not an error of the job");
        let asked = fake.api_requests().len();
        tokio::time::sleep(SECS(2)).await;
        ensure!(fake.api_requests().len() == asked, "nothing sent while paused");
        s.scroll_top().await?;
        s.screenshot("paused").await?;
        // The same card on a phone, in Chinese and the dark theme.
        s.select("select[name=theme]", "dark").await?;
        s.select("select[name=language]", "zh-CN").await?;
        s.c.set_window_size(390, 844).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        s.c.execute("document.querySelector('[data-testid=job]').scrollIntoView()", vec![]).await?;
        s.screenshot("paused-phone-zh-dark").await?;
        s.click("[data-testid=job] button[data-testid=resume]").await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}
