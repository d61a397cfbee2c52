package shop

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 when the database answers a query within two seconds.
func (app *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var one int
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := app.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		app.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
