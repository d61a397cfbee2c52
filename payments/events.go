package payments

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// WebhookTolerance is how old a signed webhook may be.
const WebhookTolerance = webhook.DefaultTolerance

// Errors of VerifyEvent besides a bad signature.
var (
	// ErrAPIVersion is an event of another API version than APIVersion.
	ErrAPIVersion = errors.New("event of another Stripe API version")
	// ErrEventBody is a signed body that is not a Stripe event.
	ErrEventBody = errors.New("webhook body is not a Stripe event")
	// ErrSignedInFuture is a signature dated further ahead than the
	// tolerance: no clock is that far off, so it was made to outlive
	// the tolerance.
	ErrSignedInFuture = errors.New("webhook signed in the future")
)

// An Event is a verified webhook event with the object the shop acts on.
type Event struct {
	ID         string
	Type       string
	APIVersion string
	// Intent is set for payment_intent.* events.
	Intent *Intent
	// Charge is set for charge.* events except disputes.
	Charge *Charge
	// Dispute is set for charge.dispute.* events.
	Dispute *Dispute
}

// Charge is what the shop needs of a charge.
type Charge struct {
	ID              string
	PaymentIntentID string
	Amount          int64
	AmountRefunded  int64
	Refunded        bool
}

// Dispute is what the shop needs of a dispute.
type Dispute struct {
	ID              string
	PaymentIntentID string
	Reason          string
}

// VerifyEvent checks a webhook body against its Stripe-Signature header
// with the endpoint's secret (tolerance WebhookTolerance) and decodes it.
// An event of another API version is ErrAPIVersion unless allowOtherVersion
// is set, because its objects may not decode as stripe-go v76 expects; the
// event is returned with the error so the caller can log it. (This is
// webhook.ConstructEvent's check, made here so that its error can be told
// apart and the opt-out is the shop's explicit setting.)
func VerifyEvent(body []byte, header, secret string, allowOtherVersion bool) (Event, error) {
	if err := webhook.ValidatePayloadWithTolerance(body, header, secret, WebhookTolerance); err != nil {
		return Event{}, err
	}
	// stripe-go refuses signatures older than the tolerance, not newer.
	if at, ok := signedAt(header); ok && time.Until(at) > WebhookTolerance {
		return Event{}, fmt.Errorf("%w: at %s", ErrSignedInFuture, at.UTC().Format(time.RFC3339))
	}
	// Decoded once, into just what the shop reads; stripe.Event would also
	// decode the object into a map that nothing here uses.
	var e struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		APIVersion string `json:"api_version"`
		Data       *struct {
			Raw json.RawMessage `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrEventBody, err)
	}
	ev := Event{ID: e.ID, Type: e.Type, APIVersion: e.APIVersion}
	if e.ID == "" || e.Type == "" || e.Data == nil || len(e.Data.Raw) == 0 {
		return ev, fmt.Errorf("%w: no id, type or data", ErrEventBody)
	}
	if e.APIVersion != stripe.APIVersion && !allowOtherVersion {
		return ev, fmt.Errorf("%w: %s, but this shop speaks %s (create the webhook endpoint with that version)", ErrAPIVersion, e.APIVersion, stripe.APIVersion)
	}
	switch {
	case strings.HasPrefix(e.Type, "payment_intent."):
		// Only what the shop reads of an event's PaymentIntent; the
		// billing details are not in it (they are on the latest charge),
		// so a paid one is fetched again.
		var pi wireIntent
		if err := json.Unmarshal(e.Data.Raw, &pi); err != nil || pi.ID == "" {
			return ev, fmt.Errorf("%w: payment intent: %v", ErrEventBody, err)
		}
		in, err := pi.intent()
		if err != nil {
			return ev, fmt.Errorf("%w: payment intent: %v", ErrEventBody, err)
		}
		ev.Intent = &in
	case strings.HasPrefix(e.Type, "charge.dispute."):
		var d stripe.Dispute
		if err := json.Unmarshal(e.Data.Raw, &d); err != nil || d.ID == "" {
			return ev, fmt.Errorf("%w: dispute: %v", ErrEventBody, err)
		}
		ev.Dispute = &Dispute{ID: d.ID, Reason: string(d.Reason)}
		if d.PaymentIntent != nil {
			ev.Dispute.PaymentIntentID = d.PaymentIntent.ID
		}
	case strings.HasPrefix(e.Type, "charge."):
		var c stripe.Charge
		if err := json.Unmarshal(e.Data.Raw, &c); err != nil || c.ID == "" {
			return ev, fmt.Errorf("%w: charge: %v", ErrEventBody, err)
		}
		ev.Charge = &Charge{ID: c.ID, Amount: c.Amount, AmountRefunded: c.AmountRefunded, Refunded: c.Refunded}
		if c.PaymentIntent != nil {
			ev.Charge.PaymentIntentID = c.PaymentIntent.ID
		}
	}
	return ev, nil
}

// signedAt is the time a Stripe-Signature header's t= gives.
func signedAt(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			sec, err := strconv.ParseInt(v, 10, 64)
			return time.Unix(sec, 0), err == nil
		}
	}
	return time.Time{}, false
}
