use leptos::ev;
use leptos::leptos_dom::helpers::window_event_listener;
use leptos::prelude::*;
use web_sys::{PointerEvent, WheelEvent};

use crate::api::output::is_safe_image_url;
use crate::components::diff_view::DiffView;
use crate::i18n::K;
use crate::web::lang::t;

/// A result shown large: zoom (wheel or buttons) and pan (drag), arrows
/// between a job's images, Escape to close, and a before/after slider.
#[component]
pub fn Lightbox() -> impl IntoView {
    let g = crate::app::state().gallery;
    // A result whose URL no longer loads shows its copy.
    let copy = crate::app::state().jobs.fall_back();
    // Whole numbers throughout (zoom in percent, pan in px, split in %):
    // formatting floats would pull float printing into the bundle.
    let zoom = RwSignal::new(100u32);
    let pan = RwSignal::new((0i32, 0i32));
    let drag = StoredValue::new(None::<(i32, i32)>);
    let side = RwSignal::new(false);
    let split = RwSignal::new(50u32);
    let reset = move || {
        zoom.set(100);
        pan.set((0, 0));
    };
    let step = move |d: isize| {
        g.0.update(|s| {
            if let Some(s) = s {
                let n = s.images.len() as isize;
                s.index = ((s.index as isize + d).rem_euclid(n.max(1))) as usize;
            }
        });
        reset();
    };
    let close = move || {
        g.0.set(None);
        side.set(false);
        reset();
    };
    // Before/after from the difference goes to the slider; else it turns
    // the comparison on or off.
    let toggle = move || g.0.update(|s| {
        if let Some(s) = s {
            if s.diff {
                s.diff = false;
            } else {
                s.compare = !s.compare;
            }
        }
    });
    let keys = window_event_listener(ev::keydown, move |e| {
        if g.0.with_untracked(Option::is_none) {
            return;
        }
        match e.key().as_str() {
            "Escape" => close(),
            "ArrowRight" => step(1),
            "ArrowLeft" => step(-1),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());
    let zoom_by = move |f: f64| zoom.update(|z| *z = ((*z as f64 * f).round() as u32).clamp(100, 800));
    move || {
        g.0.get().map(|s| {
            let img = s.images.get(s.index).cloned();
            let count = s.images.len();
            let url = img.as_ref().map(|i| i.url.clone()).filter(|u| is_safe_image_url(u)).unwrap_or_default();
            let input = s.input.clone().filter(|u| is_safe_image_url(u));
            view! {
                <div class="lightbox" data-testid="lightbox" role="dialog" aria-modal="true" aria-label=t(K::LightboxLabel)>
                    <div class="lightbox-bar">
                        <span>{format!("{} / {count}", s.index + 1)}</span>
                        <button type="button" class="ghost small" aria-label=t(K::PreviousImage) on:click=move |_| step(-1)>"←"</button>
                        <button type="button" class="ghost small" aria-label=t(K::NextImage) on:click=move |_| step(1)>"→"</button>
                        <button type="button" class="ghost small" aria-label=t(K::ZoomOut) on:click=move |_| zoom_by(0.8)>"−"</button>
                        <button type="button" class="ghost small" aria-label=t(K::ZoomIn) on:click=move |_| zoom_by(1.25)>"+"</button>
                        {input.is_some().then(|| view! {
                            <button type="button" class="ghost small" data-testid="toggle-compare" aria-pressed=(s.compare && !s.diff).to_string()
                                on:click=move |_| toggle()>{t(K::BeforeAfter)}</button>
                        })}
                        {(input.is_some() && s.compare && !s.diff).then(|| view! {
                            <button type="button" class="ghost small" data-testid="compare-side" aria-pressed=move || side.get().to_string()
                                on:click=move |_| side.update(|x| *x = !*x)>{t(K::SideBySide)}</button>
                        })}
                        {(input.is_some() && s.compare).then(|| view! {
                            <button type="button" class="ghost small" data-testid="compare-diff" aria-pressed=s.diff.to_string()
                                on:click=move |_| g.0.update(|s| if let Some(s) = s { s.diff = !s.diff })>{t(K::Difference)}</button>
                        })}
                        <span class="spacer"></span>
                        <button type="button" class="ghost small" data-testid="close-lightbox" aria-label=t(K::CloseEscape) on:click=move |_| close()>"✕"</button>
                    </div>
                    {move || match (s.compare, input.clone()) {
                        (true, Some(before)) if s.diff => view! { <DiffView input=before result=url.clone()/> }.into_any(),
                        (true, Some(before)) if side.get() => view! {
                            <div class="compare-side" data-testid="compare-side-by-side">
                                <img src=before.clone() data-url=before alt=t(K::InputAlt) on:error=copy/>
                                <img src=url.clone() data-url=url.clone() alt=t(K::ResultAltPlain) on:error=copy/>
                            </div>
                        }.into_any(),
                        (true, Some(before)) => view! {
                            <div class="compare" data-testid="compare">
                                <img src=before.clone() data-url=before alt=t(K::InputAlt) on:error=copy/>
                                <img src=url.clone() data-url=url.clone() alt=t(K::ResultAltPlain) on:error=copy style:clip-path=move || format!("inset(0 0 0 {}%)", split.get())/>
                                <input type="range" min="0" max="100" aria-label=t(K::BeforeAfterSlider)
                                    prop:value=move || split.get().to_string()
                                    on:input=move |ev| split.set(event_target_value(&ev).parse::<u32>().unwrap_or(50).min(100))/>
                            </div>
                        }.into_any(),
                        _ => view! {
                            <div
                                class="lightbox-stage"
                                on:wheel=move |e: WheelEvent| {
                                    e.prevent_default();
                                    zoom_by(if e.delta_y() < 0.0 { 1.15 } else { 1.0 / 1.15 });
                                }
                                on:pointerdown=move |e: PointerEvent| drag.set_value(Some((e.client_x(), e.client_y())))
                                on:pointermove=move |e: PointerEvent| {
                                    if let Some((x, y)) = drag.get_value() {
                                        let (nx, ny) = (e.client_x(), e.client_y());
                                        pan.update(|p| *p = (p.0 + nx - x, p.1 + ny - y));
                                        drag.set_value(Some((nx, ny)));
                                    }
                                }
                                on:pointerup=move |_| drag.set_value(None)
                                on:pointerleave=move |_| drag.set_value(None)
                            >
                                <img
                                    src=url.clone()
                                    data-url=url.clone()
                                    on:error=copy
                                    alt=t(K::LightboxLabel)
                                    draggable="false"
                                    // Through the CSSOM, not a style attribute: the CSP allows no inline styles.
                                    style:transform=move || {
                                        let (x, y) = pan.get();
                                        let z = zoom.get();
                                        format!("translate({x}px, {y}px) scale({}.{:02})", z / 100, z % 100)
                                    }
                                />
                            </div>
                        }.into_any(),
                    }}
                </div>
            }
        })
    }
}
