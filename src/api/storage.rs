//! Storage: a local picture crosses the wire once (PROTOCOL.md, "Storage").
//! The provider's storage API hands out a signed upload address and the
//! file's public URL; the page PUTs the bytes to that address (never with
//! the key) and jobs name the URL. Plain Rust: the addresses and bodies,
//! the answers, what a failure says, the content key that makes one upload
//! per picture, and what a request body still carries inline.

use serde_json::Value;

use crate::i18n::{Msg, K};

/// fal's storage API (`rest.alpha.fal.ai` before fal-js 1.9.3).
pub const FAL_STORAGE_BASE: &str = "https://rest.fal.ai";
/// A request body past this many bytes shows its progress.
pub const PROGRESS_FROM: u64 = 256 * 1024;
/// An inline body past this many bytes is not sent (servers refuse bodies
/// past about 10 MB; PROTOCOL.md). Also the form's warning.
pub const MAX_INLINE_BYTES: usize = super::image::BODY_WARN_BYTES;
/// An upload with no progress for this long is given up.
pub const STALL_MS: u32 = 30_000;

/// Where an upload starts: `{base}/storage/upload/initiate`, on fal's CDN.
pub fn initiate_url(base: &str) -> String {
    format!("{}/storage/upload/initiate?storage_type=fal-cdn-v3", base.trim().trim_end_matches('/'))
}

/// The initiate request's body.
pub fn initiate_body(content_type: &str, file_name: &str) -> String {
    serde_json::json!({"content_type": content_type, "file_name": file_name}).to_string()
}

/// The media type of a data URI (`data:image/png;base64,…` → `image/png`).
pub fn mime_of(data_uri: &str) -> Option<&str> {
    let rest = data_uri.strip_prefix("data:")?;
    let end = rest.find([';', ','])?;
    let mime = &rest[..end];
    (!mime.is_empty()).then_some(mime)
}

/// The file name sent with an upload: the person's own (its last path
/// part, at most 100 characters of letters, digits, `-`, `_` and `.`), or
/// `image.<ext>` for a picture made in the page.
pub fn file_name(name: &str, mime: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).take(100).collect();
    if clean.trim_matches('.').is_empty() {
        let ext = match mime {
            "image/jpeg" => "jpg",
            "image/webp" => "webp",
            _ => "png",
        };
        format!("image.{ext}")
    } else {
        clean
    }
}

/// What an initiate gives: where to PUT the bytes and the URL jobs name.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    pub upload_url: String,
    pub file_url: String,
}

/// Why a picture was not uploaded. Each says what happened in words; the
/// job then carries the picture inline.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadError {
    /// The storage API refused the key or the account (401, 403), in its words.
    Refused { status: u16, detail: String },
    /// No storage API at that base (404, 405).
    NoStorage(u16),
    /// Another answer to the initiate, in its words.
    Server { status: u16, detail: String },
    /// A success that gave no usable addresses.
    BadTicket,
    /// The storage API could not be reached (offline, or a CORS refusal).
    Unreachable,
    /// The upload address refused the bytes (its HTTP code).
    Put(u16),
    /// The signed upload address expired before the bytes went.
    Expired,
    /// The upload was cut off or refused by the browser (CORS).
    Cut,
    /// No progress for `STALL_MS`.
    Stalled,
}

impl UploadError {
    pub fn message(&self) -> Msg {
        match self {
            UploadError::Refused { status, detail } => Msg::new(K::UploadRefused).arg("status", status.to_string()).arg("detail", detail),
            UploadError::NoStorage(status) => Msg::new(K::UploadNoStorage).arg("status", status.to_string()),
            UploadError::Server { status, detail } => Msg::new(K::UploadServer).arg("status", status.to_string()).arg("detail", detail),
            UploadError::BadTicket => Msg::new(K::UploadBadTicket),
            UploadError::Unreachable => Msg::new(K::UploadUnreachable),
            UploadError::Put(status) => Msg::new(K::UploadPut).arg("status", status.to_string()),
            UploadError::Expired => Msg::new(K::UploadExpired),
            UploadError::Cut => Msg::new(K::UploadCut),
            UploadError::Stalled => Msg::new(K::UploadStalled).arg("seconds", (STALL_MS / 1000).to_string()),
        }
    }
}

/// The server's `detail` when it is a string, cut to 300 characters.
fn detail(text: &str) -> String {
    let d = serde_json::from_str::<Value>(text).ok().and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_string)).unwrap_or_default();
    d.chars().take(300).collect()
}

/// An address the page may send bytes to or name in a job: `https://`, or
/// `http://` (a server on this machine; the browser's CSP decides the
/// rest), with no spaces or control characters and at most 4,096 bytes.
fn usable(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 4096 && url.len() > 8 && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Reads the initiate's answer.
pub fn ticket(status: u16, text: &str) -> Result<Ticket, UploadError> {
    match status {
        200..=299 => {
            let v: Value = serde_json::from_str(text).map_err(|_| UploadError::BadTicket)?;
            let get = |k: &str| v.get(k).and_then(Value::as_str).filter(|u| usable(u)).map(str::to_string);
            match (get("upload_url"), get("file_url")) {
                (Some(upload_url), Some(file_url)) => Ok(Ticket { upload_url, file_url }),
                _ => Err(UploadError::BadTicket),
            }
        }
        401 | 403 => Err(UploadError::Refused { status, detail: detail(text) }),
        404 | 405 => Err(UploadError::NoStorage(status)),
        _ => Err(UploadError::Server { status, detail: detail(text) }),
    }
}

/// Reads the PUT's answer: a 2xx is done; an expired signature (S3 and
/// Google Cloud Storage say "expired" in a 400 or 403) is said as such.
pub fn put_answer(status: u16, text: &str) -> Result<(), UploadError> {
    match status {
        200..=299 => Ok(()),
        400 | 403 if text.to_ascii_lowercase().contains("expired") => Err(UploadError::Expired),
        _ => Err(UploadError::Put(status)),
    }
}

/// What one picture's upload has come to.
#[derive(Clone, Debug, PartialEq)]
pub enum Upload {
    /// Bytes sent of all (0 of 0 while the initiate is on its way).
    Running { loaded: u64, total: u64 },
    /// The URL jobs name.
    Done(String),
    Failed(UploadError),
}

/// A picture's key: the same data URI, the same key (FNV-1a over its bytes,
/// 64 bits, with its length).
pub fn content_key(data_uri: &str) -> (u64, usize) {
    let h = data_uri.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3));
    (h, data_uri.len())
}

/// The pictures a body carries inline (data URIs in `image_urls`,
/// `image_url` and `mask_url`), each once, in order.
pub fn inline_images(body: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let list = body.get("image_urls").and_then(Value::as_array).into_iter().flatten();
    let one = ["image_url", "mask_url"].into_iter().filter_map(|k| body.get(k));
    for u in list.chain(one).filter_map(Value::as_str) {
        if u.starts_with("data:") && !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// Puts uploaded URLs in place of the body's inline pictures (`url_of`
/// gives a picture's URL, when it was uploaded). Returns how many it put.
pub fn substitute(body: &mut Value, url_of: impl Fn(&str) -> Option<String>) -> usize {
    let mut n = 0;
    let mut put = |v: &mut Value| {
        if let Some(url) = v.as_str().filter(|u| u.starts_with("data:")).and_then(&url_of) {
            *v = Value::String(url);
            n += 1;
        }
    };
    if let Some(list) = body.get_mut("image_urls").and_then(Value::as_array_mut) {
        list.iter_mut().for_each(&mut put);
    }
    for k in ["image_url", "mask_url"] {
        if let Some(v) = body.get_mut(k) {
            put(v);
        }
    }
    n
}

/// Whether a request body may go: one past `MAX_INLINE_BYTES` is refused
/// before it is sent, with its size (servers refuse such bodies).
pub fn check_size(body: &str) -> Result<(), crate::api::ApiError> {
    if body.len() > MAX_INLINE_BYTES {
        return Err(crate::api::ApiError::too_big(body.len()));
    }
    Ok(())
}

/// Sums a job's uploads still running: bytes sent of all (tracked by the
/// caller). `None` when none runs.
pub fn progress<'a>(uploads: impl Iterator<Item = &'a Upload>) -> Option<(u64, u64)> {
    let mut any = false;
    let (mut loaded, mut total) = (0, 0);
    for u in uploads {
        if let Upload::Running { loaded: l, total: t } = u {
            any = true;
            loaded += l;
            total += t;
        }
    }
    any.then_some((loaded, total))
}

#[cfg(test)]
mod tests;
