// The service worker. It keeps the app's own files (listed at build time by
// scripts/post_build.py) so the page opens with no network, and answers
// only requests for exactly those files. Everything else — the API and its
// answers (anything that carries the key), result images on other origins,
// anything not in the list — goes to the network untouched and is never
// stored. A new version waits until the page asks for it (the app's
// "A new version is ready — Reload"), so it never switches under a job.
const VERSION = "__QIE_VERSION__";
const FILES = __QIE_FILES__;
const CACHE = "qie-app-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map((f) => new Request(f, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("qie-app-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  let file = url.pathname.slice(scope.pathname.length);
  if (req.mode === "navigate" && file === "") file = "index.html";
  if (!FILES.includes(file)) return;
  event.respondWith(caches.open(CACHE).then((c) => c.match(file)).then((hit) => hit || fetch(req)));
});
