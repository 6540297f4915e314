use leptos::prelude::*;

use crate::api::share::{self, seed_example};
use crate::api::snippets;
use crate::api::draft::Draft;
use crate::app::ignored_note;
use crate::i18n::{render_all, Join, Msg, K};
use crate::web::lang::{i18n, t};

/// The shape of a request body, shown in the import box.
const IMPORT_PLACEHOLDER: &str = "{ \"prompt\": \"…\", \"image_urls\": [\"https://…\"] }";

fn copy(text: String) {
    if let Some(w) = web_sys::window() {
        // Refused without focus or permission; the text stays selectable.
        let _ = w.navigator().clipboard().write_text(&text);
    }
}

/// The request as JSON (view and import), code for it, the seed's example
/// and a share link.
#[component]
pub fn Tools() -> impl IntoView {
    let form = crate::app::state().form;
    let settings = crate::app::state().settings;
    let include_key = RwSignal::new(false);
    let share_url = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<Vec<Msg>>);
    let import_text = RwSignal::new(String::new());
    let import_error = RwSignal::new(None::<Msg>);
    let i = i18n();
    let request = crate::app::state().request;
    let body = Memo::new(move |_| request.0.with(|r| r.as_ref().ok().map(|i| i.to_body())));
    let code = Memo::new(move |_| {
        let b = body.get()?;
        let endpoint = form.draft.with(|d| d.endpoint());
        let s = settings.settings.get();
        let key = include_key.get().then(|| settings.key.get());
        Some(snippets::build(&s.api_base, &endpoint, s.auth_scheme, key.as_deref().filter(|k| !k.is_empty()), &b))
    });
    // Loads a request body into the form of the model chosen now; with any
    // problem, nothing in the form changes and the problems show at their
    // fields.
    let load_body = move |v: &serde_json::Value, done: K| {
        let endpoint = form.draft.with_untracked(Draft::endpoint);
        match Draft::from_json(v, &endpoint) {
            Ok(loaded) => {
                let mut notes: Vec<Msg> = vec![done.into()];
                notes.extend(ignored_note(&loaded.ignored));
                notes.extend(loaded.notes.clone());
                form.load(loaded);
                import_error.set(None);
                note.set(Some(notes));
            }
            Err(problems) => {
                form.refuse(problems);
                note.set(None);
                import_error.set(Some(K::ImportFailed.into()));
            }
        }
    };
    let share = move |_| {
        let (frag, left_out) = form.draft.with_untracked(share::encode);
        let loc = web_sys::window().map(|w| w.location());
        let base = loc.map(|l| format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())).unwrap_or_default();
        let url = format!("{base}{frag}");
        copy(url.clone());
        share_url.set(Some(url));
        let mut n = vec![Msg::new(K::ShareCopied)];
        if left_out > 0 {
            n.push(Msg::count(K::ShareLeftOutOne, K::ShareLeftOut, left_out));
        }
        note.set(Some(n));
    };
    let import = move |_| match serde_json::from_str::<serde_json::Value>(&import_text.get_untracked()) {
        Ok(v) if v.is_object() => load_body(&v, K::Imported),
        Ok(_) => import_error.set(Some(K::ImportNotObject.into())),
        Err(e) => import_error.set(Some(Msg::new(K::ImportInvalid).arg("error", e))),
    };
    let snippet = move |testid: &'static str, title: K, pick: fn(&snippets::Snippets) -> String| {
        view! {
            <figure class="snippet">
                <figcaption>
                    {t(title)}
                    <button type="button" class="ghost small" on:click=move |_| {
                        if let Some(t) = code.with_untracked(|c| c.as_ref().map(pick)) {
                            copy(t);
                        }
                    }>{t(K::Copy)}</button>
                </figcaption>
                <pre data-testid=testid>{move || code.with(|c| c.as_ref().map(pick)).unwrap_or_else(|| i.text(K::CodeIncomplete).into())}</pre>
            </figure>
        }
    };
    view! {
        <details class="panel tools">
            <summary>{t(K::ToolsTitle)}</summary>
            <div class="tool-row">
                <button type="button" class="ghost" data-testid="load-example" on:click=move |_| load_body(&seed_example(), K::ExampleLoaded)>
                    {t(K::LoadExample)}
                </button>
                <button type="button" class="ghost" data-testid="share-link" on:click=share>{t(K::ShareLink)}</button>
            </div>
            {move || share_url.get().map(|u| view! {
                <input class="share-url" data-testid="share-url" aria-label=t(K::ShareLink) readonly=true prop:value=u/>
            })}
            {move || note.get().map(|n| view! {
                <p class="hint" data-testid="tools-note" role="status">{move || render_all(&n, i.get(), Join::Sentences)}</p>
            })}
            <h3>{t(K::RequestBody)}</h3>
            <pre data-testid="request-json">
                {move || body.with(|b| b.as_ref().map(|b| crate::api::snippets::pretty(b)))
                    .unwrap_or_else(|| i.text(K::RequestIncomplete).into())}
            </pre>
            <label for="request_json">{t(K::ImportLabel)}</label>
            <textarea
                id="request_json"
                name="request_json"
                rows="4"
                spellcheck="false"
                placeholder=IMPORT_PLACEHOLDER
                prop:value=import_text
                on:input=move |ev| import_text.set(event_target_value(&ev))
            ></textarea>
            {move || import_error.get().map(|e| view! { <p class="field-error" data-field-error="request_json" role="alert">{i.msg(e)}</p> })}
            <button type="button" class="ghost" data-testid="import-json" on:click=import>{t(K::Import)}</button>
            <h3>{t(K::Code)}</h3>
            <label class="check">
                <input type="checkbox" name="include_key" prop:checked=include_key on:change=move |ev| include_key.set(event_target_checked(&ev))/>
                {t(K::IncludeKey)}
            </label>
            {move || include_key.get().then(|| view! {
                <p class="warn" role="alert">{t(K::IncludeKeyWarning)}</p>
            })}
            {snippet("snippet-curl", K::SnippetCurl, |s| s.curl.clone())}
            {snippet("snippet-js", K::SnippetJs, |s| s.js.clone())}
            {snippet("snippet-python", K::SnippetPython, |s| s.python.clone())}
        </details>
    }
}
