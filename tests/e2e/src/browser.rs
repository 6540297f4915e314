//! WebDriver plumbing: a chromedriver process that is shut down politely
//! (its `/shutdown` endpoint, from `Drop`, so it also runs on panic), a
//! static server for the built app, and a browser session with the helpers
//! the scenarios use. Elements are found by the test hooks of DESIGN.md.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

fn http_get_blocking(addr: SocketAddr, path: &str) -> Option<String> {
    http_blocking(addr, "GET", path, "")
}

fn http_blocking(addr: SocketAddr, method: &str, path: &str, body: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    // chromedriver refuses HTTP/1.0 and keeps 1.1 connections open, so
    // read until the body announced by Content-Length is in.
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&out);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)));
            if len.is_some_and(|len| body.len() >= len) {
                break;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The browser engines the suite drives, chosen by `QIE_ENGINE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    /// WebKitGTK's MiniBrowser (Safari's engine); needs a display (the
    /// suite runs under `xvfb-run`).
    Webkit,
}

pub const FIREFOX: &str = "/usr/bin/firefox-esr";
pub const GECKODRIVER: &str = "geckodriver";
pub const WEBKIT_DRIVER: &str = "WebKitWebDriver";
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

impl Engine {
    /// `QIE_ENGINE`: `chromium` (the default), `firefox` or `webkit`.
    pub fn from_env() -> Result<Self> {
        match std::env::var("QIE_ENGINE").unwrap_or_default().as_str() {
            "" | "chromium" => Ok(Engine::Chromium),
            "firefox" => Ok(Engine::Firefox),
            "webkit" => Ok(Engine::Webkit),
            other => bail!("QIE_ENGINE={other}: use chromium, firefox or webkit"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }

    /// chromedriver serves many sessions; geckodriver and WebKitWebDriver
    /// one each, so those get a driver per session.
    fn shared_driver(self) -> bool {
        self == Engine::Chromium
    }

    /// The driver's program and arguments, on `port`.
    fn driver_command(self, port: u16) -> Command {
        let (var, default) = match self {
            Engine::Chromium => ("CHROMEDRIVER", CHROMEDRIVER),
            Engine::Firefox => ("GECKODRIVER", GECKODRIVER),
            Engine::Webkit => ("WEBKIT_DRIVER", WEBKIT_DRIVER),
        };
        let mut c = Command::new(std::env::var(var).unwrap_or_else(|_| default.into()));
        match self {
            Engine::Chromium => c.arg(format!("--port={port}")),
            Engine::Firefox => c.args(["--host", "127.0.0.1", "--port", &port.to_string()]),
            Engine::Webkit => c.args([format!("--port={port}"), "--host=127.0.0.1".into()]),
        };
        c
    }

    /// The capabilities of a fresh browser profile that prefers `lang`,
    /// with a window of `width` × `height`: every engine's in one place.
    /// (WebKitGTK takes its languages from the system's locale, not from a
    /// capability: its driver is started with `LANG` instead.)
    pub fn capabilities(self, lang: &str, width: u32, height: u32) -> serde_json::Map<String, Value> {
        let caps = match self {
            Engine::Chromium => json!({
                "browserName": "chrome",
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into()),
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-quic", "--no-first-run", "--disable-extensions",
                             format!("--lang={lang}"),
                             format!("--window-size={width},{height}")],
                    "prefs": { "intl.accept_languages": lang }
                }
            }),
            Engine::Firefox => json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": std::env::var("FIREFOX").unwrap_or_else(|_| FIREFOX.into()),
                    "args": ["-headless"],
                    "prefs": {
                        "intl.accept_languages": lang,
                        // The page's console on the driver's output (read by `console`).
                        "devtools.console.stdout.content": true,
                        // ...and not the browser's own (its chrome's) messages.
                        "devtools.console.stdout.chrome": false,
                        // No calls home from a machine with no network.
                        "app.update.enabled": false,
                        "browser.shell.checkDefaultBrowser": false,
                        "datareporting.policy.dataSubmissionEnabled": false,
                        "network.captive-portal-service.enabled": false,
                        "network.connectivity-service.enabled": false,
                        "browser.safebrowsing.update.enabled": false,
                        "extensions.update.enabled": false,
                        "browser.download.useDownloadDir": false,
                        // Experiments fetched from Remote Settings (fails offline, loudly).
                        "messaging-system.rsexperimentloader.enabled": false,
                        "app.normandy.enabled": false,
                        "app.shield.optoutstudies.enabled": false,
                        "datareporting.healthreport.uploadEnabled": false
                    }
                }
            }),
            Engine::Webkit => json!({
                "browserName": "MiniBrowser",
                "webkitgtk:browserOptions": {
                    "binary": std::env::var("MINIBROWSER").unwrap_or_else(|_| MINIBROWSER.into()),
                    "args": ["--automation"]
                }
            }),
        };
        match caps {
            Value::Object(mut m) => {
                // A page that never finishes loading fails its step in 30 s
                // (not WebDriver's default of 300), in every engine.
                m.insert("timeouts".into(), json!({ "pageLoad": 30_000, "script": 30_000 }));
                m
            }
            _ => unreachable!("a literal object"),
        }
    }
}

/// A driver process (chromedriver, geckodriver or WebKitWebDriver), with
/// what it printed (the page's console, for the engines that print it).
struct Process {
    engine: Engine,
    url: String,
    addr: SocketAddr,
    child: Child,
    output: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Process {
    /// Starts the engine's driver; `lang`, the language of the browsers it
    /// starts where only the environment can say it (WebKitGTK reads the
    /// system locale: `scripts/setup.sh` generates en_US and zh_CN).
    fn start(engine: Engine, lang: Option<&str>) -> Result<Self> {
        let port = free_port()?;
        let mut cmd = engine.driver_command(port);
        if let (Engine::Webkit, Some(lang)) = (engine, lang) {
            let posix = lang.replace('-', "_");
            let primary = lang.split('-').next().unwrap_or(lang);
            cmd.env("LANG", format!("{posix}.UTF-8")).env("LANGUAGE", format!("{posix}:{primary}"));
            // Keys go straight to the page, whatever input method the locale picks.
            cmd.env("GTK_IM_MODULE", "gtk-im-context-simple");
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting the {} driver (run scripts/setup.sh)", engine.name()))?;
        let output = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        for pipe in [child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>), child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>)].into_iter().flatten() {
            let out = output.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(pipe).lines().map_while(|l| l.ok()) {
                    let mut o = out.lock().unwrap_or_else(|e| e.into_inner());
                    // Bounded: a flood of output must not eat the memory.
                    if o.len() < 4 << 20 {
                        o.push_str(&line);
                        o.push('\n');
                    }
                }
            });
        }
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let p = Process { engine, url: format!("http://{addr}"), addr, child, output };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if http_get_blocking(addr, "/status").is_some_and(|s| s.contains("\"ready\":true") || s.contains("\"ready\": true")) {
                return Ok(p);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("the {} driver did not become ready: {}", engine.name(), p.output.lock().map(|o| o.clone()).unwrap_or_default())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // chromedriver's /shutdown closes the browsers it started (a kill
        // would leave them); the others close theirs with the session.
        if self.engine == Engine::Chromium {
            let _ = http_get_blocking(self.addr, "/shutdown");
        }
        let deadline = Instant::now() + Duration::from_secs(if self.engine == Engine::Chromium { 5 } else { 0 });
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The engine's driver: one process for every session (Chromium), or a
/// process started with each session (Firefox, WebKit).
pub struct Driver {
    pub engine: Engine,
    shared: Option<Process>,
}

impl Driver {
    /// The driver of the engine `QIE_ENGINE` names.
    pub fn start() -> Result<Self> {
        let engine = Engine::from_env()?;
        let shared = if engine.shared_driver() { Some(Process::start(engine, None)?) } else { None };
        Ok(Driver { engine, shared })
    }
}

/// Serves the built app (`dist/`) on loopback until dropped.
pub struct StaticServer {
    pub url: String,
    /// Requests answered with an error (path and code).
    pub failures: std::sync::Arc<std::sync::Mutex<Vec<(String, u16)>>>,
    /// Every request, in the order they were answered (`hits`).
    requests: std::sync::Arc<std::sync::Mutex<Vec<Hit>>>,
    /// While true, requests for the wasm wait (the page shows its first
    /// screen, made at build time, and nothing of the app runs).
    hold: tokio::sync::watch::Sender<bool>,
    _stop: oneshot::Sender<()>,
}

/// What a [`StaticServer`] does as one static host or another does.
#[derive(Clone, Debug, Default)]
pub struct Host {
    /// Serves only under this path (`/qwen-studio`), nothing at `/`, as a
    /// project page; the server's `url` ends with it and `/`.
    pub prefix: String,
    /// Sends the brotli copies beside the files (`x.br`) to browsers that
    /// take them, as a host that compresses does.
    pub brotli: bool,
    /// `Cache-Control` on every answer (GitHub Pages: `max-age=600`;
    /// Netlify: `public, max-age=0, must-revalidate`; some: `no-store`).
    pub cache: Option<String>,
    /// A folder's URL is not found; only `…/index.html` is the page (S3's
    /// own endpoint).
    pub no_folder_index: bool,
}

/// One request a [`StaticServer`] answered.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The path after the server's prefix (`/`, `/sw.js`, `/qwen-studio-….wasm`).
    pub path: String,
    /// It asked past the HTTP cache (`Cache-Control: no-cache`, as a
    /// fetch with `cache: "reload"` or `"no-cache"` sends).
    pub past_cache: bool,
    /// It was a revalidation (`If-Modified-Since` or `If-None-Match`).
    pub conditional: bool,
    /// `Sec-Fetch-Dest`: `document`, `image` (the browser's own icon
    /// requests among them), `empty` (a `fetch()`: the page's, the worker's)…
    pub dest: String,
    pub status: u16,
}

/// The app's own form, mounted by the wasm: not the copy in the first
/// screen index.html paints (`#shell`, which wraps its `<main>`).
pub const APP_FORM: &str = "body > main form#edit-form";

impl StaticServer {
    pub async fn start(dir: &Path) -> Result<Self> {
        Self::start_with(dir, Host::default()).await
    }

    /// Serves `dir` with the brotli copies beside its files (`x.br`) to
    /// browsers that take them, as a static host that compresses does.
    pub async fn start_brotli(dir: &Path) -> Result<Self> {
        Self::start_with(dir, Host { brotli: true, ..Host::default() }).await
    }

    /// Serves `dir` under `prefix` (`/qwen-studio`) and nothing at `/`, as
    /// a project page on a static host; `url` ends with the prefix and `/`.
    pub async fn start_under(dir: &Path, prefix: &str) -> Result<Self> {
        Self::start_with(dir, Host { prefix: prefix.to_string(), ..Host::default() }).await
    }

    /// Serves `dir` as `host` says.
    pub async fn start_with(dir: &Path, host: Host) -> Result<Self> {
        if !dir.join("index.html").exists() {
            bail!("{} has no index.html: build the app first (trunk build --release)", dir.display());
        }
        let Host { prefix, brotli, cache, no_folder_index } = host;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}{prefix}/", listener.local_addr()?);
        let files = tower_http::services::ServeDir::new(dir).append_index_html_on_directories(!no_folder_index);
        let files = if brotli { files.precompressed_br() } else { files };
        let app = if prefix.is_empty() { axum::Router::new().fallback_service(files) } else { axum::Router::new().nest_service(&prefix, files) };
        let failures = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (seen, log) = (failures.clone(), requests.clone());
        let (hold, held) = tokio::sync::watch::channel(false);
        let app = app.layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            let (seen, log, mut held, cache) = (seen.clone(), log.clone(), held.clone(), cache.clone());
            async move {
                let path = req.uri().path().to_string();
                let headers = req.headers();
                let past_cache = headers.get("cache-control").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("no-cache"));
                let conditional = headers.contains_key("if-modified-since") || headers.contains_key("if-none-match");
                let dest = headers.get("sec-fetch-dest").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                if path.ends_with(".wasm") {
                    let _ = held.wait_for(|h| !*h).await;
                }
                let mut resp = next.run(req).await;
                let status = resp.status().as_u16();
                if let Some(v) = cache.as_deref().and_then(|c| axum::http::HeaderValue::from_str(c).ok()) {
                    resp.headers_mut().insert(axum::http::header::CACHE_CONTROL, v);
                }
                if status >= 400 {
                    seen.lock().unwrap_or_else(|e| e.into_inner()).push((path.clone(), status));
                }
                log.lock().unwrap_or_else(|e| e.into_inner()).push(Hit { path, past_cache, conditional, dest, status });
                resp
            }
        }));
        Ok(StaticServer { url, failures, requests, hold, _stop: crate::fake::serve(listener, app) })
    }

    /// The requests so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// How many requests asked for a path that ends with `end`.
    pub fn count(&self, end: &str) -> usize {
        self.hits().iter().filter(|h| h.path.ends_with(end)).count()
    }

    /// Requests per file, in one line (`/ 1, sw.js 1, ….wasm 2 (1 past the cache)`).
    pub fn per_file(&self) -> String {
        let mut files: std::collections::BTreeMap<String, (usize, usize, usize)> = Default::default();
        for h in self.hits() {
            let name = h.path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("/");
            let name = if name.starts_with("qwen-studio-") { name.rsplit('.').next().map(|e| format!("*.{e}")).unwrap_or_default() } else { name.to_string() };
            let e = files.entry(name).or_default();
            e.0 += 1;
            e.1 += h.past_cache as usize;
            e.2 += (h.status == 304) as usize;
        }
        files.iter().map(|(f, (n, past, not_modified))| {
            let mut notes = Vec::new();
            if *past > 0 { notes.push(format!("{past} past the cache")); }
            if *not_modified > 0 { notes.push(format!("{not_modified} not modified")); }
            if notes.is_empty() { format!("{f} {n}") } else { format!("{f} {n} ({})", notes.join(", ")) }
        }).collect::<Vec<_>>().join(", ")
    }

    /// Holds the wasm's requests (`true`) or lets them go.
    pub fn hold_wasm(&self, on: bool) {
        self.hold.send_replace(on);
    }
}

/// One browser (a fresh profile) on the app.
pub struct Session {
    pub c: Client,
    pub app_url: String,
    pub engine: Engine,
    driver: SocketAddr,
    /// The session's own driver (engines whose driver serves one session).
    own: Option<Process>,
    /// How much of the driver's output earlier sessions printed.
    output_from: usize,
}

pub const ERROR_HOOK: &str = r#"
window.__errors = window.__errors || [];
if (!window.__hooked) {
  window.__hooked = true;
  window.addEventListener('error', e => window.__errors.push(String(e.message || e.error)));
  window.addEventListener('unhandledrejection', e => window.__errors.push('rejection: ' + String(e.reason)));
  document.addEventListener('securitypolicyviolation', e => window.__errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI));
  window.__console = window.__console || [];
  for (const level of ['error', 'warn']) {
    const orig = console[level].bind(console);
    console[level] = (...args) => { window.__console.push(level + ': ' + args.map(String).join(' ')); orig(...args); };
  }
}
"#;

/// Console messages a page may print in a scenario, each with its reason;
/// any other error or warning fails the scenario (`Session::console`).
/// The third field: only for URLs of other origins than the app's.
pub const EXPECTED_CONSOLE: &[(&str, &str, bool)] = &[
    // Chromium logs every non-2xx answer and refused connection of a
    // fetch. The fake server answers errors on purpose (401, 404, 422,
    // 429, 503…) and some scenarios aim at a closed port; the app shows
    // each on its card. Only answers from other origins than the app's
    // (checked by `console`): a failed request for the app's own files is
    // never expected.
    ("Failed to load resource", "the fake server's faults, shown on the cards", true),
    ("net::ERR_CONNECTION_REFUSED", "scenarios that aim at a closed port", true),
    // A scenario that opens a file of the app that is not a page (its
    // icon, to write storage before the app runs) makes Chromium ask for
    // /favicon.ico, which the app does not have: its pages name their
    // icon (icon.svg).
    ("/favicon.ico - Failed to load resource", "Chromium's guess on a non-HTML file; the app's pages name their icon", false),
    // Firefox's own experiment loader (Nimbus) cannot reach its server from
    // a machine with no network; it prints this whatever the prefs say.
    // It is the browser's message, never the page's.
    ("console.error: RSLoader:", "Firefox's experiment loader, offline", false),
    // The region editor asks to read an image with CORS; Chromium logs the
    // refusal of a host that does not allow it (the line starts with the
    // page's own address; the image is another origin's, or CORS would not
    // apply), and the editor says why it cannot mark that image (issue 22).
    ("' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header", "an image whose host does not let the page read it, refused by the region editor", false),
    // A storage API that does not allow the page (issue 34's CORS fault):
    // the browser refuses its preflight; the image's row says so and the
    // job sends the picture inline.
    ("has been blocked by CORS policy: Response to preflight request doesn't pass access control check", "a storage API that does not allow the page, said in the image's row", false),
];

impl Session {
    /// A fresh browser profile whose preferred language is English.
    pub async fn new(driver: &Driver, app_url: &str, width: u32, height: u32) -> Result<Self> {
        Self::new_in(driver, app_url, width, height, "en-US").await
    }

    /// A fresh browser profile that prefers the language `lang` (a BCP 47
    /// tag: `navigator.languages` and `Accept-Language` say it).
    pub async fn new_in(driver: &Driver, app_url: &str, width: u32, height: u32, lang: &str) -> Result<Self> {
        let engine = driver.engine;
        let own = match &driver.shared {
            Some(_) => None,
            None => {
                let lang = lang.to_string();
                Some(tokio::task::spawn_blocking(move || Process::start(engine, Some(&lang))).await??)
            }
        };
        let Some(process) = own.as_ref().or(driver.shared.as_ref()) else { bail!("no driver") };
        let (addr, url) = (process.addr, process.url.clone());
        let output_from = process.output.lock().map(|o| o.len()).unwrap_or(0);
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(engine.capabilities(lang, width, height))
            .connect(&url)
            .await
            .with_context(|| format!("opening a {} session", engine.name()))?;
        if engine != Engine::Chromium {
            c.set_window_size(width, height).await?;
        }
        let s = Session { c, app_url: app_url.to_string(), engine, driver: addr, own, output_from };
        s.open().await?;
        Ok(s)
    }

    /// A fresh Chromium profile on no page yet (the bench opens the pages
    /// itself, after setting the network and the CPU).
    pub async fn blank(driver: &Driver, width: u32, height: u32) -> Result<Self> {
        let Some(process) = driver.shared.as_ref() else { bail!("a blank session is Chromium's (one driver for every session)") };
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(driver.engine.capabilities("en-US", width, height))
            .connect(&process.url)
            .await?;
        Ok(Session { c, app_url: String::new(), engine: driver.engine, driver: process.addr, own: None, output_from: 0 })
    }

    /// A Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<()> {
        ensure!(self.engine == Engine::Chromium, "CDP is Chromium's");
        let id = self.c.session_id().await?.context("a session id")?;
        let body = json!({"cmd": cmd, "params": params});
        let (addr, path) = (self.driver, format!("/session/{id}/goog/cdp/execute"));
        let answer = tokio::task::spawn_blocking(move || http_blocking(addr, "POST", &path, &body.to_string())).await?;
        match answer {
            Some(a) if a.starts_with("HTTP/1.1 200") => Ok(()),
            other => bail!("{cmd} refused: {other:?}"),
        }
    }

    /// Chromium's network emulation: a round trip, and the throughput down
    /// and up in bytes a second.
    pub async fn throttle(&self, latency_ms: u64, down: u64, up: u64) -> Result<()> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp("Network.emulateNetworkConditions", json!({"offline": false, "latency": latency_ms, "downloadThroughput": down, "uploadThroughput": up})).await
    }

    /// Loads the app and waits for it to render.
    pub async fn open(&self) -> Result<()> {
        self.c.goto(&self.app_url).await?;
        self.wait_for(APP_FORM, Duration::from_secs(15)).await?;
        self.c.execute(ERROR_HOOK, vec![]).await?;
        Ok(())
    }

    /// Chromium's network emulation: offline (the page sees `offline` and
    /// `navigator.onLine == false`) or back online.
    pub async fn set_offline(&self, offline: bool) -> Result<()> {
        ensure!(self.engine == Engine::Chromium, "network emulation is Chromium's (CDP); {} has none", self.engine.name());
        let id = self.c.session_id().await?.context("a session id")?;
        let body = json!({"network_conditions": {"offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1}});
        let (addr, path) = (self.driver, format!("/session/{id}/chromium/network_conditions"));
        let answer = tokio::task::spawn_blocking(move || http_blocking(addr, "POST", &path, &body.to_string())).await?;
        match answer {
            Some(a) if a.starts_with("HTTP/1.1 200") => Ok(()),
            other => bail!("network conditions refused: {other:?}"),
        }
    }

    /// From now on, keeps every Blob the page makes an object URL of (what
    /// it offers as a download: a zip).
    pub async fn catch_blobs(&self) -> Result<()> {
        let script = "window.__blobs = []; const make = URL.createObjectURL; URL.createObjectURL = (b) => { window.__blobs.push(b); return make(b); };";
        self.c.execute(script, vec![]).await?;
        Ok(())
    }

    /// The bytes of the last Blob caught by `catch_blobs`.
    pub async fn last_blob(&self) -> Result<Vec<u8>> {
        let script = "const done = arguments[0]; const r = new FileReader(); r.onload = () => done(r.result.split(',')[1]); r.readAsDataURL(window.__blobs[window.__blobs.length - 1]);";
        let b64 = self.c.execute_async(script, vec![]).await?;
        crate::base64_decode(b64.as_str().context("a blob as base64")?)
    }

    pub async fn close(self) {
        let _ = self.c.close().await;
        // The session's own driver (if any) goes with it.
        drop(self.own);
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        self.c.find(Locator::Css(css)).await.map_err(|e| anyhow!("{css}: {e}"))
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        Ok(self.c.find_all(Locator::Css(css)).await?)
    }

    pub async fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.find_all(css).await?.is_empty())
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.text().await?)
    }

    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.find_all(css).await?.into_iter().next() {
                return Ok(e);
            }
            if Instant::now() > deadline {
                bail!("timed out after {timeout:?} waiting for {css}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_gone(&self, css: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        while self.exists(css).await? {
            if Instant::now() > deadline {
                bail!("timed out after {timeout:?} waiting for {css} to go away");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css).await?;
        e.clear().await?;
        e.send_keys(text).await?;
        Ok(())
    }

    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        self.find(css).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Clicks an element, first scrolled to the middle of its scrolling
    /// column (WebDriver's own scrolling may leave it at a column's clipped
    /// edge, where the click lands on the column instead).
    pub async fn click(&self, css: &str) -> Result<()> {
        let e = self.find(css).await?;
        self.c.execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&e)?]).await?;
        e.click().await?;
        Ok(())
    }

    pub async fn value(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.prop("value").await?.unwrap_or_default())
    }

    /// Points the app at a server: custom provider, base, scheme, key, and
    /// following jobs by polling (the stream has scenarios of its own).
    pub async fn configure(&self, base: &str, scheme: &str, key: &str) -> Result<()> {
        self.configure_with(base, scheme, key, false).await
    }

    pub async fn configure_with(&self, base: &str, scheme: &str, key: &str, stream: bool) -> Result<()> {
        // Settings start folded once a key is stored.
        self.c.execute("document.querySelector('details.settings').open = true", vec![]).await?;
        self.select("select[name=provider]", "custom").await?;
        // The address opens for typing as the app redraws (a tick later).
        self.wait_for("input[name=api_base]:not([readonly])", Duration::from_secs(3)).await?;
        self.fill("input[name=api_base]", base).await?;
        self.select("select[name=auth_scheme]", scheme).await?;
        self.fill("input[name=api_key]", key).await?;
        let on = self.find("input[name=stream_status]").await?.prop("checked").await?.as_deref() == Some("true");
        if on != stream {
            self.click("input[name=stream_status]").await?;
        }
        Ok(())
    }

    pub async fn add_image(&self, url: &str) -> Result<()> {
        let before = self.find_all("[data-testid=input-image]").await?.len();
        if url.starts_with("data:") && self.engine == Engine::Webkit {
            // WebKitWebDriver types each capital with its own Shift press,
            // about 0.2 s a letter: a data URI is pasted instead (one
            // `input` event, as a person's paste is). Keys typed by hand
            // cost the page 6 ms each there.
            let field = self.find("input[name=image_url]").await?;
            self.c
                .execute("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }))", vec![serde_json::to_value(&field)?, json!(url)])
                .await?;
        } else {
            self.fill("input[name=image_url]", url).await?;
        }
        self.find("input[name=image_url]").await?.send_keys("\u{E007}").await?;
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.find_all("[data-testid=input-image]").await?.len() <= before {
            if Instant::now() > deadline {
                bail!("the image {url} was not added");
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        Ok(())
    }

    pub async fn open_advanced(&self) -> Result<()> {
        let open = self.c.execute("return document.querySelector('details.advanced').open", vec![]).await?;
        if open != Value::Bool(true) {
            self.click("details.advanced > summary").await?;
        }
        Ok(())
    }

    pub async fn submit(&self) -> Result<()> {
        self.click("form#edit-form button[type=submit]").await
    }

    /// Waits until the `n`-th job card (0 = newest) has `data-status` equal
    /// to `status`, failing early if it ends otherwise.
    pub async fn wait_job(&self, index: usize, status: &str, timeout: Duration) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            let jobs = self.find_all("[data-testid=job]").await?;
            if let Some(j) = jobs.get(index) {
                last = j.attr("data-status").await?.unwrap_or_default();
                if last == status {
                    return Ok(j.clone());
                }
                let ended = ["completed", "failed", "cancelled", "lost"].contains(&last.as_str());
                if ended && ["completed", "failed", "cancelled", "lost"].contains(&status) {
                    let err = self.find_all("[data-testid=job-error]").await?;
                    let msg = match err.first() {
                        Some(e) => e.text().await.unwrap_or_default(),
                        None => String::new(),
                    };
                    bail!("job {index} ended {last}, expected {status}: {msg}");
                }
            }
            if Instant::now() > deadline {
                bail!("timed out after {timeout:?}: job {index} is {last:?}, expected {status}");
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// Scrolls the page and the form column back to the top.
    pub async fn scroll_top(&self) -> Result<()> {
        self.c.execute("window.scrollTo(0, 0); document.querySelector('.col-form').scrollTop = 0", vec![]).await?;
        Ok(())
    }

    /// Saves a full-window screenshot as `<QIE_SHOTS>/<name>.png` when that
    /// directory is set (for people to look at; nothing is asserted).
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        if let Ok(dir) = std::env::var("QIE_SHOTS") {
            std::fs::create_dir_all(&dir)?;
            let png = self.c.screenshot().await?;
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
        }
        Ok(())
    }

    /// Runs axe-core (from `AXE_JS`) on the page; returns the serious and
    /// critical violations, one line each.
    pub async fn axe(&self) -> Result<Vec<String>> {
        let path = std::env::var("AXE_JS").context("AXE_JS (set by scripts/env.sh) names axe.min.js")?;
        let source = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        self.c.execute(&source, vec![]).await?;
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)))
              .catch(e => done(['axe failed: ' + e]));
        "#;
        let v = self.c.execute_async(script, vec![]).await?;
        Ok(v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default())
    }

    /// JavaScript errors seen since the page loaded (a wasm panic shows here).
    pub async fn js_errors(&self) -> Result<Vec<String>> {
        let v = self.c.execute("return window.__errors || []", vec![]).await?;
        Ok(v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap_or("?").to_string()).collect()).unwrap_or_default())
    }

    /// The page still reacts to input (a wasm panic would freeze it).
    /// Content-Security-Policy violations seen since the page was opened.
    pub async fn csp_violations(&self) -> Result<Vec<String>> {
        Ok(self.js_errors().await?.into_iter().filter(|e| e.starts_with("csp:")).collect())
    }

    /// Console errors and warnings the page printed that no entry of
    /// `EXPECTED_CONSOLE` explains: what the engine itself reports (the
    /// driver's log in Chromium, the driver's output in Firefox and WebKit)
    /// and what the page's code printed (`console.error`/`warn`, hooked).
    pub async fn console(&self) -> Result<Vec<String>> {
        let mut lines: Vec<String> = Vec::new();
        match (self.engine, &self.own) {
            (Engine::Chromium, _) => {
                let id = self.c.session_id().await?.context("a session id")?;
                let (addr, path) = (self.driver, format!("/session/{id}/se/log"));
                let answer = tokio::task::spawn_blocking(move || http_blocking(addr, "POST", &path, r#"{"type":"browser"}"#)).await?.unwrap_or_default();
                let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
                let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                for e in v["value"].as_array().into_iter().flatten() {
                    if matches!(e["level"].as_str(), Some("SEVERE" | "WARNING")) {
                        lines.push(format!("{}: {}", e["level"].as_str().unwrap_or("?"), e["message"].as_str().unwrap_or("")));
                    }
                }
            }
            (_, Some(p)) => {
                let out = p.output.lock().map(|o| o.get(self.output_from..).unwrap_or("").to_string()).unwrap_or_default();
                // Firefox prints the page's console (`devtools.console.stdout.content`).
                // WebKitGTK's MiniBrowser prints nothing of it under automation
                // (its console setting applies to its own default view only):
                // there the page's hook below is what is read.
                let marks = ["console.error:", "console.warn:", "JavaScript error:", "JavaScript warning:", "Content-Security-Policy"];
                for l in out.lines().filter(|_| self.engine == Engine::Firefox) {
                    // The browser's own code (resource://, chrome://) is not the page's.
                    let internal = l.contains("resource://") || l.contains("chrome://");
                    if marks.iter().any(|m| l.contains(m)) && !internal {
                        lines.push(l.to_string());
                    }
                }
            }
            (_, None) => {}
        }
        if let Ok(v) = self.c.execute("return window.__console || []", vec![]).await {
            lines.extend(v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)));
        }
        let origin = self.app_url.split('/').take(3).collect::<Vec<_>>().join("/");
        Ok(lines
            .into_iter()
            .filter(|l| {
                // The app's own files must never fail to load.
                let own = l.contains(&format!("{origin}/"));
                !EXPECTED_CONSOLE.iter().any(|(m, _, foreign)| l.contains(m) && !(*foreign && own))
            })
            .collect())
    }

    pub async fn assert_alive(&self) -> Result<()> {
        let errors = self.js_errors().await?;
        if !errors.is_empty() {
            bail!("JavaScript errors on the page: {errors:?}");
        }
        let before = self.find("input[name=api_key]").await?.attr("type").await?;
        self.click(".key-row button").await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let after = self.find("input[name=api_key]").await?.attr("type").await?;
        self.click(".key-row button").await?;
        if before == after {
            bail!("the page no longer reacts: the key toggle did nothing");
        }
        Ok(())
    }
}
