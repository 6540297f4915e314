//! Following one job: wait, ask (status, stream or result), hand the answer
//! to `dispatch`, repeat until it says stop. Knows the client, where the
//! job's next request goes (`target`) and `dispatch`; not the store.
//!
//! Waits wake early when the browser comes back online or the tab becomes
//! visible; nothing is sent while offline; requests of all jobs take turns.
//! The loop checks for nothing by hand: its task is dropped to end it.

use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use web_sys::AbortSignal;

use super::http::{Client, Method, Transport};
use super::{net, now};
use crate::api::{EditOutput, QueueStatus};
use crate::jobs::schedule::{decide, quiet_check_ms, shared};
use crate::jobs::{Event, Next, Op};

/// Waits `ms`, or until the browser comes back online or the tab shows.
async fn sleep(ms: u32) {
    if ms > 0 {
        let _ = select(TimeoutFuture::new(ms), net::wake_up()).await;
    }
}

/// Waits until a request of `client` may go: online (the in-page demo
/// needs no network), its base not held after a `429`, and this request's
/// turn (in the order they asked).
pub(super) async fn ready(client: &Client) {
    loop {
        while client.transport == Transport::Fetch && !net::online() {
            // Offline: no timer, no request; the `online` event wakes us.
            net::wake_up().await;
        }
        // Held requests leave one by one when the hold ends, in turns.
        let held = net::held(&client.base, now());
        if held > 0 {
            TimeoutFuture::new(held).await;
            continue;
        }
        let wait = net::reserve_slot(now());
        if wait > 0 {
            TimeoutFuture::new(wait).await;
        }
        // A timer that fired late must not bring two requests closer than the gap.
        while let Some(wait) = net::go(now()) {
            TimeoutFuture::new(wait.max(1)).await;
        }
        // A 429 that came while this one waited for its turn holds it too.
        if net::held(&client.base, now()) == 0 {
            return;
        }
    }
}

/// How a result is read: an edit's images (`EditOutput::from_answer`), a
/// rewrite's text (`api::rewrite::from_answer`).
pub type Read = fn(u16, &str) -> Result<EditOutput, crate::api::ApiError>;

/// Follows a job from `next` on until `dispatch` answers `Stop`; its
/// result is read by `read`.
pub async fn follow(
    client: Client,
    mut next: Next,
    target: impl Fn(Next) -> Option<(Op, String)>,
    dispatch: impl Fn(Event) -> Next,
    signal: Option<AbortSignal>,
    read: Read,
) {
    let signal = signal.as_ref();
    // Counted while this loop runs: polls share the turns (`shared`).
    let _counted = net::following();
    loop {
        let wait = match next {
            Next::Poll(ms) | Next::FetchResult(ms) => ms,
            Next::Stream => 0,
            Next::Stop | Next::Continue | Next::Resend(_) => return,
        };
        let online = net::online() || client.transport == Transport::Demo;
        let poll = matches!(next, Next::Poll(_));
        let wait = if poll { shared(wait, net::followers()) } else { wait };
        sleep(decide(wait, poll, net::hidden(), online).unwrap_or(0)).await;
        ready(&client).await;
        let Some((op, url)) = target(next) else { return };
        next = match op {
            Op::Stream => stream(&client, &url, &target, &dispatch, signal, read).await,
            op => dispatch(ask(&client, op, &url, signal, read).await),
        };
    }
}

/// Sends a submit once (when its turn comes: call `ready` first), as the
/// event its answer makes. No abort signal: once sent a submit may bill,
/// and its answer is wanted even if whatever asked for it goes.
pub(super) async fn submit(client: &Client, model: &str, body: &str, progress: std::rc::Rc<dyn Fn(u64, u64)>) -> Event {
    let url = crate::api::url::submit_url(&client.base, model);
    match client.send_with_progress(Method::Post, &url, body, progress).await.and_then(|a| a.success()) {
        Ok(a) => QueueStatus::submit_answer(&a.text).map_or_else(Event::SubmitFailed, Event::Submitted),
        Err(e) => Event::SubmitFailed(e),
    }
}

/// One status or result request, as the event it makes.
async fn ask(client: &Client, op: Op, url: &str, signal: Option<&AbortSignal>, read: Read) -> Event {
    let answer = client.send(Method::Get, url, None, signal).await.and_then(|a| a.success());
    match op {
        Op::Result => match answer {
            Ok(a) => read(a.status, &a.text).map_or_else(Event::ResultFailed, Event::Result),
            Err(e) => Event::ResultFailed(e),
        },
        _ => match answer {
            Ok(a) => QueueStatus::from_json(&a.text).map_or_else(Event::StatusFailed, Event::Status),
            Err(e) => Event::StatusFailed(e),
        },
    }
}

/// Reads the status stream, dispatching each event as it comes; returns
/// what to do once the stream has done its work (fetch the result), or
/// ended (poll). A stream that sends no status event for a while (only
/// comments, which keep a connection open but say nothing of the job) is
/// checked by a status request, and again at the polling pace while it
/// stays silent (`schedule::quiet_check_ms`).
async fn stream(
    client: &Client,
    url: &str,
    target: &impl Fn(Next) -> Option<(Op, String)>,
    dispatch: &impl Fn(Event) -> Next,
    signal: Option<&AbortSignal>,
    read: Read,
) -> Next {
    let mut events = match client.open_stream(url, signal).await {
        Ok(s) => s,
        Err(e) => return dispatch(Event::StreamEnded(Some(e))),
    };
    let mut last_event = now();
    loop {
        // `next` keeps its read across the timer (nothing read is lost).
        let quiet = TimeoutFuture::new(quiet_check_ms(now() - last_event));
        match select(std::pin::pin!(events.next()), quiet).await {
            Either::Left((Ok(Some(datas)), _)) => {
                for data in datas {
                    // An event the app cannot read is skipped; the next one tells.
                    let Ok(s) = QueueStatus::from_json(&data) else { continue };
                    last_event = now();
                    match dispatch(Event::Streamed(s)) {
                        Next::Continue => {}
                        other => return other,
                    }
                }
            }
            Either::Left((Ok(None), _)) => return dispatch(Event::StreamEnded(None)),
            Either::Left((Err(e), _)) => return dispatch(Event::StreamEnded(Some(e))),
            Either::Right(_) => {
                ready(client).await;
                let Some((op, url)) = target(Next::Poll(0)) else { return Next::Stop };
                match dispatch(ask(client, op, &url, signal, read).await) {
                    Next::Stream | Next::Continue => {}
                    other => return other,
                }
            }
        }
    }
}
