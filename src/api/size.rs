//! Output sizes and what they cost: "Match the first image" (the input's
//! aspect ratio at about one megapixel), the pixels a request will give,
//! and the estimate (megapixels × images × price per megapixel).

use super::draft::Draft;
use super::input::{ImageSize, SizePreset, SIDE_RANGE};
use super::model::{NUM_IMAGES, SIZE_FOLLOWS, SIZE_MATCH};
use super::output::OutputImage;
use super::validate::FirstImage;

/// About one megapixel: what "Match the first image" aims at.
pub const MATCH_TARGET_PX: f64 = 1024.0 * 1024.0;
/// Sides of a matched size are multiples of this.
pub const MATCH_STEP: u32 = 16;
/// fal's published price for the family, per output megapixel (USD).
pub const DEFAULT_PRICE_PER_MP: f64 = 0.03;

/// The size with `width × height`'s aspect ratio at about one megapixel:
/// each side a multiple of 16 within [`SIDE_RANGE`]. A shape too long for
/// the limits keeps its long side at the limit and its short side at the
/// minimum.
pub fn match_input(width: u32, height: u32) -> Option<(u32, u32)> {
    if width == 0 || height == 0 {
        return None;
    }
    let ratio = width as f64 / height as f64;
    let (w, h) = ((MATCH_TARGET_PX * ratio).sqrt(), (MATCH_TARGET_PX / ratio).sqrt());
    let max = (SIDE_RANGE.1 / MATCH_STEP * MATCH_STEP) as f64;
    let shrink = (max / w).min(max / h).min(1.0);
    let min = SIDE_RANGE.0.div_ceil(MATCH_STEP) * MATCH_STEP;
    let side = |x: f64| {
        let steps = (x * shrink / MATCH_STEP as f64).round() as u32;
        (steps * MATCH_STEP).clamp(min, max as u32)
    };
    Some((side(w), side(h)))
}

/// The pixels one output image will have, when they can be known: a named
/// shape's or a custom size; `None` (the input's size) where the output
/// follows the input.
pub fn output_pixels(size: Option<ImageSize>, first_input: Option<(u32, u32)>) -> Option<(u32, u32)> {
    match size {
        Some(ImageSize::Preset(p)) => Some(p.pixels()),
        Some(ImageSize::Custom { width, height }) => Some((width, height)),
        None => first_input,
    }
}

/// The pixels of one output of a draft, when known: `None` while the
/// size depends on an image whose size is not known yet, or a side is not
/// a number.
pub fn draft_pixels(d: &Draft, first: FirstImage) -> Option<(u32, u32)> {
    let known = match first {
        FirstImage::Known(w, h) => Some((w, h)),
        _ => None,
    };
    match d.image_size.as_str() {
        "custom" => d.image_width.trim().parse().ok().zip(d.image_height.trim().parse().ok()),
        SIZE_MATCH => match first {
            FirstImage::Known(w, h) => match_input(w, h),
            FirstImage::Reading => None,
            _ => Some(SizePreset::SquareHd.pixels()),
        },
        SIZE_FOLLOWS => known,
        other => SizePreset::parse(other).map(SizePreset::pixels),
    }
}

/// A draft's estimate: output pixels × images × price, when known.
pub fn draft_cost(d: &Draft, first: FirstImage, price_per_mp: f64) -> Option<f64> {
    let n = d.num_images.trim().parse::<u32>().ok().filter(|n| (NUM_IMAGES.0..=NUM_IMAGES.1).contains(&(*n as u64)))?;
    Some(cost(draft_pixels(d, first)?, n, price_per_mp))
}

/// What a completed job cost, estimated: each image's own size where the
/// result gives it, else the size asked for, else a megapixel.
pub fn job_cost(body: &serde_json::Value, images: &[OutputImage], price_per_mp: f64) -> f64 {
    let asked = match body.get("image_size") {
        Some(serde_json::Value::String(s)) => SizePreset::parse(s).map(SizePreset::pixels),
        Some(serde_json::Value::Object(o)) => {
            let side = |k| o.get(k).and_then(serde_json::Value::as_u64).map(|x| x.min(u32::MAX as u64) as u32);
            side("width").zip(side("height"))
        }
        _ => None,
    };
    images
        .iter()
        .map(|i| cost(i.width.zip(i.height).or(asked).unwrap_or((1000, 1000)), 1, price_per_mp))
        .sum()
}

/// The estimated price of `images` outputs of `(w, h)` pixels.
pub fn cost(pixels: (u32, u32), images: u32, price_per_mp: f64) -> f64 {
    pixels.0 as f64 * pixels.1 as f64 / 1e6 * images as f64 * price_per_mp
}

/// An amount in dollars as shown: cents, or "< $0.01" for less. (Whole
/// numbers only: Rust's float formatting would add to the bundle.)
pub fn dollars(amount: f64) -> String {
    if amount > 0.0 && amount < 0.005 {
        return "< $0.01".into();
    }
    let cents = (amount.max(0.0) * 100.0).round() as u64;
    format!("${}.{:02}", cents / 100, cents % 100)
}

/// Small amounts to a hundredth of a cent (`$0.0004`): what one prompt
/// rewrite costs.
pub fn fine_dollars(amount: f64) -> String {
    let units = (amount.max(0.0) * 10_000.0).round() as u64;
    if units == 0 && amount > 0.0 {
        return "< $0.0001".into();
    }
    format!("${}.{:04}", units / 10_000, units % 10_000)
}

/// Megapixels with two decimals ("1.05").
pub fn megapixels((w, h): (u32, u32)) -> String {
    let hundredths = (w as u64 * h as u64 + 5_000) / 10_000;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fine_dollars_show_hundredths_of_a_cent() {
        use super::fine_dollars;
        assert_eq!(fine_dollars(0.00042), "$0.0004");
        assert_eq!(fine_dollars(0.00005), "$0.0001");
        assert_eq!(fine_dollars(0.00001), "< $0.0001");
        assert_eq!(fine_dollars(0.0), "$0.0000");
        assert_eq!(fine_dollars(1.23456), "$1.2346");
    }

    use super::*;

    fn mp((w, h): (u32, u32)) -> f64 {
        w as f64 * h as f64 / MATCH_TARGET_PX
    }

    #[test]
    fn matched_sizes_keep_the_aspect_at_about_a_megapixel() {
        for (w, h, want) in [
            (1000, 1000, (1024, 1024)),
            (1200, 800, (1248, 832)),
            (3000, 2000, (1248, 832)),
            (1920, 1080, (1360, 768)),
            (1080, 1920, (768, 1360)),
            (2560, 1080, (1584, 672)),
            (2100, 900, (1568, 672)),
        ] {
            let got = match_input(w, h).unwrap();
            assert_eq!(got, want, "{w}x{h}");
            assert_eq!((got.0 % 16, got.1 % 16), (0, 0));
            assert!((0.95..=1.05).contains(&mp(got)), "{w}x{h} → {got:?} is {} MP", mp(got));
            let (r_in, r_out) = (w as f64 / h as f64, got.0 as f64 / got.1 as f64);
            assert!((r_in / r_out - 1.0).abs() < 0.02, "{w}x{h}: {r_in} vs {r_out}");
        }
    }

    #[test]
    fn extreme_shapes_stay_within_the_limits() {
        assert_eq!(match_input(1, 4000), Some((64, 4096)));
        assert_eq!(match_input(4000, 1), Some((4096, 64)));
        assert_eq!(match_input(1, 1), Some((1024, 1024)));
        assert_eq!(match_input(0, 10), None);
        for (w, h) in [(1, 4000), (7, 3), (99_999, 17), (16, 9)] {
            let (a, b) = match_input(w, h).unwrap();
            for side in [a, b] {
                assert!(side % 16 == 0 && (SIDE_RANGE.0..=SIDE_RANGE.1).contains(&side), "{w}x{h} → {a}x{b}");
            }
        }
    }

    #[test]
    fn cost_is_megapixels_times_images_times_price() {
        let square = output_pixels(Some(ImageSize::Preset(SizePreset::SquareHd)), None).unwrap();
        assert_eq!(dollars(cost(square, 2, DEFAULT_PRICE_PER_MP)), "$0.06");
        assert!((cost((1000, 1000), 4, 0.05) - 0.2).abs() < 1e-12);
        assert_eq!(cost((1000, 1000), 0, 0.05), 0.0);
        assert_eq!(output_pixels(None, Some((800, 600))), Some((800, 600)));
        assert_eq!(output_pixels(None, None), None);
        assert_eq!(output_pixels(Some(ImageSize::Custom { width: 1248, height: 832 }), None), Some((1248, 832)));
        assert_eq!(dollars(0.004), "< $0.01");
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(1.2345), "$1.23");
        assert_eq!(dollars(0.0629), "$0.06");
        assert_eq!(megapixels((1024, 1024)), "1.05");
        assert_eq!(megapixels((1248, 832)), "1.04");
    }
}

#[cfg(test)]
mod estimate_tests {
    use super::*;
    use serde_json::json;

    fn img(w: Option<u32>, h: Option<u32>) -> OutputImage {
        OutputImage { url: "https://a/x.png".into(), width: w, height: h, content_type: None, file_name: None, file_size: None, nsfw: false }
    }

    #[test]
    fn a_drafts_estimate_uses_the_real_pixel_count() {
        let d = Draft { num_images: "2".into(), ..Draft::new() };
        assert_eq!(draft_cost(&d, FirstImage::Unknown, DEFAULT_PRICE_PER_MP).map(dollars).as_deref(), Some("$0.06"));
        let m = Draft { image_size: SIZE_MATCH.into(), ..Draft::new() };
        assert_eq!(draft_pixels(&m, FirstImage::Known(1200, 800)), Some((1248, 832)));
        assert_eq!(draft_pixels(&m, FirstImage::Reading), None);
        assert_eq!(draft_pixels(&m, FirstImage::Unreadable), Some((1024, 1024)), "the default it falls back to");
        let c = Draft { image_size: "custom".into(), image_width: "2000".into(), image_height: "500".into(), num_images: "4".into(), ..Draft::new() };
        assert!((draft_cost(&c, FirstImage::Unknown, 0.03).unwrap() - 0.12).abs() < 1e-9);
        // Where the output follows the input, the input's size.
        let f = Draft::for_model("fal-ai/qwen-image-edit-2511");
        assert_eq!(draft_pixels(&f, FirstImage::Known(800, 600)), Some((800, 600)));
        assert_eq!(draft_cost(&f, FirstImage::Reading, 0.03), None);
        assert_eq!(draft_cost(&Draft { num_images: "9".into(), ..Draft::new() }, FirstImage::Unknown, 0.03), None);
    }

    #[test]
    fn a_jobs_cost_uses_the_results_sizes_then_the_asked_size() {
        let body = json!({"image_size": {"width": 2000, "height": 1000}});
        assert!((job_cost(&body, &[img(Some(1000), Some(1000)), img(None, None)], 0.03) - 0.09).abs() < 1e-9);
        assert!((job_cost(&json!({"image_size": "square"}), &[img(None, None)], 0.03) - 0.262144 * 0.03).abs() < 1e-9);
        assert!((job_cost(&json!({}), &[img(None, None)], 0.03) - 0.03).abs() < 1e-9);
        assert_eq!(job_cost(&json!({}), &[], 0.03), 0.0);
    }
}
