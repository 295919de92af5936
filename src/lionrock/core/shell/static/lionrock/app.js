// Lionrock: small progressive enhancements. Pages work without JavaScript; this only adds comfort.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (csrf) { event.detail.headers["X-CSRFToken"] = csrf.content; }
  });
  // Language switcher: submit on change (a button remains for keyboard and no-script users).
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Copy buttons for one-time secrets.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.setAttribute("data-copied", "true");
        });
      }
    });
  });
  // A form sent back with errors: move to the summary of them, so a screen reader starts there.
  var errorSummary = document.querySelector("[data-error-summary]");
  if (errorSummary) { errorSummary.focus(); }
  // Confirmation for destructive buttons.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
