// Keystone's own script: progressive enhancement only. Every form works without it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("is-open", !open);
    }
  });
  // Relative times: <time datetime="..." data-relative> shows "3 hours ago"; the absolute time stays in title.
  function relative(el) {
    var then = new Date(el.getAttribute("datetime"));
    var seconds = Math.round((Date.now() - then.getTime()) / 1000);
    var rtf = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
    var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1]) {
        el.textContent = rtf.format(-Math.round(seconds / units[i][1]), units[i][0]);
        return;
      }
    }
    el.textContent = "just now";
  }
  function refresh(root) {
    (root || document).querySelectorAll("time[data-relative]").forEach(relative);
  }
  document.addEventListener("DOMContentLoaded", function () { refresh(); });
  document.addEventListener("htmx:afterSwap", function (e) { refresh(e.target); });
})();
