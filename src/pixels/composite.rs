//! Putting pixels together: marks burned into the image that is sent, and a
//! result kept only inside its region.

use std::borrow::Cow;

use super::image::Rgba;
use super::mask::Mask;
use super::mul255;
use super::paint::{paint, Ink};
use super::shape::Shape;

/// The marks' own layer (RGBA, not premultiplied): each shape painted in
/// its colour over the ones before, the eraser clearing what it covers.
/// Text labels are left to the browser, which draws letters.
pub fn marks_layer(w: u32, h: u32, shapes: &[Shape]) -> Rgba {
    let mut layer = Rgba { w, h, px: vec![0; (w as usize) * (h as usize) * 4] };
    for s in shapes {
        paint(&mut layer, s, Ink::Marks);
    }
    layer
}

/// `layer` over `image` (same size): where the layer is clear, the image's
/// bytes are unchanged.
pub fn over(image: &Rgba, layer: &Rgba) -> Rgba {
    let mut out = image.clone();
    for (o, l) in out.px.chunks_exact_mut(4).zip(layer.px.chunks_exact(4)) {
        let a = l[3] as u32;
        if a == 0 {
            continue;
        }
        for k in 0..3 {
            o[k] = blend(o[k], l[k], a);
        }
        o[3] = (o[3] as u32 + mul255(255 - o[3] as u32, a)) as u8;
    }
    out
}

/// The image with the marks burned in, at its own size.
pub fn burn(image: &Rgba, shapes: &[Shape]) -> Rgba {
    over(image, &marks_layer(image.w, image.h, shapes))
}

/// `a` towards `b` by `m / 255`, rounded; `m = 0` gives `a` exactly and
/// `m = 255` gives `b` exactly.
#[inline]
fn blend(a: u8, b: u8, m: u32) -> u8 {
    ((a as u32 * (255 - m) + b as u32 * m + 127) / 255) as u8
}

/// What "keep the rest" makes of a result: the result inside the
/// (feathered) mask, the original everywhere else — outside the mask's
/// non-zero pixels the original's bytes exactly. A result of another size
/// is scaled to the original's first (`scaled` says so).
pub struct Kept {
    pub image: Rgba,
    pub scaled: bool,
}

pub fn keep_rest(original: &Rgba, result: &Rgba, mask: &Mask) -> Kept {
    let scaled = (result.w, result.h) != (original.w, original.h);
    let result = if scaled { Cow::Owned(result.scaled(original.w, original.h)) } else { Cow::Borrowed(result) };
    let mut image = original.clone();
    for ((o, r), &m) in image.px.chunks_exact_mut(4).zip(result.px.chunks_exact(4)).zip(mask.a.iter()) {
        if m == 0 {
            continue;
        }
        for k in 0..4 {
            o[k] = blend(o[k], r[k], m as u32);
        }
    }
    Kept { image, scaled }
}
