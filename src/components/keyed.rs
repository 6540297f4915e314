//! One keyed list for all of the app's lists. Leptos's `For` is compiled
//! anew for every item type, key and row view (5–13 KB of wasm each); here
//! it is compiled once: a row is its key and how to draw it, and it is
//! drawn only when its key is new to the list (a row whose key stays keeps
//! its DOM and its state).

use leptos::prelude::*;

/// A row of a keyed list. The key is unique among the list's rows.
pub struct Row {
    key: String,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

impl Row {
    pub fn new<V: IntoView + 'static>(key: String, draw: impl FnOnce() -> V + Send + 'static) -> Self {
        Row { key, draw: Box::new(move || draw().into_any()) }
    }
}

/// The rows `rows` gives, keyed: a new key is drawn, a gone one removed,
/// the others moved into place.
pub fn keyed(rows: impl Fn() -> Vec<Row> + Send + 'static) -> AnyView {
    erased(Box::new(rows))
}

fn erased(rows: Box<dyn Fn() -> Vec<Row> + Send>) -> AnyView {
    view! { <For each=rows key=|r: &Row| r.key.clone() children=|r: Row| (r.draw)()/> }.into_any()
}
