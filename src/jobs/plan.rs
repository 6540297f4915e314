//! Many jobs from one request (issue 12, groundwork): variations over the
//! seed or one parameter, and one job per input image. A pure function of
//! the validated request and the person's choices; the randomness for
//! seeds is passed in, so tests are exact.

use serde_json::Value;

use crate::api::model::{Kind, Schema, SEED_MAX};
use crate::api::validate::check_param;
use crate::api::FieldError;
use crate::i18n::{Msg, K};

/// At most this many variations of one request.
pub const MAX_VARIATIONS: u32 = 16;
/// At most this many jobs from one submit (images × variations).
pub const MAX_JOBS: usize = 64;

/// What varies between the jobs of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum Vary {
    #[cfg_attr(test, serde(rename = "seed"))]
    Seed,
    #[cfg_attr(test, serde(rename = "guidance_scale"))]
    Guidance,
    #[cfg_attr(test, serde(rename = "num_inference_steps"))]
    Steps,
    /// The camera around the subject (a turntable).
    #[cfg_attr(test, serde(rename = "horizontal_angle"))]
    Angle,
}

impl Vary {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "seed" => Some(Vary::Seed),
            "guidance_scale" => Some(Vary::Guidance),
            "num_inference_steps" => Some(Vary::Steps),
            "horizontal_angle" => Some(Vary::Angle),
            _ => None,
        }
    }

    /// The body field it changes.
    pub fn field(self) -> &'static str {
        match self {
            Vary::Seed => "seed",
            Vary::Guidance => "guidance_scale",
            Vary::Steps => "num_inference_steps",
            Vary::Angle => "horizontal_angle",
        }
    }
}

/// What tells one job of a group from the others (the grid's labels, the
/// zip's names).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Label {
    /// The input image's number when each image goes alone (1-based).
    #[cfg_attr(test, serde(default))]
    pub image: Option<usize>,
    /// The seed, or the value of the varied parameter, as sent.
    #[cfg_attr(test, serde(default))]
    pub varied: Option<(Vary, String)>,
}

impl Label {
    /// A readable file name for the `index`-th job (0-based) of a group,
    /// without extension: `01-seed-42`, `03-image-2-guidance_scale-4.5`.
    pub fn stem(&self, index: usize) -> String {
        let mut s = format!("{:02}", index + 1);
        if let Some(n) = self.image {
            s.push_str(&format!("-image-{n}"));
        }
        if let Some((vary, value)) = &self.varied {
            let field = if *vary == Vary::Steps { "steps" } else { vary.field() };
            s.push_str(&format!("-{field}-{value}"));
        }
        s
    }
}

/// A job's place in its group (kept with the job in the history).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Member {
    /// The group's id (made at its submit like a job's).
    pub group: u64,
    /// 0-based; a retry takes the place of the job it retries.
    pub index: usize,
    pub total: usize,
    #[cfg_attr(test, serde(default))]
    pub label: Label,
    /// A replay of a chain (`replay`): each member waits for the one before.
    #[cfg_attr(test, serde(default))]
    pub replay: bool,
}

/// One job of a group: its body and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub body: Value,
    pub label: Label,
}

/// The person's choices for a group.
#[derive(Clone, Debug, PartialEq)]
pub struct Choices<'a> {
    /// Variations over the seed (1–16); ignored when a parameter varies
    /// (one job per value then).
    pub variations: u32,
    pub vary: Vary,
    /// The values of the varied parameter: `2, 4, 6` or `2-8 step 2`.
    pub values: &'a str,
    pub each_image: bool,
    /// Views evenly around the subject (the camera angles model): 0 is off;
    /// else one job per view, and `vary` and `values` are not used.
    pub turntable: u32,
}

/// The turntable's choices of views (`0` is off).
pub const TURNTABLE_VIEWS: [u32; 5] = [0, 4, 8, 12, 16];

/// The form's "many jobs" fields as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Many {
    pub variations: String,
    pub vary: String,
    pub values: String,
    pub each_image: bool,
    /// `turntable_views`: `0` (off), `4`, `8`, `12` or `16`.
    pub turntable: String,
}

impl Default for Many {
    fn default() -> Self {
        Many { variations: "1".into(), vary: "seed".into(), values: String::new(), each_image: false, turntable: "0".into() }
    }
}

impl Many {
    /// The choices these fields make (an empty count is one job; one that
    /// is not a number is refused by `plan`).
    pub fn choices(&self) -> Choices<'_> {
        let v = self.variations.trim();
        let variations = if v.is_empty() { 1 } else { v.parse().unwrap_or(0) };
        let turntable = self.turntable.trim().parse().ok().filter(|n| TURNTABLE_VIEWS.contains(n)).unwrap_or(0);
        Choices { variations, vary: Vary::parse(&self.vary).unwrap_or(Vary::Seed), values: &self.values, each_image: self.each_image, turntable }
    }
}

/// Reads `2, 4, 6` or a range `2-8 step 2` (also `2–8`, step 1 when none
/// is given), at most [`MAX_VARIATIONS`] values.
pub fn parse_values(text: &str) -> Result<Vec<f64>, Msg> {
    let bad = || Msg::new(K::ValVaryValues);
    let too_many = || Msg::new(K::ValVaryCount).arg("max", MAX_VARIATIONS);
    let t = text.trim().replace('–', "-");
    let num = crate::api::num::parse_f64;
    let (spec, step) = match t.split_once("step") {
        Some((r, s)) => (r.trim(), Some(num(s).filter(|s| *s > 0.0).ok_or_else(bad)?)),
        None => (t.as_str(), None),
    };
    // A range is `from-to`: a dash after the first character.
    let range = spec.get(1..).and_then(|rest| rest.find('-')).map(|i| spec.split_at(i + 1));
    let values: Vec<f64> = match range {
        Some((from, to)) if !spec.contains(',') => {
            let (from, to, step) = (num(from).ok_or_else(bad)?, num(&to[1..]).ok_or_else(bad)?, step.unwrap_or(1.0));
            if to < from {
                return Err(bad());
            }
            let n = ((to - from) / step + 1e-9).floor() as usize + 1;
            if n > MAX_VARIATIONS as usize {
                return Err(too_many());
            }
            // Rounded to a millionth: 0.1 steps give 0.3, not 0.30000000000000004.
            (0..n).map(|i| ((from + step * i as f64) * 1e6).round() / 1e6).collect()
        }
        _ if step.is_some() => return Err(bad()),
        _ => spec.split(',').map(num).collect::<Option<Vec<f64>>>().ok_or_else(bad)?,
    };
    match values.len() {
        0 => Err(bad()),
        n if n > MAX_VARIATIONS as usize => Err(too_many()),
        _ => Ok(values),
    }
}

/// The jobs of one submit: `body` is the validated request's minimal body
/// for `schema`. Every problem is named at its field; with any, no job.
/// `random` gives a seed for each variation when none was chosen.
pub fn plan(schema: &Schema, body: &Value, c: &Choices, random: &mut dyn FnMut() -> u64) -> Result<Vec<Planned>, Vec<FieldError>> {
    let mut errs = Vec::new();
    // A turntable (the angles model only): views evenly around the subject.
    let turntable = if schema.angles { c.turntable } else { 0 };
    let vary = if turntable > 0 { Vary::Angle } else { c.vary };
    // The varied values, as sent (None: the model's default, left out).
    let varied: Vec<(Option<Value>, String)> = match vary {
        Vary::Seed => {
            if !(1..=MAX_VARIATIONS).contains(&c.variations) {
                errs.push(FieldError::new("variations", Msg::new(K::ValWholeNumber).arg("min", 1).arg("max", MAX_VARIATIONS)));
            }
            let n = c.variations.clamp(1, MAX_VARIATIONS) as u64;
            match body.get("seed").and_then(Value::as_u64) {
                // One job keeps the request as it is: a seed or none.
                _ if n == 1 => vec![(body.get("seed").cloned(), body.get("seed").map(Value::to_string).unwrap_or_default())],
                Some(s) => (0..n).map(|i| (s + i) % (SEED_MAX + 1)).map(|s| (Some(s.into()), s.to_string())).collect(),
                None => (0..n).map(|_| random() % (SEED_MAX + 1)).map(|s| (Some(s.into()), s.to_string())).collect(),
            }
        }
        vary => {
            let param = schema.param(vary.field());
            let values = if turntable > 0 { Ok((0..turntable).map(|k| (k * 360 / turntable) as f64).collect()) } else { parse_values(c.values) };
            match (values, param) {
                (Ok(values), Some(p)) => {
                    let mut out = Vec::new();
                    for x in values {
                        let text = crate::api::input::num_text(x);
                        match check_param(&p, &Value::String(text.clone())) {
                            Ok(sent) => out.push((sent, text)),
                            Err(m) => errs.push(FieldError::new("vary_values", Msg::new(K::ValVaryValue).arg("value", &text).arg_msg("problem", m))),
                        }
                    }
                    if matches!(p.kind, Kind::Int { .. } | Kind::Number { .. }) {
                        out
                    } else {
                        Vec::new()
                    }
                }
                (Err(m), _) => {
                    errs.push(FieldError::new("vary_values", m));
                    Vec::new()
                }
                (_, None) => Vec::new(),
            }
        }
    };
    let images: Vec<Option<(usize, Value)>> = match body.get("image_urls").and_then(Value::as_array) {
        Some(urls) if c.each_image && urls.len() > 1 => urls.iter().cloned().enumerate().map(|(i, u)| Some((i + 1, u))).collect(),
        _ => vec![None],
    };
    let total = images.len() * varied.len().max(1);
    if total > MAX_JOBS {
        errs.push(FieldError::new("variations", Msg::new(K::ValTooManyJobs).arg("n", total).arg("max", MAX_JOBS)));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let field = vary.field();
    let mut jobs = Vec::with_capacity(total);
    for image in &images {
        for (value, shown) in &varied {
            let mut b = body.clone();
            if let Some(m) = b.as_object_mut() {
                match value {
                    Some(v) => m.insert(field.into(), v.clone()),
                    None => m.remove(field),
                };
                if let Some((_, url)) = image {
                    m.insert("image_urls".into(), Value::Array(vec![url.clone()]));
                }
            }
            let varies = vary != Vary::Seed || varied.len() > 1;
            let label = Label { image: image.as_ref().map(|(n, _)| *n), varied: (varies && !shown.is_empty()).then(|| (vary, shown.clone())) };
            jobs.push(Planned { body: b, label });
        }
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests;
