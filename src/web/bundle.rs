//! "Download all": fetches a group's images (no key: they are on the
//! provider's CDN, or data URIs) and writes them, with each job's request,
//! into one zip (`jobs::bundle` names the files, `api::zip` writes them).

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, Url};

use crate::api::zip::{ZipError, ZipWriter};
use crate::jobs::bundle::{entries, Entry};
use crate::jobs::Job;

/// The bytes at `url`, if the browser may read them.
async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let window = web_sys::window()?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url)).await.ok()?.dyn_into().ok()?;
    if !resp.ok() {
        return None;
    }
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buf).to_vec())
}

/// The zip of `jobs` (in their order), and how many images could not be
/// fetched (their addresses are in `missing.txt` instead).
pub async fn group_zip(jobs: &[Job], now_ms: f64) -> Result<(Vec<u8>, usize), ZipError> {
    let mut zip = ZipWriter::new(now_ms);
    let mut missing = Vec::new();
    for entry in entries(jobs) {
        match entry {
            Entry::Image { name, url } => match fetch_bytes(&url).await {
                Some(bytes) => zip.add(&name, &bytes)?,
                None => missing.push(format!("{name}\t{url}")),
            },
            Entry::Text { name, text } => zip.add(&name, text.as_bytes())?,
        }
    }
    if !missing.is_empty() {
        zip.add("missing.txt", (missing.join("\n") + "\n").as_bytes())?;
    }
    Ok((zip.finish()?, missing.len()))
}

/// Offers `bytes` as a download named `name`.
pub fn save(bytes: &[u8], name: &str) -> Option<()> {
    let window = web_sys::window()?;
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let opts = BlobPropertyBag::new();
    opts.set_type("application/zip");
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()?;
    let href = Url::create_object_url_with_blob(&blob).ok()?;
    let a: web_sys::HtmlAnchorElement = window.document()?.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&href);
    a.set_download(name);
    a.click();
    // Revoked once the click has been handled.
    let later = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&href);
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 10_000);
    Some(())
}
