//! A fake queue server that speaks PROTOCOL.md: submit, status (202 while
//! queued or running, 200 when done, logs with `?logs=1`), the status
//! stream, result, cancel, CORS with `Authorization`, both auth schemes,
//! relay-style URLs on another origin, images it serves itself, and fault
//! injection. Every request is recorded for the tests to inspect.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::png::png;

/// Faults to inject. Counts are "the next N times".
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Answer the submit with this code (401, 403, 500…).
    pub submit_status: Option<u16>,
    /// Answer the result with a 422 naming `image_size`.
    pub result_422: bool,
    /// `(times, retry_after_seconds)`: answer status polls with 429.
    pub status_429: Option<(u32, u64)>,
    /// Answer this many status polls with 503.
    pub status_503: u32,
    /// Answer this many status polls with 401 (a key revoked mid-job).
    pub status_401: u32,
    /// Answer this many status polls with a 2xx that is not JSON.
    pub status_malformed: u32,
    /// Answer status and result with 404, as for an expired request.
    pub forget_jobs: bool,
    /// Close the status stream after its first event.
    pub stream_close_early: bool,
    /// Answer status polls with 429 and this `Retry-After` value until
    /// this many milliseconds after the server started.
    pub status_429_until: Option<(u64, &'static str)>,
    /// `(n, retry_after_seconds)`: answer the n-th submit (1-based) with 429.
    pub submit_429_nth: Option<(u32, u64)>,
    /// Answer the n-th submits (1-based) with 500.
    pub submit_500_nth: Vec<u32>,
    /// Result files answer 404, as once the CDN's links expire.
    pub files_gone: bool,
    /// `(op, retry_after_seconds)`: answer the next request of `op`
    /// (`submit`, `status`, `stream`, `result`, `cancel`) with 429.
    pub op_429: Option<(&'static str, u64)>,
    /// A model that changes nothing: each result is the job's first input.
    pub echo_input: bool,
    /// Files are served without CORS headers: a page shows them but may
    /// not read their pixels.
    pub files_closed: bool,
    /// The vision model (`openrouter/router/vision`) answers its submit
    /// with this code (404, 405: a provider that does not offer it).
    pub no_vision: Option<u16>,
    /// What the vision model answers as `output` (any JSON), instead of
    /// its own rewrite.
    pub rewrite: Option<Value>,
}

/// How much of the protocol the server speaks (PROTOCOL.md, "Partial servers").
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Partial {
    /// Everything.
    #[default]
    Full,
    /// The stream endpoint answers with this code (404, 405, 400), or 200
    /// with a body that is not an event stream (`200`).
    NoStream(u16),
    /// The returned URLs use the seed's renamed model path, which this
    /// server does not answer (404); only the submitted path works.
    SeedPaths,
    /// No status endpoint at all (404); the result URL answers 202 while
    /// the job runs (`true`), or 400 "in progress" (`false`).
    NoStatus { accepted: bool },
    /// Stream events with invalid UTF-8 in them.
    BadUtf8Stream,
    /// A stream that sends only comments, for this long, then closes.
    CommentsOnlyStream(u64),
    /// A stream that sends one status event, then only comments (`: ping`)
    /// every half second, for as long as the client listens (at most two
    /// minutes), whatever the job does.
    PingsAfterFirst,
    /// Status, stream and result answer a redirect to this origin.
    RedirectTo(String),
    /// The submit answers with this request id.
    RequestId(String),
    /// The submit's URLs carry the backslash trick: `{this}\\@{own host}/…`,
    /// which a browser sends to `this` (another server).
    BackslashTrick(String),
    /// While the job runs, the stream sends this many events a second,
    /// each with one new log line (a benchmark of the page under a flood).
    Flood(u64),
}

impl Partial {
    /// The names `fake-queue --partial` takes.
    pub const NAMES: &'static str = "full, no-stream, no-stream-405, seed-paths, no-status, no-status-400, bad-utf8, comments-only, pings-after-first";

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "full" => Partial::Full,
            "no-stream" => Partial::NoStream(404),
            "no-stream-405" => Partial::NoStream(405),
            "seed-paths" => Partial::SeedPaths,
            "no-status" => Partial::NoStatus { accepted: true },
            "no-status-400" => Partial::NoStatus { accepted: false },
            "bad-utf8" => Partial::BadUtf8Stream,
            "comments-only" => Partial::CommentsOnlyStream(10_000),
            "pings-after-first" => Partial::PingsAfterFirst,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// The accepted key, with either `Bearer` or `Key`. `None` accepts any.
    pub key: Option<String>,
    pub queue_ms: u64,
    pub run_ms: u64,
    /// Queue position at submit; counts down to 0.
    pub start_position: u64,
    pub log_lines: u64,
    /// Return status/response/cancel URLs on this origin (a relay that hands
    /// out upstream URLs), with the model renamed as the seed shows.
    pub relay_origin: Option<String>,
    /// Serve result image URLs from this origin.
    pub image_origin: Option<String>,
    pub faults: Faults,
    pub partial: Partial,
    /// Each submit is answered after this long (to see how many wait at once).
    pub submit_delay_ms: u64,
    /// Served files are padded to this many bytes (0: as drawn).
    pub file_bytes: usize,
    /// Served files are this big (width, height) rather than 64×48.
    pub file_side: Option<(u32, u32)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            key: Some("test-key".into()),
            queue_ms: 1_500,
            run_ms: 2_000,
            start_position: 3,
            log_lines: 5,
            relay_origin: None,
            image_origin: None,
            faults: Faults::default(),
            partial: Partial::Full,
            submit_delay_ms: 0,
            file_bytes: 0,
            file_side: None,
        }
    }
}

/// One request as the server saw it, and the code it answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub body: String,
    /// Milliseconds since the server started.
    pub at_ms: u64,
    pub status: u16,
}

impl Recorded {
    pub fn is_api(&self) -> bool {
        self.method != "OPTIONS" && !self.path.starts_with("/files/")
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

struct Job {
    created: Instant,
    input: Value,
    cancelled: bool,
    /// The model path it was submitted to.
    model: String,
}

struct Inner {
    cfg: Config,
    faults: Faults,
    jobs: HashMap<String, Job>,
    log: Vec<Recorded>,
    next: u64,
    /// Submits received so far, and how many are being answered now (and
    /// the most at once).
    submits: u32,
    open_submits: u32,
    most_open_submits: u32,
}

pub struct Shared {
    inner: Mutex<Inner>,
    started: Instant,
    url: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock must not hide the log.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake server; stops when dropped.
pub struct FakeServer {
    pub url: String,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl FakeServer {
    pub async fn start(cfg: Config) -> anyhow::Result<Self> {
        Self::start_on("127.0.0.1:0".parse()?, cfg).await
    }

    pub async fn start_on(addr: SocketAddr, cfg: Config) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner { faults: cfg.faults.clone(), cfg, jobs: HashMap::new(), log: Vec::new(), next: 0, submits: 0, open_submits: 0, most_open_submits: 0 }),
            started: Instant::now(),
            url: url.clone(),
        });
        let stop = serve(listener, Router::new().fallback(handle).with_state(shared.clone()));
        Ok(FakeServer { url, shared, _stop: stop })
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().log.clone()
    }

    pub fn api_requests(&self) -> Vec<Recorded> {
        self.requests().into_iter().filter(Recorded::is_api).collect()
    }

    pub fn count(&self, method: &str) -> usize {
        self.requests().iter().filter(|r| r.method == method && r.is_api()).count()
    }

    /// Milliseconds since the server started (the clock of `Recorded::at_ms`).
    pub fn now_ms(&self) -> u64 {
        self.shared.started.elapsed().as_millis() as u64
    }

    /// The most submits that were waiting for their answer at once.
    pub fn most_open_submits(&self) -> u32 {
        self.shared.lock().most_open_submits
    }

    /// Changes the faults still to come.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.lock().faults = faults;
    }
}

/// Serves `app` on `listener` until the returned sender is dropped.
pub fn serve(listener: TcpListener, app: Router) -> oneshot::Sender<()> {
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    tx
}

/// The picture the fake serves at `/files/<name>`: 64×48, one colour by
/// name with a diagonal band.
pub fn file_png(name: &str) -> Vec<u8> {
    let seed = name.bytes().fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    png(64, 48, [seed, 120, 255 - seed])
}

fn cors(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert("access-control-expose-headers", HeaderValue::from_static("Retry-After, X-Fal-Error-Type, X-Fal-Request-Id"));
    resp
}

fn json_response(code: u16, body: Value) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn header_str(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// What a job looks like `t` after submit.
enum Phase {
    Queued(u64),
    Running(u64),
    Done,
}

fn phase(cfg: &Config, job: &Job) -> Phase {
    let t = job.created.elapsed().as_millis() as u64;
    if job.cancelled || t >= cfg.queue_ms + cfg.run_ms {
        Phase::Done
    } else if t < cfg.queue_ms {
        let left = cfg.queue_ms - t;
        Phase::Queued(cfg.start_position * left / cfg.queue_ms.max(1))
    } else {
        let lines = 1 + (t - cfg.queue_ms) * cfg.log_lines / cfg.run_ms.max(1);
        Phase::Running(lines.min(cfg.log_lines))
    }
}

fn logs(n: u64, total: u64) -> Value {
    (1..=n)
        .map(|i| json!({"message": format!("Step {i}/{total}"), "timestamp": "2026-11-24T00:00:00Z", "level": "INFO", "source": "user"}))
        .collect()
}

fn status_body(base: &str, model: &str, id: &str, cfg: &Config, job: &Job, with_logs: bool) -> (u16, Value) {
    // Like fal: a subpath model's requests live under its owner/name.
    let root = model.split('/').take(2).collect::<Vec<_>>().join("/");
    let prefix = format!("{base}/{root}/requests/{id}");
    let mut body = json!({
        "request_id": id,
        "response_url": prefix,
        "status_url": format!("{prefix}/status"),
        "cancel_url": format!("{prefix}/cancel"),
        "logs": null,
        "metrics": {},
    });
    let code = match phase(cfg, job) {
        Phase::Queued(pos) => {
            body["status"] = json!("IN_QUEUE");
            body["queue_position"] = json!(pos);
            202
        }
        Phase::Running(n) => {
            body["status"] = json!("IN_PROGRESS");
            if with_logs {
                body["logs"] = logs(n, cfg.log_lines);
            }
            202
        }
        Phase::Done => {
            body["status"] = json!("COMPLETED");
            if with_logs && !job.cancelled {
                body["logs"] = logs(cfg.log_lines, cfg.log_lines);
            }
            body["metrics"] = json!({"inference_time": cfg.run_ms as f64 / 1000.0});
            200
        }
    };
    (code, body)
}

fn result_body(images_base: &str, id: &str, job: &Job) -> Value {
    let n = job.input.get("num_images").and_then(Value::as_u64).unwrap_or(1).clamp(1, 4);
    let (w, h) = crate::family::output_size(&job.input);
    let images: Vec<Value> = (0..n)
        .map(|i| {
            json!({"url": format!("{images_base}/files/{id}-{i}.png"), "width": w, "height": h,
                   "content_type": "image/png", "file_name": format!("{id}-{i}.png"), "file_size": 9_300})
        })
        .collect();
    json!({
        "images": images,
        "seed": job.input.get("seed").and_then(Value::as_u64).unwrap_or(2_841_475_369u64),
        "prompt": job.input.get("prompt"),
        "has_nsfw_concepts": (0..n).map(|_| false).collect::<Vec<_>>(),
        "timings": {"inference": 1.9},
    })
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let headers = req.headers().clone();
    let body = to_bytes(req.into_body(), 64 << 20).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let is_submit = method == Method::POST;
    if is_submit {
        let delay = {
            let mut i = shared.lock();
            i.open_submits += 1;
            i.most_open_submits = i.most_open_submits.max(i.open_submits);
            i.cfg.submit_delay_ms
        };
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let resp = route(&shared, &method, &path, query.as_deref(), &headers, &body);
    if is_submit {
        shared.lock().open_submits -= 1;
    }
    let closed = path.starts_with("/files/") && shared.lock().faults.files_closed;
    let resp = if closed { resp } else { cors(resp) };
    let mut inner = shared.lock();
    inner.log.push(Recorded {
        method: method.to_string(),
        path,
        query,
        authorization: header_str(&headers, "authorization"),
        content_type: header_str(&headers, "content-type"),
        accept: header_str(&headers, "accept"),
        body,
        at_ms: shared.started.elapsed().as_millis() as u64,
        status: resp.status().as_u16(),
    });
    resp
}

fn route(shared: &Shared, method: &Method, path: &str, query: Option<&str>, headers: &HeaderMap, body: &str) -> Response {
    if method == Method::OPTIONS {
        let allow = header_str(headers, "access-control-request-headers").unwrap_or_else(|| "authorization, content-type, accept".into());
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert("access-control-allow-methods", HeaderValue::from_static("GET, POST, PUT, OPTIONS"));
        if let Ok(v) = HeaderValue::from_str(&allow) {
            h.insert("access-control-allow-headers", v);
        }
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
        return r;
    }
    if let Some(name) = path.strip_prefix("/files/") {
        if shared.lock().faults.files_gone {
            return json_response(404, json!({"detail": "Not found"}));
        }
        let seed = name.bytes().fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
        let mut bytes = match shared.lock().cfg.file_side {
            Some((w, h)) => png(w, h, [seed, 120, 255 - seed]),
            None => file_png(name),
        };
        // Bytes after the PNG's end are ignored by decoders.
        let pad = shared.lock().cfg.file_bytes;
        bytes.extend((bytes.len()..pad).map(|i| (i as u8).wrapping_mul(seed)));
        return ([(header::CONTENT_TYPE, "image/png")], bytes).into_response();
    }
    let mut inner = shared.lock();
    // Auth: `Bearer <key>` or `Key <key>`.
    let auth = header_str(headers, "authorization").unwrap_or_default();
    let token = auth.strip_prefix("Bearer ").or_else(|| auth.strip_prefix("Key ")).unwrap_or("");
    let authorised = match &inner.cfg.key {
        Some(k) => token == k,
        None => !token.is_empty(),
    };
    if !authorised {
        return json_response(401, json!({"detail": "No user found for Key ID and Secret"}));
    }
    let trimmed = path.trim_matches('/');
    if let Some((op, secs)) = inner.faults.op_429 {
        let this = match (method.as_str(), trimmed.split_once("/requests/").map(|(_, r)| r.split('/').skip(1).collect::<Vec<_>>())) {
            ("POST", None) => "submit",
            ("GET", Some(p)) if p == ["status"] => "status",
            ("GET", Some(p)) if p == ["status", "stream"] => "stream",
            ("GET", Some(p)) if p.is_empty() => "result",
            ("PUT", Some(p)) if p == ["cancel"] => "cancel",
            _ => "",
        };
        // A result is asked for only once the job is done: count it then.
        if this == op {
            inner.faults.op_429 = None;
            if this == "submit" {
                inner.submits += 1;
            }
            let mut r = json_response(429, json!({"detail": "Too many requests"}));
            r.headers_mut().insert("retry-after", HeaderValue::from(secs));
            return r;
        }
    }
    let Some((model, rest)) = trimmed.split_once("/requests/") else {
        if method != Method::POST || trimmed.is_empty() {
            return json_response(405, json!({"detail": "Method not allowed"}));
        }
        return submit(shared, &mut inner, trimmed, body);
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let id = parts[0].to_string();
    if inner.faults.forget_jobs || !inner.jobs.contains_key(&id) {
        return json_response(404, json!({"detail": "Request not found"}));
    }
    let cfg = inner.cfg.clone();
    let is_stream = parts[1..] == ["status", "stream"];
    match &cfg.partial {
        Partial::SeedPaths if model != inner.jobs[&id].model && !inner.jobs[&id].model.starts_with(&format!("{model}/")) => {
            return json_response(404, json!({"detail": "Not Found"}));
        }
        Partial::NoStatus { .. } if parts[1..].first() == Some(&"status") => {
            return json_response(404, json!({"detail": "Not Found"}));
        }
        Partial::NoStream(code) if is_stream => {
            return match code {
                200 => (StatusCode::OK, [(header::CONTENT_TYPE, "text/html")], "<html>no stream here</html>").into_response(),
                c => json_response(*c, json!({"detail": "Method Not Allowed"})),
            };
        }
        Partial::RedirectTo(to) if method == Method::GET => {
            let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("{to}{path}")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        _ => {}
    }
    let own = shared.url.clone();
    let with_logs = query.is_some_and(|q| q.split('&').any(|kv| kv == "logs=1" || kv == "logs=true"));
    match (method.as_str(), &parts[1..]) {
        ("GET", ["status"]) => {
            if let Some((until, value)) = inner.faults.status_429_until {
                if shared.started.elapsed().as_millis() as u64 <= until {
                    let mut r = json_response(429, json!({"detail": "Too many requests"}));
                    r.headers_mut().insert("retry-after", HeaderValue::from_static(value));
                    return r;
                }
            }
            if let Some((n, secs)) = inner.faults.status_429 {
                if n > 0 {
                    inner.faults.status_429 = Some((n - 1, secs));
                    let mut r = json_response(429, json!({"detail": "Too many requests"}));
                    r.headers_mut().insert("retry-after", HeaderValue::from(secs));
                    return r;
                }
            }
            if inner.faults.status_401 > 0 {
                inner.faults.status_401 -= 1;
                return json_response(401, json!({"detail": "No user found for Key ID and Secret"}));
            }
            if inner.faults.status_503 > 0 {
                inner.faults.status_503 -= 1;
                let mut r = json_response(503, json!({"detail": "Runner unavailable", "error_type": "runner_unavailable"}));
                r.headers_mut().insert("x-fal-error-type", HeaderValue::from_static("runner_unavailable"));
                return r;
            }
            if inner.faults.status_malformed > 0 {
                inner.faults.status_malformed -= 1;
                return (StatusCode::ACCEPTED, [(header::CONTENT_TYPE, "application/json")], "{\"status\": \"IN_PROG").into_response();
            }
            let job = &inner.jobs[&id];
            let (code, body) = status_body(&own, model, &id, &cfg, job, with_logs);
            json_response(code, body)
        }
        ("GET", ["status", "stream"]) => stream(shared, &inner, model, &id, with_logs),
        ("GET", []) => {
            let job = &inner.jobs[&id];
            if job.cancelled {
                return json_response(400, json!({"detail": "Request was cancelled"}));
            }
            if !matches!(phase(&cfg, job), Phase::Done) {
                if cfg.partial == (Partial::NoStatus { accepted: true }) {
                    let (_, body) = status_body(&own, model, &id, &cfg, job, false);
                    return json_response(202, body);
                }
                return json_response(400, json!({"detail": "Request is still in progress"}));
            }
            if inner.faults.result_422 {
                return json_response(
                    422,
                    json!({"detail": [{"loc": ["body", "image_size"], "msg": "Unsupported image size for this model", "type": "value_error"}]}),
                );
            }
            if job.model == crate::family::VISION {
                return json_response(200, crate::family::vision_result(&job.input, inner.faults.rewrite.as_ref()));
            }
            let images = cfg.image_origin.clone().unwrap_or(own);
            let mut body = result_body(&images, &id, job);
            if inner.faults.echo_input {
                let first = job.input.get("image_urls").and_then(|u| u.get(0)).or(job.input.get("image_url")).cloned();
                if let (Some(url), Some(list)) = (first, body["images"].as_array_mut()) {
                    for img in list.iter_mut() {
                        img["url"] = url.clone();
                        (img["width"], img["height"]) = (json!(64), json!(48));
                    }
                }
            }
            let mut r = json_response(200, body);
            // fal names the request of a result in a header (its client reads it).
            if let Ok(v) = HeaderValue::from_str(&id) {
                r.headers_mut().insert("x-fal-request-id", v);
            }
            r
        }
        ("PUT", ["cancel"]) => {
            let Some(job) = inner.jobs.get_mut(&id) else { return json_response(404, json!({"detail": "Request not found"})) };
            if matches!(phase(&cfg, job), Phase::Done) {
                return json_response(400, json!({"status": "ALREADY_COMPLETED"}));
            }
            job.cancelled = true;
            json_response(202, json!({"status": "CANCELLATION_REQUESTED"}))
        }
        _ => json_response(405, json!({"detail": "Method not allowed"})),
    }
}

fn submit(shared: &Shared, inner: &mut Inner, model: &str, body: &str) -> Response {
    inner.submits += 1;
    let n = inner.submits;
    if let Some((nth, secs)) = inner.faults.submit_429_nth {
        if nth == n {
            let mut r = json_response(429, json!({"detail": "Too many requests"}));
            r.headers_mut().insert("retry-after", HeaderValue::from(secs));
            return r;
        }
    }
    if let (Some(code), true) = (inner.faults.no_vision, model == crate::family::VISION) {
        return json_response(code, json!({"detail": "Not Found"}));
    }
    if inner.faults.submit_500_nth.contains(&n) {
        return json_response(500, json!({"detail": "Internal server error"}));
    }
    if let Some(code) = inner.faults.submit_status {
        let detail = match code {
            401 => "No user found for Key ID and Secret",
            403 => "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.",
            _ => "Internal server error",
        };
        return json_response(code, json!({"detail": detail}));
    }
    let Ok(input) = serde_json::from_str::<Value>(body) else {
        return json_response(422, json!({"detail": [{"loc": ["body"], "msg": "Body is not valid JSON", "type": "json_invalid"}]}));
    };
    let problems = crate::family::schema_problems(model, &input);
    if !problems.is_empty() {
        return json_response(422, json!({"detail": problems}));
    }
    inner.next += 1;
    let id = format!("{:08x}-fake-4000-8000-{:012x}", 0x9c08_e7d8u32.wrapping_add(inner.next as u32), inner.next);
    inner.jobs.insert(id.clone(), Job { created: Instant::now(), input, cancelled: false, model: model.to_string() });
    // A relay hands out the upstream's URLs, with the model renamed.
    let (base, model) = match (&inner.cfg.relay_origin, &inner.cfg.partial) {
        (Some(o), _) => (o.clone(), "fal-ai/qwen-edit-plus".to_string()),
        (None, Partial::SeedPaths) => (shared.url.clone(), "fal-ai/qwen-edit-plus".to_string()),
        (None, _) => (shared.url.clone(), model.to_string()),
    };
    let job = &inner.jobs[&id];
    let (_, mut body) = status_body(&base, &model, &id, &inner.cfg, job, false);
    body["status"] = json!("IN_QUEUE");
    body["queue_position"] = json!(inner.cfg.start_position);
    if let Partial::RequestId(odd) = &inner.cfg.partial {
        body["request_id"] = json!(odd);
    }
    if let Partial::BackslashTrick(other) = &inner.cfg.partial {
        let own_host = shared.url.trim_start_matches("http://");
        for k in ["status_url", "response_url", "cancel_url"] {
            if let Some(u) = body[k].as_str() {
                let path = u.trim_start_matches(&shared.url);
                body[k] = json!(format!("{other}\\@{own_host}{path}"));
            }
        }
    }
    json_response(200, body)
}

fn stream(shared: &Shared, inner: &Inner, model: &str, id: &str, with_logs: bool) -> Response {
    let cfg = inner.cfg.clone();
    let own = shared.url.clone();
    let (model, id) = (model.to_string(), id.to_string());
    let created = inner.jobs[&id].created;
    let cancelled = inner.jobs[&id].cancelled;
    let close_early = inner.faults.stream_close_early;
    let partial = cfg.partial.clone();
    if let Partial::Flood(per_sec) = partial {
        let start = Instant::now();
        let (cfg2, own2, model2, id2) = (cfg.clone(), own.clone(), model.clone(), id.clone());
        let flood = futures_util::stream::unfold((0u64, false), move |(sent, done)| {
            let (cfg, own, model, id) = (cfg2.clone(), own2.clone(), model2.clone(), id2.clone());
            async move {
                if done {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                let job = Job { created, input: Value::Null, cancelled, model: String::new() };
                let (code, mut body) = status_body(&own, &model, &id, &cfg, &job, false);
                if code == 200 {
                    body["logs"] = json!([]);
                    return Some((Ok::<_, std::convert::Infallible>(format!("data: {body}\n\n").into_bytes()), (sent, true)));
                }
                // As many events as the rate says by now (a tick is never exactly 10 ms).
                let due = per_sec * start.elapsed().as_millis() as u64 / 1_000;
                let per_tick = due.saturating_sub(sent).max(1);
                let mut text = Vec::new();
                for k in 0..per_tick {
                    body["logs"] = json!([{"message": format!("flood line {}", sent + k), "level": "INFO"}]);
                    text.extend_from_slice(format!("data: {body}\n\n").as_bytes());
                }
                Some((Ok(text), (sent + per_tick, false)))
            }
        });
        return Response::builder()
            .header(header::CONTENT_TYPE, "text/event-stream")
            .body(Body::from_stream(flood))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    if partial == Partial::PingsAfterFirst {
        let job = Job { created, input: Value::Null, cancelled, model: String::new() };
        let (_, body) = status_body(&own, &model, &id, &cfg, &job, with_logs);
        let first = format!("data: {body}\n\n").into_bytes();
        let pings = futures_util::stream::unfold(0u64, move |n| {
            let first = first.clone();
            async move {
                if n > 240 {
                    return None;
                }
                if n == 0 {
                    return Some((Ok::<_, std::convert::Infallible>(first), 1));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
                Some((Ok(b": ping\n\n".to_vec()), n + 1))
            }
        });
        return Response::builder()
            .header(header::CONTENT_TYPE, "text/event-stream")
            .body(Body::from_stream(pings))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    if let Partial::CommentsOnlyStream(ms) = partial {
        let pings = futures_util::stream::unfold(0u64, move |n| async move {
            if n * 250 >= ms {
                return None;
            }
            if n > 0 {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Some((Ok::<_, std::convert::Infallible>(b": ping\n\n".to_vec()), n + 1))
        });
        return Response::builder()
            .header(header::CONTENT_TYPE, "text/event-stream")
            .body(Body::from_stream(pings))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let bad_utf8 = partial == Partial::BadUtf8Stream;
    // Each event carries the logs that are new since the last one.
    let events = futures_util::stream::unfold((0u64, 0u32, false), move |(sent_logs, n, done)| {
        let (cfg, own, model, id) = (cfg.clone(), own.clone(), model.clone(), id.clone());
        async move {
            if done || (close_early && n >= 1) {
                return None;
            }
            if n > 0 {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            let job = Job { created, input: Value::Null, cancelled, model: String::new() };
            let (code, mut body) = status_body(&own, &model, &id, &cfg, &job, with_logs);
            let total = body["logs"].as_array().map_or(0, Vec::len) as u64;
            if let Some(all) = body["logs"].as_array() {
                body["logs"] = Value::Array(all[sent_logs as usize..].to_vec());
            }
            let mut text: Vec<u8> = Vec::new();
            if n % 4 == 3 {
                text.extend_from_slice(b": ping\n\n");
            }
            if bad_utf8 {
                // A broken event first: invalid bytes inside its JSON string.
                text.extend_from_slice(b"data: {\"status\":\"IN_\xff\xfe\"}\n\n");
            }
            text.extend_from_slice(format!("data: {body}\n\n").as_bytes());
            Some((Ok::<_, std::convert::Infallible>(text), (total.max(sent_logs), n + 1, code == 200)))
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(events))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
