//! Issue 22: pixels between the browser's canvas and the plain-Rust region
//! work, exact through a real PNG encode and decode.

use qwen_studio::i18n::{Lang, Msg, K};
use qwen_studio::pixels::composite::burn;
use qwen_studio::pixels::image::Rgba;
use qwen_studio::pixels::shape::{Shape, Tool};
use qwen_studio::web::pixels::{png_data_uri, read};

use super::*;

fn gradient(w: u32, h: u32) -> Rgba {
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&[(x * 255 / (w - 1)) as u8, (y * 255 / (h - 1)) as u8, ((x * 7 + y * 13) % 256) as u8, 255]);
        }
    }
    Rgba::new(w, h, px).unwrap()
}

#[wasm_bindgen_test]
async fn an_image_comes_back_from_a_png_with_every_byte() {
    let img = gradient(37, 23);
    let uri = png_data_uri(&img).unwrap();
    assert!(uri.starts_with("data:image/png;base64,"), "{}", &uri[..30]);
    assert_eq!(read(&uri).await.unwrap(), img);
}

#[wasm_bindgen_test]
async fn a_rectangle_burned_in_is_at_its_pixels_after_the_png_and_nowhere_else() {
    let img = gradient(40, 30);
    let rect = Shape { tool: Tool::Rect, points: vec![[10.0, 8.0], [30.0, 22.0]], size: 2.0, color: "#00ff00".into(), text: String::new() };
    let marked = read(&png_data_uri(&burn(&img, &[rect])).unwrap()).await.unwrap();
    for y in 0..30 {
        for x in 0..40 {
            // The outline: 1 px on each side of the rectangle's edges.
            let on_x = (9..=10).contains(&x) || (29..=30).contains(&x);
            let on_y = (7..=8).contains(&y) || (21..=22).contains(&y);
            let on = (on_x && (7..=22).contains(&y)) || (on_y && (9..=30).contains(&x));
            let want = if on { [0, 255, 0, 255] } else { img.pixel(x, y) };
            assert_eq!(marked.pixel(x, y), want, "({x}, {y})");
        }
    }
}

#[wasm_bindgen_test]
async fn an_image_that_does_not_load_is_refused_with_its_reason() {
    let err = read("data:image/png;base64,AAAA").await.unwrap_err();
    assert_eq!(err, Msg::new(K::RegionUnloadable));
    assert!(err.render(Lang::En).contains("could not be loaded"), "{}", err.render(Lang::En));
}

/// `img` as a PNG behind an object URL (the history keeps no inlined image).
async fn object_url(img: &Rgba) -> String {
    let png = png_data_uri(img).unwrap();
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(web_sys::window().unwrap().fetch_with_str(&png)).await.unwrap().unchecked_into();
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(resp.blob().unwrap()).await.unwrap().unchecked_into();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

/// A finished job in the history: its first input `input`, its result of
/// `w × h` pixels.
fn finished(id: u64, input: &str, w: u32, h: u32) -> qwen_studio::jobs::Job {
    use qwen_studio::jobs::{Job, NewJob, Phase};
    let body = serde_json::json!({"prompt": format!("job {id}"), "image_urls": [input]});
    let mut job = Job::new(NewJob::polled(id, body, "https://q.example", "fal-ai/qwen-image-edit-plus", "t"), 1.0);
    job.phase = Phase::Completed;
    job.request_id = Some(format!("r-{id}"));
    let answer = serde_json::json!({"images": [{"url": format!("https://cdn.example/{id}.png"), "width": w, "height": h, "content_type": "image/png"}]});
    job.output = qwen_studio::api::EditOutput::from_answer(200, &answer.to_string()).ok();
    job
}

#[wasm_bindgen_test]
async fn a_result_of_another_shape_than_its_input_is_pointed_out_and_the_next_run_can_match() {
    // A 4×2 input: a 2:1 result keeps its shape, a square one does not.
    let input = object_url(&gradient(4, 2)).await;
    let history = qwen_studio::jobs::history::encode(&[finished(1, &input, 1024, 512), finished(2, &input, 1024, 1024)]);
    let root = mount_with(&[("qie.history", &history)]).await;
    for b in all(&root, "[data-testid=history-item] [data-testid=open]") {
        b.unchecked_ref::<HtmlElement>().click();
    }
    let mut waited = 0;
    while q(&root, "[data-testid=aspect-warning]").is_none() && waited < 3_000 {
        TimeoutFuture::new(50).await;
        waited += 50;
    }
    let cards = all(&root, "[data-testid=job]");
    assert_eq!(cards.len(), 2, "both jobs are open");
    let warned: Vec<String> = cards.iter().filter(|c| c.query_selector("[data-testid=aspect-warning]").ok().flatten().is_some()).map(|c| c.text_content().unwrap_or_default()).collect();
    assert_eq!(warned.len(), 1, "only the square result is pointed out: {warned:?}");
    assert!(warned[0].contains("job 2") && warned[0].contains("1024×1024") && warned[0].contains("4×2"), "{}", warned[0]);
    assert_ne!(value(&root, "form#edit-form [name=image_size]"), "match_input");
    click(&root, "[data-testid=aspect-match]").await;
    assert_eq!(value(&root, "form#edit-form [name=image_size]"), "match_input", "the next run matches the first image");
    assert!(q(&root, "[data-testid=aspect-match]").is_none(), "the offer goes once taken");
    assert!(q(&root, "[data-testid=aspect-warning]").is_some(), "the warning stays");
}

#[wasm_bindgen_test]
async fn a_result_against_its_input_shows_the_share_of_pixels_changed() {
    // The demo provider recolours its input: a real job, every pixel changed.
    let input = png_data_uri(&gradient(40, 20)).unwrap();
    let root = mount().await;
    set(&root, "[name=provider]", "demo").await;
    set(&root, "[name=prompt]", "recolour").await;
    set(&root, "[name=image_url]", &input).await;
    key(&root, "[name=image_url]", "Enter", false).await;
    click(&root, "form#edit-form button[type=submit]").await;
    let mut waited = 0;
    while q(&root, "[data-testid=job][data-status=completed] [data-testid=compare-input]").is_none() {
        assert!(waited < 15_000, "the demo job completes");
        TimeoutFuture::new(100).await;
        waited += 100;
    }
    click(&root, "[data-testid=compare-input]").await;
    waited = 0;
    while q(&root, "[data-testid=changed-outside]").is_none() {
        assert!(waited < 3_000, "the figure within 3 s: {:?}", q(&root, "[data-testid=diff-view]").and_then(|d| d.text_content()));
        TimeoutFuture::new(50).await;
        waited += 50;
    }
    let fig = q(&root, "[data-testid=diff-view] [data-testid=changed-outside]").unwrap();
    let heat = q(&root, "[data-testid=diff-view] img").expect("with the heat map");
    assert_eq!((heat.get_attribute("width").as_deref(), heat.get_attribute("height").as_deref()), (Some("40"), Some("20")), "at the input's size");
    let percent: f64 = fig.get_attribute("data-percent").unwrap_or_default().parse().unwrap();
    assert!(percent > 50.0, "a recoloured picture changed almost everywhere: {percent}");
    assert!(fig.text_content().unwrap_or_default().contains("% of the pixels changed"), "{:?}", fig.text_content());
    assert_eq!(q(&root, "[data-testid=compare-diff]").and_then(|b| b.get_attribute("aria-pressed")).as_deref(), Some("true"));
    // Back to the pictures themselves.
    click(&root, "[data-testid=compare-diff]").await;
    assert!(q(&root, "[data-testid=diff-view]").is_none() && q(&root, "[data-testid=compare] img").is_some(), "the slider again");
}
