//! Issue 10: a hosted copy — the same `dist/` under any path, under its
//! Content-Security-Policy (every scenario fails on a violation: e2e.rs).

use super::super::*;
use e2e::browser::Hit;

/// `dist/` served only under `/qwen-studio/` (nothing at `/`), as a project
/// page: the page renders with no failed request, a Demo job completes, the
/// share link starts with the page's own address, and a reload works.
pub(crate) fn the_same_dist_works_under_a_path(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let index = std::fs::read_to_string(dist_dir().join("index.html"))?;
        let csp = index.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).and_then(|r| r.split('"').next()).context("a CSP in the built index.html")?;
        ensure!(csp.contains("'wasm-unsafe-eval'") && csp.contains("'sha256-") && csp.contains("object-src 'none'"), "the policy as built: {csp}");
        ensure!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "no unsafe-inline or unsafe-eval: {csp}");
        // Every source is valid (the console check catches what an engine
        // refuses; an IPv6 host such as http://[::1]:* is one).
        ensure!(csp.contains("http://127.0.0.1:*") && !csp.contains('['), "loopback by name and IPv4 only: {csp}");
        ensure!(std::fs::read_to_string(dist_dir().join("_headers"))?.contains("frame-ancestors 'none'"), "_headers for hosts that read one");
        let host = StaticServer::start_under(&dist_dir(), "/qwen-studio").await?;
        s.c.goto(&host.url).await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        ensure!(!s.exists("#boot").await?, "the loading line went once the app mounted");
        demo_job(s, "under a path", [10, 200, 10]).await?;
        s.click("details.tools > summary").await?;
        s.click("button[data-testid=share-link]").await?;
        let link = s.wait_for("input[data-testid=share-url]", SECS(2)).await?.prop("value").await?.context("a link")?;
        ensure!(link.starts_with(&format!("{}#", host.url)), "the link is built from the page's own address: {link}");
        s.c.refresh().await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        s.wait_for("[data-testid=history-item][data-status=completed]", SECS(5)).await?;
        let failed = host.failures.lock().map(|f| f.clone()).unwrap_or_default();
        ensure!(failed.is_empty(), "requests that failed: {failed:?}");
        s.assert_alive().await
    })
}

/// A whole job on the in-page Demo provider, from a 2×2 image of `rgb`.
async fn demo_job(s: &Session, prompt: &str, rgb: [u8; 3]) -> Result<()> {
    s.select("select[name=provider]", "demo").await?;
    s.fill("textarea[name=prompt]", prompt).await?;
    let png = e2e::png::base64_encode(&e2e::png::png(2, 2, rgb));
    s.add_image(&format!("data:image/png;base64,{png}")).await?;
    s.submit().await?;
    s.wait_job(0, "completed", SECS(15)).await.map(|_| ())
}

/// Waits until a service worker controls the page.
async fn controlled(s: &Session) -> Result<()> {
    let deadline = Instant::now() + SECS(20);
    while s.c.execute("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)", vec![]).await? != json!(true) {
        ensure!(Instant::now() < deadline, "no service worker took control");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Every URL in the page's caches.
async fn cached_urls(s: &Session) -> Result<Vec<String>> {
    let v = s
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1]; (async () => { const out = []; \
             for (const k of await caches.keys()) { const c = await caches.open(k); for (const r of await c.keys()) out.push(r.url); } \
             return out; })().then(done, e => done(['error: ' + e]));",
            vec![],
        )
        .await?;
    Ok(v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default())
}

/// After one visit the page opens with no network: the form, the history
/// and a whole Demo job. The service worker keeps only the app's files:
/// no API answer, no result image.
pub(crate) fn after_one_visit_the_page_opens_offline(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, ..Config::default() }).await?;
        // A host of its own, stopped to go offline in every engine (Chromium
        // also says so to the page: `offline`, navigator.onLine).
        let host = StaticServer::start(&dist_dir()).await?;
        s.c.goto(&host.url).await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        controlled(s).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "before the tunnel").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(s.exists("[data-testid=job] img[data-testid=result-image]").await?, "images came through the network");
        let reached = fake.api_requests().len();
        ensure!(reached >= 3, "the API requests reached the server: {reached}");
        let cached = cached_urls(s).await?;
        ensure!(!cached.is_empty() && cached.iter().all(|u| u.starts_with(&host.url)), "only the app's own files are kept: {cached:?}");
        ensure!(!cached.iter().any(|u| u.contains("/requests/") || u.contains("/files/")), "no API answer, no image: {cached:?}");
        let chromium = s.engine == e2e::browser::Engine::Chromium;
        let url = host.url.clone();
        drop(host);
        tokio::time::sleep(Duration::from_millis(300)).await;
        if chromium {
            s.set_offline(true).await?;
        }
        // Opened again (a navigation, as a person does; Firefox's WebDriver
        // refresh skips the service worker, a person's reload does not).
        s.c.goto(&url).await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        s.wait_for("[data-testid=history-item][data-status=completed]", SECS(5)).await?;
        s.c.execute("document.querySelector('details.settings').open = true", vec![]).await?;
        demo_job(s, "offline", [200, 10, 10]).await?;
        if chromium {
            s.set_offline(false).await?;
        }
        ensure!(fake.api_requests().len() == reached, "nothing reached the API while offline");
        s.assert_alive().await
    })
}

/// A copy of `dist/` in a folder of its own, to change.
fn copy_of_dist(name: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("qie-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    for f in std::fs::read_dir(dist_dir())? {
        let f = f?;
        if f.file_type()?.is_file() {
            std::fs::copy(f.path(), dir.join(f.file_name()))?;
        }
    }
    Ok(dir)
}

/// A browser that refuses this site its storage (site data blocked: the
/// Cache API and service workers throw a SecurityError when touched, as
/// they do there) still runs the app: the wasm is fetched once and runs;
/// only the offline copy is gone (no worker is asked for).
pub(crate) fn a_browser_that_refuses_site_storage_still_runs_the_app(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let dir = copy_of_dist("refused")?;
        // First in the page, before its own scripts (a file of the site, so
        // the page's CSP allows it).
        std::fs::write(
            dir.join("refuse.js"),
            "for (const [o, p] of [[window, 'caches'], [Navigator.prototype, 'serviceWorker']]) \
             Object.defineProperty(o, p, { configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });",
        )?;
        let index = std::fs::read_to_string(dir.join("index.html"))?;
        let first = index.find("<script").context("a script in the page")?;
        std::fs::write(dir.join("index.html"), format!("{}<script src=refuse.js></script>{}", &index[..first], &index[first..]))?;
        let host = StaticServer::start(&dir).await?;
        s.c.goto(&host.url).await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
        let refused = s.c.execute("try { window.caches; return false } catch (e) { return e.name }", vec![]).await?;
        ensure!(refused == json!("SecurityError"), "the page runs with its storage refused: {refused}");
        ensure!(host.count("refuse.js") == 1 && host.count(".wasm") == 1, "the wasm once: {}", host.per_file());
        demo_job(s, "no site data", [10, 10, 200]).await?;
        ensure!(host.count("/sw.js") == 0, "no worker where none may run: {}", host.per_file());
        let _ = std::fs::remove_dir_all(&dir);
        s.assert_alive().await
    })
}

/// A new build is announced and taken only when asked: the page keeps
/// running the old one until "Reload". The host lets the browser cache
/// (`max-age=600`), so the browser's copy of the page is the old build's
/// when the new worker installs: it takes the host's instead, and after
/// Reload the page, the worker and its cache are all the new build's.
pub(crate) fn a_new_version_is_announced_and_taken_on_reload(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        // A copy of dist/ that can change under the page.
        let dir = copy_of_dist("update")?;
        let host = StaticServer::start_with(&dir, sends("max-age=600")).await?;
        s.c.goto(&host.url).await?;
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        controlled(s).await?;
        ensure!(!s.exists("[data-testid=update-ready]").await?, "nothing to announce yet");
        // A new build: its page and worker carry another version.
        let sw = std::fs::read_to_string(dir.join("sw.js"))?;
        let old = sw.split("const VERSION = \"").nth(1).and_then(|r| r.split('"').next()).context("the worker's VERSION")?.to_string();
        let new: String = old.chars().rev().collect();
        ensure!(new != old && old.len() == 16, "a version to change: {old}");
        for file in ["index.html", "sw.js"] {
            let text = std::fs::read_to_string(dir.join(file))?;
            ensure!(text.contains(&old), "{file} carries the version");
            std::fs::write(dir.join(file), text.replace(&old, &new))?;
            // A host answers "not modified" when the file's time is in the
            // same second as the one the browser has: date the new build later.
            std::fs::File::options().write(true).open(dir.join(file))?.set_modified(std::time::SystemTime::now() + SECS(60))?;
        }
        // Ask the browser to look for it (as it does at each visit); again
        // if the first look came while the first worker was still settling.
        let deadline = Instant::now() + SECS(20);
        while !s.exists("[data-testid=update-ready]").await? {
            if Instant::now() > deadline {
                let state = s
                    .c
                    .execute_async(
                        "const done = arguments[arguments.length - 1]; navigator.serviceWorker.getRegistration().then(r => done(r ? \
                         [r.active && r.active.state, r.waiting && r.waiting.state, r.installing && r.installing.state, !!navigator.serviceWorker.controller, window.qieUpdateReady && window.qieUpdateReady()] : 'none'));",
                        vec![],
                    )
                    .await?;
                bail!("no update announced; registration (active, waiting, installing, controlled, ready): {state}");
            }
            s.c.execute("navigator.serviceWorker.getRegistration().then(r => r && r.update())", vec![]).await?;
            tokio::time::sleep(Duration::from_millis(1_000)).await;
        }
        s.c.execute("window.__before_reload = true", vec![]).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        ensure!(s.c.execute("return window.__before_reload === true", vec![]).await? == json!(true), "no switch before asked");
        s.click("[data-testid=update-ready] button").await?;
        let deadline = Instant::now() + SECS(15);
        while s.c.execute("return window.__before_reload === true", vec![]).await.unwrap_or(json!(true)) == json!(true) {
            ensure!(Instant::now() < deadline, "Reload did not reload");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
        let page = s.c.execute("return document.querySelector('meta[name=qie-sw]').content", vec![]).await?;
        ensure!(page == json!(new), "the page is the new build's: {page} (new {new}, old {old})");
        let caches = s
            .c
            .execute_async("const done = arguments[arguments.length - 1]; caches.keys().then(done, () => done([]));", vec![])
            .await?;
        let names: Vec<&str> = caches.as_array().map(|a| a.iter().filter_map(|n| n.as_str()).collect()).unwrap_or_default();
        ensure!(names == [format!("qie-app {} {new}", host.url)], "the new build's cache alone, for this copy: {caches}");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    })
}

/// A submit answer whose URLs hold the backslash trick (`http://other\@api/…`,
/// which a browser sends to `other`): the other server never sees the key,
/// nor anything else, and the job still completes on the configured base.
pub(crate) fn a_backslash_trick_never_carries_the_key_away(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let other = FakeServer::start(Config { key: None, ..Config::default() }).await?;
        let partial = e2e::fake::Partial::BackslashTrick(other.url.clone());
        let fake = FakeServer::start(Config { queue_ms: 300, run_ms: 300, partial, ..Config::default() }).await?;
        s.configure(&fake.url, "Bearer", "test-key").await?;
        fill_minimal(s, &fake.url, "backslash").await?;
        s.submit().await?;
        s.wait_job(0, "completed", SECS(10)).await?;
        ensure!(other.requests().is_empty(), "the other server was asked: {:?}", other.requests());
        ensure!(posts(&fake).len() == 1, "one POST");
        ensure!(fake.api_requests().iter().all(|r| r.authorization.as_deref() == Some("Bearer test-key")), "every API request on the base, with the key");
        Ok(())
    })
}

/// The files the built worker keeps (its precache list, as written into
/// `dist/sw.js` by scripts/post_build.py): "./" (the page) and file names.
fn precached() -> Result<Vec<String>> {
    let sw = std::fs::read_to_string(dist_dir().join("sw.js"))?;
    let list = sw.split("const FILES = ").nth(1).and_then(|r| r.split(";\n").next()).context("the worker's FILES")?;
    let files: serde_json::Map<String, serde_json::Value> = serde_json::from_str(list)?;
    Ok(files.keys().cloned().collect())
}

/// A first visit in a fresh profile to `page` (the folder, `""`, or
/// `"index.html"`) on `host`: the app mounts, a worker takes control and
/// its cache holds every file of the build. Prints the requests per file;
/// the host is still serving.
async fn first_visit(s: &Session, host: Host, page: &str) -> Result<StaticServer> {
    let label = format!("{}{}", host.cache.as_deref().map(|c| format!("Cache-Control: {c}")).unwrap_or_default(), if host.no_folder_index { ", no folder index" } else { "" });
    let host = StaticServer::start_with(&dist_dir(), host).await?;
    s.c.goto(&format!("{}{page}", host.url)).await?;
    s.wait_for(e2e::browser::APP_FORM, SECS(15)).await?;
    s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
    controlled(s).await?;
    println!("    {}: first visit, {label}: {}", s.engine.name(), host.per_file());
    let files = precached()?;
    let cached = cached_urls(s).await?;
    let missing: Vec<_> = files.iter().filter(|f| !cached.iter().any(|u| u.strip_prefix(&host.url) == Some(f.trim_start_matches("./")))).collect();
    ensure!(missing.is_empty() && !files.is_empty(), "the worker's cache lacks {missing:?}: {cached:?}");
    Ok(host)
}

/// A host that sends `Cache-Control: {cache}`.
fn sends(cache: &str) -> Host {
    Host { cache: Some(cache.to_string()), ..Host::default() }
}

/// Opens the page again with the host gone (a navigation, as a person
/// does; Firefox's WebDriver refresh skips the service worker, a person's
/// reload does not): the app mounts from the worker's cache.
async fn opens_offline(s: &Session, host: StaticServer, page: &str) -> Result<()> {
    let url = format!("{}{page}", host.url);
    drop(host);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let chromium = s.engine == e2e::browser::Engine::Chromium;
    if chromium {
        s.set_offline(true).await?;
    }
    s.c.goto(&url).await?;
    let mounted = s.wait_for(e2e::browser::APP_FORM, SECS(15)).await.map(|_| ());
    if chromium {
        s.set_offline(false).await?;
    }
    mounted.context("the app opens offline")?;
    s.c.execute(e2e::browser::ERROR_HOOK, vec![]).await?;
    s.assert_alive().await
}

/// Whether the browser keeps an HTTP cache: a file of the host the worker
/// does not keep (`_headers`), asked for twice with `force-cache`, reaches
/// the host once. (WebKitGTK's automation profile is ephemeral and keeps
/// none: every request goes to the host.)
async fn keeps_http_cache(s: &Session, host: &StaticServer) -> Result<bool> {
    for _ in 0..2 {
        s.c.execute_async("const done = arguments[arguments.length - 1]; fetch('_headers', {cache: 'force-cache'}).then(r => r.text()).then(done, e => done(String(e)));", vec![]).await?;
    }
    let n = host.count("/_headers");
    ensure!(n == 1 || n == 2, "_headers asked for {n} times");
    Ok(n == 1)
}

/// A first visit to a host that lets the browser cache (GitHub Pages sends
/// `max-age=600`): each file of the app is fetched once — the page, the
/// wasm (with its SRI hash), the icons; the stylesheet, boot.js and the
/// glue are in the page — and the worker's precache takes the page's copy
/// of the wasm and the browser's of the rest. After it, the page opens
/// with no network.
pub(crate) fn a_first_visit_fetches_each_file_once(s: &Session) -> Fut<'_> {
    Box::pin(each_file_once(s, sends("max-age=600"), ""))
}

/// The same on a host that asks the browser to revalidate every file
/// (Netlify: `public, max-age=0, must-revalidate`): the worker checks the
/// browser's copies itself (SRI hashes, the page's version) and asks the
/// host nothing more, not even "not modified?".
pub(crate) fn a_first_visit_to_a_revalidating_host_fetches_each_file_once(s: &Session) -> Fut<'_> {
    Box::pin(each_file_once(s, sends("public, max-age=0, must-revalidate"), ""))
}

/// The same on a host whose folders are not pages (S3's own endpoint),
/// the page opened as `…/index.html`: the worker keeps that page, and it
/// opens offline by that name.
pub(crate) fn a_page_opened_as_index_html_is_kept_and_opens_offline(s: &Session) -> Fut<'_> {
    Box::pin(each_file_once(s, Host { no_folder_index: true, ..sends("max-age=600") }, "index.html"))
}

async fn each_file_once(s: &Session, host: Host, page: &str) -> Result<()> {
    let host = first_visit(s, host, page).await?;
    let per_file = host.per_file();
    ensure!(host.count(".wasm") == 1 && host.count("/sw.js") == 1, "the wasm and the worker once each: {per_file}");
    let inline = s.c.execute("return [document.styleSheets.length, !!document.querySelector('style'), getComputedStyle(document.body).margin, document.querySelectorAll('script[type=module]:not([src])').length]", vec![]).await?;
    ensure!(inline == json!([1, true, "0px", 1]), "the stylesheet and the glue are in the page, and apply: {inline}");
    ensure!(host.count(".css") == 0 && host.count(".js") == 1, "no stylesheet, boot.js or glue requested (only sw.js): {per_file}");
    // The loader hands the checked fetch to the app: it is the one that ran.
    let checked = s.c.execute("return !!window.qieWasm && document.documentElement.innerHTML.includes('integrity:\"sha384-')", vec![]).await?;
    ensure!(checked == json!(true), "the wasm is fetched with its SRI hash");
    // The page by the name it was opened with. The browser may ask again
    // for the icon it shows (Chromium does, `Sec-Fetch-Dest: image`): that
    // is its own, counted once; the worker's request is a fetch.
    let shown_again = |h: &&Hit| h.dest == "image" && h.path.ends_with("/icon.svg");
    let fetched = |f: &str| {
        let path = if f == "./" { format!("/{page}") } else { format!("/{f}") };
        let hits: Vec<Hit> = host.hits().into_iter().filter(|h| h.path.ends_with(&path)).collect();
        hits.len() - hits.iter().filter(shown_again).count().saturating_sub(1)
    };
    let files = precached()?;
    if keeps_http_cache(s, &host).await? {
        let twice: Vec<_> = files.iter().filter(|f| fetched(f) != 1).collect();
        ensure!(twice.is_empty(), "not fetched exactly once: {twice:?}: {per_file}");
        let revalidated: Vec<_> = host.hits().into_iter().filter(|h| h.conditional && !shown_again(&h)).collect();
        ensure!(revalidated.is_empty(), "revalidations: {revalidated:?}");
    } else {
        // With no HTTP cache, what the page loaded itself and cannot
        // hand over (the page, its icon) the worker fetches again.
        println!("    {}: keeps no HTTP cache: the page and its icon are fetched again by the worker", s.engine.name());
        let again: Vec<_> = files.iter().filter(|f| fetched(f) != 1 && !(["./", "icon.svg"].contains(&f.as_str()) && fetched(f) == 2)).collect();
        ensure!(again.is_empty(), "fetched more than the page and the worker need: {again:?}: {per_file}");
    }
    opens_offline(s, host, page).await
}

/// A first visit to a host that forbids caching (`no-store`): the wasm
/// (almost all of the page's weight) is fetched once, the worker keeping
/// the page's own copy; the rest (the page, the glue, the icons) the
/// worker must fetch again, as nothing else can hand it their bytes. After
/// it, the page opens with no network.
pub(crate) fn a_first_visit_to_a_no_store_host_fetches_the_wasm_once(s: &Session) -> Fut<'_> {
    Box::pin(async move {
        let host = first_visit(s, sends("no-store"), "").await?;
        ensure!(host.count(".wasm") == 1, "the wasm was fetched {} times: {}", host.count(".wasm"), host.per_file());
        opens_offline(s, host, "").await
    })
}

