//! The request body of `fal-ai/qwen-image-edit-plus`, with the server's
//! defaults, and the minimal JSON the app sends.

use serde_json::{json, Map, Value};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Png,
    Jpeg,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Png => "png",
            OutputFormat::Jpeg => "jpeg",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "png" => Some(OutputFormat::Png),
            "jpeg" | "jpg" => Some(OutputFormat::Jpeg),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acceleration {
    None,
    Regular,
}

impl Acceleration {
    pub fn as_str(self) -> &'static str {
        match self {
            Acceleration::None => "none",
            Acceleration::Regular => "regular",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Acceleration::None),
            "regular" => Some(Acceleration::Regular),
            _ => None,
        }
    }
}

/// The server's defaults and ranges (PROTOCOL.md).
pub mod defaults {
    use super::*;
    pub const IMAGE_SIZE: SizePreset = SizePreset::SquareHd;
    pub const NEGATIVE_PROMPT: &str = " ";
    pub const STEPS: u32 = 50;
    pub const STEPS_RANGE: (u32, u32) = (2, 100);
    pub const GUIDANCE: f64 = 4.0;
    pub const GUIDANCE_RANGE: (f64, f64) = (0.0, 20.0);
    pub const NUM_IMAGES: u32 = 1;
    pub const NUM_IMAGES_RANGE: (u32, u32) = (1, 4);
    pub const SAFETY: bool = true;
    pub const OUTPUT_FORMAT: OutputFormat = OutputFormat::Png;
    pub const ACCELERATION: Acceleration = Acceleration::Regular;
    pub const SEED_MAX: u64 = u32::MAX as u64;
    pub const SIDE_RANGE: (u32, u32) = (64, 2048);
}

/// A valid request, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct EditInput {
    pub prompt: String,
    pub image_urls: Vec<String>,
    pub image_size: ImageSize,
    /// Empty means "not set" (the server's default, a single space).
    pub negative_prompt: String,
    pub num_inference_steps: u32,
    pub guidance_scale: f64,
    pub num_images: u32,
    pub enable_safety_checker: bool,
    pub output_format: OutputFormat,
    pub seed: Option<u64>,
    pub acceleration: Acceleration,
    pub sync_mode: bool,
}

impl EditInput {
    /// The request body: `prompt` and `image_urls` always, every other
    /// field only when it differs from the server's default, so the request
    /// stays minimal and relays that do not know a field are not confused.
    pub fn to_body(&self) -> Value {
        use defaults as d;
        let mut m = Map::new();
        m.insert("prompt".into(), self.prompt.trim().into());
        m.insert("image_urls".into(), self.image_urls.clone().into());
        if self.image_size != ImageSize::Preset(d::IMAGE_SIZE) {
            m.insert("image_size".into(), self.image_size.to_json());
        }
        let neg = self.negative_prompt.trim();
        if !neg.is_empty() {
            m.insert("negative_prompt".into(), neg.into());
        }
        if self.num_inference_steps != d::STEPS {
            m.insert("num_inference_steps".into(), self.num_inference_steps.into());
        }
        if self.guidance_scale != d::GUIDANCE {
            // Whole numbers go out as integers: the seed documents an integer.
            let g = self.guidance_scale;
            let v = if g.fract() == 0.0 { Value::from(g as i64) } else { Value::from(g) };
            m.insert("guidance_scale".into(), v);
        }
        if self.num_images != d::NUM_IMAGES {
            m.insert("num_images".into(), self.num_images.into());
        }
        if self.enable_safety_checker != d::SAFETY {
            m.insert("enable_safety_checker".into(), self.enable_safety_checker.into());
        }
        if self.output_format != d::OUTPUT_FORMAT {
            m.insert("output_format".into(), self.output_format.as_str().into());
        }
        if let Some(seed) = self.seed {
            m.insert("seed".into(), seed.into());
        }
        if self.acceleration != d::ACCELERATION {
            m.insert("acceleration".into(), self.acceleration.as_str().into());
        }
        if self.sync_mode {
            m.insert("sync_mode".into(), true.into());
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn minimal() -> EditInput {
        EditInput {
            prompt: "make it blue".into(),
            image_urls: vec!["https://a/x.png".into()],
            image_size: ImageSize::Preset(defaults::IMAGE_SIZE),
            negative_prompt: String::new(),
            num_inference_steps: defaults::STEPS,
            guidance_scale: defaults::GUIDANCE,
            num_images: defaults::NUM_IMAGES,
            enable_safety_checker: true,
            output_format: OutputFormat::Png,
            seed: None,
            acceleration: Acceleration::Regular,
            sync_mode: false,
        }
    }

    #[test]
    fn defaults_give_the_minimal_body() {
        assert_eq!(minimal().to_body(), json!({"prompt":"make it blue","image_urls":["https://a/x.png"]}));
    }

    #[test]
    fn every_changed_field_is_sent_with_the_apis_names() {
        let input = EditInput {
            prompt: "  p  ".into(),
            image_urls: vec!["https://a/1.png".into(), "data:image/png;base64,AA==".into()],
            image_size: ImageSize::Preset(SizePreset::Portrait34),
            negative_prompt: "blurry, ugly".into(),
            num_inference_steps: 30,
            guidance_scale: 7.5,
            num_images: 2,
            enable_safety_checker: false,
            output_format: OutputFormat::Jpeg,
            seed: Some(42),
            acceleration: Acceleration::None,
            sync_mode: true,
        };
        assert_eq!(
            input.to_body(),
            json!({"prompt":"p","image_urls":["https://a/1.png","data:image/png;base64,AA=="],
                "image_size":"portrait_4_3","negative_prompt":"blurry, ugly","num_inference_steps":30,
                "guidance_scale":7.5,"num_images":2,"enable_safety_checker":false,"output_format":"jpeg",
                "seed":42,"acceleration":"none","sync_mode":true})
        );
    }

    #[test]
    fn custom_sizes_and_whole_guidance() {
        let mut i = minimal();
        i.image_size = ImageSize::Custom { width: 1024, height: 768 };
        i.guidance_scale = 6.0;
        i.seed = Some(0);
        let b = i.to_body();
        assert_eq!(b["image_size"], json!({"width":1024,"height":768}));
        assert_eq!(b["guidance_scale"], json!(6));
        assert!(b["guidance_scale"].is_i64());
        assert_eq!(b["seed"], json!(0));
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
        assert_eq!(crate::i18n::text(crate::i18n::Lang::En, SizePreset::Portrait916.label()), "Portrait 9:16");
    }
}
