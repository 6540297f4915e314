//! Moving the history to another browser (issue 13): export it, with the
//! image copies, as one zip; import one, merged by request id.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::image::human_bytes;
use crate::i18n::{Msg, K};
use crate::jobs::archive;
use crate::web::lang::t;
use crate::web::now;

#[component]
pub fn HistoryTransfer(note: RwSignal<Option<Vec<Msg>>>) -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let busy = RwSignal::new(false);
    // The last export's or import's size and time (also for the bench).
    let done = RwSignal::new(None::<(&'static str, usize, u64)>);
    let export = move |_| {
        busy.set(true);
        spawn_local(async move {
            let started = now();
            let msg = match jobs.export().await {
                Ok(bytes) => {
                    let name = format!("qwen-studio-history-{}.zip", crate::web::local_day(&js_sys::Date::new_0()));
                    crate::web::bundle::save(&bytes, &name);
                    done.set(Some(("export", bytes.len(), (now() - started) as u64)));
                    Msg::new(K::HistoryExported).arg("n", jobs.list.with_untracked(Vec::len)).arg("size", human_bytes(bytes.len() as u64))
                }
                Err(_) => Msg::new(K::ZipTooBig),
            };
            note.set(Some(vec![msg]));
            busy.set(false);
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        // The same file may be chosen again.
        input.set_value("");
        busy.set(true);
        spawn_local(async move {
            let started = now();
            let read = crate::web::images::blob_bytes(&file).await.ok_or(archive::Refused::Damaged).and_then(|b| archive::import(&b));
            let msgs = match read {
                Err(refused) => vec![refused.message()],
                Ok(a) => {
                    let r = jobs.import(a).await;
                    done.set(Some(("import", r.added, (now() - started) as u64)));
                    let mut m = vec![Msg::new(K::HistoryImported).arg("added", r.added).arg("images", r.images).arg("skipped", r.skipped)];
                    if r.dropped > 0 {
                        m.push(Msg::count(K::HistoryDroppedOne, K::HistoryDropped, r.dropped));
                    }
                    m
                }
            };
            note.set(Some(msgs));
            busy.set(false);
        });
    };
    view! {
        <div class="history-transfer">
            <button type="button" class="ghost small" data-testid="export-history" prop:disabled=busy on:click=export>{t(K::HistoryExport)}</button>
            <label class="file-pick small">
                {t(K::HistoryImport)}
                <input type="file" name="import_history" accept=".zip,application/zip" prop:disabled=busy on:change=import/>
            </label>
            {move || done.get().map(|(what, n, ms)| view! { <span hidden data-testid=format!("{what}-done") data-n=n.to_string() data-ms=ms.to_string()></span> })}
        </div>
    }
}
