//! The request as JSON, code and links; the theme; the language.

use super::*;

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
