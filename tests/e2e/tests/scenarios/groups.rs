//! Issue 12: many jobs from one submit (variations, one per image), sent
//! politely, and the group's intents.

use super::super::*;

/// Sets the "submits sent at once" setting (committed when the field is left).
async fn max_in_flight(s: &Session, n: u32) -> Result<()> {
    s.c.execute("document.querySelector('details.settings').open = true", vec![]).await?;
    s.fill("input[name=max_in_flight]", &n.to_string()).await?;
    s.find("input[name=max_in_flight]").await?.send_keys("\u{E004}").await?;
    Ok(())
}

/// Waits until the group says `attr` = `value`.
async fn wait_group(s: &Session, attr: &str, value: usize, timeout: Duration) -> Result<()> {
    s.wait_for(&format!("[data-testid=job-group][data-{attr}=\"{value}\"]"), timeout).await.map(|_| ())
}

fn seeds(posts: &[Recorded]) -> Vec<u64> {
    posts.iter().filter_map(|p| p.json()["seed"].as_u64()).collect()
}

/// 8 variations with at most 2 submits at once: 8 POSTs, never more than 2
/// waiting for their answer, each with its own seed; all complete and the
/// grid labels each with its seed.
pub(crate) fn eight_variations_go_two_at_a_time(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, submit_delay_ms: 400, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        max_in_flight(s, 2).await?;
        fill_minimal(s, &fake.url, "eight ways").await?;
        s.fill("input[name=variations]", "8").await?;
        let button = s.text("form#edit-form button[type=submit]").await?;
        ensure!(button.contains('8'), "the button says how many jobs: {button:?}");
        s.submit().await?;
        s.wait_for("[data-testid=job-group][data-total=\"8\"]", SECS(3)).await?;
        ensure!(s.exists("[data-testid=group-cell][data-status=waiting]").await?, "the rest wait in the page");
        wait_group(s, "done", 8, SECS(30)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 8, "8 POSTs, got {}", p.len());
        ensure!(fake.most_open_submits() == 2, "at most 2 submits at once, and 2 did go together: {}", fake.most_open_submits());
        let mut sd = seeds(&p);
        sd.sort_unstable();
        sd.dedup();
        ensure!(sd.len() == 8, "8 different seeds: {sd:?}");
        let labels = s.find_all("[data-testid=group-label]").await?;
        ensure!(labels.len() == 8, "8 labels");
        let first = labels[0].text().await?;
        ensure!(sd.iter().any(|x| first.contains(&x.to_string())), "a label names its seed: {first:?}");
        ensure!(s.find_all("[data-testid=group-image]").await?.len() == 8, "a grid of 8 results");
        s.screenshot("group-of-8").await?;
        // Two results of two jobs, compared side by side.
        s.click("[data-testid=group-cell]:nth-child(1) [data-testid=pick-compare]").await?;
        s.click("[data-testid=group-cell]:nth-child(4) [data-testid=pick-compare]").await?;
        s.click("[data-testid=open-compare]").await?;
        s.wait_for("[data-testid=compare]", SECS(2)).await?;
        s.click("[data-testid=compare-side]").await?;
        ensure!(s.find_all("[data-testid=compare-side-by-side] img").await?.len() == 2, "two images side by side");
        s.screenshot("compare-side-by-side").await?;
        Ok(())
    })
}

/// A 429 on the third submit: the group waits (Retry-After: 1) and sends
/// that same body again: exactly 9 POSTs, seeds 42–49 each accepted once.
pub(crate) fn a_429_on_a_submit_is_waited_out_and_resent_once(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { submit_429_nth: Some((3, 1)), ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, submit_delay_ms: 100, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        max_in_flight(s, 2).await?;
        fill_minimal(s, &fake.url, "patience").await?;
        s.open_advanced().await?;
        s.fill("input[name=seed]", "42").await?;
        s.fill("input[name=variations]", "8").await?;
        s.submit().await?;
        wait_group(s, "done", 8, SECS(30)).await?;
        let p = posts(&fake);
        ensure!(p.len() == 9, "exactly 9 POSTs, got {}", p.len());
        let refused: Vec<&Recorded> = p.iter().filter(|r| r.status == 429).collect();
        ensure!(refused.len() == 1, "one 429");
        let again: Vec<&Recorded> = p.iter().filter(|r| r.status == 200 && r.body == refused[0].body).collect();
        ensure!(again.len() == 1, "the refused body was sent once more");
        ensure!(again[0].at_ms >= refused[0].at_ms + 1_000, "after Retry-After: {} → {}", refused[0].at_ms, again[0].at_ms);
        // Nothing new went while the base was held.
        ensure!(p.iter().filter(|r| r.at_ms > refused[0].at_ms && r.at_ms < refused[0].at_ms + 900).count() <= 1, "no submit during the hold: {:?}", p.iter().map(|r| r.at_ms).collect::<Vec<_>>());
        let mut accepted = seeds(&p.iter().filter(|r| r.status == 200).cloned().collect::<Vec<_>>());
        accepted.sort_unstable();
        ensure!(accepted == (42..50).collect::<Vec<u64>>(), "seeds 42–49 once each: {accepted:?}");
        Ok(())
    })
}

/// Each image separately: 3 images make 3 jobs of one image each, in order.
pub(crate) fn each_image_separately_sends_one_image_per_job(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 200, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        max_in_flight(s, 1).await?;
        s.fill("textarea[name=prompt]", "one by one").await?;
        let urls: Vec<String> = (1..=3).map(|n| format!("{}/files/input-{n}.png", fake.url)).collect();
        for u in &urls {
            s.add_image(u).await?;
        }
        // Ticked once the form shows it: the box is drawn anew as images
        // come, and a click on the old one is lost (seen in WebKit).
        let deadline = Instant::now() + SECS(5);
        while s.find("input[name=each_image_separately]").await?.prop("checked").await?.as_deref() != Some("true") {
            ensure!(Instant::now() < deadline, "the box would not tick");
            s.click("input[name=each_image_separately]").await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        s.submit().await?;
        wait_group(s, "done", 3, SECS(20)).await?;
        let p = posts(&fake);
        let sent: Vec<serde_json::Value> = p.iter().map(|r| r.json()["image_urls"].clone()).collect();
        let want: Vec<serde_json::Value> = urls.iter().map(|u| json!([u])).collect();
        ensure!(sent == want, "one image each, in order: {sent:?}");
        let labels = s.find_all("[data-testid=group-label]").await?;
        ensure!(labels.len() == 3 && labels[1].text().await?.contains('2'), "labelled by the input's number");
        Ok(())
    })
}

/// Cancel all on a group of 4 queued jobs: 4 cancels, then nothing.
pub(crate) fn cancel_group_cancels_every_queued_job(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 60_000, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "four, then none").await?;
        s.fill("input[name=variations]", "4").await?;
        s.submit().await?;
        let deadline = Instant::now() + SECS(10);
        while s.find_all("[data-testid=group-cell][data-status=in_queue]").await?.len() < 4 {
            ensure!(Instant::now() < deadline, "4 jobs in the queue");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        s.click("button[data-testid=cancel-group]").await?;
        let deadline = Instant::now() + SECS(10);
        while s.find_all("[data-testid=group-cell][data-status=cancelled]").await?.len() < 4 {
            ensure!(Instant::now() < deadline, "4 jobs cancelled");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let puts: Vec<_> = fake.api_requests().into_iter().filter(|r| r.method == "PUT").collect();
        ensure!(puts.len() == 4 && puts.iter().all(|r| r.path.ends_with("/cancel")), "4 cancels: {puts:?}");
        let mut ids: Vec<&str> = puts.iter().map(|r| r.path.as_str()).collect();
        ids.dedup();
        ensure!(ids.len() == 4, "one per job");
        ensure!(!s.exists("button[data-testid=cancel-group]").await?, "nothing left to cancel");
        let n = fake.api_requests().len();
        tokio::time::sleep(SECS(2)).await;
        ensure!(fake.api_requests().len() == n, "requests after the cancels: {:?}", &fake.api_requests()[n..]);
        ensure!(posts(&fake).len() == 4, "4 POSTs");
        Ok(())
    })
}

/// Two of 4 submits fail (500): retry-failed asks first, then sends only
/// those two bodies again; the group ends with 4 done.
pub(crate) fn retry_failed_resubmits_only_the_failed(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let faults = Faults { submit_500_nth: vec![2, 4], ..Faults::default() };
        let fake = FakeServer::start(Config { queue_ms: 200, run_ms: 200, faults, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        max_in_flight(s, 1).await?;
        fill_minimal(s, &fake.url, "try again").await?;
        s.fill("input[name=variations]", "4").await?;
        s.submit().await?;
        s.wait_for("[data-testid=job-group][data-done=\"2\"][data-failed=\"2\"]", SECS(20)).await?;
        let first = posts(&fake);
        ensure!(first.len() == 4, "4 POSTs, a failed submit is never repeated by itself: {}", first.len());
        s.click("button[data-testid=retry-failed]").await?;
        s.wait_for("[data-testid=retry-confirm]", SECS(2)).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(posts(&fake).len() == 4, "nothing sent before the answer");
        s.click("button[data-testid=retry-confirm-yes]").await?;
        ensure!(!s.exists("[data-testid=retry-confirm]").await?, "the question goes once answered");
        if let Err(e) = s.wait_for("[data-testid=job-group][data-done=\"4\"][data-failed=\"0\"]", SECS(20)).await {
            let g = s.c.execute("const g = document.querySelector('[data-testid=job-group]'); return [g.dataset.done, g.dataset.failed, g.dataset.total, [...document.querySelectorAll('[data-testid=group-cell]')].map(c => c.dataset.status).join(','), document.querySelectorAll('[data-testid=job-group]').length]", vec![]).await?;
            bail!("{e}: group {g}, POSTs {}", posts(&fake).len());
        }
        let all = posts(&fake);
        ensure!(all.len() == 6, "6 POSTs: {}", all.len());
        let failed: Vec<&str> = first.iter().filter(|r| r.status == 500).map(|r| r.body.as_str()).collect();
        let resent: Vec<&str> = all[4..].iter().map(|r| r.body.as_str()).collect();
        ensure!(failed == resent, "the failed bodies, and only those: {failed:?} vs {resent:?}");
        ensure!(s.find_all("[data-testid=group-image]").await?.len() == 4, "4 results in the grid");
        Ok(())
    })
}

/// The names of the files in a stored zip, from its local headers.
fn zip_names(zip: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut i = 0;
    while i + 30 <= zip.len() && zip[i..i + 4] == *b"PK\x03\x04" {
        let u16_at = |o: usize| u16::from_le_bytes([zip[i + o], zip[i + o + 1]]) as usize;
        let size = u32::from_le_bytes([zip[i + 18], zip[i + 19], zip[i + 20], zip[i + 21]]) as usize;
        let (name_len, extra) = (u16_at(26), u16_at(28));
        let Some(name) = zip.get(i + 30..i + 30 + name_len) else { break };
        names.push(String::from_utf8_lossy(name).into_owned());
        i += 30 + name_len + extra + size;
    }
    names
}

/// A group of 4 variations: every job completes, and *Download all* hands
/// out one zip with the 4 results and each job's request.
pub(crate) fn a_group_of_four_downloads_one_zip(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "four ways").await?;
        s.fill("input[name=variations]", "4").await?;
        s.submit().await?;
        wait_group(s, "done", 4, SECS(20)).await?;
        ensure!(s.find_all("[data-testid=group-image]").await?.len() == 4, "a grid of 4 results");
        s.screenshot("group-of-4").await?;
        s.catch_blobs().await?;
        s.click("button[data-testid=download-all]").await?;
        s.wait_for("[data-testid=zip-done]", SECS(15)).await?;
        let names = zip_names(&s.last_blob().await?);
        let images = names.iter().filter(|n| n.ends_with(".png")).count();
        let requests = names.iter().filter(|n| n.ends_with("request.json")).count();
        ensure!(images == 4 && requests == 4, "4 images and 4 requests in the zip: {names:?}");
        ensure!(posts(&fake).len() == 4, "4 POSTs");
        s.assert_alive().await
    })
}
