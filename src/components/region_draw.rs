//! A shape on the region editor's surface while it is being drawn: only
//! the pieces of the canvas along its lines are put back from the committed
//! marks, painted again and shown (`pixels::paint`), so a pointer move costs
//! the shape's lines, not the image.

use web_sys::CanvasRenderingContext2d;

use crate::i18n::K;
use crate::pixels::image::{Rect, Rgba};
use crate::pixels::paint::{bounds, paint, touched, Ink};
use crate::pixels::region::RegionUse;
use crate::pixels::shape::{Shape, Tool};
use crate::web::pixels::put_rect;

/// The tint of a mask or kept area on screen.
pub const AREA_TINT: [u8; 3] = [255, 40, 120];
pub const AREA_ALPHA: u8 = 140;

/// The drawing tools: what each is, its `data-tool` and its words.
pub const TOOLS: [(Tool, &str, K); 5] = [
    (Tool::Brush, "brush", K::ToolBrush),
    (Tool::Rect, "rect", K::ToolRect),
    (Tool::Arrow, "arrow", K::ToolArrow),
    (Tool::Text, "text", K::ToolText),
    (Tool::Eraser, "eraser", K::ToolEraser),
];

/// How a shape being drawn shows: a mark as it will be; for a region, its
/// lines in the area's tint (the area is filled when the shape is done).
fn preview(use_: RegionUse) -> Ink {
    match use_ {
        RegionUse::Marks => Ink::Marks,
        RegionUse::Mask | RegionUse::Keep => Ink::Outline { rgb: AREA_TINT, alpha: AREA_ALPHA },
    }
}

/// A shape being drawn, and the pieces of the canvas its preview covers.
pub struct Drag {
    pub shape: Shape,
    pub shown: Vec<Rect>,
    /// A crop box, not a mark.
    pub crop: bool,
}

impl Drag {
    /// Shows the shape as it is now on `ctx`: `working` is the layer on
    /// screen, `committed` the marks without it. A growing stroke
    /// (`only_last`) paints just its newest piece.
    pub fn show(&mut self, ctx: &CanvasRenderingContext2d, working: &mut Rgba, committed: &Rgba, use_: RegionUse, only_last: bool) {
        let (iw, ih) = (working.w, working.h);
        if only_last {
            let n = self.shape.points.len();
            let piece = Shape { points: self.shape.points[n.saturating_sub(2)..].to_vec(), ..self.shape.clone() };
            paint(working, &piece, preview(use_));
            if let Some(r) = bounds(&piece, iw, ih) {
                put_rect(ctx, working, r);
            }
            return;
        }
        // The old pieces put back, the shape painted, old and new shown.
        let now = touched(&self.shape, iw, ih);
        self.shown.iter().for_each(|r| working.copy_rect(committed, *r));
        paint(working, &self.shape, if self.crop { Ink::Marks } else { preview(use_) });
        // A piece that moved a little is one put with where it was.
        let mut puts = now.clone();
        for o in &self.shown {
            match puts.iter_mut().find(|p| p.overlaps(*o)) {
                Some(p) => *p = p.union(*o),
                None => puts.push(*o),
            }
        }
        for r in &puts {
            put_rect(ctx, working, *r);
        }
        self.shown = now;
    }
}
