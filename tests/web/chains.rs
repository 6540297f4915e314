//! Issue 23: the chain view of a stored history.

use super::*;

/// A completed job made from the result of `parent` (a request id).
fn step(id: u64, prompt: &str, parent: Option<u64>) -> serde_json::Value {
    let mut j = serde_json::json!({
        "id": id, "base": "https://api.quickrouter.ai", "model": "fal-ai/qwen-image-edit-plus",
        "body": {"prompt": prompt, "image_urls": [format!("https://cdn.example/{}.png", parent.unwrap_or(0))]},
        "request_id": format!("req-{id}"), "endpoints": null, "phase": "completed", "raw_status": null, "queue_position": null,
        "logs": [], "submitted_at": id as f64, "ended_at": id as f64 + 1.0, "inference_time": null,
        "output": {"images": [{"url": format!("https://cdn.example/{id}.png"), "nsfw": false}]}, "error": null,
        "status_error": null, "cancel": "None"
    });
    if let Some(p) = parent {
        j["sources"] = serde_json::json!([{"Result": {"job": p, "request": format!("req-{p}"), "index": 0}}]);
    }
    j
}

fn steps(root: &HtmlElement) -> Vec<(String, String)> {
    all(root, "[data-testid=chain-view] [data-testid=chain-step]")
        .iter()
        .map(|e| (e.get_attribute("data-request-id").unwrap_or_default(), e.get_attribute("data-depth").unwrap_or_default()))
        .collect()
}

#[wasm_bindgen_test]
async fn the_chain_view_draws_the_tree_of_a_stored_history() {
    // 1 → 2 → 3 and 2 → 4 (a branch); 6 was made from 5, which is gone;
    // 7 stands alone.
    let jobs = [step(1, "a hat", None), step(2, "make it red", Some(1)), step(3, "add snow", Some(2)), step(4, "at night", Some(2)), step(6, "orphan", Some(5)), step(7, "alone", None)];
    let history = serde_json::json!({"v": 1, "jobs": jobs}).to_string();
    let root = mount_with(&[("qie.history", &history)]).await;
    assert!(q(&root, "[data-testid=history-problem]").is_none(), "{:?}", q(&root, "[data-testid=history-problem]").and_then(|e| e.text_content()));
    let item = |id: u64| format!("[data-testid=history-item][data-request-id=req-{id}]");
    // In a chain: made from a result, or whose result made another.
    for id in [2, 3, 4, 6, 1] {
        assert!(q(&root, &format!("{} [data-testid=open-chain]", item(id))).is_some(), "job {id} offers its chain: {:?}", q(&root, &item(id)).map(|e| e.outer_html()));
    }
    assert!(q(&root, &item(7)).is_some());
    assert!(q(&root, &format!("{} [data-testid=open-chain]", item(7))).is_none(), "a job alone has no chain");

    click(&root, &format!("{} [data-testid=open-chain]", item(4))).await;
    let want = [("req-1", "0"), ("req-2", "1"), ("req-3", "2"), ("req-4", "2")].map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(steps(&root), want, "the tree from its original, the branch under step 2");
    let text = q(&root, "[data-testid=chain-view]").and_then(|e| e.text_content()).unwrap_or_default();
    assert!(text.contains("make it red") && text.contains("qwen-image-edit-plus") && text.contains("Completed"), "{text}");
    assert_eq!(all(&root, "[data-testid=chain-view] img").len(), 4, "a thumbnail each");

    // A child whose parent is gone starts its own chain.
    click(&root, "[data-testid=close-chain]").await;
    assert!(q(&root, "[data-testid=chain-view]").is_none());
    click(&root, &format!("{} [data-testid=open-chain]", item(6))).await;
    assert_eq!(steps(&root), [("req-6".to_string(), "0".to_string())]);

    // Replay to a step: the form asks for the new picture and refuses to
    // start without one.
    click(&root, &format!("{} [data-testid=open-chain]", item(3))).await;
    click(&root, "[data-testid=chain-step][data-request-id=req-3] [data-testid=replay-chain]").await;
    let form = q(&root, "[data-testid=replay-form]").expect("the replay form");
    assert!(form.text_content().unwrap_or_default().contains("3 steps"), "the path is three steps");
    assert!(q(&root, "[data-testid=replay-form] input[name=image_url]").is_some() && q(&root, "[data-testid=replay-form] input[name=image_file]").is_some());
    click(&root, "[data-testid=replay-start]").await;
    assert!(q(&root, "[data-testid=replay-problem]").is_some(), "no picture, no replay");
    assert!(q(&root, "[data-testid=job-group]").is_none(), "nothing was started");
}
