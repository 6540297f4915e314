//! The field widgets, generic over the record they edit: each binds one
//! field through a read/write slice of any record (`bind!(draft.prompt)`,
//! `field(settings, …)`), and shows the field's label, hint, error and
//! note. The edit form and the settings panel both use them.

use leptos::prelude::*;

use crate::components::field_error::{FieldErrorView, FieldNoteView};
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

/// One field of a record: its value and how to change it.
pub type Bind<T> = (Signal<T>, SignalSetter<T>);

/// A field of record `r`, read and written through function pointers:
/// the slice is compiled once per record and value type, not once per
/// field (as closures, each field was a slice of its own).
pub fn field<R: Send + Sync + 'static, T: Clone + PartialEq + Send + Sync + 'static>(r: RwSignal<R>, get: fn(&R) -> T, set: fn(&mut R, T)) -> Bind<T> {
    create_slice(r, get, set)
}

/// `bind!(record.field)`: Leptos's `slice!` through `field`.
macro_rules! bind {
    ($r:ident . $f:ident) => {
        $crate::components::controls::field($r, |r| r.$f.clone(), |r, v| r.$f = v)
    };
}
pub(crate) use bind;

/// A choice's options: the value sent and its label.
pub type Options = Vec<(String, Msg)>;

/// Label, the control, a hint, and the field's messages.
#[component]
fn Field(name: &'static str, label: K, #[prop(into, optional)] hint: MaybeProp<Msg>, children: Children) -> impl IntoView {
    let i = i18n();
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {children()}
            {move || hint.get().map(|h| view! { <span class="hint">{i.msg(h)}</span> })}
            <FieldErrorView field=name/>
            <FieldNoteView field=name/>
        </div>
    }
}

/// A one-line text input (`url`: the browser's URL keyboard).
#[component]
pub fn TextInput(
    name: &'static str,
    label: K,
    bind: Bind<String>,
    #[prop(optional)] placeholder: Option<K>,
    #[prop(optional)] url: bool,
    #[prop(into, optional)] readonly: MaybeProp<bool>,
    #[prop(into, optional)] hint: MaybeProp<Msg>,
) -> impl IntoView {
    let (value, set) = bind;
    view! {
        <Field name label hint>
            <input
                id=name
                name=name
                type=if url { "url" } else { "text" }
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder.map(t)
                aria-describedby=format!("err-{name}")
                prop:readOnly=move || readonly.get().unwrap_or(false)
                prop:value=value
                on:input=move |ev| set.set(event_target_value(&ev))
            />
        </Field>
    }
}

/// A multi-line text field.
#[component]
pub fn TextArea(
    name: &'static str,
    label: K,
    placeholder: K,
    rows: u32,
    bind: Bind<String>,
    #[prop(optional)] node_ref: Option<NodeRef<leptos::html::Textarea>>,
) -> impl IntoView {
    let (value, set) = bind;
    let node_ref = node_ref.unwrap_or_default();
    view! {
        <Field name label>
            <textarea
                id=name
                name=name
                rows=rows
                placeholder=t(placeholder)
                aria-describedby=format!("err-{name}")
                node_ref=node_ref
                prop:value=value
                on:input=move |ev| set.set(event_target_value(&ev))
            ></textarea>
        </Field>
    }
}

/// A number kept as typed (validation reads it). Limits may follow other
/// state (the model's ranges). `lazy`: taken on leaving the field.
#[component]
pub fn NumberInput(
    name: &'static str,
    label: K,
    bind: Bind<String>,
    #[prop(into, optional)] min: MaybeProp<String>,
    #[prop(into, optional)] max: MaybeProp<String>,
    #[prop(optional)] step: Option<&'static str>,
    #[prop(optional)] placeholder: Option<K>,
    #[prop(into, optional)] hint: MaybeProp<Msg>,
    #[prop(optional)] lazy: bool,
) -> impl IntoView {
    let (value, set) = bind;
    let take = move |ev: leptos::ev::Event| set.set(event_target_value(&ev));
    view! {
        <Field name label hint>
            <input
                id=name
                name=name
                type="number"
                inputmode="decimal"
                min=move || min.get()
                max=move || max.get()
                step=step
                placeholder=placeholder.map(t)
                aria-describedby=format!("err-{name}")
                prop:value=value
                on:input=move |ev| if !lazy { take(ev) }
                on:change=move |ev| if lazy { take(ev) }
            />
        </Field>
    }
}

/// A select; its options may change (a model's formats).
#[component]
pub fn Select(
    name: &'static str,
    label: K,
    bind: Bind<String>,
    #[prop(into)] options: Signal<Options>,
    #[prop(into, optional)] disabled: MaybeProp<bool>,
    #[prop(into, optional)] hint: MaybeProp<Msg>,
) -> impl IntoView {
    let (value, set) = bind;
    let i = i18n();
    view! {
        <Field name label hint>
            <select
                id=name
                name=name
                prop:disabled=move || disabled.get().unwrap_or(false)
                on:change=move |ev| set.set(event_target_value(&ev))
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v.clone();
                            view! { <option value=v prop:selected=move || value.with(|x| *x == selected)>{i.msg(text)}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </Field>
    }
}

/// A checkbox, its label beside it.
#[component]
pub fn CheckBox(name: &'static str, label: K, bind: Bind<bool>) -> impl IntoView {
    let (value, set) = bind;
    view! {
        <label class="check">
            <input type="checkbox" name=name prop:checked=value on:change=move |ev| set.set(event_target_checked(&ev))/>
            {t(label)}
        </label>
    }
}

/// Options from keys.
pub fn options(list: &[(&str, K)]) -> Options {
    list.iter().map(|(v, k)| (v.to_string(), Msg::new(*k))).collect()
}
