//! The model and its parameters: every field, its limits and choices
//! follow the chosen model's schema (`api::model`).

use leptos::prelude::*;

use crate::api::input::{SizePreset, NUM_IMAGES_RANGE, SEED_MAX, SIDE_RANGE};
use crate::api::model::{FAMILY, OTHER, SIZE_FOLLOWS, SIZE_MATCH};
use crate::api::validate::{side_hint, FirstImage};
use crate::app::FormState;
use crate::components::controls::{CheckBox, NumberInput, Options, Select, TextArea, TextInput};
use crate::components::field_error::FieldErrorView;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

fn range(min: impl ToString, max: impl ToString, default: impl ToString) -> Msg {
    Msg::new(K::RangeHint).arg("min", min).arg("max", max).arg("default", default)
}

fn label_of(value: &str) -> K {
    match value {
        "png" => K::FormatPng,
        "jpeg" => K::FormatJpeg,
        "webp" => K::FormatWebp,
        "regular" => K::AccelerationRegular,
        "none" => K::AccelerationNone,
        _ => K::AccelerationHigh,
    }
}

/// The model select (the family and "Other…") and, for "Other…", the
/// endpoint.
#[component]
pub fn ModelChoice() -> impl IntoView {
    let f = expect_context::<FormState>();
    let d = f.draft;
    let model = (Signal::derive(move || d.with(|d| d.model.clone())), SignalSetter::map(move |v: String| f.set_model(&v)));
    let mut list: Options = FAMILY.iter().map(|s| (s.id.to_string(), Msg::verbatim(s.id))).collect();
    list.push((OTHER.into(), K::ModelOtherOption.into()));
    let other = move || d.with(|d| d.model == OTHER);
    view! {
        <div class="grid2 model-row">
            <Select name="model" label=K::Model bind=model options=list/>
            <Show when=other>
                <TextInput name="model_other" label=K::ModelOther bind=slice!(d.model_other) hint=Msg::new(K::ModelOtherHint)/>
            </Show>
        </div>
    }
}

/// Size, count and format: the parameters most people touch.
#[component]
pub fn MainParams() -> impl IntoView {
    let f = expect_context::<FormState>();
    let d = f.draft;
    let schema = Memo::new(move |_| d.with(|d| d.schema()));
    let sizes = Signal::derive(move || {
        let s = schema.get();
        let mut list = Vec::new();
        if s.size_follows_input {
            list.push((SIZE_FOLLOWS.to_string(), Msg::new(K::SizeFollows)));
        }
        list.extend(SizePreset::ALL.iter().map(|p| (p.api_name().to_string(), Msg::new(p.label()))));
        if !s.size_follows_input {
            list.push((SIZE_MATCH.to_string(), Msg::new(K::SizeMatch)));
        }
        list.push(("custom".to_string(), Msg::new(K::SizeCustom)));
        list
    });
    let formats = Signal::derive(move || schema.get().formats.iter().map(|v| (v.to_string(), Msg::new(label_of(v)))).collect::<Options>());
    let custom = move || d.with(|d| d.image_size == "custom");
    let (lo, hi) = (SIDE_RANGE.0.to_string(), SIDE_RANGE.1.to_string());
    view! {
        <div class="grid3">
            <Select name="image_size" label=K::ImageSize bind=slice!(d.image_size) options=sizes/>
            <NumberInput name="num_images" label=K::NumImages bind=slice!(d.num_images) min=NUM_IMAGES_RANGE.0.to_string() max=NUM_IMAGES_RANGE.1.to_string() step="1"
                hint=range(NUM_IMAGES_RANGE.0, NUM_IMAGES_RANGE.1, 1)/>
            <Select name="output_format" label=K::OutputFormat bind=slice!(d.output_format) options=formats/>
        </div>
        <SizePreview/>
        <Show when=custom>
            <div class="grid2">
                <NumberInput name="image_width" label=K::ImageWidth bind=slice!(d.image_width) min=lo.clone() max=hi.clone() step="8"/>
                <NumberInput name="image_height" label=K::ImageHeight bind=slice!(d.image_height) min=lo.clone() max=hi.clone() step="8"/>
            </div>
            {move || {
                let hint = d.with(|d| side_hint(&d.image_width).or(side_hint(&d.image_height)));
                hint.map(|h| view! { <p class="hint">{t(h)}</p> })
            }}
        </Show>
    }
}

/// "Match the first image": the size it will send, or why it cannot.
#[component]
fn SizePreview() -> impl IntoView {
    let f = expect_context::<FormState>();
    let i = i18n();
    let matching = move || f.draft.with(|d| d.image_size == SIZE_MATCH && !d.schema().size_follows_input);
    move || {
        matching().then(|| {
            let first = f.first_image();
            let (msg, size) = match (first, f.draft.with(|d| crate::api::size::draft_pixels(d, first))) {
                (FirstImage::Known(..), Some((w, h))) => (Msg::new(K::SizePreview).arg("w", w).arg("h", h), Some(format!("{w}x{h}"))),
                (FirstImage::Reading, _) => (Msg::new(K::SizeReading), None),
                (FirstImage::Unknown, _) => (Msg::new(K::SizeNoImage), None),
                _ => (Msg::new(K::SizeUnreadable), None),
            };
            view! { <p class="hint size-preview" data-testid="size-preview" data-size=size role="status">{i.msg(msg)}</p> }
        })
    }
}

/// Fields that live under "Advanced".
pub const ADVANCED_FIELDS: [&str; 6] =
    ["negative_prompt", "num_inference_steps", "guidance_scale", "seed", "acceleration", "enable_safety_checker"];

/// The rest of the parameters, in a collapsed section.
#[component]
pub fn AdvancedParams(open: RwSignal<bool>) -> impl IntoView {
    let f = expect_context::<FormState>();
    let d = f.draft;
    let schema = Memo::new(move |_| d.with(|d| d.schema()));
    let (seed, set_seed) = slice!(d.seed);
    let randomise = move |_| {
        let seed = (crate::web::random() * 4_294_967_296.0).floor() as u64;
        set_seed.set(seed.min(SEED_MAX).to_string());
    };
    let accelerations = Signal::derive(move || schema.get().accelerations.iter().map(|v| (v.to_string(), Msg::new(label_of(v)))).collect::<Options>());
    let steps_hint = Signal::derive(move || Some(schema.with(|s| range(s.steps.0, s.steps.1, s.steps_default))));
    let guidance_hint = Signal::derive(move || Some(schema.with(|s| range(s.guidance.0, s.guidance.1, s.guidance_default))));
    view! {
        <details class="advanced" prop:open=open on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                open.set(d.open());
            }
        }>
            <summary>{t(K::Advanced)}</summary>
            <TextArea name="negative_prompt" label=K::NegativePrompt placeholder=K::NegativePromptPlaceholder rows=2 bind=slice!(d.negative_prompt)/>
            <div class="grid2">
                <NumberInput name="num_inference_steps" label=K::Steps bind=slice!(d.num_inference_steps) step="1"
                    min=Signal::derive(move || Some(schema.get().steps.0.to_string()))
                    max=Signal::derive(move || Some(schema.get().steps.1.to_string()))
                    hint=steps_hint/>
                <NumberInput name="guidance_scale" label=K::Guidance bind=slice!(d.guidance_scale) step="0.5"
                    min=Signal::derive(move || Some(schema.get().guidance.0.to_string()))
                    max=Signal::derive(move || Some(schema.get().guidance.1.to_string()))
                    hint=guidance_hint/>
            </div>
            <div class="field">
                <label for="seed">{t(K::Seed)}</label>
                <div class="key-row">
                    <input id="seed" name="seed" type="number" min="0" max=SEED_MAX.to_string() step="1" placeholder=t(K::SeedPlaceholder)
                        prop:value=seed on:input=move |ev| set_seed.set(event_target_value(&ev))/>
                    <button type="button" class="ghost" data-testid="randomise-seed" on:click=randomise>{t(K::Randomise)}</button>
                    <button type="button" class="ghost" on:click=move |_| set_seed.set(String::new())>{t(K::Clear)}</button>
                </div>
                <span class="hint">{t(K::SeedHint)}</span>
                <FieldErrorView field="seed"/>
            </div>
            <div class="grid2">
                <Select name="acceleration" label=K::Acceleration bind=slice!(d.acceleration) options=accelerations/>
                <div class="field checks">
                    <CheckBox name="enable_safety_checker" label=K::SafetyChecker bind=slice!(d.enable_safety_checker)/>
                    <CheckBox name="sync_mode" label=K::SyncMode bind=slice!(d.sync_mode)/>
                </div>
            </div>
        </details>
    }
}
