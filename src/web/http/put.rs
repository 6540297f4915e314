//! The upload of a picture's bytes to a signed address (PROTOCOL.md,
//! "Storage"), through `XMLHttpRequest`: its `upload` events report
//! progress in every engine, which `fetch` does not. It never carries the
//! key: it takes no `Client`, and sets `Content-Type` only. Dropping the
//! future aborts the request.

use futures::channel::mpsc;
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

use crate::api::storage::{put_answer, UploadError, STALL_MS};

enum Ev {
    Progress(u64, u64),
    Loaded,
    Failed,
}

/// The request and its handlers; dropped: aborted, handlers cleared (no
/// dropped closure is ever called).
struct Live {
    xhr: XmlHttpRequest,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Live {
    fn drop(&mut self) {
        if self.xhr.ready_state() != XmlHttpRequest::DONE {
            let _ = self.xhr.abort();
        }
        self.xhr.set_onload(None);
        self.xhr.set_onerror(None);
        self.xhr.set_onabort(None);
        if let Ok(u) = self.xhr.upload() {
            u.set_onprogress(None);
        }
    }
}

/// PUTs `blob` to `url` as `content_type`; `progress(sent, total)` as the
/// bytes go. Given up after `STALL_MS` without progress.
pub async fn put(url: &str, content_type: &str, blob: &Blob, progress: impl Fn(u64, u64)) -> Result<(), UploadError> {
    let xhr = XmlHttpRequest::new().map_err(|_| UploadError::Cut)?;
    xhr.open("PUT", url).map_err(|_| UploadError::Cut)?;
    xhr.set_request_header("Content-Type", content_type).map_err(|_| UploadError::Cut)?;
    let (tx, mut rx) = mpsc::unbounded::<Ev>();
    let on = |make: fn(&web_sys::Event) -> Ev| {
        let tx = tx.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let _ = tx.unbounded_send(make(&e));
        })
    };
    let on_progress = on(|e| match e.dyn_ref::<ProgressEvent>() {
        Some(p) => Ev::Progress(p.loaded() as u64, p.total() as u64),
        None => Ev::Progress(0, 0),
    });
    let (on_load, on_error) = (on(|_| Ev::Loaded), on(|_| Ev::Failed));
    let upload = xhr.upload().map_err(|_| UploadError::Cut)?;
    upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_error.as_ref().unchecked_ref()));
    let live = Live { xhr, _handlers: vec![on_progress, on_load, on_error] };
    live.xhr.send_with_opt_blob(Some(blob)).map_err(|_| UploadError::Cut)?;
    progress(0, blob.size() as u64);
    loop {
        match select(rx.next(), TimeoutFuture::new(STALL_MS)).await {
            Either::Left((Some(Ev::Progress(sent, total)), _)) => progress(sent, total),
            Either::Left((Some(Ev::Loaded), _)) => {
                let text = live.xhr.response_text().ok().flatten().unwrap_or_default();
                return put_answer(live.xhr.status().unwrap_or(0), &text);
            }
            Either::Left((Some(Ev::Failed) | None, _)) => return Err(UploadError::Cut),
            Either::Right(_) => return Err(UploadError::Stalled),
        }
    }
}
