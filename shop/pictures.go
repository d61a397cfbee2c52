package shop

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"slices"
	"strconv"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // uploads may be WebP

	"boutique/store"
	"boutique/views"
)

// A product has pictures in the owner's order; the first is its main one
// (products.image_id). Uploaded pictures are kept with smaller copies at
// variantWidths, which pages offer through srcset; drawn (SVG) ones need
// none.

// variantWidths are the widths of the smaller copies kept of a picture.
var variantWidths = []int{200, 400}

// saveVariants stores the smaller copies of an uploaded picture: PNG for
// a PNG, JPEG for the rest. A picture no wider than a width needs no copy
// at it.
func saveVariants(ctx context.Context, tx *store.Tx, imageID int64, data []byte, ctype string) error {
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("picture %d: %w", imageID, err)
	}
	b := src.Bounds()
	for _, w := range variantWidths {
		if b.Dx() <= w {
			continue
		}
		h := max(1, b.Dy()*w/b.Dx())
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
		var out bytes.Buffer
		vtype := "image/jpeg"
		if ctype == "image/png" {
			vtype, err = "image/png", png.Encode(&out, dst)
		} else {
			err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85})
		}
		if err != nil {
			return err
		}
		if err := tx.CreateImageVariant(ctx, store.CreateImageVariantParams{ImageID: imageID, Width: int64(w),
			ContentType: vtype, Data: out.Bytes()}); err != nil {
			return err
		}
	}
	return nil
}

// decodes says whether an upload is a picture the shop can read (and so
// make smaller copies of).
func decodes(data []byte) bool {
	_, _, err := image.Decode(bytes.NewReader(data))
	return err == nil
}

// imageVariant serves /images/{id}/?w=WIDTH when that copy exists; it
// reports false to serve the picture itself.
func (app *App) imageVariant(w http.ResponseWriter, r *http.Request, id int64) bool {
	width, err := strconv.Atoi(r.URL.Query().Get("w"))
	if err != nil || !slices.Contains(variantWidths, width) {
		return false
	}
	v, err := app.q.GetImageVariant(r.Context(), store.GetImageVariantParams{ImageID: id, Width: int64(width)})
	if err != nil {
		return false
	}
	etag := v.Sha256 + "-" + strconv.Itoa(width)
	servePicture(w, r, v.ContentType, etag, v.Data)
	return true
}

// setPictures writes a product's pictures in order; the first is its
// main one (none when the list is empty).
func setPictures(ctx context.Context, tx *store.Tx, productID int64, ids []int64) error {
	for i, id := range ids {
		if err := tx.SetProductImagePosition(ctx, store.SetProductImagePositionParams{Position: int64(i), ProductID: productID, ImageID: id}); err != nil {
			return err
		}
	}
	main := sql.NullInt64{}
	if len(ids) > 0 {
		main = sql.NullInt64{Int64: ids[0], Valid: true}
	}
	return tx.SetMainImage(ctx, store.SetMainImageParams{ImageID: main, ID: productID})
}

// ownerPicture is POST /owner/products/{id}/pictures/{image}/{action}/:
// main makes a picture the product's main one, earlier moves it one
// place up, remove takes it off the product.
func (app *App) ownerPicture(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	productID, ok := pathID(r)
	imageID, err := strconv.ParseInt(r.PathValue("image"), 10, 64)
	action := r.PathValue("action")
	if !ok || err != nil || !slices.Contains([]string{"main", "earlier", "remove"}, action) {
		app.notFound(w, r)
		return
	}
	err = app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		ids, err := tx.ListProductImages(ctx, productID)
		if err != nil {
			return err
		}
		i := slices.Index(ids, imageID)
		if i < 0 {
			return sql.ErrNoRows
		}
		switch action {
		case "main":
			ids = append([]int64{imageID}, slices.Delete(ids, i, i+1)...)
		case "earlier":
			if i > 0 {
				ids[i-1], ids[i] = ids[i], ids[i-1]
			}
		case "remove":
			if err := tx.RemoveProductImage(ctx, store.RemoveProductImageParams{ProductID: productID, ImageID: imageID}); err != nil {
				return err
			}
			ids = slices.Delete(ids, i, i+1)
		}
		return setPictures(ctx, tx, productID, ids)
	})
	if err != nil {
		app.fail(w, r, err) // a 404 for what is not there
		return
	}
	app.flash(ctx, "success", map[string]string{"main": "That is the main picture now.", "earlier": "Moved.", "remove": "Picture removed."}[action])
	http.Redirect(w, r, fmt.Sprintf("/owner/products/%d/edit/", productID), http.StatusSeeOther)
}

// productPictures are the URLs of a product's pictures, in order.
func (app *App) productPictures(ctx context.Context, productID int64) ([]views.Picture, error) {
	e, err := app.st.Extras(ctx, productID)
	var pics []views.Picture
	for _, id := range e.Pictures {
		pics = append(pics, views.Picture{ID: id, URL: imageURL(sql.NullInt64{Int64: id, Valid: true})})
	}
	return pics, err
}
