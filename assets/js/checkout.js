// The checkout's Stripe Elements glue. On submit: check the form, disable
// the card field and the button, show the overlay; post the client secret
// and the save box to cache_checkout_data; on 200 confirm the card payment
// with the form's trimmed details; when it succeeded, submit the form. A
// failure before the payment reloads the page to show why (no card has
// been charged); a card error shows under the card field and gives the
// form back. Nothing here leaves the shopper with an endless spinner.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof window.Stripe !== "function") {
    var errors = document.getElementById("card-errors");
    if (form && errors) errors.textContent = "The card field could not load. Please check your connection and reload the page.";
    return;
  }

  var clientSecret = form.elements["client_secret"].value;
  var csrfToken = form.elements["csrf_token"].value;
  var button = document.getElementById("submit-button");
  var overlay = document.getElementById("loading-overlay");
  var cardErrors = document.getElementById("card-errors");
  var stripe = window.Stripe(form.dataset.stripePublicKey);
  var card = stripe.elements().create("card", {
    style: {
      base: { color: "#1d2430", fontSize: "16px", "::placeholder": { color: "#8a919c" } },
      invalid: { color: "#b8432c", iconColor: "#b8432c" }
    }
  });
  card.mount("#card-element");
  card.on("change", function (event) {
    cardErrors.textContent = event.error ? event.error.message : "";
  });
  // The button waits for the card field: without this script it stays
  // disabled, and the page says card payment needs JavaScript.
  card.on("ready", function () { button.disabled = false; });
  // A page brought back from the browser's history (Back after paying)
  // is never left spinning: ask the shop again, which shows the order
  // if it was paid, or the live form if not.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  function busy(on) {
    card.update({ disabled: on });
    button.disabled = on;
    overlay.hidden = !on;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function fail(message) {
    cardErrors.textContent = message;
    busy(false);
  }

  function value(name) {
    var el = form.elements[name];
    return el ? el.value.trim() : "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    busy(true);
    var saveBox = document.getElementById("id-save-info");
    var body = new URLSearchParams();
    body.set("client_secret", clientSecret);
    body.set("bag_version", form.elements["bag_version"].value);
    body.set("save_info", saveBox && saveBox.checked ? "true" : "false");
    body.set("email", value("email"));

    fetch(form.dataset.cacheUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken, "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (res) {
      if (res.status === 200) return confirm();
      if (res.status === 400) {
        // The shop kept a message for the page: show it. No card was charged.
        window.location.reload();
        return;
      }
      fail("We couldn't start your payment (error " + res.status + "). Your card has not been charged. Please try again.");
    }, function () {
      fail("We couldn't reach the shop. Your card has not been charged. Please check your connection and try again.");
    });
  });

  function confirm() {
    var address = {
      line1: value("street_address1"),
      line2: value("street_address2"),
      city: value("town_or_city"),
      country: value("country"),
      state: value("county")
    };
    return stripe.confirmCardPayment(clientSecret, {
      payment_method: {
        card: card,
        billing_details: {
          name: value("full_name"),
          email: value("email"),
          phone: value("phone_number"),
          address: address
        }
      },
      shipping: {
        name: value("full_name"),
        phone: value("phone_number"),
        address: {
          line1: address.line1,
          line2: address.line2,
          city: address.city,
          country: address.country,
          postal_code: value("postcode"),
          state: address.state
        }
      }
    }).then(function (result) {
      if (result.error) {
        fail(result.error.message || "Your card could not be charged.");
        return;
      }
      var status = result.paymentIntent && result.paymentIntent.status;
      if (status === "succeeded") {
        form.submit();
        return;
      }
      fail("Your payment is " + (status || "in an unknown state") + ", so your order was not placed. Please try again or use another card.");
    }, function () {
      fail("We couldn't reach our payment provider. If your card was charged, your order will still be recorded and confirmed by email; please don't pay twice.");
    });
  }
})();
