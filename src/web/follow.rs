//! Following one job: wait, ask (status, stream or result), apply the
//! answer, repeat until the reducer says stop. Waits wake early when the
//! browser comes back online or the tab becomes visible; nothing is sent
//! while offline; requests of all jobs take turns.

use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use super::http::{Client, Method};
use super::net;
use super::now;
use super::runner::Jobs;
use crate::api::{EditOutput, QueueStatus};
use crate::jobs::schedule::decide;
use crate::jobs::{Event, Job, Next};

enum Woke {
    Timer,
    Early,
    Stopped,
}

/// Waits `ms`; wakes early when the browser comes back online or the tab
/// becomes visible; returns at once when the job was stopped.
async fn sleep(ms: u32, stop: &mut oneshot::Receiver<()>) -> Woke {
    if !matches!(stop.try_recv(), Ok(None)) {
        return Woke::Stopped;
    }
    if ms == 0 {
        return Woke::Timer;
    }
    let wake = net::waker();
    match select(select(TimeoutFuture::new(ms), wake), stop).await {
        Either::Left((Either::Left(_), _)) => Woke::Timer,
        Either::Left((Either::Right(_), _)) => Woke::Early,
        Either::Right(_) => Woke::Stopped,
    }
}

/// Waits until requests may go: online, and this request's turn.
async fn ready(stop: &mut oneshot::Receiver<()>) -> bool {
    while !net::online() {
        // Offline: no timer, no request; the `online` event wakes us.
        if matches!(select(net::waker(), &mut *stop).await, Either::Right(_)) {
            return false;
        }
    }
    let wait = net::reserve_slot(now());
    !matches!(sleep(wait, stop).await, Woke::Stopped)
}

pub(super) async fn follow(
    jobs: Jobs,
    job: ArcRwSignal<Job>,
    client: Client,
    mut next: Next,
    mut stop: oneshot::Receiver<()>,
    signal: Option<web_sys::AbortSignal>,
) {
    loop {
        let wait = match next {
            Next::Poll(ms) | Next::FetchResult(ms) => ms,
            Next::Stream => 0,
            Next::Stop | Next::Continue => return,
        };
        // Offline: no timer at all; the `online` event wakes the job.
        let wait = decide(wait, matches!(next, Next::Poll(_)), net::hidden(), net::online()).unwrap_or(0);
        if matches!(sleep(wait, &mut stop).await, Woke::Stopped) || !ready(&mut stop).await {
            return;
        }
        let Some(urls) = job.with_untracked(|j| j.endpoints.clone()) else { return };
        let event = match next {
            Next::Stream => {
                match stream(&jobs, &job, &client, &urls.stream, signal.as_ref(), &mut stop).await {
                    Some(n) => {
                        next = n;
                        continue;
                    }
                    None => return,
                }
            }
            Next::FetchResult(_) => match client.send(Method::Get, &urls.result, None, signal.as_ref()).await {
                Ok(a) if a.ok() => EditOutput::from_result(&a.text).map_or_else(Event::ResultFailed, Event::Result),
                Ok(a) => Event::ResultFailed(a.error()),
                Err(e) => Event::ResultFailed(e),
            },
            _ => match client.send(Method::Get, &urls.status, None, signal.as_ref()).await {
                Ok(a) if a.ok() => {
                    QueueStatus::from_json(&a.text).map_or_else(Event::StatusFailed, Event::Status)
                }
                Ok(a) => Event::StatusFailed(a.error()),
                Err(e) => Event::StatusFailed(e),
            },
        };
        if !matches!(stop.try_recv(), Ok(None)) {
            return;
        }
        next = jobs.apply(&job, event);
    }
}

/// Reads the status stream, applying each event as it comes; returns what
/// to do once the stream has done its work (fetch the result, or poll when
/// it closed early or failed), or `None` when the job was stopped.
async fn stream(
    jobs: &Jobs,
    job: &ArcRwSignal<Job>,
    client: &Client,
    url: &str,
    signal: Option<&web_sys::AbortSignal>,
    stop: &mut oneshot::Receiver<()>,
) -> Option<Next> {
    let mut events = match client.open_stream(url, signal).await {
        Ok(s) => s,
        Err(Ok(answer)) => return Some(jobs.apply(job, Event::StreamEnded(Some(answer.error())))),
        Err(Err(e)) => return Some(jobs.apply(job, Event::StreamEnded(Some(e)))),
    };
    loop {
        let batch = events.next().await;
        if !matches!(stop.try_recv(), Ok(None)) {
            return None;
        }
        match batch {
            Ok(Some(datas)) => {
                for data in datas {
                    let Ok(s) = QueueStatus::from_json(&data) else { continue };
                    match jobs.apply(job, Event::Streamed(s)) {
                        Next::Continue => {}
                        other => return Some(other),
                    }
                }
            }
            Ok(None) => return Some(jobs.apply(job, Event::StreamEnded(None))),
            Err(e) => return Some(jobs.apply(job, Event::StreamEnded(Some(e)))),
        }
    }
}
