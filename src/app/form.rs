//! The edit form's state: one signal per control, the reference images,
//! and loading a request body back into the form.

use leptos::prelude::*;

use crate::api::validate::FormDraft;

use crate::i18n::Msg;

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
    /// The job this form submitted last: its failure (a refused submit, a
    /// 422 at the result) is shown on the form, no other job's.
    pub own_job: RwSignal<Option<u64>>,
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
            own_job: RwSignal::new(None),
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
        self.own_job.set(None);
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
