//! Properties of the region work over random images, shapes and feathers.

use proptest::prelude::*;

use super::composite::keep_rest;
use super::image::Rgba;
use super::mask::Mask;
use super::region::Region;
use super::shape::{Shape, Tool};
use super::tests::shape;

const W: u32 = 24;
const H: u32 = 18;

fn image() -> impl Strategy<Value = Rgba> {
    proptest::collection::vec(any::<u8>(), (W * H * 4) as usize).prop_map(|px| Rgba { w: W, h: H, px })
}

fn point() -> impl Strategy<Value = [f32; 2]> {
    (-4.0f32..28.0, -4.0f32..22.0).prop_map(|(x, y)| [x, y])
}

fn any_shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        (proptest::collection::vec(point(), 1..6), 1.0f32..9.0).prop_map(|(p, s)| shape(Tool::Brush, &p, s)),
        (point(), point()).prop_map(|(a, b)| shape(Tool::Rect, &[a, b], 2.0)),
        (point(), point(), 1.0f32..5.0).prop_map(|(a, b, s)| shape(Tool::Arrow, &[a, b], s)),
        (proptest::collection::vec(point(), 1..4), 1.0f32..9.0).prop_map(|(p, s)| shape(Tool::Eraser, &p, s)),
    ]
}

fn whole_rect() -> impl Strategy<Value = Shape> {
    (0u32..W, 0u32..H, 0u32..W, 0u32..H).prop_map(|(a, b, c, d)| shape(Tool::Rect, &[[a as f32, b as f32], [c as f32, d as f32]], 1.0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn outside_the_region_and_its_feather_the_kept_image_is_the_original(
        original in image(), result in image(), shapes in proptest::collection::vec(any_shape(), 0..5), feather in 0u32..6,
    ) {
        let region = Mask::of_shapes(W, H, &shapes);
        let soft = region.feathered(feather);
        let kept = keep_rest(&original, &result, &soft).image;
        for y in 0..H {
            for x in 0..W {
                let near = (0..H).any(|v| (0..W).any(|u| region.at(u, v) > 0 && u.abs_diff(x) <= feather && v.abs_diff(y) <= feather));
                if !near {
                    prop_assert_eq!(soft.at(x, y), 0, "the feather reaches no farther than its radius");
                    prop_assert_eq!(kept.pixel(x, y), original.pixel(x, y));
                }
                if soft.at(x, y) == 255 {
                    prop_assert_eq!(kept.pixel(x, y), result.pixel(x, y));
                }
            }
        }
    }

    #[test]
    fn feather_zero_gives_a_hard_edge(rects in proptest::collection::vec(whole_rect(), 1..4)) {
        let m = Mask::of_shapes(W, H, &rects).feathered(0);
        prop_assert!(m.a.iter().all(|v| *v == 0 || *v == 255));
    }

    #[test]
    fn compositing_an_image_with_itself_changes_nothing(img in image(), shapes in proptest::collection::vec(any_shape(), 0..4), feather in 0u32..5) {
        let mask = Mask::of_shapes(W, H, &shapes).feathered(feather);
        prop_assert_eq!(keep_rest(&img, &img, &mask).image, img);
    }

    #[test]
    fn a_wider_brush_paints_a_larger_area(points in proptest::collection::vec(point(), 1..6), small in 1.0f32..10.0, more in 0.5f32..10.0) {
        let a = Mask::of_shapes(W, H, &[shape(Tool::Brush, &points, small)]);
        let b = Mask::of_shapes(W, H, &[shape(Tool::Brush, &points, small + more)]);
        prop_assert!(a.a.iter().zip(&b.a).all(|(x, y)| x <= y), "every pixel at least as covered");
        prop_assert!(a.area() <= b.area());
    }

    #[test]
    fn undo_then_redo_comes_back_to_the_same_shapes(ops in proptest::collection::vec(0u8..4, 0..40), shapes in proptest::collection::vec(any_shape(), 1..8)) {
        let mut r = Region::default();
        let mut i = 0;
        for op in ops {
            match op {
                0 => { r.add(shapes[i % shapes.len()].clone()); i += 1; }
                1 => r.clear(),
                2 => r.undo(),
                _ => r.redo(),
            }
            let now = r.clone();
            if r.can_undo() {
                r.undo();
                r.redo();
                prop_assert_eq!(&r.shapes, &now.shapes);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_shape_touches_no_pixel_outside_its_bounds_and_painting_it_alone_is_its_layer(
        before in proptest::collection::vec(any_shape(), 0..4), s in any_shape(),
    ) {
        use super::composite::marks_layer;
        use super::paint::{bounds, paint, Ink};
        let committed = marks_layer(W, H, &before);
        let mut layer = committed.clone();
        paint(&mut layer, &s, Ink::Marks);
        let all: Vec<Shape> = before.iter().cloned().chain([s.clone()]).collect();
        prop_assert_eq!(&layer, &marks_layer(W, H, &all), "one more shape painted is the layer of them all");
        let b = bounds(&s, W, H);
        for y in 0..H {
            for x in 0..W {
                let inside = b.is_some_and(|r| x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h);
                if !inside {
                    prop_assert_eq!(layer.pixel(x, y), committed.pixel(x, y), "({}, {}) outside {:?}", x, y, b);
                }
            }
        }
        // Putting the box back from the committed layer undoes the shape.
        if let Some(r) = b {
            layer.copy_rect(&committed, r);
            prop_assert_eq!(&layer, &committed);
            prop_assert_eq!(committed.rect_bytes(r).len(), (r.w * r.h * 4) as usize);
        }
    }
}

/// A shape's coverage by its definition, at every pixel of a `W × H` image:
/// a stroke or arrow is the union (maximum) of capsules of radius `size/2`
/// (a pixel's coverage how far its centre is inside, over one pixel); a
/// box's outline the outer box's share of the pixel less the inner's.
fn reference(s: &Shape) -> Vec<u8> {
    let r = s.size / 2.0;
    let mut out = vec![0u8; (W * H) as usize];
    let capsule = |a: [f32; 2], b: [f32; 2], px: f32, py: f32| {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((px - a[0]) * dx + (py - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let (qx, qy) = (a[0] + t * dx - px, a[1] + t * dy - py);
        ((r + 0.5 - (qx * qx + qy * qy).sqrt()).clamp(0.0, 1.0) * 255.0).round() as u8
    };
    let share = |p: f32, lo: f32, hi: f32| ((p + 1.0).min(hi) - p.max(lo)).clamp(0.0, 1.0);
    for y in 0..H {
        for x in 0..W {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let v = match s.tool {
                Tool::Rect => {
                    let [a, b] = [s.points[0], s.points[1]];
                    let (x0, y0, x1, y1) = (a[0].min(b[0]), a[1].min(b[1]), a[0].max(b[0]), a[1].max(b[1]));
                    let outer = share(x as f32, x0 - r, x1 + r) * share(y as f32, y0 - r, y1 + r);
                    let hollow = x0 + r < x1 - r && y0 + r < y1 - r;
                    let inner = if hollow { share(x as f32, x0 + r, x1 - r) * share(y as f32, y0 + r, y1 - r) } else { 0.0 };
                    ((outer - inner).max(0.0) * 255.0).round() as u8
                }
                _ => {
                    let p = &s.points;
                    if p.len() == 1 { capsule(p[0], p[0], px, py) } else { p.windows(2).map(|w| capsule(w[0], w[1], px, py)).max().unwrap_or(0) }
                }
            };
            out[(y * W + x) as usize] = v;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn strokes_and_box_outlines_cover_what_their_definition_says(
        points in proptest::collection::vec(point(), 1..6), size in 1.0f32..9.0, a in point(), b in point(),
    ) {
        use super::shape::Purpose;
        for s in [shape(Tool::Brush, &points, size), shape(Tool::Rect, &[a, b], size)] {
            let mut got = vec![0u8; (W * H) as usize];
            s.cover(Purpose::Marks, W, H, |x, y, c| got[(y * W + x) as usize] = c);
            prop_assert_eq!(got, reference(&s), "{:?}", s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_pieces_a_mark_touches_hold_every_pixel_it_covers(s in any_shape()) {
        use super::paint::touched;
        use super::shape::Purpose;
        let pieces = touched(&s, W, H);
        let mut missed = Vec::new();
        s.cover(Purpose::Marks, W, H, |x, y, _| {
            if !pieces.iter().any(|r| x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) {
                missed.push((x, y));
            }
        });
        prop_assert!(missed.is_empty(), "{:?} outside {:?} for {:?}", missed, pieces, s);
    }
}
