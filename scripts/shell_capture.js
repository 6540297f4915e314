// Build time only (scripts/post_build.py): loaded first into a copy of the
// built page in headless Chromium, in a fresh profile, as a first visit.
// It gives the page the language asked for (?lang=), waits for the app to
// mount, and replaces the page with the app's first screen as HTML text
// (in <pre id="qie-shell">), which post_build.py puts into index.html.
(function () {
  var lang = new URLSearchParams(location.search).get("lang") || "en";
  Object.defineProperty(Navigator.prototype, "languages", { get: function () { return [lang]; }, configurable: true });
  Object.defineProperty(Navigator.prototype, "language", { get: function () { return lang; }, configurable: true });

  // What the app set as properties becomes markup: the values, the ticks,
  // the chosen options, the open panels.
  function reflect(root) {
    root.querySelectorAll("input").forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        el.toggleAttribute("checked", el.checked);
      } else if (el.type !== "file" && el.type !== "password") {
        if (el.value) el.setAttribute("value", el.value); else el.removeAttribute("value");
      }
      el.toggleAttribute("disabled", el.disabled);
      el.toggleAttribute("readonly", el.readOnly);
    });
    root.querySelectorAll("textarea").forEach(function (el) { el.textContent = el.value; });
    root.querySelectorAll("select").forEach(function (el) {
      Array.prototype.forEach.call(el.options, function (o) { o.toggleAttribute("selected", o.selected); });
      el.toggleAttribute("disabled", el.disabled);
    });
    root.querySelectorAll("details").forEach(function (el) { el.toggleAttribute("open", el.open); });
    // What this browser says of itself (its storage) is not the first screen's.
    root.querySelectorAll("[data-shell=blank]").forEach(function (el) { el.textContent = ""; });
    // Leptos's markers (empty comments) mean nothing in static HTML.
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
    var dead = [];
    while (walker.nextNode()) dead.push(walker.currentNode);
    dead.forEach(function (c) { c.remove(); });
  }

  function capture() {
    var parts = [];
    Array.prototype.forEach.call(document.body.children, function (el) {
      if (/^(SCRIPT|NOSCRIPT|TEMPLATE)$/.test(el.tagName) || el.id === "shell" || el.id === "boot") return;
      reflect(el);
      parts.push(el.outerHTML);
    });
    var out = document.createElement("pre");
    out.id = "qie-shell";
    out.setAttribute("data-title", document.title);
    out.textContent = parts.join("");
    document.body.replaceChildren(out);
  }

  // The app has mounted when its form is there and #boot is gone; a short
  // wait lets what it does right after (sizes, notes) settle.
  var tries = 0;
  var timer = setInterval(function () {
    tries += 1;
    if (document.getElementById("edit-form") && !document.getElementById("boot")) {
      clearInterval(timer);
      setTimeout(capture, 300);
    } else if (tries > 400) {
      clearInterval(timer);
    }
  }, 25);
})();
