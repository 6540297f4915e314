//! The one place requests leave the app. `Client` holds the configured base
//! and the `Authorization` value, and attaches it only to URLs on the base's
//! origin (PROTOCOL.md's origin rule), whatever URL it is asked to fetch.

use gloo_net::http::{Request, RequestBuilder, Response};
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::api::url::may_send_key;
use crate::api::error::Problem;
use crate::api::ApiError;

#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    pub base: String,
    pub authorization: String,
}

/// A response's code and text, with the headers the app reads.
pub struct Answer {
    pub status: u16,
    pub text: String,
    pub retry_after: Option<String>,
    pub error_type: Option<String>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The answer as an error, for a non-2xx status.
    pub fn error(&self) -> ApiError {
        ApiError::from_response(self.status, &self.text, self.retry_after.as_deref(), self.error_type.as_deref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

/// An open status stream: its events' `data`, as they come.
pub struct EventStream {
    reader: web_sys::ReadableStreamDefaultReader,
    parser: crate::api::sse::SseParser,
    /// Bytes of a UTF-8 character cut by a chunk boundary.
    carry: Vec<u8>,
}

impl EventStream {
    /// The next events' data; `Ok(None)` when the server closed the stream.
    pub async fn next(&mut self) -> Result<Option<Vec<String>>, ApiError> {
        loop {
            let chunk = wasm_bindgen_futures::JsFuture::from(self.reader.read())
                .await
                .map_err(|e| ApiError::network(format!("{e:?}")))?;
            let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().is_some_and(|d| d.is_truthy());
            if done {
                return Ok(None);
            }
            let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) else { continue };
            self.carry.extend(js_sys::Uint8Array::new(&value).to_vec());
            let valid = match std::str::from_utf8(&self.carry) {
                Ok(s) => s.len(),
                Err(e) => e.valid_up_to(),
            };
            let text = String::from_utf8_lossy(&self.carry[..valid]).into_owned();
            self.carry.drain(..valid);
            let events = self.parser.feed(&text);
            if !events.is_empty() {
                return Ok(Some(events));
            }
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        let _ = self.reader.cancel();
    }
}

impl Client {
    /// Opens the status stream. A non-2xx answer comes back as `Err(Ok(answer))`.
    pub async fn open_stream(&self, url: &str, signal: Option<&AbortSignal>) -> Result<EventStream, Result<Answer, ApiError>> {
        let resp = self
            .builder(Method::Get, url, "text/event-stream")
            .abort_signal(signal)
            .send()
            .await
            .map_err(|e| Err(ApiError::network(e.to_string())))?;
        let status = resp.status();
        if !(200..300).contains(&status) {
            let headers = resp.headers();
            let (retry_after, error_type) = (headers.get("retry-after"), headers.get("x-fal-error-type"));
            let text = resp.text().await.unwrap_or_default();
            return Err(Ok(Answer { status, text, retry_after, error_type }));
        }
        let reader = resp
            .body()
            .and_then(|b| b.get_reader().dyn_into::<web_sys::ReadableStreamDefaultReader>().ok())
            .ok_or_else(|| Err(ApiError::unreadable(Problem::NoStreamBody, "")))?;
        Ok(EventStream { reader, parser: Default::default(), carry: Vec::new() })
    }

    fn builder(&self, method: Method, url: &str, accept: &str) -> RequestBuilder {
        let b = match method {
            Method::Get => Request::get(url),
            Method::Post => Request::post(url),
            Method::Put => Request::put(url),
        }
        .header("Accept", accept);
        if may_send_key(&self.base, url) {
            b.header("Authorization", &self.authorization)
        } else {
            b
        }
    }

    /// Sends one request. A rejected `fetch` (offline, DNS, CORS) is a
    /// network error; any HTTP answer is returned as is.
    pub async fn send(&self, method: Method, url: &str, body: Option<&str>, signal: Option<&AbortSignal>) -> Result<Answer, ApiError> {
        if url.starts_with(crate::api::provider::DEMO_BASE) {
            return Ok(super::demo::answer_request(method, url, body).await);
        }
        let builder = self.builder(method, url, "application/json").abort_signal(signal);
        let sent = match body {
            Some(b) => match builder.header("Content-Type", "application/json").body(b.to_string()) {
                Ok(req) => req.send().await,
                Err(e) => return Err(ApiError::network(e.to_string())),
            },
            None => builder.send().await,
        };
        let resp: Response = sent.map_err(|e| ApiError::network(e.to_string()))?;
        let headers = resp.headers();
        let retry_after = headers.get("retry-after");
        let error_type = headers.get("x-fal-error-type");
        let status = resp.status();
        // A body that cannot be read is treated like a dropped connection.
        let text = resp.text().await.map_err(|e| ApiError::network(e.to_string()))?;
        Ok(Answer { status, text, retry_after, error_type })
    }
}
