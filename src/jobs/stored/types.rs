//! The history's records and enums as `Stored` values (the mechanism and
//! the plain values are in `jobs/stored.rs`): each written as serde's
//! derives wrote it.

use serde_json::Value;

use crate::jobs::chain::Source;
use crate::jobs::learn::Expect;
use crate::jobs::phase::{CancelState, Kept, Pause, Phase};
use crate::jobs::plan::{Label, Member, Vary};
use crate::jobs::region::KeepRegion;
use crate::jobs::route::Route;
use crate::jobs::state::Job;
use crate::api::error::{ApiError, ErrorKind, Problem, ServerFieldError};
use crate::api::url::{Candidate, Candidates, Endpoints, Form};
use crate::api::output::Said;
use crate::api::{EditOutput, LogEntry, OutputImage};
use crate::pixels::shape::{Shape, Tool};

use super::{by_name, named, record, tagged, variant, Fields, Stored};

const PHASES: [(Phase, &str); 8] = [
    (Phase::Waiting, "waiting"),
    (Phase::Submitting, "submitting"),
    (Phase::InQueue, "in_queue"),
    (Phase::InProgress, "in_progress"),
    (Phase::Completed, "completed"),
    (Phase::Failed, "failed"),
    (Phase::Cancelled, "cancelled"),
    (Phase::Lost, "lost"),
];

const FORMS: [(Form, &str); 3] = [(Form::Returned, "returned"), (Form::Built, "built"), (Form::BuiltFull, "built_full")];

const VARIES: [(Vary, &str); 4] = [(Vary::Seed, "seed"), (Vary::Guidance, "guidance_scale"), (Vary::Steps, "num_inference_steps"), (Vary::Angle, "horizontal_angle")];

const TOOLS: [(Tool, &str); 5] = [(Tool::Brush, "brush"), (Tool::Rect, "rect"), (Tool::Arrow, "arrow"), (Tool::Text, "text"), (Tool::Eraser, "eraser")];

const KINDS: [(ErrorKind, &str); 16] = [
    (ErrorKind::BadRequest, "BadRequest"),
    (ErrorKind::Unauthorized, "Unauthorized"),
    (ErrorKind::Forbidden, "Forbidden"),
    (ErrorKind::NotFound, "NotFound"),
    (ErrorKind::NotAllowed, "NotAllowed"),
    (ErrorKind::NotYet, "NotYet"),
    (ErrorKind::Redirect, "Redirect"),
    (ErrorKind::Validation, "Validation"),
    (ErrorKind::RateLimited, "RateLimited"),
    (ErrorKind::Server, "Server"),
    (ErrorKind::Network, "Network"),
    (ErrorKind::Malformed, "Malformed"),
    (ErrorKind::Interrupted, "Interrupted"),
    (ErrorKind::NotSent, "NotSent"),
    (ErrorKind::TooBig, "TooBig"),
    (ErrorKind::Other, "Other"),
];

const PROBLEMS: [(Problem, &str); 10] = [
    (Problem::NotJson, "NotJson"),
    (Problem::NoStatus, "NoStatus"),
    (Problem::NoImages, "NoImages"),
    (Problem::NoRequestId, "NoRequestId"),
    (Problem::NoStreamBody, "NoStreamBody"),
    (Problem::BadRequestId, "BadRequestId"),
    (Problem::NotEventStream, "NotEventStream"),
    (Problem::StreamTooLong, "StreamTooLong"),
    (Problem::StreamIdle, "StreamIdle"),
    (Problem::NoText, "NoText"),
];

/// Enums without data, by their tables.
macro_rules! names {
    ($($t:ty => $table:ident),*) => {$(
        impl Stored for $t {
            fn put(&self) -> Value {
                named(&$table, *self)
            }
            fn take(v: &Value) -> Option<Self> {
                by_name(&$table, v)
            }
        }
    )*};
}
names!(Phase => PHASES, Form => FORMS, Vary => VARIES, Tool => TOOLS, ErrorKind => KINDS, Problem => PROBLEMS);

impl Stored for CancelState {
    fn put(&self) -> Value {
        match self {
            CancelState::None => "None".into(),
            CancelState::Sending => "Sending".into(),
            CancelState::Requested => "Requested".into(),
            CancelState::TooLate => "TooLate".into(),
            CancelState::Refused(s) => tagged("Refused", s.put()),
            CancelState::Error(e) => tagged("Error", e.put()),
            CancelState::Failed(s) => tagged("Failed", s.put()),
        }
    }
    fn take(v: &Value) -> Option<Self> {
        Some(match variant(v)? {
            ("None", None | Some(Value::Null)) => CancelState::None,
            ("Sending", None | Some(Value::Null)) => CancelState::Sending,
            ("Requested", None | Some(Value::Null)) => CancelState::Requested,
            ("TooLate", None | Some(Value::Null)) => CancelState::TooLate,
            ("Refused", Some(d)) => CancelState::Refused(Stored::take(d)?),
            ("Error", Some(d)) => CancelState::Error(Stored::take(d)?),
            ("Failed", Some(d)) => CancelState::Failed(Stored::take(d)?),
            _ => return None,
        })
    }
}

impl Stored for Source {
    fn put(&self) -> Value {
        match self {
            Source::Result { job, request, index } => tagged("Result", record(vec![("job", job.put()), ("request", request.put()), ("index", index.put())])),
            Source::File { name } => tagged("File", record(vec![("name", name.put())])),
            Source::Url => "Url".into(),
        }
    }
    fn take(v: &Value) -> Option<Self> {
        Some(match variant(v)? {
            ("Result", Some(d)) => {
                let f = Fields::of(d)?;
                Source::Result { job: f.get("job")?, request: f.get("request")?, index: f.get("index")? }
            }
            ("File", Some(d)) => Source::File { name: Fields::of(d)?.get("name")? },
            ("Url", None | Some(Value::Null)) => Source::Url,
            _ => return None,
        })
    }
}

impl Stored for Pause {
    fn put(&self) -> Value {
        match self {
            Pause::KeyRefused(e) => tagged("KeyRefused", e.put()),
            Pause::Parked(e) => tagged("Parked", e.put()),
            Pause::Imported => "Imported".into(),
        }
    }
    fn take(v: &Value) -> Option<Self> {
        Some(match variant(v)? {
            ("KeyRefused", Some(d)) => Pause::KeyRefused(Stored::take(d)?),
            ("Parked", Some(d)) => Pause::Parked(Stored::take(d)?),
            ("Imported", None | Some(Value::Null)) => Pause::Imported,
            _ => return None,
        })
    }
}

impl Stored for Kept {
    fn put(&self) -> Value {
        match self {
            Kept::Copies(n) => tagged("Copies", n.put()),
            Kept::LinkOnly => "LinkOnly".into(),
            Kept::Freed => "Freed".into(),
        }
    }
    fn take(v: &Value) -> Option<Self> {
        Some(match variant(v)? {
            ("Copies", Some(d)) => Kept::Copies(Stored::take(d)?),
            ("LinkOnly", None | Some(Value::Null)) => Kept::LinkOnly,
            ("Freed", None | Some(Value::Null)) => Kept::Freed,
            _ => return None,
        })
    }
}

/// Records written as the derives wrote them: each field by its name, in
/// order; `new` marks a field added later (its default when missing).
macro_rules! records {
    ($($t:ident { $($f:ident $(: $how:ident)?),* $(,)? })*) => {$(
        impl Stored for $t {
            fn put(&self) -> Value {
                record(vec![$((stringify!($f), self.$f.put())),*])
            }
            fn take(v: &Value) -> Option<Self> {
                let f = Fields::of(v)?;
                Some($t { $($f: records!(@read f $f $($how)?)),* })
            }
        }
    )*};
    (@read $fields:ident $f:ident) => { $fields.get(stringify!($f))? };
    (@read $fields:ident $f:ident new) => { $fields.new(stringify!($f))? };
}

records! {
    ApiError { kind, status, detail, field_errors, retry_after_ms, error_type, problem: new }
    ServerFieldError { field, message }
    LogEntry { message, timestamp, level }
    OutputImage { url, width, height, content_type, file_name, file_size, nsfw }
    EditOutput { images, seed, inference_time, said: new }
    Said { text, cut, cost }
    Candidate { form, url }
    Endpoints { status, stream, result, cancel }
    Route { status, result, status_ok, result_ok, no_status, no_stream, round, tried }
    Expect { queue_ms, run_ms }
    Label { image: new, varied: new }
    Member { group, index, total, label: new, replay: new }
    KeepRegion { image, shapes, feather }
}

impl Stored for Candidates {
    fn put(&self) -> Value {
        self.0.put()
    }
    /// Histories written before candidates existed hold one URL.
    fn take(v: &Value) -> Option<Self> {
        match v {
            Value::String(url) => Some(Candidates(vec![Candidate { form: Form::Returned, url: url.clone() }])),
            _ => Stored::take(v).map(Candidates),
        }
    }
}

impl Stored for Shape {
    fn put(&self) -> Value {
        let mut fields = vec![("tool", self.tool.put()), ("points", self.points.put()), ("size", self.size.put()), ("color", self.color.put())];
        if !self.text.is_empty() {
            fields.push(("text", self.text.put()));
        }
        record(fields)
    }
    fn take(v: &Value) -> Option<Self> {
        let f = Fields::of(v)?;
        Some(Shape { tool: f.get("tool")?, points: f.get("points")?, size: f.get("size")?, color: f.get("color")?, text: f.new("text")? })
    }
}

impl Stored for Job {
    fn put(&self) -> Value {
        let mut fields = vec![
            ("id", self.id.put()),
            ("body", self.body.put()),
            ("base", self.base.put()),
            ("model", self.model.put()),
            ("stream", self.stream.put()),
            ("stream_failed", self.stream_failed.put()),
            ("request_id", self.request_id.put()),
            ("endpoints", self.endpoints.put()),
            ("route", self.route.put()),
            ("phase", self.phase.put()),
            ("raw_status", self.raw_status.put()),
            ("queue_position", self.queue_position.put()),
            ("logs", self.logs.put()),
            ("logs_dropped", self.logs_dropped.put()),
            ("submitted_at", self.submitted_at.put()),
            ("started_at", self.started_at.put()),
            ("expect", self.expect.put()),
            ("ended_at", self.ended_at.put()),
            ("inference_time", self.inference_time.put()),
            ("output", self.output.put()),
            ("error", self.error.put()),
            ("status_error", self.status_error.put()),
            ("cancel", self.cancel.put()),
            ("failures", self.failures.put()),
            ("failing_since", self.failing_since.put()),
            ("retrying", self.retrying.put()),
            ("paused", self.paused.put()),
            ("updated_at", self.updated_at.put()),
            ("owner", self.owner.put()),
            ("group", self.group.put()),
            ("kept", self.kept.put()),
        ];
        if let Some(r) = &self.region {
            fields.push(("region", r.put()));
        }
        if !self.sources.is_empty() {
            fields.push(("sources", self.sources.put()));
        }
        if let Some(t) = &self.typed {
            fields.push(("typed", t.put()));
        }
        record(fields)
    }
    fn take(v: &Value) -> Option<Self> {
        let f = Fields::of(v)?;
        Some(Job {
            id: f.get("id")?,
            body: f.get("body")?,
            base: f.get("base")?,
            model: f.get("model")?,
            stream: f.new("stream")?,
            stream_failed: f.new("stream_failed")?,
            request_id: f.get("request_id")?,
            endpoints: f.get("endpoints")?,
            route: f.new("route")?,
            phase: f.get("phase")?,
            raw_status: f.get("raw_status")?,
            queue_position: f.get("queue_position")?,
            logs: f.get("logs")?,
            logs_dropped: f.new("logs_dropped")?,
            submitted_at: f.get("submitted_at")?,
            started_at: f.new("started_at")?,
            expect: f.new("expect")?,
            ended_at: f.get("ended_at")?,
            inference_time: f.get("inference_time")?,
            output: f.get("output")?,
            error: f.get("error")?,
            status_error: f.get("status_error")?,
            cancel: f.get("cancel")?,
            failures: f.new("failures")?,
            failing_since: f.new("failing_since")?,
            retrying: f.new("retrying")?,
            paused: f.new("paused")?,
            updated_at: f.new("updated_at")?,
            owner: f.new("owner")?,
            group: f.new("group")?,
            kept: f.new("kept")?,
            region: f.new("region")?,
            sources: f.new("sources")?,
            typed: f.new("typed")?,
            known: Default::default(),
        })
    }
}
