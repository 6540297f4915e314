//! Chains of edits (issue 23): what a step says it did, and the replay of
//! a path (original to a chosen step) on a new first picture. The chain
//! view itself is the history's (its items, indented by depth).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::api::camera::words;
use crate::api::validate::check_image_url;
use crate::i18n::{Msg, K};
use crate::jobs::chain::Source;
use crate::jobs::replay::Seeds;
use crate::jobs::Job;
use crate::web::lang::{i18n, t};

/// What a step says it did: its prompt, or (the angles model) its view.
pub fn said(j: &Job) -> Msg {
    match j.body.get("prompt").and_then(|p| p.as_str()) {
        Some(p) => Msg::verbatim(p),
        None => {
            let n = |f: &str, d: f64| j.body.get(f).and_then(|v| v.as_f64()).unwrap_or(d);
            let [side, height, distance] = words(n("horizontal_angle", 0.0), n("vertical_angle", 0.0), n("zoom", 5.0));
            Msg::new(K::ViewWords).arg_msg("side", side).arg_msg("height", height).arg_msg("distance", distance)
        }
    }
}

/// The new first picture and the seeds; Start sends the first step.
#[component]
pub fn ReplayForm(ids: Vec<u64>, replaying: RwSignal<Option<u64>>, shown: RwSignal<Option<u64>>) -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let settings = crate::app::state().settings;
    let i = i18n();
    let url = RwSignal::new(String::new());
    // A local file, read and scaled as the form does: (data URI, name).
    let file = RwSignal::new(None::<(String, String)>);
    let new_seeds = RwSignal::new(false);
    let problem = RwSignal::new(None::<Msg>);
    let n = ids.len();
    let pick = move |ev: leptos::ev::Event| {
        let Some(f) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).and_then(|i| i.files()).and_then(|l| l.get(0)) else { return };
        let max_side = settings.settings.with_untracked(|s| s.max_side);
        leptos::task::spawn_local(async move {
            match crate::web::images::prepare(&f, max_side).await {
                Ok(p) => {
                    problem.set(None);
                    file.set(Some((p.data_uri, p.name)));
                }
                Err(m) => problem.set(Some(m)),
            }
        });
    };
    let start = move |_| {
        let typed = url.get_untracked().trim().to_string();
        let (first, source) = match file.get_untracked() {
            Some((uri, name)) if typed.is_empty() => (uri, Source::File { name }),
            _ => match check_image_url(&typed) {
                Ok(()) => (typed, Source::Url),
                Err(k) => return problem.set(Some(k.into())),
            },
        };
        if let Some(e) = settings.problems().into_iter().next() {
            return problem.set(Some(e.message));
        }
        let path: Vec<Job> = ids.iter().filter_map(|id| jobs.list.with_untracked(|l| l.iter().find(|e| e.id == *id).map(|e| e.job.get_untracked()))).collect();
        let (stream, max) = settings.settings.with_untracked(|s| (s.stream_status, s.max_in_flight));
        let seeds = if new_seeds.get_untracked() { Seeds::New } else { Seeds::Kept };
        jobs.replay(&settings.access(), &path, &first, source, seeds, stream, max);
        replaying.set(None);
        shown.set(None);
    };
    view! {
        <div class="replay-form confirm" data-testid="replay-form" role="group" aria-label=t(K::ReplayChain)>
            <p>{i.render(&Msg::count(K::ReplayAskOne, K::ReplayAsk, n))}</p>
            <input type="url" name="image_url" aria-label=t(K::ImageUrl) placeholder=t(K::ImageUrlPlaceholder) autocomplete="off" spellcheck="false"
                prop:value=url on:input=move |ev| { url.set(event_target_value(&ev)); problem.set(None); }/>
            <label class="file-pick">
                <input type="file" name="image_file" accept="image/*" on:change=pick/>
                {move || file.with(|f| f.as_ref().map(|(_, name)| name.clone())).unwrap_or_else(|| i.text(K::ChooseFiles).to_string())}
            </label>
            <label class="check">
                <input type="checkbox" name="replay_new_seeds" prop:checked=new_seeds on:change=move |ev| new_seeds.set(event_target_checked(&ev))/>
                {t(K::ReplayNewSeeds)}
            </label>
            {move || problem.get().map(|m| view! { <p class="field-error" data-testid="replay-problem" role="alert">{i.msg(m)}</p> })}
            <button type="button" class="primary small" data-testid="replay-start" on:click=start>{t(K::ReplayStart)}</button>
            <button type="button" class="ghost small" on:click=move |_| replaying.set(None)>{t(K::RetryNo)}</button>
        </div>
    }
}
