//! Issue 23: chains of edits and their replay.

use super::super::*;

/// Three edits, each on the previous result (Use as input): returns the
/// three request ids, oldest first.
async fn chain_of_three(s: &Session, fake: &FakeServer) -> Result<Vec<String>> {
    fill_minimal(s, &fake.url, "step one").await?;
    let mut ids = Vec::new();
    for (k, prompt) in ["step one", "step two", "step three"].into_iter().enumerate() {
        if k > 0 {
            s.click("[data-testid=job] button[data-testid=use-as-input]").await?;
            s.click("[data-testid=input-image] [data-testid=remove-image]").await?;
            s.fill("textarea[name=prompt]", prompt).await?;
        }
        s.submit().await?;
        let id = s.wait_job(0, "completed", SECS(10)).await?.attr("data-request-id").await?.context("a request id")?;
        ids.push(id);
    }
    Ok(ids)
}

/// Opens the chain of the job `request` from its history item and starts a
/// replay up to step `to` (a request id) on the picture at `picture`.
async fn replay(s: &Session, request: &str, to: &str, picture: &str) -> Result<()> {
    s.click(&format!("[data-testid=history-item][data-request-id='{request}'] [data-testid=open-chain]")).await?;
    s.wait_for("[data-testid=chain-view]", SECS(2)).await?;
    s.click(&format!("[data-testid=chain-step][data-request-id='{to}'] [data-testid=replay-chain]")).await?;
    s.fill("[data-testid=replay-form] input[name=image_url]", picture).await?;
    s.click("[data-testid=replay-start]").await
}

/// The results of a replay group's steps, in order.
async fn step_results(s: &Session) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for img in s.find_all("[data-testid=job-group][data-kind=replay] [data-testid=group-image]").await? {
        out.push(img.attr("data-url").await?.context("a result url")?);
    }
    Ok(out)
}

/// A chain of three edits shows as a tree; replayed on a new picture, the
/// three steps go one after another — each POST only once the step before
/// has its result, with that result as `image_urls[0]` and the step's own
/// prompt and seed.
pub(crate) fn a_chain_of_three_replays_on_a_new_picture(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        let ids = chain_of_three(s, &fake).await?;
        s.click(&format!("[data-testid=history-item][data-request-id='{}'] [data-testid=open-chain]", ids[1])).await?;
        let steps = s.find_all("[data-testid=chain-view] [data-testid=chain-step]").await?;
        let mut seen = Vec::new();
        for st in &steps {
            seen.push((st.attr("data-request-id").await?.unwrap_or_default(), st.attr("data-depth").await?.unwrap_or_default()));
        }
        let want: Vec<(String, String)> = ids.iter().enumerate().map(|(k, id)| (id.clone(), k.to_string())).collect();
        ensure!(seen == want, "the chain from its original: {seen:?}");
        s.screenshot("chain-view").await?;
        // On a phone, dark, in Chinese: the indented tree fits the width.
        phone_dark_zh(s, "[data-testid=chain-view]", "chain-view-phone-dark-zh").await?;
        ensure!(s.text("[data-testid=chain-view] h3").await? == "编辑链", "the chain's title in Chinese");
        s.select("select[name=language]", "en").await?;
        s.select("select[name=theme]", "light").await?;
        s.c.set_window_size(1280, 900).await?;
        s.click("[data-testid=close-chain]").await?;
        s.wait_gone("[data-testid=chain-view]", SECS(2)).await?;

        let picture = format!("{}/files/input-2.png", fake.url);
        replay(s, &ids[0], &ids[2], &picture).await?;
        let group = "[data-testid=job-group][data-kind=replay]";
        s.wait_for(&format!("{group}[data-done='3']"), SECS(20)).await?;
        s.screenshot("replay-done").await?;
        let p = posts(&fake);
        ensure!(p.len() == 6, "three edits and three replayed steps: {}", p.len());
        let results = step_results(s).await?;
        ensure!(results.len() == 3, "three results: {results:?}");
        let expected_inputs = [picture.clone(), results[0].clone(), results[1].clone()];
        for k in 0..3 {
            let (old, new) = (p[k].json(), p[3 + k].json());
            ensure!(new["image_urls"][0] == expected_inputs[k].as_str(), "step {k} input: {}", p[3 + k].body);
            ensure!(new["prompt"] == old["prompt"], "step {k} prompt: {}", p[3 + k].body);
        }
        // One after another: each POST after the step before was answered
        // with its result.
        let is_result = |r: &Recorded| r.method == "GET" && r.path.contains("/requests/") && !r.path.ends_with("/status") && !r.path.ends_with("/stream");
        let results_at: Vec<u64> = fake.requests().iter().filter(|r| is_result(r)).map(|r| r.at_ms).collect();
        ensure!(p[4].at_ms > p[3].at_ms && p[5].at_ms > p[4].at_ms, "in order");
        ensure!(results_at.iter().any(|t| *t > p[3].at_ms && *t < p[4].at_ms), "step 2 went after step 1's result was read");
        // The replayed steps are part of the chain: the last one's chain
        // runs from the new picture's first step.
        let last = s.find_all(&format!("{group} [data-testid=job]")).await?;
        ensure!(last.len() == 3, "three cards");
        Ok(())
    })
}

/// A step the fake fails stops the replay: nothing more is sent until
/// Retry, which sends that step again (the same body) and lets the replay
/// finish.
pub(crate) fn a_failed_step_stops_the_replay_until_retried(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        // Submits 1–3 make the chain; the replay's second step is the 5th.
        let faults = Faults { submit_500_nth: vec![5], ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 300, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        let ids = chain_of_three(s, &fake).await?;
        replay(s, &ids[2], &ids[2], &format!("{}/files/input-2.png", fake.url)).await?;
        let group = "[data-testid=job-group][data-kind=replay]";
        s.wait_for(&format!("{group} [data-testid=replay-stopped][data-step='2']"), SECS(10)).await?;
        s.find(&format!("{group} [data-testid=replay-skip]")).await?;
        s.screenshot("replay-stopped").await?;
        ensure!(posts(&fake).len() == 5, "the third step waits: {}", posts(&fake).len());
        tokio::time::sleep(SECS(1)).await;
        ensure!(posts(&fake).len() == 5, "and keeps waiting");
        s.click(&format!("{group} [data-testid=replay-retry]")).await?;
        s.wait_for(&format!("{group}[data-done='3']"), SECS(20)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 7, "the retried step and the last: {}", p.len());
        ensure!(p[5].body == p[4].body, "the same step again: {} vs {}", p[5].body, p[4].body);
        s.wait_gone(&format!("{group} [data-testid=replay-stopped]"), SECS(2)).await?;
        Ok(())
    })
}

/// A reload while a replay's second step runs: after it the replay goes on
/// from there — the running step is followed (not sent again), the third
/// is sent once with the second's result.
pub(crate) fn a_reload_in_the_middle_of_a_replay_repeats_nothing(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 1_500, run_ms: 500, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        let ids = chain_of_three(s, &fake).await?;
        replay(s, &ids[2], &ids[2], &format!("{}/files/input-2.png", fake.url)).await?;
        let deadline = std::time::Instant::now() + SECS(20);
        while posts(&fake).len() < 5 {
            ensure!(std::time::Instant::now() < deadline, "the second step was never sent");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        s.c.refresh().await?;
        let group = "[data-testid=job-group][data-kind=replay]";
        s.wait_for(&format!("{group}[data-done='3']"), SECS(30)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 6, "each step once: {}", p.len());
        let results = step_results(s).await?;
        ensure!(p[5].json()["image_urls"][0] == results[1].as_str(), "the third took the second's result: {}", p[5].body);
        Ok(())
    })
}
