//! Issue 23: the orbit control of the camera angles model. Synthetic
//! pointer events (mouse and touch) and arrow keys; the control and the
//! fields agree both ways.

use super::*;

/// A pointer event at `(x, y)` on the globe (−1…1, the centre 0, y down).
fn on_globe(root: &HtmlElement, kind: &str, x: f64, y: f64, touch: bool) {
    let o = q(root, "[data-testid=orbit]").expect("the orbit control");
    let r = o.get_bounding_client_rect();
    // The drawing reaches 1.15 past the centre on each side.
    let at = |v: f64, start: f64, size: f64| start + (v / 1.15 + 1.0) / 2.0 * size;
    pointer_event(&o, kind, at(x, r.left(), r.width()), at(y, r.top(), r.height()), touch);
}

fn shown(root: &HtmlElement) -> (String, String, String) {
    (value(root, "input[name=horizontal_angle]"), value(root, "input[name=vertical_angle]"), q(root, "[data-testid=orbit-words]").and_then(|w| w.text_content()).unwrap_or_default())
}

#[wasm_bindgen_test]
async fn the_orbit_control_and_the_fields_agree_by_drag_keys_and_typing() {
    let root = mount().await;
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-2511-multiple-angles").await;
    until(&root, "[data-testid=orbit]", 1_000).await;
    assert_eq!(shown(&root), ("0".into(), "0".into(), "front, eye level, medium".into()));
    assert!(q(&root, ".prompt-box[hidden]").is_some(), "no prompt for this model");

    // A drag with the mouse to the right side, a little above eye level;
    // a finger then to the back, high up.
    on_globe(&root, "pointerdown", 0.0, 0.75, false);
    on_globe(&root, "pointermove", 0.5, 0.5, false);
    on_globe(&root, "pointermove", 0.55, 0.0, false);
    on_globe(&root, "pointerup", 0.55, 0.0, false);
    tick().await;
    let (h, v, words) = shown(&root);
    let (h, v): (i64, i64) = (h.parse().unwrap(), v.parse().unwrap());
    assert!((88..=92).contains(&h) && (21..=27).contains(&v), "right side, from above (24°): {h} {v}");
    assert_eq!(words, "right side, from above, medium");
    on_globe(&root, "pointerdown", 0.0, -0.2, true);
    on_globe(&root, "pointerup", 0.0, -0.2, true);
    tick().await;
    let (h, v, words) = shown(&root);
    assert_eq!((h.as_str(), words.as_str()), ("180", "back, from straight above, medium"));
    assert!((64..=68).contains(&v.parse::<i64>().unwrap()), "66° up: {v}");
    // A move without a press changes nothing.
    on_globe(&root, "pointermove", 0.7, 0.0, false);
    tick().await;
    assert_eq!(shown(&root).0, "180");

    // Keys: 15°, 45° with Shift; around wraps, height stops at its ends.
    set(&root, "input[name=horizontal_angle]", "350").await;
    set(&root, "input[name=vertical_angle]", "0").await;
    key(&root, "[data-testid=orbit]", "ArrowRight", false).await;
    assert_eq!(shown(&root).0, "5", "350 + 15 wraps to 5");
    let o = q(&root, "[data-testid=orbit]").unwrap();
    for _ in 0..3 {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("ArrowUp");
        init.set_shift_key(true);
        init.set_bubbles(true);
        o.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    }
    tick().await;
    assert_eq!(shown(&root).1, "90", "at most straight above");
    // Typed into the fields: the control follows.
    set(&root, "input[name=horizontal_angle]", "270").await;
    set(&root, "input[name=vertical_angle]", "-30").await;
    set(&root, "input[name=zoom]", "9").await;
    assert_eq!(shown(&root).2, "left side, looking up, close");
    assert_eq!((o.get_attribute("data-horizontal").as_deref(), o.get_attribute("data-vertical").as_deref()), (Some("270"), Some("-30")));
    let cam = q(&root, ".orbit-camera").unwrap();
    let cx: f64 = cam.get_attribute("cx").unwrap().parse().unwrap();
    assert_eq!(cx, -1000.0, "the camera on the left rim");
}

#[wasm_bindgen_test]
async fn a_turntable_turns_by_dragging_across_it() {
    let root = mount().await;
    set(&root, "[name=provider]", "demo").await;
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-2511-multiple-angles").await;
    set(&root, "[name=image_url]", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==").await;
    key(&root, "[name=image_url]", "Enter", false).await;
    set(&root, "[name=turntable_views]", "4").await;
    assert!(q(&root, "fieldset.many[hidden]").is_some(), "the turntable makes the jobs, not the variations");
    click(&root, "form#edit-form button[type=submit]").await;
    until(&root, "[data-testid=job-group][data-done=\"4\"]", 15_000).await;
    let viewer = until(&root, "[data-testid=turntable-viewer]", 1_000).await;
    let angle = || viewer.get_attribute("data-angle").unwrap_or_default();
    assert_eq!(angle(), "0");
    let r = viewer.get_bounding_client_rect();
    let (x, y) = (r.left() + 20.0, r.top() + r.height() / 2.0);
    // Two steps of 40 px to the right: two views on; a finger three steps
    // back: round past the first to the last.
    pointer_event(&viewer, "pointerdown", x, y, false);
    pointer_event(&viewer, "pointermove", x + 85.0, y, false);
    pointer_event(&viewer, "pointerup", x + 85.0, y, false);
    tick().await;
    assert_eq!(angle(), "180");
    assert_eq!(document().active_element().as_ref(), Some(&viewer), "the drag focused it: the keys go on from here");
    key(&root, "[data-testid=turntable-viewer]", "ArrowRight", false).await;
    assert_eq!(angle(), "270");
    key(&root, "[data-testid=turntable-viewer]", "ArrowLeft", false).await;
    pointer_event(&viewer, "pointerdown", x + 100.0, y, true);
    pointer_event(&viewer, "pointermove", x + 100.0 - 125.0, y, true);
    pointer_event(&viewer, "pointerup", x + 100.0 - 125.0, y, true);
    tick().await;
    assert_eq!(angle(), "270", "three views back from 180, past 0");
}
