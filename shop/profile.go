package shop

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"boutique/cart"
	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// profileFields are the order form's delivery fields, which a profile
// keeps as defaults; none is required there.
var profileFields = []string{"phone_number", "street_address1", "street_address2", "town_or_city", "county", "postcode", "country"}

func profileValues(p store.Profile) map[string]string {
	return map[string]string{
		"phone_number": p.DefaultPhoneNumber.String, "street_address1": p.DefaultStreetAddress1.String,
		"street_address2": p.DefaultStreetAddress2.String, "town_or_city": p.DefaultTownOrCity.String,
		"county": p.DefaultCounty.String, "postcode": p.DefaultPostcode.String, "country": p.DefaultCountry.String,
	}
}

func (app *App) profilePage(w http.ResponseWriter, r *http.Request) {
	u, ok := app.requireUser(w, r)
	if !ok {
		return
	}
	p, err := app.q.GetProfile(r.Context(), u.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		app.serverError(w, r, err)
		return
	}
	app.renderProfile(w, r, http.StatusOK, u, profileValues(p), nil)
}

func (app *App) renderProfile(w http.ResponseWriter, r *http.Request, status int, u store.GetUserRow, values, errs map[string]string) {
	placed, err := app.q.ListUserOrders(r.Context(), sql.NullInt64{Int64: u.ID, Valid: true})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	c, err := app.chrome(r, "My profile")
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v := views.Profile{Username: u.Username, Email: u.Email}
	for _, name := range profileFields {
		spec, _ := fieldSpec(name)
		f := spec.view(values[name], errs[name])
		f.Required = false
		v.Fields = append(v.Fields, f)
	}
	for _, o := range placed {
		v.Orders = append(v.Orders, views.OrderSummary{
			Number: o.OrderNumber, Short: o.OrderNumber[:8] + "…", Date: orders.OrderDate(o.CreatedAt, app.cfg.TimeZone),
			Items: o.Items, GrandTotal: cart.Format(o.GrandTotal, o.Currency), Status: orders.StatusLabel(o.Status),
		})
	}
	app.render(w, r, status, views.ProfilePage(c, v))
}

// profileUpdate is POST /profile/: "Update information".
func (app *App) profileUpdate(w http.ResponseWriter, r *http.Request) {
	u, ok := app.requireUser(w, r)
	if !ok {
		return
	}
	values, errs := map[string]string{}, map[string]string{}
	for _, name := range profileFields {
		spec, _ := fieldSpec(name)
		spec.required = false
		v, msg := spec.check(r.PostFormValue(name))
		values[name] = v
		if msg != "" {
			errs[name] = msg
		}
	}
	if len(errs) > 0 {
		app.renderProfile(w, r, http.StatusUnprocessableEntity, u, values, errs)
		return
	}
	d := orders.Details{Phone: values["phone_number"], Street1: values["street_address1"], Street2: values["street_address2"],
		Town: values["town_or_city"], County: values["county"], Postcode: values["postcode"], Country: values["country"]}
	if err := app.st.Write(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		return orders.SaveProfile(ctx, tx, u.ID, d)
	}); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(r.Context(), "success", "Profile updated successfully")
	http.Redirect(w, r, "/profile/", http.StatusSeeOther)
}

// orderHistory is a past order's confirmation, for its owner and staff.
func (app *App) orderHistory(w http.ResponseWriter, r *http.Request) {
	u, ok := app.requireUser(w, r)
	if !ok {
		return
	}
	number := r.PathValue("order_number")
	order, err := app.q.GetOrderByNumber(r.Context(), number)
	if err != nil || !(order.UserID.Valid && order.UserID.Int64 == u.ID || u.IsStaff == 1) {
		app.notFound(w, r)
		return
	}
	v, err := app.shopperOrder(r.Context(), order)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.renderPage(w, r, http.StatusOK, "Order "+number[:8], func(c views.Chrome) templ.Component {
		return views.SuccessPage(c, v, true)
	})
}

// canSeeOrder says whether this request may see an order's confirmation:
// the session that placed it, its signed-in owner, or staff.
func (app *App) canSeeOrder(r *http.Request, o store.Order) bool {
	if app.ownsOrder(r.Context(), o.OrderNumber) {
		return true
	}
	u, ok := app.currentUser(r)
	return ok && (u.IsStaff == 1 || o.UserID.Valid && o.UserID.Int64 == u.ID)
}
