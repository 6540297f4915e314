//! Local reference images in the browser: decode, scale down on a canvas,
//! encode, and build the data URI. The decisions (which files, what size,
//! which encoding) are `api::image`'s.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap, Url};

use crate::i18n::{Msg, K};
use crate::api::image::{check_file, choose_encoding, data_uri, target_size, Encoding, JPEG_QUALITY};

/// A local file, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub data_uri: String,
    /// An object URL of the original file for the thumbnail; revoke it when
    /// the image is removed.
    pub preview: Option<String>,
    pub name: String,
    /// The size that is sent.
    pub width: u32,
    pub height: u32,
    pub original_bytes: u64,
}

pub(crate) fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

pub(crate) fn canvas(width: u32, height: u32) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let c: HtmlCanvasElement = doc.create_element("canvas").map_err(js_err)?.dyn_into().map_err(|_| "no canvas")?;
    c.set_width(width);
    c.set_height(height);
    let ctx: CanvasRenderingContext2d = c
        .get_context("2d")
        .map_err(js_err)?
        .ok_or("no 2d context")?
        .dyn_into()
        .map_err(|_| "no 2d context")?;
    Ok((c, ctx))
}

/// Whether any pixel is not fully opaque.
fn has_alpha(ctx: &CanvasRenderingContext2d, width: u32, height: u32) -> bool {
    match ctx.get_image_data(0.0, 0.0, width as f64, height as f64) {
        Ok(data) => data.data().iter().skip(3).step_by(4).any(|a| *a < 255),
        Err(_) => true,
    }
}

/// Why a file that looked like an image could not be used.
enum Failure {
    /// The browser cannot decode it.
    Undecodable,
    /// Something else in the browser failed (its own words).
    Browser(String),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Browser(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Self {
        Failure::Browser(s.to_string())
    }
}

/// Reads, checks, scales and encodes one file; a refusal says why, in the
/// page's language.
pub async fn prepare(file: &File, max_side: u32) -> Result<Prepared, Msg> {
    let name = file.name();
    let mime = file.type_();
    check_file(&name, &mime, file.size())?;
    encode(file, name.clone(), mime, max_side).await.map_err(|f| match f {
        Failure::Undecodable => Msg::new(K::FileUndecodable).arg("name", &name),
        Failure::Browser(detail) => Msg::new(K::FileFailed).arg("name", &name).arg("detail", detail),
    })
}

async fn encode(file: &File, name: String, mime: String, max_side: u32) -> Result<Prepared, Failure> {
    let window = web_sys::window().ok_or("no window")?;
    let promise: Promise = window.create_image_bitmap_with_blob(file).map_err(js_err)?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| Failure::Undecodable)?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    let (tw, th) = target_size(w, h, max_side);
    let drawn = canvas(tw, th).and_then(|(c, ctx)| {
        // Not in web-sys: the best resampling the browser has.
        let _ = js_sys::Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw as f64, th as f64).map_err(js_err)?;
        Ok((c, ctx))
    });
    bitmap.close();
    let (canvas, ctx) = drawn?;
    let encoding = choose_encoding(&mime, w, h, max_side, || has_alpha(&ctx, tw, th));
    let uri = match encoding.mime() {
        None => {
            let buf = JsFuture::from(file.array_buffer()).await.map_err(js_err)?;
            data_uri(&mime, &Uint8Array::new(&buf).to_vec())
        }
        Some(out) => {
            let quality = if encoding == Encoding::Jpeg { JsValue::from(JPEG_QUALITY) } else { JsValue::UNDEFINED };
            canvas.to_data_url_with_type_and_encoder_options(out, &quality).map_err(js_err)?
        }
    };
    Ok(Prepared {
        data_uri: uri,
        preview: Url::create_object_url_with_blob(file).ok(),
        name,
        width: tw,
        height: th,
        original_bytes: file.size() as u64,
    })
}

pub fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// The bytes of a blob (a file, a fetched body, a copy).
pub async fn blob_bytes(blob: &web_sys::Blob) -> Option<Vec<u8>> {
    let buf = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(Uint8Array::new(&buf).to_vec())
}

/// The answer for `url` (no credentials, no key), when it is a success.
pub async fn fetch_ok(url: &str) -> Option<web_sys::Response> {
    let resp: web_sys::Response = JsFuture::from(web_sys::window()?.fetch_with_str(url)).await.ok()?.dyn_into().ok()?;
    resp.ok().then_some(resp)
}

/// Offers `blob` as a download named `name`, through an object URL
/// (revoked once the click has started the download).
pub fn save_blob(blob: &web_sys::Blob, name: &str) -> Option<()> {
    let href = Url::create_object_url_with_blob(blob).ok()?;
    let a: web_sys::HtmlAnchorElement = web_sys::window()?.document()?.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&href);
    a.set_download(name);
    a.click();
    let _ = Url::revoke_object_url(&href);
    Some(())
}

/// Saves `url` as `name`: fetched as a blob (no credentials, no key) and
/// saved through an object URL; when the provider no longer serves it, from
/// the copy of image `index` of `job`; where neither works (CORS), the
/// image opens in a new tab instead.
pub async fn download(url: &str, name: &str, job: u64, index: usize) {
    let Some(window) = web_sys::window() else { return };
    let fetched = async { JsFuture::from(fetch_ok(url).await?.blob().ok()?).await.ok()?.dyn_into::<web_sys::Blob>().ok() }.await;
    let blob = match fetched {
        Some(b) => Some(b),
        None => super::copies::find(job, index).await,
    };
    if blob.and_then(|b| save_blob(&b, name)).is_none() {
        // The opened page gets no handle on this tab and no referrer.
        let _ = window.open_with_url_and_target_and_features(url, "_blank", "noopener,noreferrer");
    }
}

/// Clears an `<img>`'s handlers when the read ends or is dropped (the
/// first image changed), so no dropped closure is ever called.
pub(crate) struct Probe(pub(crate) web_sys::HtmlImageElement);

impl Drop for Probe {
    fn drop(&mut self) {
        self.0.set_onload(None);
        self.0.set_onerror(None);
        self.0.set_src("");
    }
}

/// `url` loaded in an `<img>` (no key, no request of ours; with
/// `crossOrigin="anonymous"` when its pixels are to be read): `None` when it
/// cannot be loaded. The image stays loaded while the probe lives.
pub(crate) async fn load(url: &str, cors: bool) -> Option<Probe> {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::closure::Closure;
    let probe = Probe(web_sys::HtmlImageElement::new().ok()?);
    let (tx, rx) = futures::channel::oneshot::channel::<bool>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let handler = |ok: bool| {
        let tx = tx.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(t) = tx.borrow_mut().take() {
                let _ = t.send(ok);
            }
        })
    };
    let (on_load, on_error) = (handler(true), handler(false));
    probe.0.set_onload(Some(on_load.as_ref().unchecked_ref()));
    probe.0.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    if cors {
        probe.0.set_cross_origin(Some("anonymous"));
    }
    probe.0.set_src(url);
    let loaded = rx.await.unwrap_or(false);
    (loaded && probe.0.natural_width() > 0 && probe.0.natural_height() > 0).then_some(probe)
}

/// The pixel size of an image at `url`, read by loading it in an `<img>`:
/// `None` when it cannot be loaded.
pub async fn natural_size(url: &str) -> Option<(u32, u32)> {
    let probe = load(url, false).await?;
    Some((probe.0.natural_width(), probe.0.natural_height()))
}
