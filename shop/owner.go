package shop

import (
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

// A route is a pattern and its handler.
type route struct {
	pattern string
	handler http.HandlerFunc
}

// ownerRoutes are the owner's area; every one is for staff only.
func (app *App) ownerRoutes() []route {
	return []route{
		{"GET /owner/{$}", app.ownerDashboard},
		{"GET /owner/products/{$}", app.ownerProducts},
		{"GET /owner/products/new/{$}", app.ownerProductNew},
		{"POST /owner/products/new/{$}", app.ownerProductCreate},
		{"GET /owner/products/{id}/edit/{$}", app.ownerProductEdit},
		{"POST /owner/products/{id}/edit/{$}", app.ownerProductUpdate},
		{"POST /owner/products/{id}/pictures/{image}/{action}/{$}", app.ownerPicture},
		{"GET /owner/products/{id}/stock/{$}", app.ownerStock},
		{"POST /owner/products/{id}/stock/{$}", app.ownerStockSave},
		{"GET /owner/products/{id}/delete/{$}", app.ownerProductDeletePage},
		{"POST /owner/products/{id}/delete/{$}", app.ownerProductDelete},
		{"GET /owner/categories/{$}", app.ownerCategories},
		{"POST /owner/categories/{$}", app.ownerCategoryCreate},
		{"POST /owner/categories/{id}/{$}", app.ownerCategoryRename},
		{"GET /owner/discounts/{$}", app.ownerDiscounts},
		{"POST /owner/discounts/{$}", app.ownerDiscountCreate},
		{"POST /owner/discounts/{id}/end/{$}", app.ownerDiscountEnd},
		{"GET /owner/orders/{$}", app.ownerOrders},
		{"GET /owner/orders/{order_number}/{$}", app.ownerOrder},
		{"POST /owner/orders/{order_number}/ship/{$}", app.ownerOrderShip},
		{"POST /owner/orders/{order_number}/refund/{$}", app.ownerOrderRefund},
		{"GET /owner/payments/{$}", app.ownerPayments},
		{"GET /owner/export/{what}/{$}", app.ownerExport},
		{"POST /owner/reviews/{id}/visibility/{$}", app.ownerReviewVisibility},
		{"GET /owner/pages/{$}", app.ownerPages},
		{"GET /owner/pages/{slug}/{$}", app.ownerPageEdit},
		{"POST /owner/pages/{slug}/{$}", app.ownerPageSave},
	}
}

// OwnerPatterns are the owner's route patterns, for tests that walk them.
func (app *App) OwnerPatterns() []string {
	var ps []string
	for _, r := range app.ownerRoutes() {
		ps = append(ps, r.pattern)
	}
	return ps
}

// staffOnly sends guests to log in and shows other shoppers a 403.
func (app *App) staffOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := app.currentUser(r)
		if !ok {
			target := r.URL.Path
			if r.Method != http.MethodGet {
				target = "/owner/"
			}
			http.Redirect(w, r, "/accounts/login/?next="+target, http.StatusSeeOther)
			return
		}
		if u.IsStaff != 1 {
			app.errorPage(w, r, http.StatusForbidden, "This page is for the shop's staff",
				"Your account can't open it. If you run this shop, ask for a staff account (boutique createadmin).")
			return
		}
		next(w, r)
	}
}

// maxToShip is how many paid orders waiting to ship the dashboard lists.
const maxToShip = 50

func (app *App) ownerDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := time.Now().UTC()
	first := now.AddDate(0, 0, -29).Truncate(24 * time.Hour)
	days, err := app.q.DailySales(ctx, store.Time(first))
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	byDay := map[string][2]int64{}
	var max int64
	d := views.Dashboard{}
	var revenue int64
	for _, day := range days {
		byDay[day.Day] = [2]int64{day.Orders, day.Revenue}
		max = maxInt(max, day.Revenue)
		d.Orders30 += day.Orders
		revenue += day.Revenue
	}
	d.Revenue30 = app.money(revenue)
	d.MaxRevenue = app.money(max)
	toShip, err := app.q.OrdersToShip(ctx, maxToShip)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, o := range toShip {
		d.ToShip = append(d.ToShip, views.OwnerOrderRow{Number: o.OrderNumber, Date: orders.OrderDate(o.CreatedAt, app.cfg.TimeZone),
			Name: o.FullName.String, GrandTotal: cart.Format(o.GrandTotal, o.Currency)})
	}
	low, err := app.q.LowStock(ctx, app.cfg.LowStock)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, l := range low {
		d.LowStock = append(d.LowStock, views.LowStockRow{ProductID: l.ProductID, Name: l.Name, Size: l.Size, OnHand: l.OnHand})
	}
	// 30 bars across 590 units, up to 176 units tall above the axis at 200.
	const left, width, top, height = 40.0, 590.0, 24.0, 176.0
	slot := width / 30
	for i := range 30 {
		day := first.AddDate(0, 0, i)
		key := day.Format("2006-01-02")
		v := byDay[key]
		h := 0.0
		if max > 0 {
			h = float64(v[1]) / float64(max) * height
		}
		bar := views.DayBar{X: left + float64(i)*slot + 2, W: slot - 4, H: h, Y: top + height - h, Orders: v[0],
			Title: fmt.Sprintf("%s: %d orders, %s", day.Format("2 Jan"), v[0], app.money(v[1]))}
		if i%5 == 0 || i == 29 {
			bar.Label = day.Format("2 Jan")
		}
		d.Days = append(d.Days, bar)
	}
	best, err := app.q.BestSellers(ctx, 10)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, b := range best {
		d.BestSellers = append(d.BestSellers, views.BestSeller{Name: b.ProductName, Units: b.Units, Revenue: app.money(b.Revenue)})
	}
	counts, err := app.q.OrderCountsByStatus(ctx)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, c := range counts {
		d.Counts = append(d.Counts, views.StatusCount{Status: c.Status, Orders: c.Orders})
	}
	app.renderPage(w, r, http.StatusOK, "Dashboard", func(c views.Chrome) templ.Component { return views.OwnerDashboard(c, d) })
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// ownerPayments shows failed payments, flagged orders, and whether the
// webhook is arriving.
func (app *App) ownerPayments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var p views.PaymentsHealth
	failures, err := app.q.RecentPaymentFailures(ctx)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, f := range failures {
		p.Failures = append(p.Failures, views.FailureRow{PID: f.PaymentIntentID, Reason: f.Reason, Code: f.Code,
			Amount: cart.Format(f.Amount, f.Currency), At: orders.OrderDate(f.FailedAt, app.cfg.TimeZone)})
	}
	awaited, err := app.q.AwaitedPayments(ctx)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, a := range awaited {
		p.Awaited = append(p.Awaited, views.AwaitedRow{PID: a.PaymentIntentID, Amount: cart.Format(a.Amount, a.Currency),
			Since: orders.OrderDate(a.ProcessingSince.String, app.cfg.TimeZone)})
	}
	flagged, err := app.q.FlaggedOrders(ctx)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, f := range flagged {
		p.Flagged = append(p.Flagged, views.FlagRow{Number: f.OrderNumber, At: orders.OrderDate(f.CreatedAt, app.cfg.TimeZone), Reason: f.ReviewReason,
			Paid: cart.Format(f.AmountPaid, f.Currency)})
	}
	last, err := app.q.LastEventAt(ctx)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	p.LastWebhook = "never"
	if last != "" {
		p.LastWebhook = orders.OrderDate(last, app.cfg.TimeZone)
	}
	dayAgo := store.Time(time.Now().Add(-24 * time.Hour))
	checkouts, err := app.q.CheckoutsSince(ctx, dayAgo)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if checkouts > 0 && last < dayAgo {
		p.Warning = fmt.Sprintf("No webhook event has arrived for a day, but %d checkouts were started. Check the webhook endpoint "+
			"in Stripe's dashboard and STRIPE_WH_SECRET: orders of shoppers who close the tab after paying are not being recorded. "+
			"Run boutique reconcile to record them.", checkouts)
	}
	if app.cfg.StripeWHSecret == "" {
		p.Warning = "STRIPE_WH_SECRET is not set: the webhook cannot verify Stripe's events. " + p.Warning
	}
	if _, ok := app.baseURL(); !ok {
		p.Warning = "BOUTIQUE_BASE_URL is not set: shoppers cannot sign up or reset their passwords by email until it is. " + p.Warning
	}
	app.renderPage(w, r, http.StatusOK, "Payments health", func(c views.Chrome) templ.Component { return views.OwnerPayments(c, p) })
}

// stripeDashboardURL links a PaymentIntent in Stripe's dashboard.
func stripeDashboardURL(pid string, live bool) string {
	if live {
		return "https://dashboard.stripe.com/payments/" + pid
	}
	return "https://dashboard.stripe.com/test/payments/" + pid
}

func isLiveKey(key string) bool {
	return strings.HasPrefix(key, "sk_live_") || strings.HasPrefix(key, "rk_live_")
}

// listPage is the page of a list a request asks for (?page=, from 1, at
// most the last) and how many pages total rows make, per to a page.
func listPage(r *http.Request, total, per int64) (page, pages int) {
	pages = max(1, int((total+per-1)/per))
	page = 1
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 1 {
		page = min(p, pages)
	}
	return page, pages
}
