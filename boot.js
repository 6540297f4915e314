// Until the app mounts (it removes #boot), says plainly when it cannot
// start: no WebAssembly, or its files failed to load. A file of its own,
// not inline, so a strict Content-Security-Policy needs no exception.
(function () {
  function failed() {
    var boot = document.getElementById("boot");
    if (!boot) return;
    boot.querySelector(".boot-loading").hidden = true;
    boot.querySelector(".boot-failed").hidden = false;
  }
  if (typeof WebAssembly !== "object") {
    document.addEventListener("DOMContentLoaded", failed);
    return;
  }
  // Capturing: a script or wasm that fails to load does not bubble.
  window.addEventListener("error", failed, true);
  window.addEventListener("unhandledrejection", failed);

  // The service worker (sw.js) keeps the app for offline use. Built pages
  // carry <meta name="qie-sw">; `trunk serve` pages (live reload) do not.
  if (!("serviceWorker" in navigator) || !document.querySelector('meta[name="qie-sw"]')) return;
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
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (applying) location.reload();
  });
  navigator.serviceWorker.register("sw.js").then(function (reg) {
    if (reg.waiting && navigator.serviceWorker.controller) ready(reg.waiting);
    reg.addEventListener("updatefound", function () {
      var w = reg.installing;
      if (!w) return;
      w.addEventListener("statechange", function () {
        if (w.state === "installed" && navigator.serviceWorker.controller) ready(w);
      });
    });
  }, function () {});
})();
