//! The orbit control of the camera angles model: a globe seen from above
//! (`api::camera`), the subject at its centre. Drag the camera (mouse, pen
//! or finger) or use the arrow keys (15°, Shift 45°); it reads and writes
//! the form's `horizontal_angle` and `vertical_angle`, so it and the fields
//! always agree. Its words say the view.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{KeyboardEvent, PointerEvent};

use crate::api::camera::{angles_at, key_move, position, words};
use crate::api::input::num_text;
use crate::api::num::parse_f64;
use crate::i18n::{Msg, K};
use crate::web::lang::{i18n, t};

/// How far the drawing reaches past the globe (its viewBox half-side).
const EDGE: f64 = 1.15;

/// What does not move, as one piece of markup: the globe, eye level
/// (three quarters out), the axes and the subject facing the front (down).
const GLOBE: &str = r#"<circle class="orbit-globe" r="1000"/><circle class="orbit-eye" r="750"/><path class="orbit-axis" d="M0-1000V1000M-1000 0H1000"/><rect class="orbit-subject" x="-120" y="-120" width="240" height="240" rx="40"/>"#;

/// A length on the globe in the drawing's units (the globe's radius is
/// 1000): whole numbers, so no float is formatted (Rust's float printing
/// would add 5 KB to the wasm).
fn units(x: f64) -> String {
    ((x * 1000.0).round() as i64).to_string()
}

#[component]
pub fn Orbit() -> impl IntoView {
    let d = crate::app::state().form.draft;
    let i = i18n();
    let read = move |name: &str, default: f64| d.with(|d| d.value(name).as_str().and_then(parse_f64).unwrap_or(default));
    let view = Memo::new(move |_| (read("horizontal_angle", 0.0), read("vertical_angle", 0.0), read("zoom", 5.0)));
    // Whole degrees, as the fields hold them.
    let set = move |(h, v): (i64, i64)| {
        d.update(|d| {
            d.set_value("horizontal_angle", h.to_string().into());
            d.set_value("vertical_angle", v.to_string().into());
        })
    };
    let dragging = StoredValue::new(false);
    let follow = move |ev: &PointerEvent| {
        let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let r = el.get_bounding_client_rect();
        if r.width() > 0.0 && r.height() > 0.0 {
            let x = ((ev.client_x() as f64 - r.left()) / r.width() * 2.0 - 1.0) * EDGE;
            let y = ((ev.client_y() as f64 - r.top()) / r.height() * 2.0 - 1.0) * EDGE;
            set(angles_at(x, y));
        }
    };
    let down = move |ev: PointerEvent| {
        if ev.pointer_type() == "mouse" && ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = el.set_pointer_capture(ev.pointer_id());
            // The focus follows the hand, so the keys go on from here.
            // (`focus` is the same method on an SVG element.)
            let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
        dragging.set_value(true);
        follow(&ev);
    };
    let moved = move |ev: PointerEvent| {
        if dragging.get_value() {
            follow(&ev);
        }
    };
    let up = move |_: PointerEvent| dragging.set_value(false);
    let key = move |ev: KeyboardEvent| {
        let (h, v, _) = view.get_untracked();
        if let Some((h, v)) = key_move(&ev.key(), ev.shift_key(), h, v) {
            ev.prevent_default();
            set((h.round() as i64, v.round() as i64));
        }
    };
    let said = move || {
        let (h, v, z) = view.get();
        let [side, height, distance] = words(h, v, z);
        i.render(&Msg::new(K::ViewWords).arg_msg("side", side).arg_msg("height", height).arg_msg("distance", distance))
    };
    let dot = move || position(view.get().0, view.get().1);
    let box_ = format!("{} {} {} {}", units(-EDGE), units(-EDGE), units(2.0 * EDGE), units(2.0 * EDGE));
    view! {
        <div class="orbit-row">
            <svg class="orbit" data-testid="orbit" viewBox=box_ tabindex="0" role="group" aria-label=t(K::OrbitLabel) aria-describedby="orbit-words"
                data-horizontal=move || num_text(view.get().0) data-vertical=move || num_text(view.get().1)
                on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=up on:keydown=key>
                <g inner_html=GLOBE></g>
                <line class="orbit-ray" x1="0" y1="0" x2=move || units(dot().0) y2=move || units(dot().1)></line>
                <circle class="orbit-camera" r="110" cx=move || units(dot().0) cy=move || units(dot().1)></circle>
            </svg>
            <p class="orbit-words" id="orbit-words" data-testid="orbit-words" role="status">{said}</p>
        </div>
    }
}
