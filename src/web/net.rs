//! Connectivity and visibility: whether requests may go now, and a way for
//! sleeping jobs to be woken when the browser comes back online or the tab
//! becomes visible again.

use std::cell::{Cell, RefCell};

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

thread_local! {
    static WAKERS: RefCell<Vec<oneshot::Sender<()>>> = const { RefCell::new(Vec::new()) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
    static LAST_REQUEST: Cell<f64> = const { Cell::new(0.0) };
}

pub fn online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

pub fn hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false)
}

/// A receiver that completes at the next wake-up.
pub fn waker() -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    WAKERS.with(|w| w.borrow_mut().push(tx));
    rx
}

pub fn wake_all() {
    let all = WAKERS.with(|w| std::mem::take(&mut *w.borrow_mut()));
    for tx in all {
        let _ = tx.send(());
    }
}

/// Listens (once, for the page's life) for `online` and `visibilitychange`.
pub fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let wake = Closure::<dyn Fn()>::new(wake_all);
    let _ = window.add_event_listener_with_callback("online", wake.as_ref().unchecked_ref());
    if let Some(doc) = window.document() {
        let _ = doc.add_event_listener_with_callback("visibilitychange", wake.as_ref().unchecked_ref());
    }
    // Lives as long as the page.
    wake.forget();
}

/// Reserves the next request slot (see `jobs::schedule::next_slot`);
/// returns how long to wait for it.
pub fn reserve_slot(now: f64) -> u32 {
    LAST_REQUEST.with(|last| {
        let (wait, at) = crate::jobs::schedule::next_slot(now, last.get());
        last.set(at);
        wait
    })
}
