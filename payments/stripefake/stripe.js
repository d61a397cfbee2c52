// A test Stripe.js for the fake Stripe: Stripe(key), elements().create("card")
// with mount, on (change, and ready after mount), update, and
// confirmCardPayment, which posts the card number and the details the page
// passed to the fake. Tests only.
(function () {
  "use strict";
  var base = new URL(document.currentScript.src).origin;

  function makeCard() {
    var input = document.createElement("input");
    input.type = "text";
    input.name = "cardnumber";
    input.autocomplete = "cc-number";
    input.inputMode = "numeric";
    input.className = "test-card-input";
    input.placeholder = "Card number";
    input.setAttribute("aria-label", "Card number");
    var handlers = {};
    input.addEventListener("input", function () {
      var digits = input.value.replace(/\D/g, "");
      (handlers.change || []).forEach(function (h) {
        h({ elementType: "card", empty: digits === "", complete: digits.length >= 16, error: undefined });
      });
    });
    return {
      mount: function (target) {
        (typeof target === "string" ? document.querySelector(target) : target).appendChild(input);
        // As Stripe's element does once its frame has loaded.
        setTimeout(function () {
          (handlers.ready || []).forEach(function (h) { h({ elementType: "card" }); });
        }, 0);
      },
      on: function (event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
      },
      update: function (options) {
        if (options && "disabled" in options) input.disabled = !!options.disabled;
      },
      _number: function () {
        return input.value.replace(/\s+/g, "");
      }
    };
  }

  window.Stripe = function (publishableKey) {
    if (!publishableKey || publishableKey.indexOf("pk_") !== 0) {
      throw new Error("Stripe(): a publishable key (pk_...) is required");
    }
    return {
      elements: function () {
        return {
          create: function (type) {
            if (type !== "card") throw new Error("the test Stripe.js has only the card element");
            return makeCard();
          }
        };
      },
      confirmCardPayment: function (clientSecret, data) {
        var pm = (data && data.payment_method) || {};
        return fetch(base + "/test/confirm", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            client_secret: clientSecret,
            card_number: pm.card && pm.card._number ? pm.card._number() : "",
            billing_details: pm.billing_details || null,
            shipping: (data && data.shipping) || null
          })
        }).then(function (res) { return res.json(); });
      }
    };
  };
})();
