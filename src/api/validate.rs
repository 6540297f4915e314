//! Validation of what the person typed. The form calls this same code; each
//! problem names the API field it belongs to so the page can show it there.

use super::error::FieldError;
use crate::i18n::{Msg, K};
use super::input::{defaults as d, Acceleration, EditInput, ImageSize, OutputFormat, SizePreset};

/// The form's raw values, as typed. `image_size` is an API enum name or
/// `custom`.
#[derive(Clone, Debug, PartialEq)]
pub struct FormDraft {
    pub prompt: String,
    pub image_urls: Vec<String>,
    pub image_size: String,
    pub image_width: String,
    pub image_height: String,
    pub negative_prompt: String,
    pub num_inference_steps: String,
    pub guidance_scale: String,
    pub num_images: String,
    pub enable_safety_checker: bool,
    pub output_format: String,
    pub seed: String,
    pub acceleration: String,
    pub sync_mode: bool,
}

impl Default for FormDraft {
    fn default() -> Self {
        FormDraft {
            prompt: String::new(),
            image_urls: Vec::new(),
            image_size: d::IMAGE_SIZE.api_name().into(),
            image_width: "1024".into(),
            image_height: "1024".into(),
            negative_prompt: String::new(),
            num_inference_steps: d::STEPS.to_string(),
            guidance_scale: "4".into(),
            num_images: d::NUM_IMAGES.to_string(),
            enable_safety_checker: d::SAFETY,
            output_format: d::OUTPUT_FORMAT.as_str().into(),
            seed: String::new(),
            acceleration: d::ACCELERATION.as_str().into(),
            sync_mode: false,
        }
    }
}

/// Checks one reference image URL: `http(s)://` with a host, or a base64
/// `data:image/` URI.
pub fn check_image_url(url: &str) -> Result<(), K> {
    let u = url.trim();
    if u.is_empty() {
        return Err(K::UrlEmpty);
    }
    let lower = u.get(..11).unwrap_or(u).to_ascii_lowercase();
    if lower.starts_with("data:") {
        let ok = lower.starts_with("data:image/") && u.split_once(',').is_some_and(|(head, data)| head.ends_with(";base64") && !data.is_empty());
        return if ok { Ok(()) } else { Err(K::UrlBadDataUri) };
    }
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(K::UrlBadScheme);
    }
    if super::origin::origin(u).is_none() || u.contains(char::is_whitespace) {
        return Err(K::UrlInvalid);
    }
    Ok(())
}

fn int_in(field: &str, raw: &str, (min, max): (u64, u64), errs: &mut Vec<FieldError>) -> Option<u64> {
    match raw.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            errs.push(FieldError::new(field, Msg::new(K::ValWholeNumber).arg("min", min).arg("max", max)));
            None
        }
    }
}

impl FormDraft {
    /// The request this draft describes, or every problem with it.
    pub fn validate(&self) -> Result<EditInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        if self.prompt.trim().is_empty() {
            errs.push(FieldError::new("prompt", K::ValPrompt));
        }
        if self.image_urls.is_empty() {
            errs.push(FieldError::new("image_urls", K::ValNoImages));
        }
        for (i, u) in self.image_urls.iter().enumerate() {
            if let Err(e) = check_image_url(u) {
                errs.push(FieldError::new("image_urls", Msg::new(K::ValImageN).arg("n", i + 1).arg_msg("problem", e)));
            }
        }
        let image_size = if self.image_size == "custom" {
            let mut side = |f, raw| int_in(f, raw, (d::SIDE_RANGE.0 as u64, d::SIDE_RANGE.1 as u64), &mut errs);
            let w = side("image_width", &self.image_width);
            let h = side("image_height", &self.image_height);
            w.zip(h).map(|(w, h)| ImageSize::Custom { width: w as u32, height: h as u32 })
        } else {
            let p = SizePreset::parse(&self.image_size).map(ImageSize::Preset);
            if p.is_none() {
                errs.push(FieldError::new("image_size", K::ValImageSize));
            }
            p
        };
        let steps = int_in("num_inference_steps", &self.num_inference_steps, (d::STEPS_RANGE.0 as u64, d::STEPS_RANGE.1 as u64), &mut errs);
        let guidance = match self.guidance_scale.trim().parse::<f64>() {
            Ok(g) if g.is_finite() && (d::GUIDANCE_RANGE.0..=d::GUIDANCE_RANGE.1).contains(&g) => Some(g),
            _ => {
                errs.push(FieldError::new("guidance_scale", Msg::new(K::ValNumber).arg("min", d::GUIDANCE_RANGE.0 as u32).arg("max", d::GUIDANCE_RANGE.1 as u32)));
                None
            }
        };
        let num_images = int_in("num_images", &self.num_images, (d::NUM_IMAGES_RANGE.0 as u64, d::NUM_IMAGES_RANGE.1 as u64), &mut errs);
        let seed = if self.seed.trim().is_empty() {
            Some(None)
        } else {
            int_in("seed", &self.seed, (0, d::SEED_MAX), &mut errs).map(Some)
        };
        let output_format = OutputFormat::parse(&self.output_format);
        if output_format.is_none() {
            errs.push(FieldError::new("output_format", K::ValOutputFormat));
        }
        let acceleration = Acceleration::parse(&self.acceleration);
        if acceleration.is_none() {
            errs.push(FieldError::new("acceleration", K::ValAcceleration));
        }
        match (image_size, steps, guidance, num_images, seed, output_format, acceleration) {
            (Some(image_size), Some(steps), Some(guidance), Some(num_images), Some(seed), Some(output_format), Some(acceleration))
                if errs.is_empty() =>
            {
                Ok(EditInput {
                    prompt: self.prompt.trim().to_string(),
                    image_urls: self.image_urls.iter().map(|u| u.trim().to_string()).collect(),
                    image_size,
                    negative_prompt: self.negative_prompt.trim().to_string(),
                    num_inference_steps: steps as u32,
                    guidance_scale: guidance,
                    num_images: num_images as u32,
                    enable_safety_checker: self.enable_safety_checker,
                    output_format,
                    seed,
                    acceleration,
                    sync_mode: self.sync_mode,
                })
            }
            _ => Err(errs),
        }
    }
}

impl FormDraft {
    /// The form for a request body (a past job, or an imported request),
    /// with a note for anything that could not be carried over. Reads the
    /// seed's spellings of the portrait sizes too.
    pub fn from_body(body: &serde_json::Value) -> (FormDraft, Vec<Msg>) {
        use serde_json::Value;
        let mut d = FormDraft::default();
        let mut notes = Vec::new();
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let num = |k: &str| body.get(k).filter(|v| v.is_number()).map(Value::to_string);
        if let Some(p) = text("prompt") {
            d.prompt = p;
        }
        let urls: Vec<&str> = body.get("image_urls").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let local = urls.iter().filter(|u| u.starts_with("local-file:")).count();
        if local > 0 {
            notes.push(Msg::count(K::NoteLocalNotKeptOne, K::NoteLocalNotKept, local));
        }
        d.image_urls = urls.into_iter().filter(|u| !u.starts_with("local-file:")).map(str::to_string).collect();
        match body.get("image_size") {
            Some(Value::String(s)) => match SizePreset::parse(s) {
                Some(p) => d.image_size = p.api_name().into(),
                None => notes.push(Msg::new(K::NoteUnknownSize).arg("size", s)),
            },
            Some(Value::Object(o)) => {
                d.image_size = "custom".into();
                d.image_width = o.get("width").map(Value::to_string).unwrap_or_default();
                d.image_height = o.get("height").map(Value::to_string).unwrap_or_default();
            }
            _ => {}
        }
        if let Some(n) = text("negative_prompt") {
            d.negative_prompt = n.trim().to_string();
        }
        if let Some(n) = num("num_inference_steps") {
            d.num_inference_steps = n;
        }
        if let Some(n) = num("guidance_scale") {
            d.guidance_scale = n;
        }
        if let Some(n) = num("num_images") {
            d.num_images = n;
        }
        if let Some(n) = num("seed") {
            d.seed = n;
        }
        if let Some(b) = body.get("enable_safety_checker").and_then(Value::as_bool) {
            d.enable_safety_checker = b;
        }
        if let Some(b) = body.get("sync_mode").and_then(Value::as_bool) {
            d.sync_mode = b;
        }
        if let Some(f) = text("output_format") {
            d.output_format = f;
        }
        if let Some(a) = text("acceleration") {
            d.acceleration = a;
        }
        (d, notes)
    }
}

/// A hint (not an error) for custom sides that are not multiples of 8.
pub fn side_hint(raw: &str) -> Option<K> {
    raw.trim().parse::<u32>().ok().filter(|n| n % 8 != 0).map(|_| K::HintMultipleOf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use serde_json::json;

    fn ok_draft() -> FormDraft {
        FormDraft { prompt: "make it blue".into(), image_urls: vec!["https://a.b/x.png".into()], ..FormDraft::default() }
    }

    fn fields(d: &FormDraft) -> Vec<String> {
        d.validate().err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_default_form_needs_only_a_prompt_and_an_image() {
        assert_eq!(fields(&FormDraft::default()), ["prompt", "image_urls"]);
        let input = ok_draft().validate().unwrap();
        assert_eq!(input.to_body(), json!({"prompt":"make it blue","image_urls":["https://a.b/x.png"]}));
    }

    #[test]
    fn blank_prompts_are_refused() {
        let d = FormDraft { prompt: " \n\t".into(), ..ok_draft() };
        assert_eq!(fields(&d), ["prompt"]);
    }

    #[test]
    fn ranges_are_enforced_at_both_ends() {
        for (steps, ok) in [("1", false), ("2", true), ("100", true), ("101", false), ("2.5", false), ("", false), ("x", false)] {
            let d = FormDraft { num_inference_steps: steps.into(), ..ok_draft() };
            assert_eq!(d.validate().is_ok(), ok, "steps {steps}");
        }
        for (g, ok) in [("0", true), ("20", true), ("7.5", true), ("-0.1", false), ("20.01", false), ("NaN", false), ("inf", false), ("", false)] {
            let d = FormDraft { guidance_scale: g.into(), ..ok_draft() };
            assert_eq!(d.validate().is_ok(), ok, "guidance {g}");
        }
        for (n, ok) in [("0", false), ("1", true), ("4", true), ("5", false)] {
            let d = FormDraft { num_images: n.into(), ..ok_draft() };
            assert_eq!(d.validate().is_ok(), ok, "num_images {n}");
        }
        for (s, ok) in [("", true), ("0", true), ("4294967295", true), ("4294967296", false), ("-1", false), ("1e3", false)] {
            let d = FormDraft { seed: s.into(), ..ok_draft() };
            assert_eq!(d.validate().is_ok(), ok, "seed {s}");
        }
    }

    #[test]
    fn custom_sizes_need_both_sides_in_range() {
        let d = FormDraft { image_size: "custom".into(), image_width: "1280".into(), image_height: "720".into(), ..ok_draft() };
        assert_eq!(d.validate().unwrap().image_size, ImageSize::Custom { width: 1280, height: 720 });
        let d = FormDraft { image_size: "custom".into(), image_width: "63".into(), image_height: "4096".into(), ..ok_draft() };
        assert_eq!(fields(&d), ["image_width", "image_height"]);
        // Sides are not checked while a preset is chosen.
        let d = FormDraft { image_width: "x".into(), ..ok_draft() };
        assert!(d.validate().is_ok());
        assert_eq!(side_hint("1020"), Some(K::HintMultipleOf8));
        assert_eq!(side_hint("1024"), None);
    }

    #[test]
    fn enums_are_checked() {
        let d = FormDraft { image_size: "huge".into(), output_format: "gif".into(), acceleration: "turbo".into(), ..ok_draft() };
        assert_eq!(fields(&d), ["image_size", "output_format", "acceleration"]);
        let d = FormDraft { image_size: "portrait_3_4".into(), ..ok_draft() };
        assert_eq!(d.validate().unwrap().to_body()["image_size"], json!("portrait_4_3"));
    }

    #[test]
    fn bodies_load_back_into_the_form_and_validate_to_the_same_body() {
        let body = json!({"prompt":"p","image_urls":["https://a/1.png"],"image_size":"portrait_4_3","negative_prompt":"blurry",
            "num_inference_steps":30,"guidance_scale":7.5,"num_images":2,"enable_safety_checker":false,"output_format":"jpeg",
            "seed":42,"acceleration":"none","sync_mode":true});
        let (d, notes) = FormDraft::from_body(&body);
        assert!(notes.is_empty());
        assert_eq!(d.validate().unwrap().to_body(), body);
        let custom = json!({"prompt":"p","image_urls":["https://a/1.png"],"image_size":{"width":1280,"height":720}});
        assert_eq!(FormDraft::from_body(&custom).0.validate().unwrap().to_body(), custom);
        // The seed's spelling is read; local files that were not kept are noted.
        let (d, notes) = FormDraft::from_body(&json!({"prompt":"p","image_size":"portrait_9_16","image_urls":["local-file:not-stored","https://a/2.png"]}));
        assert_eq!((d.image_size.as_str(), d.image_urls.len()), ("portrait_16_9", 1));
        assert_eq!(notes.len(), 1);
        let (_, notes) = FormDraft::from_body(&json!({"image_size":"huge"}));
        assert!(notes[0].render(Lang::En).contains("huge") && notes[0].render(Lang::ZhCn).contains("huge"));
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
        let d = FormDraft { image_urls: vec!["https://a/x.png".into(), "ftp://b".into()], ..ok_draft() };
        let e = d.validate().unwrap_err();
        assert_eq!(e.len(), 1);
        let m = e[0].message.render(Lang::En);
        assert!(m.starts_with("Image 2:") && m.contains("http"), "{m}");
        assert!(e[0].message.render(Lang::ZhCn).starts_with("第 2 张图片"), "{:?}", e[0].message.render(Lang::ZhCn));
    }
}
