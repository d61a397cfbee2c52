package shop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"boutique/cart"
	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// refundView is an order's refunds, and the form for another when some
// of the payment is left.
func (app *App) refundView(ctx context.Context, o store.Order, lines []store.OrderLineItem) (views.OwnerOrder, error) {
	var v views.OwnerOrder
	refunds, err := app.q.ListRefunds(ctx, o.ID)
	if err != nil {
		return v, err
	}
	for _, r := range refunds {
		v.Refunds = append(v.Refunds, views.RefundRow{At: orders.OrderDate(r.CreatedAt, app.cfg.TimeZone), Amount: cart.Format(r.Amount, o.Currency),
			Status: r.Status, Reason: r.Reason, By: r.RequestedBy.String, Failure: r.Failure.String})
	}
	if o.AmountRefunded > 0 {
		v.Refunded = cart.Format(o.AmountRefunded, o.Currency)
	}
	total, err := app.q.RefundsTotal(ctx, o.ID)
	if err != nil {
		return v, err
	}
	left := orders.RefundLeft(o, total)
	if left <= 0 {
		return v, nil
	}
	taken, err := app.q.RefundedQuantities(ctx, o.ID)
	if err != nil {
		return v, err
	}
	f := &views.RefundForm{Key: newLinkToken(), Left: cart.Format(left, o.Currency)}
	for _, l := range lines {
		n := l.Quantity
		for _, t := range taken {
			if t.LineID == l.ID {
				n -= t.Quantity
			}
		}
		if n > 0 {
			f.Lines = append(f.Lines, views.RefundLine{ID: l.ID, Name: l.ProductName, Size: l.ProductSize.String, Left: n,
				UnitPrice: cart.Format(l.UnitPrice, o.Currency)})
		}
	}
	if d := o.DeliveryCost - total.Delivery; d > 0 {
		f.DeliveryLeft = cart.Format(d, o.Currency)
	}
	v.Refund = f
	return v, nil
}

// ownerOrderRefund is POST /owner/orders/{order_number}/refund/: a refund
// by line and quantity (line_<id>), delivery and restock, or of
// everything left (what=all), through Stripe. The form's refund_key makes
// a double click or a resent form one refund.
func (app *App) ownerOrderRefund(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	staff, _ := app.currentUser(r)
	number := r.PathValue("order_number")
	back := "/owner/orders/" + number + "/#refunds"
	o, err := app.q.GetOrderByNumber(ctx, number)
	if err != nil {
		app.fail(w, r, err)
		return
	}
	req, err := readRefundForm(r, o.Currency)
	if err != nil {
		app.flash(ctx, "error", err.Error())
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	req.By = staff.Username
	ref, err := app.orders.Refund(ctx, o.ID, req)
	var refused *orders.ErrRefund
	switch {
	case errors.As(err, &refused):
		app.flash(ctx, "error", refused.Msg+" Nothing was refunded.")
	case ref.ID == 0 && err != nil:
		app.serverError(w, r, err)
		return
	case ref.Status == "succeeded":
		msg := fmt.Sprintf("Refunded %s; the shopper has been emailed.", cart.Format(ref.Amount, o.Currency))
		if ref.Restock == 1 {
			msg += " The items are back in stock."
		}
		app.flash(ctx, "success", msg)
	case ref.Status == "failed":
		app.flash(ctx, "error", "Stripe refused the refund: "+ref.Failure.String)
	default:
		app.log.Warn("refund pending", "order", number, "err", err)
		app.flash(ctx, "error", fmt.Sprintf("Stripe could not be reached, so the refund of %s is pending; "+
			"the shop asks again every few minutes. Don't refund it in Stripe's Dashboard as well.", cart.Format(ref.Amount, o.Currency)))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// readRefundForm reads the refund form's fields.
func readRefundForm(r *http.Request, currency string) (orders.RefundRequest, error) {
	req := orders.RefundRequest{Key: strings.TrimSpace(r.PostFormValue("refund_key")), Lines: map[int64]int64{},
		All: r.PostFormValue("what") == "all", Restock: r.PostFormValue("restock") == "true",
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if len(req.Key) < 16 || len(req.Key) > 64 {
		return req, errors.New("The refund form is out of date; please try again.")
	}
	if len([]rune(req.Reason)) > 200 {
		req.Reason = string([]rune(req.Reason)[:200])
	}
	if req.All {
		return req, nil
	}
	for k, vs := range r.PostForm {
		idText, ok := strings.CutPrefix(k, "line_")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			continue
		}
		q, err := cart.ParseQuantity(vs[0], 0)
		if err != nil {
			return req, err
		}
		if q > 0 {
			req.Lines[id] = q
		}
	}
	if d := strings.TrimSpace(r.PostFormValue("delivery")); d != "" {
		n, err := cart.ParseAmount(d, currency)
		if err != nil {
			return req, fmt.Errorf("Delivery: %w", err)
		}
		req.Delivery = n
	}
	return req, nil
}
