// People and cohorts: small progressive enhancements. Every form here works without this file.
(function () {
  "use strict";

  // Forms that delete or remove something ask first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Show the chosen photo before it is uploaded. A data: URL, because the CSP allows data: images only.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][name=avatar]")) { return; }
    // The preview <img> is made here: an <img> needs a src, and there is none until a photo is chosen.
    var slot = document.querySelector("[data-avatar-preview-slot]");
    if (!slot) { return; }
    var preview = slot.querySelector("img");
    if (!preview) {
      preview = document.createElement("img");
      preview.className = "avatar avatar--lg avatar-edit__preview";
      preview.alt = "Preview of the chosen photo";
      preview.hidden = true;
      slot.appendChild(preview);
    }
    var file = input.files && input.files[0];
    if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
      preview.hidden = true;
      preview.removeAttribute("src");
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      preview.src = reader.result;
      preview.hidden = false;
    };
    reader.readAsDataURL(file);
  });

  // After a form with errors is shown again, move focus to the error summary so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
