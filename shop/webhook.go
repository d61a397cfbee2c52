package shop

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"boutique/db"
	"boutique/payments"
)

// maxWebhookBytes bounds a webhook body; Stripe's events are far smaller.
const maxWebhookBytes = 64 << 10

// webhook is POST /checkout/wh/: Stripe's events, verified by signature on
// the raw body. It answers 2xx when the event is handled or not the
// shop's, 400 for a body that is not a signed event of this endpoint, and
// 5xx only when recording failed, so that Stripe retries.
func (app *App) webhook(w http.ResponseWriter, r *http.Request) {
	if app.cfg.StripeWHSecret == "" {
		app.log.Error("webhook: STRIPE_WH_SECRET is not set, so no event can be verified; Stripe will retry")
		http.Error(w, "webhook secret not configured", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read body", http.StatusBadRequest)
		return
	}
	ev, err := payments.VerifyEvent(body, r.Header.Get("Stripe-Signature"), app.cfg.StripeWHSecret, app.cfg.StripeWHAllowOtherAPIVersion)
	if err != nil {
		switch {
		case errors.Is(err, payments.ErrAPIVersion):
			app.log.Error("webhook: event refused: another API version; set STRIPE_WH_ALLOW_OTHER_API_VERSION=true to accept it, or recreate the endpoint with this version",
				"event", ev.ID, "type", ev.Type, "err", err)
			http.Error(w, "unsupported API version", http.StatusBadRequest)
		case errors.Is(err, payments.ErrEventBody):
			app.log.Warn("webhook: signed body is not an event we can read", "event", ev.ID, "err", err)
			http.Error(w, "unparsable event", http.StatusBadRequest)
		default:
			app.log.Warn("webhook: bad signature", "err", err)
			http.Error(w, "bad signature", http.StatusBadRequest)
		}
		return
	}
	if ev.APIVersion != payments.APIVersion {
		app.log.Warn("webhook: accepting an event of another API version (STRIPE_WH_ALLOW_OTHER_API_VERSION is set)",
			"event", ev.ID, "api_version", ev.APIVersion, "expected", payments.APIVersion)
	}

	ctx := r.Context()
	// A repeat of an event this process has recorded is answered at once,
	// without asking Stripe or the database. Others go on: each handler
	// below records the event in the transaction of its effect, and finds
	// a repeat there (a repeat of a payment finds its order).
	if app.events.has(ev.ID) {
		app.webhookAnswer(w, ev, "already handled")
		return
	}
	var outcome string
	switch ev.Type {
	case "payment_intent.succeeded":
		outcome, err = app.paymentSucceeded(ctx, ev)
	case "payment_intent.payment_failed":
		outcome, err = app.paymentFailed(ctx, ev)
	case "charge.refunded":
		status := "partially_refunded"
		if ev.Charge.Refunded || ev.Charge.AmountRefunded >= ev.Charge.Amount {
			status = "refunded"
		}
		outcome, err = app.setOrderStatus(ctx, ev, ev.Charge.PaymentIntentID, status)
	case "charge.dispute.created":
		outcome, err = app.setOrderStatus(ctx, ev, ev.Dispute.PaymentIntentID, "disputed")
	default:
		outcome, err = app.recordOnly(ctx, ev, "", "ignored")
	}
	if err != nil {
		app.log.Error("webhook: recording failed; Stripe will retry", "event", ev.ID, "type", ev.Type, "err", err)
		http.Error(w, "could not record the event", http.StatusInternalServerError)
		return
	}
	app.events.add(ev.ID)
	app.webhookAnswer(w, ev, outcome)
}

func (app *App) webhookAnswer(w http.ResponseWriter, ev payments.Event, outcome string) {
	app.log.Info("webhook", "event", ev.ID, "type", ev.Type, "outcome", outcome)
	app.metrics.webhooks.Inc(ev.Type, webhookOutcome(outcome))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, ev.Type+": "+outcome+"\n")
}

// isOurs says whether a PaymentIntent was made by this shop's checkout: it
// carries the bag in its metadata.
func isOurs(in *payments.Intent) bool {
	_, ok := in.Metadata["bag_parts"]
	return ok
}

// paymentSucceeded records the order a PaymentIntent paid for, from the
// PaymentIntent alone, through the same fulfilment as the order form.
func (app *App) paymentSucceeded(ctx context.Context, ev payments.Event) (string, error) {
	in := *ev.Intent
	if !isOurs(&in) {
		return app.recordOnly(ctx, ev, in.ID, "not ours")
	}
	// The event's PaymentIntent names its latest charge only by id; the
	// billing details come from the charge itself.
	if app.pay != nil {
		fresh, err := app.pay.Retrieve(ctx, in.ID)
		if err != nil {
			return "", err
		}
		in = fresh
	}
	if !in.Succeeded() {
		return app.recordOnly(ctx, ev, in.ID, "not succeeded at Stripe ("+in.Status+")")
	}
	_, created, err := app.fulfilEvent(ctx, in, detailsFromIntent(in), "webhook", &stripeEvent{ID: ev.ID, Type: ev.Type})
	if err != nil {
		return "", err
	}
	if created {
		return "created", nil
	}
	return "already recorded", nil
}

// paymentFailed records a failed attempt against the checkout, for the
// owner.
func (app *App) paymentFailed(ctx context.Context, ev payments.Event) (string, error) {
	in := ev.Intent
	if !isOurs(in) {
		return app.recordOnly(ctx, ev, in.ID, "not ours")
	}
	return app.eventInTx(ctx, ev, func(ctx context.Context, q *db.Queries) (string, error) {
		reason := firstNonEmpty(in.LastError, "the payment failed")
		if err := q.RecordPaymentFailure(ctx, db.RecordPaymentFailureParams{
			PaymentIntentID: in.ID, EventID: ev.ID, Reason: reason, Code: nullable(in.LastErrorCode),
			Amount: in.Amount, Currency: in.Currency,
		}); err != nil {
			return "", err
		}
		return "failure recorded", recordEvent(ctx, q, &stripeEvent{ev.ID, ev.Type}, in.ID, "failure recorded")
	})
}

// setOrderStatus records a refund or dispute on the order it concerns.
func (app *App) setOrderStatus(ctx context.Context, ev payments.Event, paymentIntentID, status string) (string, error) {
	return app.eventInTx(ctx, ev, func(ctx context.Context, q *db.Queries) (string, error) {
		n, err := q.SetOrderStatus(ctx, db.SetOrderStatusParams{Status: status, StripePid: paymentIntentID})
		if err != nil {
			return "", err
		}
		outcome := "order " + status
		if n == 0 {
			outcome = "no order for " + firstNonEmpty(paymentIntentID, "this charge")
		}
		return outcome, recordEvent(ctx, q, &stripeEvent{ev.ID, ev.Type}, paymentIntentID, outcome)
	})
}

// recordOnly logs an event that changes nothing but the event log.
func (app *App) recordOnly(ctx context.Context, ev payments.Event, paymentIntentID, outcome string) (string, error) {
	return app.eventInTx(ctx, ev, func(ctx context.Context, q *db.Queries) (string, error) {
		return outcome, recordEvent(ctx, q, &stripeEvent{ev.ID, ev.Type}, paymentIntentID, outcome)
	})
}

// eventInTx runs an event's effect in a write transaction, unless the event
// is recorded already: checked in the same transaction, so that a late
// repeat of an old event (a refund, after a dispute) cannot undo a newer one.
func (app *App) eventInTx(ctx context.Context, ev payments.Event, work func(ctx context.Context, q *db.Queries) (string, error)) (string, error) {
	return app.inTx(ctx, func(ctx context.Context, q *db.Queries) (string, error) {
		if seen, err := q.EventSeen(ctx, ev.ID); err != nil {
			return "", err
		} else if seen > 0 {
			return "already handled", nil
		}
		return work(ctx, q)
	})
}

// inTx runs work in a write transaction (see write) and gives its outcome
// once that has committed.
// work must run its statements with the context it is given, not one of
// its own: see write.
func (app *App) inTx(ctx context.Context, work func(ctx context.Context, q *db.Queries) (string, error)) (string, error) {
	var out string
	err := app.write(ctx, func(ctx context.Context, q *db.Queries) error {
		var err error
		out, err = work(ctx, q)
		return err
	})
	if err != nil {
		return "", err
	}
	return out, nil
}

// webhookOutcome folds an outcome into a few values for the metrics.
func webhookOutcome(outcome string) string {
	switch {
	case strings.HasPrefix(outcome, "no order"):
		return "no order"
	case strings.HasPrefix(outcome, "not succeeded"):
		return "not succeeded"
	}
	return outcome
}
