use leptos::prelude::*;
use web_sys::KeyboardEvent;

use crate::api::output::is_safe_image_url;
use crate::api::validate::check_image_url;
use crate::app::FormState;
use crate::components::field_error::FieldErrorView;

/// The reference images: add by URL (Enter), reorder, remove.
#[component]
pub fn ImageList() -> impl IntoView {
    let form = expect_context::<FormState>();
    let draft = RwSignal::new(String::new());
    let url_error = RwSignal::new(None::<String>);
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
    let count = move || form.images.with(Vec::len);
    view! {
        <fieldset class="images">
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
            <ol class="thumbs">
                <For each=move || form.images.get() key=|img| img.id let:img>
                    {
                        let id = img.id;
                        let pos = move || form.images.with(|v| v.iter().position(|x| x.id == id).unwrap_or(0));
                        let short = if img.url.starts_with("data:") { "inline image".to_string() } else { img.url.clone() };
                        view! {
                            <li data-testid="input-image" data-url=img.url.clone()>
                                {is_safe_image_url(&img.url).then(|| view! {
                                    <img src=img.url.clone() alt=move || format!("Reference image {}", pos() + 1) loading="lazy"/>
                                })}
                                <span class="thumb-index">{move || pos() + 1}</span>
                                <span class="thumb-url" title=short.clone()>{short.clone()}</span>
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
            {move || (count() == 0).then(|| view! { <p class="hint">"Add one or more images by URL; the first is the main one."</p> })}
            <FieldErrorView field="image_urls"/>
        </fieldset>
    }
}
