use serde_json::json;

use super::*;
use crate::api::model::{ANGLES, DEFAULT_MODEL, FAMILY};
use crate::api::validate::FirstImage;
use crate::i18n::Lang;

const PLUS: &str = "fal-ai/qwen-image-edit-plus";
const E2511: &str = "fal-ai/qwen-image-edit-2511";
const PLUS_LORA: &str = "fal-ai/qwen-image-edit-plus-lora";

fn filled() -> Draft {
    Draft { prompt: "keep me".into(), image_urls: vec!["https://a/1.png".into()], ..Draft::new() }
}

#[test]
fn each_models_defaults_are_a_valid_minimal_request() {
    for s in &FAMILY {
        let d = Draft { prompt: "p".into(), image_urls: vec!["https://a/1.png".into()], ..Draft::for_model(s.id) };
        assert_eq!(d.endpoint(), s.id);
        let body = d.validate(FirstImage::Unknown).unwrap().to_body();
        // The prompt and the images; the angles model takes no prompt.
        assert_eq!(body.as_object().unwrap().len(), if s.prompt() { 2 } else { 1 }, "{}: {body}", s.id);
    }
}

#[test]
fn the_angles_model_sends_its_camera_and_never_a_prompt() {
    let mut d = Draft { prompt: "typed for another model".into(), image_urls: vec!["https://a/1.png".into()], ..Draft::new() };
    assert!(d.switch_model(ANGLES).is_empty());
    assert_eq!((d.horizontal_angle.as_str(), d.vertical_angle.as_str(), d.zoom.as_str(), d.lora_scale.as_str()), ("0", "0", "5", "1"));
    d.horizontal_angle = "90".into();
    d.vertical_angle = "-30".into();
    d.zoom = "7.5".into();
    d.additional_prompt = "keep the logo".into();
    let body = d.validate(FirstImage::Unknown).unwrap().to_body();
    assert_eq!(body, json!({"image_urls": ["https://a/1.png"], "horizontal_angle": 90, "vertical_angle": -30, "zoom": 7.5, "additional_prompt": "keep the logo"}));
    // No prompt is needed; the camera's ranges hold.
    d.prompt.clear();
    d.horizontal_angle = "361".into();
    d.vertical_angle = "-31".into();
    let errs = d.validate(FirstImage::Unknown).unwrap_err();
    assert_eq!(errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["horizontal_angle", "vertical_angle"]);
    // Back to plus: the camera goes, the prompt is needed again.
    d.switch_model(DEFAULT_MODEL);
    assert!(d.horizontal_angle.is_empty() && d.zoom.is_empty() && d.additional_prompt.is_empty());
    assert!(d.validate(FirstImage::Unknown).unwrap_err().iter().any(|e| e.field == "prompt"));
    // A past angles job's body loads back to the same body.
    let past = json!({"image_urls": ["https://a/1.png"], "horizontal_angle": 45, "zoom": 2});
    let loaded = Draft::from_json(&past, ANGLES).unwrap();
    assert_eq!((loaded.draft.model.as_str(), loaded.ignored.len()), (ANGLES, 0));
    assert_eq!(loaded.draft.validate(FirstImage::Unknown).unwrap().to_body(), past);
}

#[test]
fn request_bodies_load_back_and_validate_to_the_same_body() {
    let body = json!({"prompt":"p","image_urls":["https://a/1.png"],"image_size":"portrait_4_3","negative_prompt":"blurry",
        "num_inference_steps":30,"guidance_scale":7.5,"num_images":2,"enable_safety_checker":false,"output_format":"jpeg",
        "seed":42,"acceleration":"none","sync_mode":true});
    let l = Draft::from_json(&body, PLUS).unwrap();
    assert!(l.notes.is_empty() && l.ignored.is_empty());
    assert_eq!(l.draft.validate(FirstImage::Unknown).unwrap().to_body(), body);
    let custom = json!({"prompt":"p","image_urls":["https://a/1.png"],"image_size":{"width":1280,"height":720}});
    assert_eq!(Draft::from_json(&custom, PLUS).unwrap().draft.validate(FirstImage::Unknown).unwrap().to_body(), custom);
    let lora = json!({"prompt":"p","image_urls":["https://a/1.png"],"loras":[{"path":"o/n","scale":2}],"num_inference_steps":30});
    let l = Draft::from_json(&lora, PLUS_LORA).unwrap();
    assert_eq!((l.draft.model.as_str(), l.draft.loras[0].scale.as_str()), (PLUS_LORA, "2"));
    assert_eq!(l.draft.validate(FirstImage::Unknown).unwrap().to_body(), lora);
}

#[test]
fn the_seeds_spellings_and_kept_out_local_files_are_read() {
    let l = Draft::from_json(&json!({"prompt":"p","image_size":"portrait_9_16","image_urls":["local-file:not-stored","https://a/2.png"]}), PLUS).unwrap();
    assert_eq!((l.draft.image_size.as_str(), l.draft.image_urls.len(), l.notes.len()), ("portrait_16_9", 1, 1));
    // Numbers typed as text (the seed's guidance is an integer; links carry text).
    let l = Draft::from_json(&json!({"guidance_scale": 4, "num_inference_steps": "30", "seed": null}), PLUS).unwrap();
    assert_eq!((l.draft.guidance_scale.as_str(), l.draft.num_inference_steps.as_str(), l.draft.seed.as_str()), ("4", "30", ""));
}

#[test]
fn an_import_with_any_problem_loads_nothing_and_names_every_field() {
    let e = Draft::from_json(&json!({"prompt": 5, "image_urls": "https://a/1.png", "num_images": 9, "enable_safety_checker": "yes"}), PLUS).unwrap_err();
    let mut fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["enable_safety_checker", "image_urls", "prompt"], "types first");
    assert!(e[0].message.render(Lang::En).contains("expected"), "{}", e[0].message.render(Lang::En));
    let e = Draft::from_json(&json!({"prompt": "p", "num_images": 9, "image_size": "huge"}), PLUS).unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["image_size", "num_images"], "then values");
    assert_eq!(Draft::from_json(&json!([1]), PLUS).unwrap_err()[0].field, "request_json");
    let e = Draft::from_json(&json!({"image_size": "huge"}), PLUS).unwrap_err();
    assert!(e[0].message.render(Lang::ZhCn) != e[0].message.render(Lang::En));
}

#[test]
fn fields_the_model_does_not_take_are_left_out_and_named() {
    let l = Draft::from_json(&json!({"prompt":"p","loras":[{"path":"o/n"}],"strength":0.5}), PLUS).unwrap();
    let mut ignored = l.ignored.clone();
    ignored.sort();
    assert_eq!(ignored, ["loras", "strength"]);
    assert_eq!((l.draft.prompt.as_str(), l.draft.loras.len()), ("p", 0));
    let l = Draft::from_json(&json!({"prompt":"p","loras":[{"path":"o/n"}]}), PLUS_LORA).unwrap();
    assert!(l.ignored.is_empty());
    assert_eq!(l.draft.loras, [LoraDraft { path: "o/n".into(), scale: "1".into() }]);
}

#[test]
fn a_body_takes_the_models_defaults_for_what_it_leaves_out() {
    let l = Draft::from_json(&json!({"prompt":"p"}), E2511).unwrap();
    assert_eq!((l.draft.num_inference_steps.as_str(), l.draft.guidance_scale.as_str(), l.draft.image_size.as_str()), ("28", "4.5", "default"));
    let (choice, other) = Draft::model_choice("fal-ai/somewhere/else");
    assert_eq!((choice.as_str(), other.as_str()), ("other", "fal-ai/somewhere/else"));
    assert_eq!(Draft::model_choice("/fal-ai/qwen-image-edit-2511/lora/").0, "fal-ai/qwen-image-edit-2511/lora");
}

#[test]
fn switching_models_keeps_valid_values_and_resets_the_others() {
    // Left at plus's defaults: they become 2511's, silently.
    let mut d = filled();
    assert!(d.switch_model(E2511).is_empty());
    assert_eq!((d.num_inference_steps.as_str(), d.guidance_scale.as_str(), d.image_size.as_str()), ("28", "4.5", "default"));
    assert_eq!(d.prompt, "keep me");
    // Chosen values that 2511 takes stay; the others reset with a note each.
    let mut d = Draft { num_inference_steps: "40".into(), guidance_scale: "0.5".into(), image_size: "landscape_16_9".into(), seed: "7".into(), ..filled() };
    let notes = d.switch_model(E2511);
    assert_eq!(notes.iter().map(|n| n.field.as_str()).collect::<Vec<_>>(), ["guidance_scale"]);
    assert!(notes[0].message.render(Lang::En).contains("0.5") && notes[0].message.render(Lang::En).contains("4.5"));
    assert_eq!((d.num_inference_steps.as_str(), d.guidance_scale.as_str(), d.image_size.as_str(), d.seed.as_str()), ("40", "4.5", "landscape_16_9", "7"));
    // And back: webp, high, 2511's steps and "default" size are not plus's.
    let mut d = Draft { output_format: "webp".into(), acceleration: "high".into(), num_inference_steps: "1".into(), ..Draft::for_model(E2511) };
    let notes = d.switch_model(PLUS);
    let mut fields: Vec<&str> = notes.iter().map(|n| n.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["acceleration", "num_inference_steps", "output_format"]);
    assert_eq!((d.output_format.as_str(), d.acceleration.as_str(), d.num_inference_steps.as_str(), d.image_size.as_str()), ("png", "regular", "50", "square_hd"));
    // "Match the first image" exists only where the size does not follow the input.
    let mut d = Draft { image_size: "match_input".into(), ..filled() };
    assert_eq!(d.switch_model(PLUS_LORA)[0].field, "image_size");
    assert_eq!(d.image_size, "default");
    // LoRAs go where the new model takes none, with a note.
    let mut d = Draft { loras: vec![LoraDraft::default()], ..Draft::for_model(PLUS_LORA) };
    assert!(d.clone().switch_model("fal-ai/qwen-image-edit-2511/lora").is_empty());
    assert_eq!(d.switch_model(PLUS)[0].field, "loras");
    assert!(d.loras.is_empty());
    // "Other…" keeps plus's schema.
    let mut d = filled();
    assert!(d.switch_model("other").is_empty());
    assert_eq!((d.model.as_str(), d.num_inference_steps.as_str()), ("other", "50"));
}

#[test]
fn references_go_in_at_the_cursor_counted_as_the_browser_counts() {
    let mut p = String::from("put  on the left");
    assert_eq!(insert_at(&mut p, 4, 4, "image 2"), 11);
    assert_eq!(p, "put image 2 on the left");
    // A selection is replaced; positions past the end append.
    let mut p = String::from("swap X here");
    assert_eq!(insert_at(&mut p, 5, 6, "image 1"), 12);
    assert_eq!(p, "swap image 1 here");
    let mut p = String::from("end");
    assert_eq!(insert_at(&mut p, 99, 99, " image 3"), 11);
    assert_eq!(p, "end image 3");
    // UTF-16: an emoji is two units, a CJK character one.
    let mut p = String::from("😀图把");
    assert_eq!(insert_at(&mut p, 3, 3, "2"), 4);
    assert_eq!(p, "😀图2把");
}

#[test]
fn prompts_that_name_images_are_recognised() {
    for p in ["Put the cat from image 2 on the sofa", "IMAGE 1 style", "把图1中的人放到图2", "img 3"] {
        assert!(mentions_images(p), "{p}");
    }
    for p in ["an image of a cat", "make it blue", "images 😀", ""] {
        assert!(!mentions_images(p), "{p}");
    }
}

#[test]
fn references_are_spaced_from_the_words_they_touch() {
    let mut p = String::from("Put the cat fromon the sofa");
    let c = insert_ref(&mut p, 16, 16, "image 2");
    assert_eq!(p, "Put the cat from image 2 on the sofa");
    assert_eq!(c, 25, "after the space that follows");
    let mut p = String::from("use ");
    insert_ref(&mut p, 4, 4, "image 1");
    assert_eq!(p, "use image 1");
    let mut p = String::new();
    assert_eq!(insert_ref(&mut p, u32::MAX, u32::MAX, "image 1"), 7);
    assert_eq!(p, "image 1");
    let mut p = String::from("把中的人");
    insert_ref(&mut p, 1, 1, "图1");
    assert_eq!(p, "把图1中的人", "no spaces in Chinese");
    let mut p = String::from("(x)");
    insert_ref(&mut p, 1, 2, "image 3");
    assert_eq!(p, "(image 3)");
}

#[test]
fn an_import_keeps_the_endpoint_of_other_and_links_name_their_own() {
    let l = Draft::from_json(&json!({"prompt":"p"}), "fal-ai/flux/dev").unwrap();
    assert_eq!((l.draft.model.as_str(), l.draft.endpoint()), ("other", "fal-ai/flux/dev".to_string()));
    let l = Draft::from_json(&json!({"prompt":"p"}), "").unwrap();
    assert_eq!(l.draft.model, PLUS);
    let l = Draft::from_json(&json!({"model": E2511, "output_format": "webp"}), PLUS).unwrap();
    assert_eq!((l.draft.model.as_str(), l.draft.output_format.as_str()), (E2511, "webp"));
}

#[test]
fn a_draft_reads_back_from_its_own_fields_and_names_a_wrong_type() {
    let mut d = Draft { loras: vec![LoraDraft { path: "o/n".into(), scale: "0.5".into() }], ..Draft::for_model(PLUS_LORA) };
    d.prompt = "p".into();
    d.image_urls = vec!["https://a/1.png".into()];
    d.sync_mode = true;
    assert_eq!(Draft::from_fields(d.values()), Ok(d.clone()), "every field round-trips");
    let mut m = d.values();
    m.insert("unknown".into(), serde_json::json!(5));
    assert_eq!(Draft::from_fields(m), Ok(d.clone()), "unknown fields are skipped");
    for (k, v, says) in [
        ("prompt", serde_json::json!(5), "invalid type: number `5`, expected a string"),
        ("sync_mode", serde_json::json!("yes"), "invalid type: string \"yes\", expected a boolean"),
        ("image_urls", serde_json::json!(["a", 1]), "invalid type: number `1`, expected a string"),
        ("loras", serde_json::json!([{"path": "a", "weight": 1}]), "unknown field `weight`, expected `path` or `scale`"),
    ] {
        let mut m = serde_json::Map::new();
        m.insert(k.into(), v);
        assert_eq!(Draft::from_fields(m), Err(says.to_string()), "{k}");
    }
    let mut m = serde_json::Map::new();
    m.insert("loras".into(), serde_json::json!([{"path": "a"}]));
    assert_eq!(Draft::from_fields(m).unwrap().loras, [LoraDraft { path: "a".into(), scale: "1".into() }], "a LoRA's scale is 1 unless given");
}

#[test]
fn the_inpaint_model_takes_one_image_and_a_strength_and_its_bodies_load_back() {
    const INPAINT: &str = "fal-ai/qwen-image-edit/inpaint";
    let mut d = filled();
    d.num_inference_steps = "40".into();
    assert_eq!(d.switch_model(INPAINT), vec![], "steps 40 fits; strength starts at its default without a note");
    assert_eq!((d.strength.as_str(), d.num_inference_steps.as_str(), d.image_size.as_str()), ("0.93", "40", SIZE_FOLLOWS));
    d.strength = "0.5".into();
    let body = d.validate(FirstImage::Unknown).unwrap().to_body();
    assert_eq!(body, json!({"prompt":"keep me","image_url":"https://a/1.png","strength":0.5,"num_inference_steps":40}));
    d.strength = "1.5".into();
    assert_eq!(d.validate(FirstImage::Unknown).unwrap_err()[0].field, "strength");
    d.image_urls.push("https://a/2.png".into());
    d.strength = "0.5".into();
    assert_eq!(d.validate(FirstImage::Unknown).unwrap_err(), vec![FieldError::new("image_urls", K::ValInpaintOneImage)]);
    // A past inpainting job: its image comes back, its mask (not kept) is said.
    let past = json!({"prompt":"p","image_url":"https://a/1.png","mask_url":"local-file:","strength":0.5});
    let l = Draft::from_json(&past, INPAINT).unwrap();
    assert_eq!((l.draft.image_urls.clone(), l.draft.strength.as_str(), l.notes.clone()), (vec!["https://a/1.png".to_string()], "0.5", vec![Msg::new(K::NoteMaskNotKept)]));
    // Away from inpainting, the strength goes with it.
    let mut back = l.draft.clone();
    back.switch_model(PLUS);
    assert_eq!((back.strength.as_str(), back.value("strength")), ("", serde_json::Value::Null));
}

/// `values` (by hand) writes what serde's derive wrote: for every model's
/// form, with LoRAs, with and without the model-own fields.
#[test]
fn values_are_what_the_derive_wrote() {
    use crate::api::model::FAMILY;
    for s in FAMILY.iter() {
        let mut d = Draft::for_model(s.id);
        let derived = |d: &Draft| match serde_json::to_value(d) {
            Ok(Value::Object(m)) => m,
            _ => unreachable!(),
        };
        assert_eq!(d.values(), derived(&d), "{}", s.id);
        d.loras = vec![LoraDraft { path: "o/n".into(), scale: "0.5".into() }];
        d.prompt = "p".into();
        d.image_urls = vec!["https://a/1.png".into(), "data:image/png;base64,AA==".into()];
        d.zoom = "3".into();
        assert_eq!(d.values(), derived(&d), "{} with more", s.id);
        assert_eq!(d.to_share().0["v"], 2);
    }
}
