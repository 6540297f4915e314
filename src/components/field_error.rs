use leptos::prelude::*;

use crate::api::FieldError;
use crate::i18n::{render_all, Join, Msg};
use crate::web::lang::i18n;

/// Every message that currently blocks a submit or came back from the API,
/// by field. Provided by the form.
#[derive(Clone, Copy)]
pub struct Errors(pub Memo<Vec<FieldError>>);

impl Errors {
    pub fn for_field(&self, field: &str) -> Vec<Msg> {
        self.0.with(|e| e.iter().filter(|x| x.field == field).map(|x| x.message.clone()).collect())
    }
}

/// The message(s) for one field, at `[data-field-error=<field>]`; nothing
/// when the field is fine.
#[component]
pub fn FieldErrorView(field: &'static str) -> impl IntoView {
    let errors = expect_context::<Errors>();
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
