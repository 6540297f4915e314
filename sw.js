// The service worker. It keeps the app's own files (listed at build time by
// scripts/post_build.py) so the page opens with no network, and answers
// only requests for exactly those files. Everything else — the API and its
// answers (anything that carries the key), result images on other origins,
// anything not in the list — goes to the network untouched and is never
// stored. A new version waits until the page asks for it (the app's
// "A new version is ready — Reload"), so it never switches under a job.
const VERSION = "__QIE_VERSION__";
// Every file of the build and its SRI hash; the page ("./", which is also
// index.html) has none: hosts may add to a page, so it is checked by the
// version it carries (<meta name="qie-sw" content="VERSION">).
const FILES = __QIE_FILES__;
// Copies of the app under other paths of this origin keep caches of their
// own (the page computes the same name: scripts/post_build.py).
const SCOPE = self.registration.scope;
const BASE = new URL(SCOPE);
const CACHE = "qie-app " + SCOPE + " " + VERSION;

// One file into the cache, of this version and no other: the copy the page
// has already put there (its wasm, checked by its SRI hash as it came),
// else the browser's, however old (it is checked here: a hashed file never
// changes, so the HTTP cache's copy is as good as the host's and costs no
// second download, even where the host asks to revalidate), else the
// host's — past the HTTP cache when the browser's copy is of another
// version. A file of another version even there fails the install: the
// next visit tries again, and the version that works goes on serving. The
// page is asked for as "./" (what a navigation asks for, so the browser
// has it), else as index.html (hosts that serve no folder, such as S3's
// own endpoint, and pages opened by that name).
async function keep(cache, file) {
  if (await cache.match(file)) return;
  const urls = file === "./" ? ["./", "index.html"] : [file];
  for (const mode of ["only-if-cached", "force-cache", "reload"]) {
    for (const url of urls) {
      let answer;
      try {
        answer = await fetch(new Request(url, { cache: mode, mode: "same-origin", integrity: FILES[file] }));
      } catch (e) {
        continue; // not in the browser's cache, offline, or not the bytes the SRI hash says
      }
      if (answer.ok && (FILES[file] || (await answer.clone().text()).includes(VERSION))) return cache.put(file, answer);
    }
  }
  throw new Error(file + " of version " + VERSION + " could not be had");
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(Object.keys(FILES).map((f) => keep(cache, f)))));
});

self.addEventListener("activate", (event) => {
  const own = "qie-app " + SCOPE + " ";
  event.waitUntil(
    caches
      .keys()
      // This copy's other versions (and the caches named before copies had
      // their own: "qie-app-VERSION").
      .then((keys) => Promise.all(keys.filter((k) => (k.startsWith(own) && k !== CACHE) || k.startsWith("qie-app-")).map((k) => caches.delete(k))))
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
  if (url.origin !== BASE.origin || !url.pathname.startsWith(BASE.pathname)) return;
  let file = url.pathname.slice(BASE.pathname.length);
  if (file === "" || file === "index.html") file = "./";
  if (!Object.hasOwn(FILES, file)) return;
  event.respondWith(caches.open(CACHE).then((c) => c.match(file)).then((hit) => hit || fetch(req)));
});
