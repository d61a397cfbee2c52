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
  // htmx: the shop answers a request it cannot do with an error toast
  // (HX-Retarget #toasts), which is swapped in whatever its status. Any
  // other failure (no network, a proxy's error page) gets a toast here, so
  // no click ever ends in silence.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget") === "#toasts") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.getResponseHeader("HX-Retarget") !== "#toasts") {
      showToast("error", "Something went wrong (" + xhr.status + "). Please reload the page and try again.");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("error", "We couldn't reach the shop. Please check your connection and try again.");
  });

  // Keep the newest few toasts only.
  document.addEventListener("htmx:afterSettle", trimToasts);
  function trimToasts() {
    var toasts = document.querySelectorAll("#toasts .toast");
    for (var i = 3; i < toasts.length; i++) toasts[i].remove();
  }

  function showToast(level, text) {
    var area = document.getElementById("toasts");
    if (!area) return;
    var toast = document.createElement("div");
    toast.className = "toast " + level;
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    var p = document.createElement("p");
    p.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("data-dismiss", "");
    close.setAttribute("aria-label", "Close");
    close.textContent = "×";
    toast.appendChild(p);
    toast.appendChild(close);
    area.prepend(toast);
    trimToasts();
  }

  // A form marked data-once (Add to bag) takes no second click for a
  // moment after its answer: the second click of a double click lands
  // there, however fast the shop answered the first.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
    form.classList.add("cooling");
    setTimeout(function () { form.classList.remove("cooling"); }, 500);
  });

  // Good news closes by itself; errors stay until closed.
  function closeGoodNewsLater() {
    document.querySelectorAll("#toasts .toast.success:not([data-closing])").forEach(function (toast) {
      toast.setAttribute("data-closing", "");
      setTimeout(function () { toast.remove(); }, 8000);
    });
  }
  document.addEventListener("htmx:afterSettle", closeGoodNewsLater);
  document.addEventListener("DOMContentLoaded", closeGoodNewsLater);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("#toasts .toast").forEach(function (t) { t.remove(); });
    }
  });
})();
