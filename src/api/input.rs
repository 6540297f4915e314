//! The request body of the Qwen edit family, and the minimal JSON the app
//! sends (against the chosen model's defaults, `model.rs`).

use serde_json::{json, Map, Value};

use super::model::{Schema, LORA_SCALE_DEFAULT};

/// The six named shapes. fal names the portrait ones `portrait_4_3` and
/// `portrait_16_9`; the seed document spells them `portrait_3_4` and
/// `portrait_9_16`. Both are read, fal's are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizePreset {
    SquareHd,
    Square,
    Portrait34,
    Portrait916,
    Landscape43,
    Landscape169,
}

impl SizePreset {
    pub const ALL: [SizePreset; 6] = [
        SizePreset::SquareHd,
        SizePreset::Square,
        SizePreset::Portrait34,
        SizePreset::Portrait916,
        SizePreset::Landscape43,
        SizePreset::Landscape169,
    ];

    /// The name sent to the API (fal's enum).
    pub fn api_name(self) -> &'static str {
        match self {
            SizePreset::SquareHd => "square_hd",
            SizePreset::Square => "square",
            SizePreset::Portrait34 => "portrait_4_3",
            SizePreset::Portrait916 => "portrait_16_9",
            SizePreset::Landscape43 => "landscape_4_3",
            SizePreset::Landscape169 => "landscape_16_9",
        }
    }

    pub fn label(self) -> crate::i18n::K {
        use crate::i18n::K;
        match self {
            SizePreset::SquareHd => K::SizeSquareHd,
            SizePreset::Square => K::SizeSquare,
            SizePreset::Portrait34 => K::SizePortrait34,
            SizePreset::Portrait916 => K::SizePortrait916,
            SizePreset::Landscape43 => K::SizeLandscape43,
            SizePreset::Landscape169 => K::SizeLandscape169,
        }
    }

    /// Reads fal's names and the seed's spellings.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "portrait_3_4" => Some(SizePreset::Portrait34),
            "portrait_9_16" => Some(SizePreset::Portrait916),
            _ => Self::ALL.into_iter().find(|p| p.api_name() == s),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageSize {
    Preset(SizePreset),
    Custom { width: u32, height: u32 },
}

impl ImageSize {
    pub fn to_json(self) -> Value {
        match self {
            ImageSize::Preset(p) => Value::from(p.api_name()),
            ImageSize::Custom { width, height } => json!({ "width": width, "height": height }),
        }
    }
}

/// Sides of a custom size: what the form accepts (fal's schema allows more;
/// a server 422 speaks past this).
pub const SIDE_RANGE: (u32, u32) = (64, 4096);

impl SizePreset {
    /// The pixel size fal gives a named shape.
    pub fn pixels(self) -> (u32, u32) {
        match self {
            SizePreset::SquareHd => (1024, 1024),
            SizePreset::Square => (512, 512),
            SizePreset::Portrait34 => (768, 1024),
            SizePreset::Portrait916 => (576, 1024),
            SizePreset::Landscape43 => (1024, 768),
            SizePreset::Landscape169 => (1024, 576),
        }
    }
}

/// One LoRA: a weights URL or a Hugging Face repo id, and its scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Lora {
    pub path: String,
    pub scale: f64,
}

/// A number as people read it ("4", "4.5"), without Rust's float
/// formatting (serde_json's writer is already in the bundle).
pub fn num_text(x: f64) -> String {
    number(x).to_string()
}

/// A number as JSON: whole numbers as integers (the seed documents
/// integers where fal takes floats).
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// A valid request for one model, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct EditInput {
    pub schema: &'static Schema,
    pub prompt: String,
    pub image_urls: Vec<String>,
    /// `None`: not sent, the output follows the input image.
    pub image_size: Option<ImageSize>,
    /// The scalar parameters that differ from this model's defaults, as
    /// sent (`Schema::params`).
    pub params: Vec<(&'static str, Value)>,
    pub loras: Vec<Lora>,
    /// Inpainting: the mask (a PNG data URI), sent as `mask_url`.
    pub mask_url: Option<String>,
}

/// The input images a body names: `image_urls`, or an inpainting body's
/// one `image_url`.
pub fn body_images(body: &Value) -> Vec<&str> {
    match (body.get("image_urls").and_then(Value::as_array), body.get("image_url").and_then(Value::as_str)) {
        (Some(list), _) => list.iter().filter_map(Value::as_str).collect(),
        (None, Some(one)) => vec![one],
        (None, None) => Vec::new(),
    }
}

impl EditInput {
    /// The request body: `prompt` (for the models that take one) and the
    /// images always, every other
    /// field only when it differs from **this model's** default, so the
    /// request stays minimal and relays that do not know a field are not
    /// confused.
    pub fn to_body(&self) -> Value {
        let mut m = Map::new();
        if self.schema.prompt() {
            m.insert("prompt".into(), self.prompt.trim().into());
        }
        if self.schema.inpaint {
            m.insert("image_url".into(), self.image_urls.first().cloned().unwrap_or_default().into());
            if let Some(mask) = &self.mask_url {
                m.insert("mask_url".into(), mask.clone().into());
            }
        } else {
            m.insert("image_urls".into(), self.image_urls.clone().into());
        }
        match self.image_size {
            Some(ImageSize::Preset(SizePreset::SquareHd)) if !self.schema.size_follows_input => {}
            Some(size) => {
                m.insert("image_size".into(), size.to_json());
            }
            None => {}
        }
        for (name, v) in &self.params {
            m.insert((*name).into(), v.clone());
        }
        if self.schema.loras && !self.loras.is_empty() {
            let list: Vec<Value> = self
                .loras
                .iter()
                .map(|l| {
                    let mut o = Map::new();
                    o.insert("path".into(), l.path.trim().into());
                    if l.scale != LORA_SCALE_DEFAULT {
                        o.insert("scale".into(), number(l.scale));
                    }
                    Value::Object(o)
                })
                .collect();
            m.insert("loras".into(), list.into());
        }
        Value::Object(m)
    }

    /// A parameter as sent, if it differs from the model's default.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{schema, FAMILY};

    pub(crate) fn minimal(model: &str) -> EditInput {
        let s = schema(model);
        EditInput {
            schema: s,
            prompt: "make it blue".into(),
            image_urls: vec!["https://a/x.png".into()],
            image_size: (!s.size_follows_input).then_some(ImageSize::Preset(SizePreset::SquareHd)),
            params: Vec::new(),
            loras: Vec::new(),
            mask_url: None,
        }
    }

    #[test]
    fn each_models_defaults_give_the_minimal_body() {
        for s in FAMILY.iter().filter(|s| !s.inpaint && s.prompt()) {
            assert_eq!(minimal(s.id).to_body(), json!({"prompt":"make it blue","image_urls":["https://a/x.png"]}), "{}", s.id);
        }
        assert_eq!(minimal("fal-ai/qwen-image-edit-2511-multiple-angles").to_body(), json!({"image_urls":["https://a/x.png"]}), "no prompt");
        let inpaint = EditInput { mask_url: Some("data:image/png;base64,AA==".into()), ..minimal("fal-ai/qwen-image-edit/inpaint") };
        let body = inpaint.to_body();
        assert_eq!(body, json!({"prompt":"make it blue","image_url":"https://a/x.png","mask_url":"data:image/png;base64,AA=="}));
        assert_eq!(body_images(&body), ["https://a/x.png"]);
        assert_eq!(body_images(&minimal("fal-ai/qwen-image-edit-plus").to_body()), ["https://a/x.png"]);
    }

    #[test]
    fn square_hd_is_left_out_only_where_it_is_the_default() {
        let mut e = minimal("fal-ai/qwen-image-edit-2511");
        e.image_size = Some(ImageSize::Preset(SizePreset::SquareHd));
        assert_eq!(e.to_body()["image_size"], json!("square_hd"), "square_hd is no default where the size follows the input");
        let mut p = minimal("fal-ai/qwen-image-edit-plus");
        p.image_size = Some(ImageSize::Preset(SizePreset::Portrait34));
        assert_eq!(p.to_body()["image_size"], json!("portrait_4_3"));
    }

    #[test]
    fn loras_go_only_to_models_that_take_them_and_scale_1_is_left_out() {
        let loras = vec![Lora { path: "https://h/w.safetensors".into(), scale: 1.0 }, Lora { path: "owner/repo".into(), scale: 0.5 }];
        let with = EditInput { loras: loras.clone(), ..minimal("fal-ai/qwen-image-edit-plus-lora") };
        assert_eq!(with.to_body()["loras"], json!([{"path":"https://h/w.safetensors"},{"path":"owner/repo","scale":0.5}]));
        let without = EditInput { loras, ..minimal("fal-ai/qwen-image-edit-plus") };
        assert!(without.to_body().get("loras").is_none());
    }

    #[test]
    fn custom_sizes_and_whole_numbers() {
        let mut i = minimal("fal-ai/qwen-image-edit-plus");
        i.image_size = Some(ImageSize::Custom { width: 1024, height: 768 });
        assert_eq!(i.to_body()["image_size"], json!({"width":1024,"height":768}));
        assert!(number(6.0).is_i64() && number(7.5).is_f64());
        assert_eq!((num_text(4.0), num_text(4.5)), ("4".to_string(), "4.5".to_string()));
    }

    #[test]
    fn both_spellings_of_the_portrait_shapes_are_read() {
        assert_eq!(SizePreset::parse("portrait_3_4"), Some(SizePreset::Portrait34));
        assert_eq!(SizePreset::parse("portrait_4_3"), Some(SizePreset::Portrait34));
        assert_eq!(SizePreset::parse("portrait_9_16"), Some(SizePreset::Portrait916));
        assert_eq!(SizePreset::parse("portrait_16_9"), Some(SizePreset::Portrait916));
        assert_eq!(SizePreset::parse("landscape_3_4"), None);
        for p in SizePreset::ALL {
            assert_eq!(SizePreset::parse(p.api_name()), Some(p));
        }
        assert_eq!(SizePreset::Portrait916.pixels(), (576, 1024));
        assert_eq!(crate::i18n::text(crate::i18n::Lang::En, SizePreset::Portrait916.label()), "Portrait 9:16");
    }
}
