package orders

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// Reconcile asks Stripe for the PaymentIntents of the last while, and
// records the order of every one of this shop's that succeeded but has no
// order: webhooks missed while the shop was down for longer than Stripe
// retries. It prints what it did. Running it again changes nothing.
func (o *Orders) Reconcile(ctx context.Context, since time.Duration, out io.Writer) (recorded int, err error) {
	if o.pay == nil {
		return 0, errors.New("reconcile needs STRIPE_SECRET_KEY (and STRIPE_PUBLIC_KEY) to ask Stripe")
	}
	from := time.Now().Add(-since)
	intents, err := o.pay.ListSince(ctx, from)
	if err != nil {
		return 0, err
	}
	var paid, had int
	for _, in := range intents {
		if !in.Succeeded() || !isOurs(&in) {
			continue
		}
		paid++
		if _, err := o.st.Read().GetOrderByPID(ctx, in.ID); err == nil {
			had++
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return recorded, err
		}
		full, err := o.pay.Retrieve(ctx, in.ID)
		if err != nil {
			return recorded, err
		}
		order, created, err := o.Fulfil(ctx, full, DetailsFromIntent(full), "reconcile")
		if err != nil {
			return recorded, fmt.Errorf("recording the order of %s: %w", in.ID, err)
		}
		if created {
			recorded++
			fmt.Fprintf(out, "recorded order %s for payment %s (%s, %s)\n", order.OrderNumber, in.ID, o.cfg.Money(in.Amount), order.Email.String)
		}
	}
	fmt.Fprintf(out, "since %s: %d paid checkouts of this shop at Stripe, %d already had their order, %d recorded now\n",
		from.UTC().Format(time.RFC3339), paid, had, recorded)
	return recorded, nil
}
