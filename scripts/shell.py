"""The first screen of index.html, made from the app itself at build time.

The built page (the staging folder) is served on loopback and opened in
headless Chromium, in a fresh profile, once per language, as a first
visit; scripts/shell_capture.js waits for the app to mount and hands back
what it drew, with the values, ticks and chosen options written into the
markup. That HTML goes into index.html: English in #shell, Chinese in
<template id="shell-zh"> (an inline script swaps it in before the first
paint when the page's language is Chinese).

Why a browser and not Leptos's `ssr` rendering: the views are built for the
browser (they read storage, the location and the browser's languages while
they are made), so a native render would need a second build of every
component with stand-ins for all of that, and could still differ from what
the wasm draws. The browser runs the very wasm people get, with its CSS.
"""
import html as htmllib
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE_JS = os.path.join(HERE, "shell_capture.js")
LANGS = ("en", "zh-CN")


def chromium():
    for name in (os.environ.get("QIE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("post_build: the first screen is drawn by headless Chromium, which is not installed (make setup installs it)")


def serve(staging, page):
    """Serves the staging folder, with the capture page at /__shell.html."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=staging, **kw)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path in ("/__shell.html", "/__shell.js"):
                body = page.encode("utf-8") if path.endswith(".html") else open(CAPTURE_JS, "rb").read()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8" if path.endswith(".html") else "text/javascript")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, *a):
            pass

    Handler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def capture(url, lang):
    profile = tempfile.mkdtemp(prefix="qie-shell-")
    try:
        args = [
            chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
            "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,900",
            "--virtual-time-budget=30000", "--dump-dom", f"{url}?lang={lang}",
        ]
        out = subprocess.run(args, capture_output=True, text=True, timeout=120).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    m = re.search(r'<pre id="qie-shell" data-title="([^"]*)">(.*?)</pre>', out, re.S)
    if not m or "edit-form" not in m.group(2):
        sys.exit(f"post_build: the app did not draw its first screen in headless Chromium ({lang})")
    return htmllib.unescape(m.group(1)), htmllib.unescape(m.group(2))


def fill(staging, html):
    """index.html with its first screen in both languages."""
    # First in <head> (the minifier drops the optional tags: after the charset).
    head = re.search(r'<meta charset="?utf-8"?>', html, re.I)
    if not head:
        sys.exit("post_build: index.html has no <meta charset=utf-8>")
    page = html[: head.end()] + '<script src="__shell.js"></script>' + html[head.end():]
    server = serve(staging, page)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/__shell.html"
        shells = {lang: capture(url, lang) for lang in LANGS}
    finally:
        server.shutdown()
    en, zh = shells["en"][1], shells["zh-CN"]
    html, n = re.subn(r'(<div\b[^>]*\bid="?shell"?[^>]*>)\s*(</div>)', lambda m: m.group(1) + en + m.group(2), html, count=1)
    if n != 1:
        sys.exit("post_build: index.html has no empty <div id=shell>")
    title = htmllib.escape(zh[0], quote=True)
    html, n = re.subn(r'<template\b[^>]*\bid="?shell-zh"?[^>]*>\s*</template>',
                      lambda m: f'<template id="shell-zh" data-title="{title}">{zh[1]}</template>', html, count=1)
    if n != 1:
        sys.exit("post_build: index.html has no empty <template id=shell-zh>")
    print(f"post_build: first screen drawn ({len(en)} + {len(zh[1])} characters of HTML)")
    return html
