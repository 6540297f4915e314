//! What the image copies take, what the browser allows, and freeing them
//! (issue 13), in Settings.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::image::human_bytes;
use crate::i18n::{Msg, K};
use crate::web::copies;
use crate::web::lang::{i18n, t};

#[component]
pub fn StorageUsed() -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let settings = crate::app::state().settings;
    let i = i18n();
    let total = Memo::new(move |_| jobs.copies_total());
    // The browser's own figures, asked again whenever the copies change.
    let browser = RwSignal::new(None::<(Option<(f64, f64)>, Option<bool>)>);
    Effect::new(move |_| {
        total.track();
        spawn_local(async move {
            let estimate = copies::estimate().await;
            let persisted = copies::persisted().await;
            browser.set(Some((estimate, persisted)));
        });
    });
    let line = move || {
        let cap = settings.settings.with(|s| s.copies_mb) as u64 * 1_000_000;
        // Sentences follow each other with a space in English, without in Chinese.
        let sep = if i.get() == crate::i18n::Lang::ZhCn { "" } else { " " };
        let mut text = i.render(&Msg::new(K::StorageUsed).arg("copies", human_bytes(total.get())).arg("cap", human_bytes(cap)));
        let (estimate, persisted) = browser.get().unwrap_or((None, None));
        // Only figures the browser gave (WebKit answers a quota of 0).
        if let Some((usage, quota)) = estimate {
            text = format!("{text}{sep}{}", i.render(&Msg::new(K::StorageBrowser).arg("usage", human_bytes(usage as u64)).arg("quota", human_bytes(quota as u64))));
        }
        if let Some(p) = persisted {
            text = format!("{text}{sep}{}", i.text(if p { K::StoragePersistent } else { K::StorageNotPersistent }));
        }
        text
    };
    view! {
        <div class="storage">
            <p class="hint" data-testid="storage-used" data-shell="blank" data-bytes=move || total.get().to_string()>{line}</p>
            <button type="button" class="ghost small" data-testid="free-copies" prop:disabled=move || total.get() == 0 on:click=move |_| {
                // Asked first, as clearing the history is.
                let ok = web_sys::window().and_then(|w| w.confirm_with_message(i.text(K::FreeCopiesAsk)).ok()).unwrap_or(false);
                if ok {
                    jobs.free_copies();
                }
            }>{t(K::FreeCopies)}</button>
        </div>
    }
}
