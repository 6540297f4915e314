//! The status body of the queue, read leniently: every field but `status`
//! may be missing, null or of an unexpected type, and unknown fields and
//! unknown statuses never fail the parse.

use super::error::Problem;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    InQueue,
    InProgress,
    Completed,
    /// Sent by some clones; fal itself reports failures through the result.
    Failed,
    Cancelled,
    /// Anything else, kept raw to show the user; treated as still running.
    Other(String),
}

impl JobStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "IN_QUEUE" => JobStatus::InQueue,
            "IN_PROGRESS" => JobStatus::InProgress,
            "COMPLETED" => JobStatus::Completed,
            "FAILED" | "ERROR" => JobStatus::Failed,
            "CANCELED" | "CANCELLED" => JobStatus::Cancelled,
            other => JobStatus::Other(other.to_string()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedUrls {
    pub status_url: Option<String>,
    pub response_url: Option<String>,
    pub cancel_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct LogEntry {
    pub message: String,
    pub timestamp: Option<String>,
    pub level: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueStatus {
    pub status: JobStatus,
    pub request_id: Option<String>,
    pub queue_position: Option<u64>,
    pub urls: ReturnedUrls,
    /// `None` when the body had no usable `logs` array.
    pub logs: Option<Vec<LogEntry>>,
    pub inference_time: Option<f64>,
    pub error: Option<String>,
    pub error_type: Option<String>,
}

pub(crate) fn string_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

pub(crate) fn number_field(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => super::num::parse_f64(s),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

impl QueueStatus {
    /// Parses a status body. Fails only when the text is not JSON or has no
    /// string `status`.
    pub fn from_json(text: &str) -> Result<Self, super::ApiError> {
        let v: Value = serde_json::from_str(text).map_err(|e| super::ApiError::unreadable(Problem::NotJson, e.to_string()))?;
        Self::from_value(&v)
    }

    /// Reads the answer to a submit: a status with a request id the app
    /// accepts (`url::valid_request_id`). Otherwise the error carries the raw
    /// answer (cut to 2,000 characters): the POST happened, and the person
    /// may need what the queue said.
    pub fn submit_answer(text: &str) -> Result<Self, super::ApiError> {
        let s = Self::from_json(text)?;
        match s.request_id.as_deref() {
            Some(id) if super::url::valid_request_id(id) => Ok(s),
            _ => Err(super::ApiError::unreadable(Problem::BadRequestId, text.chars().take(2_000).collect::<String>())),
        }
    }

    pub fn from_value(v: &Value) -> Result<Self, super::ApiError> {
        let status = v.get("status").and_then(Value::as_str).ok_or_else(|| super::ApiError::unreadable(Problem::NoStatus, ""))?;
        let logs = v.get("logs").and_then(Value::as_array).map(|items| {
            items
                .iter()
                .filter_map(|l| match l {
                    Value::String(s) => Some(LogEntry { message: s.clone(), timestamp: None, level: None }),
                    Value::Object(_) => Some(LogEntry {
                        message: string_field(l, "message")?,
                        timestamp: string_field(l, "timestamp"),
                        level: string_field(l, "level"),
                    }),
                    _ => None,
                })
                .collect()
        });
        Ok(QueueStatus {
            status: JobStatus::parse(status),
            request_id: string_field(v, "request_id"),
            queue_position: number_field(v, "queue_position").filter(|p| *p >= 0.0).map(|p| p as u64),
            urls: ReturnedUrls {
                status_url: string_field(v, "status_url"),
                response_url: string_field(v, "response_url"),
                cancel_url: string_field(v, "cancel_url"),
            },
            logs,
            inference_time: v.get("metrics").and_then(|m| number_field(m, "inference_time")),
            error: string_field(v, "error"),
            error_type: string_field(v, "error_type"),
        })
    }
}

/// The answer to a cancel request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CancelAnswer {
    Requested,
    AlreadyCompleted,
    Other(String),
}

impl CancelAnswer {
    /// Reads the answer to a cancel request: fal answers 400
    /// `{"status":"ALREADY_COMPLETED"}` when the job had finished.
    pub fn from_response(code: u16, text: &str) -> Result<Self, super::ApiError> {
        match Self::from_json(text) {
            CancelAnswer::AlreadyCompleted => Ok(CancelAnswer::AlreadyCompleted),
            answer if (200..300).contains(&code) => Ok(answer),
            _ => Err(super::ApiError::from_response(code, text, None, None)),
        }
    }

    pub fn from_json(text: &str) -> Self {
        let status = serde_json::from_str::<Value>(text).ok().and_then(|v| string_field(&v, "status"));
        match status.as_deref() {
            Some("CANCELLATION_REQUESTED") => CancelAnswer::Requested,
            Some("ALREADY_COMPLETED") => CancelAnswer::AlreadyCompleted,
            Some(s) => CancelAnswer::Other(s.to_string()),
            None => CancelAnswer::Other(String::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_submit_answer_parses() {
        let s = QueueStatus::from_json(
            r#"{"status":"IN_QUEUE","request_id":"9c08e7d8-312c-402d-a691-c207a9cb8121",
            "response_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08e7d8-312c-402d-a691-c207a9cb8121",
            "status_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08e7d8-312c-402d-a691-c207a9cb8121/status",
            "cancel_url":"https://queue.fal.run/fal-ai/qwen-edit-plus/requests/9c08e7d8-312c-402d-a691-c207a9cb8121/cancel",
            "logs":null,"metrics":{},"queue_position":0}"#,
        )
        .unwrap();
        assert_eq!(s.status, JobStatus::InQueue);
        assert_eq!(s.request_id.as_deref(), Some("9c08e7d8-312c-402d-a691-c207a9cb8121"));
        assert_eq!(s.queue_position, Some(0));
        assert!(s.urls.cancel_url.unwrap().ends_with("/cancel"));
        assert_eq!(s.logs, None);
        assert_eq!(s.inference_time, None);
    }

    #[test]
    fn a_submit_answer_needs_a_plain_request_id() {
        assert!(QueueStatus::submit_answer(r#"{"status":"IN_QUEUE","request_id":"9c08e7d8-312c"}"#).is_ok());
        for bad in [r#"{"status":"IN_QUEUE","request_id":".."}"#, r#"{"status":"IN_QUEUE"}"#, r#"{"status":"IN_QUEUE","request_id":"a/b"}"#, r#"{"status":"IN_QUEUE","request_id":""}"#] {
            let e = QueueStatus::submit_answer(bad).unwrap_err();
            assert_eq!(e.problem, Some(Problem::BadRequestId), "{bad}");
            assert_eq!(e.detail, bad, "the raw answer is kept");
            assert!(!e.retryable() || e.kind == crate::api::ErrorKind::Malformed);
        }
        assert_eq!(QueueStatus::submit_answer("<html>").unwrap_err().problem, Some(Problem::NotJson));
    }

    #[test]
    fn a_bare_status_is_enough() {
        let s = QueueStatus::from_json(r#"{"status":"IN_PROGRESS"}"#).unwrap();
        assert_eq!(s.status, JobStatus::InProgress);
        assert_eq!((s.request_id, s.queue_position, s.logs), (None, None, None));
        assert_eq!(s.urls, ReturnedUrls::default());
    }

    #[test]
    fn logs_metrics_and_errors_are_read() {
        let s = QueueStatus::from_json(
            r#"{"status":"COMPLETED","logs":[{"message":"step 1","timestamp":"2025-01-01T00:00:00Z","level":"INFO","source":"user","labels":{}},
            {"message":"step 2","timestamp":"t"}, {"no_message":1}, "plain"],
            "metrics":{"inference_time":7.4},"error":"boom","error_type":"runner_failed"}"#,
        )
        .unwrap();
        assert_eq!(s.status, JobStatus::Completed);
        let logs = s.logs.unwrap();
        assert_eq!(logs.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(), ["step 1", "step 2", "plain"]);
        assert_eq!(logs[0].level.as_deref(), Some("INFO"));
        assert_eq!(s.inference_time, Some(7.4));
        assert_eq!(s.error.as_deref(), Some("boom"));
        assert_eq!(s.error_type.as_deref(), Some("runner_failed"));
    }

    #[test]
    fn unknown_fields_statuses_and_odd_types_never_fail() {
        let s = QueueStatus::from_json(
            r#"{"status":"WARMING_UP","queue_position":"3","logs":{"x":1},"metrics":null,"extra":[1,2],"request_id":7}"#,
        )
        .unwrap();
        assert_eq!(s.status, JobStatus::Other("WARMING_UP".into()));
        assert_eq!(s.queue_position, Some(3));
        assert_eq!(s.logs, None);
        assert_eq!(s.request_id, None);
        let s = QueueStatus::from_json(r#"{"status":"IN_QUEUE","queue_position":-1}"#).unwrap();
        assert_eq!(s.queue_position, None);
        assert_eq!(QueueStatus::from_json(r#"{"status":"CANCELED"}"#).unwrap().status, JobStatus::Cancelled);
        assert_eq!(QueueStatus::from_json(r#"{"status":"FAILED"}"#).unwrap().status, JobStatus::Failed);
    }

    #[test]
    fn bodies_without_a_status_or_not_json_are_errors() {
        assert!(QueueStatus::from_json("").is_err());
        assert!(QueueStatus::from_json("{\"status\":").is_err());
        assert!(QueueStatus::from_json("{}").is_err());
        assert!(QueueStatus::from_json(r#"{"status":null}"#).is_err());
        assert!(QueueStatus::from_json("[1]").is_err());
    }

    #[test]
    fn cancel_answers() {
        assert_eq!(CancelAnswer::from_json(r#"{"status":"CANCELLATION_REQUESTED"}"#), CancelAnswer::Requested);
        assert_eq!(CancelAnswer::from_json(r#"{"status":"ALREADY_COMPLETED"}"#), CancelAnswer::AlreadyCompleted);
        assert_eq!(CancelAnswer::from_json("oops"), CancelAnswer::Other(String::new()));
        assert_eq!(CancelAnswer::from_response(400, r#"{"status":"ALREADY_COMPLETED"}"#), Ok(CancelAnswer::AlreadyCompleted));
        assert_eq!(CancelAnswer::from_response(202, r#"{"status":"CANCELLATION_REQUESTED"}"#), Ok(CancelAnswer::Requested));
        assert_eq!(CancelAnswer::from_response(401, r#"{"detail":"no"}"#).unwrap_err().kind, crate::api::ErrorKind::Unauthorized);
    }
}
