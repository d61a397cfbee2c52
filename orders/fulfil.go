package orders

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/store"
)

// An Event is the webhook event that led to a fulfilment, recorded in the
// same transaction as the order.
type Event struct{ ID, Type string }

// Fulfil records the order a PaymentIntent paid for, once: in one write it
// finds the order already recorded for the PaymentIntent, or creates it
// and its lines as PlanOrder planned them. Every path that learns of a
// payment (the order form, the webhook, the checkout page finding it
// paid, reconcile) calls it, and they converge on the same order. Only a
// failure to write is an error. created says whether this call made it.
func (o *Orders) Fulfil(ctx context.Context, in payments.Intent, d Details, source string) (store.Order, bool, error) {
	return o.fulfil(ctx, in, d, source, nil)
}

func (o *Orders) fulfil(ctx context.Context, in payments.Intent, d Details, source string, ev *Event) (store.Order, bool, error) {
	if !in.Succeeded() {
		return store.Order{}, false, fmt.Errorf("fulfil: payment intent %s is %s, not succeeded", in.ID, in.Status)
	}
	bag := ReadBag(in)
	// The products the bag names, as they are now: each line keeps its
	// product's name and SKU. Those in the catalog are usually in the
	// store's cache; the write looks up the others (archived ones too).
	products := make(map[int64]Product, len(bag.Lines))
	var missing []int64
	for _, id := range bag.ProductIDs() {
		if p, err := o.st.Product(ctx, id); err == nil {
			products[id] = Product{ID: p.ID, SKU: p.Sku, Name: p.Name, Sized: p.HasSizes == 1}
		} else {
			missing = append(missing, id)
		}
	}

	var order store.Order
	var plan Plan
	var created bool
	var refund int64 // a refund of the whole payment, when its stock was gone
	err := o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		created, refund = false, 0
		if len(missing) > 0 {
			ids, _ := json.Marshal(missing)
			rows, err := tx.GetProductsByIDs(ctx, string(ids))
			if err != nil {
				return err
			}
			for _, p := range rows {
				products[p.ID] = Product{ID: p.ID, SKU: p.Sku, Name: p.Name, Sized: p.HasSizes == 1, Archived: p.Archived == 1}
			}
		}
		ck, err := recordedCheckout(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		plan = PlanOrder(in, bag, ck, o.cfg.Rules, products)
		order, created, refund, err = o.record(ctx, tx, in, d, source, ck, plan)
		if err != nil {
			return err
		}
		outcome := "already recorded"
		if created {
			outcome = "created"
		}
		return recordEvent(ctx, tx, ev, in.ID, outcome)
	})
	if err != nil || !created {
		return order, false, err
	}
	if !order.Email.Valid {
		o.log.Warn("order has no email address: no confirmation sent", "order", order.OrderNumber)
	} else {
		o.Queued()
	}
	o.Recorded(source)
	o.log.Info("order recorded", "order", order.OrderNumber, "payment_intent", in.ID, "source", source,
		"grand_total", order.GrandTotal, "review", order.ReviewReason.String)
	if refund != 0 {
		// Asked at once; a refund Stripe could not take now stays
		// pending, and RetryRefunds asks again.
		if _, err := o.SendRefund(ctx, refund); err != nil {
			o.log.Error("sold out: the refund is pending", "order", order.OrderNumber, "err", err)
		}
	}
	return order, true, nil
}

// recordedCheckout is what the shop recorded of a payment's checkout.
func recordedCheckout(ctx context.Context, tx *store.Tx, pid string) (Checkout, error) {
	row, err := tx.GetCheckout(ctx, pid)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkout{}, nil
	} else if err != nil {
		return Checkout{}, err
	}
	ck := Checkout{Found: true, BagID: row.BagID, DiscountCode: row.DiscountCode.String, Discount: row.Discount}
	if row.Bag.Valid {
		// Written by the shop from its own bag; unreadable only if
		// something else wrote it, and then every line differs.
		ck.Lines, _ = cart.DecodeBag(row.Bag.String)
	}
	if row.UserID.Valid {
		u, err := tx.GetUser(ctx, row.UserID.Int64)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return ck, err
		}
		if err == nil {
			ck.UserID, ck.Username = u.ID, u.Username
		}
	}
	return ck, nil
}

// record is the write of a plan: the order, its lines, the shopper's
// saved details, the checkout done and the paid lines out of its bag, the
// confirmation email; or the order recorded before for the same
// PaymentIntent.
func (o *Orders) record(ctx context.Context, tx *store.Tx, in payments.Intent, d Details, source string, ck Checkout, plan Plan) (order store.Order, created bool, refund int64, err error) {
	// A payment that came after the last units of a line went is recorded
	// (it was paid) and refunded in full: nothing is taken from stock, and
	// the shopper is told rather than thanked.
	tracked, soldOut, err := shortOfStock(ctx, tx, plan.Lines)
	if err != nil {
		return order, false, 0, err
	}
	if soldOut {
		plan.Reasons = append(plan.Reasons, msgSoldOutWhenPaid)
	}
	codeID, why, err := discountReason(ctx, tx, in.ID, plan.DiscountCode, d.Email)
	if err != nil {
		return order, false, 0, err
	}
	if why != "" {
		plan.Reasons = append(plan.Reasons, why)
	}
	userID := sql.NullInt64{Int64: plan.UserID, Valid: plan.UserID != 0}
	saveInfo := int64(0)
	if plan.SaveInfo {
		saveInfo = 1
	}
	review := sql.NullString{String: plan.Review(), Valid: len(plan.Reasons) > 0}
	params := store.CreateOrderParams{
		OrderNumber:    newOrderNumber(),
		StripePid:      in.ID,
		Source:         source,
		FullName:       store.Nullable(d.FullName),
		Email:          store.Nullable(d.Email),
		PhoneNumber:    store.Nullable(d.Phone),
		Country:        store.Nullable(d.Country),
		Postcode:       store.Nullable(d.Postcode),
		TownOrCity:     store.Nullable(d.Town),
		StreetAddress1: store.Nullable(d.Street1),
		StreetAddress2: store.Nullable(d.Street2),
		County:         store.Nullable(d.County),
		OriginalBag:    plan.Bag,
		OrderTotal:     plan.Totals.Total,
		DeliveryCost:   plan.Totals.Delivery,
		GrandTotal:     plan.Totals.GrandTotal,
		AmountPaid:     in.Amount,
		Currency:       strings.ToLower(in.Currency),
		ReviewReason:   review,
		SaveInfo:       saveInfo,
		Username:       store.Nullable(plan.Username),
		UserID:         userID,
		CreatedAt:      store.Time(time.Now()),
		DiscountCode:   store.Nullable(plan.DiscountCode),
		Discount:       plan.Totals.Discount,
	}
	res, err := tx.CreateOrder(ctx, params)
	if err != nil {
		return order, false, 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return order, false, 0, err
	} else if n == 0 {
		// Recorded before, by this path or another.
		order, err = tx.GetOrderByPID(ctx, in.ID)
		return order, false, 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return order, false, 0, err
	}
	order = newOrder(id, params)
	for _, l := range plan.Lines {
		if err := tx.CreateOrderLine(ctx, store.CreateOrderLineParams{
			OrderID: order.ID, ProductID: sql.NullInt64{Int64: l.ProductID, Valid: l.ProductID != 0},
			ProductSize: store.Nullable(l.Size), Quantity: l.Quantity, UnitPrice: l.UnitPrice,
			LineitemTotal: l.Total, ProductName: l.Name, Sku: l.SKU,
		}); err != nil {
			return order, false, 0, err
		}
	}
	// When the shopper ticked the box at the moment of paying, the order's
	// delivery details become their defaults. This runs once, in whichever
	// path records the order first.
	if userID.Valid && plan.SaveInfo {
		if err := SaveProfile(ctx, tx, userID.Int64, d); err != nil {
			return order, false, 0, err
		}
	}
	// The checkout is done and what it paid for has left its bag,
	// whichever path got here first and whether or not the shopper comes
	// back. Lines added since (in another tab) stay.
	if err := tx.CompleteCheckout(ctx, in.ID); err != nil {
		return order, false, 0, err
	}
	if soldOut {
		// Refunded in full: the code's use is not spent on it.
		if err := tx.ReleaseDiscount(ctx, in.ID); err != nil {
			return order, false, 0, err
		}
	} else if err := redeemDiscount(ctx, tx, in.ID, codeID, d.Email, order.ID); err != nil {
		return order, false, 0, err
	}
	if soldOut && in.Amount > 0 {
		r, err := createRefund(ctx, tx, order.ID, RefundRequest{Key: "sold-out:" + in.ID, Reason: "sold out when paid", By: "the shop"},
			RefundPlan{Amount: in.Amount, Delivery: min(plan.Totals.Delivery, in.Amount)})
		if err != nil {
			return order, false, 0, err
		}
		refund = r.ID
	} else if !soldOut {
		if err := takeStock(ctx, tx, in.ID, order.ID, order.OrderNumber, tracked); err != nil {
			return order, false, 0, err
		}
	}
	if ck.Found {
		for _, l := range plan.Lines {
			if l.ProductID == 0 {
				continue
			}
			p := store.TakePaidLineParams{Quantity: l.Quantity, BagID: ck.BagID, ProductID: l.ProductID, Size: l.Size}
			if err := tx.TakePaidLine(ctx, p); err != nil {
				return order, false, 0, err
			}
			if err := tx.DeletePaidLine(ctx, store.DeletePaidLineParams{BagID: p.BagID, ProductID: p.ProductID, Size: p.Size, Quantity: p.Quantity}); err != nil {
				return order, false, 0, err
			}
		}
	}
	if order.Email.Valid {
		key, subject, body := "order-confirmation:"+order.OrderNumber, "", ""
		if soldOut {
			key = "order-sold-out:" + order.OrderNumber
			subject, body = o.soldOutEmail(order, plan.Lines)
		} else {
			subject, body = o.confirmationEmail(order, plan.Lines)
		}
		if err := Enqueue(ctx, tx, key, order.Email.String, subject, body, order.CreatedAt); err != nil {
			return order, false, 0, err
		}
	}
	return order, true, refund, nil
}

// SaveProfile makes delivery details a user's defaults.
func SaveProfile(ctx context.Context, tx *store.Tx, userID int64, d Details) error {
	return tx.UpsertProfile(ctx, store.UpsertProfileParams{
		UserID: userID, DefaultPhoneNumber: store.Nullable(d.Phone), DefaultStreetAddress1: store.Nullable(d.Street1),
		DefaultStreetAddress2: store.Nullable(d.Street2), DefaultTownOrCity: store.Nullable(d.Town), DefaultCounty: store.Nullable(d.County),
		DefaultPostcode: store.Nullable(d.Postcode), DefaultCountry: store.Nullable(d.Country),
	})
}

// newOrder is the order CreateOrder has just written, as the database now
// holds it (TestFulfilReturnsTheOrderAsStored checks they agree).
func newOrder(id int64, p store.CreateOrderParams) store.Order {
	return store.Order{
		ID: id, OrderNumber: p.OrderNumber, StripePid: p.StripePid, Status: "paid", Source: p.Source,
		FullName: p.FullName, Email: p.Email, PhoneNumber: p.PhoneNumber, Country: p.Country,
		Postcode: p.Postcode, TownOrCity: p.TownOrCity, StreetAddress1: p.StreetAddress1,
		StreetAddress2: p.StreetAddress2, County: p.County, OriginalBag: p.OriginalBag,
		OrderTotal: p.OrderTotal, DeliveryCost: p.DeliveryCost, GrandTotal: p.GrandTotal,
		AmountPaid: p.AmountPaid, Currency: p.Currency, ReviewReason: p.ReviewReason,
		SaveInfo: p.SaveInfo, Username: p.Username, CreatedAt: p.CreatedAt, UserID: p.UserID,
		DiscountCode: p.DiscountCode, Discount: p.Discount,
	}
}

// newOrderNumber is 32 upper-case hex characters from 128 random bits.
func newOrderNumber() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// recordEvent writes a webhook event to the event log, when there is one.
func recordEvent(ctx context.Context, tx *store.Tx, ev *Event, paymentIntentID, outcome string) error {
	if ev == nil {
		return nil
	}
	_, err := tx.RecordEvent(ctx, store.RecordEventParams{ID: ev.ID, Type: ev.Type, PaymentIntentID: store.Nullable(paymentIntentID),
		Outcome: outcome, ReceivedAt: store.Time(time.Now())})
	return err
}
