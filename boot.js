// Until the app mounts (it removes #boot), says plainly when it cannot
// start: no WebAssembly, or its files failed to load; holds what is done in
// the first screen and hands it over; then starts the service worker.
// Release builds inline it into index.html (its hash is in the CSP).
(function () {
  function failed() {
    var boot = document.getElementById("boot");
    if (!boot) return;
    boot.querySelector(".boot-loading").hidden = true;
    boot.querySelector(".boot-failed").hidden = false;
  }
  if (typeof WebAssembly !== "object") {
    failed();
    return;
  }
  // Capturing: a script or wasm that fails to load does not bubble.
  window.addEventListener("error", failed, true);
  window.addEventListener("unhandledrejection", failed);

  // The first screen (#shell, made at build time from the app itself) is
  // usable before the wasm arrives: what is typed or chosen there stays in
  // its controls, and a Generate (click, Enter, Ctrl+Enter) is held; the
  // app calls qieTakeover() once it has mounted, which hands all of it over.
  var queued = false;
  var addUrl = false;
  function queue(e) {
    e.preventDefault();
    queued = true;
    var button = document.querySelector("#shell #edit-form [type=submit]");
    if (button) button.classList.add("queued");
  }
  document.addEventListener("submit", function (e) {
    if (!e.target.closest("#shell")) return;
    // Only the edit form's submit is a Generate; the shell's others wait.
    if (e.target.id === "edit-form") queue(e);
    else e.preventDefault();
  }, true);
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || !t.closest || !t.closest("#shell #edit-form")) return;
    if (e.ctrlKey || e.metaKey) queue(e);
    // Enter in the image URL box adds the image (as in the app), not Generate.
    else if (t.name === "image_url") { e.preventDefault(); addUrl = true; }
  }, true);
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("#shell .url-row button")) addUrl = true;
  }, true);
  function fire(el, type) { el.dispatchEvent(new Event(type, { bubbles: true })); }
  window.qieTakeover = function () {
    handover();
    // The worker's precache starts once the app runs, not while the first
    // screen waits for the wasm (it takes the page's wasm and the browser's
    // copies of the rest, but where the browser may not cache it downloads
    // the page and the icons again).
    if (startWorker) {
      var start = startWorker;
      startWorker = null;
      start();
    }
  };
  var startWorker = null;
  function handover() {
    var shell = document.getElementById("shell");
    if (!shell || !shell.firstElementChild) {
      if (shell) shell.remove();
      return;
    }
    // What differs from the shell's own markup was done by the person.
    var moved = [];
    shell.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (el) {
      var changed = el.type === "checkbox" ? el.checked !== el.defaultChecked
        : el.type === "file" ? el.files && el.files.length > 0
        : el.tagName === "SELECT" ? Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; })
        : el.value !== el.defaultValue;
      if (changed) moved.push(el);
    });
    var opened = Array.prototype.map.call(shell.querySelectorAll("details"), function (d) { return d.open; });
    var active = shell.contains(document.activeElement) ? document.activeElement : null;
    var caret = active && [active.selectionStart, active.selectionEnd, active.selectionDirection];
    var column = shell.querySelector(".col-form");
    var scrolled = column ? column.scrollTop : 0;
    shell.remove();
    document.querySelectorAll("details").forEach(function (d, i) {
      if (i < opened.length && d.open !== opened[i]) d.open = opened[i];
    });
    moved.forEach(function (from) {
      var to = document.querySelector("[name='" + from.name + "']");
      if (!to || to.type !== from.type) return;
      if (from.type === "checkbox") {
        to.checked = from.checked;
      } else if (from.type === "file") {
        to.files = from.files;
      } else {
        to.value = from.value;
        if (to.value !== from.value) return;
        fire(to, "input");
      }
      fire(to, "change");
    });
    if (active && active.name) {
      var focus = document.querySelector("[name='" + active.name + "']");
      if (focus) {
        focus.focus();
        // Again after the app has drawn the values it was given, which
        // puts the caret at the end.
        var place = function () {
          try { if (document.activeElement === focus) focus.setSelectionRange(caret[0], caret[1], caret[2]); } catch (e) { /* not a text field */ }
        };
        place();
        setTimeout(place, 0);
      }
    }
    // An image URL added (Enter, Add) before the app was there.
    var url = addUrl && document.querySelector("[name=image_url]");
    addUrl = false;
    if (url && url.value) url.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    var own = document.querySelector("main .col-form");
    if (own && scrolled) own.scrollTop = scrolled;
    // A Generate asked for before the app was there: once, now that the
    // app's form holds what was typed.
    if (queued) {
      queued = false;
      setTimeout(function () {
        var form = document.getElementById("edit-form");
        if (form && form.requestSubmit) form.requestSubmit();
        else if (form) form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      }, 0);
    }
  }

  // The service worker (sw.js) keeps the app for offline use. Built pages
  // carry <meta name="qie-sw">; `trunk serve` pages (live reload) do not.
  // A browser that refuses the site its storage throws when it is touched.
  var workers = null;
  try { workers = navigator.serviceWorker || null; } catch (e) { /* no offline copy, then */ }
  if (!workers || !document.querySelector('meta[name="qie-sw"]')) return;
  var waiting = null;
  var applying = false;
  function ready(worker) {
    waiting = worker;
    window.dispatchEvent(new Event("qie-update-ready"));
  }
  // Called by the app's "Reload" button.
  window.qieUpdateReady = function () { return waiting !== null; };
  window.qieApplyUpdate = function () {
    if (!waiting) return;
    applying = true;
    waiting.postMessage("skip-waiting");
  };
  workers.addEventListener("controllerchange", function () {
    if (applying) location.reload();
  });
  startWorker = function () {
    // Once the page's copy of the wasm is in the worker's cache (the
    // inline script that fetched it puts it there), so it is not fetched again.
    Promise.resolve(window.qieKept).then(function () {
      return workers.register("sw.js");
    }).then(function (reg) {
      if (reg.waiting && workers.controller) ready(reg.waiting);
      reg.addEventListener("updatefound", function () {
        var w = reg.installing;
        // A new version only when a worker already served this page when
        // it was found (the first install is not one, however late its
        // statechange comes: WebKit's came after the claim once).
        if (!w || !workers.controller) return;
        w.addEventListener("statechange", function () {
          if (w.state === "installed") ready(w);
        });
      });
    }, function () {});
  };
})();
