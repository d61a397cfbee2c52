package shop

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

const ordersPerPage = 25

var orderStatuses = orders.Statuses()

func (app *App) ownerOrders(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := views.OwnerOrders{Search: strings.TrimSpace(q.Get("q")), Statuses: orderStatuses, Page: 1}
	for _, s := range orderStatuses {
		if q.Get("status") == s {
			v.Status = s
		}
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		v.Page = p
	}
	rows, total, err := app.st.SearchOrders(ctx, store.OrderSearch{Search: v.Search, Status: v.Status,
		Limit: ordersPerPage, Offset: int64(v.Page-1) * ordersPerPage})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v.Total = total
	v.Pages = int((total + ordersPerPage - 1) / ordersPerPage)
	for _, o := range rows {
		v.Rows = append(v.Rows, views.OwnerOrderRow{Number: o.OrderNumber, Date: orders.OrderDate(o.CreatedAt, app.cfg.TimeZone), Name: o.FullName.String,
			Email: o.Email.String, GrandTotal: cart.Format(o.GrandTotal, o.Currency), Status: o.Status, Flagged: o.ReviewReason.Valid})
	}
	app.renderPage(w, r, http.StatusOK, "Orders", func(c views.Chrome) templ.Component { return views.OwnerOrderList(c, v) })
}

func (app *App) ownerOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := app.q.GetOrderByNumber(ctx, r.PathValue("order_number"))
	if err != nil {
		app.fail(w, r, err)
		return
	}
	lines, err := app.q.ListOrderLines(ctx, o.ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	history, err := app.q.ListStatusHistory(ctx, o.ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v := views.OwnerOrder{Order: app.orderView(o, lines), Status: o.Status, Review: o.ReviewReason.String, PID: o.StripePid,
		StripeURL: stripeDashboardURL(o.StripePid, isLiveKey(app.cfg.StripeSecretKey)), Paid: cart.Format(o.AmountPaid, o.Currency)}
	v.History = append(v.History, views.HistoryRow{Status: "paid", Note: "recorded from the " + o.Source, At: orders.OrderDate(o.CreatedAt, app.cfg.TimeZone)})
	for _, h := range history {
		v.History = append(v.History, views.HistoryRow{Status: h.Status, Note: h.Note.String, By: h.ChangedBy.String, At: orders.OrderDate(h.ChangedAt, app.cfg.TimeZone)})
	}
	rv, err := app.refundView(ctx, o, lines)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v.Refunded, v.Refunds, v.Refund = rv.Refunded, rv.Refunds, rv.Refund
	if o.UserID.Valid {
		if u, err := app.q.GetUserByID(ctx, o.UserID.Int64); err == nil {
			v.Account = u.Username + " (" + u.Email + ")"
		}
	}
	app.renderPage(w, r, http.StatusOK, "Order "+o.OrderNumber[:8], func(c views.Chrome) templ.Component { return views.OwnerOrderPage(c, v) })
}

// ownerOrderShip marks a paid order shipped, with a tracking note, and
// emails the shopper through the outbox, all in one write.
func (app *App) ownerOrderShip(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	staff, _ := app.currentUser(r)
	number := r.PathValue("order_number")
	note := strings.TrimSpace(r.PostFormValue("tracking_note"))
	if len([]rune(note)) > 200 {
		note = string([]rune(note)[:200])
	}
	o, err := app.q.GetOrderByNumber(ctx, number)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	if o.Status != "paid" {
		app.flash(ctx, "error", "Only a paid order can be marked shipped; this one is "+o.Status+".")
		http.Redirect(w, r, "/owner/orders/"+number+"/", http.StatusSeeOther)
		return
	}
	switch err := app.orders.MarkShipped(ctx, o, note, staff.Username); {
	case errors.Is(err, orders.ErrStatusMoved):
		app.flash(ctx, "error", "The order's status changed meanwhile (a refund or dispute came in): it was not marked shipped.")
		http.Redirect(w, r, "/owner/orders/"+number+"/", http.StatusSeeOther)
		return
	case err != nil:
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Marked shipped; the shopper has been emailed.")
	http.Redirect(w, r, "/owner/orders/"+number+"/", http.StatusSeeOther)
}
