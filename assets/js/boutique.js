// Small enhancements that the pages work without: every form here also
// submits as a plain request when this file is not loaded.
(function () {
  "use strict";

  // A select marked data-autosubmit submits its form as soon as it changes,
  // so the "Sort" button is only needed without JavaScript.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit();
    }
  });

  // Toasts close on their button and on Escape.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-dismiss]");
    if (button) {
      var toast = button.closest(".toast");
      if (toast) toast.remove();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("#toasts .toast").forEach(function (t) { t.remove(); });
    }
  });
})();
