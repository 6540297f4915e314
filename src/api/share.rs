//! Share links: the form in the URL's fragment (`#share=…`), so opening the
//! link fills the form and does nothing else. Never the key, the provider or
//! the base URL, and never inlined local images (they are counted instead).

use serde_json::{json, Value};

use super::draft::{Draft, Loaded};
use super::error::FieldError;
use super::model::DEFAULT_MODEL;
use crate::i18n::K;
#[cfg(test)]
use super::draft::LoraDraft;

pub const PREFIX: &str = "#share=";

/// The example request of the seed document.
pub fn seed_example() -> Value {
    json!({
        "prompt": "Close shot portrait of a woman in front of this car on this highway",
        "image_size": "square_hd",
        "num_inference_steps": 50,
        "guidance_scale": 4,
        "num_images": 1,
        "enable_safety_checker": true,
        "output_format": "png",
        "image_urls": [
            "https://v3.fal.media/files/monkey/i3saq4bAPXSIl08nZtq9P.png",
            "https://v3.fal.media/files/penguin/BCOZpteRhSQFuOXpbBOa.png",
            "https://v3.fal.media/files/tiger/sCoZhBksx9DvwSR4.png"
        ],
        "negative_prompt": "blurry, ugly"
    })
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The fragment for a form, and how many local images were left out.
pub fn encode(d: &Draft) -> (String, usize) {
    let (v, left_out) = d.to_share();
    (format!("{PREFIX}{}", percent_encode(&v.to_string())), left_out)
}

/// The form in a fragment, if it is a share link: read like an import
/// (every problem at its field; with any problem, nothing is loaded).
pub fn decode(fragment: &str) -> Option<Result<Loaded, Vec<FieldError>>> {
    let json = percent_decode(fragment.strip_prefix(PREFIX)?);
    let v = json.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok());
    Some(match v {
        Some(v) => Draft::from_json(&v, DEFAULT_MODEL),
        None => Err(vec![FieldError::new("share", K::ShareBroken)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_round_trips_through_a_link_without_local_images() {
        let d = Draft {
            prompt: "make it 100% blue & shiny — 好".into(),
            image_urls: vec!["https://a/1.png?x=1&y=2".into(), "data:image/png;base64,AAAA".into()],
            image_size: "custom".into(),
            image_width: "1280".into(),
            seed: "42".into(),
            enable_safety_checker: false,
            ..Draft::new()
        };
        let (frag, left_out) = encode(&d);
        assert_eq!(left_out, 1);
        assert!(frag.starts_with(PREFIX) && !frag.contains("data:") && !frag.contains(' '), "{frag}");
        let back = decode(&frag).unwrap().unwrap();
        assert_eq!(back.draft, Draft { image_urls: vec!["https://a/1.png?x=1&y=2".into()], ..d });
        assert!(back.ignored.is_empty());
    }

    #[test]
    fn links_carry_the_model_and_its_loras() {
        let mut d = Draft::for_model("fal-ai/qwen-image-edit-2511/lora");
        d.loras = vec![LoraDraft { path: "owner/name".into(), scale: "0.5".into() }];
        d.output_format = "webp".into();
        let back = decode(&encode(&d).0).unwrap().unwrap();
        assert_eq!(back.draft, d);
        let other = Draft { model: "other".into(), model_other: "fal-ai/x/y".into(), ..Draft::new() };
        assert_eq!(decode(&encode(&other).0).unwrap().unwrap().draft.endpoint(), "fal-ai/x/y");
    }

    #[test]
    fn version_1_links_still_open() {
        // A link written before the model was in the form.
        let v1 = r#"{"v":1,"prompt":"p","image_urls":["https://a/1.png"],"image_size":"portrait_3_4","image_width":"1024","image_height":"1024","negative_prompt":"","num_inference_steps":"30","guidance_scale":"4","num_images":"1","output_format":"png","seed":"","acceleration":"regular","enable_safety_checker":true,"sync_mode":false}"#;
        let d = decode(&format!("{PREFIX}{}", percent_encode(v1))).unwrap().unwrap().draft;
        assert_eq!((d.model.as_str(), d.image_size.as_str(), d.num_inference_steps.as_str()), (DEFAULT_MODEL, "portrait_4_3", "30"));
    }

    #[test]
    fn links_carry_no_key_provider_or_base() {
        let (frag, _) = encode(&Draft::new());
        for word in ["key", "base", "provider", "Bearer", "quickrouter"] {
            assert!(!frag.contains(word), "{word} in {frag}");
        }
    }

    #[test]
    fn other_fragments_are_ignored_and_bad_links_load_nothing() {
        assert_eq!(decode("#other"), None);
        assert_eq!(decode("#share=%7Bnot").unwrap().unwrap_err()[0].field, "share");
        assert_eq!(decode("#share=%ZZ").unwrap().unwrap_err()[0].field, "share");
        let e = decode("#share=%7B%22image_urls%22%3A%5B%22javascript%3Ax%22%5D%2C%22image_size%22%3A%22portrait_3_4%22%7D").unwrap().unwrap_err();
        assert_eq!(e[0].field, "image_urls", "an unsafe URL is a problem, not silently dropped");
    }

    #[test]
    fn the_seed_example_is_a_valid_request() {
        let loaded = Draft::from_json(&seed_example(), DEFAULT_MODEL).unwrap();
        assert!(loaded.notes.is_empty() && loaded.ignored.is_empty());
        let body = loaded.draft.validate(crate::api::validate::FirstImage::Unknown).unwrap().to_body();
        assert_eq!(body["negative_prompt"], "blurry, ugly");
        assert_eq!(body["image_urls"].as_array().unwrap().len(), 3);
    }
}
