// A test Stripe.js for the fake Stripe, tests only. Stripe(key).elements(
// {clientSecret}) makes a Payment Element stand-in ("payment"): a choice of
// payment method (card; iDEAL and Bancontact, which redirect; SEPA Direct
// Debit, which settles later) and, for cards, a card number field. It has
// mount, on ("change", and "ready" after mount) and update; elements.submit
// checks it; stripe.confirmPayment posts the method, the card number and
// the details the page passed to the fake, then, with redirect
// "if_required", answers as Stripe.js does for a card or a delayed method,
// and for a redirect method navigates to the return_url with
// payment_intent, payment_intent_client_secret and redirect_status. The
// legacy card element and confirmCardPayment are kept too.
(function () {
  "use strict";
  var base = new URL(document.currentScript.src).origin;

  var methods = [
    ["card", "Card"],
    ["ideal", "iDEAL (redirects to your bank, which approves)"],
    ["bancontact", "Bancontact (redirects to your bank, which declines)"],
    ["sepa_debit", "SEPA Direct Debit (settles in a few days)"]
  ];

  function makeElement(type) {
    var box = document.createElement("div");
    box.className = "test-payment-element";
    var select = null;
    if (type === "payment") {
      select = document.createElement("select");
      select.name = "payment_method_type";
      select.setAttribute("aria-label", "Payment method");
      methods.forEach(function (m) {
        var o = document.createElement("option");
        o.value = m[0];
        o.textContent = m[1];
        select.appendChild(o);
      });
      box.appendChild(select);
    }
    var input = document.createElement("input");
    input.type = "text";
    input.name = "cardnumber";
    input.autocomplete = "cc-number";
    input.inputMode = "numeric";
    input.className = "test-card-input";
    input.placeholder = "Card number";
    input.setAttribute("aria-label", "Card number");
    box.appendChild(input);
    var handlers = {};
    function method() { return select ? select.value : "card"; }
    function emit() {
      var digits = input.value.replace(/\D/g, "");
      var complete = method() !== "card" || digits.length >= 16;
      (handlers.change || []).forEach(function (h) {
        h({ elementType: type, empty: digits === "" && method() === "card", complete: complete, value: { type: method() } });
      });
    }
    input.addEventListener("input", emit);
    if (select) {
      select.addEventListener("change", function () {
        input.hidden = method() !== "card";
        emit();
      });
    }
    return {
      mount: function (target) {
        (typeof target === "string" ? document.querySelector(target) : target).appendChild(box);
        // As Stripe's element does once its frame has loaded.
        setTimeout(function () {
          (handlers.ready || []).forEach(function (h) { h({ elementType: type }); });
        }, 0);
      },
      on: function (event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
      },
      update: function (options) {
        var off = options && (options.disabled || options.readOnly);
        if (options && ("disabled" in options || "readOnly" in options)) {
          input.disabled = !!off;
          if (select) select.disabled = !!off;
        }
      },
      _method: method,
      _number: function () {
        return input.value.replace(/\s+/g, "");
      }
    };
  }

  function post(body) {
    return fetch(base + "/test/confirm", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) { return res.json(); });
  }

  window.Stripe = function (publishableKey) {
    if (!publishableKey || publishableKey.indexOf("pk_") !== 0) {
      throw new Error("Stripe(): a publishable key (pk_...) is required");
    }
    return {
      elements: function (options) {
        var made = null;
        var clientSecret = options && options.clientSecret;
        return {
          create: function (type) {
            if (type !== "card" && type !== "payment") throw new Error("the test Stripe.js has only the card and payment elements");
            made = makeElement(type);
            return made;
          },
          submit: function () {
            if (made && made._method() === "card" && made._number().length < 16) {
              return Promise.resolve({ error: { type: "validation_error", code: "incomplete_number", message: "Your card number is incomplete." } });
            }
            return Promise.resolve({});
          },
          _element: function () { return made; },
          _clientSecret: function () { return clientSecret; }
        };
      },
      confirmPayment: function (params) {
        var els = params.elements;
        var el = els._element();
        var secret = params.clientSecret || els._clientSecret();
        var cp = params.confirmParams || {};
        var pmd = cp.payment_method_data || {};
        return post({
          client_secret: secret,
          method: el._method(),
          card_number: el._number(),
          billing_details: pmd.billing_details || null,
          shipping: cp.shipping || null
        }).then(function (answer) {
          var needsRedirect = answer.redirect_status !== undefined;
          if (needsRedirect || params.redirect !== "if_required") {
            if (!cp.return_url) {
              return { error: { type: "invalid_request_error", message: "confirmPayment needs confirmParams.return_url" } };
            }
            var u = new URL(cp.return_url, location.href);
            var pi = answer.paymentIntent || {};
            u.searchParams.set("payment_intent", pi.id || secret.split("_secret_")[0]);
            u.searchParams.set("payment_intent_client_secret", secret);
            u.searchParams.set("redirect_status", answer.redirect_status || (answer.error ? "failed" : "succeeded"));
            window.location.assign(u.toString());
            return new Promise(function () {}); // the page is leaving
          }
          return answer;
        });
      },
      confirmCardPayment: function (clientSecret, data) {
        var pm = (data && data.payment_method) || {};
        return post({
          client_secret: clientSecret,
          method: "card",
          card_number: pm.card && pm.card._number ? pm.card._number() : "",
          billing_details: pm.billing_details || null,
          shipping: (data && data.shipping) || null
        });
      }
    };
  };
})();
