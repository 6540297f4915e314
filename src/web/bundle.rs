//! "Download all": fetches a group's images (no key: they are on the
//! provider's CDN, or data URIs) and writes them, with each job's request,
//! into one zip (`jobs::bundle` names the files, `api::zip` writes them),
//! with the kept version of each result of a job that keeps the rest.

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag};

use super::images::{blob_bytes, fetch_ok, save_blob};

use crate::api::zip::{ZipError, ZipWriter};
use crate::jobs::bundle::{entries, Entry};
use crate::jobs::Job;

/// The bytes at `url`, if the browser may read them.
async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let buf = JsFuture::from(fetch_ok(url).await?.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buf).to_vec())
}

async fn copy_bytes(job: u64, index: usize) -> Option<Vec<u8>> {
    blob_bytes(&super::copies::find(job, index).await?).await
}

/// The zip of `jobs` (in their order), and how many images could not be
/// fetched (their addresses are in `missing.txt` instead).
pub async fn group_zip(jobs: &[Job], now_ms: f64) -> Result<(Vec<u8>, usize), ZipError> {
    let mut zip = ZipWriter::new(now_ms);
    let mut missing = Vec::new();
    for entry in entries(jobs) {
        match entry {
            Entry::Image { name, url, job, index } => match fetch_bytes(&url).await {
                Some(bytes) => zip.add(&name, &bytes)?,
                // The provider no longer serves it: the copy, if one was kept.
                None => match copy_bytes(job, index).await {
                    Some(bytes) => zip.add(&name, &bytes)?,
                    None => missing.push(format!("{name}\t{url}")),
                },
            },
            Entry::Text { name, text } => zip.add(&name, text.as_bytes())?,
            // Made here as the card makes it; else its copy.
            Entry::Kept { name, job, index, result, input, region } => {
                let made = match super::pixels::kept_png(input.as_deref(), &result, &region).await {
                    Ok((blob, _)) => Some(blob),
                    Err(_) => super::copies::find_kept(job, index).await,
                };
                let bytes = match made {
                    Some(blob) => blob_bytes(&blob).await,
                    None => None,
                };
                match bytes {
                    Some(bytes) => zip.add(&name, &bytes)?,
                    None => missing.push(format!("{name}\tkept version of {result}")),
                }
            }
        }
    }
    if !missing.is_empty() {
        zip.add("missing.txt", (missing.join("\n") + "\n").as_bytes())?;
    }
    Ok((zip.finish()?, missing.len()))
}

/// Offers `bytes` as a download named `name`.
pub fn save(bytes: &[u8], name: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let opts = BlobPropertyBag::new();
    opts.set_type("application/zip");
    save_blob(&Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()?, name)
}
