use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::K;
use crate::web::lang::t;

/// Calls a function boot.js put on `window` (the service worker's side).
fn call(name: &str) -> Option<wasm_bindgen::JsValue> {
    let w = web_sys::window()?;
    let f: js_sys::Function = js_sys::Reflect::get(&w, &name.into()).ok()?.dyn_into().ok()?;
    f.call0(&w).ok()
}

/// "A new version is ready — Reload", when the service worker has a newer
/// build waiting. It takes over only when asked, and not while a submit is
/// on its way (a reload then would cut it off).
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let jobs = crate::app::state().jobs;
    let ready = RwSignal::new(call("qieUpdateReady").and_then(|v| v.as_bool()).unwrap_or(false));
    let listener = leptos::leptos_dom::helpers::window_event_listener_untyped("qie-update-ready", move |_| ready.set(true));
    on_cleanup(move || listener.remove());
    let submitting = move || jobs.list.with(|l| l.iter().any(|e| e.job.with(|j| j.phase.is_unsent())));
    move || {
        ready.get().then(|| {
            view! {
                <div class="update" data-testid="update-ready" role="status">
                    <span>{t(K::UpdateReady)}</span>
                    <button type="button" class="ghost small" prop:disabled=submitting on:click=move |_| {
                        call("qieApplyUpdate");
                    }>{t(K::UpdateReload)}</button>
                </div>
            }
        })
    }
}
