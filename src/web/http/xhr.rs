//! Requests whose body reports its progress, through `XMLHttpRequest`: its
//! `upload` events say how many bytes went in every engine, which `fetch`
//! does not (PROTOCOL.md, "Storage"). Used for an upload's PUT and for a
//! submit whose body is big. Dropping the future aborts the request.

use std::cell::Cell;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

use crate::api::storage::STALL_MS;

/// What is sent.
pub(super) enum Body<'a> {
    Blob(&'a Blob),
    Text(&'a str),
}

/// An answer, with the headers the app reads and the address it came from
/// (another than the one asked: a redirect was followed).
pub(super) struct Reply {
    pub status: u16,
    pub text: String,
    pub retry_after: Option<String>,
    pub error_type: Option<String>,
    pub url: String,
}

/// Why no answer came.
pub(super) enum Failed {
    /// Refused, cut off or blocked by CORS.
    Network,
    /// No progress for `STALL_MS` while bytes were still to go.
    Stalled,
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

/// Sends `body` to `url` with `headers`; `progress(sent, total)` as the
/// bytes go. Given up after `STALL_MS` without progress while bytes are
/// still to go (then the answer may take as long as it takes).
pub(super) async fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Body<'_>, progress: Rc<dyn Fn(u64, u64)>) -> Result<Reply, Failed> {
    let xhr = XmlHttpRequest::new().map_err(|_| Failed::Network)?;
    xhr.open(method, url).map_err(|_| Failed::Network)?;
    for (name, value) in headers {
        xhr.set_request_header(name, value).map_err(|_| Failed::Network)?;
    }
    // When bytes last went (ms), and whether all of them have.
    let (last, all_sent) = (Rc::new(Cell::new(super::super::now())), Rc::new(Cell::new(false)));
    let on_progress = {
        let (last, all_sent, progress) = (last.clone(), all_sent.clone(), progress.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if let Some(p) = e.dyn_ref::<ProgressEvent>() {
                let (sent, total) = (p.loaded() as u64, p.total() as u64);
                last.set(super::super::now());
                all_sent.set(total > 0 && sent >= total);
                progress(sent, total);
            }
        })
    };
    // The end: loaded (true) or failed; the first one counts.
    let (tx, rx) = oneshot::channel::<bool>();
    let tx = Rc::new(Cell::new(Some(tx)));
    let end = |ok: bool| {
        let tx = tx.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            if let Some(t) = tx.take() {
                let _ = t.send(ok);
            }
        })
    };
    let (on_load, on_error) = (end(true), end(false));
    // Upload listeners are set before `send`, or no engine reports.
    let upload = xhr.upload().map_err(|_| Failed::Network)?;
    upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(on_error.as_ref().unchecked_ref()));
    let live = Live { xhr, _handlers: vec![on_progress, on_load, on_error] };
    let total = match body {
        Body::Blob(b) => {
            live.xhr.send_with_opt_blob(Some(b)).map_err(|_| Failed::Network)?;
            b.size() as u64
        }
        Body::Text(t) => {
            live.xhr.send_with_opt_str(Some(t)).map_err(|_| Failed::Network)?;
            t.len() as u64
        }
    };
    progress(0, total);
    let mut rx = rx;
    let loaded = loop {
        match select(rx, TimeoutFuture::new(STALL_MS)).await {
            Either::Left((ended, _)) => break ended.unwrap_or(false),
            Either::Right((_, waiting)) => {
                if !all_sent.get() && super::super::now() - last.get() >= STALL_MS as f64 {
                    return Err(Failed::Stalled);
                }
                rx = waiting;
            }
        }
    };
    if !loaded {
        return Err(Failed::Network);
    }
    let x = &live.xhr;
    // From the list the page may read (asking for a header that is not
    // exposed makes engines log an error).
    let all = x.get_all_response_headers().unwrap_or_default();
    let header = |n: &str| {
        all.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(n).then(|| v.trim().to_string())
        })
    };
    Ok(Reply {
        status: x.status().unwrap_or(0),
        text: x.response_text().ok().flatten().unwrap_or_default(),
        retry_after: header("retry-after"),
        error_type: header("x-fal-error-type"),
        url: x.response_url(),
    })
}
