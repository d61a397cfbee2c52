package shop

import (
	"context"
	"net/http"
	"time"

	"boutique/store"
)

// healthz answers 200 when the database answers a query within two seconds.
func (app *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var one int
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := app.st.DB().QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		app.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when the shop can take shoppers: the database answers,
// its schema is the one this binary knows, and it is not shutting down.
func (app *App) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if app.draining.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	v, err := store.SchemaVersion(ctx, app.st.DB())
	if err != nil {
		app.log.Error("readiness check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	ms, err := store.Migrations()
	if err != nil || v != ms[len(ms)-1].Version {
		http.Error(w, "database schema is not this binary's", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}
