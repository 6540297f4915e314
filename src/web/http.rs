//! The one place requests leave the app. `Client` holds the configured base,
//! the `Authorization` value and the transport chosen once from the
//! provider (`fetch`, or the in-browser demo queue). The key is attached
//! only to URLs on the base's origin (PROTOCOL.md's origin rule) as both the
//! Rust rule and the browser's own parser read them, whatever URL the
//! client is asked to fetch, and only when an HTTP header can carry it. Redirects are never followed (`redirect: "manual"`): the key would
//! go with them.

use futures::future::{select, Either};
use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, RequestRedirect};

mod xhr;

use super::demo;
pub use super::wire::{Answer, Method};
use crate::api::error::{parse_retry_after, Problem};
use crate::api::sse::SseParser;
use crate::api::origin::may_send_key;
use crate::api::ApiError;

/// A stream that sends nothing, not even a comment, for this long is
/// closed and the job polled. (One that sends only comments is checked by
/// status requests: `follow`.)
pub const STREAM_IDLE_MS: u32 = 60_000;

/// How requests travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// The browser's `fetch`.
    Fetch,
    /// The queue protocol answered inside the page (`web::demo`).
    Demo,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    pub base: String,
    pub authorization: String,
    pub transport: Transport,
}

/// Where an open stream's bytes come from.
enum Source {
    Reader(web_sys::ReadableStreamDefaultReader),
    Demo(demo::DemoStream),
}

/// An open status stream: its events' `data`, as they come.
pub struct EventStream {
    source: Source,
    parser: SseParser,
    /// A read still on its way: kept when `next` is dropped before it
    /// ends (a timer won a `select`), so no bytes are lost.
    pending: Option<wasm_bindgen_futures::JsFuture>,
}

impl EventStream {
    /// The next events' data; `Ok(None)` when the server closed the stream.
    /// Fails when nothing at all came for `STREAM_IDLE_MS`, or a line or an
    /// event is over a megabyte.
    pub async fn next(&mut self) -> Result<Option<Vec<String>>, ApiError> {
        loop {
            let bytes = match &mut self.source {
                Source::Demo(d) => d.next().await,
                Source::Reader(reader) => {
                    let read = self.pending.get_or_insert_with(|| wasm_bindgen_futures::JsFuture::from(reader.read()));
                    let chunk = match select(read, TimeoutFuture::new(STREAM_IDLE_MS)).await {
                        Either::Left((c, _)) => {
                            self.pending = None;
                            c.map_err(|e| ApiError::network(format!("{e:?}")))?
                        }
                        Either::Right(_) => return Err(ApiError::unreadable(Problem::StreamIdle, "")),
                    };
                    let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().is_some_and(|d| d.is_truthy());
                    if done {
                        None
                    } else {
                        js_sys::Reflect::get(&chunk, &"value".into()).ok().map(|v| js_sys::Uint8Array::new(&v).to_vec())
                    }
                }
            };
            let Some(bytes) = bytes else { return Ok(None) };
            let events = self.parser.feed(&bytes).map_err(|_| ApiError::unreadable(Problem::StreamTooLong, ""))?;
            if !events.is_empty() {
                return Ok(Some(events));
            }
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        if let Source::Reader(r) = &self.source {
            let _ = r.cancel();
        }
    }
}

/// PUTs `blob` to a signed upload address as `content_type`, reporting
/// `progress(sent, total)`. It never carries the key: no `Client` is
/// involved and only `Content-Type` is set.
pub async fn put(url: &str, content_type: &str, blob: &web_sys::Blob, progress: std::rc::Rc<dyn Fn(u64, u64)>) -> Result<(), crate::api::storage::UploadError> {
    use crate::api::storage::{put_answer, UploadError};
    match xhr::send("PUT", url, &[("Content-Type", content_type)], xhr::Body::Blob(blob), progress).await {
        Ok(r) => put_answer(r.status, &r.text),
        Err(xhr::Failed::Network) => Err(UploadError::Cut),
        Err(xhr::Failed::Stalled) => Err(UploadError::Stalled),
    }
}

/// Whether the browser's own URL parser puts `url` on `base`'s origin, with
/// no user or password.
pub fn browser_same_origin(base: &str, url: &str) -> bool {
    match (web_sys::Url::new(base), web_sys::Url::new(url)) {
        (Ok(b), Ok(u)) => b.origin() == u.origin() && [b.username(), b.password(), u.username(), u.password()].iter().all(String::is_empty),
        _ => false,
    }
}

/// The key goes to `url` only when the Rust rule (`api::origin::may_send_key`)
/// and the browser's parser agree that it is the base's origin: where they
/// read a URL differently, no key.
pub fn key_allowed(base: &str, url: &str) -> bool {
    may_send_key(base, url) && browser_same_origin(base, url)
}

/// Whether an HTTP header can carry `value` (visible ASCII and spaces).
fn header_safe(value: &str) -> bool {
    value.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// The headers the app reads. A `429` holds every request to `base` for
/// its `Retry-After` (`follow::ready` waits it out), whichever request
/// was refused.
fn headers_of(resp: &Response, base: &str) -> (Option<String>, Option<String>) {
    let h = resp.headers();
    let retry_after = h.get("retry-after");
    if resp.status() == 429 {
        super::net::hold(base, super::now(), retry_after.as_deref().and_then(parse_retry_after));
    }
    (retry_after, h.get("x-fal-error-type"))
}

impl Client {
    /// The `Authorization` value for `url`: the key, only on the base's
    /// origin (`key_allowed`); none elsewhere.
    fn authorization_for(&self, url: &str) -> Result<Option<&str>, ApiError> {
        if !key_allowed(&self.base, url) {
            return Ok(None);
        }
        if !header_safe(&self.authorization) {
            // The key field refuses such keys; this is the last gate, so a
            // header that cannot be built never throws inside a request.
            return Err(ApiError::from_response(401, r#"{"detail":"the key has characters an HTTP header cannot carry"}"#, None, None));
        }
        Ok(Some(&self.authorization))
    }

    fn builder(&self, method: Method, url: &str, accept: &str) -> Result<RequestBuilder, ApiError> {
        let b = match method {
            Method::Get => Request::get(url),
            Method::Post => Request::post(url),
            Method::Put => Request::put(url),
        }
        .header("Accept", accept)
        .redirect(RequestRedirect::Manual);
        Ok(match self.authorization_for(url)? {
            Some(a) => b.header("Authorization", a),
            None => b,
        })
    }

    /// Sends the request; a redirect (an opaque answer, status 0) is an error.
    async fn fetch(&self, method: Method, url: &str, accept: &str, body: Option<&str>, signal: Option<&AbortSignal>) -> Result<Response, ApiError> {
        let builder = self.builder(method, url, accept)?.abort_signal(signal);
        let sent = match body {
            Some(b) => match builder.header("Content-Type", "application/json").body(b.to_string()) {
                Ok(req) => req.send().await,
                Err(e) => return Err(ApiError::network(e.to_string())),
            },
            None => builder.send().await,
        };
        let resp = sent.map_err(|e| ApiError::network(e.to_string()))?;
        if resp.status() == 0 || (300..400).contains(&resp.status()) {
            return Err(ApiError::redirect(resp.status()));
        }
        Ok(resp)
    }

    /// Sends one request. A rejected `fetch` (offline, DNS, CORS) is a
    /// network error, a redirect an error of its own; any other HTTP answer
    /// is returned as is.
    pub async fn send(&self, method: Method, url: &str, body: Option<&str>, signal: Option<&AbortSignal>) -> Result<Answer, ApiError> {
        if self.transport == Transport::Demo {
            return Ok(demo::answer_request(method, url, body).await);
        }
        let resp = self.fetch(method, url, "application/json", body, signal).await?;
        let (retry_after, error_type) = headers_of(&resp, &self.base);
        let status = resp.status();
        // A body that cannot be read is treated like a dropped connection.
        let text = resp.text().await.map_err(|e| ApiError::network(e.to_string()))?;
        Ok(Answer { status, text, retry_after, error_type })
    }

    /// Sends one request whose body reports its progress (`progress(sent,
    /// total)`) when it is past `storage::PROGRESS_FROM` bytes: through
    /// `XMLHttpRequest`, with the same key rule as `send`. Such a request
    /// cannot refuse a redirect beforehand (engines drop the key on one to
    /// another origin); one that was followed is an error, as in `send`.
    pub async fn send_with_progress(&self, method: Method, url: &str, body: &str, progress: std::rc::Rc<dyn Fn(u64, u64)>) -> Result<Answer, ApiError> {
        if self.transport == Transport::Demo || (body.len() as u64) < crate::api::storage::PROGRESS_FROM {
            return self.send(method, url, Some(body), None).await;
        }
        let mut headers = vec![("Accept", "application/json"), ("Content-Type", "application/json")];
        headers.extend(self.authorization_for(url)?.map(|a| ("Authorization", a)));
        let name = match method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        };
        let reply = xhr::send(name, url, &headers, xhr::Body::Text(body), progress).await.map_err(|f| match f {
            xhr::Failed::Network => ApiError::network("the request was refused or cut off"),
            xhr::Failed::Stalled => ApiError::network("no progress for 30 s"),
        })?;
        // The address as the browser writes it, to compare with where the answer came from.
        let asked = web_sys::Url::new(url).map(|u| u.href()).unwrap_or_else(|_| url.to_string());
        if reply.status == 0 || (!reply.url.is_empty() && reply.url != asked) {
            return Err(ApiError::redirect(reply.status));
        }
        if reply.status == 429 {
            super::net::hold(&self.base, super::now(), reply.retry_after.as_deref().and_then(parse_retry_after));
        }
        Ok(Answer { status: reply.status, text: reply.text, retry_after: reply.retry_after, error_type: reply.error_type })
    }

    /// Opens the status stream. A non-2xx answer, or a 2xx that is not an
    /// event stream, is an error.
    pub async fn open_stream(&self, url: &str, signal: Option<&AbortSignal>) -> Result<EventStream, ApiError> {
        if self.transport == Transport::Demo {
            let d = demo::open_stream(url)?;
            return Ok(EventStream { source: Source::Demo(d), parser: SseParser::default(), pending: None });
        }
        let resp = self.fetch(Method::Get, url, "text/event-stream", None, signal).await?;
        if !resp.ok() {
            let (retry_after, error_type) = headers_of(&resp, &self.base);
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            return Err(Answer { status, text, retry_after, error_type }.error());
        }
        let content_type = resp.headers().get("content-type").unwrap_or_default();
        if !content_type.to_ascii_lowercase().contains("text/event-stream") {
            return Err(ApiError::unreadable(Problem::NotEventStream, content_type));
        }
        let reader = resp
            .body()
            .and_then(|b| b.get_reader().dyn_into::<web_sys::ReadableStreamDefaultReader>().ok())
            .ok_or_else(|| ApiError::unreadable(Problem::NoStreamBody, ""))?;
        Ok(EventStream { source: Source::Reader(reader), parser: SseParser::default(), pending: None })
    }
}
