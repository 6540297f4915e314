//! Issue 12: a group of jobs from one submit, its zip, and comparing two
//! results.

use super::*;

use qwen_studio::api::zip;
use qwen_studio::api::EditOutput;
use qwen_studio::jobs::plan::{Label, Member, Vary};
use qwen_studio::jobs::{Job, NewJob};

/// Waits (up to `ms`) until `css` matches.
async fn until(root: &HtmlElement, css: &str, ms: u32) {
    let mut waited = 0;
    while q(root, css).is_none() {
        assert!(waited < ms, "{css} within {ms} ms");
        TimeoutFuture::new(100).await;
        waited += 100;
    }
}

fn texts(root: &HtmlElement, css: &str) -> Vec<String> {
    all(root, css).iter().map(|e| e.text_content().unwrap_or_default().trim().to_string()).collect()
}

#[wasm_bindgen_test]
async fn a_group_of_four_shows_a_labelled_grid_and_two_of_its_results_compare() {
    let root = mount().await;
    set(&root, "[name=provider]", "demo").await;
    set(&root, "[name=prompt]", "four seeds").await;
    set(&root, "[name=image_url]", "https://a.example/1.png").await;
    key(&root, "[name=image_url]", "Enter", false).await;
    set(&root, "[name=seed]", "7").await;
    set(&root, "[name=variations]", "4").await;
    let button = q(&root, "form#edit-form button[type=submit]").unwrap();
    assert_eq!(button.get_attribute("data-jobs").as_deref(), Some("4"));
    assert!(button.text_content().unwrap_or_default().contains('4'), "the button says 4 jobs");
    let cost = q(&root, "[data-testid=cost-estimate]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(cost.contains("4 jobs"), "the estimate covers the 4: {cost}");
    click(&root, "form#edit-form button[type=submit]").await;
    until(&root, "[data-testid=job-group][data-total='4']", 2_000).await;
    assert_eq!(all(&root, "[data-testid=job-group] [data-testid=job]").len(), 4, "the group holds the 4 cards");
    assert_eq!(texts(&root, "[data-testid=group-label]"), ["seed 7", "seed 8", "seed 9", "seed 10"]);
    until(&root, "[data-testid=job-group][data-done='4'][data-failed='0']", 15_000).await;
    let images: Vec<String> = all(&root, "[data-testid=group-image]").iter().filter_map(|e| e.get_attribute("src")).collect();
    assert_eq!(images.len(), 4, "a result per job");
    assert!(q(&root, "button[data-testid=download-all]").is_some(), "download all, once some are done");
    assert!(q(&root, "button[data-testid=cancel-group]").is_none(), "nothing left to cancel");

    // Pick the results of jobs 1 and 3, then compare them.
    let picks = all(&root, "[data-testid=group-cell] [data-testid=pick-compare]");
    picks[0].unchecked_ref::<HtmlElement>().click();
    picks[2].unchecked_ref::<HtmlElement>().click();
    tick().await;
    assert_eq!(picks[0].get_attribute("aria-pressed").as_deref(), Some("true"));
    click(&root, "[data-testid=open-compare]").await;
    let shown: Vec<String> = all(&root, "[data-testid=compare] img").iter().filter_map(|e| e.get_attribute("src")).collect();
    assert_eq!(shown, [images[0].clone(), images[2].clone()], "the two picked, one over the other");
    click(&root, "[data-testid=compare-side]").await;
    let side: Vec<String> = all(&root, "[data-testid=compare-side-by-side] img").iter().filter_map(|e| e.get_attribute("src")).collect();
    assert_eq!(side, [images[0].clone(), images[2].clone()], "and side by side");
    click(&root, "[data-testid=close-lightbox]").await;
    assert!(q(&root, "[data-testid=lightbox]").is_none());
}

/// A completed job of a group, with images at `urls`.
fn member(index: usize, seed: u64, urls: &[&str]) -> Job {
    let mut n = NewJob::polled(index as u64, serde_json::json!({"prompt": "p", "seed": seed}), "https://q.example", "fal-ai/qwen-image-edit-plus", "t");
    n.group = Some(Member { group: 0, index, total: 2, label: Label { image: None, varied: Some((Vary::Seed, seed.to_string())) }, replay: false });
    let mut j = Job::new(n, 0.0);
    let images: Vec<_> = urls.iter().map(|u| serde_json::json!({"url": u, "content_type": "image/png"})).collect();
    j.output = EditOutput::from_answer(200, &serde_json::json!({"images": images, "seed": seed}).to_string()).ok();
    j
}

#[wasm_bindgen_test]
async fn download_all_writes_every_image_and_request_into_one_zip() {
    // Data URIs of known bytes (the browser fetches them as it would the CDN).
    let a = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="; // 16 bytes
    let b = "data:image/png;base64,AAECAwQF"; // 6 bytes
    let jobs = [member(0, 42, &[a]), member(1, 43, &[b, a])];
    let (bytes, missing) = qwen_studio::web::bundle::group_zip(&jobs, 1.7e12).await.expect("a zip");
    assert_eq!(missing, 0);
    let entries = zip::read(&bytes).expect("the zip reads back, CRCs and all");
    let shape: Vec<(&str, usize)> = entries.iter().map(|(n, d)| (n.as_str(), d.len())).collect();
    assert_eq!(&shape[..2], [("01-seed-42.png", 16), ("01-seed-42.request.json", shape[1].1)]);
    assert_eq!(shape[2..4], [("02-seed-43.png", 6), ("02-seed-43-2.png", 16)]);
    assert_eq!(shape[4].0, "02-seed-43.request.json");
    assert_eq!(entries[2].1, [0, 1, 2, 3, 4, 5], "the bytes as fetched");
    let request: serde_json::Value = serde_json::from_slice(&entries[4].1).unwrap();
    assert_eq!(request["input"]["seed"], 43);

    // An image the browser cannot fetch is named in missing.txt.
    let jobs = [member(0, 1, &["https://127.0.0.1:9/gone.png"])];
    let (bytes, missing) = qwen_studio::web::bundle::group_zip(&jobs, 1.7e12).await.unwrap();
    let names: Vec<String> = zip::read(&bytes).unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!((missing, names), (1, vec!["01-seed-1.request.json".to_string(), "missing.txt".to_string()]));
}

#[wasm_bindgen_test]
async fn a_job_that_keeps_the_rest_has_its_kept_versions_in_the_zip() {
    use qwen_studio::jobs::KeepRegion;
    use qwen_studio::pixels::composite::keep_rest;
    use qwen_studio::pixels::image::Rgba;
    use qwen_studio::pixels::mask::Mask;
    use qwen_studio::pixels::shape::{Shape, Tool};
    use qwen_studio::web::pixels::{png_data_uri, read};
    let solid = |rgb: [u8; 3]| Rgba::new(24, 16, (0..24 * 16).flat_map(|_| [rgb[0], rgb[1], rgb[2], 255]).collect()).unwrap();
    let (input, result) = (solid([200, 30, 30]), solid([20, 40, 220]));
    let shapes = vec![Shape { tool: Tool::Rect, points: vec![[4.0, 4.0], [14.0, 12.0]], size: 2.0, color: "#fff".into(), text: String::new() }];
    let mut j = member(0, 42, &[&png_data_uri(&result).unwrap()]);
    j.body = serde_json::json!({"prompt": "p", "image_urls": [png_data_uri(&input).unwrap()]});
    j.region = Some(KeepRegion { image: 0, shapes: shapes.clone(), feather: 2 });
    let (bytes, missing) = qwen_studio::web::bundle::group_zip(&[j.clone()], 1.7e12).await.expect("a zip");
    let entries = zip::read(&bytes).expect("the zip reads back");
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!((missing, &names[..]), (0, &["01-seed-42.png", "01-seed-42-kept.png", "01-seed-42.request.json"][..]));
    // The kept version's pixels: the result inside the box, the input
    // outside, feathered, exactly as the pixel code makes it.
    let kept = read(&qwen_studio::api::image::data_uri("image/png", &entries[1].1)).await.expect("a PNG");
    let expected = keep_rest(&input, &result, &Mask::of_shapes(24, 16, &shapes).feathered(2)).image;
    assert_eq!((kept.w, kept.h), (24, 16));
    assert!(kept.px == expected.px && kept.pixel(0, 0) == input.pixel(0, 0) && kept.pixel(9, 8) == result.pixel(9, 8), "kept = input outside, result inside");

    // Without the input it was drawn on (and no copy): named in missing.txt.
    j.body = serde_json::json!({"prompt": "p"});
    let (bytes, missing) = qwen_studio::web::bundle::group_zip(&[j], 1.7e12).await.unwrap();
    let entries = zip::read(&bytes).unwrap();
    let note = entries.iter().find(|(n, _)| n == "missing.txt").map(|(_, d)| String::from_utf8_lossy(d).to_string()).unwrap_or_default();
    assert!(missing == 1 && note.starts_with("01-seed-42-kept.png\tkept version of data:image/png"), "{missing} {note}");
}
