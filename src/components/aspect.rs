//! "Did the model keep the frame?" A finished job whose first result has
//! another aspect ratio than its first input (the model zoomed or
//! reframed) says so, and offers "Match the first image" for the next run
//! where the form's model can send it.

use leptos::prelude::*;

use crate::api::model::SIZE_MATCH;
use crate::i18n::{Msg, K};
use crate::pixels::diff::aspect_differs;
use crate::web::lang::{i18n, t};

#[component]
pub fn AspectWarning(result: (u32, u32), input: String) -> impl IntoView {
    let form = crate::app::state().form;
    let i = i18n();
    // The input's size, read by loading it (no key, no request of ours),
    // by a task that ends with the card.
    let input_size = RwSignal::new(None::<(u32, u32)>);
    crate::web::spawn_scoped(async move {
        let size = crate::web::images::natural_size(&input).await;
        input_size.set(size);
    });
    let can_match = move || form.draft.with(|d| !d.schema().size_follows_input);
    let matched = move || form.draft.with(|d| d.image_size == SIZE_MATCH);
    let match_next = move |_| {
        form.draft.update(|d| d.image_size = SIZE_MATCH.into());
        if let Some(select) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector("body > main [name=image_size]").ok().flatten()) {
            let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&select).focus();
        }
    };
    move || {
        let (iw, ih) = input_size.get().filter(|s| aspect_differs(*s, result))?;
        let text = Msg::new(K::AspectWarning).arg("result", format!("{}×{}", result.0, result.1)).arg("input", format!("{iw}×{ih}"));
        Some(view! {
            <div class="aspect-warning" data-testid="aspect-warning" role="note">
                <p>{i.msg(text)}</p>
                {move || (can_match() && !matched()).then(|| view! {
                    <button type="button" class="ghost" data-testid="aspect-match" on:click=match_next>{t(K::AspectMatch)}</button>
                })}
            </div>
        })
    }
}
