//! Issue 13: result images copied into the browser, shown when the
//! provider's URL no longer loads, and freed.

use super::*;

use qwen_studio::api::EditOutput;
use qwen_studio::jobs::{Job, Kept, NewJob, Phase};
use qwen_studio::web::copies;

/// A 1×1 PNG.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// What `window.confirm` answers from now on (the page's question).
fn answer_confirm(yes: bool) {
    let f = js_sys::Function::new_no_args(if yes { "return true" } else { "return false" });
    js_sys::Reflect::set(&web_sys::window().unwrap(), &"confirm".into(), &f).unwrap();
}

#[wasm_bindgen_test]
async fn a_copy_takes_the_place_of_an_image_whose_url_fails_and_is_freed_on_request() {
    copies::forget_all().await;
    let bytes = copies::keep(7, &[PNG.to_string()]).await.expect("a readable image is copied");
    assert_eq!(bytes, 70, "the PNG's size");
    assert!(copies::keep(8, &["http://127.0.0.1:9/unreadable.png".to_string()]).await.is_none(), "one the page cannot read is not");
    assert!(copies::find(8, 0).await.is_none());

    // A completed job in the history whose result URL no longer answers.
    let gone = "http://127.0.0.1:9/gone-7.png";
    let mut job = Job::new(NewJob::polled(7, serde_json::json!({"prompt": "kept", "image_urls": ["https://a.example/1.png"]}), "https://q.example", "fal-ai/qwen-image-edit-plus", "t"), 1.0);
    job.phase = Phase::Completed;
    job.request_id = Some("r-7".into());
    job.output = EditOutput::from_answer(200, &serde_json::json!({"images": [{"url": gone, "content_type": "image/png"}]}).to_string()).ok();
    job.kept = Some(Kept::Copies(bytes));
    let history = qwen_studio::jobs::history::encode(&[job]);
    let root = mount_with(&[("qie.history", &history)]).await;
    // The thumbnail loads lazily: bring it into view.
    until(&root, "[data-testid=history-item] img", 1_000).await.scroll_into_view();
    let img = until(&root, "[data-testid=history-item] img[data-copy=shown]", 3_000).await;
    assert_eq!(img.get_attribute("data-url").as_deref(), Some(gone), "the provider's URL stays in data-url");
    let src = img.get_attribute("src").unwrap_or_default();
    assert!(src.starts_with("blob:"), "the copy is shown: {src}");
    let img: web_sys::HtmlImageElement = img.unchecked_into();
    for _ in 0..40 {
        if img.complete() && img.natural_width() > 0 {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    assert_eq!(img.natural_width(), 1, "and it loads");

    // The storage line counts it; freeing asks first, then empties it.
    let line = until(&root, "[data-testid=storage-used][data-bytes='70']", 1_000).await;
    assert!(line.text_content().unwrap_or_default().contains("70 B"), "{:?}", line.text_content());
    // The browser's own figures, when it gives them (Chromium and Firefox do).
    for _ in 0..50 {
        if line.text_content().unwrap_or_default().contains("this browser allows") {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert!(line.text_content().unwrap_or_default().contains("this browser allows"), "{:?}", line.text_content());
    let native = js_sys::Reflect::get(&web_sys::window().unwrap(), &"confirm".into()).unwrap();
    answer_confirm(false);
    click(&root, "[data-testid=free-copies]").await;
    TimeoutFuture::new(200).await;
    assert!(copies::find(7, 0).await.is_some(), "nothing freed when the answer is no");
    answer_confirm(true);
    click(&root, "[data-testid=free-copies]").await;
    until(&root, "[data-testid=storage-used][data-bytes='0']", 2_000).await;
    js_sys::Reflect::set(&web_sys::window().unwrap(), &"confirm".into(), &native).unwrap();
    assert!(copies::find(7, 0).await.is_none(), "the copy is gone");
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.history").unwrap().unwrap_or_default();
    assert!(stored.contains("\"Freed\""), "the history says so");
}

#[wasm_bindgen_test]
async fn an_export_imported_into_an_empty_history_restores_its_jobs_and_images() {
    copies::forget_all().await;
    let bytes = copies::keep(11, &[PNG.to_string()]).await.expect("copied");
    let mut job = Job::new(NewJob::polled(11, serde_json::json!({"prompt": "moved", "image_urls": ["https://a.example/1.png"]}), "https://q.example", "fal-ai/qwen-image-edit-plus", "t"), 5.0);
    job.phase = Phase::Completed;
    job.request_id = Some("r-11".into());
    job.output = EditOutput::from_answer(200, &serde_json::json!({"images": [{"url": "http://127.0.0.1:9/gone-11.png"}]}).to_string()).ok();
    job.kept = Some(Kept::Copies(bytes));
    let root = mount_with(&[("qie.history", &qwen_studio::jobs::history::encode(&[job]))]).await;
    let (_owner, jobs) = store_over_storage();
    let zip = jobs.export().await.expect("an archive");
    drop(root);
    let entries: Vec<String> = qwen_studio::api::zip::read(&zip).unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(entries, ["history.json", "images/11-0"]);

    // Another browser: nothing stored, no copies.
    copies::forget_all().await;
    let root = mount().await;
    assert!(q(&root, "[data-testid=history-item]").is_none());
    choose_file(&root, "input[name=import_history]", &zip, "history.zip").await;
    let item = until(&root, "[data-testid=history-item][data-request-id='r-11']", 3_000).await;
    assert_eq!(item.get_attribute("data-status").as_deref(), Some("completed"));
    let note = q(&root, "[data-testid=history-note]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(note.contains("Imported 1 jobs and 1 images; 0 were already here"), "{note}");
    item.query_selector("img").unwrap().unwrap().scroll_into_view();
    until(&root, "[data-testid=history-item] img[data-copy=shown]", 3_000).await;
    until(&root, "[data-testid=storage-used][data-bytes='70']", 1_000).await;

    // The same file again adds nothing; a damaged one is refused and changes nothing.
    choose_file(&root, "input[name=import_history]", &zip, "history.zip").await;
    until(&root, "[data-testid=import-done][data-n='0']", 3_000).await;
    let note = q(&root, "[data-testid=history-note]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(note.contains("1 were already here"), "{note}");
    choose_file(&root, "input[name=import_history]", &zip[..zip.len() - 10], "cut.zip").await;
    for _ in 0..40 {
        if q(&root, "[data-testid=history-note]").and_then(|e| e.text_content()).unwrap_or_default().contains("damaged") {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    let note = q(&root, "[data-testid=history-note]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(note.contains("damaged") && note.contains("nothing was imported"), "{note}");
    assert_eq!(all(&root, "[data-testid=history-item]").len(), 1, "the history is as it was");
}

/// A job store over the page's storage (the page's own is in its context),
/// with the owner that keeps it.
fn store_over_storage() -> (leptos::prelude::Owner, qwen_studio::web::store::Jobs) {
    let owner = leptos::prelude::Owner::new();
    let jobs = owner.with(|| {
        let jobs = qwen_studio::web::store::Jobs::new(leptos::prelude::Signal::stored(500));
        jobs.load();
        jobs
    });
    (owner, jobs)
}

/// Chooses a file of `bytes` through `css`, as the picker does.
async fn choose_file(root: &HtmlElement, css: &str, bytes: &[u8], name: &str) {
    let input: web_sys::HtmlInputElement = q(root, css).unwrap_or_else(|| panic!("{css}")).unchecked_into();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    input.set_files(dt.files().as_ref());
    fire(&input, "change");
    tick().await;
}
