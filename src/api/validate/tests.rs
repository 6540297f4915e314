use super::*;
use crate::api::draft::LoraDraft;
use crate::i18n::Lang;
use serde_json::json;

const F: FirstImage = FirstImage::Unknown;

fn ok_draft() -> Draft {
    Draft { prompt: "make it blue".into(), image_urls: vec!["https://a.b/x.png".into()], ..Draft::new() }
}

fn on(model: &str) -> Draft {
    Draft { prompt: "p".into(), image_urls: vec!["https://a.b/x.png".into()], ..Draft::for_model(model) }
}

fn fields(d: &Draft) -> Vec<String> {
    d.validate(F).err().unwrap_or_default().into_iter().map(|e| e.field).collect()
}

#[test]
fn the_default_form_needs_only_a_prompt_and_an_image() {
    assert_eq!(fields(&Draft::new()), ["prompt", "image_urls"]);
    assert!(Draft::new().check(F, false).is_ok(), "an import may leave them for later");
    let input = ok_draft().validate(F).unwrap();
    assert_eq!(input.to_body(), json!({"prompt":"make it blue","image_urls":["https://a.b/x.png"]}));
}

#[test]
fn every_changed_field_is_sent_with_the_apis_names() {
    let d = Draft {
        prompt: "  p  ".into(),
        image_urls: vec!["https://a/1.png".into(), "data:image/png;base64,AA==".into()],
        image_size: "portrait_4_3".into(),
        negative_prompt: " blurry, ugly ".into(),
        num_inference_steps: "30".into(),
        guidance_scale: "7.5".into(),
        num_images: "2".into(),
        enable_safety_checker: false,
        output_format: "jpeg".into(),
        seed: "42".into(),
        acceleration: "none".into(),
        sync_mode: true,
        ..Draft::new()
    };
    assert_eq!(
        d.validate(F).unwrap().to_body(),
        json!({"prompt":"p","image_urls":["https://a/1.png","data:image/png;base64,AA=="],
            "image_size":"portrait_4_3","negative_prompt":"blurry, ugly","num_inference_steps":30,
            "guidance_scale":7.5,"num_images":2,"enable_safety_checker":false,"output_format":"jpeg",
            "seed":42,"acceleration":"none","sync_mode":true})
    );
    let whole = Draft { guidance_scale: "6".into(), seed: "0".into(), ..ok_draft() }.validate(F).unwrap().to_body();
    assert!(whole["guidance_scale"].is_i64() && whole["seed"] == json!(0), "{whole}");
}

#[test]
fn a_value_is_sent_against_its_own_models_default() {
    // 28 steps and guidance 4.5 are 2511's defaults and not plus's; 50 and 4 the other way round.
    let plus = Draft { num_inference_steps: "28".into(), guidance_scale: "4.5".into(), ..ok_draft() }.validate(F).unwrap().to_body();
    assert_eq!((&plus["num_inference_steps"], &plus["guidance_scale"]), (&json!(28), &json!(4.5)));
    let e = Draft { num_inference_steps: "50".into(), guidance_scale: "4".into(), output_format: "webp".into(), acceleration: "high".into(), ..on("fal-ai/qwen-image-edit-2511") };
    let b = e.validate(F).unwrap().to_body();
    assert_eq!((&b["num_inference_steps"], &b["guidance_scale"]), (&json!(50), &json!(4)));
    assert_eq!((&b["output_format"], &b["acceleration"]), (&json!("webp"), &json!("high")));
    assert_eq!(Draft::for_model("fal-ai/qwen-image-edit-2511").negative_prompt, "", "2511's default negative prompt is empty, plus's a space: both send nothing");
}

#[test]
fn each_kind_of_parameter_is_read_by_the_one_list() {
    let p = |kind| Param { name: "x", kind };
    let int = p(Kind::Int { min: 2, max: 50, default: Some(28) });
    assert_eq!(check_param(&int, &json!(" 28 ")), Ok(None));
    assert_eq!(check_param(&int, &json!("30")), Ok(Some(json!(30))));
    assert!(check_param(&int, &json!("51")).is_err() && check_param(&int, &json!("")).is_err() && check_param(&int, &json!(30)).is_err());
    let seed = p(Kind::Int { min: 0, max: 9, default: None });
    assert_eq!(check_param(&seed, &json!("")), Ok(None));
    let num = p(Kind::Number { min: 1.0, max: 20.0, default: 4.5 });
    assert_eq!(check_param(&num, &json!("4.5")), Ok(None));
    assert_eq!(check_param(&num, &json!("2")), Ok(Some(json!(2))));
    assert!(check_param(&num, &json!("0.5")).unwrap_err().render(Lang::En).contains("1 to 20"));
    let choice = p(Kind::Choice { values: &["png", "webp"] });
    assert_eq!((check_param(&choice, &json!("png")), check_param(&choice, &json!("webp"))), (Ok(None), Ok(Some(json!("webp")))));
    assert!(check_param(&choice, &json!("gif")).unwrap_err().render(Lang::En).contains("png, webp"));
    let b = p(Kind::Bool { default: true });
    assert_eq!((check_param(&b, &json!(true)), check_param(&b, &json!(false))), (Ok(None), Ok(Some(json!(false)))));
    assert_eq!(check_param(&p(Kind::Text), &json!("  ")), Ok(None));
}

#[test]
fn blank_prompts_are_refused() {
    let d = Draft { prompt: " \n\t".into(), ..ok_draft() };
    assert_eq!(fields(&d), ["prompt"]);
}

#[test]
fn ranges_are_enforced_at_both_ends() {
    for (steps, ok) in [("1", false), ("2", true), ("100", true), ("101", false), ("2.5", false), ("", false), ("x", false)] {
        let d = Draft { num_inference_steps: steps.into(), ..ok_draft() };
        assert_eq!(d.validate(F).is_ok(), ok, "steps {steps}");
    }
    for (g, ok) in [("0", true), ("20", true), ("7.5", true), ("-0.1", false), ("20.01", false), ("NaN", false), ("inf", false), ("", false)] {
        let d = Draft { guidance_scale: g.into(), ..ok_draft() };
        assert_eq!(d.validate(F).is_ok(), ok, "guidance {g}");
    }
    for (n, ok) in [("0", false), ("1", true), ("4", true), ("5", false)] {
        let d = Draft { num_images: n.into(), ..ok_draft() };
        assert_eq!(d.validate(F).is_ok(), ok, "num_images {n}");
    }
    for (s, ok) in [("", true), ("0", true), ("4294967295", true), ("4294967296", false), ("-1", false), ("1e3", false)] {
        let d = Draft { seed: s.into(), ..ok_draft() };
        assert_eq!(d.validate(F).is_ok(), ok, "seed {s}");
    }
}

#[test]
fn each_model_is_checked_against_its_own_ranges_and_choices() {
    let e = "fal-ai/qwen-image-edit-2511";
    for (steps, ok) in [("1", true), ("50", true), ("51", false), ("100", false)] {
        assert_eq!(Draft { num_inference_steps: steps.into(), ..on(e) }.validate(F).is_ok(), ok, "2511 steps {steps}");
    }
    assert!(Draft { guidance_scale: "0.5".into(), ..on(e) }.validate(F).is_err(), "2511 guidance starts at 1");
    assert!(Draft { output_format: "webp".into(), acceleration: "high".into(), ..on(e) }.validate(F).is_ok());
    let plus = Draft { output_format: "webp".into(), acceleration: "high".into(), ..on("fal-ai/qwen-image-edit-plus") };
    assert_eq!(fields(&plus), ["output_format", "acceleration"]);
    assert!(plus.validate(F).unwrap_err()[0].message.render(Lang::En).contains("png, jpeg"));
    for lora in ["fal-ai/qwen-image-edit-plus-lora", "fal-ai/qwen-image-edit-2509-lora"] {
        assert!(Draft { num_inference_steps: "51".into(), ..on(lora) }.validate(F).is_err(), "{lora}");
    }
    assert_eq!(fields(&Draft { model: "fal-ai/made-up".into(), ..ok_draft() }), ["model"]);
    let other = Draft { model: OTHER.into(), model_other: "fal-ai/flux/dev".into(), ..ok_draft() };
    assert_eq!(other.endpoint(), "fal-ai/flux/dev");
    assert!(other.validate(F).is_ok(), "Other… keeps plus's schema");
    for bad in ["", "flux", "fal-ai/../x", "fal-ai/a b", "https://x/y"] {
        assert_eq!(fields(&Draft { model_other: bad.into(), ..other.clone() }), ["model_other"], "{bad:?}");
    }
}

#[test]
fn loras_are_checked_and_sent() {
    let m = "fal-ai/qwen-image-edit-plus-lora";
    let lora = |p: &str, s: &str| LoraDraft { path: p.into(), scale: s.into() };
    let d = Draft { loras: vec![lora("https://h.co/a/w.safetensors?dl=1", "1"), lora("owner/name", "0.5")], ..on(m) };
    assert_eq!(d.validate(F).unwrap().to_body()["loras"], json!([{"path":"https://h.co/a/w.safetensors?dl=1"},{"path":"owner/name","scale":0.5}]));
    for (p, ok) in [("https://h/w.bin", false), ("http://h/w.safetensors", false), ("owner", false), ("a/b/c", false), ("javascript:x", false), ("Qwen/Edit-LoRA_v1.0", true)] {
        assert_eq!(check_lora_path(p).is_ok(), ok, "{p}");
    }
    for (s, ok) in [("0", true), ("4", true), ("4.01", false), ("-1", false), ("x", false)] {
        assert_eq!(Draft { loras: vec![lora("o/n", s)], ..on(m) }.validate(F).is_ok(), ok, "scale {s}");
    }
    let four = Draft { loras: vec![lora("o/n", "1"); 4], ..on(m) };
    let e = four.validate(F).unwrap_err();
    assert_eq!((e.len(), e[0].field.as_str()), (1, "loras"));
    let bad = Draft { loras: vec![lora("o/n", "1"), lora("nope", "9")], ..on(m) };
    let msgs: Vec<String> = bad.validate(F).unwrap_err().iter().map(|e| e.message.render(Lang::En)).collect();
    assert_eq!(msgs.len(), 2);
    assert!(msgs.iter().all(|m| m.starts_with("LoRA 2")), "{msgs:?}");
    // A model without LoRAs sends none.
    let plus = Draft { loras: vec![lora("o/n", "1")], ..on("fal-ai/qwen-image-edit-plus") };
    assert!(plus.validate(F).unwrap().to_body().get("loras").is_none());
}

#[test]
fn custom_sizes_need_both_sides_in_range() {
    let d = Draft { image_size: "custom".into(), image_width: "1280".into(), image_height: "720".into(), ..ok_draft() };
    assert_eq!(d.validate(F).unwrap().image_size, Some(ImageSize::Custom { width: 1280, height: 720 }));
    let d = Draft { image_size: "custom".into(), image_width: "63".into(), image_height: "4097".into(), ..ok_draft() };
    assert_eq!(fields(&d), ["image_width", "image_height"]);
    // Sides are not checked while a preset is chosen.
    let d = Draft { image_width: "x".into(), ..ok_draft() };
    assert!(d.validate(F).is_ok());
    assert_eq!(side_hint("1020"), Some(K::HintMultipleOf8));
    assert_eq!(side_hint("1024"), None);
}

#[test]
fn match_input_sends_the_first_images_shape_or_falls_back() {
    let d = Draft { image_size: SIZE_MATCH.into(), ..ok_draft() };
    let body = d.validate(FirstImage::Known(1200, 800)).unwrap().to_body();
    assert_eq!(body["image_size"], json!({"width":1248,"height":832}));
    assert_eq!(fields(&d), Vec::<String>::new());
    let fallback = d.validate(FirstImage::Unreadable).unwrap();
    assert_eq!(fallback.image_size, Some(ImageSize::Preset(SizePreset::SquareHd)));
    assert!(fallback.to_body().get("image_size").is_none(), "the default size");
    assert_eq!(d.validate(FirstImage::Reading).unwrap_err()[0].field, "image_size");
    // Where the size follows the input, "match" is not a choice and "default" sends nothing.
    let e = Draft { image_size: SIZE_MATCH.into(), ..on("fal-ai/qwen-image-edit-2511") };
    assert_eq!(e.validate(F).unwrap_err()[0].field, "image_size");
    assert!(on("fal-ai/qwen-image-edit-2511").validate(F).unwrap().to_body().get("image_size").is_none());
    assert_eq!(fields(&Draft { image_size: SIZE_FOLLOWS.into(), ..ok_draft() }), ["image_size"]);
}

#[test]
fn enums_are_checked() {
    let d = Draft { image_size: "huge".into(), output_format: "gif".into(), acceleration: "turbo".into(), ..ok_draft() };
    assert_eq!(fields(&d), ["image_size", "output_format", "acceleration"]);
    let d = Draft { image_size: "portrait_3_4".into(), ..ok_draft() };
    assert_eq!(d.validate(F).unwrap().to_body()["image_size"], json!("portrait_4_3"));
}

#[test]
fn image_urls_must_be_web_or_data_images() {
    assert!(check_image_url("https://v3.fal.media/files/monkey/x.png").is_ok());
    assert!(check_image_url("http://127.0.0.1:8787/files/in.png").is_ok());
    assert!(check_image_url("data:image/png;base64,iVBORw0KGgo=").is_ok());
    assert!(check_image_url("").is_err());
    assert!(check_image_url("ftp://a/x.png").is_err());
    assert!(check_image_url("javascript:alert(1)").is_err());
    assert!(check_image_url("data:text/html;base64,PGI+").is_err());
    assert!(check_image_url("data:image/png,rawdata").is_err());
    assert!(check_image_url("data:image/png;base64,").is_err());
    assert!(check_image_url("https://").is_err());
    assert!(check_image_url("https://a b/x.png").is_err());
    let d = Draft { image_urls: vec!["https://a/x.png".into(), "ftp://b".into()], ..ok_draft() };
    let e = d.validate(F).unwrap_err();
    assert_eq!(e.len(), 1);
    let m = e[0].message.render(Lang::En);
    assert!(m.starts_with("Image 2:") && m.contains("http"), "{m}");
    assert!(e[0].message.render(Lang::ZhCn).starts_with("第 2 张图片"), "{:?}", e[0].message.render(Lang::ZhCn));
}
