//! The page's layout: the header, the request column (settings, form,
//! tools) and the jobs column (cards, history), and the lightbox.

use leptos::prelude::*;

use crate::app::provide_state;
use crate::components::gallery::Lightbox;
use crate::components::history::History;
use crate::components::results::CompareBar;
use crate::components::tools::Tools;
use crate::components::update::UpdateBanner;
use crate::components::{form::EditForm, job_list::JobList, settings::{LanguagePicker, SettingsPanel}};
use crate::i18n::K;
use crate::web::lang::t;

#[component]
pub fn App() -> impl IntoView {
    provide_state();
    view! {
        <header class="top">
            <div class="top-text">
                <h1>{t(K::AppTitle)}</h1>
                <p class="tagline">{t(K::AppTagline)}</p>
            </div>
            <UpdateBanner/>
            <LanguagePicker/>
        </header>
        <main class="layout">
            <section class="col col-form" aria-label=t(K::SectionRequest)>
                <SettingsPanel/>
                <EditForm/>
                <Tools/>
            </section>
            <section class="col col-jobs" aria-label=t(K::SectionJobs)>
                <JobList/>
                <History/>
            </section>
        </main>
        <Lightbox/>
        <CompareBar/>
        <crate::components::region_editor::RegionEditorHost/>
    }
}

pub fn mount() {
    mount_to_body(App);
    let Some(window) = web_sys::window() else { return };
    // The "loading" line of index.html goes once the app is there.
    if let Some(boot) = window.document().and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    // The first screen index.html painted (built from this app) hands over
    // what was typed and chosen there, and a Generate asked for early, then
    // goes: boot.js's `qieTakeover`, in this task, before the next paint.
    use wasm_bindgen::JsCast;
    if let Ok(takeover) = js_sys::Reflect::get(&window, &"qieTakeover".into()) {
        if let Some(f) = takeover.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(&window);
        }
    }
}
