//! The model family in the form: each model's fields and limits, LoRAs,
//! numbered images and references, imports that change nothing when they
//! are wrong, and the cost estimate.

use super::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;

fn attr(root: &HtmlElement, css: &str, name: &str) -> Option<String> {
    q(root, css).and_then(|e| e.get_attribute(name))
}

fn option_values(root: &HtmlElement, css: &str) -> Vec<String> {
    all(root, &format!("{css} option")).iter().filter_map(|o| o.get_attribute("value")).collect()
}

fn text(root: &HtmlElement, css: &str) -> String {
    q(root, css).and_then(|e| e.text_content()).unwrap_or_default()
}

async fn add_url(root: &HtmlElement, url: &str) {
    set(root, "[name=image_url]", url).await;
    key(root, "[name=image_url]", "Enter", false).await;
}

#[wasm_bindgen_test]
async fn each_model_brings_its_own_fields_and_limits() {
    let root = mount().await;
    let models = option_values(&root, "[name=model]");
    assert_eq!(models.len(), 9);
    assert_eq!(models.last().map(String::as_str), Some("other"));
    for (model, max_steps, formats, size_default, loras) in [
        ("fal-ai/qwen-image-edit-plus", "100", vec!["png", "jpeg"], "square_hd", false),
        ("fal-ai/qwen-image-edit-2509", "100", vec!["png", "jpeg"], "square_hd", false),
        ("fal-ai/qwen-image-edit-plus-lora", "50", vec!["png", "jpeg"], "default", true),
        ("fal-ai/qwen-image-edit-2509-lora", "50", vec!["png", "jpeg"], "default", true),
        ("fal-ai/qwen-image-edit-2511", "50", vec!["png", "jpeg", "webp"], "default", false),
        ("fal-ai/qwen-image-edit-2511/lora", "50", vec!["png", "jpeg", "webp"], "default", true),
        ("fal-ai/qwen-image-edit/inpaint", "50", vec!["png", "jpeg"], "default", false),
        ("fal-ai/qwen-image-edit-2511-multiple-angles", "50", vec!["png", "jpeg", "webp"], "default", false),
    ] {
        set(&root, "[name=model]", model).await;
        assert_eq!(value(&root, "[name=model]"), model);
        assert_eq!(attr(&root, "[name=num_inference_steps]", "max").as_deref(), Some(max_steps), "{model}");
        assert_eq!(option_values(&root, "[name=output_format]"), formats, "{model}");
        assert_eq!(value(&root, "[name=image_size]"), size_default, "{model}");
        let sizes = option_values(&root, "[name=image_size]");
        assert_eq!(sizes.contains(&"match_input".to_string()), size_default == "square_hd", "{model}: {sizes:?}");
        assert_eq!(q(&root, "[data-testid=add-lora]").is_some(), loras, "{model}");
        let accel = option_values(&root, "[name=acceleration]");
        // 2511 and its LoRA go "high"; the angles model does not.
        assert_eq!(accel.contains(&"high".to_string()), model.contains("2511") && !model.ends_with("angles"), "{model}");
        assert_eq!(q(&root, "[data-testid=orbit]").is_some(), model.ends_with("angles"), "{model}: the camera for the angles model only");
        // Only inpainting has a strength (0–1, default 0.93).
        assert_eq!(q(&root, "[name=strength]").map(|_| value(&root, "[name=strength]")), model.ends_with("inpaint").then(|| "0.93".to_string()), "{model}");
    }
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-2511").await;
    // 2511's guidance starts at 1 and defaults to 4.5.
    assert_eq!(attr(&root, "[name=guidance_scale]", "min").as_deref(), Some("1"));
    assert_eq!(value(&root, "[name=guidance_scale]"), "4.5");
    // "Other…" asks for the endpoint and keeps plus's schema.
    assert!(q(&root, "[name=model_other]").is_none());
    set(&root, "[name=model]", "other").await;
    set(&root, "[name=model_other]", "fal-ai/flux/dev").await;
    assert_eq!(attr(&root, "[name=num_inference_steps]", "max").as_deref(), Some("100"));
    // The snippets call the chosen endpoint.
    set(&root, "[name=prompt]", "p").await;
    add_url(&root, "https://a.example/1.png").await;
    let curl = text(&root, "[data-testid=snippet-curl]");
    assert!(curl.contains("'https://api.quickrouter.ai/fal-ai/flux/dev'"), "{curl}");
}

#[wasm_bindgen_test]
async fn switching_models_resets_what_does_not_fit_with_a_note() {
    let root = mount().await;
    set(&root, "[name=num_inference_steps]", "80").await;
    set(&root, "[name=seed]", "7").await;
    set(&root, "[name=prompt]", "keep me").await;
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-2511").await;
    assert_eq!(value(&root, "[name=num_inference_steps]"), "28");
    let note = text(&root, "[data-field-note=num_inference_steps]");
    assert!(note.contains("80") && note.contains("28"), "{note}");
    assert_eq!((value(&root, "[name=seed]"), value(&root, "[name=prompt]")), ("7".into(), "keep me".into()));
    // The note stays while the field holds the value it was reset to.
    set(&root, "[name=num_inference_steps]", "30").await;
    assert!(q(&root, "[data-field-note=num_inference_steps]").is_none());
    set(&root, "[name=output_format]", "webp").await;
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-plus").await;
    assert_eq!(value(&root, "[name=output_format]"), "png");
    assert!(q(&root, "[data-field-note=output_format]").is_some());
    assert!(q(&root, "[data-field-note=acceleration]").is_none(), "the last switch's notes only");
}

#[wasm_bindgen_test]
async fn loras_are_added_edited_and_removed() {
    let root = mount().await;
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-plus-lora").await;
    assert!(all(&root, "[data-testid=lora]").is_empty());
    for _ in 0..3 {
        click(&root, "[data-testid=add-lora]").await;
    }
    let rows = all(&root, "[data-testid=lora]");
    assert_eq!(rows.len(), 3);
    assert!(js_sys::Reflect::get(&q(&root, "[data-testid=add-lora]").unwrap(), &"disabled".into()).unwrap().is_truthy(), "at most 3");
    assert_eq!(value(&root, "[data-testid=lora]:nth-child(1) [name=lora_scale]"), "1");
    for (i, p) in ["o/one", "o/two", "https://h.example/three.safetensors"].iter().enumerate() {
        set(&root, &format!("[data-testid=lora]:nth-child({}) [name=lora_path]", i + 1), p).await;
    }
    set(&root, "[data-testid=lora]:nth-child(2) [name=lora_scale]", "0.5").await;
    click(&root, "[data-testid=lora]:nth-child(2) [data-testid=remove-lora]").await;
    let paths: Vec<String> = all(&root, "[name=lora_path]").iter().map(|e| js_sys::Reflect::get(e, &"value".into()).unwrap().as_string().unwrap()).collect();
    assert_eq!(paths, ["o/one", "https://h.example/three.safetensors"]);
    assert_eq!(value(&root, "[data-testid=lora]:nth-child(2) [name=lora_scale]"), "1");
    // A bad path is named at the list on submit.
    set(&root, "[data-testid=lora]:nth-child(1) [name=lora_path]", "not a path").await;
    click(&root, "form#edit-form button[type=submit]").await;
    assert!(field_error(&root, "loras").unwrap_or_default().contains("LoRA 1"));
}

#[wasm_bindgen_test]
async fn images_are_numbered_and_references_go_in_at_the_cursor() {
    let root = mount().await;
    add_url(&root, "https://a.example/1.png").await;
    add_url(&root, "https://a.example/2.png").await;
    let numbers: Vec<String> = all(&root, "[data-testid=image-number]").iter().filter_map(|e| e.text_content()).collect();
    assert_eq!(numbers, ["Image 1", "Image 2"]);
    set(&root, "[name=prompt]", "put  on the left").await;
    let area: HtmlTextAreaElement = q(&root, "[name=prompt]").unwrap().unchecked_into();
    area.set_selection_range(4, 4).unwrap();
    click(&root, "[data-testid=input-image]:nth-child(2) [data-testid=insert-ref]").await;
    assert_eq!(value(&root, "[name=prompt]"), "put image 2 on the left");
    assert_eq!(area.selection_start().unwrap(), Some(11), "the cursor follows the reference");
    assert!(q(&root, "[data-testid=refs-moved]").is_none());
    // Reordering renumbers the images and says the prompt's references moved; the prompt stays.
    click(&root, "[data-testid=input-image]:nth-child(2) [data-testid=move-earlier]").await;
    assert_eq!(image_urls(&root), ["https://a.example/2.png", "https://a.example/1.png"]);
    let first = q(&root, "[data-testid=input-image]:nth-child(1) [data-testid=image-number]").and_then(|e| e.text_content());
    assert_eq!(first.as_deref(), Some("Image 1"));
    assert!(q(&root, "[data-testid=refs-moved]").is_some());
    assert_eq!(value(&root, "[name=prompt]"), "put image 2 on the left");
}

#[wasm_bindgen_test]
async fn an_import_with_a_problem_changes_nothing_and_names_the_field() {
    let root = mount().await;
    set(&root, "[name=prompt]", "my careful prompt").await;
    add_url(&root, "https://a.example/1.png").await;
    set(&root, "[name=image_size]", "landscape_16_9").await;
    set(&root, "[name=request_json]", r#"{"prompt": 5}"#).await;
    click(&root, "[data-testid=import-json]").await;
    assert!(field_error(&root, "prompt").unwrap_or_default().contains("expected"));
    assert!(field_error(&root, "request_json").is_some());
    assert_eq!(value(&root, "[name=prompt]"), "my careful prompt");
    assert_eq!(image_urls(&root), ["https://a.example/1.png"]);
    assert_eq!(value(&root, "[name=image_size]"), "landscape_16_9");
    // Editing the form clears the refused import's messages.
    set(&root, "[name=prompt]", "my careful prompt!").await;
    assert!(field_error(&root, "prompt").is_none());
    // Fields the model does not take are imported around and named.
    set(&root, "[name=request_json]", r#"{"prompt": "p", "image_urls": ["https://a.example/9.png"], "loras": [{"path": "o/n"}]}"#).await;
    click(&root, "[data-testid=import-json]").await;
    assert_eq!(value(&root, "[name=prompt]"), "p");
    assert!(text(&root, "[data-testid=tools-note]").contains("loras"));
}

#[wasm_bindgen_test]
async fn the_cost_follows_the_size_the_count_and_the_price() {
    let root = mount().await;
    let cost = |root: &HtmlElement| text(root, "[data-testid=cost-estimate]");
    assert_eq!(cost(&root), "Estimate: $0.03");
    set(&root, "[name=num_images]", "2").await;
    assert_eq!(cost(&root), "Estimate: $0.06");
    set(&root, "[name=image_size]", "custom").await;
    set(&root, "[name=image_width]", "2000").await;
    set(&root, "[name=image_height]", "1000").await;
    assert_eq!(cost(&root), "Estimate: $0.12");
    set(&root, "[name=price_per_mp]", "0.05").await;
    assert_eq!(cost(&root), "Estimate: $0.20");
    // Where the output follows the input, nothing is known before an image.
    set(&root, "[name=model]", "fal-ai/qwen-image-edit-2511").await;
    set(&root, "[name=image_size]", "default").await;
    assert!(cost(&root).contains("first image"), "{}", cost(&root));
}

#[wasm_bindgen_test]
async fn the_model_chosen_last_is_the_next_visits_and_old_settings_carry_theirs() {
    let old = r#"{"v":1,"settings":{"provider":"fal","api_base":"https://queue.fal.run","auth_scheme":"Key","model":"fal-ai/qwen-image-edit-2511"}}"#;
    let root = mount_with(&[("qie.settings", old)]).await;
    assert_eq!(value(&root, "[name=model]"), "fal-ai/qwen-image-edit-2511");
    set(&root, "[name=model]", "other").await;
    set(&root, "[name=model_other]", "fal-ai/flux/dev").await;
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("qie.model").unwrap();
    assert_eq!(stored.as_deref(), Some("fal-ai/flux/dev"));
    let root = mount_with(&[("qie.model", "fal-ai/flux/dev")]).await;
    assert_eq!((value(&root, "[name=model]"), value(&root, "[name=model_other]")), ("other".into(), "fal-ai/flux/dev".into()));
}

#[wasm_bindgen_test]
async fn a_first_image_that_cannot_be_read_falls_back_to_the_default_size_and_says_so() {
    let root = mount().await;
    set(&root, "[name=image_size]", "match_input").await;
    assert!(text(&root, "[data-testid=size-preview]").contains("Add an image"));
    // Nothing listens on port 9: the image cannot load.
    add_url(&root, "http://127.0.0.1:9/nothing.png").await;
    for _ in 0..50 {
        if text(&root, "[data-testid=size-preview]").contains("could not be read") {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert!(text(&root, "[data-testid=size-preview]").contains("could not be read"), "{}", text(&root, "[data-testid=size-preview]"));
    assert_eq!(text(&root, "[data-testid=cost-estimate]"), "Estimate: $0.03", "priced at the default size");
    set(&root, "[name=prompt]", "p").await;
    let body = text(&root, "[data-testid=request-json]");
    assert!(body.contains("nothing.png") && !body.contains("image_size"), "the default size is sent: {body}");
}
