//! Share links: the form in the URL's fragment (`#share=…`), so opening the
//! link fills the form and does nothing else. Never the key, the provider or
//! the base URL, and never inlined local images (they are counted instead).

use serde_json::{json, Map, Value};

use super::validate::FormDraft;

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
pub fn encode(d: &FormDraft) -> (String, usize) {
    let urls: Vec<&String> = d.image_urls.iter().filter(|u| !u.starts_with("data:")).collect();
    let left_out = d.image_urls.len() - urls.len();
    let mut m = Map::new();
    m.insert("v".into(), 1.into());
    m.insert("prompt".into(), d.prompt.clone().into());
    m.insert("image_urls".into(), urls.into_iter().cloned().collect::<Vec<_>>().into());
    for (k, v) in [
        ("image_size", &d.image_size),
        ("image_width", &d.image_width),
        ("image_height", &d.image_height),
        ("negative_prompt", &d.negative_prompt),
        ("num_inference_steps", &d.num_inference_steps),
        ("guidance_scale", &d.guidance_scale),
        ("num_images", &d.num_images),
        ("output_format", &d.output_format),
        ("seed", &d.seed),
        ("acceleration", &d.acceleration),
    ] {
        m.insert(k.into(), v.clone().into());
    }
    m.insert("enable_safety_checker".into(), d.enable_safety_checker.into());
    m.insert("sync_mode".into(), d.sync_mode.into());
    (format!("{PREFIX}{}", percent_encode(&Value::Object(m).to_string())), left_out)
}

/// The form in a fragment, if it is a share link.
pub fn decode(fragment: &str) -> Option<FormDraft> {
    let v: Value = serde_json::from_str(&percent_decode(fragment.strip_prefix(PREFIX)?)?).ok()?;
    let mut d = FormDraft::default();
    let s = |k: &str, into: &mut String| {
        if let Some(x) = v.get(k).and_then(Value::as_str) {
            *into = x.to_string();
        }
    };
    s("prompt", &mut d.prompt);
    s("image_size", &mut d.image_size);
    s("image_width", &mut d.image_width);
    s("image_height", &mut d.image_height);
    s("negative_prompt", &mut d.negative_prompt);
    s("num_inference_steps", &mut d.num_inference_steps);
    s("guidance_scale", &mut d.guidance_scale);
    s("num_images", &mut d.num_images);
    s("output_format", &mut d.output_format);
    s("seed", &mut d.seed);
    s("acceleration", &mut d.acceleration);
    if let Some(p) = v.get("image_size").and_then(Value::as_str).and_then(super::SizePreset::parse) {
        d.image_size = p.api_name().into();
    }
    d.image_urls = v
        .get("image_urls")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).filter(|u| super::validate::check_image_url(u).is_ok()).map(str::to_string).collect())
        .unwrap_or_default();
    d.enable_safety_checker = v.get("enable_safety_checker").and_then(Value::as_bool).unwrap_or(true);
    d.sync_mode = v.get("sync_mode").and_then(Value::as_bool).unwrap_or(false);
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_round_trips_through_a_link_without_local_images() {
        let d = FormDraft {
            prompt: "make it 100% blue & shiny — 好".into(),
            image_urls: vec!["https://a/1.png?x=1&y=2".into(), "data:image/png;base64,AAAA".into()],
            image_size: "custom".into(),
            image_width: "1280".into(),
            seed: "42".into(),
            enable_safety_checker: false,
            ..FormDraft::default()
        };
        let (frag, left_out) = encode(&d);
        assert_eq!(left_out, 1);
        assert!(frag.starts_with(PREFIX) && !frag.contains("data:") && !frag.contains(' '), "{frag}");
        let back = decode(&frag).unwrap();
        assert_eq!(back, FormDraft { image_urls: vec!["https://a/1.png?x=1&y=2".into()], ..d });
    }

    #[test]
    fn links_carry_no_key_provider_or_base() {
        let (frag, _) = encode(&FormDraft::default());
        for word in ["key", "base", "provider", "Bearer", "quickrouter"] {
            assert!(!frag.contains(word), "{word} in {frag}");
        }
    }

    #[test]
    fn other_fragments_and_garbage_are_ignored() {
        assert_eq!(decode("#other"), None);
        assert_eq!(decode("#share=%7Bnot"), None);
        assert_eq!(decode("#share=%ZZ"), None);
        let d = decode("#share=%7B%22image_urls%22%3A%5B%22javascript%3Ax%22%5D%2C%22image_size%22%3A%22portrait_3_4%22%7D").unwrap();
        assert!(d.image_urls.is_empty(), "unsafe URLs are dropped");
        assert_eq!(d.image_size, "portrait_4_3", "the seed's spelling is read");
    }

    #[test]
    fn the_seed_example_is_a_valid_request() {
        let (d, notes) = FormDraft::from_body(&seed_example());
        assert!(notes.is_empty());
        let body = d.validate().unwrap().to_body();
        assert_eq!(body["negative_prompt"], "blurry, ugly");
        assert_eq!(body["image_urls"].as_array().unwrap().len(), 3);
    }
}
