//! A fake of fal's storage (PROTOCOL.md, "Storage"): the storage API on an
//! origin of its own (`POST /storage/upload/initiate`, with the key), and
//! the signed upload addresses and the files on another (`PUT
//! /upload/<token>?sig=…` without the key; `GET /files/<token>/<name>`
//! serves what was put). Faults: each refusal of the initiate, no CORS,
//! a PUT refused, expired or hanging. Every request is recorded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::fake::serve;

/// Faults of the storage, changed with `set_faults`.
#[derive(Clone, Debug, Default)]
pub struct StorageFaults {
    /// The initiate answers this code (401, 403, 404, 405, 500).
    pub initiate_status: Option<u16>,
    /// The storage API sends no CORS headers: the browser refuses it.
    pub closed: bool,
    /// The PUT answers this code.
    pub put_status: Option<u16>,
    /// The PUT answers 403 "Request has expired", as a signed URL does late.
    pub put_expired: bool,
    /// The PUT is not read for a minute (an upload that hangs).
    pub put_hangs: bool,
}

/// One request as the storage saw it.
#[derive(Clone, Debug)]
pub struct Hit {
    /// `api` (the storage API) or `files` (uploads and files).
    pub host: &'static str,
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// The body's length.
    pub bytes: usize,
    pub status: u16,
}

struct Inner {
    faults: StorageFaults,
    key: String,
    /// Tokens handed out: the content type asked for, and the bytes once put.
    files: HashMap<String, (String, Option<Vec<u8>>)>,
    next: u64,
    hits: Vec<Hit>,
}

struct Shared {
    inner: Mutex<Inner>,
    files_url: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake storage; stops when dropped.
pub struct FakeStorage {
    /// The storage API's base (the `storage_base` setting).
    pub api: String,
    /// The origin of the upload addresses and the files.
    pub files: String,
    shared: Arc<Shared>,
    _stop: (oneshot::Sender<()>, oneshot::Sender<()>),
}

impl FakeStorage {
    /// Accepts `key` with either scheme.
    pub async fn start(key: &str, faults: StorageFaults) -> anyhow::Result<Self> {
        let api_listener = TcpListener::bind("127.0.0.1:0").await?;
        let files_listener = TcpListener::bind("127.0.0.1:0").await?;
        let api = format!("http://{}", api_listener.local_addr()?);
        let files = format!("http://{}", files_listener.local_addr()?);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner { faults, key: key.to_string(), files: HashMap::new(), next: 0, hits: Vec::new() }),
            files_url: files.clone(),
        });
        let a = serve(api_listener, Router::new().fallback(api_handle).with_state(shared.clone()));
        let f = serve(files_listener, Router::new().fallback(files_handle).with_state(shared.clone()));
        Ok(FakeStorage { api, files, shared, _stop: (a, f) })
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.shared.lock().hits.clone()
    }

    /// The initiates and PUTs so far (no preflights).
    pub fn initiates(&self) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.host == "api" && h.method == "POST").collect()
    }

    pub fn puts(&self) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.host == "files" && h.method == "PUT").collect()
    }

    pub fn set_faults(&self, faults: StorageFaults) {
        self.shared.lock().faults = faults;
    }
}

fn cors(r: &mut Response) {
    let h = r.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert("access-control-allow-methods", HeaderValue::from_static("GET, POST, PUT, OPTIONS"));
    h.insert("access-control-allow-headers", HeaderValue::from_static("authorization, content-type, accept"));
    h.insert("access-control-max-age", HeaderValue::from_static("600"));
}

fn json_response(code: u16, body: Value) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn header_str(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn record(shared: &Shared, host: &'static str, req_parts: (&Method, &str, Option<String>, Option<String>), bytes: usize, status: u16) {
    let (method, path, authorization, content_type) = req_parts;
    shared.lock().hits.push(Hit { host, method: method.to_string(), path: path.to_string(), authorization, content_type, bytes, status });
}

async fn api_handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let (auth, ct) = (header_str(&req, "authorization"), header_str(&req, "content-type"));
    let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
    let faults = shared.lock().faults.clone();
    let mut resp = if method == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else if let Some(code) = faults.initiate_status {
        let detail = match code {
            401 => "No user found for Key ID and Secret",
            403 => "User is locked. Reason: Exhausted balance.",
            _ => "Not Found",
        };
        json_response(code, json!({"detail": detail}))
    } else if method != Method::POST || path != "/storage/upload/initiate" || !query.contains("storage_type=fal-cdn-v3") {
        json_response(404, json!({"detail": "Not Found"}))
    } else {
        let key = shared.lock().key.clone();
        let token = auth.as_deref().and_then(|a| a.strip_prefix("Key ").or_else(|| a.strip_prefix("Bearer ")));
        if token != Some(key.as_str()) {
            json_response(401, json!({"detail": "No user found for Key ID and Secret"}))
        } else {
            let asked: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let content_type = asked["content_type"].as_str().unwrap_or("application/octet-stream").to_string();
            let name = asked["file_name"].as_str().unwrap_or("file").to_string();
            let mut i = shared.lock();
            i.next += 1;
            let token = format!("t{:04}", i.next);
            i.files.insert(token.clone(), (content_type, None));
            let f = &shared.files_url;
            json_response(200, json!({"upload_url": format!("{f}/upload/{token}?sig=fake-signature"), "file_url": format!("{f}/files/{token}/{name}")}))
        }
    };
    if !faults.closed {
        cors(&mut resp);
    }
    record(&shared, "api", (&method, &path, auth, ct), body.len(), resp.status().as_u16());
    resp
}

async fn files_handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (auth, ct) = (header_str(&req, "authorization"), header_str(&req, "content-type"));
    let faults = shared.lock().faults.clone();
    if faults.put_hangs && method == Method::PUT {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
    let mut bytes = Vec::new();
    let mut body = req.into_body().into_data_stream();
    while let Some(Ok(chunk)) = body.next().await {
        bytes.extend_from_slice(&chunk);
    }
    let mut resp = match (method.clone(), path.split('/').collect::<Vec<_>>().as_slice()) {
        (Method::OPTIONS, _) => StatusCode::NO_CONTENT.into_response(),
        (Method::PUT, ["", "upload", token]) => {
            let known = shared.lock().files.contains_key(*token);
            if !known {
                json_response(404, json!({"detail": "no such upload"}))
            } else if faults.put_expired {
                (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/xml")], "<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>").into_response()
            } else if let Some(code) = faults.put_status {
                json_response(code, json!({"detail": "upload refused"}))
            } else {
                if let Some(f) = shared.lock().files.get_mut(*token) {
                    f.1 = Some(bytes.clone());
                }
                StatusCode::OK.into_response()
            }
        }
        (Method::GET, ["", "files", token, _name]) => match shared.lock().files.get(*token) {
            Some((ct, Some(b))) => {
                let ct = HeaderValue::from_str(ct).unwrap_or(HeaderValue::from_static("application/octet-stream"));
                ([(header::CONTENT_TYPE, ct)], Body::from(b.clone())).into_response()
            }
            _ => json_response(404, json!({"detail": "Not found"})),
        },
        _ => json_response(405, json!({"detail": "Method not allowed"})),
    };
    cors(&mut resp);
    record(&shared, "files", (&method, &path, auth, ct), bytes.len(), resp.status().as_u16());
    resp
}
