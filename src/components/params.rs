use leptos::prelude::*;

use crate::api::input::SizePreset;
use crate::api::validate::side_hint;
use crate::app::FormState;
use crate::components::field_error::FieldErrorView;
use crate::i18n::K;
use crate::web::lang::t;

/// A number input bound to a string signal (kept as typed; validation reads it).
#[component]
fn NumberField(
    name: &'static str,
    label: K,
    value: RwSignal<String>,
    #[prop(optional)] min: Option<&'static str>,
    #[prop(optional)] max: Option<&'static str>,
    #[prop(optional)] step: Option<&'static str>,
    #[prop(optional)] hint: Option<K>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            <input
                id=name
                name=name
                type="number"
                inputmode="decimal"
                min=min
                max=max
                step=step
                aria-describedby=format!("err-{name}")
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <span class="hint">{t(h)}</span> })}
            <FieldErrorView field=name/>
        </div>
    }
}

/// A multi-line text field bound to a string signal, with its messages.
#[component]
pub fn TextField(name: &'static str, label: K, placeholder: K, rows: u32, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            <textarea
                id=name
                name=name
                rows=rows
                placeholder=t(placeholder)
                aria-describedby=format!("err-{name}")
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <FieldErrorView field=name/>
        </div>
    }
}

/// A checkbox bound to a bool signal, its label beside it.
#[component]
pub fn Checkbox(name: &'static str, label: K, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" name=name prop:checked=value on:change=move |ev| value.set(event_target_checked(&ev))/>
            {t(label)}
        </label>
    }
}

/// A select bound to a string signal.
#[component]
fn Choice(name: &'static str, label: K, value: RwSignal<String>, options: Vec<(&'static str, K)>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            <select id=name name=name on:change=move |ev| value.set(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, text)| view! { <option value=v prop:selected=move || value.with(|x| x == v)>{t(text)}</option> })
                    .collect_view()}
            </select>
            <FieldErrorView field=name/>
        </div>
    }
}

/// Size, count and format: the parameters most people touch.
#[component]
pub fn MainParams() -> impl IntoView {
    let f = expect_context::<FormState>();
    let mut sizes: Vec<(&'static str, K)> = SizePreset::ALL.iter().map(|p| (p.api_name(), p.label())).collect();
    sizes.push(("custom", K::SizeCustom));
    let custom = move || f.image_size.with(|s| s == "custom");
    view! {
        <div class="grid3">
            <Choice name="image_size" label=K::ImageSize value=f.image_size options=sizes/>
            <NumberField name="num_images" label=K::NumImages value=f.num_images min="1" max="4" step="1"/>
            <Choice name="output_format" label=K::OutputFormat value=f.output_format options=vec![("png", K::FormatPng), ("jpeg", K::FormatJpeg)]/>
        </div>
        <Show when=custom>
            <div class="grid2">
                <NumberField name="image_width" label=K::ImageWidth value=f.image_width min="64" max="2048" step="8"/>
                <NumberField name="image_height" label=K::ImageHeight value=f.image_height min="64" max="2048" step="8"/>
            </div>
            {move || {
                let hint = side_hint(&f.image_width.get()).or(side_hint(&f.image_height.get()));
                hint.map(|h| view! { <p class="hint">{t(h)}</p> })
            }}
        </Show>
    }
}

/// Fields that live under "Advanced".
pub const ADVANCED_FIELDS: [&str; 6] =
    ["negative_prompt", "num_inference_steps", "guidance_scale", "seed", "acceleration", "enable_safety_checker"];

/// The rest of the parameters, in a collapsed section.
#[component]
pub fn AdvancedParams(open: RwSignal<bool>) -> impl IntoView {
    let f = expect_context::<FormState>();
    let randomise = move |_| {
        let seed = (crate::web::random() * 4_294_967_296.0).floor() as u64;
        f.seed.set(seed.min(u32::MAX as u64).to_string());
    };
    view! {
        <details class="advanced" prop:open=open on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                open.set(d.open());
            }
        }>
            <summary>{t(K::Advanced)}</summary>
            <TextField name="negative_prompt" label=K::NegativePrompt placeholder=K::NegativePromptPlaceholder rows=2 value=f.negative_prompt/>
            <div class="grid2">
                <NumberField name="num_inference_steps" label=K::Steps value=f.num_inference_steps min="2" max="100" step="1"/>
                <NumberField name="guidance_scale" label=K::Guidance value=f.guidance_scale min="0" max="20" step="0.5"/>
            </div>
            <div class="field">
                <label for="seed">{t(K::Seed)}</label>
                <div class="key-row">
                    <input
                        id="seed"
                        name="seed"
                        type="number"
                        min="0"
                        max="4294967295"
                        step="1"
                        placeholder=t(K::SeedPlaceholder)
                        prop:value=f.seed
                        on:input=move |ev| f.seed.set(event_target_value(&ev))
                    />
                    <button type="button" class="ghost" data-testid="randomise-seed" on:click=randomise>{t(K::Randomise)}</button>
                    <button type="button" class="ghost" on:click=move |_| f.seed.set(String::new())>{t(K::Clear)}</button>
                </div>
                <span class="hint">{t(K::SeedHint)}</span>
                <FieldErrorView field="seed"/>
            </div>
            <div class="grid2">
                <Choice
                    name="acceleration"
                    label=K::Acceleration
                    value=f.acceleration
                    options=vec![("regular", K::AccelerationRegular), ("none", K::AccelerationNone)]
                />
                <div class="field checks">
                    <Checkbox name="enable_safety_checker" label=K::SafetyChecker value=f.enable_safety_checker/>
                    <Checkbox name="sync_mode" label=K::SyncMode value=f.sync_mode/>
                </div>
            </div>
        </details>
    }
}
