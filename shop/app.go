// Package shop is the HTTP application: one App holding the database and
// configuration, all routes in routes.go, one file per capability.
package shop

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/alexedwards/scs/v2"

	"boutique/db"
	"boutique/payments"
	"boutique/views"
)

// App is the shop. Build it with New, serve its Handler, and Close it
// before closing the database.
type App struct {
	db       *sql.DB
	q        *db.Queries
	log      *slog.Logger
	cfg      Config
	csp      string
	sessions *scs.SessionManager
	pay      *payments.Client // nil when Stripe's keys are not set
	mailer   Mailer
	metrics  *shopMetrics
	navCache atomic.Pointer[[]views.Category]
	products *catalogCache[int64, db.GetProductRow]
	lists    *catalogCache[db.SearchProductsParams, []db.SearchProductsRow]
	bags     *liveCache[[]db.ListBagLinesRow]
	events   *recentEvents
	// draining is set when the shop is shutting down: /readyz says so.
	draining atomic.Bool
	// writes are the writer's queue (writer.go); commits counts its
	// transactions, for the background checkpoints.
	writes  chan *writeJob
	commits atomic.Int64
	// outboxWake tells the email sender there is mail to send.
	outboxWake chan struct{}
	stop       chan struct{} // closed by Close: background work ends
	background sync.WaitGroup
	closeOnce  sync.Once
}

// New builds the shop over an open, migrated database.
func New(pool *sql.DB, log *slog.Logger, cfg Config) (*App, error) {
	csp, err := contentSecurityPolicy(cfg.StripeJSURL)
	if err != nil {
		return nil, err
	}
	// Every query is prepared once here: parsing SQL on each request was
	// a fifth of a product page's time.
	q, err := db.Prepare(context.Background(), pool)
	if err != nil {
		return nil, fmt.Errorf("preparing queries: %w", err)
	}
	app := &App{db: pool, q: q, log: log, cfg: cfg, csp: csp, bags: newLiveCache[[]db.ListBagLinesRow](maxCachedBags), events: newRecentEvents(),
		products: newCatalogCache[int64, db.GetProductRow](maxCachedProducts),
		lists:    newCatalogCache[db.SearchProductsParams, []db.SearchProductsRow](maxCachedLists)}
	app.metrics = newMetrics(app.q)
	if cfg.PaymentsEnabled() {
		app.pay = payments.New(payments.Config{SecretKey: cfg.StripeSecretKey, APIBase: cfg.StripeAPIBase, Log: log})
	}
	app.mailer = Mailer(logMailer{app})
	if cfg.SMTP.Host != "" {
		app.mailer = smtpMailer{cfg.SMTP}
	}
	if app.cfg.BcryptCost == 0 {
		app.cfg.BcryptCost = bcrypt.DefaultCost
	}
	if app.cfg.OutboxRetry <= 0 {
		app.cfg.OutboxRetry = 30 * time.Second
	}
	app.outboxWake = make(chan struct{}, 1)
	app.stop = make(chan struct{})
	app.writes = make(chan *writeJob)
	conn, err := db.WriterConn(context.Background(), pool)
	if err != nil {
		q.Close()
		return nil, fmt.Errorf("taking the writer's connection: %w", err)
	}
	app.run(func(stop <-chan struct{}) { app.runWriter(conn, stop) })
	app.run(app.runCheckpoints)
	app.sessions = newSessions(sessionStore{q: q, write: app.write, cache: newLiveCache[[]byte](maxCachedSessions)}, log)
	app.run(func(stop <-chan struct{}) { app.cleanBags(10*time.Minute, stop) })
	app.run(func(stop <-chan struct{}) { app.runOutbox(min(app.cfg.OutboxRetry, time.Minute), stop) })
	return app, nil
}

// run starts background work that ends when stop is closed.
func (app *App) run(work func(stop <-chan struct{})) {
	app.background.Add(1)
	go func() {
		defer app.background.Done()
		work(app.stop)
	}()
}

// Close stops the shop's background work and waits for it. The handler
// must not be used after it.
func (app *App) Close() {
	app.closeOnce.Do(func() {
		close(app.stop)
		app.background.Wait()
		app.q.Close()
	})
}

// Drain makes /readyz answer 503, so a load balancer stops sending
// shoppers before the server shuts down.
func (app *App) Drain() { app.draining.Store(true) }
