use leptos::prelude::*;

use crate::app::Clock;
use crate::components::results::Results;
use crate::jobs::{CancelState, Job, Phase};
use crate::web::runner::{JobEntry, Jobs};

/// "12 s", "3 min 05 s".
pub fn format_duration(ms: f64) -> String {
    let s = (ms / 1000.0).floor() as u64;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

/// `7.4` for 7.43, without pulling float formatting into the bundle.
pub fn tenths(x: f64) -> String {
    let d = (x.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", d / 10, d % 10)
}

fn phase_label(p: Phase) -> &'static str {
    match p {
        Phase::Submitting => "Submitting…",
        Phase::InQueue => "In queue",
        Phase::InProgress => "Running",
        Phase::Completed => "Completed",
        Phase::Failed => "Failed",
        Phase::Cancelled => "Cancelled",
        Phase::Lost => "Lost",
    }
}

fn cancel_note(c: &CancelState, phase: Phase) -> Option<String> {
    match (c, phase) {
        (CancelState::Sending, _) => Some("Asking the queue to cancel…".into()),
        (CancelState::Requested, p) if p.is_active() => Some("Cancellation requested; waiting for the queue to confirm.".into()),
        (CancelState::Requested, _) | (CancelState::None, Phase::Cancelled) => Some("The job was cancelled.".into()),
        (CancelState::TooLate, _) => Some("Too late to cancel: the job had already finished.".into()),
        (CancelState::Failed(m), _) => Some(format!("The cancel request failed: {m}")),
        _ => None,
    }
}

#[component]
pub fn JobCard(entry: JobEntry) -> impl IntoView {
    let jobs = expect_context::<Jobs>();
    let clock = expect_context::<Clock>();
    let id = entry.id;
    let job: RwSignal<Job> = entry.job.clone().into();
    let phase = Memo::new(move |_| job.with(|j| j.phase));
    let prompt = job.with_untracked(|j| j.body.get("prompt").and_then(|p| p.as_str()).unwrap_or("").to_string());
    let elapsed = move || format_duration(job.with(|j| j.elapsed_ms(clock.now.get())));
    let logs = Memo::new(move |_| job.with(|j| j.logs.clone()));

    view! {
        <article
            class=move || format!("job job-{}", phase.get().as_str())
            data-testid="job"
            data-request-id=move || job.with(|j| j.request_id.clone().unwrap_or_default())
            data-status=move || phase.get().as_str()
        >
            <header class="job-head">
                <span class="badge" role="status">{move || phase_label(phase.get())}</span>
                {move || job.with(|j| j.raw_status.clone()).map(|s| view! { <code class="raw-status">{s}</code> })}
                <span class="elapsed" title="Time since submit">{elapsed}</span>
                <span class="spacer"></span>
                {move || job.with(Job::can_cancel).then(|| view! {
                    <button type="button" class="ghost" data-testid="cancel" on:click=move |_| jobs.cancel(id)>"Cancel"</button>
                })}
                <button
                    type="button"
                    class="icon"
                    data-testid="dismiss"
                    aria-label=move || if phase.get().is_active() { "Stop following and remove" } else { "Remove" }
                    title=move || if phase.get().is_active() { "Stop following this job (it keeps running on the server)" } else { "Remove this card" }
                    prop:disabled=move || phase.get() == Phase::Submitting
                    on:click=move |_| jobs.dismiss(id)
                >"✕"</button>
            </header>
            <p class="job-prompt">{prompt}</p>
            {move || (phase.get().is_active() && phase.get() != Phase::Submitting && !entry.followed.get()).then(|| view! {
                <p class="retry" data-testid="not-followed">
                    "Not followed right now: it is followed again with a key for its provider ("
                    {job.with_untracked(|j| j.base.clone())} ") in Settings, or by the tab that submitted it."
                </p>
            })}
            {move || job.with(|j| (j.phase == Phase::InQueue).then(|| j.queue_position)).map(|pos| {
                let text = match pos {
                    Some(0) => "Next in line".to_string(),
                    Some(n) => format!("{n} ahead in the queue"),
                    None => "Waiting in the queue".to_string(),
                };
                view! { <p class="queue" data-testid="queue-position" data-position=pos.map(|p| p.to_string())>{text}</p> }
            })}
            {move || job.with(|j| j.retry.clone()).map(|(why, at)| {
                let secs = move || ((at - clock.now.get()) / 1000.0).ceil().max(0.0) as u64;
                view! { <p class="retry" data-testid="job-retry">{why} " Retrying in " {secs} " s."</p> }
            })}
            {move || job.with(|j| cancel_note(&j.cancel, j.phase)).map(|n| view! { <p class="cancel-note" data-testid="cancel-note">{n}</p> })}
            {move || (!logs.with(Vec::is_empty)).then(|| view! {
                <details class="logs" open=true>
                    <summary>"Logs (" {move || logs.with(Vec::len)} ")"</summary>
                    <div class="log-scroll">
                        <ol data-testid="job-logs">
                            {move || logs.get().into_iter().map(|l| view! {
                                <li class=format!("log-{}", l.level.as_deref().unwrap_or("info").to_ascii_lowercase())>{l.message}</li>
                            }).collect_view()}
                        </ol>
                    </div>
                </details>
            })}
            {move || job.with(|j| j.error.clone()).filter(|_| phase.get() != Phase::Cancelled).map(|e| view! {
                <div class="job-error" role="alert">
                    <p data-testid="job-error">{e.user_message()}</p>
                    {(!e.field_errors.is_empty()).then(|| view! {
                        <ul>{e.field_errors.iter().map(|f| view! { <li><code>{f.field.clone()}</code> ": " {f.message.clone()}</li> }).collect_view()}</ul>
                    })}
                </div>
            })}
            {move || job.with(|j| j.output.clone()).map(|out| {
                let (prompt, input) = job.with_untracked(|j| (
                    j.body.get("prompt").and_then(|p| p.as_str()).unwrap_or("").to_string(),
                    j.body.get("image_urls").and_then(|u| u.get(0)).and_then(|u| u.as_str()).map(str::to_string),
                ));
                view! { <Results output=out prompt=prompt input=input/> }
            })}
            <footer class="job-meta">
                {move || job.with(|j| j.request_id.clone()).map(|r| view! { <span>"Request " <code>{r}</code></span> })}
                {move || job.with(|j| j.inference_time).map(|t| view! { <span>"Inference " {tenths(t)} " s"</span> })}
            </footer>
        </article>
    }
}
