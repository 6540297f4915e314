//! Pixel work for regions (issue 22): what the marks and masks on an input
//! image become, and what "keep the rest" does to a result. Plain Rust, no
//! web-sys: the browser glue only moves RGBA bytes between canvases and
//! these functions, and encodes PNGs.
//!
//! - [`image`]: an RGBA image, bilinear scaling, crop and 90° rotation.
//! - [`shape`]: the editor's shapes (in the image's own pixels) and their
//!   anti-aliased coverage.
//! - [`mask`]: a coverage mask, the union of shapes with the eraser, and
//!   feathering (a separable box filter, linear in the pixel count).
//! - [`composite`]: marks burned into an image; a result kept inside a
//!   region and the original everywhere else.
//! - [`diff`]: the difference of a result and its input, as a heat map and
//!   the share of pixels changed outside the region.
//! - [`paint`]: one shape painted as it is drawn, and boxes of pixels.
//! - [`region`]: the editor's record (use, shapes, undo and redo).

pub mod composite;
pub mod diff;
pub mod image;
pub mod mask;
pub mod paint;
pub mod region;
pub mod shape;

#[cfg(test)]
mod tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;

/// `a * b / 255`, rounded to nearest, for bytes.
#[inline]
pub(crate) fn mul255(a: u32, b: u32) -> u32 {
    let t = a * b + 128;
    (t + (t >> 8)) >> 8
}
