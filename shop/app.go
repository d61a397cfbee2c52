// Package shop is the HTTP application: one App holding the database and
// configuration, all routes in routes.go, one file per capability.
package shop

import (
	"database/sql"
	"log/slog"

	"boutique/db"
)

// App is the shop. Build it with New; serve its Handler.
type App struct {
	db  *sql.DB
	q   *db.Queries
	log *slog.Logger
	cfg Config
	csp string
}

// New builds the shop over an open, migrated database.
func New(pool *sql.DB, log *slog.Logger, cfg Config) (*App, error) {
	csp, err := contentSecurityPolicy(cfg.StripeJSURL)
	if err != nil {
		return nil, err
	}
	return &App{db: pool, q: db.New(pool), log: log, cfg: cfg, csp: csp}, nil
}
