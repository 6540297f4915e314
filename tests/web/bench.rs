//! Benchmarks of the region work (issue 22), not tests: ignored by the
//! suite, run by `make bench` with the release profile in headless
//! Chromium (`cargo test --release … -- --ignored bench::`). They print a
//! table and judge nothing.

use qwen_studio::pixels::composite::keep_rest;
use qwen_studio::pixels::diff::difference;
use qwen_studio::pixels::image::Rgba;
use qwen_studio::pixels::mask::Mask;
use qwen_studio::pixels::shape::{Shape, Tool};
use qwen_studio::web::pixels::png_data_uri;
use web_sys::{PointerEvent, PointerEventInit};

use super::*;

fn now() -> f64 {
    js_sys::Date::now()
}

fn noise(w: u32, h: u32, seed: u32) -> Rgba {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    let mut px = Vec::with_capacity((w * h * 4) as usize);
    for _ in 0..w * h {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        px.extend_from_slice(&[s as u8, (s >> 8) as u8, (s >> 16) as u8, 255]);
    }
    Rgba::new(w, h, px).unwrap()
}

/// A region as people draw one: a long brush stroke and a box.
fn region(w: u32, h: u32) -> Vec<Shape> {
    let (fw, fh) = (w as f32, h as f32);
    let stroke: Vec<[f32; 2]> = (0..300).map(|i| {
        let t = i as f32 / 300.0;
        [fw * (0.2 + 0.5 * t), fh * (0.5 + 0.2 * (t * 12.0).sin())]
    }).collect();
    vec![
        Shape { tool: Tool::Brush, points: stroke, size: fw / 25.0, color: "#ff0000".into(), text: String::new() },
        Shape { tool: Tool::Rect, points: vec![[fw * 0.6, fh * 0.1], [fw * 0.9, fh * 0.4]], size: 4.0, color: "#ff0000".into(), text: String::new() },
    ]
}

/// The median and the largest of `runs` timings of `f`, in ms.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut t: Vec<f64> = (0..runs).map(|_| {
        let t0 = now();
        f();
        now() - t0
    }).collect();
    t.sort_by(|a, b| a.total_cmp(b));
    (t[t.len() / 2], t[t.len() - 1])
}

#[wasm_bindgen_test]
#[ignore]
fn bench_pixels() {
    let mut out = String::from("\n| region work (release, Chromium) | 1 MP (1024²) | 4 MP (2048²) |\n|---|---|---|\n");
    let mut rows: Vec<(&str, Vec<f64>)> = ["mask of the shapes", "feather 8 px", "composite (keep the rest)", "difference", "all four", "PNG encode (canvas)"]
        .iter()
        .map(|r| (*r, Vec::new()))
        .collect();
    for side in [1024u32, 2048] {
        let (a, b) = (noise(side, side, 1), noise(side, side, 2));
        let shapes = region(side, side);
        let mut mask = Mask::empty(side, side);
        rows[0].1.push(time(5, || mask = Mask::of_shapes(side, side, &shapes)).0);
        let mut soft = mask.clone();
        rows[1].1.push(time(5, || soft = mask.feathered(8)).0);
        rows[2].1.push(time(5, || drop(keep_rest(&a, &b, &soft))).0);
        rows[3].1.push(time(5, || drop(difference(&a, &b, Some(&mask)))).0);
        rows[4].1.push(time(3, || {
            let m = Mask::of_shapes(side, side, &shapes).feathered(8);
            drop(keep_rest(&a, &b, &m));
            drop(difference(&a, &b, Some(&m)));
        }).0);
        rows[5].1.push(time(3, || drop(png_data_uri(&b))).0);
    }
    for (name, t) in rows {
        out.push_str(&format!("| {name} | {:.0} ms | {:.0} ms |\n", t[0], t[1]));
    }
    web_sys::console::log_1(&out.into());
}

fn move_at(c: &Element, kind: &str, x: f64, y: f64) -> f64 {
    let r = c.get_bounding_client_rect();
    let w: f64 = c.get_attribute("data-width").unwrap().parse().unwrap();
    let h: f64 = c.get_attribute("data-height").unwrap().parse().unwrap();
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_pointer_id(3);
    init.set_pointer_type("touch");
    init.set_is_primary(true);
    init.set_client_x((r.left() + x * r.width() / w) as i32);
    init.set_client_y((r.top() + y * r.height() / h) as i32);
    let ev = PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
    let t0 = now();
    c.dispatch_event(&ev).unwrap();
    now() - t0
}

#[wasm_bindgen_test]
#[ignore]
async fn bench_drawing() {
    let side = 2048;
    let uri = png_data_uri(&noise(side, side, 3)).unwrap();
    let root = mount().await;
    set(&root, "[name=image_url]", &uri).await;
    key(&root, "[name=image_url]", "Enter", false).await;
    click(&root, "[data-testid=mark]").await;
    let mut waited = 0;
    while q(&root, "[data-testid=region-canvas]").is_none() {
        assert!(waited < 20_000, "the editor opens");
        TimeoutFuture::new(50).await;
        waited += 50;
    }
    tick().await;
    let c = q(&root, "[data-testid=region-canvas]").unwrap();
    let mut out = String::from("\n| drawing on a 2048² image (release, Chromium) | median | largest |\n|---|---|---|\n");
    for (tool, label) in [("brush", "brush stroke, 40 px: one pointer move"), ("rect", "box growing to the whole image: one pointer move")] {
        click(&root, &format!("button[data-tool={tool}]")).await;
        set(&root, "[name=brush_size]", "40").await;
        let c = q(&root, "[data-testid=region-canvas]").unwrap_or(c.clone());
        let down = move_at(&c, "pointerdown", 100.0, 100.0);
        let mut t: Vec<f64> = (1..=120).map(|i| {
            let f = i as f64 / 120.0;
            move_at(&c, "pointermove", 100.0 + f * 1800.0, 100.0 + f * 1700.0 * (0.5 + 0.5 * (f * 9.0).sin()))
        }).collect();
        let up = move_at(&c, "pointerup", 1900.0, 1900.0);
        t.sort_by(|a, b| a.total_cmp(b));
        out.push_str(&format!("| {label} | {:.1} ms | {:.1} ms |\n", t[t.len() / 2], t[t.len() - 1]));
        out.push_str(&format!("| {tool}: pointer down / up (the whole layer drawn again) | {down:.0} ms | {up:.0} ms |\n"));
        tick().await;
    }
    web_sys::console::log_1(&out.into());
    click(&root, "[data-testid=region-cancel]").await;
}

