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
    }
}

pub fn mount() {
    mount_to_body(App);
    // The "loading" line of index.html goes once the app is there.
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
}
