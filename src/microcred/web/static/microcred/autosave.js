// Autosave's last line of defence: htmx saves a moment after typing stops; this sends the
// written answers once more when the tab is hidden or closed (navigator.sendBeacon survives
// the page going away). Files are never sent from here. Without JavaScript, "Save draft" works.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !navigator.sendBeacon) { return; }
  var url = form.getAttribute("data-autosave-url");
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  document.body.addEventListener("htmx:afterRequest", function () { dirty = false; });
  function flush() {
    if (!dirty) { return; }
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
    data.delete("action");
    if (navigator.sendBeacon(url, data)) { dirty = false; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  window.addEventListener("pagehide", flush);
})();
