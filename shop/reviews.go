package shop

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// Reviews come from buyers: a signed-in shopper with an order of a
// product may rate it (1 to 5 stars) and review it, once. The product's
// rating and count are kept from the visible reviews in the same write;
// staff may hide a review and show it again.

// productReviews are a product page's reviews and what its visitor may
// do there; visible are the reviews everyone sees (from the store's
// Extras).
func (app *App) productReviews(r *http.Request, productID int64, visible []store.ListProductReviewsRow, form views.ReviewForm) (views.Reviews, error) {
	ctx := r.Context()
	u, signedIn := app.currentUser(r)
	rv := views.Reviews{Staff: signedIn && u.IsStaff == 1, Form: form}
	rows := visible
	if rv.Staff {
		// Staff see the hidden ones too, to show them again.
		var err error
		if rows, err = app.q.ListProductReviews(ctx, store.ListProductReviewsParams{ProductID: productID, WithHidden: 1}); err != nil {
			return rv, err
		}
	}
	for _, row := range rows {
		rv.List = append(rv.List, views.Review{ID: row.ID, Stars: row.Stars, Body: row.Body, Username: row.Username,
			Date: orders.OrderDate(row.CreatedAt, app.cfg.TimeZone), Hidden: row.HiddenAt.Valid})
	}
	if !signedIn {
		rv.Why = "Bought this? Log in to review it."
		return rv, nil
	}
	can, why, err := app.mayReview(ctx, u.ID, productID)
	rv.CanWrite, rv.Why = can, why
	return rv, err
}

// mayReview says whether a user may review a product, and if not why.
func (app *App) mayReview(ctx context.Context, userID, productID int64) (bool, string, error) {
	bought, err := app.q.HasBought(ctx, store.HasBoughtParams{UserID: sql.NullInt64{Int64: userID, Valid: true}, ProductID: sql.NullInt64{Int64: productID, Valid: true}})
	if err != nil || bought == 0 {
		return false, "Only shoppers who bought this can review it.", err
	}
	done, err := app.q.HasReviewed(ctx, store.HasReviewedParams{ProductID: productID, UserID: userID})
	if err != nil || done == 1 {
		return false, "Thank you for your review of this.", err
	}
	return true, "", nil
}

// reviewPost is POST /products/{id}/review/: stars (1-5), body.
func (app *App) reviewPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok := app.requireUser(w, r)
	if !ok {
		return
	}
	product, _, ok := app.bagProduct(w, r, false)
	if !ok {
		return
	}
	can, why, err := app.mayReview(ctx, u.ID, product.ID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if !can {
		app.renderProduct(w, r, http.StatusForbidden, product, views.AddForm{}, []views.Message{{Level: "error", Text: why}})
		return
	}
	form := views.ReviewForm{Stars: r.PostFormValue("stars"), Body: strings.TrimSpace(r.PostFormValue("body")), Errors: map[string]string{}}
	stars, err := strconv.ParseInt(form.Stars, 10, 64)
	if err != nil || stars < 1 || stars > 5 {
		form.Errors["stars"] = "Choose from 1 to 5 stars."
	}
	if len([]rune(form.Body)) > 2000 {
		form.Errors["body"] = "At most 2000 characters."
	}
	if len(form.Errors) > 0 {
		app.renderProductWith(w, r, http.StatusUnprocessableEntity, product, views.AddForm{}, form, nil)
		return
	}
	err = app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		if _, err := tx.CreateReview(ctx, store.CreateReviewParams{ProductID: product.ID, UserID: u.ID, Stars: stars,
			Body: form.Body, CreatedAt: store.Time(time.Now())}); err != nil {
			return err
		}
		return tx.RefreshProductRating(ctx, product.ID)
	})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Thank you: your review of "+product.Name+" is up.")
	http.Redirect(w, r, views.ProductURL(product.ID)+"#reviews", http.StatusSeeOther)
}

// ownerReviewVisibility is POST /owner/reviews/{id}/visibility/: hidden
// true hides a review, false shows it again.
func (app *App) ownerReviewVisibility(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r)
	if !ok {
		app.notFound(w, r)
		return
	}
	hide := r.PostFormValue("hidden") == "true"
	var productID int64
	err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		at := sql.NullString{}
		if hide {
			at = store.Nullable(store.Time(time.Now()))
		}
		var err error
		if productID, err = tx.SetReviewHidden(ctx, store.SetReviewHiddenParams{HiddenAt: at, ID: id}); err != nil {
			return err
		}
		return tx.RefreshProductRating(ctx, productID)
	})
	if err != nil {
		app.fail(w, r, err) // a 404 for what is not there
		return
	}
	app.flash(ctx, "success", map[bool]string{true: "The review is hidden.", false: "The review shows again."}[hide])
	http.Redirect(w, r, views.ProductURL(productID)+"#reviews", http.StatusSeeOther)
}
