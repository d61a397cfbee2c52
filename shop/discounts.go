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
	refuse := func(msg string) {
		if isHTMX(r) {
			app.toastError(w, r, http.StatusUnprocessableEntity, msg)
			return
		}
		app.flash(ctx, "error", msg)
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
	// done answers with the bag as the code left it, and a message the
	// priced bag gives.
	done := func(code string, msg func(views.Bag) string) {
		if err := app.setBagDiscount(ctx, bagID, code); err != nil {
			app.serverError(w, r, err)
			return
		}
		bag, err := app.loadBag(ctx, bagID)
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		if !isHTMX(r) {
			app.flash(ctx, "success", msg(bag))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		app.render(w, r, http.StatusOK, templ.Join(views.BagContents(bag, nosurf.Token(r)), views.BagBadge(bag, true),
			views.ToastOOB(views.Message{Level: "success", Text: msg(bag)})))
	}
	rows, err := app.bagRows(ctx, bagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if len(rows) == 0 {
		refuse("Your bag is empty: add something before entering a code.")
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if r.PostFormValue("remove") == "true" || code == "" {
		done("", func(views.Bag) string { return "Discount code removed." })
		return
	}
	if len(code) > 40 {
		refuse("A discount code is at most 40 characters.")
		return
	}
	a, err := orders.ApplyCode(ctx, app.q, code, "", "", time.Now())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if a.Discount == nil {
		refuse(a.Note)
		return
	}
	done(a.Code, func(bag views.Bag) string {
		if bag.Discount == "" {
			return fmt.Sprintf("Code %s saved. %s", a.Code, bag.DiscountNote)
		}
		return fmt.Sprintf("Code %s applied: %s off.", a.Code, bag.Discount)
	})
}

// setBagDiscount keeps a code for a bag ("" for none).
func (app *App) setBagDiscount(ctx context.Context, bagID, code string) error {
	return app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.SetBagDiscount(ctx, store.SetBagDiscountParams{DiscountCode: sql.NullString{String: code, Valid: code != ""}, ID: bagID})
		return err
	})
}
