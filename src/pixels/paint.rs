//! What the editor draws while a shape is being made: one shape painted
//! into a layer, the box of pixels it can touch, and moving a box of pixels
//! between layers. The finished marks are [`super::composite::marks_layer`]
//! (the same painting over every shape); the area of a mask or kept region
//! is shown as a translucent tint of [`super::mask::Mask`].

use super::image::{Rect, Rgba};
use super::mask::Mask;
use super::mul255;
use super::shape::{Purpose, Shape, Tool};

/// How a shape is painted: as a mark in its own colour, or as the area of
/// a region in one tint at a given opacity (overlaps do not darken).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ink {
    Marks,
    Area { rgb: [u8; 3], alpha: u8 },
    /// A mark's lines in an area's tint: a box being drawn for a region is
    /// shown by its outline (its inside is filled when it is done).
    Outline { rgb: [u8; 3], alpha: u8 },
}

/// The pixels a shape can touch on a `w × h` image (`None`: none of them).
pub fn bounds(shape: &Shape, w: u32, h: u32) -> Option<Rect> {
    if shape.points.is_empty() || shape.tool == Tool::Text {
        return None;
    }
    let (mut lx, mut ly, mut hx, mut hy) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in &shape.points {
        lx = lx.min(p[0]);
        ly = ly.min(p[1]);
        hx = hx.max(p[0]);
        hy = hy.max(p[1]);
    }
    // An arrow's head reaches back from the tip by at most four widths
    // (at least 12 px); every stroke reaches half its width and a pixel of
    // anti-aliasing past its points.
    let head = if shape.tool == Tool::Arrow { (shape.size * 4.0).max(12.0) } else { 0.0 };
    let pad = shape.size / 2.0 + 2.0 + head;
    let x0 = ((lx - pad).floor().max(0.0) as u32).min(w);
    let y0 = ((ly - pad).floor().max(0.0) as u32).min(h);
    let x1 = ((hx + pad).ceil().max(0.0) as u32).min(w);
    let y1 = ((hy + pad).ceil().max(0.0) as u32).min(h);
    (x1 > x0 && y1 > y0).then_some(Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 })
}

/// Boxes holding every pixel a mark's lines can touch (`Shape::lines`,
/// slanted ones cut into pieces of at most 32 px): what a preview puts back and shows, so a
/// box or an arrow across the whole image costs its lines, not its area.
pub fn touched(shape: &Shape, w: u32, h: u32) -> Vec<Rect> {
    const PIECE: f32 = 32.0;
    let pad = shape.size / 2.0 + 2.0;
    let mut out = Vec::new();
    for (a, b) in shape.lines() {
        let len = (b[0] - a[0]).hypot(b[1] - a[1]);
        // A level or upright line's box is already tight: one piece.
        let straight = (b[0] - a[0]).abs() < 1.0 || (b[1] - a[1]).abs() < 1.0;
        let n = if straight { 1 } else { (len / PIECE).ceil().max(1.0) as usize };
        for i in 0..n {
            let (t0, t1) = (i as f32 / n as f32, (i + 1) as f32 / n as f32);
            let p = [a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0];
            let q = [a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1];
            let x0 = ((p[0].min(q[0]) - pad).floor().max(0.0) as u32).min(w);
            let y0 = ((p[1].min(q[1]) - pad).floor().max(0.0) as u32).min(h);
            let x1 = ((p[0].max(q[0]) + pad).ceil().max(0.0) as u32).min(w);
            let y1 = ((p[1].max(q[1]) + pad).ceil().max(0.0) as u32).min(h);
            if x1 > x0 && y1 > y0 {
                out.push(Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
            }
        }
    }
    out
}

/// Paints `shape` into `layer` (RGBA, not premultiplied): a mark over what
/// is there in its colour, the eraser clearing what it covers.
pub fn paint(layer: &mut Rgba, shape: &Shape, ink: Ink) {
    let (w, h) = (layer.w, layer.h);
    let erase = shape.tool == Tool::Eraser;
    let (purpose, rgb, tint) = match ink {
        Ink::Marks => (Purpose::Marks, shape.rgb(), None),
        Ink::Area { rgb, alpha } => (Purpose::Area, rgb, Some(alpha)),
        Ink::Outline { rgb, alpha } => (Purpose::Marks, rgb, Some(alpha)),
    };
    shape.cover(purpose, w, h, |x, y, c| {
        let i = ((y as usize) * (w as usize) + x as usize) * 4;
        let p = &mut layer.px[i..i + 4];
        let (da, sa) = (p[3] as u32, c as u32);
        if erase {
            p[3] = (da - mul255(da, sa)) as u8;
            return;
        }
        if let Some(alpha) = tint {
            p[..3].copy_from_slice(&rgb);
            p[3] = p[3].max(mul255(sa, alpha as u32) as u8);
            return;
        }
        // Source over: out_a = sa + da (1 - sa).
        let keep = mul255(da, 255 - sa);
        let oa = sa + keep;
        for k in 0..3 {
            let v = (rgb[k] as u32 * sa + p[k] as u32 * keep + oa / 2) / oa.max(1);
            p[k] = v.min(255) as u8;
        }
        p[3] = oa.min(255) as u8;
    });
}

/// The area of `shapes` as a tint: `rgb` at `alpha` × the coverage.
pub fn area_layer(w: u32, h: u32, shapes: &[Shape], rgb: [u8; 3], alpha: u8) -> Rgba {
    let m = Mask::of_shapes(w, h, shapes);
    let mut px = Vec::with_capacity(m.a.len() * 4);
    for &v in &m.a {
        px.extend_from_slice(&[rgb[0], rgb[1], rgb[2], mul255(v as u32, alpha as u32) as u8]);
    }
    Rgba { w, h, px }
}

impl Rect {
    /// Whether the two share a pixel.
    pub fn overlaps(self, o: Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// The smallest rectangle holding both.
    pub fn union(self, o: Rect) -> Rect {
        let (x0, y0) = (self.x.min(o.x), self.y.min(o.y));
        let (x1, y1) = ((self.x + self.w).max(o.x + o.w), (self.y + self.h).max(o.y + o.h));
        Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
    }
}

impl Rgba {
    /// The bytes of `r` (inside the image), row after row.
    pub fn rect_bytes(&self, r: Rect) -> Vec<u8> {
        let mut out = Vec::with_capacity((r.w as usize) * (r.h as usize) * 4);
        for y in r.y..r.y + r.h {
            let start = ((y as usize) * (self.w as usize) + r.x as usize) * 4;
            out.extend_from_slice(&self.px[start..start + (r.w as usize) * 4]);
        }
        out
    }

    /// Puts `from`'s pixels of `r` (an image of the same size) back here.
    pub fn copy_rect(&mut self, from: &Rgba, r: Rect) {
        for y in r.y..r.y + r.h {
            let start = ((y as usize) * (self.w as usize) + r.x as usize) * 4;
            let end = start + (r.w as usize) * 4;
            self.px[start..end].copy_from_slice(&from.px[start..end]);
        }
    }
}
