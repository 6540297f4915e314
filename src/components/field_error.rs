use leptos::prelude::*;

use crate::i18n::{render_all, Join};
use crate::web::lang::i18n;

/// The message(s) for one field, at `[data-field-error=<field>]`; nothing
/// when the field is fine.
#[component]
pub fn FieldErrorView(field: &'static str) -> impl IntoView {
    let errors = crate::app::state().errors;
    let i = i18n();
    move || {
        let msgs = errors.for_field(field);
        (!msgs.is_empty()).then(|| {
            view! {
                <p class="field-error" id=format!("err-{field}") data-field-error=field role="alert">
                    {move || render_all(&msgs, i.get(), Join::Items)}
                </p>
            }
        })
    }
}

/// A note at a field (a value a change of model reset, while it holds
/// it), at `[data-field-note=<field>]`.
#[component]
pub fn FieldNoteView(field: &'static str) -> impl IntoView {
    let form = crate::app::state().form;
    let i = i18n();
    move || {
        let msgs = form.notes_at(field);
        (!msgs.is_empty()).then(|| {
            view! { <p class="field-note" data-field-note=field role="status">{move || render_all(&msgs, i.get(), Join::Items)}</p> }
        })
    }
}
