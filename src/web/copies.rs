//! Copies of result images in the browser (Cache Storage), under the job's
//! id and the image's place: `qie-copy/<job>/<index>`, relative to the page,
//! so two copies of the app under two paths keep their own. The page shows
//! the provider's URL; when that fails to load (expired, offline), the
//! image's `error` handler ([`fall_back`]) puts the copy in its place.
//! A result's kept version ("keep the rest") is kept beside it, under
//! `qie-copy/<job>/<index>-kept`.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Cache, HtmlImageElement, Url};

const CACHE: &str = "qie-copies-v1";

fn key(job: u64, index: usize) -> String {
    format!("qie-copy/{job}/{index}")
}

fn kept_key(job: u64, index: usize) -> String {
    format!("qie-copy/{job}/{index}-kept")
}

async fn open() -> Option<Cache> {
    let caches = web_sys::window()?.caches().ok()?;
    JsFuture::from(caches.open(CACHE)).await.ok()?.dyn_into().ok()
}

/// Copies the images at `urls` (the job's results, in order): the bytes
/// they take, or `None` when one could not be read (the host does not let
/// the page read it) — then none is kept.
pub async fn keep(job: u64, urls: &[String]) -> Option<u64> {
    let cache = open().await?;
    let mut bytes = 0;
    for (index, url) in urls.iter().enumerate() {
        let copied = async {
            let blob: Blob = JsFuture::from(super::images::fetch_ok(url).await?.blob().ok()?).await.ok()?.dyn_into().ok()?;
            let resp = web_sys::Response::new_with_opt_blob(Some(&blob)).ok()?;
            JsFuture::from(cache.put_with_str(&key(job, index), &resp)).await.ok()?;
            Some(blob.size() as u64)
        };
        match copied.await {
            Some(n) => bytes += n,
            None => {
                forget(job, urls.len()).await;
                return None;
            }
        }
    }
    Some(bytes)
}

/// Keeps `bytes` (an image read back from an export) as the copy of image
/// `index` of `job`.
pub async fn put(job: u64, index: usize, bytes: &[u8]) -> Option<()> {
    let cache = open().await?;
    // A JS-owned copy: WebKit reads a Response's body after the call, and a
    // view of wasm memory would by then show other bytes (issue 20).
    let body = js_sys::Uint8Array::from(bytes);
    let resp = web_sys::Response::new_with_opt_buffer_source(Some(&body)).ok()?;
    JsFuture::from(cache.put_with_str(&key(job, index), &resp)).await.ok().map(|_| ())
}

/// The copy of image `index` of `job`.
pub async fn find(job: u64, index: usize) -> Option<Blob> {
    find_key(&key(job, index)).await
}

/// The copy of the kept version of image `index` of `job`.
pub async fn find_kept(job: u64, index: usize) -> Option<Blob> {
    find_key(&kept_key(job, index)).await
}

async fn find_key(key: &str) -> Option<Blob> {
    let hit = JsFuture::from(open().await?.match_with_str(key)).await.ok()?;
    let resp: web_sys::Response = hit.dyn_into().ok()?;
    JsFuture::from(resp.blob().ok()?).await.ok()?.dyn_into().ok()
}

/// Keeps `blob` as the copy of the kept version of image `index` of `job`.
pub async fn put_kept(job: u64, index: usize, blob: &Blob) -> Option<()> {
    let resp = web_sys::Response::new_with_opt_blob(Some(blob)).ok()?;
    JsFuture::from(open().await?.put_with_str(&kept_key(job, index), &resp)).await.ok().map(|_| ())
}

/// Deletes the copies of `job`'s `count` images (and of their kept
/// versions).
pub async fn forget(job: u64, count: usize) {
    forget_urls(job, count);
    let Some(cache) = open().await else { return };
    for index in 0..count {
        for k in [key(job, index), kept_key(job, index)] {
            let _ = JsFuture::from(cache.delete_with_str(&k)).await;
        }
    }
}

/// Deletes every copy.
pub async fn forget_all() {
    OBJECT_URLS.with_borrow_mut(|urls| urls.drain(..).for_each(|(_, u)| revoke(&u)));
    if let Some(caches) = web_sys::window().and_then(|w| w.caches().ok()) {
        let _ = JsFuture::from(caches.delete(CACHE)).await;
    }
}

fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}

thread_local! {
    /// The object URLs made for copies shown, one per image, kept until its
    /// copy is deleted (an `<img>` may still show it until then).
    static OBJECT_URLS: RefCell<Vec<((u64, usize), String)>> = const { RefCell::new(Vec::new()) };
}

fn forget_urls(job: u64, count: usize) {
    OBJECT_URLS.with_borrow_mut(|urls| {
        urls.retain(|((j, i), u)| {
            let gone = *j == job && *i < count;
            if gone {
                revoke(u);
            }
            !gone
        })
    });
}

/// An object URL of the copy of image `index` of `job`.
async fn object_url(job: u64, index: usize) -> Option<String> {
    if let Some(u) = OBJECT_URLS.with_borrow(|urls| urls.iter().find(|(k, _)| *k == (job, index)).map(|(_, u)| u.clone())) {
        return Some(u);
    }
    let url = Url::create_object_url_with_blob(&find(job, index).await?).ok()?;
    OBJECT_URLS.with_borrow_mut(|urls| urls.push(((job, index), url.clone())));
    Some(url)
}

/// Puts the copy of image `index` of `job` in place of `img` (which failed
/// to load), once: `data-copy` says `shown`, or `none` when there is none.
pub async fn show_copy(img: HtmlImageElement, job: u64, index: usize) {
    if img.has_attribute("data-copy") {
        return;
    }
    let _ = img.set_attribute("data-copy", "looking");
    match object_url(job, index).await {
        Some(u) => {
            img.set_src(&u);
            let _ = img.set_attribute("data-copy", "shown");
        }
        None => {
            let _ = img.set_attribute("data-copy", "none");
        }
    }
}

/// The image an `error` event is about.
pub fn failed_image(ev: &web_sys::ErrorEvent) -> Option<HtmlImageElement> {
    ev.target()?.dyn_into().ok()
}

/// An `on:error` handler for a result image: the copy takes its place.
pub fn fall_back(job: u64, index: usize) -> impl Fn(web_sys::ErrorEvent) + Copy + 'static {
    move |ev| {
        if let Some(img) = failed_image(&ev) {
            wasm_bindgen_futures::spawn_local(show_copy(img, job, index));
        }
    }
}

/// What the page's origin stores in all, and what the browser allows it
/// (`navigator.storage.estimate()`), in bytes; `None` when the browser
/// does not say (WebKitGTK answers a quota of 0).
pub async fn estimate() -> Option<(f64, f64)> {
    let est = JsFuture::from(web_sys::window()?.navigator().storage().estimate().ok()?).await.ok()?;
    let get = |k: &str| js_sys::Reflect::get(&est, &JsValue::from_str(k)).ok()?.as_f64();
    Some((get("usage")?, get("quota")?)).filter(|(_, quota)| *quota > 0.0)
}

/// Asks for storage the browser will not clear under pressure; whether it
/// is granted.
pub async fn persist() -> Option<bool> {
    JsFuture::from(web_sys::window()?.navigator().storage().persist().ok()?).await.ok()?.as_bool()
}

/// Whether storage is persistent already (asks nothing).
pub async fn persisted() -> Option<bool> {
    JsFuture::from(web_sys::window()?.navigator().storage().persisted().ok()?).await.ok()?.as_bool()
}
