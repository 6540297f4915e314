//! The editor's shapes, in the image's own pixel coordinates (continuous:
//! the pixel `(x, y)` covers `[x, x + 1) × [y, y + 1)`), and the share of
//! each pixel a shape covers (anti-aliased, 0–255).


/// The editor's tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum Tool {
    Brush,
    Rect,
    Arrow,
    Text,
    Eraser,
}

/// One thing drawn: a brush or eraser stroke (its points), a rectangle or
/// an arrow (two points: where the drag started and ended), a text label
/// (one point: its top left). `size` is the stroke's width in pixels (the
/// text's height for a label).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Shape {
    pub tool: Tool,
    pub points: Vec<[f32; 2]>,
    pub size: f32,
    /// `#rrggbb`.
    pub color: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "String::is_empty"))]
    pub text: String,
}

/// What the coverage is for: marks drawn on the picture (a rectangle is its
/// outline, as a box drawn around something), or the area of a region (a
/// rectangle is the area inside it; a text label has no area).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Marks,
    Area,
}

/// The most points a stroke keeps (a long scribble is thinned, not cut).
pub const MAX_POINTS: usize = 4_096;
/// The widest stroke, in pixels.
pub const MAX_SIZE: f32 = 512.0;

impl Shape {
    /// A shape whose numbers are usable (finite, a sane size; text for a
    /// label): what storage or a link gives is checked with this.
    pub fn is_valid(&self) -> bool {
        let n = self.points.len();
        let points_ok = match self.tool {
            Tool::Brush | Tool::Eraser => (1..=MAX_POINTS).contains(&n),
            Tool::Rect | Tool::Arrow => n == 2,
            Tool::Text => n == 1 && !self.text.trim().is_empty() && self.text.chars().count() <= 200,
        };
        points_ok
            && self.points.iter().all(|p| p[0].is_finite() && p[1].is_finite() && p[0].abs() < 1e6 && p[1].abs() < 1e6)
            && self.size.is_finite()
            && self.size >= 1.0
            && self.size <= MAX_SIZE
            && parse_color(&self.color).is_some()
    }

    pub fn rgb(&self) -> [u8; 3] {
        parse_color(&self.color).unwrap_or([255, 0, 0])
    }

    /// Calls `f(x, y, coverage)` for every pixel of a `w × h` image this
    /// shape touches (coverage 1–255, each pixel at most once). Text has
    /// no coverage here: the browser draws its letters (marks only).
    pub fn cover(&self, purpose: Purpose, w: u32, h: u32, mut f: impl FnMut(u32, u32, u8)) {
        let r = self.size / 2.0;
        match (self.tool, purpose) {
            (Tool::Text, _) => {}
            (Tool::Brush | Tool::Eraser, _) => stroke(&self.points, r, w, h, &mut f),
            (Tool::Rect, Purpose::Area) => {
                let [a, b] = [self.points[0], self.points[1]];
                fill_rect(a[0].min(b[0]), a[1].min(b[1]), a[0].max(b[0]), a[1].max(b[1]), w, h, &mut f);
            }
            (Tool::Rect, Purpose::Marks) => {
                let [a, b] = [self.points[0], self.points[1]];
                let (x0, y0, x1, y1) = (a[0].min(b[0]), a[1].min(b[1]), a[0].max(b[0]), a[1].max(b[1]));
                outline_rect(x0, y0, x1, y1, r, w, h, &mut f);
            }
            (Tool::Arrow, _) => match self.arrow() {
                None => stroke(&[self.points[0]], r, w, h, &mut f),
                Some([a, b, l, rr]) => {
                    let mut m = Coverage::new(w, h, [a, b, l, rr], r);
                    m.segment(a, b);
                    m.segment(b, l);
                    m.segment(b, rr);
                    m.emit(&mut f);
                }
            },
        }
    }

    /// An arrow's shaft ends and the ends of its head's two strokes (back
    /// from the tip at ±30°, four widths long, at least 12 px, at most half
    /// the shaft); `None` for an arrow too short to point.
    pub fn arrow(&self) -> Option<[[f32; 2]; 4]> {
        let [a, b] = [*self.points.first()?, *self.points.get(1)?];
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 0.5 {
            return None;
        }
        let head = (self.size * 4.0).max(12.0).min(len * 0.5).max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let (c, s) = (0.866_025_4_f32, 0.5_f32);
        let l = [b[0] - head * (ux * c - uy * s), b[1] - head * (uy * c + ux * s)];
        let rr = [b[0] - head * (ux * c + uy * s), b[1] - head * (uy * c - ux * s)];
        Some([a, b, l, rr])
    }

    /// The straight lines a mark is drawn along (a stroke's pieces, a
    /// box's four sides, an arrow's three strokes), each reaching `size / 2`
    /// to either side.
    pub fn lines(&self) -> Vec<([f32; 2], [f32; 2])> {
        let p = &self.points;
        match self.tool {
            Tool::Text => Vec::new(),
            Tool::Brush | Tool::Eraser if p.len() == 1 => vec![(p[0], p[0])],
            Tool::Brush | Tool::Eraser => p.windows(2).map(|w| (w[0], w[1])).collect(),
            Tool::Rect => {
                let [a, b] = [p[0], p[1]];
                let (x0, y0, x1, y1) = (a[0].min(b[0]), a[1].min(b[1]), a[0].max(b[0]), a[1].max(b[1]));
                vec![([x0, y0], [x1, y0]), ([x1, y0], [x1, y1]), ([x1, y1], [x0, y1]), ([x0, y1], [x0, y0])]
            }
            Tool::Arrow => match self.arrow() {
                Some([a, b, l, r]) => vec![(a, b), (b, l), (b, r)],
                None => vec![(p[0], p[0])],
            },
        }
    }
}

/// `#rrggbb` (or `#rgb`) to its three bytes.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    let byte = |i: usize, n: usize| u8::from_str_radix(hex.get(i..i + n)?, 16).ok().map(|v| if n == 1 { v * 17 } else { v });
    match hex.len() {
        6 => Some([byte(0, 2)?, byte(2, 2)?, byte(4, 2)?]),
        3 => Some([byte(0, 1)?, byte(1, 1)?, byte(2, 1)?]),
        _ => None,
    }
}

/// Coverage of capsules (segments with round ends) gathered in a small
/// buffer over their bounding box, so overlapping segments of one stroke
/// count once (their maximum), then emitted.
struct Coverage {
    x0: i64,
    y0: i64,
    bw: usize,
    bh: usize,
    r: f32,
    buf: Vec<u8>,
    /// Each row's columns touched (`lo..hi`; empty when `lo >= hi`), so
    /// only those are read back.
    rows: Vec<(u32, u32)>,
}

impl Coverage {
    fn new(w: u32, h: u32, pts: impl IntoIterator<Item = [f32; 2]>, r: f32) -> Self {
        let (mut lx, mut ly, mut hx, mut hy) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in pts {
            lx = lx.min(p[0]);
            ly = ly.min(p[1]);
            hx = hx.max(p[0]);
            hy = hy.max(p[1]);
        }
        let pad = r + 1.0;
        let x0 = ((lx - pad).floor() as i64).clamp(0, w as i64);
        let y0 = ((ly - pad).floor() as i64).clamp(0, h as i64);
        let x1 = ((hx + pad).ceil() as i64).clamp(0, w as i64);
        let y1 = ((hy + pad).ceil() as i64).clamp(0, h as i64);
        let (bw, bh) = ((x1 - x0).max(0) as usize, (y1 - y0).max(0) as usize);
        Coverage { x0, y0, bw, bh, r, buf: vec![0; bw * bh], rows: vec![(u32::MAX, 0); bh] }
    }

    /// The capsule from `a` to `b`: a pixel's coverage is how far its centre
    /// is inside the edge, over one pixel (`r + 0.5 - distance`).
    fn segment(&mut self, a: [f32; 2], b: [f32; 2]) {
        let r = self.r;
        let pad = r + 1.0;
        let by0 = (((a[1].min(b[1]) - pad).floor() as i64) - self.y0).clamp(0, self.bh as i64) as usize;
        let by1 = (((a[1].max(b[1]) + pad).ceil() as i64) - self.y0).clamp(0, self.bh as i64) as usize;
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        for by in by0..by1 {
            let py = (self.y0 + by as i64) as f32 + 0.5;
            // Only the columns the capsule can reach on this row: the
            // segment clipped to the rows within `pad`, widened by `pad`
            // (a diagonal line costs its length, not its bounding box).
            let (lo, hi) = (py - pad, py + pad);
            let (t0, t1) = if dy.abs() < 1e-6 {
                if (a[1] - py).abs() > pad {
                    continue;
                }
                (0.0, 1.0)
            } else {
                let (u, v) = ((lo - a[1]) / dy, (hi - a[1]) / dy);
                (u.min(v).max(0.0), u.max(v).min(1.0))
            };
            if t0 > t1 {
                continue;
            }
            let (xa, xb) = (a[0] + t0 * dx, a[0] + t1 * dx);
            let bx0 = (((xa.min(xb) - pad).floor() as i64) - self.x0).clamp(0, self.bw as i64) as usize;
            let bx1 = (((xa.max(xb) + pad).ceil() as i64) - self.x0).clamp(0, self.bw as i64) as usize;
            for bx in bx0..bx1 {
                let px = (self.x0 + bx as i64) as f32 + 0.5;
                let t = if len2 > 0.0 { (((px - a[0]) * dx + (py - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
                let (qx, qy) = (a[0] + t * dx - px, a[1] + t * dy - py);
                let d = (qx * qx + qy * qy).sqrt();
                let c = ((r + 0.5 - d).clamp(0.0, 1.0) * 255.0).round() as u8;
                if c > 0 {
                    let cell = &mut self.buf[by * self.bw + bx];
                    *cell = (*cell).max(c);
                    let span = &mut self.rows[by];
                    *span = (span.0.min(bx as u32), span.1.max(bx as u32 + 1));
                }
            }
        }
    }

    fn emit(&self, f: &mut impl FnMut(u32, u32, u8)) {
        for (by, &(lo, hi)) in self.rows.iter().enumerate() {
            for bx in lo as usize..hi as usize {
                let c = self.buf[by * self.bw + bx];
                if c > 0 {
                    f((self.x0 + bx as i64) as u32, (self.y0 + by as i64) as u32, c);
                }
            }
        }
    }
}

fn stroke(points: &[[f32; 2]], r: f32, w: u32, h: u32, f: &mut impl FnMut(u32, u32, u8)) {
    if points.is_empty() {
        return;
    }
    let mut m = Coverage::new(w, h, points.iter().copied(), r);
    if points.len() == 1 {
        m.segment(points[0], points[0]);
    }
    for pair in points.windows(2) {
        m.segment(pair[0], pair[1]);
    }
    m.emit(f);
}

/// The exact share of each pixel inside `[x0, x1] × [y0, y1]`.
fn fill_rect(x0: f32, y0: f32, x1: f32, y1: f32, w: u32, h: u32, f: &mut impl FnMut(u32, u32, u8)) {
    rect_coverage(x0, y0, x1, y1, w, h, |x, y, c| {
        let v = (c * 255.0).round() as u8;
        if v > 0 {
            f(x, y, v)
        }
    });
}

/// A rectangle's outline, `r` on each side of its edges: the outer
/// rectangle's coverage less the inner one's.
#[allow(clippy::too_many_arguments)]
fn outline_rect(x0: f32, y0: f32, x1: f32, y1: f32, r: f32, w: u32, h: u32, f: &mut impl FnMut(u32, u32, u8)) {
    let (ix0, iy0, ix1, iy1) = (x0 + r, y0 + r, x1 - r, y1 - r);
    let hollow = ix0 < ix1 && iy0 < iy1;
    let (ox0, oy0, ox1, oy1) = (x0 - r, y0 - r, x1 + r, y1 + r);
    let cx0 = (ox0.floor().max(0.0) as u32).min(w);
    let cy0 = (oy0.floor().max(0.0) as u32).min(h);
    let cx1 = (ox1.ceil().max(0.0) as u32).min(w);
    let cy1 = (oy1.ceil().max(0.0) as u32).min(h);
    // The columns whose pixels the hollow covers whole: on rows it covers
    // whole too, those are skipped (a box costs its outline, not its area).
    let (sx0, sx1) = if hollow { (ix0.ceil().max(0.0) as u32, ix1.floor().max(0.0) as u32) } else { (0, 0) };
    for y in cy0..cy1 {
        let oy = overlap(y as f32, oy0, oy1);
        let iy = if hollow { overlap(y as f32, iy0, iy1) } else { 0.0 };
        let (a, b) = if iy >= 1.0 && sx0 < sx1 {
            let a = sx0.clamp(cx0, cx1);
            (a, sx1.clamp(a, cx1))
        } else {
            (cx1, cx1)
        };
        for x in (cx0..a).chain(b..cx1) {
            let outer = overlap(x as f32, ox0, ox1) * oy;
            let inner = if hollow { overlap(x as f32, ix0, ix1) * iy } else { 0.0 };
            let v = ((outer - inner).max(0.0) * 255.0).round() as u8;
            if v > 0 {
                f(x, y, v)
            }
        }
    }
}

fn overlap(p: f32, lo: f32, hi: f32) -> f32 {
    ((p + 1.0).min(hi) - p.max(lo)).clamp(0.0, 1.0)
}

fn rect_coverage(x0: f32, y0: f32, x1: f32, y1: f32, w: u32, h: u32, mut f: impl FnMut(u32, u32, f32)) {
    let cx0 = (x0.floor().max(0.0) as u32).min(w);
    let cy0 = (y0.floor().max(0.0) as u32).min(h);
    let cx1 = (x1.ceil().max(0.0) as u32).min(w);
    let cy1 = (y1.ceil().max(0.0) as u32).min(h);
    for y in cy0..cy1 {
        let oy = overlap(y as f32, y0, y1);
        for x in cx0..cx1 {
            let c = overlap(x as f32, x0, x1) * oy;
            if c > 0.0 {
                f(x, y, c);
            }
        }
    }
}

/// The shape's points after the image is turned 90° clockwise (an image
/// `h` pixels tall): `(x, y)` goes to `(h - y, x)`.
pub fn rotate_cw(shape: &Shape, h: u32) -> Shape {
    Shape { points: shape.points.iter().map(|p| [h as f32 - p[1], p[0]]).collect(), ..shape.clone() }
}

/// The shape's points after a crop whose top left was `(x, y)`.
pub fn translate(shape: &Shape, x: u32, y: u32) -> Shape {
    Shape { points: shape.points.iter().map(|p| [p[0] - x as f32, p[1] - y as f32]).collect(), ..shape.clone() }
}
