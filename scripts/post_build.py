#!/usr/bin/env python3
"""Trunk post_build hook: the first screen (scripts/shell.py), the page's
Content-Security-Policy, and the service worker's precache list.

Trunk's loader is an inline module script whose text changes with the
hashed file names, so its hash is taken here, after each build, from the
staging folder (TRUNK_STAGING_DIR). The policy goes into index.html as a
<meta http-equiv>, and into _headers (Netlify, Cloudflare Pages) with what
only a header can say (frame-ancestors, nosniff, referrer policy).
"""
import base64
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shell  # noqa: E402  (scripts/shell.py)

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "")
index = os.path.join(staging, "index.html")
with open(index, encoding="utf-8") as f:
    html = f.read()

# The wasm is fetched once, by a small inline script where Trunk put its
# <link rel=preload>, with the preload's SRI hash, and handed to the loader.
# WebKit never takes a preloaded wasm (it fetched it again, with or without
# the hash: trunk-rs/trunk#229), and wasm-bindgen's own fetch carried no
# hash, so the SRI was checked nowhere. Now every engine fetches the wasm
# once, as early as the preload did, and checks it.
preload = next((t for t in re.findall(r"<link\b[^>]*>", html) if "preload" in t and ".wasm" in t), "")
if preload:
    integrity = re.search(r'integrity="?([^"\s>]+)', preload)
    href = re.search(r'href="?([^"\s>]+\.wasm)', preload)
    if not (integrity and href):
        sys.exit("post_build: the wasm preload has no href or integrity")
    early = '<script>window.qieWasm=fetch("%s",{integrity:"%s",credentials:"same-origin"})</script>' % (href.group(1), integrity.group(1))
    html = html.replace(preload, early)
    html, n = re.subn(r"module_or_path:\s*(['\"`])[^'\"`]+\.wasm\1", "module_or_path:window.qieWasm", html)
    if n != 1:
        sys.exit("post_build: the loader's wasm path was not found")

# The first screen, as the app draws it at a first visit, in both
# languages: release builds only (`trunk serve` pages live-reload and keep
# the "Loading…" line).
dev = ".well-known/trunk/ws" in html
if not dev:
    html = shell.fill(staging, html)

# The stylesheet and boot.js go into the page itself (release builds): the
# first screen paints with the HTML's own bytes, not a round trip later,
# and nothing it needs can fail to load. Their hashes are in the CSP.
def inline_file(html, tag, name, element, read):
    """`tag` (the element that loads the file `name`) becomes `element`
    holding the file's text as `read` gives it; the file leaves the build."""
    path = os.path.join(staging, os.path.normpath(name))
    with open(path, encoding="utf-8") as f:
        text = read(f)
    os.remove(path)
    return html.replace(tag, f"<{element}>{text}</{element}>", 1)


if not dev:
    link = re.search(r'<link\b[^>]*\brel="?stylesheet"?[^>]*>', html)
    href = link and re.search(r'href="?([^"\s>]+\.css)', link.group(0))
    boot = re.search(r'<script\b[^>]*\bsrc="?boot\.js"?[^>]*></script>', html)
    if not (href and boot):
        sys.exit("post_build: the stylesheet's <link> or <script src=boot.js> was not found")
    html = inline_file(html, link.group(0), href.group(1), "style", lambda f: f.read())
    # boot.js keeps its comments and indentation in the repository (it has
    # no template strings, so its lines can be trimmed).
    html = inline_file(html, boot.group(0), "boot.js", "script",
                  lambda f: "\n".join(l.strip() for l in f if l.strip() and not l.strip().startswith("//")))

def sha256s(texts):
    return " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(t.encode("utf-8")).digest()).decode() for t in texts)


inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
hashes = sha256s(inline)
styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
# A CSP host cannot be an IPv6 literal (`http://[::1]:*` is refused as an
# invalid source): the app's base check sends people to localhost instead.
loopback = "http://127.0.0.1:* http://localhost:*"
policy = "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'wasm-unsafe-eval' {hashes}".strip(),
    f"style-src 'self' {sha256s(styles)}".strip(),
    f"img-src 'self' https: data: blob: {loopback}",
    # The API (https, or a server on this machine); data: and blob: for
    # saving results made in the page.
    f"connect-src 'self' https: data: blob: {loopback}",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])

meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', "", html)
# After `<meta charset>`, however the minifier (release builds) wrote it.
charset = re.compile(r'<meta charset="?utf-8"?>', re.I)
if not charset.search(html):
    sys.exit("post_build: index.html has no <meta charset=utf-8>")
html = charset.sub(lambda m: m.group(0) + meta, html, count=1)
with open(index, "w", encoding="utf-8") as f:
    f.write(html)

with open(os.path.join(staging, "_headers"), "w", encoding="utf-8") as f:
    f.write("/*\n")
    f.write(f"  Content-Security-Policy: {policy}; frame-ancestors 'none'\n")
    f.write("  X-Content-Type-Options: nosniff\n")
    f.write("  Referrer-Policy: no-referrer\n")
# The service worker's list: every file of the build (hashed names), and a
# version that changes with them. Pages from `trunk serve` (live reload)
# get no service worker.
files = sorted(f for f in os.listdir(staging) if f not in ("sw.js", "_headers") and os.path.isfile(os.path.join(staging, f)))
# The version covers every file's bytes: a change to a file whose name
# carries no hash (boot.js, the icons) is a new version too.
digest = hashlib.sha256(html.encode("utf-8"))
for name in files:
    digest.update(name.encode() + b"\0")
    with open(os.path.join(staging, name), "rb") as f:
        digest.update(f.read())
version = digest.hexdigest()[:16]
sw = os.path.join(staging, "sw.js")
with open(sw, encoding="utf-8") as f:
    worker = f.read()
worker = worker.replace('"__QIE_VERSION__"', f'"{version}"').replace("__QIE_FILES__", "[" + ", ".join(f'"{x}"' for x in files) + "]")
with open(sw, "w", encoding="utf-8") as f:
    f.write(worker)
# (Trunk writes the socket URL as `{{__TRUNK_WS_BASE__}}.well-known/trunk/ws`.)
if ".well-known/trunk/ws" not in html:
    html = charset.sub(lambda m: m.group(0) + '<meta name="qie-sw" content="on">', html, count=1)
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
print(f"post_build: {len(inline)} inline script(s) hashed, {len(files)} files precached (version {version})")
