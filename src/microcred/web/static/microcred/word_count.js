// Live word counts for answers with a limit (the server checks the limit again on submit).
(function () {
  "use strict";
  function count(text) { var m = text.match(/\S+/g); return m ? m.length : 0; }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var out = document.createElement("p");
    out.className = "word-count muted";
    out.id = area.id + "_wordcount";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    area.setAttribute("aria-describedby",
      ((area.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    function update() {
      var n = count(area.value);
      out.textContent = n + " / " + limit + " " + (area.dataset.wordsLabel || "words");
      out.classList.toggle("over-limit", n > limit);
    }
    area.addEventListener("input", update);
    update();
  });
  var status = document.getElementById("autosave-status");
  var saved = document.getElementById("last-saved");
  if (status && saved) {
    new MutationObserver(function () {
      if (status.textContent.trim()) { saved.textContent = new Date().toLocaleString(); }
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }
})();
