//! The task runner: starts a job's task and owns its handle. Dropping the
//! handle (replacing it, removing it) ends the task and aborts its fetch:
//! the future is aborted (`futures::future::abortable`) and the request
//! cancelled (`AbortController`). Knows no store and no job.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use futures::future::{abortable, AbortHandle};
use leptos::task::spawn_local;
use web_sys::{AbortController, AbortSignal};

use super::http::Client;

/// A running task; dropping it ends the task.
struct Task {
    generation: u64,
    abort: AbortHandle,
    controller: Option<AbortController>,
    client: Client,
}

impl Drop for Task {
    fn drop(&mut self) {
        self.abort.abort();
        if let Some(c) = &self.controller {
            c.abort();
        }
    }
}

#[derive(Clone, Default)]
pub struct Runner {
    tasks: Rc<RefCell<HashMap<u64, Task>>>,
    generation: Rc<Cell<u64>>,
}

impl Runner {
    /// Starts the task of job `id` (ending one it had). `task` gets the
    /// client and an abort signal for its requests; `ended` runs when the
    /// task finishes by itself, not when it is stopped.
    pub fn start<F>(&self, id: u64, client: Client, task: impl FnOnce(Client, Option<AbortSignal>) -> F, ended: impl FnOnce() + 'static)
    where
        F: Future<Output = ()> + 'static,
    {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        let (fut, abort) = abortable(task(client.clone(), signal));
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        // Taken out first so its drop (which aborts) runs outside the borrow.
        let old = self.tasks.borrow_mut().insert(id, Task { generation, abort, controller, client });
        drop(old);
        let tasks = self.tasks.clone();
        spawn_local(async move {
            if fut.await.is_ok() {
                let mine = tasks.borrow().get(&id).is_some_and(|t| t.generation == generation);
                if mine {
                    let done = tasks.borrow_mut().remove(&id);
                    drop(done);
                }
                ended();
            }
        });
    }

    /// Ends the task of job `id`, if it has one.
    pub fn stop(&self, id: u64) {
        let t = self.tasks.borrow_mut().remove(&id);
        drop(t);
    }

    pub fn running(&self, id: u64) -> bool {
        self.tasks.borrow().contains_key(&id)
    }

    /// The client a running task uses (for a cancel beside it).
    pub fn client(&self, id: u64) -> Option<Client> {
        self.tasks.borrow().get(&id).map(|t| t.client.clone())
    }
}
