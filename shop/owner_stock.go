package shop

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// stockHistoryPerPage is how many changes a page of a product's stock
// history shows.
const stockHistoryPerPage = 50

// maxStock is the largest count the stock form takes.
const maxStock = 1_000_000

// stockPage is a product's stock form as the database has it, and its
// history.
func (app *App) stockPage(ctx context.Context, r *http.Request, p store.Product) (views.StockPage, error) {
	v := views.StockPage{ProductID: p.ID, Name: p.Name}
	rows, err := app.q.ProductStock(ctx, store.ProductStockParams{Now: store.Time(time.Now()), ProductID: p.ID})
	if err != nil {
		return v, err
	}
	for _, size := range cart.SizesOf(p.HasSizes == 1) {
		s := views.StockSize{Size: size}
		for _, r := range rows {
			if r.Size == size {
				s.Value, s.Held = strconv.FormatInt(r.OnHand, 10), r.Held
			}
		}
		v.Sizes = append(v.Sizes, s)
	}
	n, err := app.q.CountStockHistory(ctx, p.ID)
	if err != nil {
		return v, err
	}
	v.Page, v.Pages = listPage(r, n, stockHistoryPerPage)
	history, err := app.q.ListStockHistory(ctx, store.ListStockHistoryParams{ProductID: p.ID, Lim: stockHistoryPerPage,
		Off: int64(v.Page-1) * stockHistoryPerPage})
	if err != nil {
		return v, err
	}
	for _, h := range history {
		c := views.StockChange{At: orders.OrderDate(h.ChangedAt, app.cfg.TimeZone), Size: h.Size, Change: fmt.Sprintf("%+d", h.Change),
			OnHand: "not tracked", Reason: h.Reason, By: h.ChangedBy.String}
		if h.OnHand.Valid {
			c.OnHand = strconv.FormatInt(h.OnHand.Int64, 10)
		}
		v.History = append(v.History, c)
	}
	return v, nil
}

// ownerStock is GET /owner/products/{id}/stock/.
func (app *App) ownerStock(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p, err := app.q.OwnerGetProduct(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	v, err := app.stockPage(r.Context(), r, p)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, "Stock of "+p.Name, func(c views.Chrome) templ.Component { return views.OwnerStock(c, v) })
}

// ownerStockSave is POST /owner/products/{id}/stock/: stock_<size> for
// each size ("stock_one" for a product without sizes), empty for not
// tracked, and a reason. Every size changes in one write, each change
// kept in the history; a count that is not a whole number from 0 to
// maxStock sends the form back with what was typed.
func (app *App) ownerStockSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	staff, _ := app.currentUser(r)
	id, _ := pathID(r)
	p, err := app.q.OwnerGetProduct(ctx, id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	v, err := app.stockPage(ctx, r, p)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	counts := map[string]*int64{}
	bad := false
	for i, s := range v.Sizes {
		key := "stock_" + cmp.Or(s.Size, "one")
		typed := strings.TrimSpace(r.PostFormValue(key))
		v.Sizes[i].Value = typed
		if typed == "" {
			counts[s.Size] = nil
			continue
		}
		n, err := strconv.ParseInt(typed, 10, 64)
		if err != nil || n < 0 || n > maxStock {
			v.Sizes[i].Error = fmt.Sprintf("Enter a whole number from 0 to %d, or leave it empty for not tracked.", maxStock)
			bad = true
			continue
		}
		counts[s.Size] = &n
	}
	if bad {
		v.Error = "Nothing was saved: please check the counts below."
		app.renderPage(w, r, http.StatusUnprocessableEntity, "Stock of "+p.Name, func(c views.Chrome) templ.Component { return views.OwnerStock(c, v) })
		return
	}
	reason := cmp.Or(strings.TrimSpace(r.PostFormValue("reason")), "counted")
	if len([]rune(reason)) > 200 {
		reason = string([]rune(reason)[:200])
	}
	if err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		for _, size := range cart.SizesOf(p.HasSizes == 1) {
			if err := orders.CountStock(ctx, tx, p.ID, size, counts[size], reason, staff.Username); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Stock saved.")
	http.Redirect(w, r, fmt.Sprintf("/owner/products/%d/stock/", p.ID), http.StatusSeeOther)
}
