//! Connectivity and visibility: whether requests may go now, and a future
//! that sleeping jobs await to be woken when the browser comes back online
//! or the tab becomes visible again.
//!
//! A waiting future registers its waker under its own number and removes it
//! when dropped, so nothing accumulates however many sleeps a job has (or
//! however many tasks are aborted mid-sleep).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

thread_local! {
    static WAITERS: RefCell<Vec<(u64, Waker)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// Bumped at every wake-up.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
    static LAST_REQUEST: Cell<f64> = const { Cell::new(0.0) };
    static LAST_SENT: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    static FOLLOWING: Cell<u32> = const { Cell::new(0) };
    static HOLDS: RefCell<crate::jobs::schedule::Holds> = RefCell::new(Default::default());
}

pub fn online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

pub fn hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false)
}

/// Completes at the next wake-up (`online`, `visibilitychange`).
pub struct WakeUp {
    id: u64,
    generation: u64,
}

pub fn wake_up() -> WakeUp {
    install();
    let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    WakeUp { id, generation: GENERATION.with(Cell::get) }
}

impl Future for WakeUp {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if GENERATION.with(Cell::get) != self.generation {
            return Poll::Ready(());
        }
        let (id, waker) = (self.id, cx.waker().clone());
        WAITERS.with(|w| {
            let mut w = w.borrow_mut();
            match w.iter_mut().find(|(i, _)| *i == id) {
                Some(slot) => slot.1 = waker,
                None => w.push((id, waker)),
            }
        });
        Poll::Pending
    }
}

impl Drop for WakeUp {
    fn drop(&mut self) {
        WAITERS.with(|w| w.borrow_mut().retain(|(i, _)| *i != self.id));
    }
}

/// How many futures wait for a wake-up now (for tests).
pub fn waiting() -> usize {
    WAITERS.with(|w| w.borrow().len())
}

pub fn wake_all() {
    GENERATION.with(|g| g.set(g.get() + 1));
    let all: Vec<Waker> = WAITERS.with(|w| w.borrow_mut().drain(..).map(|(_, w)| w).collect());
    for w in all {
        w.wake();
    }
}

/// Listens (once, for the page's life) for `online` and `visibilitychange`.
fn install() {
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

/// Reserves the next request slot (see `jobs::schedule::next_slot`):
/// requests take turns in the order they asked. Returns how long to wait.
pub fn reserve_slot(now: f64) -> u32 {
    LAST_REQUEST.with(|last| {
        let (wait, at) = crate::jobs::schedule::next_slot(now, last.get());
        last.set(at);
        wait
    })
}

/// Whether the request may go now, counted from the last request that
/// actually went: `Some(wait)` when a timer fired late and brought this
/// one too close to it. Marks the request as gone when it may.
pub fn go(now: f64) -> Option<u32> {
    LAST_SENT.with(|last| {
        let (wait, _) = crate::jobs::schedule::next_slot(now, last.get());
        if wait == 0 {
            last.set(now);
            None
        } else {
            Some(wait)
        }
    })
}

/// One job being followed (its loop runs); counted while it lives.
pub struct Following;

pub fn following() -> Following {
    FOLLOWING.with(|f| f.set(f.get() + 1));
    Following
}

impl Drop for Following {
    fn drop(&mut self) {
        FOLLOWING.with(|f| f.set(f.get().saturating_sub(1)));
    }
}

/// How many jobs are followed now (each in its loop).
pub fn followers() -> u32 {
    FOLLOWING.with(Cell::get)
}

/// A `429` came from `base`: every request to it waits (`held`).
pub fn hold(base: &str, now: f64, retry_after_ms: Option<u64>) {
    HOLDS.with(|h| h.borrow_mut().hold(base, now, retry_after_ms));
}

/// How long a request to `base` must still wait after a `429`.
pub fn held(base: &str, now: f64) -> u32 {
    HOLDS.with(|h| h.borrow().wait(base, now))
}
