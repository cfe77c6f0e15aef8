// Small enhancements; every action works without them (and without htmx).
(function () {
  "use strict";

  // An error summary on load: move focus to it so it is read first (it is also role=alert).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("#error-summary");
    if (summary) { summary.focus(); return true; }
    return false;
  }

  // Long work (uploads, verification): reveal the form's announced progress on submit.
  function watchBusyForms() {
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var status = document.querySelector('[data-busy-for="' + form.id + '"] .busy-text');
        if (status) { status.hidden = false; }
        form.setAttribute("aria-busy", "true");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    watchBusyForms();
  });

  // After an htmx swap: an error summary in the new content takes focus; if the element that
  // had focus was swapped away, focus goes to the swapped region instead of being lost.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) { return; }
    if (focusErrorSummary(target)) { return; }
    if (document.activeElement === document.body || !document.contains(document.activeElement)) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });
})();
