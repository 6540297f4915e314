//! The demo queue: the queue protocol answered inside the browser, so the
//! whole flow (queue position, logs, completion, results) can be tried with
//! no key and no network. It is a transport of the one client
//! (`http::Transport::Demo`): submit, status, the status stream, result and
//! cancel, like any provider. Results are the input images
//! recoloured on a canvas (or a drawn card where an input cannot be read).

use crate::i18n::{format, text, K};
use std::cell::RefCell;

use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};

use gloo_timers::future::TimeoutFuture;

use super::wire::{Answer, Method};
use super::now;
use crate::api::provider::DEMO_BASE;
use crate::api::ApiError;

const QUEUE_MS: f64 = 2_000.0;
const RUN_MS: f64 = 3_000.0;
const STEPS: u64 = 5;

struct DemoJob {
    created: f64,
    body: Value,
    cancelled: bool,
}

thread_local! {
    /// The page's demo jobs, by request id (new ids are never reused).
    static JOBS: RefCell<Vec<(String, DemoJob)>> = const { RefCell::new(Vec::new()) };
}

fn reply(status: u16, body: Value) -> Answer {
    Answer { status, text: body.to_string(), retry_after: None, error_type: None }
}

fn status_of(id: &str, job: &DemoJob, base: &str) -> (u16, Value) {
    let t = now() - job.created;
    let prefix = format!("{base}/requests/{id}");
    let mut v = json!({"request_id": id, "status_url": format!("{prefix}/status"), "response_url": prefix,
                       "cancel_url": format!("{prefix}/cancel"), "logs": null, "metrics": {}});
    let logs = |n: u64| -> Value {
        // The demo's "server" speaks the page's language.
        let lang = crate::web::lang::current();
        let steps = [K::DemoStepLoad, K::DemoStepRead, K::DemoStepDenoise, K::DemoStepRefine, K::DemoStepEncode];
        (1..=n)
            .map(|i| {
                let what = steps.get((i - 1) as usize).map(|k| text(lang, *k)).unwrap_or_default();
                let message = format(lang, K::DemoStep, &[("i", i.to_string()), ("n", STEPS.to_string()), ("what", what.to_string())]);
                json!({"message": message, "level": "INFO"})
            })
            .collect()
    };
    if job.cancelled || t >= QUEUE_MS + RUN_MS {
        v["status"] = json!("COMPLETED");
        v["logs"] = logs(STEPS);
        v["metrics"] = json!({"inference_time": RUN_MS / 1000.0});
        (200, v)
    } else if t < QUEUE_MS {
        v["status"] = json!("IN_QUEUE");
        v["queue_position"] = json!(((QUEUE_MS - t) / QUEUE_MS * 2.0).floor() as u64);
        (202, v)
    } else {
        v["status"] = json!("IN_PROGRESS");
        v["logs"] = logs((1 + ((t - QUEUE_MS) / RUN_MS * STEPS as f64) as u64).min(STEPS));
        (202, v)
    }
}

/// Answers one request of the queue protocol.
pub async fn answer_request(method: Method, url: &str, body: Option<&str>) -> Answer {
    let path = url.strip_prefix(DEMO_BASE).unwrap_or(url).split('?').next().unwrap_or("").trim_matches('/').to_string();
    let Some((model, rest)) = path.split_once("/requests/") else {
        if method != Method::Post {
            return reply(405, json!({"detail": "Method not allowed"}));
        }
        let input: Value = body.and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
        let id = format!("demo-{:x}", (now() as u64) ^ (super::random() * 1e9) as u64);
        let job = DemoJob { created: now(), body: input, cancelled: false };
        let base = format!("{DEMO_BASE}/{path}");
        let (_, v) = status_of(&id, &job, &base);
        JOBS.with(|j| j.borrow_mut().push((id, job)));
        return reply(200, v);
    };
    let base = format!("{DEMO_BASE}/{model}");
    let mut parts = rest.split('/');
    let id = parts.next().unwrap_or("").to_string();
    let tail: Vec<&str> = parts.collect();
    let found = JOBS.with(|j| j.borrow().iter().find(|(i, _)| *i == id).map(|(_, job)| (status_of(&id, job, &base), job.cancelled, job.body.clone())));
    let Some(((code, status), cancelled, input)) = found else {
        return reply(404, json!({"detail": "Request not found (demo jobs live only as long as the page)"}));
    };
    match (method, tail.as_slice()) {
        (Method::Get, ["status"]) => reply(code, status),
        (Method::Put, ["cancel"]) if code == 200 => reply(400, json!({"status": "ALREADY_COMPLETED"})),
        (Method::Put, ["cancel"]) => {
            JOBS.with(|j| j.borrow_mut().iter_mut().filter(|(i, _)| *i == id).for_each(|(_, job)| job.cancelled = true));
            reply(202, json!({"status": "CANCELLATION_REQUESTED"}))
        }
        (Method::Get, []) if cancelled => reply(400, json!({"detail": "Request was cancelled"})),
        (Method::Get, []) if code != 200 => reply(400, json!({"detail": "Request is still in progress"})),
        (Method::Get, []) => reply(200, result(&input).await),
        _ => reply(405, json!({"detail": "Method not allowed"})),
    }
}

/// The demo's status stream: an event every 250 ms with the new log lines,
/// closed after `COMPLETED`.
pub struct DemoStream {
    url: String,
    sent_logs: usize,
    done: bool,
    first: bool,
}

impl DemoStream {
    /// The next chunk of the stream, or `None` once it is closed.
    pub async fn next(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        if !self.first {
            TimeoutFuture::new(250).await;
        }
        self.first = false;
        let status_url = self.url.replace("/status/stream", "/status");
        let answer = answer_request(Method::Get, &status_url, None).await;
        let Ok(mut v) = serde_json::from_str::<Value>(&answer.text) else { return None };
        if answer.status == 404 {
            return None;
        }
        if let Some(all) = v.get("logs").and_then(Value::as_array).cloned() {
            v["logs"] = Value::Array(all.get(self.sent_logs..).unwrap_or_default().to_vec());
            self.sent_logs = self.sent_logs.max(all.len());
        }
        self.done = answer.status == 200;
        Some(format!("data: {v}\n\n").into_bytes())
    }
}

/// Opens the stream of a demo job; an unknown job answers 404.
pub fn open_stream(url: &str) -> Result<DemoStream, ApiError> {
    let path = url.strip_prefix(DEMO_BASE).unwrap_or(url).split('?').next().unwrap_or("");
    let id = path.split("/requests/").nth(1).and_then(|r| r.split('/').next()).unwrap_or("");
    if !JOBS.with(|j| j.borrow().iter().any(|(i, _)| i == id)) {
        return Err(reply(404, json!({"detail": "Request not found (demo jobs live only as long as the page)"})).error());
    }
    Ok(DemoStream { url: url.to_string(), sent_logs: 0, done: false, first: true })
}

async fn result(input: &Value) -> Value {
    // A prompt rewrite (the vision model): the prompt, made to say what stays.
    if input.get("system_prompt").is_some() {
        let prompt = input.get("prompt").and_then(Value::as_str).unwrap_or("").trim();
        let keep = if prompt.chars().any(crate::api::rewrite::is_cjk) { "保持图1中其他部分不变。" } else { " Keep everything else in image 1 unchanged." };
        return json!({"output": format!("{prompt}{keep}"), "usage": {"cost": 0}});
    }
    let n = input.get("num_images").and_then(Value::as_u64).unwrap_or(1).clamp(1, 4) as usize;
    let urls: Vec<String> = crate::api::input::body_images(input).into_iter().map(str::to_string).collect();
    let prompt = input.get("prompt").and_then(Value::as_str).unwrap_or("");
    let mut images = Vec::new();
    for i in 0..n {
        let src = urls.get(i % urls.len().max(1)).cloned().unwrap_or_default();
        let (uri, w, h) = match recolour(&src, i).await {
            Some(x) => x,
            None => card(prompt, i),
        };
        images.push(json!({"url": uri, "width": w, "height": h, "content_type": "image/png", "file_name": format!("demo-{}.png", i + 1)}));
    }
    json!({"images": images, "seed": input.get("seed").and_then(Value::as_u64).unwrap_or(42), "has_nsfw_concepts": vec![false; n], "timings": {"inference": RUN_MS / 1000.0}})
}

fn canvas(w: u32, h: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let doc = web_sys::window()?.document()?;
    let c: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    c.set_width(w);
    c.set_height(h);
    let ctx: CanvasRenderingContext2d = c.get_context("2d").ok()??.dyn_into().ok()?;
    Some((c, ctx))
}

/// The input image with its hues turned, at most 768 px on its long side.
/// `None` when the image cannot be read (no CORS on its host, say).
async fn recolour(src: &str, i: usize) -> Option<(String, u32, u32)> {
    if src.is_empty() {
        return None;
    }
    let img = HtmlImageElement::new().ok()?;
    img.set_cross_origin(Some("anonymous"));
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        img.set_onload(Some(&resolve));
        img.set_onerror(Some(&reject));
    });
    img.set_src(src);
    wasm_bindgen_futures::JsFuture::from(loaded).await.ok()?;
    let (w, h) = crate::api::image::target_size(img.natural_width(), img.natural_height(), 768);
    let (c, ctx) = canvas(w, h)?;
    ctx.set_filter(&format!("hue-rotate({}deg) saturate(1.4)", 120 + 90 * i));
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w as f64, h as f64).ok()?;
    c.to_data_url().ok().map(|u| (u, w, h))
}

/// A drawn card with the prompt, when no input could be read.
fn card(prompt: &str, i: usize) -> (String, u32, u32) {
    let (w, h) = (512u32, 512u32);
    let Some((c, ctx)) = canvas(w, h) else { return (String::new(), w, h) };
    let g = ctx.create_linear_gradient(0.0, 0.0, w as f64, h as f64);
    let _ = g.add_color_stop(0.0, ["#4f46e5", "#0ea5e9", "#f59e0b", "#10b981"][i % 4]);
    let _ = g.add_color_stop(1.0, "#111827");
    ctx.set_fill_style_canvas_gradient(&g);
    ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
    ctx.set_fill_style_str("#ffffff");
    ctx.set_font("bold 28px system-ui, sans-serif");
    let _ = ctx.fill_text(text(crate::web::lang::current(), K::DemoResult), 32.0, 60.0);
    ctx.set_font("20px system-ui, sans-serif");
    let words: Vec<&str> = prompt.split_whitespace().collect();
    for (row, chunk) in words.chunks(5).take(12).enumerate() {
        let _ = ctx.fill_text(&chunk.join(" "), 32.0, 110.0 + 30.0 * row as f64);
    }
    (c.to_data_url().unwrap_or_default(), w, h)
}
