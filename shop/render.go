package shop

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/justinas/nosurf"

	"boutique/cart"
	"boutique/store"
	"boutique/views"
)

// render draws a component into a buffer first, so that a failure while
// rendering becomes a clean 500 rather than half a page.
func (app *App) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	if err := writeHTML(w, r, status, c); err != nil {
		app.serverError(w, r, err)
	}
}

// renderPage draws a page in the layout: the chrome for the title, then
// the page made from it.
func (app *App) renderPage(w http.ResponseWriter, r *http.Request, status int, title string, page func(views.Chrome) templ.Component) {
	c, err := app.chrome(r, title)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.render(w, r, status, page(c))
}

// writeHTML renders c in full and only then writes the status and the body;
// on a render error it has written nothing.
func writeHTML(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// chrome gathers what the layout needs for every page: the navigation,
// the bag for its badge, the CSRF token and any messages kept for it.
func (app *App) chrome(r *http.Request, title string) (views.Chrome, error) {
	bag, err := app.loadBag(r.Context(), app.sessionBagID(r))
	if err != nil {
		return views.Chrome{}, err
	}
	return app.chromeFor(r, title, bag)
}

// chromeFor is chrome for a handler that has loaded the bag already.
func (app *App) chromeFor(r *http.Request, title string, bag views.Bag) (views.Chrome, error) {
	cats, err := app.categories(r)
	if err != nil {
		return views.Chrome{}, err
	}
	c := views.Chrome{
		Title:      title,
		Categories: cats,
		Query:      r.URL.Query().Get("q"),
		Bag:        bag,
		CSRFToken:  nosurf.Token(r),
	}
	if app.cfg.Delivery.FreeDeliveryThreshold > 0 {
		c.FreeDelivery = app.money(app.cfg.Delivery.FreeDeliveryThreshold)
	}
	if hasSession(r) {
		c.Messages = app.popFlash(r.Context())
		if u, ok := app.currentUser(r); ok {
			c.User = u.Username
			c.IsStaff = u.IsStaff == 1
		}
	}
	return c, nil
}

// sessionBagID is the bag of the request's session, if it went through the
// session middleware at all.
func (app *App) sessionBagID(r *http.Request) string {
	if !hasSession(r) {
		return ""
	}
	return app.bagID(r.Context())
}

func (app *App) money(cents int64) string { return cart.Format(cents, app.cfg.Currency) }

// categories are the catalog's categories for the navigation, through
// the store's cache.
func (app *App) categories(r *http.Request) ([]views.Category, error) {
	rows, err := app.st.Categories(r.Context())
	if err != nil {
		return nil, err
	}
	cats := make([]views.Category, len(rows))
	for i, c := range rows {
		cats[i] = views.Category{
			Name:         c.Name,
			FriendlyName: c.FriendlyName,
			ProductCount: c.ProductCount,
			Sized:        c.SizedCount > 0,
		}
	}
	return cats, nil
}

// serverError is the one path for failures: it logs the request and the
// cause, and shows the shopper a generic page that gives nothing away.
func (app *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	app.log.Error("request failed", "method", r.Method, "url", r.URL.String(), "err", err)
	app.errorPage(w, r, http.StatusInternalServerError, "Something went wrong",
		"We could not finish that just now. Please try again in a moment.")
}

func (app *App) notFound(w http.ResponseWriter, r *http.Request) {
	app.errorPage(w, r, http.StatusNotFound, "We couldn't find that page",
		"It may have moved, or the address may be mistyped.")
}

// errorPage draws the friendly error page. Its chrome is best effort: when
// the database is the problem, the page still renders without categories.
func (app *App) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, detail string) {
	if isHTMX(r) {
		app.toastError(w, r, status, heading+". "+detail)
		return
	}
	c, err := app.chrome(r, heading)
	if err != nil {
		c = views.Chrome{Title: heading, Bag: app.pricedBag(nil)}
	}
	if err := writeHTML(w, r, status, views.ErrorPage(c, status, heading, detail)); err != nil {
		app.log.Error("error page failed", "err", err)
		http.Error(w, http.StatusText(status), status)
	}
}

// fail answers a handler's error: not-found errors become the 404 page and
// everything else a 500.
func (app *App) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		app.notFound(w, r)
		return
	}
	app.serverError(w, r, err)
}

// toastError answers an htmx request that cannot be done with an error
// toast at the top of the toast area, whatever the request targeted.
func (app *App) toastError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("HX-Retarget", "#toasts")
	w.Header().Set("HX-Reswap", "afterbegin")
	if err := writeHTML(w, r, status, views.Toast(views.Message{Level: "error", Text: msg})); err != nil {
		app.log.Error("error toast failed", "err", err)
		http.Error(w, msg, status)
	}
}
