package shop

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/yuin/goldmark"

	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// The shop's own pages (about, delivery and returns, privacy, terms,
// contact) are Markdown the owner writes. goldmark renders no raw HTML
// and no javascript: links, so a page cannot carry a script.
var markdown = goldmark.New()

// pageTokens are the settings a page's text can show.
func (app *App) pageTokens() *strings.Replacer {
	return strings.NewReplacer(
		"{contact_email}", app.cfg.ContactEmail,
		"{free_delivery_threshold}", app.money(app.cfg.Delivery.FreeDeliveryThreshold),
	)
}

// shopPage is GET /pages/{slug}/.
func (app *App) shopPage(w http.ResponseWriter, r *http.Request) {
	p, err := app.q.GetPage(r.Context(), r.PathValue("slug"))
	if err != nil {
		app.fail(w, r, err)
		return
	}
	var html bytes.Buffer
	if err := markdown.Convert([]byte(app.pageTokens().Replace(p.Body)), &html); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, p.Title, func(c views.Chrome) templ.Component {
		return views.ShopPage(c, p.Title, templ.Raw(html.String()))
	})
}

// ownerPages is GET /owner/pages/: the pages to edit.
func (app *App) ownerPages(w http.ResponseWriter, r *http.Request) {
	rows, err := app.q.ListPages(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	var list []views.OwnerPageRow
	for _, p := range rows {
		list = append(list, views.OwnerPageRow{Slug: p.Slug, Title: p.Title, Updated: orders.OrderDate(p.UpdatedAt, app.cfg.TimeZone)})
	}
	app.renderPage(w, r, http.StatusOK, "Pages", func(c views.Chrome) templ.Component { return views.OwnerPageList(c, list) })
}

// ownerPageEdit is GET /owner/pages/{slug}/.
func (app *App) ownerPageEdit(w http.ResponseWriter, r *http.Request) {
	p, err := app.q.GetPage(r.Context(), r.PathValue("slug"))
	if err != nil {
		app.fail(w, r, err)
		return
	}
	app.renderPageForm(w, r, http.StatusOK, views.PageForm{Slug: p.Slug, Title: p.Title, Body: p.Body})
}

func (app *App) renderPageForm(w http.ResponseWriter, r *http.Request, status int, f views.PageForm) {
	f.Tokens = "{contact_email} shows " + app.cfg.ContactEmail + "; {free_delivery_threshold} shows " +
		app.money(app.cfg.Delivery.FreeDeliveryThreshold) + "."
	app.renderPage(w, r, status, "Edit "+f.Title, func(c views.Chrome) templ.Component { return views.OwnerPageEdit(c, f) })
}

// ownerPageSave is POST /owner/pages/{slug}/: title and body.
func (app *App) ownerPageSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := views.PageForm{Slug: r.PathValue("slug"), Title: strings.TrimSpace(r.PostFormValue("title")),
		Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"), Errors: map[string]string{}}
	if n := len([]rune(f.Title)); n < 1 || n > 80 {
		f.Errors["title"] = "A title of 1 to 80 characters is required."
	}
	if len(f.Body) > 20000 {
		f.Errors["body"] = "At most 20,000 characters."
	}
	if len(f.Errors) > 0 {
		app.renderPageForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		n, err := tx.UpdatePage(ctx, store.UpdatePageParams{Title: f.Title, Body: f.Body, UpdatedAt: store.Time(time.Now()), Slug: f.Slug})
		if err == nil && n == 0 {
			err = sql.ErrNoRows
		}
		return err
	})
	if err != nil {
		app.fail(w, r, err) // a 404 for what is not there
		return
	}
	app.flash(ctx, "success", "Saved "+f.Title+".")
	http.Redirect(w, r, "/pages/"+f.Slug+"/", http.StatusSeeOther)
}
