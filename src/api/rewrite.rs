//! The prompt rewrite: a vision-language model behind the same queue and
//! key (`openrouter/router/vision`) reads the prompt and the form's images
//! and proposes a precise instruction. The request body, the reading of
//! its answer and the day's spend on rewrites; the instruction we send is
//! `prompts/rewrite.*.txt`.

use serde_json::{Map, Value};

use super::error::{ApiError, ErrorKind, Problem};
use super::output::{EditOutput, Said};
use super::regions::Ready;
use super::status::number_field;
use crate::pixels::region::RegionUse;

/// The endpoint (a subpath model: its requests live under `openrouter/router`).
pub const MODEL: &str = "openrouter/router/vision";
/// The vision model asked when the setting is left empty.
pub const DEFAULT_MODEL: &str = "google/gemini-2.5-flash";
pub const DEFAULT_TEMPERATURE: f64 = 1.0;
pub const TEMPERATURE_RANGE: (f64, f64) = (0.0, 2.0);
/// Enough for any instruction; bounds what one rewrite can cost.
pub const MAX_TOKENS: u32 = 1024;
/// A proposal longer than this many characters is cut (and said so).
pub const MAX_CHARS: usize = 4000;

/// Our instruction to the vision model, in English and in Chinese.
pub const SYSTEM_EN: &str = include_str!("../../prompts/rewrite.en.txt");
pub const SYSTEM_ZH: &str = include_str!("../../prompts/rewrite.zh-CN.txt");

/// Whether `text` is written in Chinese (or Japanese): it holds a CJK
/// ideograph or kana.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2ffff)
}

/// The instruction for a prompt: the Chinese one for a Chinese prompt, so
/// that the rewrite stays in the prompt's language.
pub fn system_prompt(prompt: &str) -> &'static str {
    if prompt.chars().any(is_cjk) {
        SYSTEM_ZH
    } else {
        SYSTEM_EN
    }
}

/// The request body: the prompt as typed, the images as the edit would
/// send them (marks burned in), our instruction, the chosen model (empty:
/// the default) and temperature (clamped to 0–2).
pub fn body(prompt: &str, images: &[String], model: &str, temperature: f64) -> Value {
    let model = match model.trim() {
        "" => DEFAULT_MODEL,
        m => m,
    };
    let t = if temperature.is_finite() { temperature.clamp(TEMPERATURE_RANGE.0, TEMPERATURE_RANGE.1) } else { DEFAULT_TEMPERATURE };
    let mut b = Map::new();
    b.insert("model".into(), model.into());
    b.insert("prompt".into(), prompt.into());
    b.insert("system_prompt".into(), system_prompt(prompt).into());
    b.insert("image_urls".into(), images.into());
    b.insert("temperature".into(), t.into());
    b.insert("max_tokens".into(), MAX_TOKENS.into());
    Value::Object(b)
}

/// The form's images as the rewrite sends them, in order: an image with
/// marks has them burned in (`None` while one is being made); a mask or a
/// kept region leaves its image as it is.
pub fn images(urls: &[String], regions: &[Ready]) -> Option<Vec<String>> {
    urls.iter()
        .map(|u| match regions.iter().find(|r| r.url == u) {
            Some(Ready { use_: RegionUse::Marks, made, .. }) => made.map(str::to_string),
            _ => Some(u.clone()),
        })
        .collect()
}

/// Reads a 2xx answer of the result URL. `202`, or a status body saying
/// the request still runs, is "not yet"; text that is not JSON may be a
/// cut connection (worth another try); JSON whose `output` is missing, not
/// a string or empty is the rewrite's failure. A very long output is cut.
pub fn from_answer(code: u16, text: &str) -> Result<EditOutput, ApiError> {
    if code == 202 {
        return Err(ApiError::not_yet(code));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| ApiError::unreadable(Problem::NotJson, e.to_string()))?;
    let Some(output) = v.get("output").and_then(Value::as_str).map(str::trim).filter(|o| !o.is_empty()) else {
        let running = super::QueueStatus::from_json(text).is_ok_and(|s| matches!(s.status, super::JobStatus::InQueue | super::JobStatus::InProgress));
        if running {
            return Err(ApiError::not_yet(code));
        }
        // The job's answer, not a cut connection: not worth asking again.
        return Err(ApiError { kind: ErrorKind::Other, status: Some(code), ..ApiError::unreadable(Problem::NoText, "") });
    };
    let cut = output.chars().count() > MAX_CHARS;
    let text = if cut { output.chars().take(MAX_CHARS).collect() } else { output.to_string() };
    let cost = v.get("usage").and_then(|u| number_field(u, "cost")).filter(|c| *c >= 0.0 && c.is_finite());
    Ok(EditOutput { images: Vec::new(), seed: None, inference_time: None, said: Some(Said { text, cut, cost }) })
}

/// What rewrites cost: on the local day `day`, and in all. Kept apart from
/// the history (rewrites are not kept there).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spent {
    pub day: String,
    pub today: f64,
    pub all: f64,
}

impl Spent {
    /// Counts a rewrite that cost `usd` on `day`.
    pub fn add(&mut self, usd: f64, day: &str) {
        if self.day != day {
            self.day = day.to_string();
            self.today = 0.0;
        }
        self.today += usd;
        self.all += usd;
    }

    /// What was spent on `day`.
    pub fn on(&self, day: &str) -> f64 {
        if self.day == day { self.today } else { 0.0 }
    }

    pub fn to_storage(&self) -> String {
        let mut m = Map::new();
        m.insert("day".into(), self.day.clone().into());
        m.insert("today".into(), self.today.into());
        m.insert("all".into(), self.all.into());
        Value::Object(m).to_string()
    }

    /// Anything unreadable counts as nothing spent.
    pub fn from_storage(s: &str) -> Self {
        let v: Value = serde_json::from_str(s).unwrap_or(Value::Null);
        let usd = |k| number_field(&v, k).filter(|x| *x >= 0.0 && x.is_finite()).unwrap_or(0.0);
        Spent { day: v.get("day").and_then(Value::as_str).unwrap_or_default().to_string(), today: usd("today"), all: usd("all") }
    }
}

#[cfg(test)]
mod tests;
