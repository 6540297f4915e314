//! The jobs of one submit as one piece of work: progress, a grid of every
//! result labelled with what varied, cancel all, retry the failed ones
//! (asked first), download all as one zip, and the jobs' cards.

use leptos::prelude::*;

use crate::components::keyed::{keyed, Row};
use leptos::task::spawn_local;

use crate::app::Shown;
use crate::api::image::human_bytes;
use crate::components::job_card::{phase_label, tenths, JobCard};
use crate::components::results::PickButton;
use crate::components::turntable::{is_turntable, TurntableViewer};
use crate::i18n::{Msg, K};
use crate::jobs::plan::{Label, Vary};
use crate::jobs::replay::Turn;
use crate::jobs::{Job, Phase};
use crate::web::lang::{i18n, t};

/// What a grid cell says varied: "Image 2 · seed 42".
pub fn label_msg(label: &Label) -> Msg {
    let varied = label.varied.as_ref().map(|(v, value)| {
        let k = match v {
            Vary::Seed => K::GroupSeed,
            Vary::Guidance => K::GroupGuidance,
            Vary::Steps => K::GroupSteps,
            Vary::Angle => K::GroupAngle,
        };
        Msg::new(k).arg("v", value)
    });
    match (label.image, varied) {
        (Some(n), Some(v)) => Msg::new(K::GroupImageAnd).arg("n", n).arg_msg("v", v),
        (Some(n), None) => Msg::new(K::ImageNumber).arg("n", n),
        (None, Some(v)) => v,
        (None, None) => Msg::verbatim(""),
    }
}

#[component]
pub fn JobGroup(group: u64) -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let settings = crate::app::state().settings;
    let gallery = crate::app::state().gallery;
    let i = i18n();
    // Newest job per place; entries are equal by id, so the memo changes
    // only when the group's membership does.
    let entries = Memo::new(move |_| jobs.members(group));
    // (total, done, failed, running, waiting to send), counted once per change.
    let stats = Memo::new(move |_| {
        entries.with(|list| {
            let n = |p: fn(Phase) -> bool| list.iter().filter(|e| e.job.with(|j| p(j.phase))).count();
            let total = list.first().and_then(|e| e.job.with(|j| j.group.as_ref().map(|m| m.total))).unwrap_or(0);
            (total, n(|p| p == Phase::Completed), n(|p| p == Phase::Failed), n(Phase::is_active), n(|p| p == Phase::Waiting))
        })
    });
    let total = move || stats.get().0;
    let done = move || stats.get().1;
    let failed = move || stats.get().2;
    let active = move || stats.get().3;
    let waiting = move || stats.get().4;
    let asking = RwSignal::new(false);
    let zipping = RwSignal::new(false);
    let zip_note = RwSignal::new(None::<Msg>);
    // The last zip's size and how long it took to make (also for the bench).
    let zip_done = RwSignal::new(None::<(usize, u64)>);
    let all_images = move || entries.get_untracked().iter().flat_map(|e| e.job.with_untracked(|j| j.output.as_ref().map(|o| o.images.clone()).unwrap_or_default())).collect::<Vec<_>>();
    let download = move |_| {
        let list: Vec<Job> = entries.get_untracked().iter().map(|e| e.job.get_untracked()).collect();
        zipping.set(true);
        zip_note.set(None);
        spawn_local(async move {
            let started = crate::web::now();
            let note = match crate::web::bundle::group_zip(&list, started).await {
                Ok((bytes, missing)) => {
                    zip_done.set(Some((bytes.len(), (crate::web::now() - started) as u64)));
                    crate::web::bundle::save(&bytes, &format!("qwen-edit-group-{group}.zip"));
                    (missing > 0).then(|| Msg::count(K::ZipMissingOne, K::ZipMissing, missing))
                }
                Err(_) => Some(Msg::new(K::ZipTooBig)),
            };
            zip_note.set(note);
            zipping.set(false);
        });
    };
    let progress = move || {
        let mut m = Msg::new(K::GroupProgress).arg("done", done()).arg("total", total());
        if failed() > 0 {
            m = Msg::new(K::GroupProgressFailed).arg("done", done()).arg("total", total()).arg("failed", failed());
        }
        let w = waiting();
        let text = i.render(&m);
        if w > 0 { format!("{text} · {}", i.render(&Msg::new(K::GroupWaiting).arg("n", w))) } else { text }
    };
    // A replay: its steps go one at a time; a stopped one asks the person.
    let replay = entries.with_untracked(|e| e.first().is_some_and(|e| e.job.with_untracked(|j| j.group.as_ref().is_some_and(|m| m.replay))));
    let stopped = Memo::new(move |_| match replay.then(|| jobs.replay_turn(group)) {
        Some(Turn::Stopped { step, retry, .. }) => Some((step, retry)),
        _ => None,
    });
    // Many cards make a long page: from five jobs on, the grid leads.
    let open_cards = untrack(total) <= 4;
    view! {
        <section class="job-group panel" data-testid="job-group" data-group=group.to_string() data-kind=replay.then_some("replay")
            data-total=move || total().to_string() data-done=move || done().to_string() data-failed=move || failed().to_string()>
            <header class="group-head">
                <h3>{move || i.render(&Msg::new(if replay { K::ReplayTitle } else { K::GroupTitle }).arg("n", total()))}</h3>
                <span class="spacer"></span>
                {move || (active() > 0).then(|| view! {
                    <button type="button" class="ghost small" data-testid="cancel-group" on:click=move |_| jobs.cancel_group(group)>{t(K::CancelGroup)}</button>
                })}
                {move || (failed() > 0 && !asking.get() && !replay).then(|| view! {
                    <button type="button" class="ghost small" data-testid="retry-failed" on:click=move |_| asking.set(true)>
                        {move || i.render(&Msg::new(K::RetryFailed).arg("n", failed()))}
                    </button>
                })}
                {move || (done() > 0).then(|| view! {
                    <button type="button" class="ghost small" data-testid="download-all" prop:disabled=zipping on:click=download>
                        {move || t(if zipping.get() { K::Zipping } else { K::DownloadAll })()}
                    </button>
                })}
            </header>
            <progress max=move || total().to_string() value=move || done().to_string()></progress>
            <p class="group-progress" data-testid="group-progress" role="status">{progress}</p>
            {move || entries.with(|e| is_turntable(e)).then(|| view! { <TurntableViewer entries/> })}
            {move || stopped.get().map(|(step, retry)| {
                let n = step + 1;
                view! {
                    <div class="confirm" role="alert" data-testid="replay-stopped" data-step=n.to_string()>
                        <p>{i.render(&Msg::new(K::ReplayStopped).arg("n", n))}</p>
                        // A local file's image is not kept across a reload: that step cannot go again.
                        {retry.then(|| view! {
                            <button type="button" class="primary small" data-testid="replay-retry" on:click=move |_| {
                                let max = settings.settings.with_untracked(|s| s.max_in_flight);
                                jobs.replay_retry(group, &settings.access(), max);
                            }>{i.render(&Msg::new(K::ReplayRetry).arg("n", n))}</button>
                        })}
                        {(n < untrack(total)).then(|| view! {
                            <button type="button" class="ghost small" data-testid="replay-skip" on:click=move |_| jobs.replay_skip(group)>
                                {i.render(&Msg::new(K::ReplaySkip).arg("n", n))}
                            </button>
                        })}
                    </div>
                }
            })}
            {move || asking.get().then(|| view! {
                <div class="confirm" role="alertdialog" data-testid="retry-confirm">
                    <p>{move || i.render(&Msg::count(K::RetryAskOne, K::RetryAsk, failed()))}</p>
                    <button type="button" class="primary small" data-testid="retry-confirm-yes" on:click=move |_| {
                        asking.set(false);
                        let max = settings.settings.with_untracked(|s| s.max_in_flight);
                        jobs.retry_failed(group, &settings.access(), max);
                    }>{t(K::RetryYes)}</button>
                    <button type="button" class="ghost small" data-testid="retry-confirm-no" on:click=move |_| asking.set(false)>{t(K::RetryNo)}</button>
                </div>
            })}
            {move || zip_done.get().map(|(bytes, ms)| view! {
                <p class="hint" data-testid="zip-done" data-bytes=bytes.to_string() data-ms=ms.to_string()>
                    {i.msg(Msg::new(K::ZipDone).arg("size", human_bytes(bytes as u64)).arg("s", tenths(ms as f64 / 1000.0)))}
                </p>
            })}
            {move || zip_note.get().map(|m| view! { <p class="hint" data-testid="zip-note">{i.msg(m)}</p> })}
            <ol class="group-grid">
                {keyed(move || entries.get().into_iter().map(|entry| Row::new(entry.id.to_string(), move || {
                        let job = entry.job.clone();
                        let entry_id = entry.id;
                        let label = job.with_untracked(|j| j.group.as_ref().map(|m| if m.replay { Msg::new(K::ReplayStep).arg("n", m.index + 1) } else { label_msg(&m.label) }).unwrap_or_else(|| Msg::verbatim("")));
                        let first = {
                            let job = job.clone();
                            Memo::new(move |_| job.with(|j| j.output.as_ref().and_then(|o| o.images.first().cloned())))
                        };
                        let phase = Memo::new(move |_| job.with(|j| j.phase));
                        let alt = label.clone();
                        view! {
                            <li class="group-cell" data-testid="group-cell" data-status=move || phase.get().as_str()>
                                {move || match first.get() {
                                    Some(img) => {
                                        let url = img.url.clone();
                                        view! {
                                            <button type="button" class="img-button" on:click=move |_| {
                                                let all = all_images();
                                                let index = all.iter().position(|x| x.url == url).unwrap_or(0);
                                                gallery.0.set(Some(Shown::new(all, index, None)));
                                            }>
                                                <img data-testid="group-image" src=img.url.clone() data-url=img.url.clone() on:error=crate::web::copies::fall_back(entry_id, 0) alt=i.msg(alt.clone())/>
                                            </button>
                                        }.into_any()
                                    }
                                    None => view! { <span class="cell-phase">{move || i.text(phase_label(phase.get()))}</span> }.into_any(),
                                }}
                                <div class="cell-foot">
                                    <span class="cell-label" data-testid="group-label">{i.msg(label.clone())}</span>
                                    {move || first.get().map(|img| view! { <PickButton job=entry_id index=0 image=img/> })}
                                </div>
                                // The job's card, folded from five jobs on; open, the cell takes the whole row.
                                <details class="cell-card" open=open_cards>
                                    <summary>{t(K::GroupJobDetails)}</summary>
                                    <JobCard entry=entry/>
                                </details>
                            </li>
                        }
                    })).collect())}
            </ol>
        </section>
    }
}
