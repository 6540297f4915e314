//! Validation of what the person typed. The form calls this same code; each
//! problem names the API field it belongs to so the page can show it there.

use super::error::FieldError;
use crate::i18n::{Msg, K};
use super::draft::Draft;
use super::input::{num_text, number, EditInput, ImageSize, Lora, SizePreset, SIDE_RANGE};
use super::model::{Kind, Param, FAMILY, LORA_SCALE, MAX_LORAS, OTHER, SIZE_FOLLOWS, SIZE_MATCH};
use serde_json::Value;
use super::size::match_input;

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

fn number_in(field: &str, raw: &str, (min, max): (f64, f64), errs: &mut Vec<FieldError>) -> Option<f64> {
    match super::num::parse_f64(raw) {
        Some(g) if (min..=max).contains(&g) => Some(g),
        _ => {
            errs.push(FieldError::new(field, Msg::new(K::ValNumber).arg("min", num_text(min)).arg("max", num_text(max))));
            None
        }
    }
}

/// One scalar parameter as typed (text, or a boolean): what is sent
/// (`None` when it is the model's default or left empty), or why it cannot
/// be.
pub fn check_param(p: &Param, v: &Value) -> Result<Option<Value>, Msg> {
    let text = v.as_str().map(str::trim).unwrap_or("");
    match p.kind {
        Kind::Int { min, max, default } => {
            if text.is_empty() && default.is_none() {
                return Ok(None);
            }
            match text.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok((Some(n) != default).then(|| n.into())),
                _ => Err(Msg::new(K::ValWholeNumber).arg("min", min).arg("max", max)),
            }
        }
        Kind::Number { min, max, default } => match super::num::parse_f64(text) {
            Some(x) if (min..=max).contains(&x) => Ok((x != default).then(|| number(x))),
            _ => Err(Msg::new(K::ValNumber).arg("min", num_text(min)).arg("max", num_text(max))),
        },
        Kind::Choice { values } => match values.iter().position(|c| *c == text) {
            Some(0) => Ok(None),
            Some(i) => Ok(Some(values[i].into())),
            None => Err(Msg::new(K::ValChoice).arg("choices", values.join(", "))),
        },
        Kind::Bool { default } => match v.as_bool() {
            Some(b) => Ok((b != default).then_some(b.into())),
            None => Err(Msg::new(K::ValChoice).arg("choices", "true, false")),
        },
        Kind::Text => Ok((!text.is_empty()).then(|| text.into())),
    }
}

/// What is known of the first input image's size, for "Match the first
/// image".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstImage {
    /// Not asked (an import is checked before any image is looked at).
    Unknown,
    /// Still being read.
    Reading,
    Known(u32, u32),
    /// Could not be read: the model's default size is sent.
    Unreadable,
}

/// An endpoint typed for "Other…": `owner/name[/sub…]` of URL-safe words.
pub fn check_endpoint(e: &str) -> Result<(), K> {
    let e = e.trim().trim_matches('/');
    let word = |w: &str| !w.is_empty() && w != "." && w != ".." && w.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if e.split('/').count() >= 2 && e.split('/').all(word) {
        Ok(())
    } else {
        Err(K::ValEndpoint)
    }
}

/// A LoRA's path: an `https://` URL of a `.safetensors` file, or a Hugging
/// Face repo id (`owner/name`).
pub fn check_lora_path(p: &str) -> Result<(), K> {
    let p = p.trim();
    if p.to_ascii_lowercase().starts_with("https://") {
        let path = p.split(['?', '#']).next().unwrap_or("");
        return if super::origin::origin(p).is_some() && path.to_ascii_lowercase().ends_with(".safetensors") && !p.contains(char::is_whitespace) {
            Ok(())
        } else {
            Err(K::ValLoraPath)
        };
    }
    let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    match p.split_once('/') {
        Some((owner, name)) if word(owner) && word(name) => Ok(()),
        _ => Err(K::ValLoraPath),
    }
}

impl Draft {
    /// The request this draft describes, or every problem with it.
    pub fn validate(&self, first: FirstImage) -> Result<EditInput, Vec<FieldError>> {
        self.check(first, true)
    }

    /// `complete`: a submit needs a prompt and images; an import or a
    /// link may leave them for later and is checked for the rest.
    pub fn check(&self, first: FirstImage, complete: bool) -> Result<EditInput, Vec<FieldError>> {
        let s = self.schema();
        let mut errs = Vec::new();
        if self.model == OTHER {
            if let Err(k) = check_endpoint(&self.model_other) {
                errs.push(FieldError::new("model_other", k));
            }
        } else if !FAMILY.iter().any(|m| m.id == self.model) {
            errs.push(FieldError::new("model", K::ValModel));
        }
        if complete && s.prompt() && self.prompt.trim().is_empty() {
            errs.push(FieldError::new("prompt", K::ValPrompt));
        }
        if complete && self.image_urls.is_empty() {
            errs.push(FieldError::new("image_urls", K::ValNoImages));
        }
        if s.inpaint && self.image_urls.len() > 1 {
            errs.push(FieldError::new("image_urls", K::ValInpaintOneImage));
        }
        for (i, u) in self.image_urls.iter().enumerate() {
            if let Err(e) = check_image_url(u) {
                errs.push(FieldError::new("image_urls", Msg::new(K::ValImageN).arg("n", i + 1).arg_msg("problem", e)));
            }
        }
        let side_range = (SIDE_RANGE.0 as u64, SIDE_RANGE.1 as u64);
        let image_size = match self.image_size.as_str() {
            "custom" => {
                let w = int_in("image_width", &self.image_width, side_range, &mut errs);
                let h = int_in("image_height", &self.image_height, side_range, &mut errs);
                w.zip(h).map(|(w, h)| Some(ImageSize::Custom { width: w as u32, height: h as u32 }))
            }
            SIZE_MATCH if !s.size_follows_input => match first {
                FirstImage::Known(w, h) => Some(match_input(w, h).map(|(width, height)| ImageSize::Custom { width, height })),
                FirstImage::Reading if complete => {
                    errs.push(FieldError::new("image_size", K::ValSizeReading));
                    None
                }
                // Cannot be read: the model's default (not sent).
                _ => Some(Some(ImageSize::Preset(SizePreset::SquareHd))),
            },
            SIZE_FOLLOWS if s.size_follows_input => Some(None),
            other => match SizePreset::parse(other) {
                Some(p) => Some(Some(ImageSize::Preset(p))),
                None => {
                    errs.push(FieldError::new("image_size", K::ValImageSize));
                    None
                }
            },
        };
        let values = self.values();
        let mut params = Vec::new();
        for p in s.params() {
            match check_param(&p, values.get(p.name).unwrap_or(&Value::Null)) {
                Ok(Some(v)) => params.push((p.name, v)),
                Ok(None) => {}
                Err(m) => errs.push(FieldError::new(p.name, m)),
            }
        }
        let mut loras = Vec::new();
        if s.loras {
            if self.loras.len() > MAX_LORAS {
                errs.push(FieldError::new("loras", Msg::new(K::ValLoraCount).arg("max", MAX_LORAS)));
            }
            for (i, l) in self.loras.iter().enumerate() {
                let n = i + 1;
                if let Err(k) = check_lora_path(&l.path) {
                    errs.push(FieldError::new("loras", Msg::new(K::ValLoraN).arg("n", n).arg_msg("problem", k)));
                }
                let mut scale_errs = Vec::new();
                if let Some(scale) = number_in("loras", &l.scale, LORA_SCALE, &mut scale_errs) {
                    loras.push(Lora { path: l.path.trim().to_string(), scale });
                }
                errs.extend(scale_errs.into_iter().map(|e| FieldError::new("loras", Msg::new(K::ValLoraN).arg("n", n).arg_msg("problem", e.message))));
            }
        }
        match image_size {
            Some(image_size) if errs.is_empty() => Ok(EditInput {
                schema: s,
                prompt: self.prompt.trim().to_string(),
                image_urls: self.image_urls.iter().map(|u| u.trim().to_string()).collect(),
                image_size,
                params,
                loras,
                mask_url: None,
            }),
            _ => Err(errs),
        }
    }
}

/// A hint (not an error) for custom sides that are not multiples of 8.
pub fn side_hint(raw: &str) -> Option<K> {
    raw.trim().parse::<u32>().ok().filter(|n| n % 8 != 0).map(|_| K::HintMultipleOf8)
}

#[cfg(test)]
mod tests;
