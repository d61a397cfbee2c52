package shop

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"time"

	"boutique/orders"
	"boutique/store"
)

// ownerExport is GET /owner/export/{what}/?since=2026-11-01&until=2026-11-30:
// the orders (what=orders) or their lines (what=lines) of those days, as
// a CSV file, streamed.
func (app *App) ownerExport(w http.ResponseWriter, r *http.Request) {
	what := r.PathValue("what")
	q := r.URL.Query()
	now := time.Now().In(app.cfg.TimeZone).Format(time.DateOnly)
	since, until := cmp.Or(q.Get("since"), now), cmp.Or(q.Get("until"), now)
	rg, err := orders.ParseExportRange(since, until, app.cfg.TimeZone)
	if err != nil {
		http.Error(w, "export: "+err.Error(), http.StatusBadRequest)
		return
	}
	var write func(context.Context, *store.Store, io.Writer, orders.ExportRange, *time.Location) error
	switch what {
	case "orders":
		write = orders.WriteOrdersCSV
	case "lines":
		write = orders.WriteLinesCSV
	default:
		app.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="boutique-`+what+`-`+since+`-to-`+until+`.csv"`)
	if err := write(r.Context(), app.st, w, rg, app.cfg.TimeZone); err != nil {
		// The header has gone: the file ends short, and the log says why.
		app.log.Error("export failed", "what", what, "err", err)
	}
}
