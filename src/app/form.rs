//! The edit form's state: the draft (one record, `api::draft`), what is
//! known of the local images and of the first image's size, and the notes
//! a change of model or order leaves. Loading a draft is one call.

use leptos::prelude::*;

use crate::api::draft::{insert_ref, mentions_images, Draft, Loaded};
use crate::api::validate::FirstImage;
use crate::api::FieldError;
use crate::jobs::plan::Many;
use crate::i18n::{Msg, K};
use crate::pixels::region::Region;
use crate::web::storage::{self, Area};

/// The model the form starts with: the one chosen last.
const MODEL_KEY: &str = "qie.model";

/// The model as settings kept it before it moved into the form.
fn model_in_old_settings() -> Option<String> {
    let stored: serde_json::Value = serde_json::from_str(&storage::get(Area::Local, "qie.settings")?).ok()?;
    stored.get("settings")?.get("model")?.as_str().map(str::to_string)
}

/// An image's pixel size; `None` when it could not be read.
type Size = Option<(u32, u32)>;

/// A local file in the form: its data URI is in the draft; this is what
/// the page shows beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalInfo {
    /// The data URI sent (the draft's entry).
    pub url: String,
    pub name: String,
    /// An object URL of the original file; revoked when the image goes.
    pub preview: Option<String>,
    pub width: u32,
    pub height: u32,
    pub original_bytes: u64,
}

/// A region drawn on one of the form's images (by its URL in the draft),
/// and what the page made of it for the request: the marked image or the
/// mask as a PNG data URI, `None` while it is being made (or for "keep
/// the rest", which sends the image as it is).
#[derive(Clone, Debug, PartialEq)]
pub struct Marked {
    pub url: String,
    pub region: Region,
    pub made: Option<String>,
}

impl Marked {
    /// What the request needs of it (`api::regions`).
    pub fn ready(&self) -> crate::api::regions::Ready<'_> {
        crate::api::regions::Ready { url: &self.url, use_: self.region.use_, made: self.made.as_deref() }
    }
}

/// Problems of an import or a link that loaded nothing, shown at their
/// fields while the form is still what it was then.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub at: Draft,
    pub problems: Vec<FieldError>,
}

/// The edit form.
#[derive(Clone, Copy)]
pub struct FormState {
    pub draft: RwSignal<Draft>,
    /// What the page knows of local files (by data URI).
    pub local: RwSignal<Vec<LocalInfo>>,
    /// The pixel sizes of the images that are not local files, read in an
    /// `<img>` when they are added (`None`: it could not be read).
    sizes: RwSignal<Vec<(String, Size)>>,
    /// The form's owner: the size reads end with it.
    owner: StoredValue<Option<Owner>>,
    /// Set by the first submit: from then on problems show as they change.
    pub show_errors: RwSignal<bool>,
    /// The job this form submitted last: its failure (a refused submit, a
    /// 422 at the result) is shown on the form, no other job's.
    pub own_job: RwSignal<Option<u64>>,
    /// Local files still being read and scaled.
    pub pending: RwSignal<u32>,
    /// Something the person should know about the form (filled from a link).
    pub notice: RwSignal<Option<Vec<Msg>>>,
    /// Files that could not be added, with the reason.
    pub file_errors: RwSignal<Vec<Msg>>,
    /// Notes at the fields a change of model reset, each with the value it
    /// set: a note shows while its field still holds that value.
    notes: RwSignal<Vec<(FieldError, serde_json::Value)>>,
    /// An import or link that was refused, with its problems.
    pub refused: RwSignal<Option<Refused>>,
    /// The images were reordered while the prompt names some of them.
    pub refs_moved: RwSignal<bool>,
    /// Variations, sweeps and one job per image: how many jobs a submit
    /// makes (not part of the request, nor of links).
    pub many: RwSignal<Many>,
    /// The regions drawn on the form's images (marks, masks, keep the
    /// rest); they go with the images.
    pub regions: RwSignal<Vec<Marked>>,
    /// The image whose region editor is open (its URL and number).
    pub editing: RwSignal<Option<(String, usize)>>,
    /// A rewrite the person took (`Use it`): the prompt as typed and the
    /// rewrite put in its place (empty: none). A job records what was typed
    /// while the prompt is still that rewrite. (Two signals of a type the
    /// page has already: no new code for a new one.)
    rewrite: (RwSignal<String>, RwSignal<String>),
}

impl FormState {
    pub fn new() -> Self {
        let choice = storage::get(Area::Local, MODEL_KEY).or_else(model_in_old_settings).unwrap_or_default();
        let (model, other) = Draft::model_choice(&choice);
        let draft = RwSignal::new(Draft { model_other: other, ..Draft::for_model(&model) });
        // The model chosen last is the next visit's.
        Effect::new(move |_| {
            let endpoint = draft.with(Draft::endpoint);
            storage::set(Area::Local, MODEL_KEY, &endpoint);
        });
        FormState {
            draft,
            local: RwSignal::new(Vec::new()),
            sizes: RwSignal::new(Vec::new()),
            owner: StoredValue::new(Owner::current()),
            show_errors: RwSignal::new(false),
            own_job: RwSignal::new(None),
            pending: RwSignal::new(0),
            notice: RwSignal::new(None),
            file_errors: RwSignal::new(Vec::new()),
            notes: RwSignal::new(Vec::new()),
            refused: RwSignal::new(None),
            refs_moved: RwSignal::new(false),
            many: RwSignal::new(Many::default()),
            regions: RwSignal::new(Vec::new()),
            editing: RwSignal::new(None),
            rewrite: (RwSignal::new(String::new()), RwSignal::new(String::new())),
        }
    }

    /// What is known of the first image's size (tracked).
    pub fn first_image(&self) -> FirstImage {
        let Some(first) = self.draft.with(|d| d.image_urls.first().cloned()) else {
            return FirstImage::Unknown;
        };
        if let Some(l) = self.local.with(|v| v.iter().find(|l| l.url == first).map(|l| (l.width, l.height))) {
            return FirstImage::Known(l.0, l.1);
        }
        match self.sizes.with(|v| v.iter().find(|(u, _)| *u == first).map(|(_, s)| *s)) {
            Some(Some((w, h))) => FirstImage::Known(w, h),
            Some(None) => FirstImage::Unreadable,
            None => FirstImage::Reading,
        }
    }

    /// Reads an added image's pixel size in an `<img>` (no key, no request
    /// of ours), unless it is known; the read ends with the form.
    fn read_size(&self, url: &str) {
        let known = self.local.with_untracked(|v| v.iter().any(|l| l.url == url)) || self.sizes.with_untracked(|v| v.iter().any(|(u, _)| u == url));
        if known {
            return;
        }
        let (sizes, url) = (self.sizes, url.to_string());
        self.owner.with_value(|o| {
            let read = async move {
                let size = crate::web::images::natural_size(&url).await;
                sizes.update(|v| v.push((url, size)));
            };
            match o {
                Some(o) => o.with(|| crate::web::spawn_scoped(read)),
                None => leptos::task::spawn_local(read),
            }
        });
    }

    /// The local file behind an image, if it is one (untracked: an image
    /// and its file are added together).
    pub fn local_info(&self, url: &str) -> Option<LocalInfo> {
        self.local.with_untracked(|v| v.iter().find(|l| l.url == url).cloned())
    }

    /// Moves to another model (the select's value), keeping what fits.
    pub fn set_model(&self, choice: &str) {
        let mut notes = Vec::new();
        self.draft.update(|d| {
            notes = d.switch_model(choice).into_iter().map(|n| {
                let set = d.value(&n.field);
                (n, set)
            }).collect();
        });
        self.notes.set(notes);
    }

    /// The notes at `field` (tracked).
    pub fn notes_at(&self, field: &str) -> Vec<Msg> {
        self.notes.with(|n| {
            n.iter()
                .filter(|(note, set)| note.field == field && self.draft.with(|d| d.value(field) == *set))
                .map(|(note, _)| note.message.clone())
                .collect()
        })
    }

    /// Puts a loaded draft (a past job, an import, a link) into the form,
    /// replacing everything in it.
    pub fn load(&self, loaded: Loaded) {
        let urls = loaded.draft.image_urls.clone();
        self.draft.set(loaded.draft);
        self.forget_local_except(&urls);
        for u in &urls {
            self.read_size(u);
        }
        self.show_errors.set(false);
        self.own_job.set(None);
        self.notes.set(Vec::new());
        self.refused.set(None);
        self.refs_moved.set(false);
        self.set_rewrite(None);
    }

    /// A rewrite taken (`Some((typed, took))`), or none.
    pub fn set_rewrite(&self, r: Option<(String, String)>) {
        let (typed, took) = r.unwrap_or_default();
        self.rewrite.0.set(typed);
        self.rewrite.1.set(took);
    }

    /// The prompt as typed, while the prompt is a rewrite the person took
    /// (tracked).
    pub fn typed(&self) -> Option<String> {
        let took = self.rewrite.1.with(|t| !t.is_empty() && self.draft.with(|d| d.prompt == *t));
        took.then(|| self.rewrite.0.get())
    }

    /// A load that was refused: nothing in the form changes; the problems
    /// show at their fields until the form is edited.
    pub fn refuse(&self, problems: Vec<FieldError>) {
        let at = self.draft.get_untracked();
        self.refused.set(Some(Refused { at, problems }));
    }

    /// The refused load's problems, while the form is unchanged (tracked).
    pub fn refused_problems(&self) -> Vec<FieldError> {
        self.refused.with(|r| r.as_ref().filter(|r| self.draft.with(|d| *d == r.at)).map(|r| r.problems.clone())).unwrap_or_default()
    }

    fn forget_local_except(&self, keep: &[String]) {
        self.regions.update(|v| v.retain(|m| keep.contains(&m.url)));
        self.sizes.update(|v| v.retain(|(u, _)| keep.contains(u)));
        self.local.update(|v| {
            v.retain(|l| {
                let kept = keep.contains(&l.url);
                if !kept {
                    if let Some(p) = &l.preview {
                        crate::web::images::revoke(p);
                    }
                }
                kept
            })
        });
    }

    pub fn add_image(&self, url: String) {
        self.read_size(&url);
        self.draft.update(|d| d.image_urls.push(url));
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
                    Ok(p) => {
                        let info = LocalInfo { url: p.data_uri.clone(), name: p.name, preview: p.preview, width: p.width, height: p.height, original_bytes: p.original_bytes };
                        form.local.update(|v| v.push(info));
                        form.draft.update(|d| d.image_urls.push(p.data_uri));
                    }
                    Err(e) => form.file_errors.update(|v| v.push(e)),
                }
                form.pending.update(|n| *n = n.saturating_sub(1));
            }
        });
    }

    /// Moves the image at `index` by `delta` places (−1 earlier, +1 later).
    /// If the prompt names images ("image 2"), a note says that those
    /// references now point at other images; the prompt is not rewritten.
    pub fn move_image(&self, index: usize, delta: i32) {
        let mut moved = false;
        self.draft.update(|d| {
            let j = index as i32 + delta;
            if index < d.image_urls.len() && j >= 0 && (j as usize) < d.image_urls.len() {
                d.image_urls.swap(index, j as usize);
                moved = true;
            }
        });
        if moved && self.draft.with_untracked(|d| mentions_images(&d.prompt)) {
            self.refs_moved.set(true);
        }
    }

    pub fn remove_image(&self, index: usize) {
        self.draft.update(|d| {
            if index < d.image_urls.len() {
                d.image_urls.remove(index);
            }
        });
        let urls = self.draft.with_untracked(|d| d.image_urls.clone());
        self.forget_local_except(&urls);
    }

    /// Puts a reference ("image 2") in the prompt in place of the
    /// characters `start..end` (a selection, or the cursor when equal),
    /// counted in UTF-16 units as the browser counts them. Returns where
    /// the cursor goes.
    pub fn insert_in_prompt(&self, start: u32, end: u32, text: &str) -> u32 {
        let mut cursor = 0;
        self.draft.update(|d| cursor = insert_ref(&mut d.prompt, start, end, text));
        cursor
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

/// A note for an import or a link that left out fields.
pub fn ignored_note(ignored: &[String]) -> Option<Msg> {
    (!ignored.is_empty()).then(|| Msg::new(K::ImportIgnored).arg("fields", ignored.join(", ")))
}

mod regions;
