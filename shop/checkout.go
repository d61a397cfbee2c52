package shop

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
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
	msgBagTooLarge      = "Your bag is too large for one order. Please split it into smaller orders."
	msgUnavailable      = "Some items in your bag are no longer available. Please remove them to check out."
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
	// The browser never keeps this page: Back after paying asks again.
	w.Header().Set("Cache-Control", "no-store")
	if len(rows) == 0 {
		// Back after paying: the bag is empty because it was just paid
		// for, so show the order rather than an empty checkout.
		if number, err := app.q.RecentPaidCheckout(ctx, store.RecentPaidCheckoutParams{BagID: bagID,
			Since: store.Nullable(store.Time(time.Now().Add(-recentlyPaid)))}); err == nil && bagID != "" {
			app.rememberOrder(ctx, number)
			http.Redirect(w, r, views.SuccessURL(number), http.StatusSeeOther)
			return
		}
		app.flash(ctx, "error", msgEmptyBag)
		http.Redirect(w, r, "/products/", http.StatusSeeOther)
		return
	}
	if app.pay == nil {
		app.renderCheckout(w, r, http.StatusOK, rows, nil, "", nil)
		return
	}
	if unavailable(rows) {
		app.flash(ctx, "error", msgUnavailable)
		http.Redirect(w, r, "/bag/", http.StatusSeeOther)
		return
	}
	if _, msg, err := app.bagShortages(ctx, bagID, rows); err != nil {
		app.serverError(w, r, err)
		return
	} else if msg != "" {
		app.flash(ctx, "error", msg)
		http.Redirect(w, r, "/bag/", http.StatusSeeOther)
		return
	}
	addr := app.clientAddr(r)
	var userID int64
	if u, ok := app.currentUser(r); ok {
		userID = u.ID
	}
	unlock := app.checkoutLocks.lock(bagID)
	in, order, err := app.checkoutIntent(ctx, bagID, addr, userID)
	unlock()
	switch {
	case errors.Is(err, errTooManyCheckouts):
		app.log.Warn("checkout: too many new payments", "bag", bagID, "addr", addr)
		app.renderCheckout(w, r, http.StatusTooManyRequests, rows, nil, "",
			[]views.Message{{Level: "error", Text: msgTooManyCheckouts}})
	case errors.Is(err, errBagTooLarge):
		app.renderCheckout(w, r, http.StatusUnprocessableEntity, rows, nil, "",
			[]views.Message{{Level: "error", Text: msgBagTooLarge}})
	case isProcessing(err):
		app.showProcessing(w, r, in.Intent)
	case errors.Is(err, errBagChanged):
		// Emptied meanwhile: paid for in another tab.
		app.flash(ctx, "error", msgEmptyBag)
		http.Redirect(w, r, "/products/", http.StatusSeeOther)
	case err != nil:
		app.log.Error("checkout: payment intent", "err", err, "bag", bagID)
		app.renderCheckout(w, r, http.StatusServiceUnavailable, rows, nil, "",
			[]views.Message{{Level: "error", Text: msgStripeFailed}})
	case order != nil:
		// The bag was paid for already, and the order is recorded now.
		app.rememberOrder(ctx, order.OrderNumber)
		http.Redirect(w, r, views.SuccessURL(order.OrderNumber), http.StatusSeeOther)
	default:
		// The page shows the bag the PaymentIntent holds now.
		app.renderCheckout(w, r, http.StatusOK, in.rows, nil, in.ClientSecret, nil)
	}
}

// A syncedIntent is a bag's PaymentIntent with the bag its amount and
// metadata hold: the rows, at their version.
type syncedIntent struct {
	payments.Intent
	rows []store.ListBagLinesRow
}

// confirmingFor is how long after the shopper's browser was told to
// confirm a payment its PaymentIntent is left alone: a bag changed in
// another tab meanwhile gets a PaymentIntent of its own rather than
// changing what the first tab is paying.
const confirmingFor = 15 * time.Minute

// recentlyPaid is how long after its bag was paid for the checkout page
// shows the order instead (Back from the confirmation).
const recentlyPaid = time.Hour

// checkoutIntent finds the bag's PaymentIntent and brings its amount and
// bag up to date together, or makes one, from the bag as it is now. When
// Stripe says the bag's PaymentIntent has been paid, it records the order
// instead and returns it. The caller holds the bag's checkout lock, so no
// other tab's update to the same PaymentIntent can land between.
func (app *App) checkoutIntent(ctx context.Context, bagID, addr string, userID int64) (syncedIntent, *store.Order, error) {
	rows, err := app.bagRows(ctx, bagID)
	if err != nil || len(rows) == 0 {
		return syncedIntent{}, nil, cmp.Or(err, errBagChanged)
	}
	lines := cartLines(rows)
	bag := cart.EncodeBag(lines)
	version := rows[0].BagVersion
	ck, err := app.q.LatestCheckout(ctx, bagID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return syncedIntent{}, nil, err
	}
	// The bag's code as it applies to its open PaymentIntent (whose own
	// hold on the code does not count against it).
	t, applied, derr := app.priceRows(ctx, rows, ck.PaymentIntentID, "")
	if derr != nil {
		return syncedIntent{}, nil, derr
	}
	total, disc := t.GrandTotal, paidDiscountOf(t, applied)
	if err == nil {
		in, err := app.pay.Retrieve(ctx, ck.PaymentIntentID)
		if err != nil {
			return syncedIntent{}, nil, err
		}
		switch in.Status {
		case "succeeded":
			order, _, err := app.orders.Fulfil(ctx, in, orders.DetailsFromIntent(in), "reconcile")
			return syncedIntent{Intent: in}, &order, err
		case "processing":
			// Paid by a method that settles later: not another payment
			// for the same bag meanwhile.
			return syncedIntent{Intent: in}, nil, errPaymentProcessing
		case "requires_payment_method", "requires_confirmation", "requires_action":
			if holdsBag(ck.BagVersion, ck.Bag, version, bag) && in.Amount == total && strings.EqualFold(in.Currency, app.cfg.Currency) &&
				ck.DiscountCode.String == disc.code && ck.Discount == disc.off {
				return syncedIntent{in, rows}, nil, nil
			}
			if !confirming(ck.ConfirmingAt) {
				in, err = app.sendBag(ctx, in.ID, ck.BagParts, bag, version, total, disc)
				return syncedIntent{in, rows}, nil, err
			}
			// Another tab may be paying this PaymentIntent for the
			// bag as it was: a new one for the bag as it is.
		}
		// Canceled, or in a state that cannot take a new amount: start a
		// new PaymentIntent.
	}
	// A new PaymentIntent is a request to Stripe: a bag, and an address,
	// make a limited number an hour.
	recent, err := app.q.RecentCheckouts(ctx, store.RecentCheckoutsParams{BagID: bagID, ClientAddr: store.Nullable(addr),
		Since: store.Time(time.Now().Add(-time.Hour))})
	if err != nil {
		return syncedIntent{}, nil, err
	}
	if over(recent.ForBag, app.cfg.NewPaymentsPerBag) || over(recent.ForAddr, app.cfg.NewPaymentsPerAddress) {
		return syncedIntent{}, nil, errTooManyCheckouts
	}
	n, err := app.q.CountCheckouts(ctx, bagID)
	if err != nil {
		return syncedIntent{}, nil, err
	}
	if ck.PaymentIntentID != "" {
		// Priced for the old PaymentIntent: a new one has no hold of
		// its own on the code.
		if t, applied, err = app.priceRows(ctx, rows, "", ""); err != nil {
			return syncedIntent{}, nil, err
		}
		total, disc = t.GrandTotal, paidDiscountOf(t, applied)
	}
	meta := map[string]string{"save_info": "false", "username": ""}
	for k, v := range orders.DiscountMeta(disc.code, disc.off) {
		if v != "" {
			meta[k] = v
		}
	}
	parts, err := putBag(meta, bag, 0)
	if err != nil {
		return syncedIntent{}, nil, err
	}
	// Two tabs opening the checkout of the same bag at once get the same
	// PaymentIntent back from Stripe.
	key := fmt.Sprintf("boutique-checkout-%s-%d-%d-%d-%s", bagID, n, version, total, disc.code)
	in, err := app.pay.Create(ctx, total, app.cfg.Currency, key, meta)
	if err != nil {
		return syncedIntent{}, nil, err
	}
	err = app.st.RecordCheckout(ctx, store.CreateCheckoutParams{
		PaymentIntentID: in.ID, BagID: bagID, Amount: total, Currency: app.cfg.Currency, BagParts: int64(parts), ClientAddr: store.Nullable(addr),
		Bag: store.Nullable(bag), BagVersion: sql.NullInt64{Int64: version, Valid: true}, UserID: sql.NullInt64{Int64: userID, Valid: userID != 0},
		DiscountCode: store.Nullable(disc.code), Discount: disc.off,
	})
	return syncedIntent{in, rows}, nil, err
}

// paidDiscount is a discount code and what it takes off, as a
// PaymentIntent carries them ("" and 0 for none).
type paidDiscount struct {
	code string
	off  int64
}

// paidDiscountOf is what a PaymentIntent carries of a bag priced with its
// code: nothing when the code takes nothing off.
func paidDiscountOf(t cart.Totals, a orders.Applied) paidDiscount {
	if t.Discount == 0 {
		return paidDiscount{}
	}
	return paidDiscount{a.Code, t.Discount}
}

// confirming says whether a checkout's browser was told to confirm its
// payment within confirmingFor.
func confirming(at sql.NullString) bool {
	t, err := store.ParseTime(at.String)
	return at.Valid && err == nil && time.Since(t) < confirmingFor
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
	// errBagChanged is a bag that is no longer the one a page showed.
	errBagChanged = errors.New("the bag changed")
)

// holdsBag says whether a checkout, as recorded, holds the bag at a
// version, with the lines and prices EncodeBag gives.
func holdsBag(recordedVersion sql.NullInt64, recordedBag sql.NullString, version int64, bag string) bool {
	return recordedVersion.Valid && recordedVersion.Int64 == version && recordedBag.String == bag
}

// putBag splits a bag over a PaymentIntent's metadata keys (clearing the
// pieces of a longer bag sent before), or says it does not fit.
func putBag(meta map[string]string, bag string, prevParts int) (int, error) {
	parts := payments.PutSplit(meta, "bag", bag, prevParts)
	if len(meta) > payments.MaxMetadataKeys {
		return 0, errBagTooLarge
	}
	return parts, nil
}

// sendBag puts the bag (EncodeBag's form, at a version) in a
// PaymentIntent's metadata and its total as the amount, in one request,
// so that Stripe never holds an amount of one bag with another; then it
// records what the checkout holds now.
func (app *App) sendBag(ctx context.Context, pid string, prevParts int64, bag string, version, total int64, disc paidDiscount) (payments.Intent, error) {
	meta := orders.DiscountMeta(disc.code, disc.off)
	parts, err := putBag(meta, bag, int(prevParts))
	if err != nil {
		return payments.Intent{}, err
	}
	in, err := app.pay.Update(ctx, pid, total, meta)
	if err != nil {
		return in, fmt.Errorf("%w: %w", errStripeUpdate, err)
	}
	return in, app.st.RecordCheckoutChange(ctx, store.UpdateCheckoutParams{Amount: total, BagParts: int64(parts),
		Bag: store.Nullable(bag), BagVersion: sql.NullInt64{Int64: version, Valid: true}, PaymentIntentID: pid,
		DiscountCode: store.Nullable(disc.code), Discount: disc.off})
}

// renderCheckout draws the checkout page with the form as typed (nil for
// an empty one) and any messages.
func (app *App) renderCheckout(w http.ResponseWriter, r *http.Request, status int, rows []store.ListBagLinesRow, form *orderForm, clientSecret string, msgs []views.Message) {
	pid, _ := intentID(clientSecret)
	bag, err := app.discountedBag(r.Context(), rows, pid)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	c, err := app.chromeFor(r, "Checkout", bag)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	c.Checkout = true
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
		BagVersion:      bagVersion(rows),
		StripePublicKey: app.cfg.StripePublicKey,
		StripeJSURL:     app.cfg.StripeJSURL,
		ReturnURL:       app.returnURL(),
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
// browser confirms the card payment, it puts the save-info choice and the
// username in the PaymentIntent's metadata beside the bag, so the webhook
// can record the order when the browser never comes back. It answers 200
// only when the PaymentIntent holds, amount and bag, the bag the page
// showed (bag_version, from the page) and the bag is still that; otherwise
// 400 with a message (kept for the page the browser reloads), and no card
// is charged.
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
	// One tab at a time: no page can bring this PaymentIntent to another
	// bag while it is checked and marked confirming.
	defer app.checkoutLocks.lock(ck.BagID)()
	if ck, err = app.q.GetCheckout(ctx, ck.PaymentIntentID); err != nil {
		app.serverError(w, r, err)
		return
	}
	rows, err := app.bagRows(ctx, ck.BagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	switch {
	case len(rows) == 0:
		refuse(msgEmptyBag)
		return
	case unavailable(rows):
		refuse(msgUnavailable)
		return
	}
	lines := cartLines(rows)
	// The bag the page showed: the version it was rendered at, or, from a
	// client that does not send it, the one the PaymentIntent holds.
	shown := ck.BagVersion.Int64
	if v := r.PostFormValue("bag_version"); v != "" {
		if shown, err = strconv.ParseInt(v, 10, 64); err != nil {
			refuse(msgBagChanged)
			return
		}
	}
	// The code as it applies now, for this payment and the email typed.
	email := strings.TrimSpace(r.PostFormValue("email"))
	if len(email) > 254 {
		email = ""
	}
	t, applied, err := app.priceRows(ctx, rows, ck.PaymentIntentID, email)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if ck.DiscountCode.Valid && t.Discount != ck.Discount && applied.Note != "" {
		// The code ran out since the page was drawn: the shopper sees the
		// new total before paying it.
		refuse(applied.Note + " Your total has changed: please check it and pay again. Your card has not been charged.")
		return
	}
	if rows[0].BagVersion != shown || !holdsBag(ck.BagVersion, ck.Bag, shown, cart.EncodeBag(lines)) ||
		ck.Amount != t.GrandTotal || ck.Discount != t.Discount {
		app.log.Info("cache_checkout_data: the bag is not the one the page showed", "payment_intent", ck.PaymentIntentID,
			"page_version", shown, "bag_version", rows[0].BagVersion)
		refuse(msgBagChanged)
		return
	}
	if _, msg, err := app.bagShortages(ctx, ck.BagID, rows); err != nil {
		app.serverError(w, r, err)
		return
	} else if msg != "" {
		refuse(msg)
		return
	}
	var userID int64
	username := ""
	if u, ok := app.currentUser(r); ok {
		userID, username = u.ID, u.Username
	}
	meta := map[string]string{
		"save_info": fmt.Sprint(r.PostFormValue("save_info") == "true" && username != ""),
		"username":  username,
	}
	if _, err := app.pay.Update(ctx, ck.PaymentIntentID, 0, meta); err != nil {
		app.log.Error("cache_checkout_data: stripe update", "payment_intent", ck.PaymentIntentID, "err", err)
		refuse(msgStripeFailed)
		return
	}
	// The stock the bag asks for is held for this payment in the same
	// write that marks it confirming: of checkouts that get here together
	// for the last units, the writer lets only as many through as there
	// are units, and the others are never confirmed, so never charged.
	err = app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		now := time.Now()
		if err := orders.HoldForPayment(ctx, tx, ck.PaymentIntentID, lines, now); err != nil {
			return err
		}
		if err := orders.HoldCode(ctx, tx, ck.PaymentIntentID, ck.DiscountCode.String, email, now); err != nil {
			return err
		}
		return tx.ConfirmingCheckout(ctx, store.ConfirmingCheckoutParams{Now: store.Nullable(store.Time(now)),
			UserID: sql.NullInt64{Int64: userID, Valid: userID != 0}, PaymentIntentID: ck.PaymentIntentID})
	})
	var used *orders.DiscountError
	if short, ok := orders.IsSoldOut(err); ok {
		app.log.Info("cache_checkout_data: sold out", "payment_intent", ck.PaymentIntentID, "lines", len(short))
		refuse(shortageText(rows, short))
		return
	} else if errors.As(err, &used) {
		app.log.Info("cache_checkout_data: discount code used up", "payment_intent", ck.PaymentIntentID, "code", ck.DiscountCode.String)
		refuse(used.Msg + " Your total has changed: please check it and pay again. Your card has not been charged.")
		return
	} else if err != nil {
		app.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// bagVersion is the version of the bag rows were read at.
func bagVersion(rows []store.ListBagLinesRow) int64 {
	if len(rows) == 0 {
		return 0
	}
	return rows[0].BagVersion
}

// unavailable says whether a bag holds a product taken out of the shop.
func unavailable(rows []store.ListBagLinesRow) bool {
	return slices.ContainsFunc(rows, func(r store.ListBagLinesRow) bool { return r.Archived == 1 })
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
	if in.Succeeded() && !form.valid() {
		// The payment was made with the details the browser gave Stripe;
		// the order is recorded with those rather than turned away.
		app.log.Warn("checkout: paid, but the posted form is invalid; using Stripe's details", "payment_intent", in.ID, "errors", form.errors)
	}
	app.afterPayment(w, r, in, secret, &form)
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
	v, err := app.shopperOrder(ctx, order)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, "Thank you", func(c views.Chrome) templ.Component {
		return views.SuccessPage(c, v, false)
	})
}

// shopperOrder is an order as its shopper sees it: the order, and how far
// it has come (paid, shipped with its tracking note, refunded...).
func (app *App) shopperOrder(ctx context.Context, o store.Order) (views.Order, error) {
	lines, err := app.q.ListOrderLines(ctx, o.ID)
	if err != nil {
		return views.Order{}, err
	}
	history, err := app.q.ListStatusHistory(ctx, o.ID)
	if err != nil {
		return views.Order{}, err
	}
	v := app.orderView(o, lines)
	v.Status = orders.StatusLabel(o.Status)
	v.SoldOut = orders.SoldOutWhenPaid(o)
	v.Progress = []views.OrderStep{{What: orders.StatusLabel("paid"), At: v.Date}}
	for _, h := range history {
		if strings.Contains(h.Note.String, "not applied") {
			continue // news that did not change the order
		}
		step := views.OrderStep{What: orders.StatusLabel(h.Status), At: orders.OrderDate(h.ChangedAt, app.cfg.TimeZone)}
		if h.Status == "shipped" {
			step.Note = h.Note.String // the owner's tracking note
		}
		v.Progress = append(v.Progress, step)
	}
	return v, nil
}

func (app *App) orderView(o store.Order, lines []store.OrderLineItem) views.Order {
	cur := o.Currency
	v := views.Order{
		Number: o.OrderNumber, Date: orders.OrderDate(o.CreatedAt, app.cfg.TimeZone),
		FullName: o.FullName.String, Email: o.Email.String, Phone: o.PhoneNumber.String,
		Street1: o.StreetAddress1.String, Street2: o.StreetAddress2.String, Town: o.TownOrCity.String,
		County: o.County.String, Postcode: o.Postcode.String, Country: cmp.Or(countries.Name(o.Country.String), o.Country.String),
		Total: cart.Format(o.OrderTotal, cur), Delivery: cart.Format(o.DeliveryCost, cur), GrandTotal: cart.Format(o.GrandTotal, cur),
	}
	if o.Discount > 0 {
		v.DiscountCode, v.Discount = o.DiscountCode.String, cart.Format(o.Discount, cur)
	}
	for _, l := range lines {
		v.Lines = append(v.Lines, views.OrderLine{
			Name: l.ProductName, Size: l.ProductSize.String, Quantity: l.Quantity,
			UnitPrice: cart.Format(l.UnitPrice, cur), Subtotal: cart.Format(l.LineitemTotal, cur),
		})
	}
	return v
}

// prefill is the order form a shopper starts with: a signed-in shopper's
// email and profile defaults, and for anyone without a saved country the
// country their browser's language names (en-IE: Ireland), so that the
// 250-option select rarely needs opening.
func (app *App) prefill(r *http.Request) *orderForm {
	f := &orderForm{values: map[string]string{}, errors: map[string]string{}}
	if u, ok := app.currentUser(r); ok {
		f.values["email"] = u.Email
		if p, err := app.q.GetProfile(r.Context(), u.ID); err == nil {
			for k, v := range profileValues(p) {
				f.values[k] = v
			}
		}
	}
	if f.values["country"] == "" {
		f.values["country"] = browserCountry(r.Header.Get("Accept-Language"))
	}
	return f
}

// browserCountry is the country of the first language tag with a region
// that the shop ships to, or "".
func browserCountry(acceptLanguage string) string {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if _, region, ok := strings.Cut(tag, "-"); ok && len(region) == 2 {
			if code := strings.ToUpper(region); countries.Name(code) != "" {
				return code
			}
		}
	}
	return ""
}
