//! Issue 13: result images copied into the browser, shown when the
//! provider's URL no longer loads, and freed.

use super::*;

use qwen_studio::api::EditOutput;
use qwen_studio::jobs::{Job, Kept, NewJob, Phase};
use qwen_studio::web::copies;

/// A 1×1 PNG.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

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
    click(&root, "[data-testid=free-copies]").await;
    assert!(copies::find(7, 0).await.is_some(), "nothing freed before the answer");
    click(&root, "[data-testid=free-copies-yes]").await;
    until(&root, "[data-testid=storage-used][data-bytes='0']", 2_000).await;
    assert!(copies::find(7, 0).await.is_none(), "the copy is gone");
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.history").unwrap().unwrap_or_default();
    assert!(stored.contains("\"Freed\""), "the history says so");
}
