//! The page's state (settings, form, jobs, clock, errors, gallery),
//! provided as context. State only: the views are in `components`, which
//! read these signals and send intents; nothing here imports a view.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

mod form;
mod settings;

pub use form::{ignored_note, FormState, LocalInfo, Marked};
pub use settings::SettingsState;

use crate::api::{ApiError, EditInput, ErrorKind, FieldError};
use crate::api::OutputImage;
use crate::i18n::{Msg, K};
use crate::web::lang::{self, I18n};
use crate::jobs::plan::plan;
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

/// Every message that currently blocks a submit or came back from the API,
/// by field.
#[derive(Clone, Copy)]
pub struct Errors(pub Memo<Vec<FieldError>>);

impl Errors {
    pub fn for_field(&self, field: &str) -> Vec<Msg> {
        self.0.with(|e| e.iter().filter(|x| x.field == field).map(|x| x.message.clone()).collect())
    }
}

/// What the lightbox shows: a job's images, which one, and its first input
/// for the before/after view.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub images: Vec<OutputImage>,
    pub index: usize,
    /// The image the slider compares with (a job's first input, or the
    /// first of two picked results).
    pub input: Option<String>,
    /// Open on the comparison rather than the image alone.
    pub compare: bool,
    /// The comparison shows the difference (a heat map and the share of
    /// pixels changed) rather than the two pictures.
    pub diff: bool,
}

impl Shown {
    pub fn new(images: Vec<OutputImage>, index: usize, input: Option<String>) -> Self {
        Shown { images, index, input, compare: false, diff: false }
    }
}

/// Results picked for comparison, anywhere in the page, by job and image
/// number (two jobs may return the same URL): at most two; a third pick
/// replaces the older.
#[derive(Clone, Copy)]
pub struct Picks(pub RwSignal<Vec<((u64, usize), OutputImage)>>);

impl Picks {
    pub fn toggle(&self, at: (u64, usize), img: &OutputImage) {
        self.0.update(|p| {
            if let Some(i) = p.iter().position(|x| x.0 == at) {
                p.remove(i);
            } else {
                if p.len() == 2 {
                    p.remove(0);
                }
                p.push((at, img.clone()));
            }
        });
    }

    /// Whether image `at` is picked (tracked).
    pub fn has(&self, at: (u64, usize)) -> bool {
        self.0.with(|p| p.iter().any(|x| x.0 == at))
    }
}

/// The lightbox's content; `None` when closed.
#[derive(Clone, Copy)]
pub struct Gallery(pub RwSignal<Option<Shown>>);

/// The request the form describes now, or every problem with it.
#[derive(Clone, Copy)]
pub struct Request(pub Memo<Result<EditInput, Vec<FieldError>>>);

/// How many jobs the form's request makes (variations, sweeps, one per
/// image), or the problems with those choices. The seeds drawn at submit
/// are not known here; the count is.
#[derive(Clone, Copy)]
pub struct JobCount(pub Memo<Result<usize, Vec<FieldError>>>);

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
    match crate::api::share::decode(&hash) {
        Some(Ok(loaded)) => {
            let notes: Vec<Msg> = std::iter::once(K::NoticeShared.into()).chain(form::ignored_note(&loaded.ignored)).chain(loaded.notes.clone()).collect();
            form.load(loaded);
            form.notice.set(Some(notes));
        }
        Some(Err(problems)) => {
            form.notice.set(Some(vec![K::ShareFailed.into()]));
            form.refuse(problems);
        }
        None => {}
    }
    let jobs = Jobs::new(Signal::derive(move || settings.settings.with(|s| s.copies_mb)));
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
    // A local picture is uploaded as soon as it is added (where the
    // provider has storage), so the upload overlaps typing the prompt, or
    // when a key is committed; never at a keystroke of a base being typed
    // (the key would go to a half-typed origin). Removing it from the form
    // ends its upload (a job that waits for it starts it again).
    Effect::new(move |before: Option<Vec<crate::web::uploads::Key>>| {
        settings.key_commits.track();
        let files: Vec<(String, String)> = form.local.with(|v| v.iter().map(|l| (l.url.clone(), l.name.clone())).collect());
        let keys: Vec<_> = files.iter().map(|(u, _)| crate::api::storage::content_key(u)).collect();
        let gone: Vec<_> = before.unwrap_or_default().into_iter().filter(|k| !keys.contains(k)).collect();
        jobs.uploads.cancel(&gone);
        if let Some(storage) = settings.access().storage_client() {
            for (uri, name) in &files {
                jobs.uploads.want(&storage, uri, name);
            }
        }
        keys
    });
    let clock = Clock::start(jobs);
    // The failure of the job this form submitted (not of a re-run from the
    // history, nor of an older job): `at_submit` when the queue refused
    // the submit itself.
    let own_failure = OwnFailure(Memo::new(move |_| {
        let entry = jobs.list.with(|l| form.own_job.get().and_then(|id| l.iter().find(|e| e.id == id).cloned()))?;
        entry.job.with(|j| j.error.clone().filter(|_| j.phase == Phase::Failed).map(|e| (j.request_id.is_none(), e)))
    }));

    // The draft's request with the regions drawn on its images: marks
    // burned in, a mask as `mask_url`.
    let request = Request(Memo::new(move |_| {
        let first = form.first_image();
        let mut input = form.draft.with(|d| d.validate(first))?;
        let problems = form.regions.with(|v| {
            let ready: Vec<_> = v.iter().map(Marked::ready).collect();
            crate::api::regions::apply(&mut input, &ready)
        });
        if problems.is_empty() { Ok(input) } else { Err(problems) }
    }));
    let count = JobCount(Memo::new(move |_| {
        request.0.with(|r| match r {
            Ok(input) => form.many.with(|m| plan(input.schema, &input.to_body(), &m.choices(), &mut || 0).map(|p| p.len())),
            Err(_) => Ok(1),
        })
    }));
    // Every message that blocks a submit or came back from the API.
    let errors = Errors(Memo::new(move |_| {
        let mut errs: Vec<FieldError> = Vec::new();
        if let Some((_, e)) = own_failure.0.get() {
            errs.extend(e.field_errors.iter().map(FieldError::from));
            if e.kind == ErrorKind::Unauthorized {
                errs.push(FieldError::new("api_key", e.user_message()));
            }
        }
        errs.extend(form.refused_problems());
        if form.show_errors.get() {
            errs.extend(request.0.with(|r| r.as_ref().err().cloned()).unwrap_or_default());
            errs.extend(count.0.with(|c| c.as_ref().err().cloned()).unwrap_or_default());
            if form.pending.get() > 0 {
                errs.push(FieldError::new("image_urls", K::ValImagesPending));
            }
            errs.extend(settings.problems());
        } else {
            errs.extend(settings.key_problem());
        }
        // One message once (files and marks being prepared both say wait).
        let mut seen = Vec::new();
        errs.retain(|e| {
            let first = !seen.contains(e);
            if first {
                seen.push(e.clone());
            }
            first
        });
        errs
    }));
    provide_context(State {
        own_failure,
        request,
        count,
        errors,
        gallery: Gallery(RwSignal::new(None)),
        picks: Picks(RwSignal::new(Vec::new())),
        settings,
        form,
        jobs,
        clock,
    });
}

/// The page's state, in one context: one lookup, compiled once (a context
/// per type compiled the lookup once per type, about 0.5 KB each).
#[derive(Clone, Copy)]
pub struct State {
    pub own_failure: OwnFailure,
    pub request: Request,
    pub count: JobCount,
    pub errors: Errors,
    pub gallery: Gallery,
    pub picks: Picks,
    pub settings: SettingsState,
    pub form: FormState,
    pub jobs: Jobs,
    pub clock: Clock,
}

/// The page's state (`provide_state` gave it).
pub fn state() -> State {
    expect_context::<State>()
}
