//! The page: shared state (settings, form, jobs, clock), provided as
//! context, and the layout. Components read signals and send intents.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

mod form;
mod settings;

pub use form::{FormState, InputImage, LocalInfo};
pub use settings::SettingsState;

use crate::api::{ErrorKind, FieldError};
use crate::components::field_error::Errors;
use crate::components::gallery::Lightbox;
use crate::components::history::History;
use crate::components::tools::Tools;
use crate::components::{form::EditForm, job_list::JobList, settings::{LanguagePicker, SettingsPanel}};
use crate::i18n::K;
use crate::web::lang::{self, t, I18n};
use crate::web::runner::Jobs;

/// A clock for elapsed times that ticks once a second, and only while a job
/// is running: when no job runs, no timer runs.
#[derive(Clone, Copy)]
pub struct Clock {
    pub now: RwSignal<f64>,
}

impl Clock {
    fn start(jobs: Jobs) -> Self {
        let now = RwSignal::new(crate::web::now());
        let timer: StoredValue<Option<Interval>, LocalStorage> = StoredValue::new_local(None);
        Effect::new(move |_| {
            let active = jobs.any_active();
            now.set(crate::web::now());
            timer.update_value(|t| {
                *t = active.then(|| t.take().unwrap_or_else(|| Interval::new(1_000, move || now.set(crate::web::now()))));
            });
        });
        on_cleanup(move || timer.update_value(|t| *t = None));
        Clock { now }
    }
}

/// Provides the page's state. Split from `App` so component tests can mount
/// parts of the page with the same context.
pub fn provide_state() {
    let settings = SettingsState::load();
    settings.persist();
    let preferred = lang::browser_languages_signal();
    let language = Memo::new(move |_| settings.settings.with(|s| preferred.with(|p| crate::i18n::Lang::resolve(&s.language, p))));
    let i18n = I18n(language.into());
    i18n.sync_document();
    provide_context(i18n);
    let form = FormState::new();
    // A share link fills the form and does nothing else.
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    if let Some(d) = crate::api::share::decode(&hash) {
        form.load_draft(d);
        form.notice.set(Some(K::NoticeShared.into()));
    }
    let jobs = Jobs::new();
    jobs.load();
    // Jobs still running (after a reload, or left by a closed tab) are
    // followed again as soon as there is a key for their provider.
    Effect::new(move |_| {
        settings.settings.track();
        settings.key.track();
        jobs.resume(&settings.access());
    });
    let clock = Clock::start(jobs);
    // A failed job's messages about fields (422) or the key (401) are shown
    // next to those fields.
    Effect::new(move |_| {
        if let Some(f) = jobs.last_failure.get() {
            let e = f.error;
            if f.at_submit {
                form.form_error.set(Some(e.user_message()));
            }
            let mut errs: Vec<FieldError> = e.field_errors.iter().map(FieldError::from).collect();
            if e.kind == ErrorKind::Unauthorized {
                errs.push(FieldError::new("api_key", e.user_message()));
            }
            if !errs.is_empty() {
                form.server_errors.set(errs);
            }
        }
    });
    // Every message that blocks a submit or came back from the API.
    let errors = Errors(Memo::new(move |_| {
        let mut errs: Vec<FieldError> = form.server_errors.get();
        if form.show_errors.get() {
            errs.extend(form.draft().validate().err().unwrap_or_default());
            if form.pending.get() > 0 {
                errs.push(FieldError::new("image_urls", K::ValImagesPending));
            }
            errs.extend(settings.problems());
        }
        errs
    }));
    provide_context(errors);
    provide_context(crate::components::gallery::Gallery(RwSignal::new(None)));
    provide_context(settings);
    provide_context(form);
    provide_context(jobs);
    provide_context(clock);
}

#[component]
pub fn App() -> impl IntoView {
    provide_state();
    view! {
        <header class="top">
            <div class="top-text">
                <h1>{t(K::AppTitle)}</h1>
                <p class="tagline">{t(K::AppTagline)}</p>
            </div>
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
    }
}

pub fn mount() {
    mount_to_body(App);
}
