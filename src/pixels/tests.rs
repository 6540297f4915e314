//! Exact pixels for the region work.

use super::composite::{burn, keep_rest, marks_layer};
use super::diff::{aspect_differs, difference};
use super::image::{CropAspect, Rect, Rgba};
use super::mask::Mask;
use super::region::{Region, RegionUse};
use super::shape::{parse_color, Shape, Tool};

pub(super) fn shape(tool: Tool, points: &[[f32; 2]], size: f32) -> Shape {
    Shape { tool, points: points.to_vec(), size, color: "#ff0000".into(), text: String::new() }
}

const WHITE: [u8; 4] = [255, 255, 255, 255];
const RED: [u8; 4] = [255, 0, 0, 255];

#[test]
fn a_whole_pixel_rectangle_is_exactly_inside_or_outside() {
    let m = Mask::of_shapes(20, 10, &[shape(Tool::Rect, &[[12.0, 7.0], [4.0, 2.0]], 3.0)]);
    for y in 0..10 {
        for x in 0..20 {
            let inside = (4..12).contains(&x) && (2..7).contains(&y);
            assert_eq!(m.at(x, y), if inside { 255 } else { 0 }, "({x}, {y})");
        }
    }
    assert_eq!(m.area(), 8 * 5);
}

#[test]
fn a_rectangle_edge_through_the_middle_of_a_pixel_covers_half_of_it() {
    let m = Mask::of_shapes(10, 10, &[shape(Tool::Rect, &[[2.5, 0.0], [6.0, 10.0]], 1.0)]);
    assert_eq!(m.at(2, 5), 128);
    assert_eq!(m.at(3, 5), 255);
    assert_eq!(m.at(1, 5), 0);
}

#[test]
fn a_brush_dab_is_a_disc_with_a_soft_edge() {
    let m = Mask::of_shapes(21, 21, &[shape(Tool::Brush, &[[10.5, 10.5]], 10.0)]);
    assert_eq!(m.at(10, 10), 255);
    assert_eq!(m.at(14, 10), 255, "4 px from the centre, radius 5");
    assert_eq!(m.at(16, 10), 0, "6 px from the centre");
    assert!(m.at(15, 10) > 0 && m.at(15, 10) < 255, "the edge pixel is partly covered: {}", m.at(15, 10));
    let area = m.a.iter().map(|v| *v as f64 / 255.0).sum::<f64>();
    assert!((area - std::f64::consts::PI * 25.0).abs() < 2.0, "{area}");
}

#[test]
fn a_stroke_covers_its_path_once_and_the_eraser_takes_it_away() {
    let line = shape(Tool::Brush, &[[2.0, 5.5], [10.0, 5.5], [18.0, 5.5]], 3.0);
    let m = Mask::of_shapes(20, 11, std::slice::from_ref(&line));
    assert_eq!(m.at(10, 5), 255, "where two segments meet it is not more than covered");
    assert_eq!(m.at(10, 8), 0);
    let erased = Mask::of_shapes(20, 11, &[line, shape(Tool::Eraser, &[[0.0, 5.5], [20.0, 5.5]], 8.0)]);
    assert!(erased.is_empty());
}

#[test]
fn text_labels_have_no_area() {
    let mut t = shape(Tool::Text, &[[2.0, 2.0]], 16.0);
    t.text = "cup".into();
    assert!(t.is_valid());
    assert!(Mask::of_shapes(10, 10, &[t]).is_empty());
}

#[test]
fn a_marked_rectangle_is_an_outline_burned_in_at_the_image_pixels() {
    let img = Rgba::filled(40, 40, WHITE);
    let out = burn(&img, &[shape(Tool::Rect, &[[10.0, 10.0], [30.0, 30.0]], 4.0)]);
    assert_eq!(out.pixel(9, 20), RED, "on the left edge");
    assert_eq!(out.pixel(11, 20), RED);
    assert_eq!(out.pixel(20, 29), RED, "on the bottom edge");
    assert_eq!(out.pixel(20, 20), WHITE, "inside the box");
    assert_eq!(out.pixel(13, 20), WHITE, "just inside the line");
    assert_eq!(out.pixel(5, 5), WHITE, "outside");
    let changed = img.px.chunks(4).zip(out.px.chunks(4)).filter(|(a, b)| a != b).count();
    // A 4 px line around a 20 px box: 24² − 16² pixels.
    assert_eq!(changed, 24 * 24 - 16 * 16);
}

#[test]
fn burning_nothing_or_only_erased_marks_changes_no_byte() {
    let img = Rgba { w: 3, h: 2, px: (0..24).map(|i| (i * 10) as u8).collect() };
    assert_eq!(burn(&img, &[]), img);
    let dab = shape(Tool::Brush, &[[1.5, 1.0]], 2.0);
    let eraser = shape(Tool::Eraser, &[[1.5, 1.0]], 20.0);
    assert_eq!(burn(&img, &[dab, eraser]), img);
}

#[test]
fn later_marks_paint_over_earlier_ones_in_their_colour() {
    let mut blue = shape(Tool::Brush, &[[5.5, 5.5]], 6.0);
    blue.color = "#0000ff".into();
    let layer = marks_layer(11, 11, &[shape(Tool::Brush, &[[5.5, 5.5]], 6.0), blue]);
    assert_eq!(layer.pixel(5, 5), [0, 0, 255, 255]);
}

#[test]
fn an_arrow_has_a_shaft_and_a_head_at_its_end() {
    let m = Mask::of_shapes(60, 30, &[shape(Tool::Arrow, &[[5.5, 15.5], [50.5, 15.5]], 2.0)]);
    assert_eq!(m.at(25, 15), 255, "the shaft");
    assert!(m.at(44, 12) > 0 || m.at(44, 11) > 0, "the head's upper stroke");
    assert!(m.at(44, 19) > 0 || m.at(44, 20) > 0, "the head's lower stroke");
    assert_eq!(m.at(10, 10), 0);
}

#[test]
fn feathering_spreads_a_pixel_over_a_square_of_the_radius() {
    let mut m = Mask::empty(11, 11);
    m.a[5 * 11 + 5] = 255;
    let f = m.feathered(2);
    for y in 0..11u32 {
        for x in 0..11u32 {
            let near = x.abs_diff(5) <= 2 && y.abs_diff(5) <= 2;
            // 255 / 5 = 51 across, then 51 / 5 = 10.2 down.
            assert_eq!(f.at(x, y), if near { 10 } else { 0 }, "({x}, {y})");
        }
    }
    assert_eq!(m.feathered(0), m);
}

#[test]
fn a_feathered_region_stays_whole_inside_and_at_the_image_border() {
    let full = Mask { w: 8, h: 6, a: vec![255; 48] };
    assert_eq!(full.feathered(3), full);
    let half = Mask::of_shapes(20, 4, &[shape(Tool::Rect, &[[0.0, 0.0], [10.0, 4.0]], 1.0)]);
    let f = half.feathered(2);
    assert_eq!(f.at(0, 0), 255);
    assert_eq!(f.at(7, 2), 255, "3 px inside the edge");
    assert_eq!(f.at(9, 2), 153, "the ramp: 3 of 5 inside");
    assert_eq!(f.at(12, 2), 0, "3 px outside the edge");
}

#[test]
fn keeping_the_rest_takes_the_result_only_inside_the_region() {
    let original = Rgba::filled(10, 10, WHITE);
    let result = Rgba::filled(10, 10, [0, 0, 0, 255]);
    let mask = Mask::of_shapes(10, 10, &[shape(Tool::Rect, &[[2.0, 2.0], [5.0, 5.0]], 1.0)]);
    let kept = keep_rest(&original, &result, &mask);
    assert!(!kept.scaled);
    assert_eq!(kept.image.pixel(3, 3), [0, 0, 0, 255]);
    assert_eq!(kept.image.pixel(6, 6), WHITE);
    let soft = keep_rest(&original, &result, &mask.feathered(1));
    assert_eq!(soft.image.pixel(5, 3), [170, 170, 170, 255], "a third of the way out of the region");
    assert_eq!(soft.image.pixel(7, 3), WHITE);
}

#[test]
fn a_result_of_another_size_is_scaled_to_the_original_first() {
    let original = Rgba::filled(10, 10, WHITE);
    let result = Rgba::filled(20, 20, RED);
    let kept = keep_rest(&original, &result, &Mask { w: 10, h: 10, a: vec![255; 100] });
    assert!(kept.scaled);
    assert_eq!((kept.image.w, kept.image.h), (10, 10));
    assert_eq!(kept.image.pixel(4, 4), RED);
}

#[test]
fn scaling_keeps_flat_colours_and_the_corners() {
    let mut img = Rgba::filled(2, 2, WHITE);
    img.set_pixel(0, 0, RED);
    let big = img.scaled(8, 8);
    assert_eq!(big.pixel(0, 0), RED);
    assert_eq!(big.pixel(7, 7), WHITE);
    assert_eq!(img.scaled(2, 2), img);
    assert_eq!(Rgba::filled(5, 3, RED).scaled(2, 7), Rgba::filled(2, 7, RED));
}

#[test]
fn rotating_turns_the_top_row_into_the_right_column() {
    let img = Rgba { w: 2, h: 1, px: vec![1, 1, 1, 1, 2, 2, 2, 2] };
    let r = img.rotated_cw();
    assert_eq!((r.w, r.h), (1, 2));
    assert_eq!(r.pixel(0, 0), [1, 1, 1, 1]);
    assert_eq!(r.pixel(0, 1), [2, 2, 2, 2]);
    let wide = Rgba { w: 3, h: 2, px: (0..24).collect() };
    assert_eq!(wide.rotated_cw().rotated_cw().rotated_cw().rotated_cw(), wide);
}

#[test]
fn the_marks_follow_a_rotation_and_a_crop() {
    let region = Region { shapes: vec![shape(Tool::Rect, &[[2.0, 1.0], [5.0, 3.0]], 1.0)], ..Region::default() };
    let (w, h) = (8, 6);
    let mask = Mask::of_shapes(w, h, &region.shapes);
    let as_image = |m: &Mask| Rgba { w: m.w, h: m.h, px: m.to_rgba() };
    let turned = region.rotated_cw(h);
    assert_eq!(as_image(&Mask::of_shapes(h, w, &turned.shapes)), as_image(&mask).rotated_cw());
    let crop = Rect { x: 1, y: 1, w: 5, h: 4 };
    let cut = region.cropped(crop.x, crop.y);
    assert_eq!(Some(as_image(&Mask::of_shapes(crop.w, crop.h, &cut.shapes))), as_image(&mask).cropped(crop));
}

#[test]
fn crops_of_each_aspect_are_centred_and_as_large_as_fit() {
    assert_eq!(CropAspect::parse("1:1").unwrap().centred(1000, 500), Rect { x: 250, y: 0, w: 500, h: 500 });
    assert_eq!(CropAspect::parse("16:9").unwrap().centred(1000, 1000), Rect { x: 0, y: 219, w: 1000, h: 562 });
    assert_eq!(CropAspect::parse("3:4").unwrap().centred(400, 400), Rect { x: 50, y: 0, w: 300, h: 400 });
    assert_eq!(CropAspect::parse("free").unwrap().centred(7, 9), Rect { x: 0, y: 0, w: 7, h: 9 });
    for s in CropAspect::ALL {
        assert!(CropAspect::parse(s).is_some(), "{s}");
    }
    assert_eq!(CropAspect::parse("0:1"), None);
    assert_eq!(CropAspect::parse("4/3"), None);
    let img = Rgba::filled(4, 4, RED);
    assert_eq!(img.cropped(Rect { x: 3, y: 3, w: 9, h: 9 }).map(|c| (c.w, c.h)), Some((1, 1)));
    assert_eq!(img.cropped(Rect { x: 4, y: 0, w: 1, h: 1 }), None);
}

#[test]
fn the_difference_of_a_picture_with_itself_is_nothing() {
    let img = Rgba { w: 4, h: 2, px: (0..32).map(|i| (i * 7) as u8).collect() };
    let d = difference(&img, &img, None);
    assert_eq!(d.changed_outside, 0.0);
    assert!(d.heat.px.chunks(4).all(|p| p == [0, 0, 0, 255]));
}

#[test]
fn the_difference_counts_only_what_changed_outside_the_region() {
    let input = Rgba::filled(10, 10, WHITE);
    let mut result = input.clone();
    for x in 0..10 {
        result.set_pixel(x, 0, [0, 0, 0, 255]);
    }
    result.set_pixel(5, 5, [250, 250, 250, 255]);
    let d = difference(&input, &result, None);
    assert_eq!(d.changed_outside, 10.0, "a row of 10 in 100; a change of 5 is below the threshold");
    assert_eq!(d.heat.pixel(0, 0), [255, 255, 255, 255]);
    assert_eq!(d.heat.pixel(9, 9), [0, 0, 0, 255]);
    let top = Mask::of_shapes(10, 10, &[shape(Tool::Rect, &[[0.0, 0.0], [10.0, 1.0]], 1.0)]);
    assert_eq!(difference(&input, &result, Some(&top)).changed_outside, 0.0);
}

#[test]
fn aspect_ratios_differ_beyond_one_per_cent() {
    assert!(!aspect_differs((1024, 768), (2048, 1536)));
    assert!(!aspect_differs((1000, 1000), (1005, 1000)));
    assert!(aspect_differs((1024, 768), (1024, 1024)));
    assert!(!aspect_differs((0, 10), (10, 10)));
}

#[test]
fn colours_are_read_in_both_hex_forms() {
    assert_eq!(parse_color("#ff8000"), Some([255, 128, 0]));
    assert_eq!(parse_color("#0f0"), Some([0, 255, 0]));
    assert_eq!(parse_color("ff8000"), None);
    assert_eq!(parse_color("#ff80zz"), None);
    assert_eq!(parse_color("#é00"), None);
}

#[test]
fn undo_redo_and_clear_walk_back_and_forth() {
    let mut r = Region::default();
    assert!(!r.can_undo() && !r.can_redo());
    let a = shape(Tool::Brush, &[[1.0, 1.0]], 4.0);
    let b = shape(Tool::Rect, &[[1.0, 1.0], [5.0, 5.0]], 4.0);
    assert!(r.add(a.clone()));
    assert!(r.add(b.clone()));
    r.clear();
    assert!(r.shapes.is_empty());
    r.undo();
    assert_eq!(r.shapes, vec![a.clone(), b.clone()], "undoing a clear brings everything back");
    r.undo();
    assert_eq!(r.shapes, vec![a.clone()]);
    r.redo();
    r.redo();
    assert!(r.shapes.is_empty(), "redo runs the clear again");
    r.undo();
    r.undo();
    assert!(r.add(b.clone()));
    assert!(!r.can_redo(), "a new shape forgets what could be redone");
    assert_eq!(r.shapes, vec![a, b]);
    assert!(!r.add(shape(Tool::Brush, &[[f32::NAN, 1.0]], 4.0)), "unusable numbers are refused");
    assert!(!r.add(shape(Tool::Rect, &[[1.0, 1.0]], 4.0)), "a rectangle needs two corners");
}

#[test]
fn a_region_is_stored_as_one_record_and_read_back_safely() {
    let mut r = Region { use_: RegionUse::Keep, ..Region::default() };
    r.add(shape(Tool::Rect, &[[1.0, 2.0], [3.0, 4.0]], 2.0));
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""use":"keep""#), "{json}");
    assert!(json.contains(r#""tool":"rect""#), "{json}");
    let back: Region = serde_json::from_str(&json).unwrap();
    assert_eq!(back.clone().sanitized(), r);
    let odd: Region = serde_json::from_str(r##"{"use":"mask","shapes":[{"tool":"brush","points":[[1,1]],"size":0,"color":"#fff"},{"tool":"brush","points":[[1,1]],"size":3,"color":"#fff"}],"undo":["add","add"]}"##).unwrap();
    let safe = odd.sanitized();
    assert_eq!(safe.shapes.len(), 1, "the stroke of size 0 is dropped");
    assert!(safe.undo.is_empty(), "steps that no longer agree are dropped");
    assert_eq!(safe.use_, RegionUse::Mask);
    for u in RegionUse::ALL {
        assert_eq!(RegionUse::parse(u.as_str()), Some(u));
    }
}

#[test]
fn the_mask_is_sent_white_on_black() {
    let m = Mask { w: 2, h: 1, a: vec![0, 255] };
    assert_eq!(m.to_rgba(), vec![0, 0, 0, 255, 255, 255, 255, 255]);
}

#[test]
fn an_area_is_tinted_by_its_coverage_and_overlaps_do_not_darken() {
    use super::paint::{area_layer, paint, Ink};
    let a = shape(Tool::Rect, &[[1.0, 1.0], [4.0, 3.0]], 1.0);
    let b = shape(Tool::Rect, &[[2.0, 1.0], [6.0, 3.0]], 1.0);
    let layer = area_layer(8, 4, &[a.clone(), b.clone()], [10, 20, 30], 128);
    assert_eq!(layer.pixel(0, 0), [10, 20, 30, 0]);
    assert_eq!(layer.pixel(1, 1), [10, 20, 30, 128]);
    assert_eq!(layer.pixel(3, 2), [10, 20, 30, 128], "inside both: the same tint");
    assert_eq!(layer.pixel(6, 2), [10, 20, 30, 0]);
    // Painted one by one as the editor does while drawing: the same.
    let mut drawn = super::image::Rgba::filled(8, 4, [0, 0, 0, 0]);
    for s in [&a, &b] {
        paint(&mut drawn, s, Ink::Area { rgb: [10, 20, 30], alpha: 128 });
    }
    for (x, y) in [(1, 1), (3, 2), (5, 1)] {
        assert_eq!(drawn.pixel(x, y)[3], 128, "({x}, {y})");
    }
    assert_eq!(drawn.pixel(6, 2)[3], 0);
}

#[test]
fn a_dragged_crop_is_whole_pixels_inside_the_image_of_the_chosen_shape() {
    use super::image::{CropAspect, Rect};
    let free = CropAspect::Free;
    assert_eq!(free.dragged([30.4, 20.6], [10.2, 5.0], 100, 80), Some(Rect { x: 10, y: 5, w: 20, h: 16 }), "either direction, rounded");
    assert_eq!(free.dragged([-5.0, -5.0], [200.0, 200.0], 100, 80), Some(Rect { x: 0, y: 0, w: 100, h: 80 }), "kept inside");
    assert_eq!(free.dragged([10.0, 10.0], [15.0, 40.0], 100, 80), None, "under 8 px wide");
    let square = CropAspect::parse("1:1").unwrap();
    assert_eq!(square.dragged([10.0, 10.0], [50.0, 20.0], 100, 80), Some(Rect { x: 10, y: 10, w: 40, h: 40 }), "the height follows the width");
    assert_eq!(square.dragged([10.0, 60.0], [90.0, 70.0], 100, 80), Some(Rect { x: 10, y: 60, w: 20, h: 20 }), "both shrink at the bottom edge");
    let wide = CropAspect::parse("16:9").unwrap();
    assert_eq!(wide.dragged([0.0, 0.0], [64.0, 1.0], 100, 80), Some(Rect { x: 0, y: 0, w: 64, h: 36 }));
}

#[test]
fn turned_and_cropped_images_keep_their_marks_on_the_same_pixels() {
    use super::composite::burn;
    use super::image::Rect;
    use super::region::Region;
    let mut img = super::image::Rgba::filled(40, 30, [10, 20, 30, 255]);
    img.set_pixel(5, 7, [200, 0, 0, 255]);
    let mut region = Region::default();
    region.add(shape(Tool::Rect, &[[4.0, 6.0], [7.0, 9.0]], 1.0));
    // Burning then turning is turning then burning.
    let turned = img.rotated_cw();
    assert_eq!(turned.pixel(30 - 1 - 7, 5), [200, 0, 0, 255]);
    assert_eq!(burn(&img, &region.shapes).rotated_cw(), burn(&turned, &region.rotated_cw(30).shapes));
    // Burning then cropping is cropping then burning.
    let c = Rect { x: 2, y: 3, w: 20, h: 15 };
    assert_eq!(burn(&img, &region.shapes).cropped(c), Some(burn(&img.cropped(c).unwrap(), &region.cropped(2, 3).shapes)));
}

#[test]
fn rectangles_that_share_a_pixel_overlap_and_unite() {
    use super::image::Rect;
    let a = Rect { x: 0, y: 0, w: 10, h: 4 };
    let b = Rect { x: 9, y: 3, w: 5, h: 5 };
    let c = Rect { x: 10, y: 0, w: 2, h: 2 };
    assert!(a.overlaps(b) && b.overlaps(a) && !a.overlaps(c) && !c.overlaps(a));
    assert_eq!(a.union(b), Rect { x: 0, y: 0, w: 14, h: 8 });
}
