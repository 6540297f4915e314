//! The page's uploads: each picture (by its content, `api::storage::
//! content_key`) crosses the wire once per page, whatever uses it — the
//! form's files as soon as they are added, and any picture a job is about
//! to send inline (marks burned in, a mask, a replay's or rewrite's
//! images). An upload asks the storage API for an address (with the key,
//! through `Client`, so only on the storage base's origin), then PUTs the
//! bytes there (`http::put`, never with the key). Each upload's task is
//! owned by the runner: taking the picture out of the form ends it.
//! Beside them, the bytes of a big submit on its way (`sending`).

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::http::{Client, Method};
use super::runner::Runner;
use crate::api::storage::{self, content_key, Upload, UploadError};

/// A picture's content key (`api::storage::content_key`).
pub type Key = (u64, usize);

#[derive(Clone, Copy)]
pub struct Uploads {
    /// Each picture's upload, by content key (tracked by the views).
    list: RwSignal<Vec<(Key, Upload)>>,
    runner: StoredValue<Runner, LocalStorage>,
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

/// The runner's id of an upload.
fn id(key: Key) -> u64 {
    key.0
}

impl Uploads {
    pub fn new() -> Self {
        Uploads { list: RwSignal::new(Vec::new()), runner: StoredValue::new_local(Runner::default()) }
    }

    /// What became of picture `uri` (tracked); `None`: not uploaded here.
    pub fn state(&self, uri: &str) -> Option<Upload> {
        if !uri.starts_with("data:") {
            return None;
        }
        self.by_key(content_key(uri))
    }

    /// What became of the picture with content key `key` (tracked).
    pub fn by_key(&self, key: Key) -> Option<Upload> {
        self.list.with(|l| l.iter().find(|(k, _)| *k == key).map(|(_, u)| u.clone()))
    }

    fn by_key_untracked(&self, key: Key) -> Option<Upload> {
        self.list.with_untracked(|l| l.iter().find(|(k, _)| *k == key).map(|(_, u)| u.clone()))
    }

    fn state_untracked(&self, uri: &str) -> Option<Upload> {
        self.by_key_untracked(content_key(uri))
    }

    fn set(&self, key: Key, state: Upload) {
        self.list.update(|l| match l.iter_mut().find(|(k, _)| *k == key) {
            Some((_, u)) => *u = state,
            None => l.push((key, state)),
        });
    }

    /// Starts uploading `uri` (a data URI) with `storage`, unless it is
    /// uploading, uploaded, or failed (only `retry` starts that again).
    pub fn want(&self, storage: &Client, uri: &str, name: &str) {
        if uri.starts_with("data:") && self.state_untracked(uri).is_none() {
            self.start(storage, uri, name);
        }
    }

    /// Uploads `uri` again after a failure.
    pub fn retry(&self, storage: &Client, uri: &str, name: &str) {
        if matches!(self.state_untracked(uri), Some(Upload::Failed(_)) | None) {
            self.start(storage, uri, name);
        }
    }

    /// Ends the uploads of `keys` that still run, and forgets them (their
    /// pictures left the form; a job that waits for one starts it again).
    pub fn cancel(&self, keys: &[Key]) {
        for key in keys {
            if matches!(self.by_key_untracked(*key), Some(Upload::Running { .. })) {
                self.runner.with_value(|r| r.stop(id(*key)));
                self.list.update(|l| l.retain(|(k, _)| k != key));
            }
        }
    }

    fn start(&self, storage: &Client, uri: &str, name: &str) {
        let key = content_key(uri);
        let (uri, name) = (uri.to_string(), name.to_string());
        let me = *self;
        self.set(key, Upload::Running { loaded: 0, total: 0 });
        self.runner.with_value(|r| {
            r.start(
                id(key),
                storage.clone(),
                Box::new(move |client, signal| {
                    Box::pin(async move {
                        let result = upload(&client, &uri, &name, signal.as_ref(), move |loaded, total| me.set(key, Upload::Running { loaded, total })).await;
                        me.set(key, match result {
                            Ok(url) => Upload::Done(url),
                            Err(e) => Upload::Failed(e),
                        });
                    })
                }),
                Box::new(|| {}),
            )
        });
    }

    /// For a job about to be sent: uploads each of `uris` not yet started
    /// (or ended since, its picture taken out of the form), waits until none
    /// of them runs, and gives the uploaded ones with their URLs (a failed
    /// one is sent inline).
    pub async fn ready(&self, storage: &Client, uris: &[String]) -> Vec<(String, String)> {
        // Each picture hashed once, not at every look.
        let keys: Vec<Key> = uris.iter().map(|u| content_key(u)).collect();
        loop {
            for (u, key) in uris.iter().zip(&keys) {
                if self.by_key_untracked(*key).is_none() {
                    self.start(storage, u, "");
                }
            }
            if !keys.iter().any(|k| matches!(self.by_key_untracked(*k), Some(Upload::Running { .. }))) {
                break;
            }
            // Looked at four times a second (the timer goes with the job's task).
            TimeoutFuture::new(250).await;
        }
        uris.iter()
            .zip(&keys)
            .filter_map(|(u, k)| match self.by_key_untracked(*k) {
                Some(Upload::Done(url)) => Some((u.clone(), url)),
                _ => None,
            })
            .collect()
    }

    /// A big submit's bytes on their way: job `id`'s sent and all (`None`:
    /// its submit is not going). Kept beside the pictures' uploads, under a
    /// key no picture has (no data URI is `usize::MAX` long).
    pub fn sending(&self, id: u64, progress: Option<(u64, u64)>) {
        let key = (id, usize::MAX);
        match progress {
            Some((loaded, total)) => self.set(key, Upload::Running { loaded, total }),
            None => self.list.update(|l| l.retain(|(k, _)| *k != key)),
        }
    }

    /// Job `id`'s submit bytes sent and all, while a big one goes (tracked).
    pub fn sent_of(&self, id: u64) -> Option<(u64, u64)> {
        match self.by_key((id, usize::MAX))? {
            Upload::Running { loaded, total } => Some((loaded, total)),
            _ => None,
        }
    }
}

/// One upload: the address from the storage API, then the bytes.
async fn upload(client: &Client, uri: &str, name: &str, signal: Option<&web_sys::AbortSignal>, progress: impl Fn(u64, u64) + 'static) -> Result<String, UploadError> {
    let mime = storage::mime_of(uri).unwrap_or("application/octet-stream").to_string();
    let body = storage::initiate_body(&mime, &storage::file_name(name, &mime));
    // Online, and not while the storage base is held after a 429.
    super::follow::ready(client).await;
    let answer = client.send(Method::Post, &storage::initiate_url(&client.base), Some(&body), signal).await.map_err(|_| UploadError::Unreachable)?;
    let ticket = storage::ticket(answer.status, &answer.text)?;
    // The data URI's bytes, as a blob (no request leaves the page).
    let blob = async {
        let resp = super::images::fetch_ok(uri).await?;
        wasm_bindgen_futures::JsFuture::from(resp.blob().ok()?).await.ok()?.dyn_into::<web_sys::Blob>().ok()
    }
    .await
    .ok_or(UploadError::Cut)?;
    super::http::put(&ticket.upload_url, &mime, &blob, std::rc::Rc::new(progress)).await?;
    Ok(ticket.file_url)
}
