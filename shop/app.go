// Package shop is the HTTP application: one App holding the database and
// configuration, all routes in routes.go, one file per capability.
package shop

import (
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"boutique/db"
	"boutique/payments"
)

// App is the shop. Build it with New, serve its Handler, and Close it
// before closing the database.
type App struct {
	db        *sql.DB
	q         *db.Queries
	log       *slog.Logger
	cfg       Config
	csp       string
	sessions  *scs.SessionManager
	pay       *payments.Client // nil when Stripe's keys are not set
	stop      func()           // stops the background cleanups
	closeOnce sync.Once
}

// New builds the shop over an open, migrated database.
func New(pool *sql.DB, log *slog.Logger, cfg Config) (*App, error) {
	csp, err := contentSecurityPolicy(cfg.StripeJSURL)
	if err != nil {
		return nil, err
	}
	app := &App{db: pool, q: db.New(pool), log: log, cfg: cfg, csp: csp}
	if cfg.PaymentsEnabled() {
		app.pay = payments.New(payments.Config{SecretKey: cfg.StripeSecretKey, APIBase: cfg.StripeAPIBase, Log: log})
	}
	var stopSessions func()
	app.sessions, stopSessions = newSessions(pool, log)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		app.cleanBags(time.Hour, done)
	}()
	app.stop = func() {
		stopSessions()
		close(done)
		<-stopped
	}
	return app, nil
}

// Close stops the shop's background work. The handler must not be used
// after it.
func (app *App) Close() { app.closeOnce.Do(app.stop) }
