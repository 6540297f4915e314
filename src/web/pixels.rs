//! Pixels between the browser and `crate::pixels`: an image read into RGBA
//! through a canvas (refused, with the reason, when the page may not read
//! it), and RGBA encoded as a PNG data URI. The pixel work itself is plain
//! Rust; this only moves bytes.

use wasm_bindgen::Clamped;
use web_sys::ImageData;

use super::images::{canvas, js_err, load};
use crate::i18n::{Msg, K};
use crate::pixels::image::Rgba;

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

