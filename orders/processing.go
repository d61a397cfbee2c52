package orders

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/store"
)

// SettleWithin is how long the stock and the code use of a payment that
// settles later stay held: Stripe settles SEPA Direct Debit within about
// a week and ACH within four business days, and a hold that ran out before
// would let the units be sold twice.
const SettleWithin = 14 * 24 * time.Hour

// Processing records that a checkout's payment is processing (it settles
// later): no order, but the checkout is awaited, and its holds on stock
// and a code last until it settles. Every path that learns of it (the
// order form, the return from a redirect, the checkout page, the webhook)
// calls it; only the first changes anything.
func (o *Orders) Processing(ctx context.Context, in payments.Intent, ev *Event) (string, error) {
	outcome := "processing: awaited"
	err := o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		if ev != nil {
			seen, err := tx.EventSeen(ctx, ev.ID)
			if err != nil || seen > 0 {
				outcome = "already handled"
				return err
			}
		}
		now := time.Now()
		n, err := tx.MarkCheckoutProcessing(ctx, store.MarkCheckoutProcessingParams{Now: store.Nullable(store.Time(now)), PaymentIntentID: in.ID})
		if err != nil {
			return err
		}
		if n == 0 {
			outcome = "processing: awaited already, or no checkout of ours"
		} else {
			until := store.Time(now.Add(SettleWithin))
			if err := tx.ExtendStockHolds(ctx, store.ExtendStockHoldsParams{ExpiresAt: until, PaymentIntentID: in.ID}); err != nil {
				return err
			}
			if err := tx.ExtendDiscountHold(ctx, store.ExtendDiscountHoldParams{ExpiresAt: store.Nullable(until), PaymentIntentID: in.ID}); err != nil {
				return err
			}
		}
		return recordEvent(ctx, tx, ev, in.ID, outcome)
	})
	return outcome, err
}

// settlementFailed tells the shopper of a payment that was processing
// and then failed that no order was placed, in the write that records the
// failure; it ends the checkout's wait. The shopper's email comes from
// the PaymentIntent's latest charge. A failure of a payment that was
// never processing sends nothing (the shopper saw it on the page).
func (o *Orders) settlementFailed(ctx context.Context, tx *store.Tx, in payments.Intent) error {
	n, err := tx.EndCheckoutProcessing(ctx, in.ID)
	if err != nil || n == 0 {
		return err
	}
	email := in.Billing.Email
	if email == "" {
		o.log.Warn("a processing payment failed, and it names no email: the shopper was not told", "payment_intent", in.ID)
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", cmp.Or(in.Billing.Name, "there"))
	fmt.Fprintf(&b, "Your payment of %s to us did not go through", cart.Format(in.Amount, in.Currency))
	if in.LastError != "" {
		fmt.Fprintf(&b, " (%s)", strings.TrimSuffix(in.LastError, "."))
	}
	fmt.Fprintf(&b, ", so no order was placed and nothing will be sent. Nothing was taken from your account.\n\n"+
		"Your bag is kept: you can pay again, another way, whenever you like.\n\n"+
		"Questions? Write to us at %s.\n\nBoutique\n", o.cfg.ContactEmail)
	return Enqueue(ctx, tx, "payment-failed:"+in.ID, email, "Boutique: your payment did not go through", b.String(), store.Time(time.Now()))
}
