package shop

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/store"
	"boutique/views"
)

// discountsPerPage is how many codes a page of the owner's list shows.
const discountsPerPage = 50

// discountsPage is a page of the owner's codes with their uses.
func (app *App) discountsPage(r *http.Request, form, errs map[string]string) (views.DiscountsPage, error) {
	d := views.DiscountsPage{Form: form, Errors: errs}
	total, err := app.q.CountDiscountCodes(r.Context())
	if err != nil {
		return d, err
	}
	d.Page, d.Pages = listPage(r, total, discountsPerPage)
	rows, err := app.q.ListDiscountCodes(r.Context(), store.ListDiscountCodesParams{Lim: discountsPerPage, Off: int64(d.Page-1) * discountsPerPage})
	if err != nil {
		return d, err
	}
	now := store.Time(time.Now())
	for _, c := range rows {
		row := views.DiscountRow{ID: c.ID, Code: c.Code, Used: strconv.FormatInt(c.Used, 10),
			Live: !c.EndsAt.Valid || c.EndsAt.String > now}
		if c.Percent.Valid {
			row.Off = fmt.Sprintf("%d%%", c.Percent.Int64)
		} else {
			row.Off = app.money(c.Amount.Int64)
		}
		var cond []string
		if c.Delivery == 1 {
			row.Off += " of items and delivery"
		}
		if c.MinSpend > 0 {
			cond = append(cond, "from "+app.money(c.MinSpend))
		}
		if c.MaxUses.Valid {
			row.Used += fmt.Sprintf(" of %d", c.MaxUses.Int64)
		}
		if c.MaxPerCustomer.Valid {
			cond = append(cond, fmt.Sprintf("%d per customer", c.MaxPerCustomer.Int64))
		}
		row.Conditions = strings.Join(cond, ", ")
		var dates []string
		if c.StartsAt.Valid {
			dates = append(dates, "from "+app.day(c.StartsAt.String, 0))
		}
		if c.EndsAt.Valid {
			dates = append(dates, "until "+app.day(c.EndsAt.String, -1))
		}
		row.Dates = strings.Join(dates, " ")
		d.Codes = append(d.Codes, row)
	}
	return d, nil
}

// day is the date, in the shop's time zone, of a time column moved by
// days (-1: the day before an end).
func (app *App) day(at string, days int) string {
	t, err := store.ParseTime(at)
	if err != nil {
		return at
	}
	return t.In(app.cfg.TimeZone).AddDate(0, 0, days).Format(time.DateOnly)
}

func (app *App) ownerDiscounts(w http.ResponseWriter, r *http.Request) {
	d, err := app.discountsPage(r, map[string]string{"kind": "percent"}, nil)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, "Discount codes", func(c views.Chrome) templ.Component { return views.OwnerDiscounts(c, d) })
}

// ownerDiscountCreate is POST /owner/discounts/: a new code from the form;
// a form with mistakes comes back 422 as typed.
func (app *App) ownerDiscountCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := map[string]string{}
	for _, k := range []string{"code", "kind", "value", "min_spend", "delivery", "starts", "ends", "max_uses", "max_per_customer"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	p, errs := app.readDiscountForm(form)
	if len(errs) == 0 {
		var created int64
		err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			r, err := tx.CreateDiscountCode(ctx, p)
			if err == nil {
				created, err = r.RowsAffected()
			}
			return err
		})
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		if created == 1 {
			app.flash(ctx, "success", "Code "+p.Code+" created.")
			http.Redirect(w, r, "/owner/discounts/", http.StatusSeeOther)
			return
		}
		errs = map[string]string{"code": "There is a code " + p.Code + " already."}
	}
	d, err := app.discountsPage(r, form, errs)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	d.Error = "The code was not created: please check the form."
	app.renderPage(w, r, http.StatusUnprocessableEntity, "Discount codes", func(c views.Chrome) templ.Component { return views.OwnerDiscounts(c, d) })
}

// readDiscountForm checks the new-code form.
func (app *App) readDiscountForm(f map[string]string) (store.CreateDiscountCodeParams, map[string]string) {
	errs := map[string]string{}
	p := store.CreateDiscountCodeParams{Code: f["code"], CreatedAt: store.Time(time.Now())}
	if p.Code == "" || len(p.Code) > 40 || strings.ContainsAny(p.Code, " \t\r\n") {
		errs["code"] = "A code is 1 to 40 characters, without spaces."
	}
	switch f["kind"] {
	case "percent":
		n, err := strconv.ParseInt(f["value"], 10, 64)
		if err != nil || n < 1 || n > 100 {
			errs["value"] = "A percentage is a whole number from 1 to 100."
		}
		p.Percent = sql.NullInt64{Int64: n, Valid: true}
	default:
		n, err := cart.ParseAmount(f["value"], app.cfg.Currency)
		if err != nil || n <= 0 {
			errs["value"] = "Enter the amount to take off, such as 5.00."
		}
		p.Amount = sql.NullInt64{Int64: n, Valid: true}
	}
	if f["min_spend"] != "" {
		n, err := cart.ParseAmount(f["min_spend"], app.cfg.Currency)
		if err != nil {
			errs["min_spend"] = err.Error()
		}
		p.MinSpend = n
	}
	if f["delivery"] == "true" {
		p.Delivery = 1
	}
	day := func(key string, next int) sql.NullString {
		if f[key] == "" {
			return sql.NullString{}
		}
		t, err := time.ParseInLocation(time.DateOnly, f[key], app.cfg.TimeZone)
		if err != nil {
			errs[key] = "Dates are written 2026-12-24."
			return sql.NullString{}
		}
		return store.Nullable(store.Time(t.AddDate(0, 0, next)))
	}
	p.StartsAt, p.EndsAt = day("starts", 0), day("ends", 1)
	if p.StartsAt.Valid && p.EndsAt.Valid && p.EndsAt.String <= p.StartsAt.String {
		errs["ends"] = "The last day is before the first."
	}
	count := func(key string) sql.NullInt64 {
		if f[key] == "" {
			return sql.NullInt64{}
		}
		n, err := strconv.ParseInt(f[key], 10, 64)
		if err != nil || n < 1 || n > 100_000_000 {
			errs[key] = "A whole number from 1, or empty for no limit."
		}
		return sql.NullInt64{Int64: n, Valid: true}
	}
	p.MaxUses, p.MaxPerCustomer = count("max_uses"), count("max_per_customer")
	return p, errs
}

// ownerDiscountEnd is POST /owner/discounts/{id}/end/: the code stops
// applying now; orders made with it keep it.
func (app *App) ownerDiscountEnd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := pathID(r)
	if err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		return tx.EndDiscountCode(ctx, store.EndDiscountCodeParams{Now: store.Nullable(store.Time(time.Now())), ID: id})
	}); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "The code has ended.")
	http.Redirect(w, r, "/owner/discounts/", http.StatusSeeOther)
}
