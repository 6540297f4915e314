//! The page's language: which one (chosen, else the browser's), the
//! reactive lookups the components use, and `<html lang>` / the title.
//! The texts and the rules are `crate::i18n`'s.

use std::cell::Cell;

use leptos::prelude::*;

use crate::i18n::{Lang, Msg, K};

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language now, for code outside the reactive graph (the demo queue,
/// a confirm dialog).
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// The browser's preferred languages, most wanted first.
pub fn browser_languages() -> Vec<String> {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else { return Vec::new() };
    let mut out: Vec<String> = nav.languages().iter().filter_map(|v| v.as_string()).collect();
    if out.is_empty() {
        out.extend(nav.language());
    }
    out
}

/// The browser's preferred languages as a signal that follows the
/// browser's settings (`languagechange`).
pub fn browser_languages_signal() -> ReadSignal<Vec<String>> {
    let (langs, set_langs) = signal(browser_languages());
    let listener = leptos::leptos_dom::helpers::window_event_listener_untyped("languagechange", move |_| set_langs.set(browser_languages()));
    on_cleanup(move || listener.remove());
    langs
}

/// The page's language as context.
#[derive(Clone, Copy)]
pub struct I18n(pub Signal<Lang>);

impl I18n {
    /// Keeps `<html lang>`, the document title and [`current`] in step.
    pub fn sync_document(self) {
        Effect::new(move |_| {
            let lang = self.0.get();
            CURRENT.with(|c| c.set(lang));
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Some(html) = doc.document_element() {
                    let _ = html.set_attribute("lang", lang.code());
                }
                doc.set_title(crate::i18n::text(lang, K::AppTitle));
            }
        });
    }

    /// The language (tracked).
    pub fn get(self) -> Lang {
        self.0.get()
    }

    /// A text in the language now (tracked).
    pub fn text(self, k: K) -> &'static str {
        crate::i18n::text(self.0.get(), k)
    }

    /// A text that follows the language.
    pub fn t(self, k: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || crate::i18n::text(self.0.get(), k)
    }

    /// A message that follows the language.
    pub fn msg(self, m: Msg) -> impl Fn() -> String + Clone + Send + Sync + 'static {
        move || m.render(self.0.get())
    }

    /// A message rendered now (tracked).
    pub fn render(self, m: &Msg) -> String {
        m.render(self.0.get())
    }
}

/// The page's language, or English where none is provided (a component
/// mounted alone in a test).
pub fn i18n() -> I18n {
    use_context::<I18n>().unwrap_or(I18n(Signal::stored(Lang::En)))
}

/// `t(K::Generate)`: a text that follows the page's language.
pub fn t(k: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    i18n().t(k)
}
