package shop

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/countries"
	"boutique/orders"
	"boutique/payments"
	"boutique/store"
	"boutique/views"
)

// Messages the checkout shows.
const (
	msgEmptyBag         = "There's nothing in your bag at the moment"
	msgStripeFailed     = "Sorry, your payment cannot be processed right now. Please try again later. Your card has not been charged."
	msgNotYourIntent    = "Sorry, we couldn't find your payment. Please reload the page and try again. Your card has not been charged."
	msgBagChanged       = "Your bag changed — please check the new total"
	msgTooManyCheckouts = "You have started many checkouts in the last hour, so we can't start another just now. " +
		"Please try again later. Your card has not been charged."
)

// checkoutPage is GET /checkout/: the form, the card field and the summary,
// over the session's PaymentIntent, made once and reused.
func (app *App) checkoutPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	bagID := app.bagID(ctx)
	rows, err := app.bagRows(ctx, bagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if len(rows) == 0 {
		app.flash(ctx, "error", msgEmptyBag)
		http.Redirect(w, r, "/products/", http.StatusSeeOther)
		return
	}
	if app.pay == nil {
		app.renderCheckout(w, r, http.StatusOK, rows, nil, "", nil)
		return
	}
	addr := app.clientAddr(r)
	in, order, err := app.checkoutIntent(ctx, bagID, addr, rows)
	switch {
	case errors.Is(err, errTooManyCheckouts):
		app.log.Warn("checkout: too many new payments", "bag", bagID, "addr", addr)
		app.renderCheckout(w, r, http.StatusTooManyRequests, rows, nil, "",
			[]views.Message{{Level: "error", Text: msgTooManyCheckouts}})
	case err != nil:
		app.log.Error("checkout: payment intent", "err", err, "bag", bagID)
		app.renderCheckout(w, r, http.StatusServiceUnavailable, rows, nil, "",
			[]views.Message{{Level: "error", Text: msgStripeFailed}})
	case order != nil:
		// The bag was paid for already, and the order is recorded now.
		app.rememberOrder(ctx, order.OrderNumber)
		http.Redirect(w, r, views.SuccessURL(order.OrderNumber), http.StatusSeeOther)
	default:
		app.renderCheckout(w, r, http.StatusOK, rows, nil, in.ClientSecret, nil)
	}
}

// checkoutIntent finds the bag's PaymentIntent and brings its amount and
// bag up to date, or makes one. When Stripe says the bag's PaymentIntent
// has been paid, it records the order instead and returns it.
func (app *App) checkoutIntent(ctx context.Context, bagID, addr string, rows []store.ListBagLinesRow) (payments.Intent, *store.Order, error) {
	lines := cartLines(rows)
	total := app.cfg.Delivery.Price(lines).GrandTotal
	ck, err := app.q.LatestCheckout(ctx, bagID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return payments.Intent{}, nil, err
	}
	if err == nil {
		in, err := app.pay.Retrieve(ctx, ck.PaymentIntentID)
		if err != nil {
			return in, nil, err
		}
		switch in.Status {
		case "succeeded":
			order, _, err := app.orders.Fulfil(ctx, in, orders.DetailsFromIntent(in), "reconcile")
			return in, &order, err
		case "requires_payment_method", "requires_confirmation", "requires_action":
			if in.Amount == total && strings.EqualFold(in.Currency, app.cfg.Currency) {
				return in, nil, nil
			}
			in, err = app.sendBag(ctx, in.ID, ck.BagParts, lines, total, true, map[string]string{})
			return in, nil, err
		}
		// Canceled, or in a state that cannot take a new amount: start a
		// new PaymentIntent.
	}
	// A new PaymentIntent is a request to Stripe: a bag, and an address,
	// make a limited number an hour.
	recent, err := app.q.RecentCheckouts(ctx, store.RecentCheckoutsParams{BagID: bagID, ClientAddr: store.Nullable(addr),
		Since: store.Time(time.Now().Add(-time.Hour))})
	if err != nil {
		return payments.Intent{}, nil, err
	}
	if over(recent.ForBag, app.cfg.NewPaymentsPerBag) || over(recent.ForAddr, app.cfg.NewPaymentsPerAddress) {
		return payments.Intent{}, nil, errTooManyCheckouts
	}
	n, err := app.q.CountCheckouts(ctx, bagID)
	if err != nil {
		return payments.Intent{}, nil, err
	}
	meta := map[string]string{"save_info": "false", "username": ""}
	parts := payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
	// Two tabs opening the checkout of the same bag at once get the same
	// PaymentIntent back from Stripe.
	key := fmt.Sprintf("boutique-checkout-%s-%d-%d", bagID, n, total)
	in, err := app.pay.Create(ctx, total, app.cfg.Currency, key, meta)
	if err != nil {
		return in, nil, err
	}
	err = app.st.RecordCheckout(ctx, store.CreateCheckoutParams{
		PaymentIntentID: in.ID, BagID: bagID, Amount: total, Currency: app.cfg.Currency, BagParts: int64(parts), ClientAddr: store.Nullable(addr),
	})
	return in, nil, err
}

// over says whether n has reached a limit; a limit of 0 is none.
func over(n, limit int64) bool { return limit > 0 && n >= limit }

var (
	// errTooManyCheckouts is a new PaymentIntent past its hour's limits.
	errTooManyCheckouts = errors.New("too many new payments")
	// errBagTooLarge is a bag that does not fit in Stripe's metadata.
	errBagTooLarge = errors.New("the bag does not fit in the payment's metadata")
	// errStripeUpdate is Stripe refusing or failing the update.
	errStripeUpdate = errors.New("stripe did not take the update")
)

// sendBag puts the bag, with meta's other keys, in a PaymentIntent's
// metadata (clearing the pieces of a longer bag sent before), and the new
// total as its amount when it changed; then it records what the checkout
// holds now.
func (app *App) sendBag(ctx context.Context, pid string, prevParts int64, lines []cart.Line, total int64, amountChanged bool, meta map[string]string) (payments.Intent, error) {
	parts := payments.PutSplit(meta, "bag", cart.EncodeBag(lines), int(prevParts))
	if len(meta) > payments.MaxMetadataKeys {
		return payments.Intent{}, errBagTooLarge
	}
	amount := int64(0)
	if amountChanged {
		amount = total
	}
	in, err := app.pay.Update(ctx, pid, amount, meta)
	if err != nil {
		return in, fmt.Errorf("%w: %w", errStripeUpdate, err)
	}
	return in, app.st.RecordCheckoutChange(ctx, store.UpdateCheckoutParams{Amount: total, BagParts: int64(parts), PaymentIntentID: pid})
}

// renderCheckout draws the checkout page with the form as typed (nil for
// an empty one) and any messages.
func (app *App) renderCheckout(w http.ResponseWriter, r *http.Request, status int, rows []store.ListBagLinesRow, form *orderForm, clientSecret string, msgs []views.Message) {
	bag := app.pricedBag(rows)
	c, err := app.chromeFor(r, "Checkout", bag)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	c.Messages = append(c.Messages, msgs...)
	if form == nil {
		form = app.prefill(r)
	}
	co := views.Checkout{
		Bag:             bag,
		Fields:          viewFields(form),
		SignedIn:        c.User != "",
		SaveInfo:        true,
		Payments:        app.pay != nil && clientSecret != "",
		ClientSecret:    clientSecret,
		StripePublicKey: app.cfg.StripePublicKey,
		StripeJSURL:     app.cfg.StripeJSURL,
	}
	app.render(w, r, status, views.CheckoutPage(c, co))
}

var intentIDPattern = regexp.MustCompile(`^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$`)

// intentID is the PaymentIntent id of a client secret: the part before
// "_secret_".
func intentID(clientSecret string) (string, bool) {
	m := intentIDPattern.FindStringSubmatch(strings.TrimSpace(clientSecret))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// sessionCheckout is the checkout of a PaymentIntent if it belongs to this
// session's bag.
func (app *App) sessionCheckout(ctx context.Context, clientSecret string) (store.GetCheckoutRow, bool, error) {
	pid, ok := intentID(clientSecret)
	bagID := app.bagID(ctx)
	if !ok || bagID == "" {
		return store.GetCheckoutRow{}, false, nil
	}
	ck, err := app.q.GetCheckout(ctx, pid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && ck.BagID != bagID) {
		return store.GetCheckoutRow{}, false, nil
	}
	return ck, err == nil, err
}

// cacheCheckoutData is POST /checkout/cache_checkout_data/: just before the
// browser confirms the card payment, it puts the bag, the save-info choice
// and the username in the PaymentIntent's metadata, so the webhook can
// record the order when the browser never comes back. 400 with a message
// (kept for the page the browser reloads) when it cannot; then no card is
// charged.
func (app *App) cacheCheckoutData(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refuse := func(msg string) {
		app.flash(ctx, "error", msg)
		http.Error(w, msg, http.StatusBadRequest)
	}
	if app.pay == nil {
		refuse(msgStripeFailed)
		return
	}
	ck, ok, err := app.sessionCheckout(ctx, r.PostFormValue("client_secret"))
	if err != nil {
		app.log.Error("cache_checkout_data: checkout lookup", "err", err)
		refuse(msgStripeFailed)
		return
	}
	if !ok {
		app.log.Warn("cache_checkout_data: a payment intent that is not the session's", "client_secret_prefix", firstN(r.PostFormValue("client_secret"), 27))
		refuse(msgNotYourIntent)
		return
	}
	rows, err := app.bagRows(ctx, ck.BagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if len(rows) == 0 {
		refuse(msgEmptyBag)
		return
	}
	lines := cartLines(rows)
	total := app.cfg.Delivery.Price(lines).GrandTotal
	username := ""
	if u, ok := app.currentUser(r); ok {
		username = u.Username
	}
	meta := map[string]string{
		"save_info": fmt.Sprint(r.PostFormValue("save_info") == "true" && username != ""),
		"username":  username,
	}
	changed := total != ck.Amount
	switch _, err := app.sendBag(ctx, ck.PaymentIntentID, ck.BagParts, lines, total, changed, meta); {
	case errors.Is(err, errBagTooLarge):
		refuse("Your bag is too large for one order. Please split it into smaller orders.")
		return
	case errors.Is(err, errStripeUpdate):
		app.log.Error("cache_checkout_data: stripe update", "payment_intent", ck.PaymentIntentID, "err", err)
		refuse(msgStripeFailed)
		return
	case err != nil:
		app.serverError(w, r, err)
		return
	}
	if changed {
		refuse(msgBagChanged)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// checkoutSubmit is POST /checkout/: the browser posts the order form once
// Stripe.js says the card payment succeeded. Only a PaymentIntent that
// Stripe says succeeded becomes an order.
func (app *App) checkoutSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := readOrderForm(r)
	secret := r.PostFormValue("client_secret")
	pid, _ := intentID(secret)

	// A form posted again after its order was recorded: show the order.
	if pid != "" {
		if order, err := app.q.GetOrderByPID(ctx, pid); err == nil && app.ownsOrder(ctx, order.OrderNumber) {
			http.Redirect(w, r, views.SuccessURL(order.OrderNumber), http.StatusSeeOther)
			return
		}
	}

	rows, err := app.bagRows(ctx, app.bagID(ctx))
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	again := func(status int, msg string) {
		var msgs []views.Message
		if msg != "" {
			msgs = append(msgs, views.Message{Level: "error", Text: msg})
		}
		if len(rows) == 0 {
			app.flash(ctx, "error", cmp.Or(msg, msgEmptyBag))
			http.Redirect(w, r, "/bag/", http.StatusSeeOther)
			return
		}
		app.renderCheckout(w, r, status, rows, &form, secret, msgs)
	}
	if app.pay == nil {
		again(http.StatusServiceUnavailable, msgStripeFailed)
		return
	}
	ck, ok, err := app.sessionCheckout(ctx, secret)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if !ok {
		secret = ""
		again(http.StatusBadRequest, msgNotYourIntent)
		return
	}
	in, err := app.pay.Retrieve(ctx, ck.PaymentIntentID)
	if err != nil {
		app.log.Error("checkout: retrieve", "payment_intent", ck.PaymentIntentID, "err", err)
		again(http.StatusServiceUnavailable, "We couldn't check your payment with our payment provider just now. "+
			"If your card was charged, your order will still be recorded and confirmed by email; please don't pay twice.")
		return
	}
	if !in.Succeeded() {
		msg := "Your payment has not gone through, so no order was placed."
		if in.LastError != "" {
			msg += " " + in.LastError
		}
		if !form.valid() {
			msg = "Please check your details below. " + msg
		}
		again(http.StatusUnprocessableEntity, msg)
		return
	}

	d := form.details()
	if !form.valid() {
		// The card was charged with the details the browser gave Stripe;
		// record the order with those rather than turn a paid order away.
		app.log.Warn("checkout: paid, but the posted form is invalid; using Stripe's details", "payment_intent", in.ID, "errors", form.errors)
		d = orders.DetailsFromIntent(in)
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
}

var orderNumberPattern = regexp.MustCompile(`^[0-9A-F]{32}$`)

// checkoutSuccess is the order confirmation, shown only to the session that
// placed the order, its signed-in owner and staff. The bag it paid for was
// emptied when the order was recorded.
func (app *App) checkoutSuccess(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	number := r.PathValue("order_number")
	if !orderNumberPattern.MatchString(number) {
		app.notFound(w, r)
		return
	}
	order, err := app.q.GetOrderByNumber(ctx, number)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	if !app.canSeeOrder(r, order) {
		app.notFound(w, r)
		return
	}
	lines, err := app.q.ListOrderLines(ctx, order.ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, "Thank you", func(c views.Chrome) templ.Component {
		return views.SuccessPage(c, app.orderView(order, lines), false)
	})
}

func (app *App) orderView(o store.Order, lines []store.OrderLineItem) views.Order {
	cur := o.Currency
	v := views.Order{
		Number: o.OrderNumber, Date: orders.OrderDate(o.CreatedAt),
		FullName: o.FullName.String, Email: o.Email.String, Phone: o.PhoneNumber.String,
		Street1: o.StreetAddress1.String, Street2: o.StreetAddress2.String, Town: o.TownOrCity.String,
		County: o.County.String, Postcode: o.Postcode.String, Country: cmp.Or(countries.Name(o.Country.String), o.Country.String),
		Total: cart.Format(o.OrderTotal, cur), Delivery: cart.Format(o.DeliveryCost, cur), GrandTotal: cart.Format(o.GrandTotal, cur),
	}
	for _, l := range lines {
		v.Lines = append(v.Lines, views.OrderLine{
			Name: l.ProductName, Size: l.ProductSize.String, Quantity: l.Quantity,
			UnitPrice: cart.Format(l.UnitPrice, cur), Subtotal: cart.Format(l.LineitemTotal, cur),
		})
	}
	return v
}

// prefill is the order form a signed-in shopper starts with: their email
// and their profile's delivery defaults. Guests start with it empty.
func (app *App) prefill(r *http.Request) *orderForm {
	u, ok := app.currentUser(r)
	if !ok {
		return nil
	}
	f := &orderForm{values: map[string]string{"email": u.Email}, errors: map[string]string{}}
	if p, err := app.q.GetProfile(r.Context(), u.ID); err == nil {
		for k, v := range profileValues(p) {
			f.values[k] = v
		}
	}
	return f
}
