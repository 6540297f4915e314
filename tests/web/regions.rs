//! Issue 22: the region editor. Synthetic pointer events (mouse and touch)
//! land in the image's own pixels; undo and redo by button and keys; marks
//! burned into what is sent; a mask sent to the inpaint model; an image the
//! page may not read refused.

use qwen_studio::pixels::image::Rgba;
use qwen_studio::web::pixels::{png_data_uri, read};

use super::*;

const W: u32 = 100;
const H: u32 = 80;

/// A grey image with a faint gradient (so no mark colour is in it).
fn picture() -> Rgba {
    let mut px = Vec::new();
    for y in 0..H {
        for x in 0..W {
            px.extend_from_slice(&[100 + (x / 4) as u8, 100 + (y / 4) as u8, 120, 255]);
        }
    }
    Rgba::new(W, H, px).unwrap()
}

/// A page with a prompt and `url` as its one image, and the editor open
/// on it.
async fn editor_on(url: &str) -> HtmlElement {
    let root = mount().await;
    set(&root, "[name=prompt]", "make the boxed thing blue").await;
    set(&root, "[name=image_url]", url).await;
    key(&root, "[name=image_url]", "Enter", false).await;
    click(&root, "[data-testid=mark]").await;
    until(&root, "[data-testid=region-editor]", 1_000).await;
    root
}

/// A pointer event at the image pixel `(x, y)` of the drawing surface.
fn pointer(root: &HtmlElement, kind: &str, x: f64, y: f64, touch: bool) {
    let c = q(root, "[data-testid=region-canvas]").expect("the drawing surface");
    let r = c.get_bounding_client_rect();
    let w: f64 = c.get_attribute("data-width").unwrap().parse().unwrap();
    let h: f64 = c.get_attribute("data-height").unwrap().parse().unwrap();
    pointer_event(&c, kind, (r.left() + x * r.width() / w).trunc(), (r.top() + y * r.height() / h).trunc(), touch);
}

/// A drag from `a` through `via` to `b`, in image pixels.
async fn drag(root: &HtmlElement, a: (f64, f64), via: &[(f64, f64)], b: (f64, f64), touch: bool) {
    pointer(root, "pointerdown", a.0, a.1, touch);
    for p in via.iter().chain([&b]) {
        pointer(root, "pointermove", p.0, p.1, touch);
    }
    pointer(root, "pointerup", b.0, b.1, touch);
    tick().await;
}

/// The alpha of the marks canvas at an image pixel.
fn mark_alpha(root: &HtmlElement, x: u32, y: u32) -> u8 {
    let c: web_sys::HtmlCanvasElement = q(root, "[data-testid=region-canvas]").unwrap().unchecked_into();
    let ctx = qwen_studio::web::pixels::context(&c).unwrap();
    ctx.get_image_data(x as f64, y as f64, 1.0, 1.0).unwrap().data().0[3]
}

/// The request the form would send, once what the regions send is made.
async fn request_with(root: &HtmlElement, needle: &str) -> serde_json::Value {
    for _ in 0..100 {
        let json = q(root, "[data-testid=request-json]").and_then(|e| e.text_content()).unwrap_or_default();
        if json.contains(needle) {
            return serde_json::from_str(&json).expect("the request body is JSON");
        }
        TimeoutFuture::new(50).await;
    }
    panic!("the request holds {needle}");
}

fn window_key(key: &str, ctrl: bool, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn a_box_drawn_with_the_mouse_is_sent_burned_into_the_image_at_its_pixels() {
    let original = picture();
    let uri = png_data_uri(&original).unwrap();
    let root = editor_on(&uri).await;
    let c = until(&root, "[data-testid=region-canvas]", 3_000).await;
    assert_eq!((c.get_attribute("data-width").as_deref(), c.get_attribute("data-height").as_deref()), (Some("100"), Some("80")), "the surface is the image's pixel size");
    click(&root, "button[data-tool=rect]").await;
    assert_eq!(q(&root, "button[data-tool=rect]").unwrap().get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(q(&root, "button[data-tool=brush]").unwrap().get_attribute("aria-pressed").as_deref(), Some("false"));
    // 4 px wide: its middle row is covered whole wherever the pointer's
    // whole CSS pixels put the line.
    set(&root, "[name=brush_size]", "4").await;
    set(&root, "[name=mark_color]", "#00ff00").await;
    drag(&root, (20.0, 16.0), &[(40.0, 30.0)], (60.0, 48.0), false).await;
    // On screen: the outline, not the inside.
    assert_eq!((mark_alpha(&root, 40, 16), mark_alpha(&root, 40, 30)), (255, 0));
    click(&root, "[data-testid=region-done]").await;
    assert!(q(&root, "[data-testid=region-editor]").is_none(), "Done closes the editor");
    let badge = until(&root, "[data-testid=has-region]", 1_000).await;
    assert_eq!((badge.get_attribute("data-use").as_deref(), badge.get_attribute("data-shapes").as_deref()), (Some("marks"), Some("1")));
    assert_eq!(image_urls(&root), std::slice::from_ref(&uri), "the form keeps the original");
    let body = request_with(&root, "data:image/png").await;
    let sent = body["image_urls"][0].as_str().unwrap().to_string();
    assert_ne!(sent, uri, "the marked image is sent, the form keeps the original");
    let marked = read(&sent).await.unwrap();
    assert_eq!((marked.w, marked.h), (W, H));
    for y in 0..H {
        for x in 0..W {
            let near_edge = ((16..=24).contains(&x) || (56..=64).contains(&x)) && (12..=52).contains(&y)
                || ((12..=20).contains(&y) || (44..=52).contains(&y)) && (16..=64).contains(&x);
            if !near_edge {
                assert_eq!(marked.pixel(x, y), original.pixel(x, y), "({x}, {y}) is untouched");
            }
        }
    }
    for (x, y) in [(40, 16), (40, 48), (20, 32), (60, 32)] {
        assert_eq!(marked.pixel(x, y), [0, 255, 0, 255], "the outline at ({x}, {y})");
    }
    // Opened again, the marks are there to edit.
    click(&root, "[data-testid=mark]").await;
    until(&root, "[data-testid=region-canvas]", 3_000).await;
    tick().await;
    assert_eq!(mark_alpha(&root, 40, 16), 255);
    click(&root, "[data-testid=region-cancel]").await;
}

#[wasm_bindgen_test]
async fn touch_strokes_land_where_the_finger_went_and_undo_and_redo_by_button_and_keys() {
    let uri = png_data_uri(&picture()).unwrap();
    let root = editor_on(&uri).await;
    until(&root, "[data-testid=region-canvas]", 3_000).await;
    set(&root, "[name=brush_size]", "4").await;
    drag(&root, (10.0, 10.0), &[(30.0, 10.0), (50.0, 10.0)], (70.0, 10.0), true).await;
    drag(&root, (10.0, 60.0), &[(40.0, 60.0)], (70.0, 60.0), true).await;
    assert_eq!((mark_alpha(&root, 45, 10), mark_alpha(&root, 45, 60), mark_alpha(&root, 45, 35)), (255, 255, 0));
    click(&root, "[data-testid=undo]").await;
    assert_eq!((mark_alpha(&root, 45, 10), mark_alpha(&root, 45, 60)), (255, 0), "the second stroke undone");
    window_key("z", true, false);
    tick().await;
    assert_eq!(mark_alpha(&root, 45, 10), 0, "Ctrl+Z undoes the first");
    let undo: web_sys::HtmlButtonElement = q(&root, "[data-testid=undo]").unwrap().unchecked_into();
    assert!(undo.disabled(), "nothing left to undo");
    window_key("Z", true, true);
    tick().await;
    assert_eq!((mark_alpha(&root, 45, 10), mark_alpha(&root, 45, 60)), (255, 0), "Ctrl+Shift+Z redoes the first");
    click(&root, "[data-testid=redo]").await;
    assert_eq!(mark_alpha(&root, 45, 60), 255);
    click(&root, "[data-testid=clear-marks]").await;
    assert_eq!((mark_alpha(&root, 45, 10), mark_alpha(&root, 45, 60)), (0, 0));
    click(&root, "[data-testid=undo]").await;
    assert_eq!((mark_alpha(&root, 45, 10), mark_alpha(&root, 45, 60)), (255, 255), "a clear is undone too");
    // The text tool asks for its words first.
    click(&root, "button[data-tool=text]").await;
    pointer(&root, "pointerdown", 20.0, 30.0, true);
    tick().await;
    assert!(q(&root, "[data-testid=region-editor] .warn").is_some_and(|e| e.text_content().unwrap_or_default().contains("words")));
    // Escape leaves the form as it was.
    window_key("Escape", false, false);
    tick().await;
    assert!(q(&root, "[data-testid=region-editor]").is_none() && q(&root, "[data-testid=has-region]").is_none());
    assert_eq!(all(&root, "[data-testid=input-image]").len(), 1);
}

#[wasm_bindgen_test]
async fn a_mask_offers_the_inpaint_model_and_is_sent_as_mask_url_white_where_painted() {
    let uri = png_data_uri(&picture()).unwrap();
    let root = editor_on(&uri).await;
    until(&root, "[data-testid=region-canvas]", 3_000).await;
    set(&root, "[data-testid=region-editor] [name=region_use]", "mask").await;
    until(&root, "[data-testid=mask-other-model]", 500).await;
    click(&root, "[data-testid=mask-switch]").await;
    assert_eq!(value(&root, "[name=model]"), "fal-ai/qwen-image-edit/inpaint");
    assert!(q(&root, "[data-testid=mask-other-model]").is_none(), "the inpaint model takes the mask");
    click(&root, "button[data-tool=rect]").await;
    drag(&root, (10.0, 20.0), &[], (50.0, 60.0), false).await;
    // The area shows as a tint inside the box.
    assert!(mark_alpha(&root, 30, 40) > 0 && mark_alpha(&root, 80, 10) == 0);
    click(&root, "[data-testid=region-done]").await;
    assert_eq!(until(&root, "[data-testid=has-region]", 500).await.get_attribute("data-use").as_deref(), Some("mask"));
    assert_eq!(value(&root, "[name=strength]"), "0.93");
    let body = request_with(&root, "mask_url").await;
    assert_eq!(body["image_url"].as_str(), Some(uri.as_str()), "the image goes as it is");
    assert!(body.get("image_urls").is_none());
    let mask = read(body["mask_url"].as_str().unwrap()).await.unwrap();
    assert_eq!((mask.w, mask.h), (W, H));
    for y in 0..H {
        for x in 0..W {
            let want = if (10..50).contains(&x) && (20..60).contains(&y) { 255 } else { 0 };
            // ±1 px at the edges (the pointer lands on whole CSS pixels).
            let edge = [9, 10, 11, 49, 50, 51].contains(&x) || [19, 20, 21, 59, 60, 61].contains(&y);
            if !edge {
                assert_eq!(mask.pixel(x, y), [want, want, want, 255], "({x}, {y})");
            }
        }
    }
}

#[wasm_bindgen_test]
async fn an_image_the_page_cannot_read_is_refused_and_nothing_changes() {
    let root = editor_on("http://127.0.0.1:9/gone.png").await;
    let refused = until(&root, "[data-testid=region-refused]", 5_000).await;
    assert!(refused.text_content().unwrap_or_default().contains("could not be loaded"), "{:?}", refused.text_content());
    let done: web_sys::HtmlButtonElement = q(&root, "[data-testid=region-done]").unwrap().unchecked_into();
    assert!(done.disabled());
    assert!(q(&root, "[data-testid=region-canvas]").is_none());
    click(&root, "[data-testid=region-cancel]").await;
    assert_eq!(image_urls(&root), ["http://127.0.0.1:9/gone.png"]);
    assert!(q(&root, "[data-testid=has-region]").is_none());
}

#[wasm_bindgen_test]
async fn a_kept_result_is_its_input_outside_the_area_and_its_feather_and_the_result_inside() {
    // The demo provider recolours its input: every pixel of the result
    // differs from the input.
    let original = picture();
    let uri = png_data_uri(&original).unwrap();
    let root = mount().await;
    set(&root, "[name=provider]", "demo").await;
    set(&root, "[name=feather_px]", "3").await;
    set(&root, "[name=prompt]", "recolour the box").await;
    set(&root, "[name=image_url]", &uri).await;
    key(&root, "[name=image_url]", "Enter", false).await;
    click(&root, "[data-testid=mark]").await;
    until(&root, "[data-testid=region-canvas]", 3_000).await;
    set(&root, "[data-testid=region-editor] [name=region_use]", "keep").await;
    click(&root, "button[data-tool=rect]").await;
    drag(&root, (30.0, 20.0), &[], (70.0, 60.0), false).await;
    click(&root, "[data-testid=region-done]").await;
    assert_eq!(until(&root, "[data-testid=has-region]", 500).await.get_attribute("data-use").as_deref(), Some("keep"));
    let body = request_with(&root, "image_urls").await;
    assert_eq!(body["image_urls"][0].as_str(), Some(uri.as_str()), "keeping the rest sends the image as it is");
    click(&root, "form#edit-form button[type=submit]").await;
    let kept = until(&root, "[data-testid=job][data-status=completed] [data-testid=kept-image]", 15_000).await;
    let result_url = kept.get_attribute("data-url").unwrap();
    assert_eq!(q(&root, "[data-testid=result-image]").and_then(|r| r.get_attribute("data-url")), Some(result_url.clone()), "beside the result it came from");
    assert!(q(&root, "[data-testid=resized-note]").is_none(), "the demo's result is the input's size");
    let kept = read(&kept.get_attribute("src").unwrap()).await.unwrap();
    let result = read(&result_url).await.unwrap();
    assert_eq!((kept.w, kept.h), (W, H));
    let (mut inside, mut outside) = (0, 0);
    for y in 0..H {
        for x in 0..W {
            // The box (±1 px where the pointer landed) and 3 px of feather.
            let far = !(26..=74).contains(&x) || !(16..=64).contains(&y);
            let deep = (35..65).contains(&x) && (25..55).contains(&y);
            if far {
                assert_eq!(kept.pixel(x, y), original.pixel(x, y), "({x}, {y}) is the input's");
                outside += 1;
            }
            if deep {
                assert_eq!(kept.pixel(x, y), result.pixel(x, y), "({x}, {y}) is the result's");
                inside += 1;
            }
        }
    }
    assert!(inside > 0 && outside > 0 && kept.pixel(50, 40) != original.pixel(50, 40), "the result differs from the input inside");
}

#[wasm_bindgen_test]
async fn an_image_turned_and_cropped_is_sent_so_with_its_marks_following() {
    use qwen_studio::pixels::image::Rect;
    let original = picture();
    let uri = png_data_uri(&original).unwrap();
    let root = editor_on(&uri).await;
    until(&root, "[data-testid=region-canvas]", 3_000).await;
    click(&root, "button[data-tool=rect]").await;
    set(&root, "[name=brush_size]", "4").await;
    set(&root, "[name=mark_color]", "#00ff00").await;
    drag(&root, (20.0, 16.0), &[], (60.0, 48.0), false).await;
    click(&root, "[data-testid=rotate]").await;
    let c = until(&root, "[data-testid=region-canvas]", 1_000).await;
    assert_eq!((c.get_attribute("data-width").as_deref(), c.get_attribute("data-height").as_deref()), (Some("80"), Some("100")), "turned");
    tick().await;
    // The box turned with it: (x, y) went to (80 - y, x).
    assert_eq!((mark_alpha(&root, 48, 20), mark_alpha(&root, 48, 40)), (255, 0));
    set(&root, "[name=crop_aspect]", "1:1").await;
    let c = until(&root, "[data-testid=region-canvas]", 1_000).await;
    assert_eq!((c.get_attribute("data-width").as_deref(), c.get_attribute("data-height").as_deref()), (Some("80"), Some("80")), "cropped square, centred");
    click(&root, "[data-testid=region-done]").await;
    let body = request_with(&root, "image_urls").await;
    let sent = body["image_urls"][0].as_str().unwrap().to_string();
    let marked = read(&sent).await.unwrap();
    let turned = original.rotated_cw().cropped(Rect { x: 0, y: 10, w: 80, h: 80 }).unwrap();
    assert_eq!((marked.w, marked.h), (80, 80));
    assert_eq!(marked.pixel(5, 5), turned.pixel(5, 5), "away from the box, the turned picture");
    assert_eq!(marked.pixel(70, 70), turned.pixel(70, 70));
    for (x, y) in [(48, 10), (48, 50), (32, 30), (64, 30)] {
        assert_eq!(marked.pixel(x, y), [0, 255, 0, 255], "the box's edge at ({x}, {y})");
    }
    // The form holds the turned image in the first one's place.
    let thumbs = image_urls(&root);
    assert_eq!(thumbs.len(), 1);
    assert_ne!(thumbs[0], uri);
    assert_eq!(read(&thumbs[0]).await.unwrap(), turned, "the form's image is the turned and cropped picture, without marks");
}

#[wasm_bindgen_test]
async fn a_crop_drawn_by_hand_keeps_the_box_and_cancel_keeps_the_original() {
    let uri = png_data_uri(&picture()).unwrap();
    let root = editor_on(&uri).await;
    until(&root, "[data-testid=region-canvas]", 3_000).await;
    click(&root, "button[data-tool=crop]").await;
    assert_eq!(q(&root, "button[data-tool=crop]").unwrap().get_attribute("aria-pressed").as_deref(), Some("true"));
    drag(&root, (10.0, 10.0), &[(30.0, 30.0)], (60.0, 50.0), true).await;
    let c = until(&root, "[data-testid=region-canvas]", 1_000).await;
    let size = (c.get_attribute("data-width").unwrap().parse::<i32>().unwrap(), c.get_attribute("data-height").unwrap().parse::<i32>().unwrap());
    assert!((size.0 - 50).abs() <= 1 && (size.1 - 40).abs() <= 1, "the box drawn: {size:?}");
    assert_eq!(q(&root, "button[data-tool=crop]").unwrap().get_attribute("aria-pressed").as_deref(), Some("false"), "one crop, then drawing again");
    click(&root, "[data-testid=region-cancel]").await;
    assert_eq!(image_urls(&root), std::slice::from_ref(&uri), "cancel leaves the image as it was");
}
