use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, FileList, HtmlInputElement, KeyboardEvent};

use crate::api::image::{body_bytes, data_uri_mime, data_uri_payload_bytes, human_bytes, BODY_WARN_BYTES};
use crate::api::output::is_safe_image_url;
use crate::api::validate::check_image_url;
use crate::app::{FormState, SettingsState};
use crate::components::field_error::FieldErrorView;

pub fn file_list(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The reference images, in the order they are sent: add by URL (Enter),
/// from files (picker, drop, paste), reorder, remove.
#[component]
pub fn ImageList() -> impl IntoView {
    let form = expect_context::<FormState>();
    let settings = expect_context::<SettingsState>();
    let draft = RwSignal::new(String::new());
    let url_error = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);
    let add = move || {
        let url = draft.get_untracked().trim().to_string();
        match check_image_url(&url) {
            Ok(()) => {
                form.add_image(url);
                draft.set(String::new());
                url_error.set(None);
            }
            Err(e) => url_error.set(Some(e)),
        }
    };
    let add_files = move |files: Vec<File>| form.add_files(files, settings.settings.with_untracked(|s| s.max_side));
    let count = move || form.images.with(Vec::len);
    let body_size = move || form.images.with(|v| body_bytes(v.iter().map(|i| i.url.as_str()), 2_000));

    view! {
        <fieldset
            class="images"
            class:dragging=dragging
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                add_files(ev.data_transfer().and_then(|d| d.files()).map(|l| file_list(&l)).unwrap_or_default());
            }
        >
            <legend>"Reference images"</legend>
            <div class="url-row">
                <input
                    type="url"
                    name="image_url"
                    aria-label="Image URL"
                    placeholder="https://… then Enter"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=draft
                    on:input=move |ev| {
                        draft.set(event_target_value(&ev));
                        url_error.set(None);
                    }
                    on:keydown=move |ev: KeyboardEvent| {
                        if ev.key() == "Enter" && !ev.ctrl_key() && !ev.meta_key() {
                            ev.prevent_default();
                            add();
                        }
                    }
                />
                <button type="button" class="ghost" on:click=move |_| add()>"Add"</button>
            </div>
            {move || url_error.get().map(|e| view! { <p class="field-error" data-field-error="image_url" role="alert">{e}</p> })}
            <div class="file-row">
                <label class="file-pick">
                    <input
                        type="file"
                        name="image_file"
                        accept="image/*"
                        multiple=true
                        on:change=move |ev| {
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                                add_files(input.files().map(|l| file_list(&l)).unwrap_or_default());
                                // The same file can be chosen again.
                                input.set_value("");
                            }
                        }
                    />
                    "Choose files…"
                </label>
                <span class="hint">
                    {move || if dragging.get() { "Drop the images here" } else { "or drop images here, or paste one (Ctrl/⌘+V)" }}
                </span>
            </div>
            {move || (form.pending.get() > 0).then(|| view! {
                <p class="hint" data-testid="images-pending" role="status">"Preparing " {form.pending} " image(s)…"</p>
            })}
            {move || {
                let errs = form.file_errors.get();
                (!errs.is_empty()).then(|| view! {
                    <p class="field-error" data-field-error="image_file" role="alert">{errs.join(" · ")}</p>
                })
            }}
            <ol class="thumbs">
                <For each=move || form.images.get() key=|img| img.id let:img>
                    {
                        let id = img.id;
                        let pos = move || form.images.with(|v| v.iter().position(|x| x.id == id).unwrap_or(0));
                        let is_data = img.url.starts_with("data:");
                        let kind = if img.local.is_some() { "file" } else { "url" };
                        let mime = data_uri_mime(&img.url).map(str::to_string);
                        let sent = if is_data { Some(data_uri_payload_bytes(&img.url)) } else { None };
                        let (label, detail, size, src) = match &img.local {
                            Some(l) => (
                                l.name.clone(),
                                format!("{}×{} · {} sent (file {})", l.width, l.height, human_bytes(sent.unwrap_or(0) as u64), human_bytes(l.original_bytes)),
                                Some(format!("{}x{}", l.width, l.height)),
                                l.preview.clone().unwrap_or_else(|| img.url.clone()),
                            ),
                            None if is_data => ("inline image".to_string(), human_bytes(sent.unwrap_or(0) as u64), None, img.url.clone()),
                            None => (img.url.clone(), String::new(), None, img.url.clone()),
                        };
                        view! {
                            <li
                                data-testid="input-image"
                                data-kind=kind
                                data-url=(!is_data || img.local.is_none()).then(|| img.url.clone())
                                data-type=mime
                                data-size=size
                                data-bytes=sent.map(|b| b.to_string())
                            >
                                // A preview is our own object URL; a typed URL must be web or data:image.
                                {(img.local.is_some() || is_safe_image_url(&src)).then(|| view! {
                                    <img src=src.clone() alt=move || format!("Reference image {}", pos() + 1) loading="lazy"/>
                                })}
                                <span class="thumb-index">{move || pos() + 1}</span>
                                <span class="thumb-text">
                                    <span class="thumb-url" title=label.clone()>{label.clone()}</span>
                                    {(!detail.is_empty()).then(|| view! { <span class="thumb-detail">{detail.clone()}</span> })}
                                </span>
                                <span class="thumb-actions">
                                    <button type="button" class="icon" data-testid="move-earlier" aria-label="Move earlier"
                                        prop:disabled=move || pos() == 0
                                        on:click=move |_| form.move_image(id, -1)>"↑"</button>
                                    <button type="button" class="icon" data-testid="move-later" aria-label="Move later"
                                        prop:disabled=move || { pos() + 1 >= count() }
                                        on:click=move |_| form.move_image(id, 1)>"↓"</button>
                                    <button type="button" class="icon" data-testid="remove-image" aria-label="Remove image"
                                        on:click=move |_| form.remove_image(id)>"✕"</button>
                                </span>
                            </li>
                        }
                    }
                </For>
            </ol>
            {move || (count() == 0).then(|| view! { <p class="hint">"Add one or more images; the first is the main one."</p> })}
            {move || {
                let n = body_size();
                (n > BODY_WARN_BYTES).then(|| view! {
                    <p class="warn" data-testid="body-size-warning" role="status">
                        "The request will be about " {human_bytes(n as u64)}
                        ". Large bodies upload slowly and some servers refuse them; lower the maximum side in Settings or use fewer local images."
                    </p>
                })
            }}
            <FieldErrorView field="image_urls"/>
        </fieldset>
    }
}
