//! Errors classified the way the user and the job runner need them: what to
//! say, which field a message belongs to, and whether to retry.

use serde_json::Value;

use crate::i18n::{Msg, K};

/// A message that belongs to one form field (by its API name).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<Msg>) -> Self {
        FieldError { field: field.to_string(), message: message.into() }
    }
}

/// What the API said about one field (a 422 `detail` item), in its words.
/// Stored with the job.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct ServerFieldError {
    pub field: String,
    pub message: String,
}

impl From<&ServerFieldError> for FieldError {
    fn from(e: &ServerFieldError) -> Self {
        FieldError::new(&e.field, Msg::verbatim(&e.message))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    /// 405: the address does not take this method (no such endpoint here).
    NotAllowed,
    /// The result is not ready yet: a 202, or a 400 saying the request is
    /// still in queue or in progress. Not an error of the job.
    NotYet,
    /// The API answered with a redirect, which is never followed with the key.
    Redirect,
    Validation,
    RateLimited,
    Server,
    /// `fetch` rejected: offline, DNS, refused, or blocked by CORS.
    Network,
    /// A 2xx answer the app could not read.
    Malformed,
    /// The page went away before the queue answered the submit.
    Interrupted,
    /// The page went away while the job waited for its turn: never sent.
    NotSent,
    /// Not sent: with its pictures inline the body is past
    /// `storage::MAX_INLINE_BYTES` (`detail`: its size, "12.3 MB").
    TooBig,
    Other,
}

/// What the app found wrong with an answer it could not use (said in the
/// page's language; `detail` keeps the parser's own words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub enum Problem {
    NotJson,
    NoStatus,
    NoImages,
    NoRequestId,
    NoStreamBody,
    /// The request id is missing from the usable set (`valid_request_id`).
    BadRequestId,
    /// A 200 to the stream request that is not `text/event-stream`.
    NotEventStream,
    /// A stream line or event over 1 MB.
    StreamTooLong,
    /// No event and no comment on the stream for 60 s.
    StreamIdle,
    /// A rewrite's answer without text (`output` missing, empty, not a string).
    NoText,
}

impl Problem {
    pub fn key(self) -> K {
        match self {
            Problem::NotJson => K::ProblemNotJson,
            Problem::NoStatus => K::ProblemNoStatus,
            Problem::NoImages => K::ProblemNoImages,
            Problem::NoRequestId => K::ProblemNoRequestId,
            Problem::NoStreamBody => K::ProblemNoStreamBody,
            Problem::BadRequestId => K::ProblemBadRequestId,
            Problem::NotEventStream => K::ProblemNotEventStream,
            Problem::StreamTooLong => K::ProblemStreamTooLong,
            Problem::StreamIdle => K::ProblemStreamIdle,
            Problem::NoText => K::ProblemNoText,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct ApiError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    /// The server's own words (`detail`), or what went wrong locally.
    pub detail: String,
    pub field_errors: Vec<ServerFieldError>,
    pub retry_after_ms: Option<u64>,
    pub error_type: Option<String>,
    /// Set when the app itself found the answer unusable.
    #[cfg_attr(test, serde(default))]
    pub problem: Option<Problem>,
}

/// Maps a 422 `loc` (`["body","image_size","width"]`) to a form field.
fn field_of(loc: &[Value]) -> Option<String> {
    let parts: Vec<String> = loc
        .iter()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    let rest = match parts.first().map(String::as_str) {
        Some("body") => &parts[1..],
        _ => &parts[..],
    };
    match (rest.first().map(String::as_str), rest.get(1).map(String::as_str)) {
        (Some("image_size"), Some("width")) => Some("image_width".into()),
        (Some("image_size"), Some("height")) => Some("image_height".into()),
        (Some(f), _) if !f.is_empty() => Some(f.to_string()),
        _ => None,
    }
}

/// Reads `Retry-After` in seconds (HTTP dates are left to the backoff).
pub fn parse_retry_after(v: &str) -> Option<u64> {
    let secs = super::num::parse_f64(v)?;
    (secs >= 0.0).then(|| (secs * 1000.0).min(600_000.0) as u64)
}

/// Whether a detail says the request is still queued or running (relays
/// answer the result URL so while a job runs).
fn says_not_yet(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    ["in queue", "in progress", "in_queue", "in_progress", "still running", "still processing"].iter().any(|p| d.contains(p))
}

impl ApiError {
    fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        ApiError { kind, status: None, detail: detail.into(), field_errors: Vec::new(), retry_after_ms: None, error_type: None, problem: None }
    }

    pub fn network(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Network, detail)
    }

    /// A 2xx answer the app could not use, and why.
    pub fn unreadable(problem: Problem, detail: impl Into<String>) -> Self {
        ApiError { problem: Some(problem), ..Self::new(ErrorKind::Malformed, detail) }
    }

    pub fn interrupted() -> Self {
        Self::new(ErrorKind::Interrupted, "")
    }

    pub fn not_sent() -> Self {
        Self::new(ErrorKind::NotSent, "")
    }

    /// Not sent: an inline body of `bytes`, past what servers take.
    pub fn too_big(bytes: usize) -> Self {
        Self::new(ErrorKind::TooBig, super::image::human_bytes(bytes as u64))
    }

    pub fn redirect(status: u16) -> Self {
        ApiError { status: (status != 0).then_some(status), ..Self::new(ErrorKind::Redirect, "") }
    }

    /// A result that is not there yet (a 202 to the result URL).
    pub fn not_yet(status: u16) -> Self {
        ApiError { status: Some(status), ..Self::new(ErrorKind::NotYet, "") }
    }

    /// Whether the answer says the address has no such request or endpoint:
    /// the next candidate URL is tried.
    pub fn not_here(&self) -> bool {
        matches!(self.kind, ErrorKind::NotFound | ErrorKind::NotAllowed | ErrorKind::Redirect)
    }

    /// Whether the key was refused (the job waits for the user).
    pub fn key_refused(&self) -> bool {
        matches!(self.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden)
    }

    /// Classifies a non-2xx answer.
    pub fn from_response(status: u16, body: &str, retry_after: Option<&str>, fal_error_type: Option<&str>) -> Self {
        let kind = match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 | 410 => ErrorKind::NotFound,
            405 => ErrorKind::NotAllowed,
            422 => ErrorKind::Validation,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        };
        let json: Option<Value> = serde_json::from_str(body).ok();
        let mut field_errors = Vec::new();
        let mut messages = Vec::new();
        match json.as_ref().and_then(|v| v.get("detail")) {
            Some(Value::String(s)) => messages.push(s.clone()),
            Some(Value::Array(items)) => {
                for item in items {
                    let msg = item.get("msg").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| item.to_string());
                    if let Some(field) = item.get("loc").and_then(Value::as_array).and_then(|l| field_of(l)) {
                        field_errors.push(ServerFieldError { field, message: msg.clone() });
                    }
                    messages.push(msg);
                }
            }
            Some(other) if !other.is_null() => messages.push(other.to_string()),
            _ => {
                if let Some(m) = json.as_ref().and_then(|v| v.get("error").or(v.get("message"))).and_then(Value::as_str) {
                    messages.push(m.to_string());
                }
            }
        }
        if messages.is_empty() {
            // Not JSON (an HTML error page from a proxy, say): a short excerpt.
            let text: String = body.trim().chars().take(200).collect();
            if !text.is_empty() && json.is_none() && !text.starts_with('<') {
                messages.push(text);
            }
        }
        let detail = messages.join("; ");
        let kind = if kind == ErrorKind::BadRequest && says_not_yet(&detail) { ErrorKind::NotYet } else { kind };
        let error_type = fal_error_type
            .map(str::to_string)
            .or_else(|| json.as_ref().and_then(|v| v.get("error_type")).and_then(Value::as_str).map(str::to_string));
        ApiError {
            kind,
            status: Some(status),
            detail,
            field_errors,
            retry_after_ms: retry_after.and_then(parse_retry_after),
            error_type,
            problem: None,
        }
    }

    /// Whether an idempotent request (status, result, cancel) may be retried.
    /// A submit is never retried by the app.
    pub fn retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Network | ErrorKind::Malformed)
            || matches!(self.status, Some(408))
    }

    /// What to tell a person, in plain words.
    pub fn user_message(&self) -> Msg {
        let detail = |fallback: K| match self.problem {
            Some(p) => Msg::new(p.key()).arg("detail", &self.detail),
            None if self.detail.is_empty() => Msg::new(fallback),
            None => Msg::verbatim(&self.detail),
        };
        let status = self.status.map(|s| s.to_string()).unwrap_or_default();
        match self.kind {
            ErrorKind::Unauthorized => Msg::new(K::ErrUnauthorized).arg_msg("detail", detail(K::DetailUnauthorized)),
            ErrorKind::Forbidden => Msg::new(K::ErrForbidden).arg_msg("detail", detail(K::DetailForbidden)),
            ErrorKind::NotFound => Msg::new(K::ErrNotFound),
            ErrorKind::NotAllowed => Msg::new(K::ErrNotAllowed),
            ErrorKind::NotYet => Msg::new(K::ErrNotYet),
            ErrorKind::Redirect => Msg::new(K::ErrRedirect),
            ErrorKind::Validation => Msg::new(K::ErrValidation).arg_msg("detail", detail(K::DetailInvalidInput)),
            ErrorKind::BadRequest => Msg::new(K::ErrBadRequest).arg_msg("detail", detail(K::DetailBadRequest)),
            ErrorKind::RateLimited => Msg::new(K::ErrRateLimited),
            ErrorKind::Server => Msg::new(K::ErrServer).arg("status", status).arg_msg("detail", detail(K::DetailNone)),
            ErrorKind::Network => Msg::new(K::ErrNetwork).arg_msg("detail", detail(K::DetailNetwork)),
            ErrorKind::Malformed => Msg::new(K::ErrMalformed).arg_msg("detail", detail(K::DetailUnreadable)),
            ErrorKind::Interrupted => Msg::new(K::ErrInterrupted),
            ErrorKind::NotSent => Msg::new(K::ErrNotSent),
            ErrorKind::TooBig => Msg::new(K::ErrTooBig).arg("size", &self.detail),
            ErrorKind::Other => Msg::new(K::ErrOther).arg("status", status).arg_msg("detail", detail(K::DetailNone)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn codes_are_classified() {
        let k = |s| ApiError::from_response(s, "", None, None).kind;
        assert_eq!(k(400), ErrorKind::BadRequest);
        assert_eq!(k(401), ErrorKind::Unauthorized);
        assert_eq!(k(403), ErrorKind::Forbidden);
        assert_eq!(k(404), ErrorKind::NotFound);
        assert_eq!(k(422), ErrorKind::Validation);
        assert_eq!(k(429), ErrorKind::RateLimited);
        assert_eq!(k(500), ErrorKind::Server);
        assert_eq!(k(503), ErrorKind::Server);
        assert_eq!(k(418), ErrorKind::Other);
        assert_eq!(k(405), ErrorKind::NotAllowed);
    }

    #[test]
    fn a_result_still_running_is_not_yet_an_error() {
        let k = |s, b: &str| ApiError::from_response(s, b, None, None).kind;
        assert_eq!(k(400, r#"{"detail":"Request is still in progress"}"#), ErrorKind::NotYet);
        assert_eq!(k(400, r#"{"detail":"Request is in queue"}"#), ErrorKind::NotYet);
        assert_eq!(k(400, r#"{"detail":"status: IN_PROGRESS"}"#), ErrorKind::NotYet);
        assert_eq!(k(400, r#"{"detail":"Request was cancelled"}"#), ErrorKind::BadRequest);
        assert_eq!(k(500, r#"{"detail":"in progress"}"#), ErrorKind::Server, "only a 400 says so");
        assert!(!ApiError::not_yet(202).retryable());
        assert!(ApiError::from_response(404, "", None, None).not_here());
        assert!(ApiError::from_response(405, "", None, None).not_here());
        assert!(ApiError::redirect(0).not_here());
        assert!(!ApiError::from_response(500, "", None, None).not_here());
        assert!(ApiError::from_response(401, "", None, None).key_refused() && ApiError::from_response(403, "", None, None).key_refused());
        assert!(ApiError::redirect(0).user_message().render(Lang::En).contains("redirect"));
    }

    #[test]
    fn only_transient_errors_are_retried() {
        let r = |s| ApiError::from_response(s, "", None, None).retryable();
        assert!(r(429) && r(500) && r(502) && r(503) && r(408));
        assert!(!r(400) && !r(401) && !r(403) && !r(404) && !r(422));
        assert!(ApiError::network("x").retryable());
        assert!(ApiError::unreadable(Problem::NotJson, "x").retryable());
    }

    #[test]
    fn string_details_are_the_message() {
        let e = ApiError::from_response(401, r#"{"detail":"No user found for Key ID and Secret"}"#, None, None);
        assert_eq!(e.detail, "No user found for Key ID and Secret");
        let en = |e: &ApiError| e.user_message().render(Lang::En);
        assert!(en(&e).contains("key was refused"));
        assert!(en(&e).contains("No user found"));
        assert!(e.user_message().render(Lang::ZhCn).contains("No user found"), "the server's words are kept in Chinese too");
        let e = ApiError::from_response(403, r#"{"detail":"User is locked. Reason: Exhausted balance"}"#, None, None);
        assert!(en(&e).contains("Exhausted balance"));
    }

    #[test]
    fn validation_details_land_on_their_fields() {
        let body = r#"{"detail":[
            {"loc":["body","image_size"],"msg":"unsupported size","type":"value_error"},
            {"loc":["body","image_size","width"],"msg":"too wide","type":"x"},
            {"loc":["body","image_urls",0],"msg":"cannot download","type":"x"},
            {"loc":[],"msg":"something general","type":"x"},
            {"weird":true}]}"#;
        let e = ApiError::from_response(422, body, None, None);
        let f: Vec<(&str, &str)> = e.field_errors.iter().map(|f| (f.field.as_str(), f.message.as_str())).collect();
        assert_eq!(f, [("image_size", "unsupported size"), ("image_width", "too wide"), ("image_urls", "cannot download")]);
        assert!(e.detail.contains("something general"));
        assert!(e.detail.contains("weird"));
        let e = ApiError::from_response(422, r#"{"detail":"prompt too long"}"#, None, None);
        assert_eq!(e.detail, "prompt too long");
        assert!(e.field_errors.is_empty());
    }

    #[test]
    fn retry_after_and_error_types_are_read() {
        let e = ApiError::from_response(429, "", Some("3"), None);
        assert_eq!(e.retry_after_ms, Some(3000));
        assert_eq!(parse_retry_after("0.5"), Some(500));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("99999"), Some(600_000));
        let e = ApiError::from_response(503, r#"{"detail":"busy","error_type":"runner_unavailable"}"#, None, None);
        assert_eq!(e.error_type.as_deref(), Some("runner_unavailable"));
        let e = ApiError::from_response(503, "{}", None, Some("runner_timeout"));
        assert_eq!(e.error_type.as_deref(), Some("runner_timeout"));
    }

    #[test]
    fn odd_bodies_still_give_a_message() {
        assert_eq!(ApiError::from_response(502, "Bad gateway", None, None).detail, "Bad gateway");
        assert_eq!(ApiError::from_response(502, "<html>...</html>", None, None).detail, "");
        assert!(ApiError::from_response(502, "", None, None).user_message().render(Lang::En).contains("502"));
        assert_eq!(ApiError::from_response(500, r#"{"error":"x"}"#, None, None).detail, "x");
        assert!(ApiError::network("Failed to fetch").user_message().render(Lang::En).contains("CORS"));
    }
}
