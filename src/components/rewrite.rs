//! Improve: the prompt rewrite beside the prompt. It sends the prompt and
//! the form's images (marks burned in) to the vision model
//! (`Jobs::improve`), shows the proposal as a difference against what was
//! typed, editable; Use it puts it in the prompt (undo puts back what was
//! typed), Keep mine leaves the prompt. Nothing is ever submitted to the
//! edit model from here, and a failure never changes the prompt.

use leptos::prelude::*;

use crate::api::rewrite::{self, body};
use crate::api::words::{diff, html};
use crate::components::job_card::phase_label;
use crate::i18n::{Msg, K};
use crate::jobs::Phase;
use crate::web::lang::{i18n, t};

/// What the rewrite shows.
enum Shown {
    Running(Phase),
    /// Nothing came of it (or nothing was sent), and why.
    Failed(Msg),
    /// What was typed (and sent), and what came back.
    Proposal(String, crate::api::output::Said),
}

#[component]
pub fn Rewrite() -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let form = crate::app::state().form;
    let settings = crate::app::state().settings;
    let i = i18n();
    // A problem found before anything was sent (no prompt, no key, images
    // still being prepared).
    let problem = RwSignal::new(None::<Msg>);
    // The proposal, as the person may have edited it.
    let edited = NodeRef::<leptos::html::Textarea>::new();
    // What the rewrite shows now (no memo: after it ends, its job no
    // longer changes).
    let shown = move || {
        if let Some(p) = problem.get() {
            return Some(Shown::Failed(p));
        }
        jobs.rewrite.with(|r| {
            r.first()?.job.with(|j| {
                if j.phase.is_active() && j.paused.is_none() {
                    return Some(Shown::Running(j.phase));
                }
                if let Some(m) = crate::jobs::rewrite::failure(j) {
                    return Some(Shown::Failed(m));
                }
                let said = j.output.as_ref()?.said.clone()?;
                Some(Shown::Proposal(j.body["prompt"].as_str().unwrap_or_default().to_string(), said))
            })
        })
    };
    let improve = move |_| {
        problem.set(None);
        let prompt = form.draft.with_untracked(|d| d.prompt.clone());
        let urls = form.draft.with_untracked(|d| d.image_urls.clone());
        let images = form.regions.with_untracked(|v| {
            let ready: Vec<_> = v.iter().map(crate::app::Marked::ready).collect();
            rewrite::images(&urls, &ready)
        });
        let why = if prompt.trim().is_empty() {
            Some(K::RewriteNoPrompt.into())
        } else if let Some(e) = untrack(|| settings.problems()).into_iter().next() {
            Some(e.message)
        } else if images.is_none() || form.pending.get_untracked() > 0 {
            Some(K::ValImagesPending.into())
        } else {
            None
        };
        if why.is_some() {
            jobs.cancel_rewrite();
            problem.set(why);
            return;
        }
        let (model, temperature, stream, max) = settings.settings.with_untracked(|s| (s.rewrite_model.clone(), s.rewrite_temperature, s.stream_status, s.max_in_flight));
        jobs.improve(&settings.access(), body(&prompt, &images.unwrap_or_default(), &model, temperature), stream, max);
    };
    let use_it = move |_| {
        let Some(took) = edited.get_untracked().map(|t| t.value()) else { return };
        let typed = form.draft.with_untracked(|d| d.prompt.clone());
        form.draft.update(|d| d.prompt = took.clone());
        form.set_rewrite(Some((typed, took)));
        jobs.cancel_rewrite();
    };
    let undo = move |_| {
        if let Some(typed) = untrack(|| form.typed()) {
            form.draft.update(|d| d.prompt = typed);
        }
        form.set_rewrite(None);
    };

    view! {
        <div class="rewrite">
            <button type="button" class="ghost small" data-testid="improve-prompt" title=t(K::ImprovePromptTitle)
                disabled=move || matches!(shown(), Some(Shown::Running(_))) on:click=improve>{t(K::ImprovePrompt)}</button>
            {move || shown().map(|s| match s {
                Shown::Running(phase) => view! {
                    <span class="hint" data-testid="rewrite-running" role="status">
                        {i.msg(Msg::new(K::RewriteRunning).arg_msg("phase", phase_label(phase)))}
                        " "
                        <button type="button" class="ghost small" data-testid="rewrite-cancel" on:click=move |_| jobs.cancel_rewrite()>{t(K::Cancel)}</button>
                    </span>
                }.into_any(),
                Shown::Failed(m) => view! { <p class="form-error" data-testid="rewrite-error" role="alert">{i.msg(m)}</p> }.into_any(),
                Shown::Proposal(typed, said) => view! {
                <div class="rewrite-proposal" data-testid="rewrite-proposal">
                    <p class="rewrite-diff" aria-label=t(K::RewriteDiff) inner_html=html(&diff(&typed, &said.text))></p>
                    <textarea name="rewrite_text" aria-label=t(K::RewriteText) rows=3 node_ref=edited prop:value=said.text.clone()></textarea>
                    <div class="row">
                        <button type="button" class="primary small" data-testid="rewrite-use" on:click=use_it>{t(K::RewriteUse)}</button>
                        <button type="button" class="ghost small" data-testid="rewrite-keep" on:click=move |_| jobs.cancel_rewrite()>{t(K::RewriteKeep)}</button>
                        // What it cost (and whether it was cut), in one line.
                        <span class="hint" data-testid="rewrite-cost" data-usd=said.cost.map(crate::api::input::num_text)>{move || {
                            let cost = said.cost.map(|usd| i.render(&Msg::new(K::RewriteCost).arg("usd", crate::api::size::fine_dollars(usd))));
                            let cut = said.cut.then(|| i.render(&Msg::new(K::RewriteCut).arg("n", rewrite::MAX_CHARS)));
                            [cost, cut].into_iter().flatten().collect::<Vec<_>>().join(" ")
                        }}</span>
                    </div>
                </div>
                }.into_any(),
            })}
            {move || form.typed().map(|typed| view! {
                <p class="hint rewrite-typed" data-testid="rewrite-in-use" data-typed-prompt=typed.clone()>
                    {i.msg(Msg::new(K::RewriteInUse).arg("typed", &typed))} " "
                    <button type="button" class="ghost small" data-testid="rewrite-undo" on:click=undo>{t(K::RewriteUndo)}</button>
                </p>
            })}
        </div>
    }
}
