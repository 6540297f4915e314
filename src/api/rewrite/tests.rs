use super::*;
use serde_json::json;
use crate::api::ErrorKind;

#[test]
fn the_body_for_none_one_and_three_images() {
    for n in [0usize, 1, 3] {
        let images: Vec<String> = (1..=n).map(|i| format!("data:image/png;base64,AAA{i}")).collect();
        let b = body("make the sky pink", &images, "  ", 0.7);
        assert_eq!(b["image_urls"], json!(images), "{n} images, in the form's order");
        assert_eq!(b["prompt"], "make the sky pink", "the prompt as typed");
        assert_eq!(b["model"], DEFAULT_MODEL, "an empty setting asks the default model");
        assert_eq!(b["temperature"], 0.7);
        assert_eq!(b["max_tokens"], MAX_TOKENS);
        assert_eq!(b["system_prompt"], SYSTEM_EN);
        assert!(b.get("reasoning").is_none(), "left at its default (off)");
    }
    let b = body("p", &[], "anthropic/claude-sonnet-4", 7.0);
    assert_eq!((b["model"].as_str(), b["temperature"].as_f64()), (Some("anthropic/claude-sonnet-4"), Some(2.0)), "any id; temperature clamped to 0–2");
    assert_eq!(body("p", &[], "", f64::NAN)["temperature"], DEFAULT_TEMPERATURE);
    assert_eq!(body("p", &[], "", -1.0)["temperature"], 0.0);
}

#[test]
fn a_chinese_prompt_gets_the_chinese_instruction() {
    assert_eq!(body("把天空变成粉色", &[], "", 1.0)["system_prompt"], SYSTEM_ZH);
    assert_eq!(body("image 1 的天空 pink", &[], "", 1.0)["system_prompt"], SYSTEM_ZH, "any Chinese in it");
    assert_eq!(body("Make the sky pink, café", &[], "", 1.0)["system_prompt"], SYSTEM_EN);
    // Both say what Qwen's prompting advice says, in their own language.
    for (sys, words) in [
        (SYSTEM_EN, ["image 1", "double quotes", "identity", "background", "language of the person's instruction", "one instruction"]),
        (SYSTEM_ZH, ["图1", "双引号", "身份", "背景", "中文指令用中文回答", "一条指令"]),
    ] {
        for w in words {
            assert!(sys.contains(w), "{w:?} in {sys}");
        }
    }
}

#[test]
fn an_answer_with_text_is_the_proposal_and_its_cost() {
    let out = from_answer(200, r#"{"output":"  In image 1, make the sky pink.\n","usage":{"prompt_tokens":900,"completion_tokens":20,"total_tokens":920,"cost":0.00042}}"#).unwrap();
    assert!(out.images.is_empty());
    assert_eq!(out.said, Some(Said { text: "In image 1, make the sky pink.".into(), cut: false, cost: Some(0.00042) }));
    let out = from_answer(200, r#"{"output":"x","usage":{"cost":"n/a"}}"#).unwrap();
    assert_eq!(out.said.unwrap().cost, None, "a cost that is not a number is not counted");
    assert_eq!(from_answer(200, r#"{"output":"x"}"#).unwrap().said.unwrap().cost, None);
    assert_eq!(from_answer(200, r#"{"output":"x","usage":{"cost":-3}}"#).unwrap().said.unwrap().cost, None);
}

#[test]
fn answers_without_text_fail_and_are_not_asked_again() {
    for body in [r#"{"usage":{"cost":0.1}}"#, r#"{"output":""}"#, r#"{"output":"  \n "}"#, r#"{"output":42}"#, r#"{"output":["a"]}"#, r#"{"output":null}"#, "[]", r#"{"images":[{"url":"https://x/y.png"}]}"#] {
        let e = from_answer(200, body).unwrap_err();
        assert_eq!((e.kind, e.problem), (ErrorKind::Other, Some(Problem::NoText)), "{body}");
        assert!(!e.retryable(), "{body}");
    }
}

#[test]
fn not_yet_and_cut_connections() {
    assert_eq!(from_answer(202, "").unwrap_err().kind, ErrorKind::NotYet);
    assert_eq!(from_answer(200, r#"{"status":"IN_PROGRESS","request_id":"r"}"#).unwrap_err().kind, ErrorKind::NotYet);
    let e = from_answer(200, r#"{"output":"half"#).unwrap_err();
    assert_eq!(e.problem, Some(Problem::NotJson));
    assert!(e.retryable(), "a cut answer is asked for again");
}

#[test]
fn a_2_mb_answer_is_cut_with_a_note() {
    let long = "word ".repeat(400_000);
    let text = json!({"output": long, "usage": {"cost": 0.5}}).to_string();
    assert!(text.len() > 2_000_000);
    let said = from_answer(200, &text).unwrap().said.unwrap();
    assert!(said.cut);
    assert_eq!(said.text.chars().count(), MAX_CHARS);
    let zh = json!({"output": "字".repeat(MAX_CHARS + 1)}).to_string();
    let said = from_answer(200, &zh).unwrap().said.unwrap();
    assert!(said.cut && said.text.chars().count() == MAX_CHARS, "cut by characters, never inside one");
    let just = json!({"output": "字".repeat(MAX_CHARS)}).to_string();
    assert!(!from_answer(200, &just).unwrap().said.unwrap().cut);
}

#[test]
fn the_spend_counts_by_day_and_survives_storage() {
    let mut s = Spent::default();
    s.add(0.001, "2026-12-03");
    s.add(0.002, "2026-12-03");
    assert!((s.on("2026-12-03") - 0.003).abs() < 1e-12);
    assert_eq!(s.on("2026-12-04"), 0.0);
    s.add(0.004, "2026-12-04");
    assert!((s.today - 0.004).abs() < 1e-12 && (s.all - 0.007).abs() < 1e-12, "a new day starts from nothing; all goes on");
    assert_eq!(Spent::from_storage(&s.to_storage()), s);
    for bad in ["", "{", "[]", r#"{"day":3,"today":"x","all":-1}"#] {
        assert_eq!(Spent::from_storage(bad), Spent::default(), "{bad}");
    }
}

#[test]
fn marked_images_go_with_their_marks() {
    let urls: Vec<String> = ["https://a/1.png", "data:image/png;base64,B", "https://a/3.png"].map(String::from).to_vec();
    let marks = Ready { url: "data:image/png;base64,B", use_: RegionUse::Marks, made: Some("data:image/png;base64,MARKED") };
    let mask = Ready { url: "https://a/1.png", use_: RegionUse::Mask, made: Some("data:image/png;base64,MASK") };
    let keep = Ready { url: "https://a/3.png", use_: RegionUse::Keep, made: None };
    assert_eq!(images(&urls, &[marks, mask, keep]).unwrap(), vec!["https://a/1.png", "data:image/png;base64,MARKED", "https://a/3.png"]);
    assert_eq!(images(&urls, &[]).unwrap(), urls);
    assert_eq!(images(&urls, &[Ready { made: None, ..marks }]), None, "marks still being made");
    assert_eq!(images(&[], &[marks]).unwrap(), Vec::<String>::new());
}
