//! Component tests in headless Chromium (wasm-bindgen-test): the whole page
//! is mounted, driven through DOM events, and read back through the test
//! hooks of DESIGN.md.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Mounts a fresh page into its own container, with empty storage.
async fn mount() -> HtmlElement {
    mount_with(&[]).await
}

/// Mounts a fresh page over local storage holding exactly `stored`.
async fn mount_with(stored: &[(&str, &str)]) -> HtmlElement {
    let w = web_sys::window().expect("a window");
    w.local_storage().ok().flatten().map(|s| s.clear());
    w.session_storage().ok().flatten().map(|s| s.clear());
    for (k, v) in stored {
        w.local_storage().unwrap().unwrap().set_item(k, v).unwrap();
    }
    let doc = document();
    // Earlier tests' pages go; the runner's own output stays.
    for old in all(&doc.body().unwrap(), ".test-root") {
        old.remove();
    }
    let root: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    root.set_class_name("test-root");
    doc.body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), qwen_studio::components::page::App).forget();
    tick().await;
    root
}

async fn tick() {
    TimeoutFuture::new(0).await;
    TimeoutFuture::new(0).await;
}

fn q(root: &HtmlElement, css: &str) -> Option<Element> {
    root.query_selector(css).ok().flatten()
}

fn all(root: &HtmlElement, css: &str) -> Vec<Element> {
    let list = root.query_selector_all(css).expect("a valid selector");
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

fn value(root: &HtmlElement, css: &str) -> String {
    let e = q(root, css).unwrap_or_else(|| panic!("{css} is on the page"));
    js_sys::Reflect::get(&e, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn checked(root: &HtmlElement, css: &str) -> bool {
    q(root, css).and_then(|e| e.dyn_into::<HtmlInputElement>().ok()).map(|i| i.checked()).unwrap_or(false)
}

fn fire(e: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let ev = Event::new_with_event_init_dict(kind, &init).unwrap();
    e.dispatch_event(&ev).unwrap();
}

/// Sets a control's value as typing (or choosing) would, with its events.
async fn set(root: &HtmlElement, css: &str, v: &str) {
    let e = q(root, css).unwrap_or_else(|| panic!("{css} is on the page"));
    js_sys::Reflect::set(&e, &"value".into(), &v.into()).unwrap();
    fire(&e, "input");
    fire(&e, "change");
    tick().await;
}

async fn key(root: &HtmlElement, css: &str, key: &str, ctrl: bool) {
    let e = q(root, css).unwrap_or_else(|| panic!("{css} is on the page"));
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_ctrl_key(ctrl);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    e.dispatch_event(&ev).unwrap();
    tick().await;
}

async fn click(root: &HtmlElement, css: &str) {
    let e: HtmlElement = q(root, css).unwrap_or_else(|| panic!("{css} is on the page")).unchecked_into();
    e.click();
    tick().await;
}

fn field_error(root: &HtmlElement, field: &str) -> Option<String> {
    q(root, &format!("[data-field-error={field}]")).and_then(|e| e.text_content())
}

fn image_urls(root: &HtmlElement) -> Vec<String> {
    all(root, "[data-testid=input-image]").iter().filter_map(|e| e.get_attribute("data-url")).collect()
}

#[wasm_bindgen_test]
async fn the_form_shows_the_servers_defaults() {
    let root = mount().await;
    assert!(q(&root, "form#edit-form").is_some());
    assert_eq!(value(&root, "[name=prompt]"), "");
    assert_eq!(value(&root, "[name=image_size]"), "square_hd");
    assert_eq!(value(&root, "[name=num_images]"), "1");
    assert_eq!(value(&root, "[name=output_format]"), "png");
    assert_eq!(value(&root, "[name=num_inference_steps]"), "50");
    assert_eq!(value(&root, "[name=guidance_scale]"), "4");
    assert_eq!(value(&root, "[name=seed]"), "");
    assert_eq!(value(&root, "[name=acceleration]"), "regular");
    assert_eq!(value(&root, "[name=negative_prompt]"), "");
    assert!(checked(&root, "[name=enable_safety_checker]"));
    assert!(!checked(&root, "[name=remember_key]"));
    // Settings: QuickRouter with Bearer by default; the key is hidden.
    assert_eq!(value(&root, "[name=provider]"), "quickrouter");
    assert_eq!(value(&root, "[name=api_base]"), "https://api.quickrouter.ai");
    assert_eq!(value(&root, "[name=auth_scheme]"), "Bearer");
    assert_eq!(value(&root, "[name=model]"), "fal-ai/qwen-image-edit-plus");
    assert_eq!(q(&root, "[name=api_key]").and_then(|e| e.get_attribute("type")).as_deref(), Some("password"));
    // The six shapes with plain labels, plus custom; the portrait ones send fal's names.
    let sizes: Vec<(String, String)> = all(&root, "[name=image_size] option")
        .iter()
        .map(|o| (o.get_attribute("value").unwrap_or_default(), o.text_content().unwrap_or_default()))
        .collect();
    assert_eq!(sizes.len(), 8);
    assert!(sizes.contains(&("portrait_4_3".into(), "Portrait 3:4".into())));
    assert!(sizes.contains(&("portrait_16_9".into(), "Portrait 9:16".into())));
    assert_eq!(sizes[6], ("match_input".into(), "Match the first image".into()));
    assert_eq!(sizes[7].0, "custom");
    // Advanced starts collapsed; no job, no message.
    assert_eq!(q(&root, "details.advanced").and_then(|e| e.get_attribute("open")), None);
    assert!(all(&root, "[data-field-error]").is_empty());
    assert!(all(&root, "[data-testid=job]").is_empty());
}

#[wasm_bindgen_test]
async fn validation_messages_show_on_submit_and_clear_when_fixed() {
    let root = mount().await;
    set(&root, "[name=num_inference_steps]", "1").await;
    assert!(field_error(&root, "num_inference_steps").is_none(), "no message before the first submit");
    click(&root, "form#edit-form button[type=submit]").await;
    assert!(field_error(&root, "prompt").is_some());
    assert!(field_error(&root, "image_urls").is_some());
    assert!(field_error(&root, "api_key").is_some());
    assert!(field_error(&root, "num_inference_steps").unwrap().contains("2 to 100"));
    assert!(q(&root, "[data-testid=form-error]").is_some());
    // The message inside "Advanced" opened it.
    assert!(q(&root, "details.advanced").and_then(|e| e.get_attribute("open")).is_some());
    assert!(all(&root, "[data-testid=job]").is_empty(), "nothing was submitted");

    set(&root, "[name=prompt]", "make it blue").await;
    assert!(field_error(&root, "prompt").is_none(), "fixing the prompt clears its message");
    set(&root, "[name=num_inference_steps]", "100").await;
    assert!(field_error(&root, "num_inference_steps").is_none());
    set(&root, "[name=api_key]", "k").await;
    assert!(field_error(&root, "api_key").is_none());
    assert!(field_error(&root, "image_urls").is_some(), "still no image");

    // Custom size: width and height appear and are checked.
    set(&root, "[name=image_size]", "custom").await;
    set(&root, "[name=image_width]", "5000").await;
    assert!(field_error(&root, "image_width").unwrap().contains("64 to 4096"));
    set(&root, "[name=image_width]", "1280").await;
    assert!(field_error(&root, "image_width").is_none());
    set(&root, "[name=image_size]", "square").await;
    assert!(q(&root, "[name=image_width]").is_none());
}

#[wasm_bindgen_test]
async fn ctrl_enter_submits_the_form() {
    let root = mount().await;
    key(&root, "[name=prompt]", "Enter", true).await;
    assert!(field_error(&root, "prompt").is_some(), "Ctrl+Enter ran the submit (and its validation)");
}

#[wasm_bindgen_test]
async fn images_are_added_reordered_and_removed() {
    let root = mount().await;
    set(&root, "[name=image_url]", "ftp://example/x.png").await;
    key(&root, "[name=image_url]", "Enter", false).await;
    assert!(field_error(&root, "image_url").unwrap().contains("http"));
    assert!(image_urls(&root).is_empty());

    for u in ["https://a.example/1.png", "https://a.example/2.png", "data:image/png;base64,iVBORw0KGgo="] {
        set(&root, "[name=image_url]", u).await;
        key(&root, "[name=image_url]", "Enter", false).await;
    }
    assert!(field_error(&root, "image_url").is_none());
    assert_eq!(value(&root, "[name=image_url]"), "", "the field empties after adding");
    assert_eq!(image_urls(&root), ["https://a.example/1.png", "https://a.example/2.png", "data:image/png;base64,iVBORw0KGgo="]);
    assert!(all(&root, "[data-testid=input-image] img").len() == 3, "each has a thumbnail");

    // The first cannot move earlier, the last cannot move later.
    let ups = all(&root, "[data-testid=move-earlier]");
    assert!(ups[0].has_attribute("disabled") || js_sys::Reflect::get(&ups[0], &"disabled".into()).unwrap().is_truthy());
    click(&root, "[data-testid=input-image]:nth-child(1) [data-testid=move-later]").await;
    assert_eq!(image_urls(&root)[..2], ["https://a.example/2.png", "https://a.example/1.png"]);
    click(&root, "[data-testid=input-image]:nth-child(3) [data-testid=move-earlier]").await;
    assert_eq!(image_urls(&root)[1], "data:image/png;base64,iVBORw0KGgo=");
    click(&root, "[data-testid=input-image]:nth-child(1) [data-testid=remove-image]").await;
    assert_eq!(image_urls(&root), ["data:image/png;base64,iVBORw0KGgo=", "https://a.example/1.png"]);
    let indexes: Vec<String> = all(&root, "[data-testid=image-number]").iter().filter_map(|e| e.text_content()).collect();
    assert_eq!(indexes, ["Image 1", "Image 2"], "positions are renumbered");
}

#[wasm_bindgen_test]
async fn providers_fill_base_and_scheme_and_the_key_can_be_shown() {
    let root = mount().await;
    set(&root, "[name=provider]", "fal").await;
    assert_eq!(value(&root, "[name=api_base]"), "https://queue.fal.run");
    assert_eq!(value(&root, "[name=auth_scheme]"), "Key");
    set(&root, "[name=provider]", "custom").await;
    set(&root, "[name=api_base]", "http://127.0.0.1:8787").await;
    set(&root, "[name=auth_scheme]", "Bearer").await;
    assert_eq!(value(&root, "[name=api_base]"), "http://127.0.0.1:8787");
    assert_eq!(value(&root, "[name=auth_scheme]"), "Bearer");
    set(&root, "[name=api_key]", "secret").await;
    click(&root, ".key-row button").await;
    assert_eq!(q(&root, "[name=api_key]").and_then(|e| e.get_attribute("type")).as_deref(), Some("text"));
    // Off by default, the key is kept for this tab only, never on the device.
    let w = web_sys::window().unwrap();
    let session = w.session_storage().unwrap().unwrap();
    let local = w.local_storage().unwrap().unwrap();
    assert_eq!(session.get_item("qie.key").unwrap().as_deref(), Some("secret"));
    assert_eq!(local.get_item("qie.key").unwrap(), None);
    let remember = q(&root, "[name=remember_key]").unwrap().dyn_into::<HtmlInputElement>().unwrap();
    remember.click();
    tick().await;
    assert_eq!(local.get_item("qie.key").unwrap().as_deref(), Some("secret"));
    assert_eq!(session.get_item("qie.key").unwrap(), None);
    // The other settings persist, without the key.
    let stored = local.get_item("qie.settings").unwrap().unwrap();
    assert!(stored.contains("127.0.0.1:8787") && !stored.contains("secret"), "{stored}");
}

// ------------------------------------------------------------ local files

use js_sys::{Array, Promise};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, DataTransfer, File, FilePropertyBag, HtmlCanvasElement};

/// A PNG drawn on a canvas: opaque, or with a transparent band.
async fn png_file(name: &str, w: u32, h: u32, transparent: bool) -> File {
    let canvas: HtmlCanvasElement = document().create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    ctx.set_fill_style_str("#3a7bd5");
    ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
    if transparent {
        ctx.clear_rect(0.0, 0.0, w as f64 / 4.0, h as f64);
    }
    let blob: Blob = JsFuture::from(Promise::new(&mut |resolve, _| {
        canvas.to_blob(&resolve).unwrap();
    }))
    .await
    .unwrap()
    .unchecked_into();
    let opts = FilePropertyBag::new();
    opts.set_type("image/png");
    File::new_with_blob_sequence_and_options(&Array::of1(&blob), name, &opts).unwrap()
}

fn text_file(name: &str, mime: &str, text: &str) -> File {
    let opts = FilePropertyBag::new();
    opts.set_type(mime);
    File::new_with_str_sequence_and_options(&Array::of1(&text.into()), name, &opts).unwrap()
}

/// Chooses files through `input[name=image_file]`, as the picker does.
async fn choose(root: &HtmlElement, files: &[File]) {
    let dt = DataTransfer::new().unwrap();
    for f in files {
        dt.items().add_with_file(f).unwrap();
    }
    let input: HtmlInputElement = q(root, "input[name=image_file]").unwrap().unchecked_into();
    input.set_files(dt.files().as_ref());
    fire(&input, "change");
    // Decoding and encoding take real time; wait for the work to settle.
    for _ in 0..400 {
        TimeoutFuture::new(25).await;
        if q(root, "[data-testid=images-pending]").is_none() {
            break;
        }
    }
    tick().await;
}

fn local_images(root: &HtmlElement) -> Vec<(String, String, usize)> {
    all(root, "[data-testid=input-image][data-kind=file]")
        .iter()
        .map(|e| {
            let a = |n: &str| e.get_attribute(n).unwrap_or_default();
            (a("data-type"), a("data-size"), a("data-bytes").parse().unwrap_or(0))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_small_png_goes_as_it_is() {
    let root = mount().await;
    let file = png_file("small.png", 300, 200, false).await;
    choose(&root, std::slice::from_ref(&file)).await;
    assert_eq!(local_images(&root), [("image/png".into(), "300x200".into(), file.size() as usize)]);
    assert!(field_error(&root, "image_file").is_none());
    let thumb = q(&root, "[data-kind=file] img").and_then(|i| i.get_attribute("src")).unwrap_or_default();
    assert!(thumb.starts_with("blob:"), "the thumbnail is an object URL: {thumb}");
}

#[wasm_bindgen_test]
async fn a_big_photo_is_scaled_to_2048_and_sent_as_jpeg() {
    let root = mount().await;
    choose(&root, &[png_file("big.png", 4000, 3000, false).await]).await;
    let imgs = local_images(&root);
    assert_eq!(imgs.len(), 1, "{imgs:?}");
    assert_eq!((imgs[0].0.as_str(), imgs[0].1.as_str()), ("image/jpeg", "2048x1536"));
    assert!(imgs[0].2 > 1_000);
}

#[wasm_bindgen_test]
async fn transparency_keeps_png_and_the_max_side_setting_applies() {
    let root = mount().await;
    set(&root, "[name=max_side]", "1000").await;
    choose(&root, &[png_file("logo.png", 3000, 1000, true).await]).await;
    assert_eq!(local_images(&root).iter().map(|i| (i.0.as_str(), i.1.as_str())).collect::<Vec<_>>(), [("image/png", "1000x333")]);
}

#[wasm_bindgen_test]
async fn bad_files_are_refused_with_a_message_and_nothing_else_changes() {
    let root = mount().await;
    set(&root, "[name=prompt]", "keep me").await;
    set(&root, "[name=image_url]", "https://a.example/1.png").await;
    key(&root, "[name=image_url]", "Enter", false).await;
    let good = png_file("ok.png", 64, 64, false).await;
    choose(
        &root,
        &[
            text_file("notes.txt", "text/plain", "hello"),
            text_file("broken.png", "image/png", "this is not a png"),
            text_file("empty.png", "image/png", ""),
            good,
        ],
    )
    .await;
    let msg = field_error(&root, "image_file").unwrap_or_default();
    assert!(msg.contains("notes.txt: not an image"), "{msg}");
    assert!(msg.contains("broken.png: the browser cannot read"), "{msg}");
    assert!(msg.contains("empty.png: the file is empty"), "{msg}");
    assert_eq!(all(&root, "[data-testid=input-image]").len(), 2, "the URL image and the good file");
    assert_eq!(value(&root, "[name=prompt]"), "keep me");
}

#[wasm_bindgen_test]
async fn removing_a_local_image_revokes_its_preview() {
    let root = mount().await;
    choose(&root, &[png_file("a.png", 64, 64, false).await]).await;
    let src = q(&root, "[data-kind=file] img").and_then(|i| i.get_attribute("src")).unwrap();
    let window = web_sys::window().unwrap();
    assert!(JsFuture::from(window.fetch_with_str(&src)).await.is_ok(), "the preview loads while the image is listed");
    click(&root, "[data-kind=file] [data-testid=remove-image]").await;
    assert!(all(&root, "[data-testid=input-image]").is_empty());
    assert!(JsFuture::from(window.fetch_with_str(&src)).await.is_err(), "the object URL was revoked");
}

// ------------------------------------------------------------ history

#[wasm_bindgen_test]
async fn a_corrupt_history_is_reported_and_the_page_still_works() {
    let root = mount_with(&[("qie.history", "{\"v\":1,\"jobs\":[ broken")]).await;
    let msg = q(&root, "[data-testid=history-problem]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(msg.contains("could not be read"), "{msg}");
    assert!(q(&root, "form#edit-form").is_some());
    let kept = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.history.unreadable").unwrap();
    assert!(kept.is_some_and(|k| k.contains("broken")), "the unreadable history is set aside, not lost");
}

#[wasm_bindgen_test]
async fn a_past_job_loads_into_the_form() {
    let job = serde_json::json!({
        "id": 7, "base": "https://api.quickrouter.ai", "model": "fal-ai/qwen-image-edit-plus",
        "body": {"prompt": "make it snow", "image_urls": ["https://a.example/1.png", "local-file:not-stored"],
                 "image_size": "landscape_16_9", "num_inference_steps": 28, "seed": 5},
        "request_id": "r-7", "endpoints": null, "phase": "completed", "raw_status": null, "queue_position": null,
        "logs": [], "submitted_at": 1.0, "ended_at": 2.0, "inference_time": null, "output": null, "error": null,
        "status_error": null, "cancel": "None"
    });
    let history = serde_json::json!({"v": 1, "jobs": [job]}).to_string();
    let root = mount_with(&[("qie.history", &history)]).await;
    let items = all(&root, "[data-testid=history-item]");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].get_attribute("data-status").as_deref(), Some("completed"));
    assert_eq!(items[0].get_attribute("data-request-id").as_deref(), Some("r-7"));
    assert!(all(&root, "[data-testid=job]").is_empty(), "a past job is not a card");
    click(&root, "[data-testid=history-item] [data-testid=load-into-form]").await;
    assert_eq!(value(&root, "[name=prompt]"), "make it snow");
    assert_eq!(value(&root, "[name=image_size]"), "landscape_16_9");
    assert_eq!(value(&root, "[name=num_inference_steps]"), "28");
    assert_eq!(value(&root, "[name=seed]"), "5");
    assert_eq!(image_urls(&root), ["https://a.example/1.png"]);
    let note = q(&root, "[data-testid=history-note]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(note.contains("1 local image"), "{note}");
    // Re-run is refused for a job whose local files were not kept.
    click(&root, "[data-testid=history-item] [data-testid=rerun]").await;
    assert!(all(&root, "[data-testid=job]").is_empty());
}

// ------------------------------------------------------------ request, code and sharing

#[wasm_bindgen_test]
async fn the_seed_example_gives_seed_style_code_and_json() {
    let root = mount().await;
    click(&root, "[data-testid=load-example]").await;
    assert_eq!(value(&root, "[name=prompt]"), "Close shot portrait of a woman in front of this car on this highway");
    assert_eq!(image_urls(&root).len(), 3);
    let curl = q(&root, "[data-testid=snippet-curl]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(
        curl.starts_with("curl --location --request POST 'https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus' --header 'Authorization: Bearer YOUR_API_KEY' --header 'Content-Type: application/json' --data-raw '{\n    \"image_urls\": [\n        \"https://v3.fal.media/files/monkey/i3saq4bAPXSIl08nZtq9P.png\","),
        "{curl}"
    );
    let js = q(&root, "[data-testid=snippet-js]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(js.starts_with("var myHeaders = new Headers();\nmyHeaders.append(\"Authorization\", \"Bearer YOUR_API_KEY\");"), "{js}");
    let py = q(&root, "[data-testid=snippet-python]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(py.contains("conn = http.client.HTTPSConnection(\"api.quickrouter.ai\")"), "{py}");
    let json = q(&root, "[data-testid=request-json]").and_then(|e| e.text_content()).unwrap_or_default();
    let body: serde_json::Value = serde_json::from_str(&json).expect("the request body is JSON");
    assert_eq!(body["negative_prompt"], "blurry, ugly");
    assert!(body.get("num_inference_steps").is_none(), "defaults are not sent");
    // The key appears only when asked for.
    set(&root, "[name=api_key]", "sk-123").await;
    assert!(!q(&root, "[data-testid=snippet-curl]").and_then(|e| e.text_content()).unwrap_or_default().contains("sk-123"));
    click(&root, "[name=include_key]").await;
    assert!(q(&root, "[data-testid=snippet-curl]").and_then(|e| e.text_content()).unwrap_or_default().contains("Bearer sk-123"));
}

#[wasm_bindgen_test]
async fn an_imported_request_fills_the_form_and_shows_its_problems_at_their_fields() {
    let root = mount().await;
    set(&root, "[name=request_json]", "{ not json").await;
    click(&root, "[data-testid=import-json]").await;
    assert!(field_error(&root, "request_json").unwrap_or_default().contains("not valid JSON"));
    // A request with a value out of range loads nothing and says where.
    set(&root, "[name=request_json]", r#"{"prompt":"p","image_urls":["https://a.example/1.png"],"image_size":"portrait_9_16","num_inference_steps":500}"#).await;
    click(&root, "[data-testid=import-json]").await;
    assert!(field_error(&root, "num_inference_steps").unwrap_or_default().contains("2 to 100"));
    assert_eq!((value(&root, "[name=prompt]"), value(&root, "[name=image_size]")), (String::new(), "square_hd".into()));
    assert!(image_urls(&root).is_empty());
    set(&root, "[name=request_json]", r#"{"prompt":"p","image_urls":["https://a.example/1.png"],"image_size":"portrait_9_16","num_inference_steps":30}"#).await;
    click(&root, "[data-testid=import-json]").await;
    assert!(field_error(&root, "request_json").is_none() && field_error(&root, "num_inference_steps").is_none());
    assert_eq!(value(&root, "[name=image_size]"), "portrait_16_9", "the seed's spelling is read");
    assert_eq!(value(&root, "[name=num_inference_steps]"), "30");
}

#[wasm_bindgen_test]
async fn the_theme_follows_the_choice_and_is_remembered() {
    let root = mount().await;
    let html = document().document_element().unwrap();
    assert_eq!(value(&root, "[name=theme]"), "system");
    assert_eq!(html.get_attribute("data-theme"), None);
    set(&root, "[name=theme]", "dark").await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.settings").unwrap().unwrap();
    assert!(stored.contains("\"theme\":\"dark\""), "{stored}");
    set(&root, "[name=theme]", "light").await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    set(&root, "[name=theme]", "system").await;
    assert_eq!(html.get_attribute("data-theme"), None);
}

#[wasm_bindgen_test]
async fn images_can_be_dropped_on_the_image_area_or_pasted_into_the_form() {
    use web_sys::{ClipboardEvent, ClipboardEventInit, DragEvent, DragEventInit};
    let root = mount().await;
    let area = q(&root, "fieldset.images").unwrap();
    let dt = DataTransfer::new().unwrap();
    dt.items().add_with_file(&png_file("dropped.png", 80, 60, false).await).unwrap();
    let init = DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&dt));
    area.dispatch_event(&DragEvent::new_with_event_init_dict("dragover", &init).unwrap()).unwrap();
    tick().await;
    assert!(area.class_list().contains("dragging"), "a visible drop target while dragging");
    area.dispatch_event(&DragEvent::new_with_event_init_dict("drop", &init).unwrap()).unwrap();
    for _ in 0..100 {
        TimeoutFuture::new(20).await;
        if !local_images(&root).is_empty() {
            break;
        }
    }
    assert!(!area.class_list().contains("dragging"));
    assert_eq!(local_images(&root).iter().map(|i| i.1.as_str()).collect::<Vec<_>>(), ["80x60"]);

    let dt = DataTransfer::new().unwrap();
    dt.items().add_with_file(&png_file("pasted.png", 30, 20, false).await).unwrap();
    let init = ClipboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_clipboard_data(Some(&dt));
    let prompt = q(&root, "[name=prompt]").unwrap();
    prompt.dispatch_event(&ClipboardEvent::new_with_event_init_dict("paste", &init).unwrap()).unwrap();
    for _ in 0..100 {
        TimeoutFuture::new(20).await;
        if local_images(&root).len() == 2 {
            break;
        }
    }
    assert_eq!(local_images(&root).iter().map(|i| i.1.as_str()).collect::<Vec<_>>(), ["80x60", "30x20"], "in the order given");
}

fn text(root: &HtmlElement, css: &str) -> String {
    q(root, css).and_then(|e| e.text_content()).unwrap_or_default().trim().to_string()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Pretends the browser prefers `langs` (None: its own again).
fn browser_languages(langs: Option<&[&str]>) {
    let nav = web_sys::window().unwrap().navigator();
    match langs {
        Some(l) => {
            let arr: js_sys::Array = l.iter().map(|s| wasm_bindgen::JsValue::from_str(s)).collect();
            let getter = js_sys::Function::new_no_args("return this.__langs;");
            js_sys::Reflect::set(&nav, &"__langs".into(), &arr).unwrap();
            let desc = js_sys::Object::new();
            js_sys::Reflect::set(&desc, &"get".into(), &getter).unwrap();
            js_sys::Reflect::set(&desc, &"configurable".into(), &true.into()).unwrap();
            js_sys::Object::define_property(&nav, &"languages".into(), &desc);
        }
        None => {
            js_sys::Reflect::delete_property(&nav, &"languages".into()).unwrap();
        }
    }
}

#[wasm_bindgen_test]
async fn switching_the_language_changes_the_visible_strings_and_is_remembered() {
    let root = mount().await;
    let html = document().document_element().unwrap();
    assert_eq!(value(&root, "[name=language]"), "en", "this browser prefers English");
    assert_eq!(html.get_attribute("lang").as_deref(), Some("en"));
    // Show messages too: they must follow the switch while on screen.
    click(&root, "button[type=submit]").await;
    let places = ["h1", "button[type=submit]", "label[for=prompt]", "details.settings summary", "details.advanced summary", "legend"];
    let before: Vec<String> = places.iter().map(|p| text(&root, p)).collect();
    let prompt_error = field_error(&root, "prompt").unwrap_or_default();
    let placeholder = q(&root, "[name=prompt]").and_then(|e| e.get_attribute("placeholder")).unwrap_or_default();
    assert_eq!(before[1], "Generate");
    assert_eq!(prompt_error, "Describe the edit you want");

    set(&root, "[name=language]", "zh-CN").await;
    assert_eq!(html.get_attribute("lang").as_deref(), Some("zh-CN"));
    assert!(has_chinese(&document().title()), "{}", document().title());
    for (place, old) in places.iter().zip(&before) {
        let now = text(&root, place);
        assert_ne!(&now, old, "{place} did not change");
        assert!(has_chinese(&now), "{place}: {now}");
    }
    assert_eq!(text(&root, "button[type=submit]"), "生成");
    assert_eq!(field_error(&root, "prompt").as_deref(), Some("请描述你想要的修改"));
    let zh_placeholder = q(&root, "[name=prompt]").and_then(|e| e.get_attribute("placeholder")).unwrap_or_default();
    assert!(zh_placeholder != placeholder && has_chinese(&zh_placeholder), "{zh_placeholder}");
    assert!(has_chinese(&text(&root, "[data-testid=form-error]")));
    // Options are translated; the values sent stay the API's.
    assert_eq!(text(&root, "[name=image_size] option[value=portrait_4_3]"), "竖版 3:4");
    // Another provider keeps the language (and the theme).
    set(&root, "[name=provider]", "fal").await;
    assert_eq!(value(&root, "[name=language]"), "zh-CN");

    // Remembered: the next visit opens in Chinese although the browser prefers English.
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.settings").unwrap().unwrap();
    assert!(stored.contains("\"language\":\"zh-CN\""), "{stored}");
    let root = mount_with(&[("qie.settings", &stored)]).await;
    assert_eq!(text(&root, "button[type=submit]"), "生成");
    set(&root, "[name=language]", "en").await;
    assert_eq!(text(&root, "button[type=submit]"), "Generate");
    assert_eq!(html.get_attribute("lang").as_deref(), Some("en"));
}

#[wasm_bindgen_test]
async fn a_first_visit_takes_the_browsers_language() {
    browser_languages(Some(&["zh-CN", "zh", "en"]));
    let root = mount().await;
    let html = document().document_element().unwrap();
    let (lang, button, select) = (html.get_attribute("lang"), text(&root, "button[type=submit]"), value(&root, "[name=language]"));
    browser_languages(Some(&["fr-FR", "de"]));
    let root2 = mount().await;
    let other = text(&root2, "button[type=submit]");
    browser_languages(None);
    assert_eq!((lang.as_deref(), button.as_str(), select.as_str()), (Some("zh-CN"), "生成", "zh-CN"));
    assert_eq!(other, "Generate", "a language the page does not have gives English");
    // Until the person chooses, the page follows the browser's settings.
    browser_languages(Some(&["zh-CN"]));
    web_sys::window().unwrap().dispatch_event(&Event::new("languagechange").unwrap()).unwrap();
    tick().await;
    let followed = text(&root2, "button[type=submit]");
    browser_languages(None);
    web_sys::window().unwrap().dispatch_event(&Event::new("languagechange").unwrap()).unwrap();
    tick().await;
    assert_eq!(followed, "生成", "the browser's language changed while the page was open");
    // Nothing is stored until the person chooses.
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.settings").unwrap_or_default().unwrap_or_default();
    assert!(!stored.contains("zh-CN"), "{stored}");
    drop(root);
}

// ------------------------------------------------------------ the job engine's glue

#[wasm_bindgen_test]
async fn a_key_a_header_cannot_carry_is_said_at_once_at_the_key_field() {
    let root = mount().await;
    assert!(field_error(&root, "api_key").is_none(), "nothing before a key is typed");
    set(&root, "[name=api_key]", "sk-abc\u{200B}def").await;
    let said = field_error(&root, "api_key").expect("a message at the key field before any submit");
    assert!(said.contains("header"), "{said}");
    set(&root, "[name=api_key]", "  sk-abcdef  ").await;
    assert!(field_error(&root, "api_key").is_none(), "surrounding spaces are trimmed, not refused");
}

#[wasm_bindgen_test]
async fn waiting_for_a_wake_up_leaves_nothing_behind() {
    use futures::future::{select, Either};
    use qwen_studio::web::net;
    let before = net::waiting();
    // Many sleeps that end by their timer, as polls do: none stays registered.
    for _ in 0..50 {
        let r = select(TimeoutFuture::new(0), net::wake_up()).await;
        assert!(matches!(r, Either::Left(_)));
    }
    assert_eq!(net::waiting(), before, "a finished sleep unregisters");
    // A waiting future is woken, and unregistered.
    let woken = net::wake_up();
    let waker = async {
        TimeoutFuture::new(5).await;
        assert_eq!(net::waiting(), before + 1);
        net::wake_all();
    };
    futures::join!(woken, waker);
    assert_eq!(net::waiting(), before);
}

// ------------------------------------------------------------ where the key goes

mod origin_cases {
    include!("origin_cases.rs");
}

#[wasm_bindgen_test]
fn the_browser_reads_the_origin_table_as_expected_and_the_key_needs_both() {
    use qwen_studio::web::http::{browser_same_origin, key_allowed};
    let mut wrong = Vec::new();
    for c in origin_cases::ORIGIN_CASES {
        if browser_same_origin(c.base, c.url) != c.browser {
            wrong.push(format!("browser: {:?} on {:?}: expected {}", c.url, c.base, c.browser));
        }
        if key_allowed(c.base, c.url) != (c.rust && c.browser) {
            wrong.push(format!("decision: {:?} on {:?}: expected {}", c.url, c.base, c.rust && c.browser));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The one that started it: the browser sends this to evil.example.
    assert!(!key_allowed("https://api.quickrouter.ai", "https://evil.example\\@api.quickrouter.ai/x"));
}

#[wasm_bindgen_test]
async fn base_urls_are_checked_and_plain_http_elsewhere_is_warned_against() {
    let root = mount().await;
    set(&root, "[name=provider]", "custom").await;
    set(&root, "[name=api_base]", "http://api.example.com").await;
    let warning = q(&root, "[data-testid=base-warning]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(warning.contains("unencrypted"), "{warning}");
    set(&root, "[name=api_base]", "http://127.0.0.1:8787").await;
    assert!(q(&root, "[data-testid=base-warning]").is_none(), "a local server needs no warning");
    set(&root, "[name=api_base]", "https://user:pw@api.example.com").await;
    click(&root, "form#edit-form button[type=submit]").await;
    assert!(field_error(&root, "api_base").is_some_and(|m| m.contains("user name")), "userinfo is refused");
    set(&root, "[name=api_base]", "https://api.example.com/#x").await;
    assert!(field_error(&root, "api_base").is_some_and(|m| m.contains("fragment")));
}


#[path = "web/family.rs"]
mod family;
