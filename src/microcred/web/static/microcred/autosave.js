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
  // Only a save the server acknowledged clears the flag; a refused one (a 503 while the
  // database restarts) shows the server's sentence and is sent again on the next change or exit.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { dirty = false; return; }
    var status = document.getElementById("autosave-status");
    var xhr = event.detail.xhr;
    if (status && xhr && xhr.status >= 500 && xhr.responseText && xhr.responseText.length < 400) {
      status.textContent = xhr.responseText;
    }
  });
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
