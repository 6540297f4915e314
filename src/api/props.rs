//! Property tests of what the form reads from people and links: any JSON
//! (an import, a share link, a past job) is loaded whole or refused with
//! problems, never half; a loaded draft survives its own link; matched
//! sizes stay within the limits. 10,000 cases (2,000 for the loads) in
//! `cargo test`;
//! `QIE_PROPTEST_CASES` runs a longer search.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::draft::Draft;
use super::input::SIDE_RANGE;
use super::model::FAMILY;
use super::size::match_input;

fn config() -> ProptestConfig {
    let cases = std::env::var("QIE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Values of every JSON type, the draft's own field values among them.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-5i64..200).prop_map(Value::from),
        (-1e3f64..1e3).prop_map(Value::from),
        prop_oneof![
            Just("png"), Just("webp"), Just("high"), Just("custom"), Just("match_input"), Just("default"), Just("portrait_3_4"),
            Just("https://a.example/x.png"), Just("javascript:x"), Just("o/n"), Just(" "), Just("28"), Just("4.5"),
            Just("fal-ai/qwen-image-edit-2511"), Just("other"), Just("好"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..3).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Objects with the draft's keys (and a stranger) holding any value.
fn body() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("prompt"), Just("image_urls"), Just("image_size"), Just("image_width"), Just("num_inference_steps"),
        Just("guidance_scale"), Just("num_images"), Just("seed"), Just("output_format"), Just("acceleration"),
        Just("enable_safety_checker"), Just("loras"), Just("model"), Just("model_other"), Just("negative_prompt"), Just("strength"),
    ];
    prop::collection::vec((key, value()), 0..8).prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

proptest! {
    // A fifth of the cases: each one loads a draft and its link (many
    // serde round trips), and the search space is small.
    #![proptest_config(ProptestConfig { cases: config().cases / 5, ..config() })]

    #[test]
    fn any_json_loads_whole_or_is_refused_with_a_problem_per_field(v in body(), m in 0usize..6) {
        match Draft::from_json(&v, FAMILY[m].id) {
            Ok(loaded) => {
                // What loaded is a valid form (bar a prompt and images) ...
                prop_assert!(loaded.draft.check(super::validate::FirstImage::Unknown, false).is_ok());
                // ... that goes through its own share link unchanged.
                let (link, _) = loaded.draft.to_share();
                let back = Draft::from_json(&link, FAMILY[m].id).map(|l| l.draft);
                let kept = Draft { image_urls: loaded.draft.image_urls.iter().filter(|u| !u.starts_with("data:")).cloned().collect(), ..loaded.draft.clone() };
                prop_assert_eq!(back, Ok(kept));
            }
            Err(problems) => prop_assert!(!problems.is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_link_fragment_is_read_or_refused_without_panicking(s in "#share=[%0-9A-Za-z{}\":,\\[\\] ]{0,60}") {
        let _ = super::share::decode(&s);
    }

    #[test]
    fn matched_sizes_are_multiples_of_16_within_the_limits(w in 1u32..40_000, h in 1u32..40_000) {
        let (a, b) = match_input(w, h).unwrap_or((0, 0));
        for side in [a, b] {
            prop_assert!(side % 16 == 0 && (SIDE_RANGE.0..=SIDE_RANGE.1).contains(&side), "{}x{} → {}x{}", w, h, a, b);
        }
        // Within the limits, the shape is kept and the area is about a megapixel.
        let r = w as f64 / h as f64;
        if (0.25..=4.0).contains(&r) {
            let mp = a as f64 * b as f64 / (1024.0 * 1024.0);
            prop_assert!((0.9..=1.1).contains(&mp), "{}x{} → {}x{} ({} MP)", w, h, a, b, mp);
            prop_assert!(((a as f64 / b as f64) / r - 1.0).abs() < 0.05, "{}x{} → {}x{}", w, h, a, b);
        }
    }
}

#[test]
fn the_property_strategies_reach_both_outcomes() {
    // A guard on the generators: loads and refusals both happen.
    assert!(Draft::from_json(&json!({"prompt": "p"}), FAMILY[0].id).is_ok());
    assert!(Draft::from_json(&json!({"prompt": 5}), FAMILY[0].id).is_err());
}
