//! The edit form's values as one record (the draft), written by serde and
//! read by name (`draft/fields.rs`): share links, JSON imports and past jobs
//! are read into it field by field, so one bad field is named and nothing
//! else is lost. Switching the
//! model keeps what the new model takes.

#[cfg(test)]
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::FieldError;
use super::input::{num_text, SizePreset};
use super::model::{self, schema, Kind, Schema, OTHER, SIZE_FOLLOWS, SIZE_MATCH};
use super::validate::check_param;
use crate::i18n::{Msg, K};

/// A number in JSON as the form holds it: as text. `null` is left empty;
/// anything else stays as it is (and is refused by its field's type).
fn as_text(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Null => *v = Value::String(String::new()),
        _ => {}
    }
}

/// One LoRA as typed.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct LoraDraft {
    pub path: String,
    pub scale: String,
}

impl Default for LoraDraft {
    fn default() -> Self {
        LoraDraft { path: String::new(), scale: "1".into() }
    }
}

/// The form: every value as typed. `model` is a family endpoint or
/// `other` (then `model_other` is the endpoint); `image_size` is an API
/// enum name, `custom`, `match_input` or `default`.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Draft {
    pub model: String,
    pub model_other: String,
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
    /// Inpainting only (empty for the other models).
    #[cfg_attr(test, serde(skip_serializing_if = "String::is_empty"))]
    pub strength: String,
    /// The camera (the angles model only; empty for the others).
    #[cfg_attr(test, serde(skip_serializing_if = "String::is_empty"))]
    pub horizontal_angle: String,
    #[cfg_attr(test, serde(skip_serializing_if = "String::is_empty"))]
    pub vertical_angle: String,
    #[cfg_attr(test, serde(skip_serializing_if = "String::is_empty"))]
    pub zoom: String,
    #[cfg_attr(test, serde(skip_serializing_if = "String::is_empty"))]
    pub lora_scale: String,
    #[cfg_attr(test, serde(skip_serializing_if = "String::is_empty"))]
    pub additional_prompt: String,
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub loras: Vec<LoraDraft>,
}

/// A parameter's default as the form holds it.
fn default_value(kind: &Kind) -> Value {
    match *kind {
        Kind::Int { default, .. } => default.map(|n| n.to_string()).unwrap_or_default().into(),
        Kind::Number { default, .. } => num_text(default).into(),
        Kind::Choice { values } => values[0].into(),
        Kind::Bool { default } => default.into(),
        Kind::Text => "".into(),
    }
}

/// A value as a note shows it.
fn shown(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

/// What a JSON import, a share link or a past job gives the form.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub draft: Draft,
    /// Fields the model does not take, left out.
    pub ignored: Vec<String>,
    /// Anything else worth saying (local images that were not kept).
    pub notes: Vec<Msg>,
}

impl Draft {
    /// The default model's form.
    pub fn new() -> Self {
        Draft::for_model(model::DEFAULT_MODEL)
    }

    /// The defaults of a model choice (a family endpoint or `other`).
    pub fn for_model(choice: &str) -> Self {
        // `schema` gives plus's for "Other…".
        let s = schema(choice);
        let mut d = Draft {
            model: if choice == OTHER { OTHER.into() } else { s.id.into() },
            image_size: s.size_default().into(),
            image_width: "1024".into(),
            image_height: "1024".into(),
            ..Draft::default()
        };
        let mut values = d.values();
        for p in s.params() {
            values.insert(p.name.into(), default_value(&p.kind));
        }
        d.set_values(values);
        d
    }

    /// Writes fields back by name; a value of the wrong type changes
    /// nothing (the form's own controls only write text and booleans).
    pub fn set_values(&mut self, values: Map<String, Value>) {
        if let Ok(d) = Draft::from_fields(values) {
            *self = d;
        }
    }

    /// One field's value by name: text, or a boolean for a checkbox.
    pub fn value(&self, name: &str) -> Value {
        self.values().remove(name).unwrap_or(Value::Null)
    }

    /// Sets one field by name.
    pub fn set_value(&mut self, name: &str, v: Value) {
        let mut values = self.values();
        values.insert(name.into(), v);
        self.set_values(values);
    }

    /// The select's value and the free text for an endpoint (none: the
    /// default model).
    pub fn model_choice(endpoint: &str) -> (String, String) {
        let e = endpoint.trim().trim_matches('/');
        if e.is_empty() {
            (model::DEFAULT_MODEL.into(), String::new())
        } else if model::FAMILY.iter().any(|s| s.id == e) {
            (e.into(), String::new())
        } else {
            (OTHER.into(), e.into())
        }
    }

    /// The endpoint to call.
    pub fn endpoint(&self) -> String {
        if self.model == OTHER {
            let e = self.model_other.trim().trim_matches('/');
            if e.is_empty() { model::DEFAULT_MODEL.into() } else { e.into() }
        } else {
            schema(&self.model).id.into()
        }
    }

    /// The schema the form follows: the chosen member's, plus's for "Other…".
    pub fn schema(&self) -> &'static Schema {
        schema(&self.model)
    }

    /// Moves to another model. A value the person left at the old model's
    /// default takes the new default; a value they chose stays when the new
    /// model takes it, else it goes back to the new default with a note at
    /// its field.
    pub fn switch_model(&mut self, choice: &str) -> Vec<FieldError> {
        let (old, mut notes) = (self.schema(), Vec::new());
        let fresh = Draft::for_model(choice);
        let new = fresh.schema();
        let mut values = self.values();
        values.insert("model".into(), fresh.model.clone().into());
        for p in new.params() {
            let current = values.get(p.name).cloned().unwrap_or(Value::Null);
            let new_default = default_value(&p.kind);
            // A parameter the old model did not have starts at its default.
            let untouched = old.param(p.name).is_none_or(|o| default_value(&o.kind) == current);
            if untouched {
                values.insert(p.name.into(), new_default);
            } else if check_param(&p, &current).is_err() {
                notes.push(FieldError::new(p.name, Msg::new(K::NoteModelReset).arg("value", shown(&current)).arg("default", shown(&new_default))));
                values.insert(p.name.into(), new_default);
            }
        }
        let size_ok = match self.image_size.as_str() {
            SIZE_MATCH => !new.size_follows_input,
            SIZE_FOLLOWS => new.size_follows_input,
            _ => true,
        };
        if self.image_size == old.size_default() {
            values.insert("image_size".into(), new.size_default().into());
        } else if !size_ok {
            notes.push(FieldError::new("image_size", Msg::new(K::NoteModelReset).arg("value", &self.image_size).arg("default", new.size_default())));
            values.insert("image_size".into(), new.size_default().into());
        }
        // One model's own fields go when the next does not take them.
        for own in ["strength", "horizontal_angle", "vertical_angle", "zoom", "lora_scale", "additional_prompt"] {
            if new.param(own).is_none() {
                values.remove(own);
            }
        }
        if !new.loras && !self.loras.is_empty() {
            notes.push(FieldError::new("loras", Msg::new(K::NoteLorasRemoved).arg("n", self.loras.len())));
            values.remove("loras");
        }
        self.set_values(values);
        notes
    }

    /// Reads a request body, an imported JSON or a share link into the
    /// form of the model at `endpoint` (a body names no model; a link
    /// does). Every field is
    /// read on its own: a field of the wrong type or an invalid value is
    /// a problem at that field, and any problem means nothing is loaded.
    /// Fields the model does not take are left out and named.
    pub fn from_json(v: &Value, endpoint: &str) -> Result<Loaded, Vec<FieldError>> {
        let Some(obj) = v.as_object() else {
            return Err(vec![FieldError::new("request_json", K::ImportNotObject)]);
        };
        let mut m: Map<String, Value> = obj.clone();
        m.remove("v");
        let mut notes = Vec::new();
        // A request body's shapes: a custom size is an object; local files
        // of a past job were not kept.
        if let Some(Value::Object(size)) = m.get("image_size").cloned() {
            m.insert("image_size".into(), "custom".into());
            m.insert("image_width".into(), size.get("width").cloned().unwrap_or(Value::Null));
            m.insert("image_height".into(), size.get("height").cloned().unwrap_or(Value::Null));
        }
        // An inpainting body's one image; its mask is pixels, not marks,
        // and is drawn again.
        if let Some(url) = m.remove("image_url") {
            m.entry("image_urls").or_insert(Value::Array(vec![url]));
        }
        if m.remove("mask_url").is_some() {
            notes.push(Msg::new(K::NoteMaskNotKept));
        }
        if let Some(Value::Array(urls)) = m.get_mut("image_urls") {
            let before = urls.len();
            urls.retain(|u| !u.as_str().is_some_and(|u| u.starts_with("local-file:")));
            if urls.len() < before {
                notes.push(Msg::count(K::NoteLocalNotKeptOne, K::NoteLocalNotKept, before - urls.len()));
            }
        }
        let (mut choice, other) = Draft::model_choice(endpoint);
        if let Some(c) = m.get("model").and_then(Value::as_str) {
            choice = c.to_string();
        }
        let start = Draft { model_other: other, ..Draft::for_model(&choice) };
        let mut base = start.values();
        let schema = schema(&choice);
        // Numbers are held as typed text: a body's `30` and a link's "30"
        // read the same. Only where a number belongs: `{"prompt": 5}` is
        // refused, not read as "5".
        let numeric = |k: &str| {
            matches!(k, "image_width" | "image_height") || schema.param(k).is_some_and(|p| matches!(p.kind, Kind::Int { .. } | Kind::Number { .. }))
        };
        for (k, v) in m.iter_mut() {
            if numeric(k) {
                as_text(v);
            }
        }
        if let Some(Value::Array(list)) = m.get_mut("loras") {
            for scale in list.iter_mut().filter_map(|l| l.get_mut("scale")) {
                as_text(scale);
            }
        }
        let (mut problems, mut ignored) = (Vec::new(), Vec::new());
        for (k, v) in m {
            let own = matches!(k.as_str(), "model" | "model_other" | "image_width" | "image_height" | "image_urls");
            let empty = v.is_null() || v.as_array().is_some_and(Vec::is_empty);
            if !(own || schema.knows(&k)) || !(base.contains_key(&k) || k == "loras") {
                if !empty {
                    ignored.push(k);
                }
                continue;
            }
            let mut one = Map::new();
            one.insert(k.clone(), v.clone());
            match Draft::from_fields(one) {
                Ok(_) => {
                    base.insert(k, v);
                }
                Err(e) => problems.push(FieldError::new(&k, Msg::new(K::ImportBadField).arg("error", e))),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut draft = Draft::from_fields(base).map_err(|e| vec![FieldError::new("request_json", Msg::new(K::ImportInvalid).arg("error", e))])?;
        if draft.model != OTHER && !model::FAMILY.iter().any(|s| s.id == draft.model) {
            let (choice, other) = Draft::model_choice(&draft.model);
            (draft.model, draft.model_other) = (choice, other);
        }
        if let Some(p) = SizePreset::parse(&draft.image_size) {
            draft.image_size = p.api_name().into();
        }
        draft.negative_prompt = draft.negative_prompt.trim().to_string();
        let problems = draft.check(super::validate::FirstImage::Unknown, false).err().unwrap_or_default();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Loaded { draft, ignored, notes })
    }

    /// The draft as a share link carries it: local images (data URIs) are
    /// left out and counted.
    pub fn to_share(&self) -> (Value, usize) {
        let mut d = self.clone();
        d.image_urls.retain(|u| !u.starts_with("data:"));
        let left_out = self.image_urls.len() - d.image_urls.len();
        let mut m = d.values();
        m.insert("v".into(), 2.into());
        (Value::Object(m), left_out)
    }
}

/// Puts `text` into `s` in place of the characters `start..end` (a
/// selection, or the cursor when equal), counted in UTF-16 units as the
/// browser counts them. Returns where the cursor goes, in the same units.
pub fn insert_at(s: &mut String, start: u32, end: u32, text: &str) -> u32 {
    let byte_at = |units: u32| {
        let mut seen = 0u32;
        for (i, c) in s.char_indices() {
            if seen >= units {
                return i;
            }
            seen += c.len_utf16() as u32;
        }
        s.len()
    };
    let (a, b) = (byte_at(start), byte_at(end.max(start)));
    s.replace_range(a..b, text);
    s[..a + text.len()].encode_utf16().count() as u32
}

/// Puts a reference ("image 2") at the cursor like [`insert_at`], with a
/// space on either side where it would touch a word.
pub fn insert_ref(s: &mut String, start: u32, end: u32, reference: &str) -> u32 {
    let at = s.encode_utf16().count() as u32;
    let (start, end) = (start.min(at), end.min(at).max(start.min(at)));
    let before: String = String::from_utf16_lossy(&s.encode_utf16().take(start as usize).collect::<Vec<_>>());
    let after: String = String::from_utf16_lossy(&s.encode_utf16().skip(end as usize).collect::<Vec<_>>());
    let pad_before = before.chars().last().is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
    let pad_after = after.chars().next().is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
    let text = format!("{}{reference}{}", if pad_before { " " } else { "" }, if pad_after { " " } else { "" });
    insert_at(s, start, end, &text)
}

/// Chinese, Japanese and Korean text has no spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// Whether a prompt refers to input images by number ("image 2", "图2").
pub fn mentions_images(prompt: &str) -> bool {
    let lower = prompt.to_ascii_lowercase();
    ["image", "图", "img"]
        .iter()
        .any(|w| lower.match_indices(w).any(|(i, m)| lower[i + m.len()..].trim_start().starts_with(|c: char| c.is_ascii_digit())))
}

mod fields;

#[cfg(test)]
mod tests;
