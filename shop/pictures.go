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

// maxPicturePixels bounds an upload's size in pixels: a few megabytes of
// PNG can decode to gigabytes.
const maxPicturePixels = 40_000_000

// A variant is a smaller copy of a picture.
type variant struct {
	width int
	ctype string
	data  []byte
}

// makeVariants makes the smaller copies of an uploaded picture: PNG for a
// PNG, JPEG for the rest. A picture no wider than a width needs no copy
// at it. It runs before the write, so the writer never waits on it.
func makeVariants(data []byte, ctype string) ([]variant, error) {
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	var out []variant
	for _, w := range variantWidths {
		if b.Dx() <= w {
			continue
		}
		h := max(1, b.Dy()*w/b.Dx())
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
		var buf bytes.Buffer
		v := variant{width: w, ctype: "image/jpeg"}
		if ctype == "image/png" {
			v.ctype, err = "image/png", png.Encode(&buf, dst)
		} else {
			err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85})
		}
		if err != nil {
			return nil, err
		}
		v.data = buf.Bytes()
		out = append(out, v)
	}
	return out, nil
}

// saveVariants stores a picture's smaller copies, in the caller's write.
func saveVariants(ctx context.Context, tx *store.Tx, imageID int64, vs []variant) error {
	for _, v := range vs {
		if err := tx.CreateImageVariant(ctx, store.CreateImageVariantParams{ImageID: imageID, Width: int64(v.width),
			ContentType: v.ctype, Data: v.data}); err != nil {
			return err
		}
	}
	return nil
}

// decodes says whether an upload is a picture the shop can read (and so
// make smaller copies of), of a sane size.
func decodes(data []byte) bool {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && cfg.Width > 0 && cfg.Height > 0 && cfg.Width*cfg.Height <= maxPicturePixels
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

// pictureViews are a product's pictures, by id in order, for a page.
func pictureViews(ids []int64) []views.Picture {
	var pics []views.Picture
	for _, id := range ids {
		pics = append(pics, views.Picture{ID: id, URL: imageURL(sql.NullInt64{Int64: id, Valid: true})})
	}
	return pics
}
