//! A coverage mask (0 = keep, 255 = edit), what the shapes of a region make
//! of it, and its feathered edge.

use super::shape::{Purpose, Shape, Tool};
use super::mul255;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mask {
    pub w: u32,
    pub h: u32,
    pub a: Vec<u8>,
}

impl Mask {
    pub fn empty(w: u32, h: u32) -> Self {
        Mask { w, h, a: vec![0; (w as usize) * (h as usize)] }
    }

    /// The area of a region: each shape in order, the eraser taking away
    /// what it covers (text labels have no area).
    pub fn of_shapes(w: u32, h: u32, shapes: &[Shape]) -> Self {
        let mut m = Mask::empty(w, h);
        for s in shapes {
            let erase = s.tool == Tool::Eraser;
            s.cover(Purpose::Area, w, h, |x, y, c| {
                let v = &mut m.a[(y as usize) * (w as usize) + x as usize];
                *v = if erase { (*v as u32 - mul255(*v as u32, c as u32)) as u8 } else { (*v).max(c) };
            });
        }
        m
    }

    pub fn at(&self, x: u32, y: u32) -> u8 {
        self.a[(y as usize) * (self.w as usize) + x as usize]
    }

    /// How many pixels are inside at all (coverage above 0).
    pub fn area(&self) -> usize {
        self.a.iter().filter(|v| **v > 0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.a.iter().all(|v| *v == 0)
    }

    /// The mask as the inpaint endpoint takes it: white where the edit
    /// goes, black elsewhere, opaque (RGBA bytes of the image's size).
    pub fn to_rgba(&self) -> Vec<u8> {
        let mut px = Vec::with_capacity(self.a.len() * 4);
        for &v in &self.a {
            px.extend_from_slice(&[v, v, v, 255]);
        }
        px
    }

    /// The edge softened over `radius` pixels: a box filter across the rows,
    /// then down the columns (running sums: the same cost for any radius;
    /// the image's border repeats outward, so a region touching the border
    /// stays whole there). A pixel farther than `radius` (along x or y) from
    /// every inside pixel stays exactly 0, and one farther than `radius` from
    /// every outside pixel stays exactly 255. Radius 0 changes nothing.
    pub fn feathered(&self, radius: u32) -> Mask {
        if radius == 0 || self.a.is_empty() {
            return self.clone();
        }
        let (w, h) = (self.w as usize, self.h as usize);
        let mut tmp = vec![0u8; w * h];
        let mut line = Vec::new();
        for y in 0..h {
            line.clear();
            line.extend_from_slice(&self.a[y * w..(y + 1) * w]);
            let out = &mut tmp[y * w..(y + 1) * w];
            box_line(&line, radius as usize, |i, v| out[i] = v);
        }
        // Down the columns, a row at a time (a running sum per column).
        let r = radius as isize;
        let row = |y: isize| &tmp[(y.clamp(0, h as isize - 1) as usize) * w..][..w];
        let win = 2 * radius + 1;
        let mut sums = vec![0u32; w];
        for y in -r..=r {
            for (s, v) in sums.iter_mut().zip(row(y)) {
                *s += *v as u32;
            }
        }
        let mut a = vec![0u8; w * h];
        for y in 0..h as isize {
            let out = &mut a[y as usize * w..][..w];
            for (o, s) in out.iter_mut().zip(&sums) {
                *o = ((s + win / 2) / win) as u8;
            }
            let (add, sub) = (row(y + r + 1), row(y - r));
            for ((s, p), m) in sums.iter_mut().zip(add).zip(sub) {
                *s = *s + *p as u32 - *m as u32;
            }
        }
        Mask { w: self.w, h: self.h, a }
    }
}

/// The mean of `src[i - r ..= i + r]` (indices clamped to the line) for
/// every `i`, rounded to nearest, by a running sum.
fn box_line(src: &[u8], r: usize, mut put: impl FnMut(usize, u8)) {
    let n = src.len();
    let at = |i: isize| src[i.clamp(0, n as isize - 1) as usize] as u32;
    let win = (2 * r + 1) as u32;
    let mut sum: u32 = (-(r as isize)..=r as isize).map(at).sum();
    for i in 0..n {
        put(i, ((sum + win / 2) / win) as u8);
        sum = sum + at(i as isize + r as isize + 1) - at(i as isize - r as isize);
    }
}
