//! The page: shared state (settings, form, jobs, clock), provided as
//! context, and the layout. Components read signals and send intents.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::api::provider::Settings;
use crate::api::url::check_base;
use crate::api::validate::FormDraft;
use crate::api::{ErrorKind, FieldError};
use crate::components::field_error::Errors;
use crate::components::gallery::Lightbox;
use crate::components::history::History;
use crate::components::tools::Tools;
use crate::components::{form::EditForm, job_list::JobList, settings::{LanguagePicker, SettingsPanel}};
use crate::web::runner::{Access, Jobs};
use crate::i18n::{Msg, K};
use crate::web::lang::{self, t, I18n};
use crate::web::storage::{self, Area};

const SETTINGS_KEY: &str = "qie.settings";
const API_KEY_KEY: &str = "qie.key";
const REMEMBER_KEY: &str = "qie.remember_key";

/// Connection settings and the key.
#[derive(Clone, Copy)]
pub struct SettingsState {
    pub settings: RwSignal<Settings>,
    pub key: RwSignal<String>,
    /// Off: the key lives in this tab's session storage. On: local storage.
    pub remember: RwSignal<bool>,
}

impl SettingsState {
    fn load() -> Self {
        let settings = storage::get(Area::Local, SETTINGS_KEY).and_then(|s| Settings::from_storage(&s)).unwrap_or_default();
        let remember = storage::get(Area::Local, REMEMBER_KEY).as_deref() == Some("1");
        let area = if remember { Area::Local } else { Area::Session };
        let key = storage::get(area, API_KEY_KEY).unwrap_or_default();
        SettingsState { settings: RwSignal::new(settings), key: RwSignal::new(key), remember: RwSignal::new(remember) }
    }

    /// Writes every change back; the key goes only where `remember` says.
    fn persist(self) {
        // The theme: `data-theme` on <html>; none follows the system.
        Effect::new(move |_| {
            let theme = self.settings.with(|s| s.theme.clone());
            if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = match theme.as_str() {
                    "light" | "dark" => html.set_attribute("data-theme", &theme),
                    _ => html.remove_attribute("data-theme"),
                };
            }
        });
        Effect::new(move |_| {
            self.settings.with(|s| storage::set(Area::Local, SETTINGS_KEY, &s.to_storage()));
        });
        Effect::new(move |_| {
            let remember = self.remember.get();
            let key = self.key.get();
            let (keep, drop) = if remember { (Area::Local, Area::Session) } else { (Area::Session, Area::Local) };
            storage::remove(drop, API_KEY_KEY);
            if key.is_empty() {
                storage::remove(keep, API_KEY_KEY);
            } else {
                storage::set(keep, API_KEY_KEY, &key);
            }
            if remember {
                storage::set(Area::Local, REMEMBER_KEY, "1");
            } else {
                storage::remove(Area::Local, REMEMBER_KEY);
            }
        });
    }

    /// How to reach the API now (untracked).
    pub fn access(&self) -> Access {
        let s = self.settings.get_untracked();
        Access { base: s.api_base.trim().to_string(), scheme: s.auth_scheme, key: self.key.get_untracked().trim().to_string() }
    }

    /// Problems that block a submit, by field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.settings.with(|s| s.provider == crate::api::Provider::Demo) {
            return errs;
        }
        if let Err(m) = self.settings.with(|s| check_base(&s.api_base)) {
            errs.push(FieldError::new("api_base", m));
        }
        if self.key.with(|k| k.trim().is_empty()) {
            errs.push(FieldError::new("api_key", K::ValApiKey));
        }
        errs
    }
}

/// One reference image in the form.
#[derive(Clone, Debug, PartialEq)]
pub struct InputImage {
    pub id: u32,
    /// What is sent: a web URL or a data URI.
    pub url: String,
    /// For a local file: its preview and what it weighs.
    pub local: Option<LocalInfo>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LocalInfo {
    pub name: String,
    /// An object URL of the original file; revoked when the image goes.
    pub preview: Option<String>,
    pub width: u32,
    pub height: u32,
    pub original_bytes: u64,
}

/// The edit form's values, one signal per control.
#[derive(Clone, Copy)]
pub struct FormState {
    pub prompt: RwSignal<String>,
    pub images: RwSignal<Vec<InputImage>>,
    pub next_image_id: StoredValue<u32>,
    pub image_size: RwSignal<String>,
    pub image_width: RwSignal<String>,
    pub image_height: RwSignal<String>,
    pub negative_prompt: RwSignal<String>,
    pub num_inference_steps: RwSignal<String>,
    pub guidance_scale: RwSignal<String>,
    pub num_images: RwSignal<String>,
    pub enable_safety_checker: RwSignal<bool>,
    pub output_format: RwSignal<String>,
    pub seed: RwSignal<String>,
    pub acceleration: RwSignal<String>,
    pub sync_mode: RwSignal<bool>,
    /// Set by the first submit: from then on problems show as they change.
    pub show_errors: RwSignal<bool>,
    /// Messages the API sent about fields (422) or the key (401).
    pub server_errors: RwSignal<Vec<FieldError>>,
    /// The API refused the last submit for a reason that names no field.
    pub form_error: RwSignal<Option<Msg>>,
    /// Local files still being read and scaled.
    pub pending: RwSignal<u32>,
    /// Something the person should know about the form (filled from a link).
    pub notice: RwSignal<Option<Msg>>,
    /// Files that could not be added, with the reason.
    pub file_errors: RwSignal<Vec<Msg>>,
}

impl FormState {
    pub fn new() -> Self {
        let d = FormDraft::default();
        FormState {
            prompt: RwSignal::new(d.prompt),
            images: RwSignal::new(Vec::new()),
            next_image_id: StoredValue::new(1),
            image_size: RwSignal::new(d.image_size),
            image_width: RwSignal::new(d.image_width),
            image_height: RwSignal::new(d.image_height),
            negative_prompt: RwSignal::new(d.negative_prompt),
            num_inference_steps: RwSignal::new(d.num_inference_steps),
            guidance_scale: RwSignal::new(d.guidance_scale),
            num_images: RwSignal::new(d.num_images),
            enable_safety_checker: RwSignal::new(d.enable_safety_checker),
            output_format: RwSignal::new(d.output_format),
            seed: RwSignal::new(d.seed),
            acceleration: RwSignal::new(d.acceleration),
            sync_mode: RwSignal::new(d.sync_mode),
            show_errors: RwSignal::new(false),
            server_errors: RwSignal::new(Vec::new()),
            form_error: RwSignal::new(None),
            pending: RwSignal::new(0),
            notice: RwSignal::new(None),
            file_errors: RwSignal::new(Vec::new()),
        }
    }

    /// The current values (tracked).
    pub fn draft(&self) -> FormDraft {
        FormDraft {
            prompt: self.prompt.get(),
            image_urls: self.images.with(|v| v.iter().map(|i| i.url.clone()).collect()),
            image_size: self.image_size.get(),
            image_width: self.image_width.get(),
            image_height: self.image_height.get(),
            negative_prompt: self.negative_prompt.get(),
            num_inference_steps: self.num_inference_steps.get(),
            guidance_scale: self.guidance_scale.get(),
            num_images: self.num_images.get(),
            enable_safety_checker: self.enable_safety_checker.get(),
            output_format: self.output_format.get(),
            seed: self.seed.get(),
            acceleration: self.acceleration.get(),
            sync_mode: self.sync_mode.get(),
        }
    }

    /// Puts a request body (a past job's, an imported one) into the form.
    pub fn load_body(&self, body: &serde_json::Value) -> Vec<Msg> {
        let (d, notes) = FormDraft::from_body(body);
        self.load_draft(d);
        notes
    }

    pub fn load_draft(&self, d: FormDraft) {
        self.prompt.set(d.prompt);
        self.image_size.set(d.image_size);
        self.image_width.set(d.image_width);
        self.image_height.set(d.image_height);
        self.negative_prompt.set(d.negative_prompt);
        self.num_inference_steps.set(d.num_inference_steps);
        self.guidance_scale.set(d.guidance_scale);
        self.num_images.set(d.num_images);
        self.enable_safety_checker.set(d.enable_safety_checker);
        self.output_format.set(d.output_format);
        self.seed.set(d.seed);
        self.acceleration.set(d.acceleration);
        self.sync_mode.set(d.sync_mode);
        let old: Vec<u32> = self.images.with_untracked(|v| v.iter().map(|i| i.id).collect());
        for id in old {
            self.remove_image(id);
        }
        for url in d.image_urls {
            self.add_image(url);
        }
        self.show_errors.set(false);
        self.server_errors.set(Vec::new());
        self.form_error.set(None);
    }

    pub fn add_image(&self, url: String) {
        self.push_image(url, None);
    }

    fn push_image(&self, url: String, local: Option<LocalInfo>) {
        let id = self.next_image_id.get_value();
        self.next_image_id.set_value(id + 1);
        self.images.update(|v| v.push(InputImage { id, url, local }));
    }

    /// Reads, scales and adds local files, in the order given. Files that
    /// cannot be used are reported in `file_errors`; nothing else changes.
    pub fn add_files(&self, files: Vec<web_sys::File>, max_side: u32) {
        if files.is_empty() {
            return;
        }
        let form = *self;
        form.file_errors.set(Vec::new());
        form.pending.update(|n| *n += files.len() as u32);
        leptos::task::spawn_local(async move {
            for file in files {
                match crate::web::images::prepare(&file, max_side).await {
                    Ok(p) => form.push_image(
                        p.data_uri,
                        Some(LocalInfo { name: p.name, preview: p.preview, width: p.width, height: p.height, original_bytes: p.original_bytes }),
                    ),
                    Err(e) => form.file_errors.update(|v| v.push(e)),
                }
                form.pending.update(|n| *n = n.saturating_sub(1));
            }
        });
    }

    /// Moves image `id` by `delta` places (−1 earlier, +1 later).
    pub fn move_image(&self, id: u32, delta: i32) {
        self.images.update(|v| {
            if let Some(i) = v.iter().position(|x| x.id == id) {
                let j = i as i32 + delta;
                if j >= 0 && (j as usize) < v.len() {
                    v.swap(i, j as usize);
                }
            }
        });
    }

    pub fn remove_image(&self, id: u32) {
        self.images.update(|v| {
            if let Some(preview) = v.iter().find(|x| x.id == id).and_then(|x| x.local.as_ref()?.preview.clone()) {
                crate::web::images::revoke(&preview);
            }
            v.retain(|x| x.id != id)
        });
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

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
