use leptos::prelude::*;
use web_sys::{ClipboardEvent, KeyboardEvent, SubmitEvent};

use crate::api::input::num_text;
use crate::api::size;
use crate::components::controls::TextArea;
use crate::components::images::{file_list, ImageList, PromptRef};
use crate::components::loras::Loras;
use crate::components::many::ManyJobs;
use crate::jobs::plan::plan;
use crate::web::random;
use crate::components::params::{AdvancedParams, CameraParams, MainParams, ModelChoice, ADVANCED_FIELDS};
use crate::i18n::{render_all, Join, Msg, K};
use crate::web::lang::{i18n, t};

/// The edit form. Validation is `Draft::validate` (src/api), the same code
/// the tests check natively; its messages block the submit.
#[component]
pub fn EditForm() -> impl IntoView {
    let form = crate::app::state().form;
    let settings = crate::app::state().settings;
    let jobs = crate::app::state().jobs;
    let advanced_open = RwSignal::new(false);
    let i = i18n();

    let errors = crate::app::state().errors;
    let own_failure = crate::app::state().own_failure;
    let request = crate::app::state().request;
    let prompt_ref = NodeRef::new();
    provide_context(PromptRef(prompt_ref));
    let d = form.draft;
    let count = crate::app::state().count;
    let n_jobs = move || count.0.with(|c| *c.as_ref().unwrap_or(&1));

    let submit = move || {
        let problems = untrack(|| settings.problems());
        let busy = form.pending.get_untracked() > 0;
        // Seeds are drawn here, once: the plan the count showed, with them.
        let mut draw = || (random() * SEED_SPAN) as u64;
        let planned = request.0.get_untracked().and_then(|input| form.many.with_untracked(|m| plan(input.schema, &input.to_body(), &m.choices(), &mut draw)));
        match planned {
            Ok(planned) if problems.is_empty() && !busy => {
                form.show_errors.set(false);
                let (stream, max, feather) = settings.settings.with_untracked(|s| (s.stream_status, s.max_in_flight, s.feather_px));
                let region = form.keep_region(feather);
                let files: Vec<(String, String)> = form.local.with_untracked(|l| l.iter().map(|f| (f.url.clone(), f.name.clone())).collect());
                let ids = jobs.submit(&settings.access(), d.with_untracked(|d| d.endpoint()), planned, stream, max, region, &files, untrack(|| form.typed()));
                form.own_job.set(ids.first().copied());
            }
            result => {
                form.show_errors.set(true);
                if result.err().unwrap_or_default().iter().any(|e| ADVANCED_FIELDS.contains(&e.field.as_str())) {
                    advanced_open.set(true);
                }
            }
        }
    };

    let summary = move || {
        let n = errors.0.with(|e| {
            let mut fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
            fields.dedup();
            fields.len()
        });
        let msg = if form.show_errors.get() && n > 0 {
            Some(if n == 1 { Msg::new(K::FixOneField) } else { Msg::new(K::FixFields).arg("n", n) })
        } else {
            own_failure.0.get().filter(|(at_submit, _)| *at_submit).map(|(_, e)| e.user_message())
        };
        msg.map(|m| view! { <p class="form-error" data-testid="form-error" role="alert">{i.msg(m)}</p> })
    };

    view! {
        <form
            id="edit-form"
            class="panel"
            novalidate=true
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit();
            }
            on:paste=move |ev: ClipboardEvent| {
                let files = ev.clipboard_data().and_then(|d| d.files()).map(|l| file_list(&l)).unwrap_or_default();
                if !files.is_empty() {
                    ev.prevent_default();
                    form.add_files(files, settings.settings.with_untracked(|s| s.max_side));
                }
            }
            on:keydown=move |ev: KeyboardEvent| {
                if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                    ev.prevent_default();
                    submit();
                }
            }
        >
            {move || form.notice.get().map(|n| view! {
                <p class="notice" data-testid="form-notice" role="status">{move || render_all(&n, i.get(), Join::Sentences)}</p>
            })}
            <ModelChoice/>
            // The camera model takes no prompt: the box stays (what was typed
            // is kept for the next model), hidden.
            <div class="prompt-box" hidden=move || !d.with(|d| d.schema().prompt())>
                <TextArea name="prompt" label=K::Prompt placeholder=K::PromptPlaceholder rows=3 bind=crate::components::controls::bind!(d.prompt) node_ref=prompt_ref/>
                <crate::components::rewrite::Rewrite/>
            </div>
            <CameraParams/>
            <ImageList/>
            <MainParams/>
            <Loras/>
            <AdvancedParams open=advanced_open/>
            <ManyJobs/>
            {summary}
            <div class="submit-row">
                <button type="submit" class="primary" data-jobs=move || n_jobs().to_string()>{move || match n_jobs() {
                    1 => i.text(K::Generate).to_string(),
                    n => i.render(&Msg::new(K::GenerateN).arg("n", n)),
                }}</button>
                <CostEstimate/>
                <span class="hint">{t(K::GenerateShortcut)}</span>
            </div>
        </form>
    }
}

/// Seeds are drawn below 2^53 (and wrapped into the model's range).
const SEED_SPAN: f64 = 9_007_199_254_740_992.0;

/// What the request will cost: output megapixels × images × the price per
/// megapixel of the settings. An estimate, and said so.
#[component]
fn CostEstimate() -> impl IntoView {
    let form = crate::app::state().form;
    let settings = crate::app::state().settings;
    let i = i18n();
    let count = crate::app::state().count;
    let price = move || settings.settings.with(|s| s.price_per_mp);
    let estimate = Memo::new(move |_| {
        let first = form.first_image();
        let price = price();
        let jobs = count.0.with(|c| *c.as_ref().unwrap_or(&1));
        form.draft.with(|d| {
            let px = size::draft_pixels(d, first)?;
            // Every job of the submit at the first image's price.
            let cost = size::draft_cost(d, first, price)? * jobs as f64;
            Some((cost, px, d.num_images.trim().to_string(), jobs))
        })
    });
    move || {
        let (text, detail, amount) = match estimate.get() {
            Some((c, px, n, jobs)) => {
                let detail = Msg::new(K::CostDetail).arg("mp", size::megapixels(px)).arg("n", n).arg("price", num_text(price()));
                let text = if jobs == 1 { Msg::new(K::CostEstimate) } else { Msg::new(K::CostEstimateN).arg("n", jobs) };
                (text.arg("amount", size::dollars(c)), Some(detail), Some(num_text(c)))
            }
            None => (Msg::new(K::CostUnknown), None, None),
        };
        view! {
            <span class="cost" data-testid="cost-estimate" data-usd=amount title=detail.map(|d| i.render(&d))>{i.msg(text)}</span>
        }
    }
}
