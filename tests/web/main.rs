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

/// A pointer event of `kind` at the page point `(x, y)`, sent to `target`:
/// a mouse's (button 0) or a finger's.
fn pointer_event(target: &Element, kind: &str, x: f64, y: f64, touch: bool) {
    let init = web_sys::PointerEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_pointer_id(if touch { 7 } else { 1 });
    init.set_pointer_type(if touch { "touch" } else { "mouse" });
    init.set_is_primary(true);
    init.set_button(if kind == "pointermove" { -1 } else { 0 });
    init.set_client_x(x.round() as i32);
    init.set_client_y(y.round() as i32);
    target.dispatch_event(&web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap()).unwrap();
}

/// The first element matching `css`, once there (within `ms`).
async fn until(root: &HtmlElement, css: &str, ms: u32) -> Element {
    let mut waited = 0;
    loop {
        if let Some(e) = q(root, css) {
            return e;
        }
        assert!(waited < ms, "{css} within {ms} ms");
        TimeoutFuture::new(50).await;
        waited += 50;
    }
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
    assert_eq!(value(&root, "[name=storage_base]"), "https://rest.fal.ai", "fal uploads pictures to its storage");
    set(&root, "[name=provider]", "quickrouter").await;
    assert_eq!(value(&root, "[name=storage_base]"), "", "the relay documents no upload: pictures go inline");
    set(&root, "[name=provider]", "fal").await;
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
    include!("../origin_cases.rs");
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


mod family;
mod files;
mod tools;
mod groups;
mod history;
mod copies;
mod pixels;
mod regions;
mod angles;
mod chains;
mod rewrite;
mod bench;
