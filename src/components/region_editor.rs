//! The region editor over one input image: brush, box, arrow, text and
//! eraser, drawn with a finger, pen or mouse (pointer events); undo and
//! redo; what the marks are for. The marks are kept in the image's own
//! pixels (`crate::pixels`); this view only moves pixels between those
//! functions and its canvases. "Done" hands the region to the form, which
//! makes what it sends.

use leptos::ev;
use leptos::leptos_dom::helpers::window_event_listener;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, PointerEvent};

use crate::api::model::INPAINT;
use crate::components::controls::{Bind, NumberInput, Options, Select, TextInput};
use crate::i18n::{Msg, K};
use crate::pixels::composite::marks_layer;
use crate::pixels::image::{CropAspect, Rect, Rgba};
use crate::components::region_draw::{Drag, AREA_ALPHA, AREA_TINT, TOOLS};
use crate::pixels::paint::area_layer;
use crate::pixels::region::{Region, RegionUse};
use crate::pixels::shape::{Shape, Tool, MAX_POINTS, MAX_SIZE};
use crate::web::lang::{i18n, t};
use crate::web::pixels::{context, draw_labels, put_all, read};

/// The editor of the image the form is editing, over the page (outside
/// the form: Enter in its fields submits nothing).
#[component]
pub fn RegionEditorHost() -> impl IntoView {
    let form = crate::app::state().form;
    move || form.editing.get().map(|(url, n)| view! { <RegionEditor url n close=Callback::new(move |_| form.editing.set(None))/> })
}

/// A button of the editor: one view for all of them (the bundle pays for
/// one).
#[component]
fn Btn(
    label: K,
    on: Callback<()>,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] tool: Option<&'static str>,
    #[prop(optional)] title: Option<K>,
    #[prop(into, optional)] pressed: Option<Signal<bool>>,
    #[prop(into, optional)] disabled: Option<Signal<bool>>,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button type="button" class=class.unwrap_or("ghost small") data-testid=testid data-tool=tool title=title.map(t)
            aria-pressed=move || pressed.map(|p| p.get().to_string())
            prop:disabled=move || disabled.is_some_and(|d| d.get())
            on:click=move |_| on.run(())>{t(label)}</button>
    }
}

/// The editor for the image at `url` (the form's `n`th). `close` ends it.
#[component]
pub fn RegionEditor(url: String, n: usize, close: Callback<()>) -> impl IntoView {
    let form = crate::app::state().form;
    let i = i18n();
    let start = form.region_of(&url).unwrap_or_default();
    let region = RwSignal::new(start);
    let loaded = RwSignal::new(None::<Result<(u32, u32), Msg>>);
    let base: StoredValue<Option<Rgba>> = StoredValue::new(None);
    let committed: StoredValue<Option<Rgba>> = StoredValue::new(None);
    let working: StoredValue<Option<Rgba>> = StoredValue::new(None);
    let drag: StoredValue<Option<Drag>, LocalStorage> = StoredValue::new_local(None);
    let tool = RwSignal::new(Tool::Brush);
    // The crop tool: a box drawn is the part kept (of `aspect`'s shape).
    let cropping = RwSignal::new(false);
    let aspect = RwSignal::new("free".to_string());
    // Turned or cropped: the form's image is replaced at Done.
    let transformed = RwSignal::new(false);
    let size = RwSignal::new(String::new());
    let color = RwSignal::new("#ff2d55".to_string());
    let words = RwSignal::new(String::new());
    let hint = RwSignal::new(None::<K>);
    let picture = NodeRef::<leptos::html::Canvas>::new();
    let marks = NodeRef::<leptos::html::Canvas>::new();
    let labels = NodeRef::<leptos::html::Canvas>::new();

    // The image's pixels, once; the task ends with the editor.
    {
        let url = url.clone();
        crate::web::spawn_scoped(async move {
            match read(&url).await {
                Ok(img) => {
                    // A stroke about 1/100 of the image's longer side.
                    size.set(((img.w.max(img.h) as f32 / 100.0).round().max(2.0) as u32).to_string());
                    loaded.set(Some(Ok((img.w, img.h))));
                    base.set_value(Some(img));
                }
                Err(m) => loaded.set(Some(Err(m))),
            }
        });
    }
    // The picture, when its canvas is there.
    Effect::new(move |_| {
        if let (Some(c), Some(Ok(_))) = (picture.get(), loaded.get()) {
            if let Some(ctx) = context(&c) {
                base.with_value(|b| b.as_ref().map(|b| put_all(&ctx, b)));
            }
        }
    });
    // The marks (or the area) and the labels, whenever the region changes.
    Effect::new(move |_| {
        let (Some(c), Some(lc), Some(Ok((w, h)))) = (marks.get(), labels.get(), loaded.get()) else { return };
        let layer = region.with(|r| match r.use_ {
            RegionUse::Marks => marks_layer(w, h, &r.shapes),
            _ => area_layer(w, h, &r.shapes, AREA_TINT, AREA_ALPHA),
        });
        if let Some(ctx) = context(&c) {
            put_all(&ctx, &layer);
        }
        if let Some(ctx) = context(&lc) {
            ctx.clear_rect(0.0, 0.0, w as f64, h as f64);
            region.with(|r| if r.use_ == RegionUse::Marks { draw_labels(&ctx, &r.shapes) });
        }
        committed.set_value(Some(layer));
    });

    // Turning and cropping change the image itself; the marks follow.
    let reshape = move |f: &dyn Fn(&Rgba) -> Option<(Rgba, Region)>| {
        let Some((img, r)) = base.with_value(|b| b.as_ref().and_then(f)) else { return };
        let size = (img.w, img.h);
        base.set_value(Some(img));
        region.set(r);
        transformed.set(true);
        loaded.set(Some(Ok(size)));
    };
    let rotate = move || reshape(&|b: &Rgba| Some((b.rotated_cw(), region.with_untracked(|r| r.rotated_cw(b.h)))));
    let crop_to = move |c: Rect| {
        reshape(&|b: &Rgba| {
            let img = b.cropped(c)?;
            (img.w >= 8 && img.h >= 8).then(|| (img, region.with_untracked(|r| r.cropped(c.x, c.y))))
        })
    };
    let choose_aspect = move |v: String| {
        let chosen = CropAspect::parse(&v);
        aspect.set(v);
        if let (Some(a @ CropAspect::Ratio(..)), Some((w, h))) = (chosen, base.with_value(|b| b.as_ref().map(|b| (b.w, b.h)))) {
            let c = a.centred(w, h);
            if (c.w, c.h) != (w, h) {
                crop_to(c);
            }
        }
    };
    // Whole pixels: `str::parse::<f32>` would bring core's float parser and
    // its tables (8 KB brotli).
    let stroke_size = move || size.with_untracked(|s| s.trim().parse::<u32>().ok()).unwrap_or(8).clamp(1, MAX_SIZE as u32) as f32;
    // Where a pointer is, in the image's pixels (the canvas's box maps
    // linearly onto them).
    let at = move |ev: &PointerEvent| -> Option<[f32; 2]> {
        let c: HtmlCanvasElement = marks.get_untracked()?.unchecked_into();
        let r = c.get_bounding_client_rect();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return None;
        }
        let x = (ev.client_x() as f64 - r.left()) * c.width() as f64 / r.width();
        let y = (ev.client_y() as f64 - r.top()) * c.height() as f64 / r.height();
        Some([x as f32, y as f32])
    };
    // The preview of the shape being drawn: the box it covered is put back
    // from the committed layer, the shape painted, both boxes shown.
    let show = move |d: &mut Drag, only_last: bool| {
        let Some(ctx) = marks.get_untracked().and_then(|c| context(&c)) else { return };
        let use_ = region.with_untracked(|r| r.use_);
        working.update_value(|w| {
            if let Some(w) = w.as_mut() {
                committed.with_value(|c| c.as_ref().map(|c| d.show(&ctx, w, c, use_, only_last)));
            }
        });
    };
    let down = move |ev: PointerEvent| {
        if ev.pointer_type() == "mouse" && ev.button() != 0 {
            return;
        }
        let Some(p) = at(&ev) else { return };
        ev.prevent_default();
        hint.set(None);
        let crop = cropping.get_untracked();
        let tool = if crop { Tool::Rect } else { tool.get_untracked() };
        let color = if crop { "#ffffff".to_string() } else { color.get_untracked() };
        if tool == Tool::Text {
            let text = words.get_untracked().trim().to_string();
            if text.is_empty() {
                hint.set(Some(K::RegionTextNeeded));
                return;
            }
            let shape = Shape { tool, points: vec![p], size: (stroke_size() * 3.0).clamp(12.0, MAX_SIZE), color, text };
            region.update(|r| {
                r.add(shape);
            });
            return;
        }
        if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
        working.set_value(committed.get_value());
        let points = if matches!(tool, Tool::Rect | Tool::Arrow) { vec![p, p] } else { vec![p] };
        let size = if crop { 2.0 } else { stroke_size() };
        let mut d = Drag { shape: Shape { tool, points, size, color, text: String::new() }, shown: Vec::new(), crop };
        show(&mut d, false);
        drag.set_value(Some(d));
    };
    let moved = move |ev: PointerEvent| {
        let Some(p) = at(&ev) else { return };
        drag.update_value(|d| {
            let Some(d) = d.as_mut() else { return };
            ev.prevent_default();
            match d.shape.tool {
                Tool::Rect | Tool::Arrow => {
                    d.shape.points[1] = p;
                    show(d, false);
                }
                _ => {
                    let last = *d.shape.points.last().unwrap_or(&p);
                    let far = (p[0] - last[0]).hypot(p[1] - last[1]) >= 0.75;
                    if far && d.shape.points.len() < MAX_POINTS {
                        d.shape.points.push(p);
                        show(d, true);
                    }
                }
            }
        });
    };
    let up = move |_: PointerEvent| {
        let Some(d) = drag.try_update_value(Option::take).flatten() else { return };
        if !d.crop {
            region.update(|r| {
                r.add(d.shape);
            });
            return;
        }
        let Some((w, h)) = base.with_value(|b| b.as_ref().map(|b| (b.w, b.h))) else { return };
        match CropAspect::parse(&aspect.get_untracked()).unwrap_or(CropAspect::Free).dragged(d.shape.points[0], d.shape.points[1], w, h) {
            Some(c) => {
                crop_to(c);
                cropping.set(false);
            }
            // Too small to be a crop: the box goes.
            None => {
                if let (Some(c), Some(l)) = (marks.get_untracked(), committed.get_value()) {
                    if let Some(ctx) = context(&c) {
                        put_all(&ctx, &l);
                    }
                }
            }
        }
    };
    // A pointer taken away (a scroll, another finger): the shape is dropped.
    let cancel = move |_: PointerEvent| {
        if drag.try_update_value(Option::take).flatten().is_some() {
            if let (Some(c), Some(l)) = (marks.get_untracked(), committed.get_value()) {
                if let Some(ctx) = context(&c) {
                    put_all(&ctx, &l);
                }
            }
        }
    };
    let undo = move || region.update(Region::undo);
    let redo = move || region.update(Region::redo);
    let keys = window_event_listener(ev::keydown, move |e| {
        let typing = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.type_() == "text");
        match e.key().as_str() {
            "Escape" => close.run(()),
            "z" | "Z" if (e.ctrl_key() || e.meta_key()) && !typing => {
                if e.shift_key() { redo() } else { undo() }
            }
            "y" | "Y" if e.ctrl_key() && !typing => redo(),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());

    let done = {
        let url = url.clone();
        move |_: ()| {
            // Everything is read before the editor closes (its signals go
            // with it, and a turned image's row is made anew).
            let (b, r, changed) = (base.get_value(), region.get_untracked(), transformed.get_untracked());
            close.run(());
            let Some(b) = b else { return };
            let mut at = url.clone();
            if changed {
                match crate::web::pixels::png_data_uri(&b) {
                    Ok(uri) => {
                        form.replace_image(&url, uri.clone(), (b.w, b.h));
                        at = uri;
                    }
                    Err(e) => form.file_errors.update(|v| v.push(Msg::new(K::RegionPrepareFailed).arg("error", e))),
                }
            }
            form.set_region(&at, r, b);
        }
    };
    let use_bind: Bind<String> = (
        Signal::derive(move || region.with(|r| r.use_.as_str().to_string())),
        SignalSetter::map(move |v: String| {
            if let Some(u) = RegionUse::parse(&v) {
                region.update(|r| r.use_ = u);
            }
        }),
    );
    let aspects: Options = CropAspect::ALL.iter().map(|v| (v.to_string(), if *v == "free" { K::CropFree.into() } else { Msg::verbatim(*v) })).collect();
    let uses: Options = vec![
        (RegionUse::Marks.as_str().into(), K::RegionUseMarks.into()),
        (RegionUse::Mask.as_str().into(), K::RegionUseMask.into()),
        (RegionUse::Keep.as_str().into(), K::RegionUseKeep.into()),
    ];
    let mask_elsewhere = move || region.with(|r| r.use_ == RegionUse::Mask) && form.draft.with(|d| !d.schema().inpaint);
    let label = i.render(&Msg::new(K::RegionEditorLabel).arg("n", n));
    let title = label.clone();

    view! {
        <div class="region-editor" data-testid="region-editor" role="dialog" aria-modal="true" aria-label=label>
            <div class="region-bar">
                <strong class="region-title">{title}</strong>
                <div class="region-tools" role="group">
                    {TOOLS.iter().map(|&(tl, name, k)| view! {
                        <Btn label=k tool=name pressed=Signal::derive(move || tool.get() == tl && !cropping.get())
                            on=Callback::new(move |_| { tool.set(tl); cropping.set(false); hint.set(None); })/>
                    }).collect_view()}
                </div>
                <NumberInput name="brush_size" label=K::BrushSize bind=(size.into(), size.into()) min="1".to_string() max="512".to_string() step="1"/>
                <label class="region-control">{t(K::MarkColor)}
                    <input type="color" name="mark_color" prop:value=color on:input=move |ev| color.set(event_target_value(&ev))/>
                </label>
                <TextInput name="mark_text" label=K::MarkText placeholder=K::MarkTextPlaceholder bind=(words.into(), words.into())/>
                <div class="region-tools">
                    <Btn label=K::Undo testid="undo" disabled=Signal::derive(move || region.with(|r| !r.can_undo())) on=Callback::new(move |_| undo())/>
                    <Btn label=K::Redo testid="redo" disabled=Signal::derive(move || region.with(|r| !r.can_redo())) on=Callback::new(move |_| redo())/>
                    <Btn label=K::ClearMarks testid="clear-marks" disabled=Signal::derive(move || region.with(|r| r.shapes.is_empty())) on=Callback::new(move |_| region.update(Region::clear))/>
                    <Btn label=K::Rotate testid="rotate" title=K::RotateTitle on=Callback::new(move |_| rotate())/>
                    <Btn label=K::Crop tool="crop" title=K::CropTitle pressed=Signal::derive(move || cropping.get()) on=Callback::new(move |_| cropping.update(|c| *c = !*c))/>
                </div>
                <Select name="crop_aspect" label=K::CropAspect bind=(aspect.into(), SignalSetter::map(choose_aspect)) options=aspects/>
            </div>
            <div class="region-stage">
                {move || match loaded.get() {
                    None => view! { <p class="hint" role="status">{t(K::RegionReading)}</p> }.into_any(),
                    Some(Err(m)) => view! { <p class="field-error" data-testid="region-refused" role="alert">{i.msg(m)}</p> }.into_any(),
                    Some(Ok((w, h))) => view! {
                        <div class="region-frame" style:aspect-ratio=format!("{w} / {h}") style:width=format!("min(100cqw, 100cqh * {w} / {h})")>
                            <canvas class="region-picture" node_ref=picture width=w height=h></canvas>
                            <canvas class="region-marks" data-testid="region-canvas" node_ref=marks width=w height=h data-width=w data-height=h
                                on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=cancel></canvas>
                            <canvas class="region-labels" node_ref=labels width=w height=h aria-hidden="true"></canvas>
                        </div>
                    }.into_any(),
                }}
            </div>
            <div class="region-foot">
                <Select name="region_use" label=K::RegionUse bind=use_bind options=uses/>
                {move || mask_elsewhere().then(|| view! {
                    <p class="warn" data-testid="mask-other-model" role="status">
                        {t(K::RegionMaskOtherModel)} " "
                        <Btn label=K::MaskSwitch testid="mask-switch" on=Callback::new(move |_| form.set_model(INPAINT))/>
                    </p>
                })}
                {move || hint.get().map(|k| view! { <p class="warn" role="status">{t(k)}</p> })}
                <p class="hint">{t(K::RegionHint)}</p>
                <div class="region-actions">
                    <Btn label=K::RegionCancel testid="region-cancel" class="ghost" on=close/>
                    <Btn label=K::RegionDone testid="region-done" class="primary" disabled=Signal::derive(move || !matches!(loaded.get(), Some(Ok(_)))) on=Callback::new(done)/>
                </div>
            </div>
        </div>
    }
}

