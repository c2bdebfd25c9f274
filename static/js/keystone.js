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
    if (!el.title) el.title = el.textContent; // a post's time: no title, nor data-relative, repeated in the HTML (issue 13)
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
    (root || document).querySelectorAll("time[data-relative], .post-stream time").forEach(relative);
  }
  // A table wider than the screen says so, and its scrolling box can be reached and scrolled with the keyboard.
  function scrollHints(root) {
    (root || document).querySelectorAll(".table-wrap, .table-scroll, .metrics-table").forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling && box.previousElementSibling.classList.contains("scroll-hint")
        ? box.previousElementSibling : null;
      if (wide && !hint) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.id = "scroll-hint-" + Math.random().toString(36).slice(2);
        hint.textContent = "This table is wider than the screen: scroll sideways to see every column.";
        box.parentNode.insertBefore(hint, box);
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-describedby", hint.id);
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", "Table (scrolls sideways)"); }
      } else if (!wide && hint) {
        hint.remove();
        box.removeAttribute("aria-describedby");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { refresh(); scrollHints(); });
  document.addEventListener("htmx:afterSwap", function (e) { refresh(e.target); scrollHints(); });
  window.addEventListener("resize", function () { scrollHints(); });
})();
