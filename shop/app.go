// Package shop is the HTTP application: one App holding the store, the
// order domain and the configuration, all routes in routes.go, one file
// per capability. Handlers read through the store and write through it or
// through orders; they run no SQL of their own.
package shop

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/alexedwards/scs/v2"

	"boutique/cart"
	"boutique/orders"
	"boutique/payments"
	"boutique/store"
)

// App is the shop. Build it with New, serve its Handler, and Close it
// before closing the store.
type App struct {
	st       *store.Store
	q        *store.Queries // the store's reads
	orders   *orders.Orders
	sender   *orders.Sender
	log      *slog.Logger
	cfg      Config
	csp      string
	sessions *scs.SessionManager
	pay      *payments.Client // nil when Stripe's keys are not set
	metrics  *shopMetrics
	// checkoutLocks lets one request at a time change a bag's
	// PaymentIntent or clear it for payment.
	checkoutLocks keyLock
	// dummy is the hash an unknown account's log-in is checked against.
	dummy     []byte
	dummyOnce sync.Once
	// draining is set when the shop is shutting down: /readyz says so.
	draining   atomic.Bool
	stop       chan struct{} // closed by Close: background work ends
	background sync.WaitGroup
	closeOnce  sync.Once
}

// New builds the shop over an open store. It starts no background work:
// serve calls RunBackground for that.
func New(st *store.Store, log *slog.Logger, cfg Config) (*App, error) {
	csp, err := contentSecurityPolicy(cfg.StripeJSURL)
	if err != nil {
		return nil, err
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = bcrypt.DefaultCost
	}
	if cfg.ContactEmail == "" {
		cfg.ContactEmail = DefaultContactEmail
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	cur, ok := cart.LookupCurrency(cfg.Currency)
	if !ok {
		return nil, fmt.Errorf("shop: %q is not a currency the shop can charge in", cfg.Currency)
	}
	if cfg.Delivery.Step == 0 {
		cfg.Delivery.Step = cur.Step
	}
	app := &App{st: st, q: st.Read(), log: log, cfg: cfg, csp: csp, stop: make(chan struct{})}
	app.metrics = newMetrics(st.Metrics(), app.q)
	if cfg.PaymentsEnabled() {
		app.pay = payments.New(payments.Config{SecretKey: cfg.StripeSecretKey, APIBase: cfg.StripeAPIBase, Log: log})
	}
	var mailer orders.Mailer = orders.LogMailer{Log: log}
	if cfg.SMTP.Host != "" {
		mailer = orders.SMTPMailer{Config: cfg.SMTP}
	}
	app.sender = orders.NewSender(st, mailer, log, orders.SenderConfig{Retry: cfg.OutboxRetry, Lease: cfg.OutboxLease, Domain: mailDomain(cfg)})
	app.orders = orders.New(st, app.pay, log, cfg.Orders())
	app.orders.Recorded = func(source string) { app.metrics.orders.Inc(source) }
	app.orders.Queued = app.sender.Wake
	app.sessions = newSessions(st.Sessions(), log)
	return app, nil
}

// mailDomain is the domain of the shop's sender address, for Message-IDs.
func mailDomain(cfg Config) string {
	if a, err := mail.ParseAddress(cfg.SMTP.From); err == nil {
		if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
			return a.Address[at+1:]
		}
	}
	return ""
}

// Orders is the shop's order domain, for tests that reconcile beside it.
func (app *App) Orders() *orders.Orders { return app.orders }

// RunBackground starts what a serving shop does besides answering
// requests: the email sender and the sweep of expired sessions. Only
// serve calls it, so other commands never send email.
func (app *App) RunBackground() {
	app.run(app.sender.Run)
	app.run(func(stop <-chan struct{}) { app.cleanSessions(10*time.Minute, stop) })
}

// run starts background work that ends when stop is closed.
func (app *App) run(work func(stop <-chan struct{})) {
	app.background.Add(1)
	go func() {
		defer app.background.Done()
		work(app.stop)
	}()
}

// Close stops the shop's background work and waits for it: an email being
// sent is finished and marked first. The handler must not be used after
// it.
func (app *App) Close() {
	app.closeOnce.Do(func() {
		close(app.stop)
		app.background.Wait()
	})
}

// Drain makes /readyz answer 503, so a load balancer stops sending
// shoppers before the server shuts down.
func (app *App) Drain() { app.draining.Store(true) }

// cleanSessions deletes, every interval until stop is closed, expired
// sessions, the bags that no live session can point to any more, expired
// links, request counts older than any limit looks back and stock holds
// run out; and asks Stripe again for refunds still pending.
func (app *App) cleanSessions(interval time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
		now := time.Now()
		d, err := app.st.Sweep(context.Background(), now, now.Add(-sessionLifetime-time.Hour), now.Add(-countsKept))
		if err != nil {
			app.log.Warn("cleaning expired sessions and bags failed", "err", err)
			continue
		}
		if d != (store.Swept{}) {
			app.log.Info("expired rows deleted", "sessions", d.Sessions, "bags", d.Bags, "signups", d.Signups,
				"resets", d.Resets, "throttle_events", d.ThrottleEvents, "login_failures", d.LoginFailures, "stock_holds", d.StockHolds, "discount_holds", d.DiscountHolds)
		}
		// Refunds Stripe could not be asked for when they were made.
		if app.pay != nil {
			if err := app.orders.RetryRefunds(context.Background()); err != nil {
				app.log.Warn("refunds still pending", "err", err)
			}
		}
	}
}
