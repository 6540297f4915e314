//! "Many jobs": variations over the seed, a sweep of one parameter, one job
//! per input image. The plan itself is `jobs::plan`; these are its fields.

use leptos::prelude::*;

use crate::components::controls::{options, CheckBox, NumberInput, Select, TextInput};
use crate::i18n::{Msg, K};
use crate::jobs::plan::{MAX_JOBS, MAX_VARIATIONS};
use crate::web::lang::{i18n, t};

#[component]
pub fn ManyJobs() -> impl IntoView {
    let f = crate::app::state().form;
    let m = f.many;
    let i = i18n();
    let varies_seed = move || m.with(|m| m.vary == "seed");
    let several_images = move || f.draft.with(|d| d.image_urls.len() >= 2);
    let vary = options(&[("seed", K::VarySeed), ("guidance_scale", K::Guidance), ("num_inference_steps", K::Steps)]);
    let hint = Msg::new(K::VariationsHint).arg("max", MAX_VARIATIONS);
    // A turntable makes the jobs itself (the camera's fields).
    let turntable = move || m.with(|m| m.turntable != "0") && f.draft.with(|d| d.schema().angles);
    view! {
        <fieldset class="many" hidden=turntable>
            <legend>{t(K::ManyTitle)}</legend>
            <div class="grid2">
                <Select name="vary" label=K::Vary bind=crate::components::controls::bind!(m.vary) options=vary/>
                <Show
                    when=varies_seed
                    fallback=move || view! { <TextInput name="vary_values" label=K::VaryValues placeholder=K::VaryValuesPlaceholder bind=crate::components::controls::bind!(m.values)/> }
                >
                    <NumberInput name="variations" label=K::Variations bind=crate::components::controls::bind!(m.variations) min="1".to_string() max=MAX_VARIATIONS.to_string() step="1" hint=hint.clone()/>
                </Show>
            </div>
            <Show when=several_images>
                <CheckBox name="each_image_separately" label=K::EachImage bind=crate::components::controls::bind!(m.each_image)/>
                <p class="hint">{i.msg(Msg::new(K::EachImageHint).arg("max", MAX_JOBS))}</p>
            </Show>
        </fieldset>
    }
}
