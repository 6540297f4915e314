use leptos::prelude::*;

use crate::components::keyed::{keyed, Row};

use crate::api::image::human_bytes;
use crate::api::storage::Upload;
use crate::components::aspect::AspectWarning;
use crate::components::results::Results;
use crate::jobs::{CancelState, Job, Pause, Phase};
use crate::i18n::{duration, Msg, K};
use crate::web::lang::{i18n, t};
use crate::web::store::JobEntry;

/// `7.4` for 7.43, without pulling float formatting into the bundle.
pub fn tenths(x: f64) -> String {
    let d = (x.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", d / 10, d % 10)
}

pub fn phase_label(p: Phase) -> K {
    match p {
        Phase::Waiting => K::PhaseWaiting,
        Phase::Submitting => K::PhaseSubmitting,
        Phase::InQueue => K::PhaseInQueue,
        Phase::InProgress => K::PhaseInProgress,
        Phase::Completed => K::PhaseCompleted,
        Phase::Failed => K::PhaseFailed,
        Phase::Cancelled => K::PhaseCancelled,
        Phase::Lost => K::PhaseLost,
    }
}

fn cancel_note(c: &CancelState, phase: Phase) -> Option<Msg> {
    let failed = |why: Msg| Msg::new(K::CancelFailed).arg_msg("why", why);
    match (c, phase) {
        (CancelState::Sending, _) => Some(K::CancelSending.into()),
        (CancelState::Requested, p) if p.is_active() => Some(K::CancelRequested.into()),
        (CancelState::Requested, _) | (CancelState::None, Phase::Cancelled) => Some(K::CancelDone.into()),
        (CancelState::TooLate, _) => Some(K::CancelTooLate.into()),
        (CancelState::Refused(status), _) => Some(failed(Msg::new(K::CancelAnswered).arg("status", status))),
        (CancelState::Error(e), _) => Some(failed(e.user_message())),
        (CancelState::Failed(m), _) => Some(failed(Msg::verbatim(m))),
        _ => None,
    }
}

#[component]
pub fn JobCard(entry: JobEntry) -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let settings = crate::app::state().settings;
    let clock = crate::app::state().clock;
    let i = i18n();
    let id = entry.id;
    let job: RwSignal<Job> = entry.job.clone().into();
    let phase = Memo::new(move |_| job.with(|j| j.phase));
    let prompt = job.with_untracked(|j| j.body.get("prompt").and_then(|p| p.as_str()).unwrap_or("").to_string());
    // Sent a rewrite the person took: what they typed.
    let typed = job.with_untracked(|j| j.typed.clone());
    let elapsed = move || duration(i.get(), job.with(|j| j.elapsed_ms(clock.now.get())));
    let logs = Memo::new(move |_| job.with(|j| j.logs.clone()));
    let logs_dropped = Memo::new(move |_| job.with(|j| j.logs_dropped));
    let paused = Memo::new(move |_| job.with(|j| j.paused.clone().filter(|_| j.phase.is_active())));
    // The results are drawn again only when they change, not on every
    // update of the job (its copies being kept, its logs).
    let output = Memo::new(move |_| job.with(|j| j.output.clone()));
    // Its inline pictures as submitted (the body changes only while it
    // waits, when uploads take their place).
    let pictures: Vec<(u64, usize)> = job.with_untracked(|j| crate::api::storage::inline_images(&j.body).into_iter().map(crate::api::storage::content_key).collect());
    let uploads = move || pictures.iter().filter_map(|k| jobs.uploads.by_key(*k)).collect::<Vec<_>>();

    view! {
        <article
            class=move || format!("job job-{}", phase.get().as_str())
            data-testid="job"
            data-request-id=move || job.with(|j| j.request_id.clone().unwrap_or_default())
            data-status=move || phase.get().as_str()
            data-parent=move || job.with(|j| j.parent().map(|p| p.1))
            data-typed-prompt=typed
        >
            <header class="job-head">
                <span class="badge" role="status">{move || i.text(phase_label(phase.get()))}</span>
                {move || job.with(|j| j.raw_status.clone()).map(|s| view! { <code class="raw-status">{s}</code> })}
                <span class="elapsed" title=t(K::ElapsedTitle)>{elapsed}</span>
                <span class="spacer"></span>
                {move || job.with(|j| j.can_cancel() || j.phase == Phase::Waiting).then(|| view! {
                    <button type="button" class="ghost" data-testid="cancel" on:click=move |_| jobs.cancel(id)>{t(K::Cancel)}</button>
                })}
                <button
                    type="button"
                    class="icon"
                    data-testid="dismiss"
                    aria-label=move || i.text(if phase.get().is_active() { K::DismissActive } else { K::Dismiss })
                    title=move || i.text(if phase.get().is_active() { K::DismissActiveTitle } else { K::DismissTitle })
                    prop:disabled=move || phase.get() == Phase::Submitting
                    on:click=move |_| jobs.dismiss(id)
                >"✕"</button>
            </header>
            <p class="job-prompt">{prompt}</p>
            {move || paused.get().map(|p| {
                let why = match p {
                    Pause::KeyRefused(e) => {
                        let fallback = if e.kind == crate::api::ErrorKind::Forbidden { K::DetailForbidden } else { K::DetailUnauthorized };
                        let detail = if e.detail.is_empty() { Msg::new(fallback) } else { Msg::verbatim(&e.detail) };
                        Msg::new(K::PausedKey).arg_msg("detail", detail)
                    }
                    Pause::Parked(e) => Msg::new(K::PausedParked).arg("min", crate::jobs::state::PARK_AFTER_MS as u64 / 60_000).arg_msg("why", e.user_message()),
                    Pause::Imported => Msg::new(K::PausedImported),
                };
                view! {
                    <div class="paused" data-testid="job-paused" role="status">
                        <p>{i.msg(why)}</p>
                        <button type="button" class="ghost" data-testid="resume" on:click=move |_| jobs.open(id, &settings.access())>{t(K::Resume)}</button>
                    </div>
                }
            })}
            {move || (phase.get().is_active() && phase.get() != Phase::Submitting && !entry.followed.get() && paused.with(Option::is_none)).then(|| view! {
                <p class="retry" data-testid="not-followed">
                    {i.msg(Msg::new(K::NotFollowed).arg("base", job.with_untracked(|j| j.base.clone())))}
                </p>
            })}
            {move || job.with(|j| j.kept == Some(crate::jobs::Kept::LinkOnly)).then(|| view! {
                <p class="hint" data-testid="kept-link-only">{t(K::KeptLinkOnly)}</p>
            })}
            {move || job.with(|j| j.stream && j.route.no_stream && j.phase.is_active()).then(|| view! {
                <p class="hint" data-testid="stream-off">{t(K::StreamOff)}</p>
            })}
            {move || job.with(|j| (j.phase == Phase::InQueue).then_some(j.queue_position)).map(|pos| {
                let text = match pos {
                    Some(0) => Msg::new(K::QueueNext),
                    Some(n) => Msg::new(K::QueueAhead).arg("n", n),
                    None => Msg::new(K::QueueWaiting),
                };
                view! { <p class="queue" data-testid="queue-position" data-position=pos.map(|p| p.to_string())>{i.msg(text)}</p> }
            })}
            {move || {
                // Its body going (a big one), or its pictures' uploads it waits for.
                let ups = uploads();
                let going = match phase.get() {
                    Phase::Submitting => jobs.uploads.sent_of(id).map(|p| (p, K::SendProgress)),
                    Phase::Waiting => crate::api::storage::progress(ups.iter()).map(|p| (p, K::SendUploads)),
                    _ => None,
                };
                match going {
                    Some(((loaded, total), k)) => Some(view! {
                        <p class="queue" data-testid="send-progress" data-loaded=loaded data-total=total role="status">
                            {i.msg(Msg::new(k).arg("loaded", human_bytes(loaded)).arg("total", human_bytes(total)))}
                        </p>
                    }.into_any()),
                    None => (phase.get() != Phase::Waiting && ups.iter().any(|u| matches!(u, Upload::Failed(_))))
                        .then(|| view! { <p class="hint" data-testid="sent-inline">{t(K::SendInline)}</p> }.into_any()),
                }
            }}
            {move || job.with(|j| j.phase == Phase::Failed && j.error.as_ref().is_some_and(|e| e.status.is_some_and(|s| (400..500).contains(&s) && s != 401 && s != 429)) && j.names_upload()).then(|| view! {
                <p class="hint" data-testid="upload-gone">{t(K::UploadGone)}</p>
            })}
            {move || job.with(|j| j.retrying.clone()).map(|(why, at)| {
                let why = why.user_message();
                let text = move || {
                    let secs = ((at - clock.now.get()) / 1000.0).ceil().max(0.0) as u64;
                    i.render(&Msg::new(K::Retrying).arg_msg("why", why.clone()).arg("s", secs))
                };
                view! { <p class="retry" data-testid="job-retry">{text}</p> }
            })}
            {move || job.with(|j| cancel_note(&j.cancel, j.phase)).map(|n| view! { <p class="cancel-note" data-testid="cancel-note">{i.msg(n)}</p> })}
            {move || (!logs.with(Vec::is_empty)).then(|| {
                let label = move || i.render(&Msg::new(K::Logs).arg("n", logs.with(Vec::len) as u64 + logs_dropped.get()));
                view! {
                    <details class="logs" open=true>
                        <summary>{label}</summary>
                        // Focusable and named: a scrolling region must be reachable by keyboard.
                        <div class="log-scroll" tabindex="0" role="region" aria-label=label>
                            {move || (logs_dropped.get() > 0).then(|| view! {
                                <p class="logs-dropped" data-testid="logs-dropped">{i.msg(Msg::count(K::LogsDroppedOne, K::LogsDropped, logs_dropped.get() as usize))}</p>
                            })}
                            <ol data-testid="job-logs">
                                // Keyed by line number: a new line adds one item, it does not redraw the list.
                                {keyed(move || {
                                    let d = logs_dropped.get();
                                    logs.get().into_iter().enumerate().map(|(k, l)| Row::new((d + k as u64).to_string(), move || view! {
                                        <li class=format!("log-{}", l.level.as_deref().unwrap_or("info").to_ascii_lowercase())>{l.message}</li>
                                    })).collect()
                                })}
                            </ol>
                        </div>
                    </details>
                }
            })}
            {move || job.with(|j| j.error.clone()).filter(|_| phase.get() != Phase::Cancelled).map(|e| view! {
                <div class="job-error" role="alert">
                    <p data-testid="job-error">{i.msg(e.user_message())}</p>
                    {move || job.with(|j| (j.phase == Phase::Lost || j.phase == Phase::Failed) && !j.route.tried.is_empty()).then(|| view! {
                        <p class="tried">{t(K::LostTried)}</p>
                        <ul class="tried" data-testid="tried-urls">
                            {job.with_untracked(|j| j.route.tried.clone()).into_iter().map(|u| view! { <li><code>{u}</code></li> }).collect_view()}
                        </ul>
                    })}
                    {(!e.field_errors.is_empty()).then(|| view! {
                        <ul>{e.field_errors.iter().map(|f| view! { <li><code>{f.field.clone()}</code> ": " {f.message.clone()}</li> }).collect_view()}</ul>
                    })}
                </div>
            })}
            {move || output.get().map(|out| {
                let (prompt, input, keep) = job.with_untracked(|j| (
                    j.body.get("prompt").and_then(|p| p.as_str()).unwrap_or("").to_string(),
                    crate::api::input::body_images(&j.body).first().map(|u| u.to_string()),
                    j.keep_source(),
                ));
                // The first result against the first input (both sizes known).
                let aspect = input.clone().zip(out.images.first().and_then(|r| r.width.zip(r.height)))
                    .map(|(input, result)| view! { <AspectWarning result=result input=input/> });
                view! { <Results job=id output=out prompt=prompt input=input keep=keep/> {aspect} }
            })}
            <footer class="job-meta">
                {move || job.with(|j| j.request_id.clone()).map(|r| view! { <span>{t(K::RequestId)} " " <code>{r}</code></span> })}
                {move || job.with(|j| j.inference_time).map(|x| view! { <span>{i.msg(Msg::new(K::InferenceTime).arg("s", tenths(x)))}</span> })}
            </footer>
        </article>
    }
}
