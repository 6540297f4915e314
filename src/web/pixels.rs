//! Pixels between the browser and `crate::pixels`: an image read into RGBA
//! through a canvas (refused, with the reason, when the page may not read
//! it), and RGBA encoded as a PNG data URI. The pixel work itself is plain
//! Rust; this only moves bytes.

use wasm_bindgen::Clamped;
use web_sys::ImageData;

use super::images::{canvas, js_err, load};
use crate::i18n::{Msg, K};
use crate::jobs::history::LOCAL_PLACEHOLDER;
use crate::jobs::KeepRegion;
use crate::pixels::composite::{burn, keep_rest};
use crate::pixels::image::{Rect, Rgba};
use crate::pixels::mask::Mask;
use crate::pixels::region::{Region, RegionUse};
use crate::pixels::shape::{Shape, Tool};

/// The pixels of the image at `url` (a data URI, an object URL or an
/// address whose host allows reading: CORS), at its own size.
pub async fn read(url: &str) -> Result<Rgba, Msg> {
    let Some(probe) = load(url, true).await else {
        // Asked for with CORS, an image whose host does not allow it fails
        // to load; loaded without, it shows but its pixels stay closed.
        let shows = !url.starts_with("data:") && load(url, false).await.is_some();
        return Err(Msg::new(if shows { K::RegionTainted } else { K::RegionUnloadable }));
    };
    let (w, h) = (probe.0.natural_width(), probe.0.natural_height());
    let (_, ctx) = canvas(w, h).map_err(Msg::verbatim)?;
    ctx.draw_image_with_html_image_element(&probe.0, 0.0, 0.0).map_err(|e| Msg::verbatim(js_err(e)))?;
    // A canvas that drew an image its host does not share refuses to give
    // its pixels (a SecurityError).
    let data = ctx.get_image_data(0.0, 0.0, w as f64, h as f64).map_err(|_| Msg::new(K::RegionTainted))?;
    Rgba::new(w, h, data.data().0).ok_or(Msg::new(K::RegionUnloadable))
}

/// `image` as a PNG data URI. Opaque pixels come back exactly; a canvas
/// stores colours premultiplied, so translucent ones may move by a step.
pub fn png_data_uri(image: &Rgba) -> Result<String, String> {
    let (c, ctx) = canvas(image.w, image.h)?;
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&image.px), image.w, image.h).map_err(js_err)?;
    ctx.put_image_data(&data, 0.0, 0.0).map_err(js_err)?;
    c.to_data_url_with_type("image/png").map_err(js_err)
}


/// A canvas element's 2D context.
pub fn context(c: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    c.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Puts `r` of `layer` onto the canvas at the same place (the canvas is
/// the layer's size).
pub fn put_rect(ctx: &web_sys::CanvasRenderingContext2d, layer: &Rgba, r: Rect) {
    let bytes = layer.rect_bytes(r);
    if let Ok(data) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&bytes), r.w, r.h) {
        let _ = ctx.put_image_data(&data, r.x as f64, r.y as f64);
    }
}

/// The whole of `layer` onto the canvas.
pub fn put_all(ctx: &web_sys::CanvasRenderingContext2d, layer: &Rgba) {
    if let Ok(data) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&layer.px), layer.w, layer.h) {
        let _ = ctx.put_image_data(&data, 0.0, 0.0);
    }
}

/// The text labels among `shapes`, drawn by the browser (which has the
/// letters): each at its point, its size the letters' height.
pub fn draw_labels(ctx: &web_sys::CanvasRenderingContext2d, shapes: &[Shape]) {
    ctx.set_text_baseline("top");
    for s in shapes.iter().filter(|s| s.tool == Tool::Text) {
        ctx.set_font(&format!("bold {}px sans-serif", s.size.round() as u32));
        ctx.set_fill_style_str(&s.color);
        let _ = ctx.fill_text(&s.text, s.points[0][0] as f64, s.points[0][1] as f64);
    }
}

/// What a region sends, as a PNG data URI: the image with its marks burned
/// in (at its own size; the labels' letters by the browser), or the mask
/// (white = repaint, black = keep).
pub fn made_png(base: &Rgba, region: &Region) -> Result<String, String> {
    match region.use_ {
        RegionUse::Marks => {
            let burned = burn(base, &region.shapes);
            let (c, ctx) = canvas(base.w, base.h)?;
            put_all(&ctx, &burned);
            draw_labels(&ctx, &region.shapes);
            c.to_data_url_with_type("image/png").map_err(js_err)
        }
        RegionUse::Mask | RegionUse::Keep => {
            let m = Mask::of_shapes(base.w, base.h, &region.shapes);
            png_data_uri(&Rgba { w: m.w, h: m.h, px: m.to_rgba() })
        }
    }
}

/// `image` as a PNG blob, encoded by the browser off the page's thread
/// (`toBlob`): a 4 MP image's PNG takes 250–350 ms, which `toDataURL`
/// would spend blocking the page.
pub async fn png_blob(image: &Rgba) -> Result<web_sys::Blob, String> {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let (c, ctx) = canvas(image.w, image.h)?;
    put_all(&ctx, image);
    let (tx, rx) = futures::channel::oneshot::channel::<Option<web_sys::Blob>>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let done = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |b: wasm_bindgen::JsValue| {
        if let Some(t) = tx.borrow_mut().take() {
            let _ = t.send(b.dyn_into::<web_sys::Blob>().ok());
        }
    });
    c.to_blob_with_type(done.as_ref().unchecked_ref(), "image/png").map_err(js_err)?;
    rx.await.ok().flatten().ok_or_else(|| "the browser could not encode the image".to_string())
}

/// The sizes of a result scaled to its input's to be kept: (result, input).
pub type Scaled = ((u32, u32), (u32, u32));

/// The kept version of `result` (a PNG): the result inside `region`, the
/// `input` it was drawn on outside it, the edge feathered
/// (`pixels::composite::keep_rest`); and the sizes when the result had to
/// be scaled. Each step is its own task, so the page answers between them
/// (4 MP: the mask and its feather about 50 ms, the composite 10 ms).
pub async fn kept_png(input: Option<&str>, result: &str, region: &KeepRegion) -> Result<(web_sys::Blob, Option<Scaled>), Msg> {
    let input = input.filter(|u| *u != LOCAL_PLACEHOLDER).ok_or(Msg::new(K::KeptNoInput))?;
    let original = read(input).await?;
    let res = read(result).await.map_err(|_| Msg::new(K::KeptResultClosed))?;
    let pause = || gloo_timers::future::TimeoutFuture::new(0);
    pause().await;
    let mask = Mask::of_shapes(original.w, original.h, &region.shapes).feathered(region.feather);
    pause().await;
    let kept = keep_rest(&original, &res, &mask);
    let scaled = kept.scaled.then_some(((res.w, res.h), (original.w, original.h)));
    drop((original, res, mask));
    pause().await;
    Ok((png_blob(&kept.image).await.map_err(Msg::verbatim)?, scaled))
}
