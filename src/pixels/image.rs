//! An RGBA image in memory (8 bits a channel, rows top to bottom, not
//! premultiplied: what a canvas's `getImageData` gives), and the changes
//! of size and orientation the editor needs.

/// RGBA pixels, `px.len() == w * h * 4`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rgba {
    pub w: u32,
    pub h: u32,
    pub px: Vec<u8>,
}

/// A rectangle of whole pixels: `x, y` its top left, `w × h` its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Rgba {
    /// `None` when the bytes are not `w × h` pixels (or the size is empty).
    pub fn new(w: u32, h: u32, px: Vec<u8>) -> Option<Self> {
        (w > 0 && h > 0 && px.len() as u64 == w as u64 * h as u64 * 4).then_some(Rgba { w, h, px })
    }

    /// Every pixel the same colour.
    pub fn filled(w: u32, h: u32, rgba: [u8; 4]) -> Self {
        let n = (w as usize) * (h as usize);
        let mut px = Vec::with_capacity(n * 4);
        for _ in 0..n {
            px.extend_from_slice(&rgba);
        }
        Rgba { w, h, px }
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = ((y as usize) * (self.w as usize) + x as usize) * 4;
        [self.px[i], self.px[i + 1], self.px[i + 2], self.px[i + 3]]
    }

    pub fn set_pixel(&mut self, x: u32, y: u32, rgba: [u8; 4]) {
        let i = ((y as usize) * (self.w as usize) + x as usize) * 4;
        self.px[i..i + 4].copy_from_slice(&rgba);
    }

    /// This image at another size, bilinear (pixel centres aligned). The
    /// same size gives the same pixels.
    pub fn scaled(&self, w: u32, h: u32) -> Rgba {
        if (w, h) == (self.w, self.h) {
            return self.clone();
        }
        let w = w.max(1);
        let h = h.max(1);
        let sx = self.w as f32 / w as f32;
        let sy = self.h as f32 / h as f32;
        // For each output column: the two source columns and the weight of
        // the second, computed once.
        let cols: Vec<(usize, usize, f32)> = (0..w).map(|x| taps((x as f32 + 0.5) * sx - 0.5, self.w)).collect();
        let mut px = Vec::with_capacity((w as usize) * (h as usize) * 4);
        let stride = self.w as usize * 4;
        for y in 0..h {
            let (y0, y1, fy) = taps((y as f32 + 0.5) * sy - 0.5, self.h);
            let (r0, r1) = (&self.px[y0 * stride..(y0 + 1) * stride], &self.px[y1 * stride..(y1 + 1) * stride]);
            for &(x0, x1, fx) in &cols {
                for c in 0..4 {
                    let top = r0[x0 * 4 + c] as f32 * (1.0 - fx) + r0[x1 * 4 + c] as f32 * fx;
                    let bottom = r1[x0 * 4 + c] as f32 * (1.0 - fx) + r1[x1 * 4 + c] as f32 * fx;
                    px.push((top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8);
                }
            }
        }
        Rgba { w, h, px }
    }

    /// The pixels inside `r` (clipped to the image; `None` if nothing is left).
    pub fn cropped(&self, r: Rect) -> Option<Rgba> {
        let x1 = r.x.saturating_add(r.w).min(self.w);
        let y1 = r.y.saturating_add(r.h).min(self.h);
        if r.x >= x1 || r.y >= y1 {
            return None;
        }
        let (w, h) = (x1 - r.x, y1 - r.y);
        let mut px = Vec::with_capacity((w as usize) * (h as usize) * 4);
        for y in r.y..y1 {
            let start = ((y as usize) * (self.w as usize) + r.x as usize) * 4;
            px.extend_from_slice(&self.px[start..start + w as usize * 4]);
        }
        Some(Rgba { w, h, px })
    }

    /// Turned 90° clockwise: the top row becomes the right column.
    pub fn rotated_cw(&self) -> Rgba {
        let (w, h) = (self.h, self.w);
        let mut px = vec![0; self.px.len()];
        for y in 0..self.h {
            for x in 0..self.w {
                // (x, y) goes to (self.h - 1 - y, x).
                let src = ((y * self.w + x) * 4) as usize;
                let dst = ((x * w + (self.h - 1 - y)) * 4) as usize;
                px[dst..dst + 4].copy_from_slice(&self.px[src..src + 4]);
            }
        }
        Rgba { w, h, px }
    }
}

fn taps(pos: f32, len: u32) -> (usize, usize, f32) {
    let max = (len - 1) as f32;
    let p = pos.clamp(0.0, max);
    let i0 = p.floor() as usize;
    let i1 = (i0 + 1).min(len as usize - 1);
    (i0, i1, p - i0 as f32)
}

/// The crop shapes the editor offers: free (drawn by hand) or a fixed
/// aspect ratio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CropAspect {
    Free,
    Ratio(u32, u32),
}

impl CropAspect {
    /// The form's values: `free`, `1:1`, `4:3`, `3:4`, `16:9`, `9:16`.
    pub const ALL: [&'static str; 6] = ["free", "1:1", "4:3", "3:4", "16:9", "9:16"];

    pub fn parse(s: &str) -> Option<Self> {
        if s == "free" {
            return Some(CropAspect::Free);
        }
        let (a, b) = s.split_once(':')?;
        let (a, b) = (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?);
        (a > 0 && b > 0 && a <= 64 && b <= 64).then_some(CropAspect::Ratio(a, b))
    }

    /// The largest rectangle of this aspect ratio centred in a `w × h`
    /// image (the whole image when free).
    pub fn centred(self, w: u32, h: u32) -> Rect {
        match self {
            CropAspect::Free => Rect { x: 0, y: 0, w, h },
            CropAspect::Ratio(a, b) => {
                // Widest that fits: w' = min(w, h * a / b).
                let (w64, h64, a, b) = (w as u64, h as u64, a as u64, b as u64);
                let (cw, ch) = if w64 * b <= h64 * a { (w64, (w64 * b / a).max(1)) } else { ((h64 * a / b).max(1), h64) };
                Rect { x: ((w64 - cw) / 2) as u32, y: ((h64 - ch) / 2) as u32, w: cw as u32, h: ch as u32 }
            }
        }
    }

    /// The crop a box dragged from `a` to `b` makes on a `w × h` image:
    /// whole pixels inside the image, of this shape (the height follows the
    /// width, both shrink at the image's edge); `None` under 8 px a side.
    pub fn dragged(self, a: [f32; 2], b: [f32; 2], w: u32, h: u32) -> Option<Rect> {
        let clamp = |v: f32, max: u32| v.round().clamp(0.0, max as f32) as u32;
        let (x0, x1) = (clamp(a[0].min(b[0]), w), clamp(a[0].max(b[0]), w));
        let (y0, y1) = (clamp(a[1].min(b[1]), h), clamp(a[1].max(b[1]), h));
        let (mut cw, mut ch) = (x1 - x0, y1 - y0);
        if let CropAspect::Ratio(p, q) = self {
            ch = (cw as u64 * q as u64 / p as u64) as u32;
            if y0 + ch > h {
                ch = h - y0;
                cw = (ch as u64 * p as u64 / q as u64) as u32;
            }
        }
        (cw >= 8 && ch >= 8).then_some(Rect { x: x0, y: y0, w: cw, h: ch })
    }
}
