//! Issue 22: pixels between the browser's canvas and the plain-Rust region
//! work, exact through a real PNG encode and decode.

use qwen_studio::i18n::{Lang, Msg, K};
use qwen_studio::pixels::composite::burn;
use qwen_studio::pixels::image::Rgba;
use qwen_studio::pixels::shape::{Shape, Tool};
use qwen_studio::web::pixels::{png_data_uri, read};

use super::*;

fn gradient(w: u32, h: u32) -> Rgba {
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&[(x * 255 / (w - 1)) as u8, (y * 255 / (h - 1)) as u8, ((x * 7 + y * 13) % 256) as u8, 255]);
        }
    }
    Rgba::new(w, h, px).unwrap()
}

#[wasm_bindgen_test]
async fn an_image_comes_back_from_a_png_with_every_byte() {
    let img = gradient(37, 23);
    let uri = png_data_uri(&img).unwrap();
    assert!(uri.starts_with("data:image/png;base64,"), "{}", &uri[..30]);
    assert_eq!(read(&uri).await.unwrap(), img);
}

#[wasm_bindgen_test]
async fn a_rectangle_burned_in_is_at_its_pixels_after_the_png_and_nowhere_else() {
    let img = gradient(40, 30);
    let rect = Shape { tool: Tool::Rect, points: vec![[10.0, 8.0], [30.0, 22.0]], size: 2.0, color: "#00ff00".into(), text: String::new() };
    let marked = read(&png_data_uri(&burn(&img, &[rect])).unwrap()).await.unwrap();
    for y in 0..30 {
        for x in 0..40 {
            // The outline: 1 px on each side of the rectangle's edges.
            let on_x = (9..=10).contains(&x) || (29..=30).contains(&x);
            let on_y = (7..=8).contains(&y) || (21..=22).contains(&y);
            let on = (on_x && (7..=22).contains(&y)) || (on_y && (9..=30).contains(&x));
            let want = if on { [0, 255, 0, 255] } else { img.pixel(x, y) };
            assert_eq!(marked.pixel(x, y), want, "({x}, {y})");
        }
    }
}

#[wasm_bindgen_test]
async fn an_image_that_does_not_load_is_refused_with_its_reason() {
    let err = read("data:image/png;base64,AAAA").await.unwrap_err();
    assert_eq!(err, Msg::new(K::RegionUnloadable));
    assert!(err.render(Lang::En).contains("cannot be marked"), "{}", err.render(Lang::En));
}
