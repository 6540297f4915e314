//! The task runner: starts a job's task and owns its handle. Dropping the
//! handle (replacing it, removing it) ends the task and aborts its fetch:
//! the future is aborted (`futures::future::abortable`) and the request
//! cancelled (`AbortController`). Knows no store and no job.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
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

/// Takes job `id`'s task out of the list (dropped by the caller, outside
/// the borrow: its drop aborts).
fn take(tasks: &RefCell<Vec<(u64, Task)>>, id: u64) -> Option<Task> {
    let mut t = tasks.borrow_mut();
    let i = t.iter().position(|(j, _)| *j == id)?;
    Some(t.swap_remove(i).1)
}

#[derive(Clone, Default)]
pub struct Runner {
    /// A page follows tens of jobs at most: a list is enough.
    tasks: Rc<RefCell<Vec<(u64, Task)>>>,
    generation: Rc<Cell<u64>>,
}

impl Runner {
    /// Starts the task of job `id` (ending one it had). `task` gets the
    /// client and an abort signal for its requests; `ended` runs when the
    /// task finishes by itself, not when it is stopped. (Boxed: compiled
    /// once for every kind of task, not once per kind.)
    pub fn start(&self, id: u64, client: Client, task: Box<dyn FnOnce(Client, Option<AbortSignal>) -> Pin<Box<dyn Future<Output = ()>>>>, ended: Box<dyn FnOnce()>) {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        let (fut, abort) = abortable(task(client.clone(), signal));
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        // Taken out first so its drop (which aborts) runs outside the borrow.
        let old = take(&self.tasks, id);
        drop(old);
        self.tasks.borrow_mut().push((id, Task { generation, abort, controller, client }));
        let tasks = self.tasks.clone();
        spawn_local(async move {
            if fut.await.is_ok() {
                let mine = tasks.borrow().iter().any(|(i, t)| *i == id && t.generation == generation);
                if mine {
                    let done = take(&tasks, id);
                    drop(done);
                }
                ended();
            }
        });
    }

    /// Ends the task of job `id`, if it has one.
    pub fn stop(&self, id: u64) {
        let t = take(&self.tasks, id);
        drop(t);
    }

    pub fn running(&self, id: u64) -> bool {
        self.tasks.borrow().iter().any(|(i, _)| *i == id)
    }

    /// The client a running task uses (for a cancel beside it).
    pub fn client(&self, id: u64) -> Option<Client> {
        self.tasks.borrow().iter().find(|(i, _)| *i == id).map(|(_, t)| t.client.clone())
    }
}
