package shop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/store"
	"boutique/views"
)

// maxImageBytes bounds a product picture.
const maxImageBytes = 5 << 20

// imageTypes are the pictures the shop takes, by the type their content
// shows (never by what the browser claims).
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true}

// ownerProductsPerPage is how many products a page of the owner's list
// holds: a shop of 10,000 made one page of 2.9 MB.
const ownerProductsPerPage = 50

// ownerProducts is GET /owner/products/?page=N.
func (app *App) ownerProducts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	total, err := app.q.CountProducts(ctx)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v := views.OwnerProductList{Total: total}
	v.Page, v.Pages = listPage(r, total, ownerProductsPerPage)
	rows, err := app.q.OwnerListProducts(ctx, store.OwnerListProductsParams{Max: ownerProductsPerPage, Skip: int64((v.Page - 1) * ownerProductsPerPage)})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	for _, p := range rows {
		v.Rows = append(v.Rows, views.OwnerProductRow{ID: p.ID, SKU: p.Sku, Name: p.Name, Price: app.money(p.Price),
			Category: p.CategoryFriendlyName, Archived: p.ArchivedAt.Valid, ImageURL: imageURL(p.ImageID)})
	}
	app.renderPage(w, r, http.StatusOK, "Products", func(c views.Chrome) templ.Component { return views.OwnerProducts(c, v) })
}

func (app *App) productFormView(r *http.Request, f views.ProductForm) (views.ProductForm, error) {
	cats, err := app.q.ListAllCategories(r.Context())
	if err != nil {
		return f, err
	}
	for _, c := range cats {
		f.Categories = append(f.Categories, views.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.FriendlyName})
	}
	return f, nil
}

func (app *App) renderProductForm(w http.ResponseWriter, r *http.Request, status int, f views.ProductForm) {
	f, err := app.productFormView(r, f)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, status, "Product", func(c views.Chrome) templ.Component { return views.OwnerProductForm(c, f) })
}

func (app *App) ownerProductNew(w http.ResponseWriter, r *http.Request) {
	app.renderProductForm(w, r, http.StatusOK, views.ProductForm{})
}

func (app *App) ownerProductEdit(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p, err := app.q.OwnerGetProduct(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	f := views.ProductForm{ID: p.ID, SKU: p.Sku, Name: p.Name, Description: p.Description, HasSizes: p.HasSizes == 1,
		Price: cart.Plain(p.Price, app.cfg.Currency), ImageURL: imageURL(p.ImageID)}
	if p.CategoryID.Valid {
		f.CategoryID = strconv.FormatInt(p.CategoryID.Int64, 10)
	}
	extras, err := app.st.Extras(r.Context(), p.ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	f.Pictures = pictureViews(extras.Pictures)
	app.renderProductForm(w, r, http.StatusOK, f)
}

// maxProductPrice is the highest price the owner's form takes, in minor
// units.
const maxProductPrice = 10_000_000

// productInput is a product form as posted, checked.
type productInput struct {
	form  views.ProductForm
	p     store.CreateProductParams
	image []byte
	ctype string
}

// readProductForm reads and checks the multipart product form. Nothing is
// stored here.
func (app *App) readProductForm(w http.ResponseWriter, r *http.Request, id int64) (productInput, bool) {
	in := productInput{form: views.ProductForm{ID: id, Errors: map[string]string{}}}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		in.form.Errors["image"] = "That upload is too large: a picture may be at most 5 MB."
		return in, false
	}
	f := &in.form
	f.CategoryID = r.PostFormValue("category")
	f.SKU = strings.TrimSpace(r.PostFormValue("sku"))
	f.Name = strings.TrimSpace(r.PostFormValue("name"))
	f.Description = strings.TrimSpace(r.PostFormValue("description"))
	f.HasSizes = r.PostFormValue("has_sizes") == "true"
	f.Price = strings.TrimSpace(r.PostFormValue("price"))
	p := &in.p
	if f.CategoryID != "" {
		cid, err := strconv.ParseInt(f.CategoryID, 10, 64)
		if err != nil {
			f.Errors["category"] = "Choose a category from the list."
		}
		p.CategoryID = sql.NullInt64{Int64: cid, Valid: err == nil}
	}
	if f.SKU == "" || len(f.SKU) > 40 {
		f.Errors["sku"] = "A SKU of 1 to 40 characters is required."
	}
	if f.Name == "" || len([]rune(f.Name)) > 120 {
		f.Errors["name"] = "A name of 1 to 120 characters is required."
	}
	if len([]rune(f.Description)) > 2000 {
		f.Errors["description"] = "At most 2000 characters."
	}
	price, err := cart.ParseAmount(f.Price, app.cfg.Currency)
	if err != nil || price > maxProductPrice {
		f.Errors["price"] = "Enter a price such as " + cart.Plain(2400, app.cfg.Currency) + "."
		if err != nil && strings.Contains(err.Error(), "steps") {
			f.Errors["price"] = err.Error() + "."
		}
	}
	p.Sku, p.Name, p.Description, p.Price = f.SKU, f.Name, f.Description, price
	if f.HasSizes {
		p.HasSizes = 1
	}
	file, header, err := r.FormFile("image")
	switch {
	case errors.Is(err, http.ErrMissingFile):
	case err != nil:
		f.Errors["image"] = "The picture could not be read."
	default:
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, maxImageBytes+1))
		switch ctype := http.DetectContentType(data); {
		case err != nil:
			f.Errors["image"] = "The picture could not be read."
		case len(data) > maxImageBytes:
			f.Errors["image"] = "That picture is larger than 5 MB."
		case !imageTypes[ctype]:
			f.Errors["image"] = fmt.Sprintf("%s is not a PNG, JPEG or WebP picture.", header.Filename)
		case !decodes(data):
			f.Errors["image"] = fmt.Sprintf("%s could not be read as a picture.", header.Filename)
		default:
			in.image, in.ctype = data, ctype
		}
	}
	return in, len(f.Errors) == 0
}

// saveImage stores a picture and returns its id.
func saveImage(ctx context.Context, tx *store.Tx, data []byte, ctype string) (int64, error) {
	sum := sha256.Sum256(data)
	return tx.CreateImage(ctx, store.CreateImageParams{ContentType: ctype, Sha256: hex.EncodeToString(sum[:]), Data: bytes.Clone(data)})
}

func (app *App) ownerProductCreate(w http.ResponseWriter, r *http.Request) {
	in, ok := app.readProductForm(w, r, 0)
	if !ok {
		app.renderProductForm(w, r, http.StatusUnprocessableEntity, in.form)
		return
	}
	app.saveProduct(w, r, in, 0, sql.NullInt64{})
}

func (app *App) ownerProductUpdate(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	old, err := app.q.OwnerGetProduct(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	in, ok := app.readProductForm(w, r, id)
	in.form.ImageURL = imageURL(old.ImageID)
	if !ok {
		app.renderProductForm(w, r, http.StatusUnprocessableEntity, in.form)
		return
	}
	app.saveProduct(w, r, in, id, old.ImageID)
}

// saveProduct stores a checked product form, and the picture when one
// came: a new product's main picture, or another picture of an existing
// one (its main one if it had none). A new product when id is 0, else the
// product id changed. A SKU another product has comes back as a form error.
func (app *App) saveProduct(w http.ResponseWriter, r *http.Request, in productInput, id int64, picture sql.NullInt64) {
	ctx := r.Context()
	var variants []variant
	if in.image != nil {
		var err error
		if variants, err = makeVariants(in.image, in.ctype); err != nil {
			in.form.Errors["image"] = "The picture could not be read."
			app.renderProductForm(w, r, http.StatusUnprocessableEntity, in.form)
			return
		}
	}
	err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		p := in.p
		p.ImageID = picture
		var added int64
		if in.image != nil {
			var err error
			if added, err = saveImage(ctx, tx, in.image, in.ctype); err != nil {
				return err
			}
			if err := saveVariants(ctx, tx, added, variants); err != nil {
				return err
			}
			if !p.ImageID.Valid {
				// The first picture is the main one.
				p.ImageID = sql.NullInt64{Int64: added, Valid: true}
			}
		}
		if id == 0 {
			var err error
			id, err = tx.CreateProduct(ctx, p)
			return err
		}
		if err := tx.UpdateProduct(ctx, store.UpdateProductParams{CategoryID: p.CategoryID, Sku: p.Sku, Name: p.Name,
			Description: p.Description, HasSizes: p.HasSizes, Price: p.Price, ImageID: p.ImageID, ID: id}); err != nil {
			return err
		}
		if added == 0 {
			return nil
		}
		// Another picture of the product, after the ones it has.
		return tx.AddProductImage(ctx, store.AddProductImageParams{ProductID: id, ImageID: added})
	})
	if isUniqueViolation(err) {
		in.form.Errors["sku"] = "Another product has that SKU."
		app.renderProductForm(w, r, http.StatusUnprocessableEntity, in.form)
		return
	} else if err != nil {
		app.serverError(w, r, err)
		return
	}
	if in.form.ID == 0 {
		app.flash(ctx, "success", "Added "+in.p.Name)
		http.Redirect(w, r, views.ProductURL(id), http.StatusSeeOther)
		return
	}
	app.flash(ctx, "success", "Saved "+in.p.Name)
	http.Redirect(w, r, "/owner/products/", http.StatusSeeOther)
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (app *App) ownerProductDeletePage(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p, err := app.q.OwnerGetProduct(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	n, err := app.q.ProductOrderLines(r.Context(), sql.NullInt64{Int64: id, Valid: true})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, "Delete "+p.Name, func(c views.Chrome) templ.Component { return views.OwnerDeleteProduct(c, id, p.Name, n) })
}

// ownerProductDelete deletes a product no order names, and archives one
// that orders name, so their lines stay as they were.
func (app *App) ownerProductDelete(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	p, err := app.q.OwnerGetProduct(r.Context(), id)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	var msg string
	err = app.st.Write(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		n, err := tx.ProductOrderLines(ctx, sql.NullInt64{Int64: id, Valid: true})
		if err != nil {
			return err
		}
		if n > 0 {
			msg = "Archived " + p.Name + ": orders name it, so it stays for them but leaves the catalog."
			return tx.ArchiveProduct(ctx, id)
		}
		msg = "Deleted " + p.Name
		return tx.DeleteProduct(ctx, id)
	})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(r.Context(), "success", msg)
	http.Redirect(w, r, "/owner/products/", http.StatusSeeOther)
}

// --- categories ---

func (app *App) renderCategories(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	cats, err := app.q.ListAllCategories(r.Context())
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	var out []views.OwnerCategory
	for _, c := range cats {
		out = append(out, views.OwnerCategory{ID: c.ID, Name: c.Name, FriendlyName: c.FriendlyName})
	}
	app.renderPage(w, r, status, "Categories", func(c views.Chrome) templ.Component { return views.OwnerCategories(c, out, errMsg) })
}

func (app *App) ownerCategories(w http.ResponseWriter, r *http.Request) {
	app.renderCategories(w, r, http.StatusOK, "")
}

// categorySlug makes the ?category= name of a category from its shown
// name: lower-case words joined by underscores.
func categorySlug(friendly string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(friendly) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

func (app *App) ownerCategoryCreate(w http.ResponseWriter, r *http.Request) {
	friendly := strings.TrimSpace(r.PostFormValue("friendly_name"))
	slug := categorySlug(friendly)
	if friendly == "" || len([]rune(friendly)) > 60 || slug == "" {
		app.renderCategories(w, r, http.StatusUnprocessableEntity, "A name of 1 to 60 characters, with a letter or digit, is required.")
		return
	}
	err := app.st.Write(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.CreateCategory(ctx, store.CreateCategoryParams{Name: slug, FriendlyName: friendly})
		return err
	})
	if isUniqueViolation(err) {
		app.renderCategories(w, r, http.StatusUnprocessableEntity, "There is a category of that name already.")
		return
	} else if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(r.Context(), "success", "Added the category "+friendly)
	http.Redirect(w, r, "/owner/categories/", http.StatusSeeOther)
}

func (app *App) ownerCategoryRename(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	friendly := strings.TrimSpace(r.PostFormValue("friendly_name"))
	if friendly == "" || len([]rune(friendly)) > 60 {
		app.renderCategories(w, r, http.StatusUnprocessableEntity, "A name of 1 to 60 characters is required.")
		return
	}
	var n int64
	err := app.st.Write(r.Context(), func(ctx context.Context, tx *store.Tx) (err error) {
		n, err = tx.RenameCategory(ctx, store.RenameCategoryParams{FriendlyName: friendly, ID: id})
		return err
	})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if n == 0 {
		app.notFound(w, r)
		return
	}
	app.flash(r.Context(), "success", "Renamed the category to "+friendly)
	http.Redirect(w, r, "/owner/categories/", http.StatusSeeOther)
}
