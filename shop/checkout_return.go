package shop

import (
	"cmp"
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/orders"
	"boutique/payments"
	"boutique/views"
)

// returnPath is where Stripe sends a shopper back after a payment method
// that redirects.
const returnPath = "/checkout/return/"

// returnURL is the return URL the checkout gives Stripe.js: the shop's
// base URL's when it has one (never the request's Host), else the path,
// which the page resolves against its own address.
func (app *App) returnURL() string {
	if base, ok := app.baseURL(); ok {
		return base + returnPath
	}
	return returnPath
}

// checkoutReturn is GET /checkout/return/: where Stripe sends a shopper
// back from a payment method that redirects (their bank, a 3-D Secure
// page). The query names the PaymentIntent (payment_intent,
// payment_intent_client_secret, redirect_status), but only Stripe's own
// answer about it decides anything, and only for a PaymentIntent of this
// session's bag whose client secret matches: succeeded records the order
// through the same fulfilment as the form and shows it; processing says
// the payment is on its way; anything else gives the form back with
// Stripe's message. Anything else records nothing.
func (app *App) checkoutReturn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	secret := q.Get("payment_intent_client_secret")
	notYours := func() {
		app.errorPage(w, r, http.StatusBadRequest, "We couldn't find that payment",
			"This link doesn't name a payment made from this browser, so nothing was recorded. "+
				"If you paid, your order is confirmed by email; your bag is kept.")
	}
	pid, ok := intentID(secret)
	if !ok || pid != q.Get("payment_intent") || app.pay == nil {
		notYours()
		return
	}
	ck, ok, err := app.sessionCheckout(ctx, secret)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if !ok {
		app.log.Warn("checkout return: a payment intent that is not the session's", "payment_intent", pid)
		notYours()
		return
	}
	in, err := app.pay.Retrieve(ctx, ck.PaymentIntentID)
	if err == nil && in.ClientSecret != "" && in.ClientSecret != secret {
		notYours()
		return
	}
	if err != nil {
		app.log.Error("checkout return: retrieve", "payment_intent", pid, "err", err)
		app.errorPage(w, r, http.StatusServiceUnavailable, "We couldn't check your payment just now",
			"If you were charged, your order will still be recorded and confirmed by email; please don't pay twice.")
		return
	}
	app.afterPayment(w, r, in, secret, nil)
}

// afterPayment answers a page that has just heard from Stripe about the
// session's payment: the order when it succeeded (recorded with d, or the
// details the shopper gave Stripe when d is nil), the processing page
// when it settles later, or the checkout again with Stripe's message.
func (app *App) afterPayment(w http.ResponseWriter, r *http.Request, in payments.Intent, secret string, form *orderForm) {
	ctx := r.Context()
	switch {
	case in.Succeeded():
		d := orders.DetailsFromIntent(in)
		if form != nil && form.valid() {
			d = form.details()
		}
		order, _, err := app.orders.Fulfil(ctx, in, d, "form")
		if err != nil {
			app.log.Error("checkout: recording a paid order failed", "payment_intent", in.ID, "err", err)
			app.errorPage(w, r, http.StatusInternalServerError, "Your payment went through",
				"but we couldn't record your order just now. Please don't pay again: the order will be recorded from your payment and confirmed by email.")
			return
		}
		app.rememberOrder(ctx, order.OrderNumber)
		http.Redirect(w, r, views.SuccessURL(order.OrderNumber), http.StatusSeeOther)
	case in.Processing():
		app.showProcessing(w, r, in)
	default:
		rows, err := app.bagRows(ctx, app.bagID(ctx))
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		msg := "Your payment has not gone through, so no order was placed."
		if in.LastError != "" {
			msg += " " + in.LastError
		}
		if form != nil && !form.valid() {
			msg = "Please check your details below. " + msg
		}
		if len(rows) == 0 {
			app.flash(ctx, "error", msg)
			http.Redirect(w, r, "/bag/", http.StatusSeeOther)
			return
		}
		if form == nil && (in.Billing.Name != "" || in.Shipping != nil) {
			// Back from a bank's page: the details the shopper typed
			// went to Stripe with the payment.
			form = formFromDetails(orders.DetailsFromIntent(in))
		}
		app.renderCheckout(w, r, http.StatusUnprocessableEntity, rows, form, secret, []views.Message{{Level: "error", Text: msg}})
	}
}

// showProcessing records that the session's payment is processing and
// says so: no order yet, and an email when it settles.
func (app *App) showProcessing(w http.ResponseWriter, r *http.Request, in payments.Intent) {
	if _, err := app.orders.Processing(r.Context(), in, nil); err != nil {
		app.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	amount := cart.Format(in.Amount, in.Currency)
	app.renderPage(w, r, http.StatusOK, "Payment processing", func(c views.Chrome) templ.Component {
		return views.ProcessingPage(c, amount, cmp.Or(in.Billing.Email, ""))
	})
}

// errPaymentProcessing is a bag whose payment is processing: no new
// payment may start for it until that one settles.
var errPaymentProcessing = errors.New("the bag's payment is processing")

// isProcessing says whether err is a bag whose payment is processing.
func isProcessing(err error) bool { return errors.Is(err, errPaymentProcessing) }

// applePayPath is where Apple looks for a domain's association file when
// Stripe registers the domain for Apple Pay.
const applePayPath = "/.well-known/apple-developer-merchantid-domain-association"

// applePayDomain serves the Apple Pay domain association file the owner
// downloaded from Stripe (BOUTIQUE_APPLE_PAY_DOMAIN_FILE), or 404.
func (app *App) applePayDomain(w http.ResponseWriter, r *http.Request) {
	if app.cfg.ApplePayDomainFile == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(app.cfg.ApplePayDomainFile)
}
