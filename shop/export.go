package shop

import (
	"net/http"
	"time"

	"boutique/orders"
)

// ownerExport is GET /owner/export/{what}/?since=2026-11-01&until=2026-11-30:
// the orders (what=orders) or their lines (what=lines) of those days, as
// a CSV file, streamed.
func (app *App) ownerExport(w http.ResponseWriter, r *http.Request) {
	what := r.PathValue("what")
	write := map[string]func() error{}
	q := r.URL.Query()
	now := time.Now().In(app.cfg.TimeZone).Format(time.DateOnly)
	since, until := q.Get("since"), q.Get("until")
	if since == "" {
		since = now
	}
	if until == "" {
		until = now
	}
	rg, err := orders.ParseExportRange(since, until, app.cfg.TimeZone)
	if err != nil {
		http.Error(w, "export: "+err.Error(), http.StatusBadRequest)
		return
	}
	write["orders"] = func() error { return orders.WriteOrdersCSV(r.Context(), app.st, w, rg, app.cfg.TimeZone) }
	write["lines"] = func() error { return orders.WriteLinesCSV(r.Context(), app.st, w, rg, app.cfg.TimeZone) }
	fn, ok := write[what]
	if !ok {
		app.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="boutique-`+what+`-`+since+`-to-`+until+`.csv"`)
	if err := fn(); err != nil {
		// The header has gone: the file ends short, and the log says why.
		app.log.Error("export failed", "what", what, "err", err)
	}
}
