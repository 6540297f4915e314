//! Did the model keep the rest? The difference of a result and its input.

use std::borrow::Cow;

use super::image::Rgba;
use super::mask::Mask;

/// A pixel counts as changed when a colour channel moved by more than this
/// (of 255): above what a re-encode of the same picture moves.
pub const THRESHOLD: u8 = 16;

pub struct Difference {
    /// Per pixel, the largest channel difference as a heat map: black
    /// (same) through red and yellow to white (opposite).
    pub heat: Rgba,
    /// Pixels outside the region (all of them without one) changed beyond
    /// [`THRESHOLD`], in per cent of the pixels outside.
    pub changed_outside: f64,
    /// The result was scaled to the input's size first.
    pub scaled: bool,
}

/// `result` against `input` (the result scaled to the input's size if they
/// differ); `region`, if any, is left out of the figure.
pub fn difference(input: &Rgba, result: &Rgba, region: Option<&Mask>) -> Difference {
    let scaled = (result.w, result.h) != (input.w, input.h);
    let result = if scaled { Cow::Owned(result.scaled(input.w, input.h)) } else { Cow::Borrowed(result) };
    let lut: Vec<[u8; 4]> = (0..=255).map(heat_color).collect();
    let mut heat = vec![0u8; input.px.len()];
    let (mut outside, mut changed) = (0u64, 0u64);
    for (i, ((a, b), h)) in input.px.chunks_exact(4).zip(result.px.chunks_exact(4)).zip(heat.chunks_exact_mut(4)).enumerate() {
        let d = a[0].abs_diff(b[0]).max(a[1].abs_diff(b[1])).max(a[2].abs_diff(b[2]));
        h.copy_from_slice(&lut[d as usize]);
        if region.is_none_or(|m| m.a[i] == 0) {
            outside += 1;
            if d > THRESHOLD {
                changed += 1;
            }
        }
    }
    let changed_outside = if outside == 0 { 0.0 } else { changed as f64 * 100.0 / outside as f64 };
    Difference { heat: Rgba { w: input.w, h: input.h, px: heat }, changed_outside, scaled }
}

fn heat_color(d: u32) -> [u8; 4] {
    let t = d * 3;
    let ch = |lo: u32| (t.saturating_sub(lo)).min(255) as u8;
    [ch(0), ch(255), ch(510), 255]
}

/// The aspect ratios of two sizes differ by more than 1 % (the model zoomed
/// or reframed; the card offers to match the first image).
pub fn aspect_differs(a: (u32, u32), b: (u32, u32)) -> bool {
    if a.0 == 0 || a.1 == 0 || b.0 == 0 || b.1 == 0 {
        return false;
    }
    let ra = a.0 as f64 / a.1 as f64;
    let rb = b.0 as f64 / b.1 as f64;
    (ra / rb - 1.0).abs() > 0.01
}
