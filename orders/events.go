package orders

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"boutique/payments"
	"boutique/store"
)

// HandleEvent acts on a verified webhook event, once: each effect is
// written in the same transaction as the event's id, and a repeat finds
// it there (a repeated payment finds its order). The outcome says what
// happened; an error means nothing was recorded, and Stripe should retry.
func (o *Orders) HandleEvent(ctx context.Context, ev payments.Event) (string, error) {
	// A repeat of an event this process has recorded is answered at once,
	// without asking Stripe or the database.
	if o.events.has(ev.ID) {
		return "already handled", nil
	}
	var outcome string
	var err error
	switch ev.Type {
	case "payment_intent.succeeded":
		outcome, err = o.paymentSucceeded(ctx, ev)
	case "payment_intent.payment_failed":
		outcome, err = o.paymentFailed(ctx, ev)
	case "payment_intent.processing":
		if !isOurs(ev.Intent) {
			outcome, err = o.recordOnly(ctx, ev, ev.Intent.ID, "not ours")
		} else {
			outcome, err = o.Processing(ctx, *ev.Intent, &Event{ev.ID, ev.Type})
		}
	case "payment_intent.canceled":
		outcome, err = o.eventWrite(ctx, ev, func(ctx context.Context, tx *store.Tx) (string, error) {
			if err := releaseHolds(ctx, tx, ev.Intent.ID); err != nil {
				return "", err
			}
			return "stock let go", recordEvent(ctx, tx, &Event{ev.ID, ev.Type}, ev.Intent.ID, "stock let go")
		})
	case "charge.refunded":
		outcome, err = o.chargeRefunded(ctx, ev)
	case "charge.dispute.created":
		outcome, err = o.setOrderStatus(ctx, ev, ev.Dispute.PaymentIntentID, "disputed")
	default:
		outcome, err = o.recordOnly(ctx, ev, "", "ignored")
	}
	if err != nil {
		return "", err
	}
	o.events.add(ev.ID)
	return outcome, nil
}

// isOurs says whether a PaymentIntent was made by this shop's checkout: it
// carries the bag in its metadata.
func isOurs(in *payments.Intent) bool {
	_, ok := in.Metadata["bag_parts"]
	return ok
}

// paymentSucceeded records the order a PaymentIntent paid for, from the
// PaymentIntent alone, through the same fulfilment as the order form.
func (o *Orders) paymentSucceeded(ctx context.Context, ev payments.Event) (string, error) {
	in := *ev.Intent
	if !isOurs(&in) {
		return o.recordOnly(ctx, ev, in.ID, "not ours")
	}
	// The event's PaymentIntent names its latest charge only by id; the
	// billing details come from the charge itself.
	if o.pay != nil {
		fresh, err := o.pay.Retrieve(ctx, in.ID)
		if errors.Is(err, payments.ErrNoSuchIntent) {
			return o.unknownIntent(ctx, ev, in.ID, err)
		}
		if err != nil {
			return "", err
		}
		in = fresh
	}
	if !in.Succeeded() {
		return o.recordOnly(ctx, ev, in.ID, "not succeeded at Stripe ("+in.Status+")")
	}
	_, created, err := o.fulfil(ctx, in, DetailsFromIntent(in), "webhook", &Event{ID: ev.ID, Type: ev.Type})
	if err != nil {
		return "", err
	}
	if created {
		return "created", nil
	}
	return "already recorded", nil
}

// unknownIntentAttempts is how many deliveries of an event whose
// PaymentIntent Stripe does not know are answered with an error (Stripe
// retries them, over hours) before the event is acknowledged as unknown,
// rather than retried for three days.
const unknownIntentAttempts = 5

// unknownIntent answers an event for a PaymentIntent Stripe says does not
// exist: an error, so that Stripe tries again, for the first few
// deliveries (a key or mode being changed may explain it); then the event
// is recorded as about an unknown payment and logged for the owner.
func (o *Orders) unknownIntent(ctx context.Context, ev payments.Event, pid string, cause error) (string, error) {
	outcome := fmt.Sprintf("unknown payment intent (Stripe does not know %s; given up after %d deliveries)", pid, unknownIntentAttempts)
	var retry bool
	out, err := o.eventWrite(ctx, ev, func(ctx context.Context, tx *store.Tx) (string, error) {
		var err error
		retry, err = tx.Take(ctx, time.Now(), store.Limit{Key: "unknown-intent:" + ev.ID, Max: unknownIntentAttempts - 1, Window: 72 * time.Hour})
		if err != nil || retry {
			return "", err
		}
		return outcome, recordEvent(ctx, tx, &Event{ev.ID, ev.Type}, pid, outcome)
	})
	switch {
	case err != nil:
		return "", err
	case retry:
		return "", fmt.Errorf("%w (delivery retried up to %d times)", cause, unknownIntentAttempts)
	}
	if out == outcome {
		o.log.Error("webhook: a paid event for a PaymentIntent Stripe does not know; acknowledged without an order. "+
			"Check the Stripe keys and the webhook endpoint's account and mode.", "event", ev.ID, "payment_intent", pid)
	}
	return out, nil
}

// paymentFailed records a failed attempt against the checkout, for the
// owner.
func (o *Orders) paymentFailed(ctx context.Context, ev payments.Event) (string, error) {
	in := ev.Intent
	if !isOurs(in) {
		return o.recordOnly(ctx, ev, in.ID, "not ours")
	}
	// The shopper's email, should the payment have been processing, is on
	// its latest charge.
	full := *in
	if o.pay != nil {
		if fresh, err := o.pay.Retrieve(ctx, in.ID); err == nil {
			full.Billing = fresh.Billing
		}
	}
	defer o.Queued() // the shopper's email, when one was queued
	return o.eventWrite(ctx, ev, func(ctx context.Context, tx *store.Tx) (string, error) {
		if err := o.settlementFailed(ctx, tx, full); err != nil {
			return "", err
		}
		if err := releaseHolds(ctx, tx, in.ID); err != nil {
			return "", err
		}
		if err := tx.RecordPaymentFailure(ctx, store.RecordPaymentFailureParams{
			PaymentIntentID: in.ID, EventID: ev.ID, Reason: cmp.Or(in.LastError, "the payment failed"),
			Code: store.Nullable(in.LastErrorCode), Amount: in.Amount, Currency: in.Currency,
		}); err != nil {
			return "", err
		}
		return "failure recorded", recordEvent(ctx, tx, &Event{ev.ID, ev.Type}, in.ID, "failure recorded")
	})
}

// setOrderStatus records a refund or dispute on the order it concerns:
// its status moves only when the news is stronger, and the history keeps
// every event either way.
func (o *Orders) setOrderStatus(ctx context.Context, ev payments.Event, paymentIntentID, status string) (string, error) {
	return o.eventWrite(ctx, ev, func(ctx context.Context, tx *store.Tx) (string, error) {
		ord, err := tx.GetOrderByPID(ctx, paymentIntentID)
		outcome := "order " + status
		switch {
		case errors.Is(err, sql.ErrNoRows):
			outcome = "no order for " + cmp.Or(paymentIntentID, "this charge")
		case err != nil:
			return "", err
		default:
			moved, err := changeStatus(ctx, tx, ord, status, ev.Type+" "+ev.ID, "Stripe")
			if err != nil {
				return "", err
			}
			if !moved {
				outcome = "order stays " + ord.Status + " (" + status + " is not stronger)"
			}
		}
		return outcome, recordEvent(ctx, tx, &Event{ev.ID, ev.Type}, paymentIntentID, outcome)
	})
}

// chargeRefunded records what Stripe says a charge has had back in all.
// A refund the shop asked for and heard of here too is counted once
// (setRefunded keeps the larger total); one made in Stripe's Dashboard
// moves the order all the same.
func (o *Orders) chargeRefunded(ctx context.Context, ev payments.Event) (string, error) {
	c := ev.Charge
	return o.eventWrite(ctx, ev, func(ctx context.Context, tx *store.Tx) (string, error) {
		ord, err := tx.GetOrderByPID(ctx, c.PaymentIntentID)
		outcome := "no order for " + cmp.Or(c.PaymentIntentID, "this charge")
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return "", err
		default:
			amount := c.AmountRefunded
			if c.Refunded {
				amount = max(amount, ord.AmountPaid)
			}
			if err := o.setRefunded(ctx, tx, ord, amount, ev.Type+" "+ev.ID, "Stripe"); err != nil {
				return "", err
			}
			outcome = fmt.Sprintf("refunded %d in all", max(amount, ord.AmountRefunded))
		}
		return outcome, recordEvent(ctx, tx, &Event{ev.ID, ev.Type}, c.PaymentIntentID, outcome)
	})
}

// recordOnly logs an event that changes nothing but the event log.
func (o *Orders) recordOnly(ctx context.Context, ev payments.Event, paymentIntentID, outcome string) (string, error) {
	return o.eventWrite(ctx, ev, func(ctx context.Context, tx *store.Tx) (string, error) {
		return outcome, recordEvent(ctx, tx, &Event{ev.ID, ev.Type}, paymentIntentID, outcome)
	})
}

// eventWrite runs an event's effect in a write, unless the event is
// recorded already: checked in the same write, so that a late repeat of
// an old event (a refund, after a dispute) cannot undo a newer one.
func (o *Orders) eventWrite(ctx context.Context, ev payments.Event, work func(ctx context.Context, tx *store.Tx) (string, error)) (string, error) {
	var out string
	err := o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		seen, err := tx.EventSeen(ctx, ev.ID)
		if err != nil {
			return err
		}
		if seen > 0 {
			out = "already handled"
			return nil
		}
		out, err = work(ctx, tx)
		return err
	})
	return out, err
}

// maxRecentEvents is how many webhook events recentEvents remembers.
const maxRecentEvents = 10000

// recentEvents are the ids of the webhook events this process has recorded
// lately, oldest forgotten first. Stripe repeats an event it thinks was not
// received, usually within minutes; a repeat found here is answered without
// a request to Stripe. The database stays the record: an event not found
// here is checked in its transaction.
type recentEvents struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string // in the order they came, to forget the oldest
	next int
}

func newRecentEvents() *recentEvents {
	return &recentEvents{ids: map[string]struct{}{}, ring: make([]string, maxRecentEvents)}
}

func (r *recentEvents) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.ids[id]
	return ok
}

func (r *recentEvents) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.ids[id]; ok {
		return
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.ids[id] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
}
