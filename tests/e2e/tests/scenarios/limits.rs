//! Issue 20: a 429 holds every request to its base for its Retry-After,
//! whichever request it answered; a stream that only pings is checked.

use super::super::*;
use super::durable::streams;
use e2e::fake::Partial;

/// A 429 with `Retry-After: 2` on the first request of `op`: no request of
/// any kind reaches the base for the next 2 s, and every job completes,
/// each submitted once.
async fn held_after_429(s: &Session, op: &'static str, stream: bool, jobs: usize) -> Result<()> {
    let faults = Faults { op_429: Some((op, 2)), ..Faults::default() };
    let queue_ms = if op == "cancel" { 3_000 } else { 800 };
    let fake = FakeServer::start(Config { queue_ms, run_ms: 800, faults, ..Config::default() }).await?;
    s.configure_with(&fake.url, "Bearer", "test-key", stream).await?;
    fill_minimal(s, &fake.url, &format!("a 429 on {op}")).await?;
    for n in 1..=jobs {
        s.submit().await?;
        let deadline = Instant::now() + SECS(5);
        while s.find_all("[data-testid=job]").await?.len() < n {
            ensure!(Instant::now() < deadline, "job {n} has no card");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }
    if op == "cancel" {
        s.wait_job(0, "in_queue", SECS(5)).await?;
        s.click("button[data-testid=cancel]").await?;
    }
    for i in 0..jobs {
        s.wait_job(i, "completed", SECS(25)).await.with_context(|| format!("job {i}"))?;
    }
    let reqs = fake.api_requests();
    let limited = reqs.iter().find(|r| r.status == 429).context("the 429 was answered")?;
    let next = reqs.iter().find(|r| r.at_ms > limited.at_ms).context("requests after the 429")?;
    ensure!(
        next.at_ms - limited.at_ms >= 1_950,
        "{} {} came {} ms after the 429 on {op} (Retry-After: 2)",
        next.method,
        next.path,
        next.at_ms - limited.at_ms
    );
    ensure!(posts(&fake).iter().filter(|r| r.status == 200).count() == jobs, "each job accepted once");
    let refused: Vec<&Recorded> = reqs.iter().filter(|r| r.status == 429).collect();
    ensure!(refused.len() == 1, "one request refused: {}", refused.len());
    s.assert_alive().await
}

pub(crate) fn a_429_on_a_submit_holds_the_base(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        held_after_429(s, "submit", false, 1).await?;
        let cards = s.find_all("[data-testid=job]").await?.len();
        ensure!(cards == 1, "one card: {cards}");
        Ok(())
    })
}

/// Two jobs polled: the 429 on one's status holds the other's polls too.
pub(crate) fn a_429_on_a_status_poll_holds_every_job_of_the_base(s: &Session) -> Fut<'_> {
    Box::pin(held_after_429(s, "status", false, 2))
}

/// With the stream on (the default), a 429 on the stream: no poll 272 ms
/// later, but one after Retry-After, then the stream again.
pub(crate) fn a_429_on_the_stream_waits_its_retry_after(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        // Still queued when the wait ends, so the stream has work to do.
        let fake = FakeServer::start(Config { queue_ms: 3_000, run_ms: 800, faults: Faults { op_429: Some(("stream", 2)), ..Faults::default() }, ..Config::default() }).await?;
        s.configure_with(&fake.url, "Bearer", "test-key", true).await?;
        fill_minimal(s, &fake.url, "a 429 on the stream").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(15)).await?;
        let reqs = fake.api_requests();
        let limited = reqs.iter().find(|r| r.status == 429).context("the stream was refused")?;
        ensure!(limited.path.ends_with("/status/stream"), "the 429 was the stream's: {}", limited.path);
        let next = reqs.iter().find(|r| r.at_ms > limited.at_ms).context("requests after the 429")?;
        ensure!(next.at_ms - limited.at_ms >= 1_950, "{} came {} ms after the 429", next.path, next.at_ms - limited.at_ms);
        ensure!(streams(&fake).len() == 2, "the stream was opened again after the wait: {}", streams(&fake).len());
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}

pub(crate) fn a_429_on_the_result_holds_the_base(s: &Session) -> Fut<'_> {
    Box::pin(held_after_429(s, "result", false, 1))
}

/// A 429 on the cancel: the job goes on (nothing was cancelled) and its
/// polls wait out the hold.
pub(crate) fn a_429_on_a_cancel_holds_the_base(s: &Session) -> Fut<'_> {
    Box::pin(held_after_429(s, "cancel", false, 1))
}

/// A stream that sends one `IN_QUEUE` event, then only `: ping` every half
/// second, while the job completes: after 20 s with no status event the
/// status endpoint is asked, which says `COMPLETED`.
pub(crate) fn a_stream_that_only_pings_is_checked_by_status(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 1_000, run_ms: 1_000, partial: Partial::PingsAfterFirst, ..Config::default() }).await?;
        s.configure_with(&fake.url, "Bearer", "test-key", true).await?;
        fill_minimal(s, &fake.url, "pings say nothing").await?;
        s.submit().await?;
        s.wait_job(0, "in_queue", SECS(5)).await?;
        s.wait_job(0, "completed", SECS(35)).await?;
        let opened = streams(&fake);
        ensure!(opened.len() == 1, "one stream, never reopened: {}", opened.len());
        let polls = status_polls(&fake);
        let first = polls.first().context("the status endpoint was asked")?;
        let silent = first.at_ms - opened[0].at_ms;
        ensure!((19_000..26_000).contains(&silent), "asked after {silent} ms of pings (20 s expected)");
        ensure!(polls.len() <= 2, "checked once it was silent, not polled throughout: {}", polls.len());
        ensure!(posts(&fake).len() == 1, "one POST");
        Ok(())
    })
}
