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
