//! The model and its parameters: every field, its limits and choices
//! follow the chosen model's schema (`api::model`).

use leptos::prelude::*;

use crate::api::input::{num_text, SizePreset, SIDE_RANGE};
use crate::api::model::{Kind, FAMILY, OTHER, SEED_MAX, SIZE_FOLLOWS, SIZE_MATCH};
use crate::api::validate::{side_hint, FirstImage};
use crate::jobs::plan::TURNTABLE_VIEWS;
use crate::components::controls::{Bind, CheckBox, NumberInput, Options, Select, TextArea, TextInput};
use crate::components::field_error::FieldErrorView;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

fn range(min: impl ToString, max: impl ToString, default: impl ToString) -> Msg {
    Msg::new(K::RangeHint).arg("min", min).arg("max", max).arg("default", default)
}

/// A choice's words; a value without its own words shows as it is sent.
fn label_of(value: &str) -> Msg {
    match value {
        "png" => K::FormatPng.into(),
        "jpeg" => K::FormatJpeg.into(),
        "webp" => K::FormatWebp.into(),
        "regular" => K::AccelerationRegular.into(),
        "none" => K::AccelerationNone.into(),
        "high" => K::AccelerationHigh.into(),
        other => Msg::verbatim(other),
    }
}

/// A scalar parameter of the chosen model, by its API name: the control,
/// its limits, hint and choices come from the model's parameter list
/// (`Schema::params`), so a new parameter is one line here.
#[component]
fn ParamField(name: &'static str, label: K, #[prop(optional)] step: Option<&'static str>) -> impl IntoView {
    let d = crate::app::state().form.draft;
    let kind = Memo::new(move |_| d.with(|d| d.schema().param(name).map(|p| p.kind)));
    let value = Memo::new(move |_| d.with(|d| d.value(name)));
    let text: Bind<String> = (
        Signal::derive(move || value.with(|v| v.as_str().unwrap_or("").to_string())),
        SignalSetter::map(move |v: String| d.update(|d| d.set_value(name, v.into()))),
    );
    let flag: Bind<bool> = (Signal::derive(move || value.with(|v| v.as_bool().unwrap_or(false))), SignalSetter::map(move |v: bool| d.update(|d| d.set_value(name, v.into()))));
    move || match kind.get() {
        Some(Kind::Int { min, max, default }) => {
            let hint = default.map(|x| range(min, max, x));
            view! { <NumberInput name label bind=text min=min.to_string() max=max.to_string() step=step.unwrap_or("1") hint=hint/> }.into_any()
        }
        Some(Kind::Number { min, max, default }) => view! {
            <NumberInput name label bind=text min=num_text(min) max=num_text(max) step=step.unwrap_or("any") hint=range(num_text(min), num_text(max), num_text(default))/>
        }
        .into_any(),
        Some(Kind::Choice { values }) => {
            let list: Options = values.iter().map(|v| (v.to_string(), label_of(v))).collect();
            view! { <Select name label bind=text options=list/> }.into_any()
        }
        Some(Kind::Bool { .. }) => view! { <CheckBox name label bind=flag/> }.into_any(),
        Some(Kind::Text) => view! { <TextInput name label bind=text/> }.into_any(),
        None => ().into_any(),
    }
}

/// The camera's fields, by their API names.
const CAMERA: [(&str, K); 5] = [
    ("horizontal_angle", K::HorizontalAngle),
    ("vertical_angle", K::VerticalAngle),
    ("zoom", K::Zoom),
    ("lora_scale", K::CameraStrength),
    ("additional_prompt", K::AdditionalPrompt),
];

/// The camera of the angles model (which takes no prompt): around the
/// subject, height, distance, the strength of the change and words to add.
#[component]
pub fn CameraParams() -> impl IntoView {
    let f = crate::app::state().form;
    let (d, m) = (f.draft, f.many);
    let angles = Memo::new(move |_| d.with(|d| d.schema().angles));
    let views: Options = TURNTABLE_VIEWS
        .iter()
        .map(|&n| (n.to_string(), if n == 0 { K::TurntableOff.into() } else { Msg::new(K::TurntableViews).arg("n", n) }))
        .collect();
    move || {
        angles.get().then(|| {
            view! {
                <fieldset class="camera" data-testid="camera">
                    <legend>{t(K::Camera)}</legend>
                    <p class="hint">{t(K::CameraNoPrompt)}</p>
                    <crate::components::orbit::Orbit/>
                    // One field view for the five (the bundle pays for one).
                    <div class="grid3">
                        {CAMERA.iter().map(|&(name, label)| view! { <ParamField name label/> }).collect_view()}
                        <Select name="turntable_views" label=K::Turntable bind=crate::components::controls::bind!(m.turntable) options=views.clone() hint=Msg::new(K::TurntableHint)/>
                    </div>
                </fieldset>
            }
        })
    }
}

/// The model select (the family and "Other…") and, for "Other…", the
/// endpoint.
#[component]
pub fn ModelChoice() -> impl IntoView {
    let f = crate::app::state().form;
    let d = f.draft;
    let model = (Signal::derive(move || d.with(|d| d.model.clone())), SignalSetter::map(move |v: String| f.set_model(&v)));
    let mut list: Options = FAMILY.iter().map(|s| (s.id.to_string(), Msg::verbatim(s.name))).collect();
    list.push((OTHER.into(), K::ModelOtherOption.into()));
    let other = move || d.with(|d| d.model == OTHER);
    // The endpoint the request goes to, under the name.
    let endpoint = Signal::derive(move || d.with(|d| (d.model != OTHER).then(|| Msg::verbatim(d.endpoint()))));
    view! {
        <div class="grid2 model-row">
            <Select name="model" label=K::Model bind=model options=list hint=endpoint/>
            <Show when=other>
                <TextInput name="model_other" label=K::ModelOther bind=crate::components::controls::bind!(d.model_other) hint=Msg::new(K::ModelOtherHint)/>
            </Show>
        </div>
    }
}

/// Size, count and format: the parameters most people touch.
#[component]
pub fn MainParams() -> impl IntoView {
    let f = crate::app::state().form;
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
    let custom = move || d.with(|d| d.image_size == "custom");
    let (lo, hi) = (SIDE_RANGE.0.to_string(), SIDE_RANGE.1.to_string());
    view! {
        <div class="grid3">
            <Select name="image_size" label=K::ImageSize bind=crate::components::controls::bind!(d.image_size) options=sizes/>
            <ParamField name="num_images" label=K::NumImages/>
            <ParamField name="output_format" label=K::OutputFormat/>
            <ParamField name="strength" label=K::Strength step="0.01"/>
        </div>
        <SizePreview/>
        <Show when=custom>
            <div class="grid2">
                <NumberInput name="image_width" label=K::ImageWidth bind=crate::components::controls::bind!(d.image_width) min=lo.clone() max=hi.clone() step="8"/>
                <NumberInput name="image_height" label=K::ImageHeight bind=crate::components::controls::bind!(d.image_height) min=lo.clone() max=hi.clone() step="8"/>
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
    let f = crate::app::state().form;
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
    let f = crate::app::state().form;
    let d = f.draft;
    let (seed, set_seed) = crate::components::controls::bind!(d.seed);
    let randomise = move |_| {
        let seed = (crate::web::random() * 4_294_967_296.0).floor() as u64;
        set_seed.set(seed.min(SEED_MAX).to_string());
    };
    view! {
        <details class="advanced" prop:open=open on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                open.set(d.open());
            }
        }>
            <summary>{t(K::Advanced)}</summary>
            <TextArea name="negative_prompt" label=K::NegativePrompt placeholder=K::NegativePromptPlaceholder rows=2 bind=crate::components::controls::bind!(d.negative_prompt)/>
            <div class="grid2">
                <ParamField name="num_inference_steps" label=K::Steps/>
                <ParamField name="guidance_scale" label=K::Guidance step="0.5"/>
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
                <ParamField name="acceleration" label=K::Acceleration/>
                <div class="field checks">
                    <ParamField name="enable_safety_checker" label=K::SafetyChecker/>
                    <ParamField name="sync_mode" label=K::SyncMode/>
                </div>
            </div>
        </details>
    }
}
