//! The Qwen edit family on fal: one table of each endpoint's fields,
//! defaults, ranges and choices (PROTOCOL.md, "The model family"). The
//! form, the validation, the minimal body and the fake server's checks all
//! read a model's schema from here.

/// The endpoint chosen when none is (and the schema of "Other…").
pub const DEFAULT_MODEL: &str = "fal-ai/qwen-image-edit-plus";

/// The value of the model select for an endpoint outside the family.
pub const OTHER: &str = "other";

/// Images per request.
pub const NUM_IMAGES: (u64, u64) = (1, 4);
/// Seeds: fal's schema gives no bound; the form keeps 0 – 2^32-1.
pub const SEED_MAX: u64 = u32::MAX as u64;

/// At most this many LoRAs per request.
pub const MAX_LORAS: usize = 3;
/// A LoRA's scale: range and default.
pub const LORA_SCALE: (f64, f64) = (0.0, 4.0);
pub const LORA_SCALE_DEFAULT: f64 = 1.0;

/// One endpoint's schema: what the form shows and what the body omits.
#[derive(Debug, PartialEq)]
pub struct Schema {
    pub id: &'static str,
    /// The name people know it by (the same in every language).
    pub name: &'static str,
    /// Steps: (min, max) and the server's default.
    pub steps: (u32, u32),
    pub steps_default: u32,
    pub guidance: (f64, f64),
    pub guidance_default: f64,
    /// The server's default negative prompt (`" "` or `""`): empty in the
    /// form means "not sent" for both.
    pub negative_default: &'static str,
    /// `output_format` choices, the first being the default.
    pub formats: &'static [&'static str],
    /// `acceleration` choices, the default first.
    pub accelerations: &'static [&'static str],
    /// No `image_size` sent: the output follows the input image. Else the
    /// default is `square_hd` and "Match the first image" is offered.
    pub size_follows_input: bool,
    /// Takes `loras`.
    pub loras: bool,
    /// Inpainting: **one** `image_url` (not `image_urls`), a `mask_url`
    /// (white = repaint, the image's size) and a `strength`.
    pub inpaint: bool,
    /// Camera angles: no `prompt`; the view by `horizontal_angle`,
    /// `vertical_angle` and `zoom`, with `lora_scale` and
    /// `additional_prompt`.
    pub angles: bool,
}

const PLUS: Schema = Schema {
    id: DEFAULT_MODEL,
    name: "Qwen Image Edit Plus",
    steps: (2, 100),
    steps_default: 50,
    guidance: (0.0, 20.0),
    guidance_default: 4.0,
    negative_default: " ",
    formats: &["png", "jpeg"],
    accelerations: &["regular", "none"],
    size_follows_input: false,
    loras: false,
    inpaint: false,
    angles: false,
};

const PLUS_LORA: Schema = Schema {
    id: "fal-ai/qwen-image-edit-plus-lora",
    name: "Qwen Image Edit Plus · LoRA",
    steps: (2, 50),
    steps_default: 28,
    size_follows_input: true,
    loras: true,
    ..PLUS
};

const E2511: Schema = Schema {
    id: "fal-ai/qwen-image-edit-2511",
    name: "Qwen Image Edit 2511",
    steps: (1, 50),
    steps_default: 28,
    guidance: (1.0, 20.0),
    guidance_default: 4.5,
    negative_default: "",
    formats: &["png", "jpeg", "webp"],
    accelerations: &["regular", "none", "high"],
    size_follows_input: true,
    loras: false,
    inpaint: false,
    angles: false,
};

/// The inpainting endpoint (the original Qwen Image Edit with a mask):
/// steps 2–50, default 30; guidance 0–20, default 4; the output follows
/// the input image.
pub const INPAINT: &str = "fal-ai/qwen-image-edit/inpaint";

/// `strength`'s range and default (inpainting only).
pub const STRENGTH: (f64, f64) = (0.0, 1.0);
pub const STRENGTH_DEFAULT: f64 = 0.93;

const INPAINT_SCHEMA: Schema = Schema {
    id: INPAINT,
    name: "Qwen Image Edit · Inpaint",
    steps: (2, 50),
    steps_default: 30,
    size_follows_input: true,
    inpaint: true,
    ..PLUS
};

/// The camera angles endpoint (Qwen Image Edit 2511 with fal's multiple
/// angles LoRA): no prompt; steps, guidance, formats and size as 2511,
/// `acceleration` `regular` (default) or `none`.
pub const ANGLES: &str = "fal-ai/qwen-image-edit-2511-multiple-angles";

/// The camera's ranges and defaults (angles only): (min, max, default).
pub const HORIZONTAL_ANGLE: (f64, f64, f64) = (0.0, 360.0, 0.0);
pub const VERTICAL_ANGLE: (f64, f64, f64) = (-30.0, 90.0, 0.0);
pub const ZOOM: (f64, f64, f64) = (0.0, 10.0, 5.0);
/// The camera LoRA's strength: fal gives the default (1), not a range; the
/// form keeps the LoRA scale's 0–4.
pub const ANGLES_LORA_SCALE: (f64, f64, f64) = (LORA_SCALE.0, LORA_SCALE.1, 1.0);

const ANGLES_SCHEMA: Schema = Schema {
    id: ANGLES,
    name: "Qwen Image Edit 2511 · Multiple Angles",
    accelerations: &["regular", "none"],
    angles: true,
    ..E2511
};

/// The family, in the order of the model select.
pub const FAMILY: [Schema; 8] = [
    PLUS,
    Schema { id: "fal-ai/qwen-image-edit-2509", name: "Qwen Image Edit 2509", ..PLUS },
    PLUS_LORA,
    Schema { id: "fal-ai/qwen-image-edit-2509-lora", name: "Qwen Image Edit 2509 · LoRA", ..PLUS_LORA },
    E2511,
    Schema { id: "fal-ai/qwen-image-edit-2511/lora", name: "Qwen Image Edit 2511 · LoRA", loras: true, ..E2511 },
    INPAINT_SCHEMA,
    ANGLES_SCHEMA,
];

/// What a scalar parameter holds, with this model's range and default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A whole number; no default: left empty, nothing is sent (the seed).
    Int { min: u64, max: u64, default: Option<u64> },
    Number { min: f64, max: f64, default: f64 },
    /// One of `values`, the first being the default.
    Choice { values: &'static [&'static str] },
    Bool { default: bool },
    /// Free text; empty sends nothing (the server's default).
    Text,
}

/// A scalar body parameter: its API name and what it holds. Validation,
/// the minimal body, the form's limits and a switch of model all read this
/// one list, so a new parameter is an entry here, a field of the draft and
/// a line of the view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
}

/// The body fields that are not scalar parameters.
const STRUCTURAL: [&str; 3] = ["prompt", "image_urls", "image_size"];
/// What an inpainting body has instead of `image_urls`.
const INPAINT_STRUCTURAL: [&str; 4] = ["prompt", "image_url", "mask_url", "image_size"];
/// A camera angles body: no `prompt`.
const ANGLES_STRUCTURAL: [&str; 2] = ["image_urls", "image_size"];

/// The schema of an endpoint: a family member's own, plus's for any other.
pub fn schema(endpoint: &str) -> &'static Schema {
    let e = endpoint.trim().trim_matches('/');
    FAMILY.iter().find(|s| s.id == e).unwrap_or(&FAMILY[0])
}

impl Schema {
    /// The scalar parameters, in the form's order.
    pub fn params(&self) -> Vec<Param> {
        let p = |name, kind| Param { name, kind };
        let mut v = vec![
            p("negative_prompt", Kind::Text),
            p("num_inference_steps", Kind::Int { min: self.steps.0 as u64, max: self.steps.1 as u64, default: Some(self.steps_default as u64) }),
            p("guidance_scale", Kind::Number { min: self.guidance.0, max: self.guidance.1, default: self.guidance_default }),
            p("num_images", Kind::Int { min: NUM_IMAGES.0, max: NUM_IMAGES.1, default: Some(1) }),
            p("seed", Kind::Int { min: 0, max: SEED_MAX, default: None }),
            p("output_format", Kind::Choice { values: self.formats }),
            p("acceleration", Kind::Choice { values: self.accelerations }),
            p("enable_safety_checker", Kind::Bool { default: true }),
            p("sync_mode", Kind::Bool { default: false }),
        ];
        if self.inpaint {
            v.insert(1, p("strength", Kind::Number { min: STRENGTH.0, max: STRENGTH.1, default: STRENGTH_DEFAULT }));
        }
        if self.angles {
            let n = |(min, max, default): (f64, f64, f64)| Kind::Number { min, max, default };
            let camera = [
                p("horizontal_angle", n(HORIZONTAL_ANGLE)),
                p("vertical_angle", n(VERTICAL_ANGLE)),
                p("zoom", n(ZOOM)),
                p("lora_scale", n(ANGLES_LORA_SCALE)),
                p("additional_prompt", Kind::Text),
            ];
            v.splice(0..0, camera);
        }
        v
    }

    /// Takes a `prompt` (all but the camera angles model).
    pub fn prompt(&self) -> bool {
        !self.angles
    }

    pub fn param(&self, name: &str) -> Option<Param> {
        self.params().into_iter().find(|p| p.name == name)
    }

    /// Whether a body field belongs to this model.
    pub fn knows(&self, field: &str) -> bool {
        let structural = if self.inpaint {
            &INPAINT_STRUCTURAL[..]
        } else if self.angles {
            &ANGLES_STRUCTURAL[..]
        } else {
            &STRUCTURAL[..]
        };
        structural.contains(&field) || (self.loras && field == "loras") || self.param(field).is_some()
    }

    pub fn format_default(&self) -> &'static str {
        self.formats[0]
    }

    pub fn acceleration_default(&self) -> &'static str {
        self.accelerations[0]
    }

    /// The `image_size` choice that sends nothing.
    pub fn size_default(&self) -> &'static str {
        if self.size_follows_input {
            SIZE_FOLLOWS
        } else {
            "square_hd"
        }
    }
}

/// The `image_size` value "Default (follows the input)": nothing is sent.
pub const SIZE_FOLLOWS: &str = "default";
/// The `image_size` value "Match the first image".
pub const SIZE_MATCH: &str = "match_input";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_has_its_own_entry_and_others_read_as_plus() {
        let ids: Vec<&str> = FAMILY.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "fal-ai/qwen-image-edit-plus",
                "fal-ai/qwen-image-edit-2509",
                "fal-ai/qwen-image-edit-plus-lora",
                "fal-ai/qwen-image-edit-2509-lora",
                "fal-ai/qwen-image-edit-2511",
                "fal-ai/qwen-image-edit-2511/lora",
                "fal-ai/qwen-image-edit/inpaint",
                "fal-ai/qwen-image-edit-2511-multiple-angles"
            ]
        );
        for s in &FAMILY {
            assert_eq!(schema(s.id), s);
            assert_eq!(schema(&format!(" /{}/ ", s.id)), s);
            assert!(s.steps.0 <= s.steps_default && s.steps_default <= s.steps.1, "{}", s.id);
            assert!(s.guidance.0 <= s.guidance_default && s.guidance_default <= s.guidance.1, "{}", s.id);
        }
        assert_eq!(schema("fal-ai/flux/dev"), &FAMILY[0]);
        assert_eq!(schema(""), &FAMILY[0]);
    }

    #[test]
    fn the_table_says_what_protocol_md_says() {
        let plus = schema("fal-ai/qwen-image-edit-plus");
        assert_eq!((plus.steps, plus.steps_default, plus.guidance_default), ((2, 100), 50, 4.0));
        assert_eq!((plus.formats, plus.accelerations, plus.size_default()), (&["png", "jpeg"][..], &["regular", "none"][..], "square_hd"));
        assert!(!plus.knows("loras") && plus.knows("acceleration") && plus.knows("image_size") && !plus.knows("foo"));
        assert_eq!(plus.param("num_inference_steps").map(|p| p.kind), Some(Kind::Int { min: 2, max: 100, default: Some(50) }));
        assert_eq!(plus.param("seed").map(|p| p.kind), Some(Kind::Int { min: 0, max: u32::MAX as u64, default: None }));
        assert_eq!(schema("fal-ai/qwen-image-edit-2509"), &Schema { id: "fal-ai/qwen-image-edit-2509", name: "Qwen Image Edit 2509", ..PLUS });
        for id in ["fal-ai/qwen-image-edit-plus-lora", "fal-ai/qwen-image-edit-2509-lora"] {
            let s = schema(id);
            assert_eq!((s.steps, s.steps_default, s.loras, s.size_default()), ((2, 50), 28, true, SIZE_FOLLOWS), "{id}");
            assert!(s.knows("loras"));
        }
        let e = schema("fal-ai/qwen-image-edit-2511");
        assert_eq!((e.steps, e.steps_default, e.guidance, e.guidance_default, e.negative_default), ((1, 50), 28, (1.0, 20.0), 4.5, ""));
        assert_eq!((e.formats, e.accelerations, e.loras), (&["png", "jpeg", "webp"][..], &["regular", "none", "high"][..], false));
        assert_eq!(e.param("guidance_scale").map(|p| p.kind), Some(Kind::Number { min: 1.0, max: 20.0, default: 4.5 }));
        assert_eq!(e.param("output_format").map(|p| p.kind), Some(Kind::Choice { values: &["png", "jpeg", "webp"] }));
        let el = schema("fal-ai/qwen-image-edit-2511/lora");
        assert_eq!(el, &Schema { id: el.id, name: el.name, loras: true, ..E2511 });
        let ip = schema("fal-ai/qwen-image-edit/inpaint");
        assert_eq!((ip.steps, ip.steps_default, ip.guidance, ip.guidance_default, ip.size_default(), ip.inpaint), ((2, 50), 30, (0.0, 20.0), 4.0, SIZE_FOLLOWS, true));
        assert_eq!(ip.param("strength").map(|p| p.kind), Some(Kind::Number { min: 0.0, max: 1.0, default: 0.93 }));
        assert!(ip.knows("image_url") && ip.knows("mask_url") && !ip.knows("image_urls") && !ip.knows("loras"));
        assert!(FAMILY.iter().filter(|s| s.id != INPAINT).all(|s| s.param("strength").is_none() && !s.knows("mask_url")));
        let a = schema("fal-ai/qwen-image-edit-2511-multiple-angles");
        assert_eq!((a.steps, a.steps_default, a.guidance, a.guidance_default, a.size_default()), ((1, 50), 28, (1.0, 20.0), 4.5, SIZE_FOLLOWS));
        assert_eq!((a.formats, a.accelerations), (&["png", "jpeg", "webp"][..], &["regular", "none"][..]));
        let camera: Vec<_> = a.params().into_iter().take(5).map(|p| (p.name, p.kind)).collect();
        assert_eq!(
            camera,
            [
                ("horizontal_angle", Kind::Number { min: 0.0, max: 360.0, default: 0.0 }),
                ("vertical_angle", Kind::Number { min: -30.0, max: 90.0, default: 0.0 }),
                ("zoom", Kind::Number { min: 0.0, max: 10.0, default: 5.0 }),
                ("lora_scale", Kind::Number { min: 0.0, max: 4.0, default: 1.0 }),
                ("additional_prompt", Kind::Text),
            ]
        );
        assert!(!a.prompt() && !a.knows("prompt") && a.knows("image_urls") && a.knows("zoom") && !a.knows("loras") && !a.knows("mask_url"));
        assert!(FAMILY.iter().filter(|s| s.id != ANGLES).all(|s| s.prompt() && s.param("zoom").is_none() && !s.knows("additional_prompt")));
    }
}
