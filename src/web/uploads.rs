//! The page's uploads: each picture (by its content, `api::storage::
//! content_key`) crosses the wire once per page, whatever uses it — the
//! form's files as soon as they are added, and any picture a job is about
//! to send inline (marks burned in, a mask, a replay's or rewrite's
//! images). An upload asks the storage API for an address (with the key,
//! through `Client`, so only on the storage base's origin), then PUTs the
//! bytes there (`http::put`, never with the key). Each upload's task is
//! owned by the runner: removing the picture ends it.

use futures::channel::oneshot;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::http::{Client, Method};
use super::runner::Runner;
use crate::api::storage::{self, content_key, Upload, UploadError};

type Key = (u64, usize);

#[derive(Clone, Copy)]
pub struct Uploads {
    /// Each picture's upload, by content key (tracked by the views).
    list: RwSignal<Vec<(Key, Upload)>>,
    runner: StoredValue<Runner, LocalStorage>,
    /// Who waits for an upload to end (`ready`).
    waiters: StoredValue<Vec<oneshot::Sender<()>>, LocalStorage>,
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
        Uploads { list: RwSignal::new(Vec::new()), runner: StoredValue::new_local(Runner::default()), waiters: StoredValue::new_local(Vec::new()) }
    }

    /// What became of picture `uri` (tracked); `None`: not uploaded here.
    pub fn state(&self, uri: &str) -> Option<Upload> {
        if !uri.starts_with("data:") {
            return None;
        }
        let key = content_key(uri);
        self.list.with(|l| l.iter().find(|(k, _)| *k == key).map(|(_, u)| u.clone()))
    }

    /// Tells whoever waits that an upload ended.
    fn wake(&self) {
        self.waiters.update_value(|w| {
            for t in w.drain(..) {
                let _ = t.send(());
            }
        });
    }

    /// What became of the picture with content key `key` (tracked).
    pub fn by_key(&self, key: Key) -> Option<Upload> {
        self.list.with(|l| l.iter().find(|(k, _)| *k == key).map(|(_, u)| u.clone()))
    }

    fn set(&self, key: Key, state: Upload) {
        let ended = !matches!(state, Upload::Running { .. });
        self.list.update(|l| match l.iter_mut().find(|(k, _)| *k == key) {
            Some((_, u)) => *u = state,
            None => l.push((key, state)),
        });
        if ended {
            self.wake();
        }
    }

    /// Starts uploading `uri` (a data URI) with `storage`, unless it is
    /// uploading, uploaded, or failed (only `retry` starts that again).
    pub fn want(&self, storage: &Client, uri: &str, name: &str) {
        let known = self.list.with_untracked(|l| l.iter().any(|(k, _)| *k == content_key(uri)));
        if uri.starts_with("data:") && !known {
            self.start(storage, uri, name);
        }
    }

    /// Uploads `uri` again after a failure.
    pub fn retry(&self, storage: &Client, uri: &str, name: &str) {
        if matches!(self.state(uri), Some(Upload::Failed(_)) | None) {
            self.start(storage, uri, name);
        }
    }

    /// Ends the upload of `uri` if it still runs, and forgets it.
    pub fn cancel(&self, uri: &str) {
        let key = content_key(uri);
        if self.list.with_untracked(|l| l.iter().any(|(k, u)| *k == key && matches!(u, Upload::Running { .. }))) {
            self.runner.with_value(|r| r.stop(id(key)));
            self.list.update(|l| l.retain(|(k, _)| *k != key));
            self.wake();
        }
    }

    /// Ends every running upload not in `keep` (the pictures still in use).
    pub fn keep_only(&self, keep: &[Key]) {
        let gone: Vec<Key> = self.list.with_untracked(|l| l.iter().filter(|(k, u)| matches!(u, Upload::Running { .. }) && !keep.contains(k)).map(|(k, _)| *k).collect());
        for key in gone {
            self.runner.with_value(|r| r.stop(id(key)));
            self.list.update(|l| l.retain(|(k, _)| *k != key));
        }
        self.wake();
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
                move |client, signal| async move {
                    let result = upload(&client, &uri, &name, signal.as_ref(), |loaded, total| me.set(key, Upload::Running { loaded, total })).await;
                    me.set(key, match result {
                        Ok(url) => Upload::Done(url),
                        Err(e) => Upload::Failed(e),
                    });
                },
                || {},
            )
        });
    }

    /// For a job about to be sent: uploads each of `uris` not yet started,
    /// waits until none of them runs, and gives the uploaded ones with their
    /// URLs (a failed one is sent inline).
    pub async fn ready(&self, storage: &Client, uris: &[String]) -> Vec<(String, String)> {
        for u in uris {
            self.want(storage, u, "");
        }
        loop {
            let running = uris.iter().any(|u| matches!(self.state_untracked(u), Some(Upload::Running { .. })));
            if !running {
                break;
            }
            let (tx, rx) = oneshot::channel();
            self.waiters.update_value(|w| w.push(tx));
            let _ = rx.await;
        }
        uris.iter().filter_map(|u| match self.state_untracked(u) {
            Some(Upload::Done(url)) => Some((u.clone(), url)),
            _ => None,
        })
        .collect()
    }

    fn state_untracked(&self, uri: &str) -> Option<Upload> {
        let key = content_key(uri);
        self.list.with_untracked(|l| l.iter().find(|(k, _)| *k == key).map(|(_, u)| u.clone()))
    }
}

/// One upload: the address from the storage API, then the bytes.
async fn upload(client: &Client, uri: &str, name: &str, signal: Option<&web_sys::AbortSignal>, progress: impl Fn(u64, u64)) -> Result<String, UploadError> {
    let mime = storage::mime_of(uri).unwrap_or("application/octet-stream").to_string();
    let body = storage::initiate_body(&mime, &storage::file_name(name, &mime));
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
    super::http::put(&ticket.upload_url, &mime, &blob, &progress).await?;
    Ok(ticket.file_url)
}
