package shop

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"boutique/store"
	"boutique/views"

	"github.com/a-h/templ"
)

func (app *App) home(w http.ResponseWriter, r *http.Request) {
	app.renderPage(w, r, http.StatusOK, "", func(c views.Chrome) templ.Component { return views.Home(c) })
}

// productsPerPage is how many cards a page of /products/ shows.
const productsPerPage = 48

// sortKeys are the sorts /products/ knows; any other value is ignored.
var sortKeys = map[string]bool{"price": true, "rating": true, "name": true, "category": true, "newest": true}

// productList is /products/: search with q, filter with category (a comma
// list), order with sort (price, rating, name, category, newest) and
// direction, or order_by, the sort select's one value.
func (app *App) productList(w http.ResponseWriter, r *http.Request) {
	c, err := app.chrome(r, "Products")
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	params := r.URL.Query()
	list := views.ProductList{Direction: "asc"}

	if params.Has("q") {
		list.Query = strings.TrimSpace(params.Get("q"))
		if list.Query == "" {
			c.Messages = append(c.Messages, views.Message{Level: "error", Text: "You didn't enter any search criteria!"})
		}
	}

	var wanted []string
	for _, name := range strings.Split(params.Get("category"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			wanted = append(wanted, name)
		}
	}
	for _, cat := range c.Categories {
		for _, name := range wanted {
			if cat.Name == name {
				list.Categories = append(list.Categories, cat)
				break
			}
		}
	}
	if len(list.Categories) == 1 {
		c.Active = list.Categories[0].Name
		c.Title = list.Categories[0].FriendlyName
	}

	if s := params.Get("sort"); sortKeys[s] {
		list.Sort = s
	}
	if params.Get("direction") == "desc" {
		list.Direction = "desc"
	}
	// The page's one select sends order_by, which stands for a sort and
	// a direction; links and other clients may send those directly.
	for _, o := range views.SortOptions {
		if params.Get("order_by") == o.Value {
			list.Sort, list.Direction = o.Sort, o.Direction
		}
	}
	var descending int64
	if list.Sort != "" && list.Direction == "desc" {
		descending = 1
	}

	rows, err := app.st.SearchProducts(r.Context(), store.SearchProductsParams{
		Query:      list.Query,
		Categories: strings.Join(wanted, ","),
		Sort:       list.Sort,
		Descending: descending,
	})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	// A page at a time: 172 cards made a page that took long to draw and
	// to send, for shoppers who look at the first few rows.
	list.Total = len(rows)
	list.Pages = max(1, (len(rows)+productsPerPage-1)/productsPerPage)
	list.Page = 1
	if p, err := strconv.Atoi(params.Get("page")); err == nil && p > 1 {
		list.Page = min(p, list.Pages)
	}
	rows = rows[(list.Page-1)*productsPerPage : min(len(rows), list.Page*productsPerPage)]
	list.Products = make([]views.Product, len(rows))
	for i, p := range rows {
		list.Products[i] = app.productView(store.GetProductRow(p))
	}
	app.render(w, r, http.StatusOK, views.Products(c, list))
}

func (app *App) productDetail(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		app.notFound(w, r)
		return
	}
	row, err := app.st.Product(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	app.renderProduct(w, r, http.StatusOK, row, views.AddForm{}, nil)
}

// renderProduct draws a product's page, with what the shopper typed into
// its add form and any message about it.
func (app *App) renderProduct(w http.ResponseWriter, r *http.Request, status int, row store.GetProductRow, form views.AddForm, msgs []views.Message) {
	app.renderProductWith(w, r, status, row, form, views.ReviewForm{}, msgs)
}

// renderProductWith draws a product page with the add form and the review
// form as typed.
func (app *App) renderProductWith(w http.ResponseWriter, r *http.Request, status int, row store.GetProductRow, form views.AddForm, review views.ReviewForm, msgs []views.Message) {
	p := app.productView(row)
	c, err := app.chrome(r, p.Name)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	extras, err := app.st.Extras(r.Context(), row.ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	rv, err := app.productReviews(r, row.ID, extras.Reviews, review)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	p.Pictures = pictureViews(extras.Pictures)
	if p.Stock, err = app.stockLeft(r.Context(), app.bagID(r.Context()), row.ID); err != nil {
		app.serverError(w, r, err)
		return
	}
	p.LowStock = app.cfg.LowStock
	// ?picture= shows another of the product's pictures large.
	if chosen := r.URL.Query().Get("picture"); chosen != "" {
		for _, pic := range p.Pictures {
			if strconv.FormatInt(pic.ID, 10) == chosen {
				p.ImageURL = pic.URL
			}
		}
	}
	c.Active = p.Category
	c.Messages = append(c.Messages, msgs...)
	app.render(w, r, status, views.ProductDetail(c, p, form, rv))
}

// pathID reads the {id} of a route as a positive integer.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (app *App) productView(p store.GetProductRow) views.Product {
	v := views.Product{
		ID:           p.ID,
		SKU:          p.Sku,
		Name:         p.Name,
		Description:  p.Description,
		Price:        app.money(p.Price),
		PriceCents:   p.Price,
		Rating:       -1,
		HasSizes:     p.HasSizes == 1,
		Category:     p.CategoryName,
		CategoryName: p.CategoryFriendlyName,
	}
	if p.Rating.Valid {
		v.Rating = p.Rating.Int64
	}
	v.Reviews = p.ReviewCount
	v.ImageURL = imageURL(p.ImageID)
	return v
}

// imageURL is where a product's picture is served, or the stand-in for a
// product without one.
func imageURL(id sql.NullInt64) string {
	if !id.Valid {
		return "/static/img/no-image.svg"
	}
	return fmt.Sprintf("/images/%d/", id.Int64)
}

// image serves a picture stored in the database. A picture's id is never
// reused, so browsers may keep it for good.
func (app *App) image(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		app.notFound(w, r)
		return
	}
	if app.imageVariant(w, r, id) {
		return
	}
	img, err := app.q.GetImage(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	servePicture(w, r, img.ContentType, img.Sha256, img.Data)
}

// servePicture answers with a picture, cached for good under its etag.
func servePicture(w http.ResponseWriter, r *http.Request, ctype, etag string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+etag+`"`)
	// A picture is never a document: no scripts, even inside an SVG.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+etag+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
