//! Local files (read, scaled, refused, dropped, pasted) and the history.

use super::*;

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
    let paste = ClipboardEvent::new_with_event_init_dict("paste", &init).unwrap();
    // Firefox's ClipboardEvent constructor keeps only the strings of the
    // DataTransfer it is given, so a script cannot make a paste of a file
    // there (a person's paste carries it): the paste half runs where the
    // event can carry the file (Chromium), the drop half everywhere.
    if paste.clipboard_data().and_then(|d| d.files()).is_none_or(|f| f.length() == 0) {
        return;
    }
    prompt.dispatch_event(&paste).unwrap();
    for _ in 0..100 {
        TimeoutFuture::new(20).await;
        if local_images(&root).len() == 2 {
            break;
        }
    }
    assert_eq!(local_images(&root).iter().map(|i| i.1.as_str()).collect::<Vec<_>>(), ["80x60", "30x20"], "in the order given");
}

/// Where there is a storage API, a file is uploaded as soon as it is added;
/// one that cannot be reached is said in the image's row, with Retry, and
/// the picture stays in the request inline.
#[wasm_bindgen_test]
async fn an_unreachable_storage_api_is_said_in_the_row_with_retry() {
    let root = mount().await;
    set(&root, "[name=provider]", "custom").await;
    set(&root, "[name=api_base]", "http://127.0.0.1:9").await;
    set(&root, "[name=storage_base]", "http://127.0.0.1:9").await;
    set(&root, "[name=api_key]", "secret").await;
    set(&root, "textarea[name=prompt]", "sharper").await;
    choose(&root, &[png_file("far.png", 40, 30, false).await]).await;
    let err = until(&root, "[data-testid=upload-error]", 5_000).await.text_content().unwrap_or_default();
    assert!(err.contains("could not reach the storage API"), "{err}");
    assert!(q(&root, "[data-testid=upload-error] [data-testid=upload-retry]").is_some(), "with Retry");
    let row = q(&root, "[data-testid=input-image][data-kind=file]").expect("the row stays");
    assert!(row.get_attribute("data-uploaded").is_none(), "nothing was uploaded");
    assert_eq!(local_images(&root).len(), 1, "the picture stays in the form, inline");
    let json = q(&root, "[data-testid=request-json]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(json.contains("data:image/"), "the request carries it inline: {}", &json[..json.len().min(120)]);
    // A storage base that is not an address is said at its field.
    set(&root, "[name=storage_base]", "ftp://x").await;
    click(&root, "form#edit-form button[type=submit]").await;
    assert!(field_error(&root, "storage_base").is_some(), "the storage base is checked like the API's");
}
