//! Reading a draft from its fields by name (links, imports, past jobs, the
//! form's own controls): by hand, not by serde's derive, which cost 1.7 KB
//! more of bundle for the same reading. Absent fields stay empty, unknown
//! ones are skipped, a value of the wrong type refuses the whole, named.

use serde_json::{Map, Value};

use super::{Draft, LoraDraft};

/// What a value is, as a refusal names it.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn refused(v: &Value, expected: &str) -> String {
    format!("invalid type: {}, expected {expected}", kind(v))
}

fn text(v: Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(refused(&other, "a string")),
    }
}

fn list(v: Value) -> Result<Vec<Value>, String> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(refused(&other, "a list")),
    }
}

/// A LoRA's fields (an absent scale is 1; no other field is taken).
fn lora(v: Value) -> Result<LoraDraft, String> {
    let Value::Object(m) = v else { return Err(refused(&v, "an object with path and scale")) };
    let mut l = LoraDraft::default();
    for (k, v) in m {
        match k.as_str() {
            "path" => l.path = text(v)?,
            "scale" => l.scale = text(v)?,
            _ => return Err(format!("unknown field `{k}`, expected `path` or `scale`")),
        }
    }
    Ok(l)
}

impl Draft {
    /// A draft from fields by name (what `values` gives): each absent one
    /// is left empty, unknown ones are skipped, and one of the wrong type
    /// refuses the whole with what it was.
    pub fn from_fields(fields: Map<String, Value>) -> Result<Draft, String> {
        let mut d = Draft::default();
        for (k, v) in fields {
            match k.as_str() {
                "enable_safety_checker" | "sync_mode" => {
                    let b = v.as_bool().ok_or_else(|| refused(&v, "a boolean"))?;
                    *(if k == "sync_mode" { &mut d.sync_mode } else { &mut d.enable_safety_checker }) = b;
                }
                "image_urls" => d.image_urls = list(v)?.into_iter().map(text).collect::<Result<_, _>>()?,
                "loras" => d.loras = list(v)?.into_iter().map(lora).collect::<Result<_, _>>()?,
                _ => {
                    if let Some(slot) = d.text_mut(&k) {
                        *slot = text(v)?;
                    }
                }
            }
        }
        Ok(d)
    }

    /// The draft's fields by their API names (a share link's and a
    /// re-run's shape): every text and boolean and the images; a model's
    /// own fields and the LoRAs only when they are not empty.
    pub fn values(&self) -> Map<String, Value> {
        let mut m = Map::new();
        self.put_texts(&mut m);
        m.insert("image_urls".into(), self.image_urls.clone().into());
        m.insert("enable_safety_checker".into(), self.enable_safety_checker.into());
        m.insert("sync_mode".into(), self.sync_mode.into());
        if !self.loras.is_empty() {
            let loras = self.loras.iter().map(|l| serde_json::json!({"path": l.path, "scale": l.scale})).collect();
            m.insert("loras".into(), Value::Array(loras));
        }
        m
    }
}

/// The text fields, each named once: `own` marks a field only some models
/// take, left out of `values` while empty.
macro_rules! texts {
    ($($f:ident $(: $own:ident)?),* $(,)?) => {
        impl Draft {
            /// The text field called `name`.
            fn text_mut(&mut self, name: &str) -> Option<&mut String> {
                Some(match name {
                    $(stringify!($f) => &mut self.$f,)*
                    _ => return None,
                })
            }

            fn put_texts(&self, m: &mut Map<String, Value>) {
                $(if !(texts!(@own $($own)?) && self.$f.is_empty()) {
                    m.insert(stringify!($f).into(), self.$f.clone().into());
                })*
            }
        }
    };
    (@own own) => { true };
    (@own) => { false };
}

texts! {
    model, model_other, prompt, image_size, image_width, image_height, negative_prompt, num_inference_steps, guidance_scale,
    num_images, output_format, seed, acceleration,
    strength: own, horizontal_angle: own, vertical_angle: own, zoom: own, lora_scale: own, additional_prompt: own,
}
