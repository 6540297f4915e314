//! A turntable's results, turning: the group's views in angle order, one
//! at a time; drag across the picture (mouse, pen or finger) or use the
//! arrow keys. A view whose job failed is a gap that says so.

use leptos::prelude::*;
use web_sys::{KeyboardEvent, PointerEvent};

use crate::api::camera::words;
use crate::api::num::parse_f64;
use crate::i18n::{Msg, K};
use crate::jobs::plan::Vary;
use crate::web::lang::i18n;
use crate::web::store::JobEntry;

/// A drag across this many pixels turns one view.
const STEP_PX: i32 = 40;

/// What there is at one angle.
#[derive(Clone, Debug, PartialEq)]
enum Pane {
    Image(String),
    Gap,
    Waiting,
}

/// The views of `entries`: (the angle as sent, its number, what is there),
/// in angle order.
fn views(entries: &[JobEntry]) -> Vec<(String, f64, Pane)> {
    let mut v: Vec<(String, f64, Pane)> = entries
        .iter()
        .filter_map(|e| {
            e.job.with(|j| {
                let (vary, text) = j.group.as_ref()?.label.varied.clone()?;
                let angle = parse_f64(&text).filter(|_| vary == Vary::Angle)?;
                let pane = match (j.output.as_ref().and_then(|o| o.images.first()), j.phase) {
                    (Some(img), _) => Pane::Image(img.url.clone()),
                    (None, p) if p.is_active() => Pane::Waiting,
                    _ => Pane::Gap,
                };
                Some((text, angle, pane))
            })
        })
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

/// Whether a group is a turntable (its jobs vary the camera's angle).
pub fn is_turntable(entries: &[JobEntry]) -> bool {
    entries.first().is_some_and(|e| e.job.with(|j| j.group.as_ref().and_then(|m| m.label.varied.as_ref()).is_some_and(|(v, _)| *v == Vary::Angle)))
}

#[component]
pub fn TurntableViewer(entries: Memo<Vec<JobEntry>>) -> impl IntoView {
    let i = i18n();
    let list = Memo::new(move |_| entries.with(|e| views(e)));
    let at = RwSignal::new(0usize);
    let n = move || list.with(Vec::len).max(1);
    let turn = move |by: i32| at.update(|a| *a = (*a as i32 + by).rem_euclid(n() as i32) as usize);
    let shown = move || list.with(|l| l.get(at.get().min(l.len().saturating_sub(1))).cloned());
    // A drag: where it started and the view then.
    let drag = StoredValue::new(None::<(i32, usize)>);
    let down = move |ev: PointerEvent| {
        ev.prevent_default();
        if let Some(el) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok()) {
            let _ = el.set_pointer_capture(ev.pointer_id());
            // The keys go on from where the hand left it.
            let _ = el.focus();
        }
        drag.set_value(Some((ev.client_x(), at.get_untracked())));
    };
    let moved = move |ev: PointerEvent| {
        if let Some((x0, from)) = drag.get_value() {
            let steps = (ev.client_x() - x0) / STEP_PX;
            at.set((from as i32 + steps).rem_euclid(n() as i32) as usize);
        }
    };
    let up = move |_: PointerEvent| drag.set_value(None);
    let key = move |ev: KeyboardEvent| {
        let by = match ev.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => -1,
            _ => return,
        };
        ev.prevent_default();
        turn(by);
    };
    let caption = move |text: &str, angle: f64| {
        let [side, _, _] = words(angle, 0.0, 5.0);
        i.render(&Msg::new(K::TurntableAt).arg("angle", text).arg_msg("side", side))
    };
    view! {
        <figure class="turntable" data-testid="turntable-viewer" tabindex="0" aria-label=move || i.text(K::TurntableViewer)
            data-angle=move || shown().map(|s| s.0).unwrap_or_default()
            on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=up on:keydown=key>
            {move || shown().map(|(text, angle, pane)| {
                let what = match pane {
                    Pane::Image(url) => view! { <img src=url alt=caption(&text, angle) draggable="false"/> }.into_any(),
                    Pane::Gap => view! { <p class="turntable-gap" data-testid="turntable-gap">{i.msg(Msg::new(K::TurntableGap).arg("angle", &text))}</p> }.into_any(),
                    Pane::Waiting => view! { <p class="hint">{i.msg(Msg::new(K::TurntableWaiting).arg("angle", &text))}</p> }.into_any(),
                };
                view! { {what} <figcaption>{caption(&text, angle)}</figcaption> }
            })}
        </figure>
    }
}
