//! The fake's knowledge of the Qwen edit family: what each endpoint's
//! schema accepts, and the size fal reports for an output.

use serde_json::{json, Value};

/// What fal's schema for `model` says of a body: the family's ranges and
/// choices (PROTOCOL.md, "The model family"), as 422 `detail` items. Kept
/// apart from the app's own table on purpose: the test checks the app.
pub fn schema_problems(model: &str, input: &Value) -> Vec<Value> {
    if model == VISION {
        return vision_problems(input);
    }
    let is_2511 = model.starts_with("fal-ai/qwen-image-edit-2511");
    let inpaint = model == "fal-ai/qwen-image-edit/inpaint";
    let angles = model == "fal-ai/qwen-image-edit-2511-multiple-angles";
    let takes_loras = model.ends_with("-lora") || model.ends_with("/lora");
    let (steps, formats, accelerations): ((u64, u64), &[&str], &[&str]) = if angles {
        ((1, 50), &["jpeg", "png", "webp"], &["none", "regular"])
    } else if is_2511 {
        ((1, 50), &["jpeg", "png", "webp"], &["none", "regular", "high"])
    } else if takes_loras || inpaint {
        ((2, 50), &["jpeg", "png"], &["none", "regular"])
    } else {
        ((2, 100), &["jpeg", "png"], &["none", "regular"])
    };
    let mut out = Vec::new();
    let mut bad = |field: &str, msg: String| out.push(json!({"loc": ["body", field], "msg": msg, "type": "value_error"}));
    // Every model but the camera angles one needs a prompt; that one takes
    // none, and its camera has ranges.
    let prompt = input.get("prompt");
    if angles {
        if prompt.is_some() {
            bad("prompt", "Extra inputs are not permitted".into());
        }
        for (field, lo, hi) in [("horizontal_angle", 0.0, 360.0), ("vertical_angle", -30.0, 90.0), ("zoom", 0.0, 10.0)] {
            if let Some(v) = input.get(field) {
                if !v.as_f64().is_some_and(|v| (lo..=hi).contains(&v)) {
                    bad(field, format!("Input should be between {lo} and {hi}"));
                }
            }
        }
        if input.get("additional_prompt").is_some_and(|p| !p.is_string()) {
            bad("additional_prompt", "Input should be a valid string".into());
        }
    } else {
        if prompt.and_then(Value::as_str).is_none_or(|p| p.trim().is_empty()) {
            bad("prompt", "Field required".into());
        }
        for k in ["horizontal_angle", "vertical_angle", "zoom", "additional_prompt", "lora_scale"] {
            if input.get(k).is_some() {
                bad(k, "Extra inputs are not permitted".into());
            }
        }
    }
    // Inpainting: one `image_url` and a `mask_url` (each a URL or a data
    // URI), a `strength` 0-1; no `image_urls`. The others: no mask.
    let url = |k: &str| input.get(k).and_then(Value::as_str).is_some_and(|u| u.starts_with("http") || u.starts_with("data:image/"));
    if inpaint {
        for k in ["image_url", "mask_url"] {
            if !url(k) {
                bad(k, "Field required".into());
            }
        }
        if input.get("image_urls").is_some() {
            bad("image_urls", "Extra inputs are not permitted".into());
        }
        if let Some(s) = input.get("strength") {
            if !s.as_f64().is_some_and(|s| (0.0..=1.0).contains(&s)) {
                bad("strength", "Input should be between 0 and 1".into());
            }
        }
    } else {
        if input.get("image_urls").and_then(Value::as_array).is_none_or(|a| a.is_empty()) {
            bad("image_urls", "Field required".into());
        }
        for k in ["image_url", "mask_url", "strength"] {
            if input.get(k).is_some() {
                bad(k, "Extra inputs are not permitted".into());
            }
        }
    }
    if let Some(n) = input.get("num_inference_steps") {
        if !n.as_u64().is_some_and(|n| (steps.0..=steps.1).contains(&n)) {
            bad("num_inference_steps", format!("Input should be between {} and {}", steps.0, steps.1));
        }
    }
    for (field, allowed) in [("output_format", formats), ("acceleration", accelerations)] {
        if let Some(v) = input.get(field) {
            if !v.as_str().is_some_and(|v| allowed.contains(&v)) {
                bad(field, format!("Input should be {}", allowed.join(", ")));
            }
        }
    }
    match input.get("loras") {
        Some(_) if !takes_loras => bad("loras", "Extra inputs are not permitted".into()),
        Some(Value::Array(list)) => {
            let ok = list.len() <= 3
                && list.iter().all(|l| {
                    l.get("path").and_then(Value::as_str).is_some_and(|p| !p.is_empty())
                        && l.get("scale").is_none_or(|s| s.as_f64().is_some_and(|s| (0.0..=4.0).contains(&s)))
                });
            if !ok {
                bad("loras", "Up to 3 of {path, scale 0-4}".into());
            }
        }
        Some(_) => bad("loras", "Input should be a valid list".into()),
        None => {}
    }
    out
}

/// The size fal reports for an output: the size asked for, else a
/// megapixel square (the files served stay small).
pub fn output_size(input: &Value) -> (u64, u64) {
    match input.get("image_size") {
        Some(Value::Object(o)) => (o.get("width").and_then(Value::as_u64).unwrap_or(1024), o.get("height").and_then(Value::as_u64).unwrap_or(1024)),
        Some(Value::String(s)) => match s.as_str() {
            "square" => (512, 512),
            "portrait_4_3" => (768, 1024),
            "portrait_16_9" => (576, 1024),
            "landscape_4_3" => (1024, 768),
            "landscape_16_9" => (1024, 576),
            _ => (1024, 1024),
        },
        _ => (1024, 1024),
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    /// The fields refused in `body` with its images (those of `model`'s kind).
    fn fields(model: &str, mut body: Value) -> Vec<String> {
        let images = if model.ends_with("/inpaint") {
            json!({"image_url": "https://h/1.png", "mask_url": "data:image/png;base64,AA=="})
        } else {
            json!({"image_urls": ["https://h/1.png"]})
        };
        for (k, v) in images.as_object().unwrap() {
            body[k] = v.clone();
        }
        if !model.ends_with("-multiple-angles") && body.get("prompt").is_none() {
            body["prompt"] = "p".into();
        }
        schema_problems(model, &body).iter().map(|p| p["loc"][1].as_str().unwrap_or_default().to_string()).collect()
    }

    #[test]
    fn each_endpoint_takes_its_own_fields() {
        let rich = json!({"output_format": "webp", "acceleration": "high", "num_inference_steps": 50});
        assert!(fields("fal-ai/qwen-image-edit-2511", rich.clone()).is_empty());
        assert_eq!(fields("fal-ai/qwen-image-edit-plus", rich), ["output_format", "acceleration"]);
        assert_eq!(fields("fal-ai/qwen-image-edit-2511", json!({"num_inference_steps": 51})), ["num_inference_steps"]);
        assert!(fields("fal-ai/qwen-image-edit-plus", json!({"num_inference_steps": 100})).is_empty());
        let loras = json!({"loras": [{"path": "o/n"}, {"path": "https://h/x.safetensors", "scale": 0.5}]});
        assert!(fields("fal-ai/qwen-image-edit-plus-lora", loras.clone()).is_empty());
        assert!(fields("fal-ai/qwen-image-edit-2511/lora", loras.clone()).is_empty());
        assert_eq!(fields("fal-ai/qwen-image-edit-plus", loras), ["loras"]);
        assert_eq!(fields("fal-ai/qwen-image-edit-2509-lora", json!({"loras": [{"path": "o/n", "scale": 5}]})), ["loras"]);
        assert!(fields("fal-ai/qwen-image-edit/inpaint", json!({"strength": 0.5, "num_inference_steps": 50})).is_empty());
        assert_eq!(fields("fal-ai/qwen-image-edit/inpaint", json!({"strength": 1.5, "image_urls": ["https://h/1.png"]})), ["image_urls", "strength"]);
        assert_eq!(fields("fal-ai/qwen-image-edit-plus", json!({"mask_url": "data:image/png;base64,AA=="})), ["mask_url"]);
        assert_eq!(schema_problems("fal-ai/qwen-image-edit/inpaint", &json!({"prompt": "p", "image_url": "https://h/1.png"}))[0]["loc"][1], "mask_url");
        let angles = "fal-ai/qwen-image-edit-2511-multiple-angles";
        assert!(fields(angles, json!({"horizontal_angle": 315, "vertical_angle": -30, "zoom": 10, "lora_scale": 1.5, "additional_prompt": "x", "output_format": "webp"})).is_empty());
        assert_eq!(fields(angles, json!({"prompt": "p", "horizontal_angle": 361, "vertical_angle": 91, "zoom": -1, "acceleration": "high"})), ["prompt", "horizontal_angle", "vertical_angle", "zoom", "acceleration"]);
        assert_eq!(fields("fal-ai/qwen-image-edit-2511", json!({"zoom": 5})), ["zoom"]);
        assert_eq!(schema_problems("fal-ai/qwen-image-edit-plus", &json!({"image_urls": ["https://h/1.png"]}))[0]["loc"][1], "prompt");
        assert_eq!(output_size(&json!({"image_size": {"width": 1248, "height": 832}})), (1248, 832));
        assert_eq!(output_size(&json!({})), (1024, 1024));
    }
}

/// The vision-language model behind the same queue (prompt rewrites).
pub const VISION: &str = "openrouter/router/vision";

/// `openrouter/router/vision`: `prompt`, `model` and `image_urls` required;
/// `temperature` 0–2; none of the edit models' fields.
fn vision_problems(input: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut bad = |field: &str, msg: &str| out.push(json!({"loc": ["body", field], "msg": msg, "type": "value_error"}));
    for k in ["prompt", "model"] {
        if input.get(k).and_then(Value::as_str).is_none_or(|p| p.trim().is_empty()) {
            bad(k, "Field required");
        }
    }
    if !input.get("image_urls").is_some_and(Value::is_array) {
        bad("image_urls", "Field required");
    }
    if input.get("temperature").is_some_and(|t| !t.as_f64().is_some_and(|t| (0.0..=2.0).contains(&t))) {
        bad("temperature", "Input should be between 0 and 2");
    }
    for k in ["num_images", "seed", "guidance_scale", "num_inference_steps", "image_size", "output_format"] {
        if input.get(k).is_some() {
            bad(k, "Extra inputs are not permitted");
        }
    }
    out
}

/// The vision model's answer: `told` when the test says what to answer,
/// else the prompt made to say what stays.
pub fn vision_result(input: &Value, told: Option<&Value>) -> Value {
    let output = told.cloned().unwrap_or_else(|| {
        let p = input.get("prompt").and_then(Value::as_str).unwrap_or("");
        if p.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            json!(format!("把图1中{p}，保持图1的其他部分不变"))
        } else {
            json!(format!("In image 1, {p}; keep everything else in image 1 unchanged"))
        }
    });
    json!({"output": output, "usage": {"prompt_tokens": 812, "completion_tokens": 24, "total_tokens": 836, "cost": 0.00042}})
}
