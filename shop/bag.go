package shop

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/justinas/nosurf"

	"boutique/cart"
	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// loadBag reads a bag's lines with the products' current prices, through
// the store's bag cache, and prices it with its discount code. An empty id
// is an empty bag.
func (app *App) loadBag(ctx context.Context, bagID string) (views.Bag, error) {
	rows, err := app.st.BagLines(ctx, bagID)
	if err != nil {
		return views.Bag{}, err
	}
	return app.discountedBag(ctx, rows, "")
}

// bagRows are a bag's lines with their products as they are now, read
// from the database itself, for the checkout.
func (app *App) bagRows(ctx context.Context, bagID string) ([]store.ListBagLinesRow, error) {
	if bagID == "" {
		return nil, nil
	}
	return app.q.ListBagLines(ctx, bagID)
}

// cartLines are bag rows as the cart package prices them.
func cartLines(rows []store.ListBagLinesRow) []cart.Line {
	lines := make([]cart.Line, len(rows))
	for i, row := range rows {
		lines[i] = cart.Line{ProductID: row.ProductID, Size: row.Size, Quantity: row.Quantity, UnitPrice: row.Price}
	}
	return lines
}

// forSale are bag rows as the cart prices them, a product taken out of
// the shop counting for nothing.
func forSale(rows []store.ListBagLinesRow) []cart.Line {
	lines := cartLines(rows)
	for i, row := range rows {
		if row.Archived == 1 {
			lines[i].Quantity = 0
		}
	}
	return lines
}

// priceRows prices bag rows with the bag's discount code, as it applies
// for a payment (pid; "" for none yet) by an email ("" when not known).
func (app *App) priceRows(ctx context.Context, rows []store.ListBagLinesRow, pid, email string) (cart.Totals, orders.Applied, error) {
	var a orders.Applied
	if len(rows) > 0 && rows[0].DiscountCode != "" {
		var err error
		if a, err = orders.ApplyCode(ctx, app.q, rows[0].DiscountCode, pid, email, time.Now()); err != nil {
			return cart.Totals{}, a, err
		}
	}
	return app.cfg.Delivery.PriceWith(forSale(rows), a.Discount), a, nil
}

// discountedBag prices bag rows with the bag's discount code for a
// payment (pid, "" for none yet) and formats them for the pages.
func (app *App) discountedBag(ctx context.Context, rows []store.ListBagLinesRow, pid string) (views.Bag, error) {
	t, a, err := app.priceRows(ctx, rows, pid, "")
	if err != nil {
		return views.Bag{}, err
	}
	b := app.formatBag(rows, t)
	b.DiscountCode, b.DiscountNote = a.Code, cmp.Or(a.Note, a.MinSpendNote(t, app.cfg.Currency))
	return b, nil
}

// pricedBag prices bag lines under the shop's delivery rules, without a
// discount, and formats them for the pages.
func (app *App) pricedBag(rows []store.ListBagLinesRow) views.Bag {
	return app.formatBag(rows, app.cfg.Delivery.Price(forSale(rows)))
}

// formatBag formats priced bag rows for the pages.
func (app *App) formatBag(rows []store.ListBagLinesRow, t cart.Totals) views.Bag {
	lines := forSale(rows)
	b := views.Bag{
		Count:      t.Count,
		Total:      app.money(t.Total),
		Delivery:   app.money(t.Delivery),
		GrandTotal: app.money(t.GrandTotal),
	}
	if t.Discount > 0 {
		b.Discount = app.money(t.Discount)
	}
	if t.FreeDeliveryDelta > 0 {
		b.Nudge = app.money(t.FreeDeliveryDelta)
	}
	for i, row := range rows {
		b.Lines = append(b.Lines, views.BagLine{
			ProductID:   row.ProductID,
			Size:        row.Size,
			Quantity:    row.Quantity,
			Name:        row.Name,
			SKU:         row.Sku,
			ImageURL:    imageURL(row.ImageID),
			UnitPrice:   app.money(row.Price),
			Subtotal:    app.money(lines[i].Subtotal()),
			Unavailable: row.Archived == 1,
		})
	}
	return b
}

func (app *App) bagView(w http.ResponseWriter, r *http.Request) {
	app.renderBag(w, r, http.StatusOK, nil)
}

// renderBag draws /bag/, with any message about the last change.
func (app *App) renderBag(w http.ResponseWriter, r *http.Request, status int, msgs []views.Message) {
	ctx := r.Context()
	bagID := app.bagID(ctx)
	rows, err := app.st.BagLines(ctx, bagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	bag, err := app.discountedBag(ctx, rows, "")
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	c, err := app.chromeFor(r, "Shopping bag", bag)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	c.Messages = append(c.Messages, msgs...)
	// Lines beyond what is left: said here, and the checkout refuses them.
	if _, msg, err := app.bagShortages(ctx, bagID, rows); err != nil {
		app.serverError(w, r, err)
		return
	} else if msg != "" {
		c.Messages = append(c.Messages, views.Message{Level: "error", Text: msg})
	}
	app.render(w, r, status, views.BagPage(c, bag))
}

// bagAdd is POST /bag/add/{id}/: quantity, product_size, redirect_url.
func (app *App) bagAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	product, _, ok := app.bagProduct(w, r, false)
	if !ok {
		return
	}
	form := views.AddForm{Size: r.PostFormValue("product_size"), Quantity: r.PostFormValue("quantity")}
	refuse := func(msg string) {
		if isHTMX(r) {
			app.toastError(w, r, http.StatusUnprocessableEntity, msg)
			return
		}
		app.renderProduct(w, r, http.StatusUnprocessableEntity, product, form,
			[]views.Message{{Level: "error", Text: msg}})
	}

	qty, err := cart.ParseQuantity(form.Quantity, 1)
	if err != nil {
		refuse(err.Error())
		return
	}
	size, err := cart.ParseSize(form.Size, product.HasSizes == 1)
	if err != nil {
		refuse(err.Error())
		return
	}
	back := r.PostFormValue("redirect_url")
	if back == "" {
		back = views.ProductURL(product.ID)
	} else if !localPath(back) {
		refuse("We can only take you back to a page of this shop.")
		return
	}

	bagID := app.ensureBagID(r)
	if msg, have, err := app.checkStock(ctx, bagID, product.ID, product.Name, size, qty); err != nil {
		app.serverError(w, r, err)
		return
	} else if msg != "" {
		if have > 0 {
			msg += fmt.Sprintf(" You have %d in your bag already.", have)
		}
		refuse(msg + " Nothing was added.")
		return
	}
	switch err := app.st.AddToBag(ctx, bagID, product.ID, size, qty); {
	case errors.Is(err, store.ErrLineFull):
		have, _ := app.q.GetBagLineQuantity(ctx, store.GetBagLineQuantityParams{BagID: bagID, ProductID: product.ID, Size: size})
		refuse(fmt.Sprintf("You already have %d of %s in your bag, and a bag holds at most %d of each. Nothing was added.",
			have, describe(product.Name, size), cart.MaxQuantity))
		return
	case err != nil:
		app.serverError(w, r, err)
		return
	}

	msg := fmt.Sprintf("Added %s to your bag", describe(product.Name, size))
	if qty > 1 {
		msg = fmt.Sprintf("Added %d × %s to your bag", qty, describe(product.Name, size))
	}
	if !isHTMX(r) {
		app.flash(ctx, "success", msg)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	bag, err := app.loadBag(ctx, bagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, templ.Join(
		views.BagToast(views.Message{Level: "success", Text: msg}, bag),
		views.BagBadge(bag, true),
	))
}

// bagAdjust is POST /bag/adjust/{id}/: quantity (0 removes), product_size.
// The bag's "−" and "+" also send step (-1 or 1): with htmx the step is
// applied to the line as it is then, so quick clicks all count; a plain
// form post uses the quantity, which its freshly loaded page showed.
func (app *App) bagAdjust(w http.ResponseWriter, r *http.Request) {
	if step := r.PostFormValue("step"); isHTMX(r) && (step == "1" || step == "-1") {
		app.changeLine(w, r, map[string]int64{"1": 1, "-1": -1}[step], nil)
		return
	}
	app.changeLine(w, r, 0, func(name, size string) (int64, error) {
		return cart.ParseQuantity(r.PostFormValue("quantity"), 0)
	})
}

// bagRemove is POST /bag/remove/{id}/: product_size.
func (app *App) bagRemove(w http.ResponseWriter, r *http.Request) {
	app.changeLine(w, r, 0, func(name, size string) (int64, error) { return 0, nil })
}

// lineMessage says what a change left a line at.
func lineMessage(name, size string, qty int64) string {
	if qty == 0 {
		return fmt.Sprintf("Removed %s from your bag", describe(name, size))
	}
	return fmt.Sprintf("Updated %s to a quantity of %d", describe(name, size), qty)
}

// changeLine changes one line of the session's bag: by step from what it
// holds when the write runs, or, when step is 0, to the quantity decide
// gives (0 removes it). It answers with the new line, totals and badge.
func (app *App) changeLine(w http.ResponseWriter, r *http.Request, step int64, decide func(name, size string) (int64, error)) {
	ctx := r.Context()
	// A product taken out of the shop since it was added can only leave.
	product, archived, ok := app.bagProduct(w, r, true)
	if !ok {
		return
	}
	refuse := func(msg string) {
		if isHTMX(r) {
			app.toastError(w, r, http.StatusUnprocessableEntity, msg)
			return
		}
		app.renderBag(w, r, http.StatusUnprocessableEntity, []views.Message{{Level: "error", Text: msg}})
	}
	size, err := cart.ParseSize(r.PostFormValue("product_size"), product.HasSizes == 1)
	if err != nil {
		refuse(err.Error())
		return
	}
	var qty int64
	if step == 0 {
		if qty, err = decide(product.Name, size); err != nil {
			refuse(err.Error())
			return
		}
	}
	if archived && (qty > 0 || step > 0) {
		refuse("That product isn't available any more; you can only remove it.")
		return
	}
	bagID := app.bagID(ctx)
	if step > 0 || qty > 0 {
		check := app.checkStock
		if step == 0 {
			check = app.checkStockFor // the quantity is the line's, not more of it
		}
		if msg, _, err := check(ctx, bagID, product.ID, product.Name, size, max(step, qty)); err != nil {
			app.serverError(w, r, err)
			return
		} else if msg != "" {
			refuse(msg)
			return
		}
	}
	var found bool
	if step != 0 {
		qty, found, err = app.st.StepBagLine(ctx, bagID, product.ID, size, step)
	} else {
		found, err = app.st.SetBagLine(ctx, bagID, product.ID, size, qty)
	}
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if !found {
		refuse("That item isn't in your bag any more.")
		return
	}
	msg := lineMessage(product.Name, size, qty)
	if !isHTMX(r) {
		app.flash(ctx, "success", msg)
		http.Redirect(w, r, views.BagURL, http.StatusSeeOther)
		return
	}
	app.lineChanged(w, r, bagID, product.ID, size, msg)
}

// lineChanged answers an htmx change to a line: the line's new quantity
// and subtotal in place (or the line taken off), the totals, the badge
// and a message; the whole bag when it is empty now.
func (app *App) lineChanged(w http.ResponseWriter, r *http.Request, bagID string, productID int64, size, msg string) {
	bag, err := app.loadBag(r.Context(), bagID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	toast := views.ToastOOB(views.Message{Level: "success", Text: msg})
	badge := views.BagBadge(bag, true)
	if bag.Empty() {
		w.Header().Set("HX-Retarget", "#bag")
		w.Header().Set("HX-Reswap", "outerHTML")
		app.render(w, r, http.StatusOK, templ.Join(views.BagContents(bag, nosurf.Token(r)), badge, toast))
		return
	}
	line := views.BagLineGone(views.BagLine{ProductID: productID, Size: size}.ID())
	for _, l := range bag.Lines {
		if l.ProductID == productID && l.Size == size {
			line = views.BagLineUpdate(l)
		}
	}
	app.render(w, r, http.StatusOK, templ.Join(line, views.BagTotals(bag, true), badge, toast))
}

// bagProduct looks up the product a bag action names; when there is no
// such product it answers 404 and reports false. With inBag, a product
// taken out of the shop that the session's bag still holds is found too,
// as archived, so that it can be removed.
func (app *App) bagProduct(w http.ResponseWriter, r *http.Request, inBag bool) (p store.GetProductRow, archived, ok bool) {
	const msg = "That product isn't in our catalog any more."
	id, ok := pathID(r)
	if ok {
		p, err := app.st.Product(r.Context(), id)
		if err == nil {
			return p, false, true
		}
		if !errors.Is(err, sql.ErrNoRows) {
			app.serverError(w, r, err)
			return p, false, false
		}
	}
	if ok && inBag {
		rows, err := app.bagRows(r.Context(), app.bagID(r.Context()))
		if err != nil {
			app.serverError(w, r, err)
			return p, false, false
		}
		for _, row := range rows {
			if row.ProductID == id && row.Archived == 1 {
				return store.GetProductRow{ID: id, Sku: row.Sku, Name: row.Name, HasSizes: row.HasSizes, Price: row.Price}, true, true
			}
		}
	}
	if isHTMX(r) {
		app.toastError(w, r, http.StatusNotFound, msg)
	} else {
		app.notFound(w, r)
	}
	return store.GetProductRow{}, false, false
}

// describe names a product and its size for messages.
func describe(name, size string) string {
	if size == "" {
		return name
	}
	return fmt.Sprintf("%s (size %s)", name, size)
}

// localPath accepts only a path on this shop: it starts with one slash,
// names no host or scheme, and holds no backslash or control character.
func localPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n\t") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
