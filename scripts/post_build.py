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
import json
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
    # On a visit no worker serves yet, the page's copy also goes into the
    # worker's cache (release builds, which carry the version in
    # <meta name="qie-sw">), so its precache does not download the wasm
    # again where the browser keeps no HTTP cache; the worker starts once
    # this is written (boot.js).
    # A browser that refuses the site its storage throws when either is
    # touched: the app runs all the same.
    early = ('<script>window.qieWasm=fetch("%s",{integrity:"%s",credentials:"same-origin"}).then(function(r){'
             'try{var v=document.querySelector("meta[name=qie-sw]"),w=navigator.serviceWorker;'
             'if(r.ok&&v&&self.caches&&!(w&&w.controller)){var c=r.clone();window.qieKept=caches.open("qie-app "+new URL(".",location.href).href+" "+v.content)'
             '.then(function(k){return k.put("%s",c)}).catch(function(){})}}catch(e){}return r})</script>') % (href.group(1), integrity.group(1), href.group(1))
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

    # wasm-bindgen's glue goes into the page too, with the loader, at the end
    # of <body> (after the first screen; a module runs once the page is
    # parsed wherever it stands). A file the page loads by `import` is one
    # whose bytes it cannot hand to the service worker, so where the
    # browser keeps no HTTP cache (a `no-store` host; WebKit's automation
    # profile) it was downloaded twice; in the page it never is, and the
    # page and its glue cannot be of two versions.
    loader = re.search(r"<script\b[^>]*\btype=\"?module\"?[^>]*>(.*?)</script>", html, re.S)
    glue_name = loader and re.match(r"""\s*import\s*init\s*,\s*\*\s*as\s*bindings\s*from\s*["']\./([^"']+\.js)["']\s*;""", loader.group(1))
    if not glue_name:
        sys.exit("post_build: the loader's import of the glue was not found")
    glue_path = os.path.join(staging, glue_name.group(1))
    with open(glue_path, encoding="utf-8") as f:
        glue = f.read()
    glue, n = re.subn(r"\bexport\s*\{[^}]*\}\s*;?", "", glue)
    if n != 1 or re.search(r"\bexport\b|\bimport\s*[{*\w]", glue) or "</script" in glue.lower():
        sys.exit("post_build: the glue does not have the one export it is known to have (or imports, or says </script)")
    os.remove(glue_path)
    html = html.replace(loader.group(0), "", 1)
    modulepreload = re.search(r"<link\b[^>]*\bmodulepreload\b[^>]*>", html)
    if not (modulepreload and glue_name.group(1) in modulepreload.group(0)):
        sys.exit("post_build: the glue's modulepreload was not found")
    html = html.replace(modulepreload.group(0), "", 1)
    module = "<script type=module>" + glue + "\nawait __wbg_init({module_or_path:window.qieWasm});</script>"
    html = html.replace("</body>", module + "</body>", 1) if "</body>" in html else html + module

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

with open(os.path.join(staging, "_headers"), "w", encoding="utf-8") as f:
    f.write("/*\n")
    f.write(f"  Content-Security-Policy: {policy}; frame-ancestors 'none'\n")
    f.write("  X-Content-Type-Options: nosniff\n")
    f.write("  Referrer-Policy: no-referrer\n")
# The service worker's list: every file of the build (hashed names) with
# its SRI hash, the page as "./" (a navigation asks for the folder, and the
# browser's copy of it is kept under that name), and a version that changes
# with them, which the page carries. Pages from `trunk serve` (live reload)
# get no service worker.
if not dev:
    html = charset.sub(lambda m: m.group(0) + '<meta name="qie-sw" content="__QIE_VERSION__">', html, count=1)
names = sorted(f for f in os.listdir(staging) if f not in ("sw.js", "_headers", "index.html") and os.path.isfile(os.path.join(staging, f)))
sums = {}
# The version covers every file's bytes: a change to a file whose name
# carries no hash (the icons) is a new version too.
digest = hashlib.sha256(html.encode("utf-8"))
for name in names:
    with open(os.path.join(staging, name), "rb") as f:
        data = f.read()
    digest.update(name.encode() + b"\0" + data)
    sums[name] = "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()
version = digest.hexdigest()[:16]
html = html.replace("__QIE_VERSION__", version)
with open(index, "w", encoding="utf-8") as f:
    f.write(html)
files = {"./": "", **sums}
sw = os.path.join(staging, "sw.js")
with open(sw, encoding="utf-8") as f:
    worker = f.read()
worker = worker.replace('"__QIE_VERSION__"', f'"{version}"').replace("__QIE_FILES__", json.dumps(files, separators=(",", ":")))
# Its comments stay in the repository (as boot.js's).
if not dev:
    worker = "\n".join(l.strip() for l in worker.splitlines() if l.strip() and not l.strip().startswith("//"))
with open(sw, "w", encoding="utf-8") as f:
    f.write(worker)
print(f"post_build: {len(inline)} inline script(s) hashed, {len(files)} files precached (version {version})")
