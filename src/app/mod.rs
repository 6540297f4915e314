//! The page: shared state (settings, form, jobs, clock), provided as
//! context, and the layout. Components read signals and send intents.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

mod form;
mod settings;

pub use form::{FormState, InputImage, LocalInfo};
pub use settings::SettingsState;

use crate::api::{ApiError, ErrorKind, FieldError};
use crate::components::field_error::Errors;
use crate::components::gallery::Lightbox;
use crate::components::history::History;
use crate::components::tools::Tools;
use crate::components::{form::EditForm, job_list::JobList, settings::{LanguagePicker, SettingsPanel}};
use crate::i18n::K;
use crate::web::lang::{self, t, I18n};
use crate::jobs::Phase;
use crate::web::store::Jobs;

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

/// The failure of the job the form submitted last, and whether the queue
/// refused the submit itself.
#[derive(Clone, Copy)]
pub struct OwnFailure(pub Memo<Option<(bool, ApiError)>>);

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
    // followed again once a key is committed for their provider: at load,
    // when the key field is committed, or when the provider changes; never
    // at each keystroke.
    Effect::new(move |_| {
        settings.settings.track();
        settings.key_commits.track();
        jobs.resume(&settings.access());
    });
    let clock = Clock::start(jobs);
    // The failure of the job this form submitted (not of a re-run from the
    // history, nor of an older job): `at_submit` when the queue refused
    // the submit itself.
    let own_failure = OwnFailure(Memo::new(move |_| {
        let entry = jobs.list.with(|l| form.own_job.get().and_then(|id| l.iter().find(|e| e.id == id).cloned()))?;
        entry.job.with(|j| j.error.clone().filter(|_| j.phase == Phase::Failed).map(|e| (j.request_id.is_none(), e)))
    }));
    provide_context(own_failure);
    // Every message that blocks a submit or came back from the API.
    let errors = Errors(Memo::new(move |_| {
        let mut errs: Vec<FieldError> = Vec::new();
        if let Some((_, e)) = own_failure.0.get() {
            errs.extend(e.field_errors.iter().map(FieldError::from));
            if e.kind == ErrorKind::Unauthorized {
                errs.push(FieldError::new("api_key", e.user_message()));
            }
        }
        if form.show_errors.get() {
            errs.extend(form.draft().validate().err().unwrap_or_default());
            if form.pending.get() > 0 {
                errs.push(FieldError::new("image_urls", K::ValImagesPending));
            }
            errs.extend(settings.problems());
        } else {
            errs.extend(settings.key_problem());
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
            <crate::components::update::UpdateBanner/>
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
    // The "loading" line of index.html goes once the app is there.
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
}
