use leptos::prelude::*;

use crate::components::keyed::{keyed, Row};

use crate::api::draft::Draft;
use crate::api::input::num_text;
use crate::api::size;
use crate::jobs::plan::{Label, Planned};
use crate::jobs::Phase;
use crate::app::ignored_note;
use crate::components::job_card::phase_label;
use crate::i18n::{duration, Msg, K};
use crate::web::lang::{self, i18n, t};
use crate::jobs::filter::{models, Filter, Status, PAGE};
use crate::jobs::history::can_resend;
use crate::components::chain::{said, ReplayForm};
use crate::jobs::chain::{path, tree, Link};
use crate::jobs::Job;
use crate::web::store::JobEntry;

/// Every job this browser remembers, newest first: open, re-run, load into
/// the form, delete; clear all finished ones.
#[component]
pub fn History() -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let count = move || jobs.list.with(Vec::len);
    let note = RwSignal::new(None::<Vec<Msg>>);
    let i = i18n();
    let filter = RwSignal::new(Filter::default());
    // How many matching entries are drawn: a page, more on request; a new
    // search starts again at one page.
    let limit = RwSignal::new(PAGE);
    let refine = move |f: &dyn Fn(&mut Filter)| {
        filter.update(|x| f(x));
        limit.set(PAGE);
    };
    let matching = Memo::new(move |_| filter.with(|f| jobs.list.with(|l| l.iter().filter(|e| e.job.with(|j| f.matches(j))).cloned().collect::<Vec<_>>())));
    let models = Memo::new(move |_| jobs.list.with(|l| models(l.iter().map(|e| e.job.with_untracked(|j| j.model.clone())))));
    let found = move || matching.with(Vec::len);
    let many = Memo::new(move |_| count() > 1);
    // The chain shown (a job of it), and the results that made other jobs
    // (their jobs' request ids): a job is in a chain when it was made
    // from a result or its result made another.
    let chain = RwSignal::new(None::<u64>);
    let parents = Memo::new(move |_| {
        jobs.list.with(|l| l.iter().filter_map(|e| e.job.with(|j| Link::of(j).parent)).map(|(id, request)| request.unwrap_or_else(|| id.to_string())).collect::<Vec<_>>())
    });
    // The tree of the chain shown, its original first, and its jobs with
    // their depth; the step a replay is being set up to.
    let chain_tree = Memo::new(move |_| match chain.get() {
        Some(id) => tree(&jobs.list.with(|l| l.iter().rev().map(|e| e.job.with(Link::of)).collect::<Vec<_>>()), id),
        None => Vec::new(),
    });
    let replaying = RwSignal::new(None::<u64>);
    view! {
        <details class="panel history" open=true>
            <summary>{t(K::HistoryTitle)} " " <span class="count">{count}</span></summary>
            {move || jobs.history_problem.get().map(|p| view! { <p class="warn" data-testid="history-problem" role="status">{i.msg(p)}</p> })}
            {move || note.get().map(|n| view! {
                <p class="hint" data-testid="history-note" role="status">{move || crate::i18n::render_all(&n, i.get(), crate::i18n::Join::Sentences)}</p>
            })}
            {move || (count() == 0).then(|| view! { <p class="hint">{t(K::HistoryEmpty)}</p> })}
            <Spend/>
            // The tools stay while a search is on, so it can always be undone.
            <div class="history-tools" role="search" hidden=move || !many.get() && filter.with(Filter::is_empty)>
                <input type="search" name="history_search" placeholder=t(K::HistorySearch) aria-label=t(K::HistorySearchLabel)
                    on:input=move |ev| { let v = event_target_value(&ev); refine(&|f| f.text = v.clone()) }/>
                <select name="history_status" aria-label=t(K::HistoryStatusAll)
                    on:change=move |ev| { let v = Status::parse(&event_target_value(&ev)); refine(&|f| f.status = v) }>
                    {Status::ALL.map(|s| view! { <option value=s.as_str()>{t(status_label(s))}</option> })}
                </select>
                <select name="history_model" aria-label=t(K::HistoryModelAll) hidden=move || models.with(Vec::len) < 2 && filter.with(|f| f.model.is_empty())
                    on:change=move |ev| { let v = event_target_value(&ev); refine(&|f| f.model = v.clone()) }>
                    <option value="">{t(K::HistoryModelAll)}</option>
                    {move || models.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
                </select>
            </div>
            {move || filter.with(|f| !f.is_empty()).then(|| {
                let text = if found() == 0 { Msg::new(K::HistoryNoMatch) } else { Msg::new(K::HistoryMatching).arg("found", found()).arg("n", count()) };
                view! { <p class="hint" data-testid="history-matching" data-found=found().to_string() role="status">{i.msg(text)}</p> }
            })}
            {move || chain_tree.with(|c| !c.is_empty()).then(|| view! {
                <section class="chain-view" data-testid="chain-view" aria-label=t(K::ChainTitle)>
                    <header class="group-head">
                        <h3>{t(K::ChainTitle)}</h3>
                        <span class="spacer"></span>
                        <button type="button" class="icon" data-testid="close-chain" aria-label=t(K::ChainClose) on:click=move |_| {
                            replaying.set(None);
                            chain.set(None);
                        }>"✕"</button>
                    </header>
                    <ol class="history-list chain">
                        {keyed(move || chain_tree.with(|t| t.iter().filter_map(|s| jobs.list.with(|l| l.iter().find(|e| e.id == s.id).map(|e| (e.clone(), s.depth)))).collect::<Vec<_>>()).into_iter().map(|(e, depth)| {
                            let step = Some((depth, replaying));
                            Row::new(format!("c{}", e.id), move || view! { <HistoryItem entry=e note chain parents step/> })
                        }).collect())}
                    </ol>
                    {move || {
                        // A step of this chain (one of a chain closed since is not).
                        let ids = replaying.get().map(|to| path(&chain_tree.get(), to)).unwrap_or_default();
                        (!ids.is_empty()).then(|| view! { <ReplayForm ids replaying shown=chain/> })
                    }}
                    <p class="hint">{t(K::ChainHint)}</p>
                </section>
            })}
            <ul class="history-list">
                {keyed(move || matching.with(|m| m.iter().take(limit.get()).map(|e| {
                    let entry = e.clone();
                    Row::new(e.id.to_string(), move || view! { <HistoryItem entry=entry note=note chain parents step=None/> })
                }).collect()))}
            </ul>
            {move || {
                let left = found().saturating_sub(limit.get());
                (left > 0).then(|| view! {
                    <button type="button" class="ghost small" data-testid="history-more" on:click=move |_| limit.update(|l| *l += PAGE)>
                        {move || i.render(&Msg::new(K::HistoryMore).arg("k", left.min(PAGE)).arg("left", left))}
                    </button>
                })
            }}
            <crate::components::transfer::HistoryTransfer note=note/>
            {move || (count() > 0).then(|| view! {
                <button type="button" class="ghost small" data-testid="clear-history" on:click=move |_| {
                    let ok = web_sys::window()
                        .and_then(|w| w.confirm_with_message(crate::i18n::text(lang::current(), K::HistoryClearConfirm)).ok())
                        .unwrap_or(false);
                    if ok {
                        jobs.clear_finished();
                    }
                }>{t(K::HistoryClear)}</button>
            })}
        </details>
    }
}

fn status_label(s: Status) -> K {
    match s {
        Status::All => K::HistoryStatusAll,
        Status::Running => K::HistoryStatusRunning,
        Status::Completed => K::PhaseCompleted,
        Status::Failed => K::PhaseFailed,
        Status::Cancelled => K::PhaseCancelled,
    }
}

/// The estimated spend of the completed jobs kept here and of the prompt
/// rewrites: today and in all (failed and cancelled jobs cost nothing).
#[component]
fn Spend() -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let settings = crate::app::state().settings;
    let i = i18n();
    let totals = Memo::new(move |_| {
        let price = settings.settings.with(|s| s.price_per_mp);
        let midnight = {
            let d = js_sys::Date::new_0();
            d.set_hours(0);
            d.set_minutes(0);
            d.set_seconds(0);
            d.set_milliseconds(0);
            d.get_time()
        };
        // Rewrites are not in the history: their cost is kept by day.
        let spent = jobs.spent.with(|s| crate::api::rewrite::Spent::from_storage(s));
        let (today, all) = (spent.on(&crate::web::local_day(&js_sys::Date::new_0())), spent.all);
        jobs.list.with(|l| {
            l.iter().fold((today, all, (all > 0.0) as usize), |(today, all, n), e| {
                e.job.with(|j| match (&j.phase, &j.output) {
                    (Phase::Completed, Some(out)) => {
                        let c = size::job_cost(&j.body, &out.images, price);
                        (if j.submitted_at >= midnight { today + c } else { today }, all + c, n + 1)
                    }
                    _ => (today, all, n),
                })
            })
        })
    });
    move || {
        let (today, all, n) = totals.get();
        (n > 0).then(|| {
            let msg = Msg::new(K::HistoryCost).arg("today", size::dollars(today)).arg("all", size::dollars(all));
            view! { <p class="hint" data-testid="history-cost" data-usd=num_text(all)>{i.msg(msg)}</p> }
        })
    }
}

#[component]
/// One job of the history; in the chain view (`step`: its depth and the
/// step a replay is set up to) also its model, indented, with Replay.
fn HistoryItem(
    entry: JobEntry,
    note: RwSignal<Option<Vec<Msg>>>,
    chain: RwSignal<Option<u64>>,
    parents: Memo<Vec<String>>,
    step: Option<(usize, RwSignal<Option<u64>>)>,
) -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let form = crate::app::state().form;
    let settings = crate::app::state().settings;
    let i = i18n();
    let id = entry.id;
    let job: RwSignal<Job> = entry.job.into();
    let prompt = move || i.render(&job.with(said));
    let thumb = move || job.with(|j| j.output.as_ref().and_then(|o| o.images.first()).map(|i| i.url.clone())).filter(|u| u.starts_with("http"));
    let when = job.with_untracked(|j| {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(j.submitted_at));
        format!("{} {:02}:{:02}", crate::web::local_day(&d), d.get_hours(), d.get_minutes())
    });
    let rerun = move |_| {
        let (body, model, region, typed) = job.with_untracked(|j| (j.body.clone(), j.model.clone(), j.region.clone(), j.typed.clone()));
        if !can_resend(&body) {
            note.set(Some(vec![K::RerunLocal.into()]));
            return;
        }
        if !settings.problems().is_empty() {
            note.set(Some(vec![K::RerunNoKey.into()]));
            return;
        }
        note.set(None);
        let (stream, max) = settings.settings.with_untracked(|s| (s.stream_status, s.max_in_flight));
        // Its region goes with it, on the same image.
        let region = region.and_then(|r| Some((crate::api::input::body_images(&body).get(r.image)?.to_string(), r)));
        jobs.submit(&settings.access(), model, vec![Planned { body, label: Label::default() }], stream, max, region, &[], typed);
    };
    let load = move |_| {
        let (body, model, typed) = job.with_untracked(|j| (j.body.clone(), j.model.clone(), j.typed.clone()));
        match Draft::from_json(&body, &model) {
            Ok(loaded) => {
                let notes: Vec<Msg> = ignored_note(&loaded.ignored).into_iter().chain(loaded.notes.clone()).collect();
                let sent = loaded.draft.prompt.clone();
                form.load(loaded);
                // The prompt sent was a rewrite: what was typed shows, with undo.
                form.set_rewrite(typed.map(|t| (t, sent)));
                note.set((!notes.is_empty()).then_some(notes));
            }
            Err(problems) => {
                form.refuse(problems);
                note.set(Some(vec![K::ImportFailed.into()]));
            }
        }
    };
    view! {
        <li
            class=move || format!("history-item job-{}{}", job.with(|j| j.phase.as_str()), if step.is_some() { " chain-step" } else { "" })
            data-testid=if step.is_some() { "chain-step" } else { "history-item" }
            data-depth=step.map(|s| s.0.to_string())
            style:margin-inline-start=step.map(|s| format!("{}px", s.0.min(8) * 14))
            data-request-id=move || job.with(|j| j.request_id.clone().unwrap_or_default())
            data-status=move || job.with(|j| j.phase.as_str())
            data-parent=move || job.with(|j| j.parent().map(|p| p.1))
            data-typed-prompt=move || job.with(|j| j.typed.clone())
        >
            {move || thumb().map(|u| view! { <img src=u.clone() data-url=u alt="" loading="lazy" on:error=crate::web::copies::fall_back(id, 0)/> })}
            <span class="history-text">
                <span class="history-prompt">{prompt}</span>
                <span class="hint">
                    {step.map(|_| job.with_untracked(|j| format!("{} · ", j.model.strip_prefix("fal-ai/").unwrap_or(&j.model))))}
                    {when} " · " {move || i.text(job.with(|j| phase_label(j.phase)))}
                    {move || job.with(|j| j.ended_at.map(|e| format!(" · {}", duration(i.get(), e - j.submitted_at))))}
                </span>
            </span>
            <span class="history-actions">
                // Made from an earlier result still in the history: a way to
                // it, and to the chain (which the chain view shows already).
                {move || job.with(|j| j.parent()).filter(|(p, _)| step.is_none() && jobs.list.with(|l| l.iter().any(|e| e.id == *p))).map(|(p, _)| view! {
                    <button type="button" class="ghost small" data-testid="parent-link" title=t(K::MadeFromTitle) on:click=move |_| jobs.open(p, &settings.access())>{t(K::MadeFrom)}</button>
                })}
                {move || (step.is_none() && (job.with(|j| j.parent().is_some()) || parents.with(|p| job.with(|j| p.contains(j.request_id.as_ref().unwrap_or(&id.to_string())))))).then(|| view! {
                    <button type="button" class="ghost small" data-testid="open-chain" title=t(K::OpenChainTitle) on:click=move |_| chain.set(Some(id))>{t(K::OpenChain)}</button>
                })}
                {move || step.filter(|_| job.with(|j| j.output.as_ref().is_some_and(|o| !o.images.is_empty()))).map(|(_, replaying)| view! {
                    <button type="button" class="ghost small" data-testid="replay-chain" title=t(K::ReplayChainTitle) on:click=move |_| replaying.set(Some(id))>{t(K::ReplayChain)}</button>
                })}
                <button type="button" class="ghost small" data-testid="open" on:click=move |_| jobs.open(id, &settings.access())>{t(K::Open)}</button>
                <button type="button" class="ghost small" data-testid="rerun" on:click=rerun>{t(K::Rerun)}</button>
                <button type="button" class="ghost small" data-testid="load-into-form" on:click=load>{t(K::EditJob)}</button>
                <button type="button" class="icon" data-testid="delete" aria-label=t(K::DeleteFromHistory) on:click=move |_| jobs.delete(id)>"✕"</button>
            </span>
        </li>
    }
}

