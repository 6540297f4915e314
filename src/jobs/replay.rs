//! Replaying a chain of edits on another picture (issue 23): the steps of
//! a path (root to a chosen step) run again in order, each taking the
//! result of the step before as its first input. The replay is a group
//! whose members wait for their predecessor; `next` says what may go, from
//! the members' state alone, so a reload picks up where it was and no step
//! goes twice (a step is sent only from `Waiting`, and `Waiting` means not
//! sent).

use serde_json::Value;

use super::phase::Phase;
use super::state::Job;
use crate::api::model::{schema, SEED_MAX};

/// Whether the replay keeps each step's seed or draws new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeds {
    /// The seed the step was sent with, or else the one it reported.
    Kept,
    New,
}

/// Puts `url` as the body's first input image (`image_urls[0]`, or
/// `image_url` for a model that takes one).
pub fn set_first_image(body: &mut Value, url: &str) {
    let Some(m) = body.as_object_mut() else { return };
    if let Some(first) = m.get_mut("image_urls").and_then(Value::as_array_mut).and_then(|l| l.first_mut()) {
        *first = url.into();
    } else if m.contains_key("image_url") {
        m.insert("image_url".into(), url.into());
    } else {
        m.insert("image_urls".into(), Value::Array(vec![url.into()]));
    }
}

/// The body's first input image ("" when it has none yet).
pub fn first_image(body: &Value) -> &str {
    crate::api::input::body_images(body).first().copied().unwrap_or("")
}

/// The steps of a replay of `path` (oldest first) on the picture at
/// `first`: each step's model and body, the same but for the first input
/// (the new picture for the first step; empty, to be filled by the step
/// before, for the others) and the seed. `random` draws new seeds.
pub fn plan(path: &[&Job], first: &str, seeds: Seeds, random: &mut dyn FnMut() -> u64) -> Vec<(String, Value)> {
    path.iter()
        .enumerate()
        .map(|(k, job)| {
            let mut body = job.body.clone();
            set_first_image(&mut body, if k == 0 { first } else { "" });
            let takes_seed = schema(&job.model).param("seed").is_some();
            if let Some(m) = body.as_object_mut() {
                let reported = job.output.as_ref().and_then(|o| o.seed);
                let seed = match seeds {
                    Seeds::Kept => m.get("seed").and_then(Value::as_u64).or(reported),
                    Seeds::New => Some(random() % (SEED_MAX + 1)),
                };
                match seed {
                    Some(s) if takes_seed => m.insert("seed".into(), s.into()),
                    _ => m.remove("seed"),
                };
            }
            (job.model.clone(), body)
        })
        .collect()
}

/// One place of a replay as `next` sees it: its newest job's phase, first
/// input and first result (None: the place's job was deleted).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place<'a> {
    pub phase: Phase,
    pub input: &'a str,
    pub result: Option<&'a str>,
    /// Its body can be sent (a local file's image is not kept across a
    /// reload: `history::can_resend`).
    pub sendable: bool,
}

impl<'a> Place<'a> {
    pub fn of(job: &'a Job) -> Self {
        let result = job.output.as_ref().and_then(|o| o.images.first()).map(|i| i.url.as_str());
        Place { phase: job.phase, input: first_image(&job.body), result, sendable: super::history::can_resend(&job.body) }
    }
}

/// What a replay does now.
#[derive(Clone, Debug, PartialEq)]
pub enum Turn {
    /// Step `step` may be sent; first give it `input` (None: it has it).
    Go { step: usize, input: Option<String> },
    /// A step is on its way: wait for it.
    Busy,
    /// Step `step` ended without a result (or is gone, or cannot be
    /// sent): the replay waits for the person. Retry (when `retry`) sends
    /// it again; Skip gives the step after it `carry`, the input the
    /// stopped step had.
    Stopped { step: usize, carry: String, retry: bool },
    Done,
}

/// The replay's turn, from its places in order. A step that ended without
/// a result counts as skipped once the step after it has its input.
pub fn next(places: &[Option<Place>]) -> Turn {
    let mut carry = String::new();
    for (step, place) in places.iter().enumerate() {
        let later_has_input = places.get(step + 1).copied().flatten().is_some_and(|p| !p.input.is_empty());
        let Some(p) = place else {
            if later_has_input {
                continue;
            }
            return Turn::Stopped { step, carry, retry: false };
        };
        if step == 0 {
            carry = p.input.to_string();
        }
        match p.phase {
            Phase::Completed if p.result.is_some() => carry = p.result.unwrap_or_default().to_string(),
            Phase::Waiting if p.input.is_empty() => return Turn::Go { step, input: Some(carry) },
            Phase::Waiting if p.sendable => return Turn::Go { step, input: None },
            Phase::Waiting => return Turn::Stopped { step, carry: p.input.to_string(), retry: false },
            Phase::Submitting | Phase::InQueue | Phase::InProgress => return Turn::Busy,
            // Ended without a result: skipped, or where the replay stops.
            _ if later_has_input => {}
            _ => return Turn::Stopped { step, carry: p.input.to_string(), retry: p.sendable },
        }
    }
    Turn::Done
}

#[cfg(test)]
mod tests;
