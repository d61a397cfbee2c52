package payments

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/stripe/stripe-go/v76"
)

// ErrRefundRefused is Stripe refusing a refund for good (more than is
// left to refund, a payment that cannot be refunded), as opposed to a
// failure that asking again may mend.
var ErrRefundRefused = errors.New("stripe refused the refund")

// A Refund is what the shop needs of one of Stripe's refunds.
type Refund struct {
	ID     string
	Amount int64
	Status string // pending, succeeded, failed, canceled, requires_action
}

// Refund asks Stripe to give back amount of a PaymentIntent's payment. The
// idempotency key is the shop's own for the refund request, so that a
// retry or a second click returns the same refund rather than making
// another.
func (c *Client) Refund(ctx context.Context, pid string, amount int64, idempotencyKey string, metadata map[string]string) (Refund, error) {
	p := &stripe.RefundParams{PaymentIntent: stripe.String(pid), Amount: stripe.Int64(amount)}
	p.Context = ctx
	p.SetIdempotencyKey(idempotencyKey)
	for k, v := range metadata {
		p.AddMetadata(k, v)
	}
	r, err := c.api.Refunds.New(p)
	if se := (*stripe.Error)(nil); errors.As(err, &se) && se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 &&
		se.HTTPStatusCode != http.StatusTooManyRequests && se.HTTPStatusCode != http.StatusConflict {
		return Refund{}, fmt.Errorf("stripe: refund %s: %w: %s", pid, ErrRefundRefused, se.Msg)
	}
	if err != nil {
		return Refund{}, fmt.Errorf("stripe: refund %s: %w", pid, err)
	}
	return Refund{ID: r.ID, Amount: r.Amount, Status: string(r.Status)}, nil
}
