// The notification bell: progressive enhancement only. Without JS the bell still opens (it is a
// <details>) and links to the full list; htmx loads the latest notifications when it opens.
(function () {
  "use strict";
  function bells() {
    return document.querySelectorAll("details[data-notification-bell]");
  }
  // Close the panel on a click outside it, and on Escape (focus returns to the bell).
  document.addEventListener("click", function (event) {
    bells().forEach(function (bell) {
      if (bell.open && !bell.contains(event.target)) {
        bell.open = false;
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    bells().forEach(function (bell) {
      if (bell.open) {
        bell.open = false;
        bell.querySelector("summary").focus();
      }
    });
  });
  // Keep the bell's title in step with the count the poll brings back.
  function syncTitle() {
    var count = document.getElementById("notification-count");
    var summary = count && count.closest("summary");
    if (summary) {
      var n = count.getAttribute("data-count") || "0";
      summary.setAttribute("title", n === "0" ? "Notifications" : "Notifications (" + n + " unread)");
    }
  }
  document.addEventListener("htmx:afterSwap", syncTitle);
  document.addEventListener("htmx:oobAfterSwap", syncTitle);
  document.addEventListener("DOMContentLoaded", syncTitle);
})();
