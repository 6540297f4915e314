use leptos::prelude::*;

use crate::components::keyed::{keyed, Row};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, FileList, HtmlInputElement, KeyboardEvent};

use crate::api::image::{body_bytes, data_uri_mime, data_uri_payload_bytes, human_bytes, BODY_WARN_BYTES};
use crate::api::output::is_safe_image_url;
use crate::api::storage::Upload;
use crate::api::validate::check_image_url;
use crate::components::field_error::FieldErrorView;
use crate::pixels::region::RegionUse;
use crate::i18n::{render_all, Join, Msg, K};
use crate::web::lang::{i18n, t};

pub fn file_list(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The reference images, in the order they are sent: add by URL (Enter),
/// from files (picker, drop, paste), reorder, remove.
#[component]
pub fn ImageList() -> impl IntoView {
    let form = crate::app::state().form;
    let settings = crate::app::state().settings;
    let draft = RwSignal::new(String::new());
    let url_error = RwSignal::new(None::<K>);
    let i = i18n();
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
    let count = move || form.draft.with(|d| d.image_urls.len());
    // What the request will carry: an uploaded picture is its URL.
    let uploads = crate::app::state().jobs.uploads;
    let body_size = move || {
        let sent: Vec<String> = form.draft.with(|d| d.image_urls.iter().map(|u| match uploads.state(u) {
            Some(Upload::Done(url)) => url,
            _ => u.clone(),
        }).collect());
        body_bytes(sent.iter().map(String::as_str), 2_000)
    };

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
            <legend>{t(K::ImagesLegend)}</legend>
            <div class="url-row">
                <input
                    type="url"
                    name="image_url"
                    aria-label=t(K::ImageUrl)
                    placeholder=t(K::ImageUrlPlaceholder)
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
                <button type="button" class="ghost" on:click=move |_| add()>{t(K::Add)}</button>
            </div>
            {move || url_error.get().map(|e| view! { <p class="field-error" data-field-error="image_url" role="alert">{t(e)}</p> })}
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
                    {t(K::ChooseFiles)}
                </label>
                <span class="hint">
                    {move || i.text(if dragging.get() { K::DropHere } else { K::DropOrPaste })}
                </span>
            </div>
            {move || (form.pending.get() > 0).then(|| view! {
                <p class="hint" data-testid="images-pending" role="status">
                    {move || i.render(&Msg::count(K::ImagesPreparingOne, K::ImagesPreparing, form.pending.get() as usize))}
                </p>
            })}
            {move || {
                let errs = form.file_errors.get();
                (!errs.is_empty()).then(|| view! {
                    <p class="field-error" data-field-error="image_file" role="alert">{move || render_all(&errs, i.get(), Join::Items)}</p>
                })
            }}
            <ol class="thumbs">
                {keyed(move || form.draft.with(|d| d.image_urls.iter().enumerate().map(|(index, url)| {
                    let url = url.clone();
                    Row::new(format!("{index} {url}"), move || view! { <Thumb index url count=Signal::derive(count)/> })
                }).collect()))}
            </ol>
            {move || form.refs_moved.get().then(|| view! {
                <p class="warn" data-testid="refs-moved" role="status">
                    {t(K::RefsMoved)} " "
                    <button type="button" class="ghost small" on:click=move |_| form.refs_moved.set(false)>{t(K::RefsMovedOk)}</button>
                </p>
            })}
            {move || (count() == 0).then(|| view! { <p class="hint">{t(K::ImagesEmpty)}</p> })}
            {move || {
                let n = body_size();
                (n > BODY_WARN_BYTES).then(|| view! {
                    <p class="warn" data-testid="body-size-warning" role="status">
                        {move || i.render(&Msg::new(K::BodyTooBig).arg("size", human_bytes(n as u64)))}
                    </p>
                })
            }}
            <FieldErrorView field="image_urls"/>
        </fieldset>
    }
}

/// One reference image: its number ("Image 2", as Qwen's guides refer to
/// inputs), a button that puts its reference into the prompt, and moves.
#[component]
fn Thumb(index: usize, url: String, count: Signal<usize>) -> impl IntoView {
    let form = crate::app::state().form;
    let uploads = crate::app::state().jobs.uploads;
    let prompt = expect_context::<PromptRef>();
    let i = i18n();
    let n = index + 1;
    let local = form.local_info(&url);
    let is_data = url.starts_with("data:");
    let kind = if local.is_some() { "file" } else { "url" };
    let mime = data_uri_mime(&url).map(str::to_string);
    let sent = if is_data { Some(data_uri_payload_bytes(&url)) } else { None };
    let sent_text = human_bytes(sent.unwrap_or(0) as u64);
    let (label, detail, size, src) = match &local {
        Some(l) => (
            Msg::verbatim(&l.name),
            Some(Msg::new(K::ThumbLocalDetail).arg("w", l.width).arg("h", l.height).arg("sent", sent_text).arg("file", human_bytes(l.original_bytes))),
            Some(format!("{}x{}", l.width, l.height)),
            l.preview.clone().unwrap_or_else(|| url.clone()),
        ),
        None if is_data => (Msg::new(K::ThumbInline), Some(Msg::verbatim(sent_text)), None, url.clone()),
        None => (Msg::verbatim(&url), None, None, url.clone()),
    };
    let label = i.msg(label);
    let insert = move |_| {
        let reference = i.render(&Msg::new(K::ImageRef).arg("n", n));
        let el = prompt.0.get_untracked();
        let sel = el.as_ref().map(|e| (e.selection_start().ok().flatten(), e.selection_end().ok().flatten()));
        let (start, end) = match sel {
            Some((Some(a), Some(b))) => (a, b),
            _ => (u32::MAX, u32::MAX),
        };
        let cursor = form.insert_in_prompt(start, end, &reference);
        if let Some(el) = el {
            // The new text now, so the cursor can be put after the reference
            // (the binding writes the same value again, which keeps it).
            el.set_value(&form.draft.with_untracked(|d| d.prompt.clone()));
            let _ = el.focus();
            let _ = el.set_selection_range(cursor, cursor);
        }
    };
    let marked = {
        let url = url.clone();
        move || form.regions.with(|v| v.iter().find(|m| m.url == url).map(|m| (m.region.use_, m.region.shapes.len())))
    };
    let mark = {
        let url = url.clone();
        move |_| form.editing.set(Some((url.clone(), n)))
    };
    view! {
        <li
            data-testid="input-image"
            data-uploaded={
                let url = url.clone();
                move || match uploads.state(&url) {
                    Some(Upload::Done(u)) => Some(u),
                    _ => None,
                }
            }
            data-kind=kind
            data-url=(!is_data || local.is_none()).then(|| url.clone())
            data-type=mime
            data-size=size
            data-bytes=sent.map(|b| b.to_string())
        >
            // A preview is our own object URL; a typed URL must be web or data:image.
            {(local.is_some() || is_safe_image_url(&src)).then(|| view! {
                <img src=src.clone() alt=move || i.render(&Msg::new(K::ThumbAlt).arg("n", n)) loading="lazy"/>
            })}
            <span class="thumb-index" data-testid="image-number">{move || i.render(&Msg::new(K::ImageNumber).arg("n", n))}</span>
            {move || marked().map(|(u, count)| {
                let k = match u {
                    RegionUse::Marks => K::HasRegionMarks,
                    RegionUse::Mask => K::HasRegionMask,
                    RegionUse::Keep => K::HasRegionKeep,
                };
                view! { <span class="badge" data-testid="has-region" data-use=u.as_str() data-shapes=count>{move || i.render(&Msg::new(k).arg("n", count))}</span> }
            })}
            <span class="thumb-text">
                <span class="thumb-url" title=label.clone()>{label.clone()}</span>
                {detail.map(|d| view! { <span class="thumb-detail">{i.msg(d)}</span> })}
                {is_data.then(|| view! { <UploadLine url=url.clone() name=local.as_ref().map(|l| l.name.clone()).unwrap_or_default()/> })}
            </span>
            <span class="thumb-actions">
                <button type="button" class="ghost small" data-testid="insert-ref"
                    title=move || i.render(&Msg::new(K::InsertRef).arg("n", n))
                    on:click=insert>{move || format!("+ {}", i.render(&Msg::new(K::ImageRef).arg("n", n)))}</button>
                <button type="button" class="ghost small" data-testid="mark"
                    title=move || i.render(&Msg::new(K::MarkTitle).arg("n", n))
                    on:click=mark>{t(K::Mark)}</button>
                <button type="button" class="icon" data-testid="move-earlier" aria-label=t(K::MoveEarlier)
                    prop:disabled=index == 0
                    on:click=move |_| form.move_image(index, -1)>"↑"</button>
                <button type="button" class="icon" data-testid="move-later" aria-label=t(K::MoveLater)
                    prop:disabled=move || { n >= count.get() }
                    on:click=move |_| form.move_image(index, 1)>"↓"</button>
                <button type="button" class="icon" data-testid="remove-image" aria-label=t(K::RemoveImage)
                    on:click=move |_| form.remove_image(index)>"✕"</button>
            </span>
        </li>
    }
}

/// A picture's upload, in its row: the bytes sent while it goes; what went
/// wrong, with Retry, when it failed (once done, the row's `data-uploaded`
/// holds the URL).
#[component]
fn UploadLine(url: String, name: String) -> impl IntoView {
    let st = crate::app::state();
    let i = i18n();
    let state = {
        let url = url.clone();
        move || st.jobs.uploads.state(&url)
    };
    let retry = move |_| {
        if let Some(storage) = st.settings.access().storage_client() {
            st.jobs.uploads.retry(&storage, &url, &name);
        }
    };
    move || match state()? {
        Upload::Running { loaded, total } => {
            let text = Msg::new(K::UploadRunning).arg("loaded", human_bytes(loaded)).arg("total", human_bytes(total)).arg("percent", loaded * 100 / total.max(1));
            Some(view! { <span class="thumb-detail" data-testid="upload-progress" data-loaded=loaded data-total=total role="status">{i.msg(text)}</span> }.into_any())
        }
        Upload::Done(_) => None,
        Upload::Failed(e) => Some(view! {
            <span class="thumb-detail field-error" data-testid="upload-error" role="alert">
                {i.msg(e.message())} " " {t(K::UploadInline)} " "
                <button type="button" class="ghost small" data-testid="upload-retry" on:click=retry.clone()>{t(K::UploadRetry)}</button>
            </span>
        }.into_any()),
    }
}

/// The prompt's textarea, for putting references at its cursor.
#[derive(Clone, Copy)]
pub struct PromptRef(pub NodeRef<leptos::html::Textarea>);
