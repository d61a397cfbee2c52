// Package orders is the order domain, without HTTP: fulfilment (a pure
// plan, then one write), Stripe's webhook events, reconciliation with
// Stripe, and the outbox of emails and its sender.
package orders

import (
	"io"
	"log/slog"
	"time"

	"boutique/payments"
	"boutique/store"
)

// Config is what the order domain reads of the shop's configuration.
type Config struct {
	Rules
	// ContactEmail is the address emails give shoppers to write to.
	ContactEmail string
	// TimeZone is the shop's, for the times its emails give.
	TimeZone *time.Location
}

// Orders records orders and what happens to them.
type Orders struct {
	st  *store.Store
	pay *payments.Client // nil when Stripe's keys are not set
	log *slog.Logger
	cfg Config
	// events are the webhook events this process recorded lately.
	events *recentEvents
	// Recorded is told of each order created, with the path that created
	// it (form, webhook, reconcile), for the metrics.
	Recorded func(source string)
	// Queued is told when an email was put in the outbox, to wake the
	// sender.
	Queued func()
}

// New is the order domain over a store and, when payments are set up,
// Stripe.
func New(st *store.Store, pay *payments.Client, log *slog.Logger, cfg Config) *Orders {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Orders{st: st, pay: pay, log: log, cfg: cfg, events: newRecentEvents(),
		Recorded: func(string) {}, Queued: func() {}}
}
