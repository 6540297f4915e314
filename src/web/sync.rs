//! History persistence and cross-tab sync. Works on snapshots of jobs
//! (`Snapshot`), imports no store.
//!
//! Writes are throttled: at most once every 2 s per tab, plus at each phase
//! change and when the page goes away (`pagehide`); a burst of stream
//! events costs one write. Each write merges with what other tabs wrote
//! (`jobs::history::merge`), and a full storage sheds, in order, the logs of
//! finished jobs, then the oldest finished jobs; never a running job, and
//! never an empty history over a non-empty one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::now;
use super::storage::{self, Area};
use crate::i18n::{Msg, K};
use crate::jobs::history::{self, Loaded};
use crate::jobs::Job;

pub const HISTORY_KEY: &str = "qie.history";
const HISTORY_CORRUPT_KEY: &str = "qie.history.unreadable";

/// What this tab would write: its jobs, which of them its own version wins
/// for (followed here, or only here), and what it deleted.
pub struct Snapshot {
    pub jobs: Vec<Job>,
    pub mine: Vec<u64>,
    pub deleted: Vec<u64>,
}

struct Inner {
    snapshot: Box<dyn Fn() -> Snapshot>,
    problem: Box<dyn Fn(Option<Msg>)>,
    last_write: Cell<f64>,
    trailing: RefCell<Option<Timeout>>,
    /// Another tab wrote since this tab last saved: the next save must read
    /// and merge. Otherwise this tab's list already holds everything stored.
    foreign_write: Cell<bool>,
}

#[derive(Clone)]
pub struct HistorySync(Rc<Inner>);

impl HistorySync {
    pub fn new(snapshot: impl Fn() -> Snapshot + 'static, problem: impl Fn(Option<Msg>) + 'static) -> Self {
        HistorySync(Rc::new(Inner {
            snapshot: Box::new(snapshot),
            problem: Box::new(problem),
            last_write: Cell::new(0.0),
            trailing: RefCell::new(None),
            foreign_write: Cell::new(false),
        }))
    }

    /// Reads the stored history; an unreadable one is set aside (kept under
    /// another key) with a message.
    pub fn load(&self) -> Loaded {
        let Some(text) = storage::get(Area::Local, HISTORY_KEY) else { return Loaded::default() };
        let loaded = history::decode(&text);
        if loaded.problem.is_some() {
            storage::set(Area::Local, HISTORY_CORRUPT_KEY, &text);
        }
        loaded
    }

    /// Calls `absorb` with the jobs another tab wrote, and writes at once
    /// when the page goes away. Listens for the page's life.
    pub fn listen(&self, absorb: impl Fn(Vec<Job>) + 'static) {
        let Some(w) = web_sys::window() else { return };
        let me = self.clone();
        let on_storage = Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
            if ev.key().as_deref() == Some(HISTORY_KEY) {
                me.0.foreign_write.set(true);
                absorb(history::decode(ev.new_value().as_deref().unwrap_or("")).jobs);
            }
        });
        let _ = w.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
        on_storage.forget();
        let me = self.clone();
        let on_hide = Closure::<dyn Fn()>::new(move || me.write());
        let _ = w.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
        on_hide.forget();
    }

    /// Asks for a write: now when due (`history::write_due`), else once the
    /// 2 s are up.
    pub fn request(&self, phase_changed: bool) {
        let t = now();
        if history::write_due(self.0.last_write.get(), t, phase_changed) {
            self.write();
            return;
        }
        if self.0.trailing.borrow().is_some() {
            return;
        }
        let wait = (self.0.last_write.get() + history::WRITE_EVERY_MS - t).max(0.0) as u32;
        let me = self.clone();
        *self.0.trailing.borrow_mut() = Some(Timeout::new(wait, move || me.write()));
    }

    /// Writes now: read (when another tab wrote), merge, write, shrinking
    /// when storage is full.
    pub fn write(&self) {
        // A pending trailing write is this one.
        let pending = self.0.trailing.borrow_mut().take();
        drop(pending);
        self.0.last_write.set(now());
        let Snapshot { jobs, mine, deleted } = (self.0.snapshot)();
        let stored = if self.0.foreign_write.replace(false) {
            storage::get(Area::Local, HISTORY_KEY).map(|t| history::decode(&t).jobs).unwrap_or_default()
        } else {
            Vec::new()
        };
        let merged = history::merge(stored, &jobs, |id| mine.contains(&id), |id| deleted.contains(&id));
        if merged.is_empty() {
            // Never an empty history over one with jobs this tab did not delete.
            let stored = storage::get(Area::Local, HISTORY_KEY).map(|t| history::decode(&t).jobs).unwrap_or_default();
            if stored.iter().any(|j| !deleted.contains(&j.id)) {
                return;
            }
        }
        if self.set(&history::encode(&merged)) {
            return;
        }
        for (jobs, dropped) in history::shrink(&merged) {
            if jobs.is_empty() {
                break;
            }
            if self.set(&history::encode(&jobs)) {
                (self.0.problem)(Some(if dropped == 0 {
                    K::HistoryLogsDropped.into()
                } else {
                    Msg::count(K::HistoryTrimmedOne, K::HistoryTrimmed, dropped)
                }));
                return;
            }
        }
        (self.0.problem)(Some(K::HistoryNotSaved.into()));
    }

    fn set(&self, text: &str) -> bool {
        storage::set(Area::Local, HISTORY_KEY, text)
    }
}
