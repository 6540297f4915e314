//! The LoRA list of the models that take LoRAs: up to three, each a path
//! and a scale, added and removed in the form.

use leptos::prelude::*;

use crate::components::keyed::{keyed, Row};

use crate::api::draft::LoraDraft;
use crate::api::input::num_text;
use crate::api::model::{LORA_SCALE, MAX_LORAS};
use crate::components::field_error::{FieldErrorView, FieldNoteView};
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

#[component]
pub fn Loras() -> impl IntoView {
    let f = crate::app::state().form;
    let d = f.draft;
    let takes = move || d.with(|d| d.schema().loras);
    let count = move || d.with(|d| d.loras.len());
    view! {
        <Show when=takes fallback=|| view! { <FieldNoteView field="loras"/> }>
            <fieldset class="loras">
                <legend>{t(K::Loras)}</legend>
                {move || (count() == 0).then(|| view! { <p class="hint">{t(K::LorasEmpty)}</p> })}
                <ol class="lora-list">
                    {keyed(move || (0..count()).map(|index| Row::new(index.to_string(), move || view! { <LoraRow index/> })).collect())}
                </ol>
                <button type="button" class="ghost small" data-testid="add-lora"
                    prop:disabled=move || { count() >= MAX_LORAS }
                    on:click=move |_| d.update(|d| if d.loras.len() < MAX_LORAS { d.loras.push(LoraDraft::default()) })>
                    {t(K::AddLora)}
                </button>
                <FieldErrorView field="loras"/>
            </fieldset>
        </Show>
    }
}

/// One LoRA, bound by its place in the list.
#[component]
fn LoraRow(index: usize) -> impl IntoView {
    let f = crate::app::state().form;
    let d = f.draft;
    let i = i18n();
    let (path, set_path) = create_slice(
        d,
        move |d| d.loras.get(index).map(|l| l.path.clone()).unwrap_or_default(),
        move |d, v: String| {
            if let Some(l) = d.loras.get_mut(index) {
                l.path = v;
            }
        },
    );
    let (scale, set_scale) = create_slice(
        d,
        move |d| d.loras.get(index).map(|l| l.scale.clone()).unwrap_or_default(),
        move |d, v: String| {
            if let Some(l) = d.loras.get_mut(index) {
                l.scale = v;
            }
        },
    );
    let n = index + 1;
    view! {
        <li class="lora" data-testid="lora">
            <label class="lora-path">
                <span class="hint">{t(K::LoraPath)}</span>
                <input name="lora_path" type="text" autocomplete="off" spellcheck="false"
                    prop:value=path on:input=move |ev| set_path.set(event_target_value(&ev))/>
            </label>
            <label class="lora-scale">
                <span class="hint">{t(K::LoraScale)}</span>
                <input name="lora_scale" type="number" inputmode="decimal" step="0.1" min=num_text(LORA_SCALE.0) max=num_text(LORA_SCALE.1)
                    prop:value=scale on:input=move |ev| set_scale.set(event_target_value(&ev))/>
            </label>
            <button type="button" class="icon" data-testid="remove-lora"
                aria-label=move || i.render(&Msg::new(K::RemoveLora).arg("n", n))
                on:click=move |_| d.update(|d| if index < d.loras.len() { d.loras.remove(index); })>"✕"</button>
        </li>
    }
}
