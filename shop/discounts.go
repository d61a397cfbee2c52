package shop

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/justinas/nosurf"

	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// bagDiscount is POST /bag/discount/: code, or remove=true, and
// redirect_url (the bag or the checkout). A code is kept for the bag only
// when it applies now; what it takes off shows wherever the bag's totals
// do. With htmx (from the bag page) it answers with the whole bag.
func (app *App) bagDiscount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	back := r.PostFormValue("redirect_url")
	if back == "" || !localPath(back) {
		back = views.BagURL
	}
	bagID := app.bagID(ctx)
	answer := func(status int, level, msg string) {
		if !isHTMX(r) {
			app.flash(ctx, level, msg)
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		bag, err := app.loadBag(ctx, bagID)
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		if status != http.StatusOK {
			app.toastError(w, r, status, msg)
			return
		}
		app.render(w, r, status, templ.Join(views.BagContents(bag, nosurf.Token(r)), views.BagBadge(bag, true),
			views.ToastOOB(views.Message{Level: level, Text: msg})))
	}
	rows, err := app.bagRows(ctx, bagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if len(rows) == 0 {
		answer(http.StatusUnprocessableEntity, "error", "Your bag is empty: add something before entering a code.")
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if r.PostFormValue("remove") == "true" || code == "" {
		if err := app.setBagDiscount(ctx, bagID, ""); err != nil {
			app.serverError(w, r, err)
			return
		}
		answer(http.StatusOK, "success", "Discount code removed.")
		return
	}
	if len(code) > 40 {
		answer(http.StatusUnprocessableEntity, "error", "A discount code is at most 40 characters.")
		return
	}
	a, err := orders.ApplyCode(ctx, app.q, code, "", "", time.Now())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if a.Discount == nil {
		answer(http.StatusUnprocessableEntity, "error", a.Note)
		return
	}
	if err := app.setBagDiscount(ctx, bagID, a.Code); err != nil {
		app.serverError(w, r, err)
		return
	}
	if rows, err = app.bagRows(ctx, bagID); err != nil {
		app.serverError(w, r, err)
		return
	}
	t, _, err := app.priceRows(ctx, rows, "", "")
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	msg := fmt.Sprintf("Code %s applied: %s off.", a.Code, app.money(t.Discount))
	if note := a.MinSpendNote(t, app.cfg.Currency); note != "" {
		msg = fmt.Sprintf("Code %s saved. %s", a.Code, note)
	}
	answer(http.StatusOK, "success", msg)
}

// setBagDiscount keeps a code for a bag ("" for none).
func (app *App) setBagDiscount(ctx context.Context, bagID, code string) error {
	return app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.SetBagDiscount(ctx, store.SetBagDiscountParams{DiscountCode: sql.NullString{String: code, Valid: code != ""}, ID: bagID})
		return err
	})
}
