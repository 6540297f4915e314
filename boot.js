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
})();
