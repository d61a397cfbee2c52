// The checkout's Stripe glue, over the Payment Element. On submit: check
// the form and the element, make both read-only and show the overlay;
// post the client secret, the save box and the email to
// cache_checkout_data; on 200 confirm the payment with the form's trimmed
// details; when it succeeded (or is processing, for methods that settle
// later), submit the form. Methods that redirect come back to the return
// URL instead. A failure before the payment reloads the page to show why
// (nothing has been charged); a payment error shows under the payment
// field and gives the form back. Nothing here leaves the shopper with an
// endless spinner.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof window.Stripe !== "function") {
    var errors = document.getElementById("payment-errors");
    if (form && errors) errors.textContent = "The payment field could not load. Please check your connection and reload the page.";
    return;
  }

  var clientSecret = form.elements["client_secret"].value;
  var csrfToken = form.elements["csrf_token"].value;
  var button = document.getElementById("submit-button");
  var overlay = document.getElementById("loading-overlay");
  var payErrors = document.getElementById("payment-errors");
  var stripe = window.Stripe(form.dataset.stripePublicKey);
  var elements = stripe.elements({
    clientSecret: clientSecret,
    appearance: { theme: "stripe", variables: { colorText: "#1d2430", colorDanger: "#b8432c", fontSizeBase: "16px" } }
  });
  // The order form has the name, email, phone and address: the element
  // asks only what the payment method itself needs.
  var payment = elements.create("payment", {
    fields: { billingDetails: { name: "never", email: "never", phone: "never", address: "never" } }
  });
  payment.mount("#payment-element");
  payment.on("change", function (event) {
    if (event.error) payErrors.textContent = event.error.message;
  });
  // The button waits for the payment field: without this script it stays
  // disabled, and the page says paying needs JavaScript.
  payment.on("ready", function () { button.disabled = false; });
  // A page brought back from the browser's history (Back after paying)
  // is never left spinning: ask the shop again, which shows the order
  // if it was paid, or the live form if not.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });

  function busy(on) {
    payment.update({ readOnly: on });
    button.disabled = on;
    overlay.hidden = !on;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function fail(message) {
    payErrors.textContent = message;
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
    // The element checks what it holds first; nothing is sent yet.
    elements.submit().then(function (checked) {
      if (checked && checked.error) {
        fail(checked.error.message);
        return;
      }
      cache();
    }, function () {
      fail("We couldn't reach our payment provider. Your card has not been charged. Please try again.");
    });
  });

  function cache() {
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
  }

  function confirm() {
    var address = {
      line1: value("street_address1"),
      line2: value("street_address2"),
      city: value("town_or_city"),
      country: value("country"),
      state: value("county")
    };
    var billing = { name: value("full_name"), email: value("email"), phone: value("phone_number"),
      address: { line1: address.line1, line2: address.line2, city: address.city, country: address.country,
        postal_code: value("postcode"), state: address.state } };
    // Methods that send the shopper away (their bank, a 3-D Secure page
    // that is not a pop-up) come back to the return URL, which the shop
    // checks with Stripe; the others answer here.
    return stripe.confirmPayment({
      elements: elements,
      confirmParams: {
        return_url: new URL(form.dataset.returnUrl, window.location.href).toString(),
        payment_method_data: { billing_details: billing },
        shipping: { name: billing.name, phone: billing.phone, address: billing.address }
      },
      redirect: "if_required"
    }).then(function (result) {
      if (result.error) {
        fail(result.error.message || "Your payment could not be taken.");
        return;
      }
      var status = result.paymentIntent && result.paymentIntent.status;
      if (status === "succeeded" || status === "processing") {
        // The shop checks with Stripe, then shows the order, or that the
        // payment is on its way.
        form.submit();
        return;
      }
      fail("Your payment is " + (status || "in an unknown state") + ", so your order was not placed. Please try again or use another way to pay.");
    }, function () {
      fail("We couldn't reach our payment provider. If you were charged, your order will still be recorded and confirmed by email; please don't pay twice.");
    });
  }
})();
