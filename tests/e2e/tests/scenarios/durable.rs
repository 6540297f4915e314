//! Issue 4: reloads, offline, history and the status stream.

use super::super::*;

pub(crate) fn streams(f: &FakeServer) -> Vec<Recorded> {
    f.requests().into_iter().filter(|r| r.method == "GET" && r.path.ends_with("/status/stream")).collect()
}

/// A reload in the middle of a job: the same request id is followed to the
/// end, with one POST in all; the finished job is in the history after
/// another reload, and re-run sends the same body.
pub(crate) fn reload_resumes_and_history_reruns(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 1_500, run_ms: 1_500, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "survive a reload").await?;
        s.submit().await?;
        let card = s.wait_job(0, "in_queue", SECS(5)).await?;
        let id = card.attr("data-request-id").await?.context("request id")?;
        s.c.refresh().await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(10)).await?;
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
pub(crate) fn offline_pauses_and_online_resumes(s: &Session) -> Fut<'_> {
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
pub(crate) fn stream_follows_a_job_without_polling(s: &Session) -> Fut<'_> {
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
pub(crate) fn early_closed_stream_falls_back_to_polling(s: &Session) -> Fut<'_> {
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

/// A reload right after a job completed, with the page polled at once every
/// 200 ms (as a script or a person clicking would): the app mounts and shows
/// the history every time (issue 20: Firefox once stayed at "Loading…").
pub(crate) fn a_reload_polled_at_once_mounts(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "reload at once").await?;
        for round in 0..3 {
            if round == 0 {
                s.submit().await?;
            } else {
                // The same job again, from the history.
                s.click("[data-testid=history-item] button[data-testid=rerun]").await?;
            }
            s.wait_job(0, "completed", SECS(10)).await?;
            // The driver's reload (which waits for the load event), then a
            // reload from the page itself (nothing waits: the polls start
            // while the page is still loading).
            // Marks the page that goes: a poll must see the new one (under
            // load, the old page can still answer after 50 ms).
            s.c.execute("window.__going = true", vec![]).await?;
            if round == 1 {
                s.c.execute("setTimeout(() => location.reload(), 0)", vec![]).await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            } else {
                s.c.refresh().await?;
            }
            let t = Instant::now();
            loop {
                // A poll may land on the page that is going away: not an error.
                let mounted = s
                    .c
                    .execute("return !window.__going && !!document.querySelector('body > main form#edit-form') && document.querySelectorAll('[data-testid=history-item]').length", vec![])
                    .await
                    .unwrap_or(json!(false));
                if mounted.as_u64().is_some_and(|n| n as usize > round) {
                    break;
                }
                ensure!(t.elapsed() < SECS(15), "round {round}: not mounted 15 s after the reload ({mounted})");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        }
        ensure!(posts(&fake).len() == 3, "one POST per round");
        // Settings start folded once a key is stored.
        s.c.execute("document.querySelector('details.settings').open = true", vec![]).await?;
        s.assert_alive().await
    })
}
