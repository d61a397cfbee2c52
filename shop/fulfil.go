package shop

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"boutique/cart"
	"boutique/db"
	"boutique/payments"
)

// orderDetails are an order's contact and delivery details.
type orderDetails struct {
	FullName, Email, Phone                            string
	Street1, Street2, Town, County, Postcode, Country string
}

// detailsFromIntent reads the details a shopper gave Stripe: billing from
// the latest charge, delivery from the PaymentIntent's shipping.
func detailsFromIntent(in payments.Intent) orderDetails {
	b := in.Billing
	d := orderDetails{FullName: b.Name, Email: b.Email, Phone: b.Phone,
		Street1: b.Address.Line1, Street2: b.Address.Line2, Town: b.Address.City,
		County: b.Address.State, Postcode: b.Address.PostalCode, Country: b.Address.Country}
	if s := in.Shipping; s != nil {
		d.FullName = firstNonEmpty(s.Name, d.FullName)
		d.Phone = firstNonEmpty(s.Phone, d.Phone)
		a := s.Address
		if a.Line1 != "" || a.City != "" || a.Country != "" {
			d.Street1, d.Street2, d.Town, d.County, d.Postcode, d.Country = a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country
		}
	}
	return d
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fulfil records the order a PaymentIntent paid for, once: in one
// transaction it finds the order already recorded for the PaymentIntent,
// or creates it and its lines from the bag that travelled with the
// payment, priced as it was paid. Every path that learns of a payment (the
// order form, the webhook, the checkout page finding it paid) calls it,
// and they converge on the same order. A payment is never refused: when
// what was paid differs from the bag, the order is recorded and flagged
// for the owner with the reason. Only a failure to write is an error.
func (app *App) fulfil(ctx context.Context, in payments.Intent, d orderDetails, source string) (db.Order, bool, error) {
	return app.fulfilEvent(ctx, in, d, source, nil)
}

// A stripeEvent is the webhook event that led to a fulfilment, recorded
// in the same transaction as the order.
type stripeEvent struct{ ID, Type string }

// fulfilEvent is fulfil that also records the event that brought the
// payment, in the same transaction.
func (app *App) fulfilEvent(ctx context.Context, in payments.Intent, d orderDetails, source string, ev *stripeEvent) (db.Order, bool, error) {
	if !in.Succeeded() {
		return db.Order{}, false, fmt.Errorf("fulfil: payment intent %s is %s, not succeeded", in.ID, in.Status)
	}
	var reasons []string
	bagJSON, err := payments.GetSplit(in.Metadata, "bag")
	var lines []cart.Line
	if err == nil {
		lines, err = cart.DecodeBag(bagJSON)
	}
	if err != nil {
		reasons = append(reasons, fmt.Sprintf("the payment carries no readable bag (%v)", err))
		bagJSON, lines = "[]", nil
	}
	totals := app.cfg.Delivery.Price(lines)
	if totals.GrandTotal != in.Amount {
		reasons = append(reasons, fmt.Sprintf("paid %s but the bag as priced at payment comes to %s",
			cart.Format(in.Amount, in.Currency), app.money(totals.GrandTotal)))
	}
	if !strings.EqualFold(in.Currency, app.cfg.Currency) {
		reasons = append(reasons, fmt.Sprintf("paid in %s, but the shop's prices are in %s",
			strings.ToUpper(in.Currency), strings.ToUpper(app.cfg.Currency)))
	}

	saveInfo := int64(0)
	if in.Metadata["save_info"] == "true" {
		saveInfo = 1
	}
	username := in.Metadata["username"]
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	idsJSON, _ := json.Marshal(ids)

	var order db.Order
	var orderLines []db.CreateOrderLineParams
	var created, noAccount bool
	var emptied []string // the bag the payment emptied, for the bag cache
	var review sql.NullString
	err = app.write(ctx, func(ctx context.Context, q *db.Queries) error {
		created, noAccount = false, false
		// The products the bag names, as they are now: each line keeps
		// its product's name and SKU. Those in the catalog are usually in
		// the product cache; the database answers for the others.
		products := make(map[int64]db.GetProductsByIDsRow, len(ids))
		for _, id := range ids {
			if p, ok, _ := app.products.get(id); ok {
				products[id] = db.GetProductsByIDsRow{ID: p.ID, Sku: p.Sku, Name: p.Name}
			}
		}
		if len(products) < len(ids) {
			rows, err := q.GetProductsByIDs(ctx, string(idsJSON))
			if err != nil {
				return err
			}
			for _, p := range rows {
				products[p.ID] = p
			}
		}
		reasons := slices.Clip(reasons)
		orderLines = orderLines[:0]
		for _, l := range lines {
			p, ok := products[l.ProductID]
			line := db.CreateOrderLineParams{
				ProductID:     sql.NullInt64{Int64: l.ProductID, Valid: ok},
				ProductSize:   nullable(l.Size),
				Quantity:      l.Quantity,
				UnitPrice:     l.UnitPrice,
				LineitemTotal: l.Subtotal(),
				ProductName:   p.Name,
				Sku:           p.Sku,
			}
			if !ok {
				line.ProductName = fmt.Sprintf("Product #%d (no longer in the catalog)", l.ProductID)
				reasons = append(reasons, fmt.Sprintf("product #%d is no longer in the catalog", l.ProductID))
			}
			orderLines = append(orderLines, line)
		}
		review = sql.NullString{}
		if len(reasons) > 0 {
			review = sql.NullString{String: strings.Join(reasons, "; "), Valid: true}
		}
		// The shopper's account, named in the metadata when they checked
		// out signed in: the order is theirs.
		var userID sql.NullInt64
		if username != "" {
			u, err := q.GetUserByUsername(ctx, username)
			switch {
			case err == nil:
				userID = sql.NullInt64{Int64: u.ID, Valid: true}
			case errors.Is(err, sql.ErrNoRows):
				noAccount = true
			default:
				return err
			}
		}
		params := db.CreateOrderParams{
			OrderNumber:    newOrderNumber(),
			StripePid:      in.ID,
			Source:         source,
			FullName:       nullable(d.FullName),
			Email:          nullable(d.Email),
			PhoneNumber:    nullable(d.Phone),
			Country:        nullable(d.Country),
			Postcode:       nullable(d.Postcode),
			TownOrCity:     nullable(d.Town),
			StreetAddress1: nullable(d.Street1),
			StreetAddress2: nullable(d.Street2),
			County:         nullable(d.County),
			OriginalBag:    bagJSON,
			OrderTotal:     totals.Total,
			DeliveryCost:   totals.Delivery,
			GrandTotal:     totals.GrandTotal,
			AmountPaid:     in.Amount,
			Currency:       strings.ToLower(in.Currency),
			ReviewReason:   review,
			SaveInfo:       saveInfo,
			Username:       nullable(username),
			UserID:         userID,
			CreatedAt:      sqliteTime(time.Now()),
		}
		res, err := q.CreateOrder(ctx, params)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			// Recorded before, by this path or another.
			if order, err = q.GetOrderByPID(ctx, in.ID); err != nil {
				return err
			}
			return recordEvent(ctx, q, ev, in.ID, "already recorded")
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		order = newOrder(id, params)
		created = true
		for i := range orderLines {
			orderLines[i].OrderID = order.ID
			if err := q.CreateOrderLine(ctx, orderLines[i]); err != nil {
				return err
			}
		}
		// When the shopper ticked the box at the moment of paying, the
		// order's delivery details become their defaults. This runs once,
		// in whichever path records the order first.
		if userID.Valid && saveInfo == 1 {
			if err := saveProfile(ctx, q, userID.Int64, d); err != nil {
				return err
			}
		}
		// The checkout is done and the bag it paid for is empty, whichever
		// path got here first and whether or not the shopper comes back.
		if err := q.CompleteCheckout(ctx, in.ID); err != nil {
			return err
		}
		emptied, err = q.EmptyPaidBag(ctx, in.ID)
		if err != nil {
			return err
		}
		app.bags.forget(emptied...)
		if order.Email.Valid {
			subject, body := app.confirmationEmail(order, orderLines)
			if err := enqueueEmail(ctx, q, "order-confirmation:"+order.OrderNumber, order.Email.String, subject, body, order.CreatedAt); err != nil {
				return err
			}
		}
		return recordEvent(ctx, q, ev, in.ID, "created")
	})
	if len(emptied) > 0 {
		app.bags.forget(emptied...)
	}
	if err != nil {
		return db.Order{}, false, err
	}
	if !created {
		return order, false, nil
	}
	if noAccount {
		app.log.Warn("order names an account that does not exist", "username", username, "payment_intent", in.ID)
	}
	if !order.Email.Valid {
		app.log.Warn("order has no email address: no confirmation sent", "order", order.OrderNumber)
	}
	app.wakeOutbox()
	app.metrics.orders.Inc(source)
	app.log.Info("order recorded", "order", order.OrderNumber, "payment_intent", in.ID, "source", source,
		"grand_total", order.GrandTotal, "review", review.String)
	return order, true, nil
}

// newOrder is the order CreateOrder has just written, as the database now
// holds it (TestFulfilReturnsTheOrderAsStored checks they agree).
func newOrder(id int64, p db.CreateOrderParams) db.Order {
	return db.Order{
		ID: id, OrderNumber: p.OrderNumber, StripePid: p.StripePid, Status: "paid", Source: p.Source,
		FullName: p.FullName, Email: p.Email, PhoneNumber: p.PhoneNumber, Country: p.Country,
		Postcode: p.Postcode, TownOrCity: p.TownOrCity, StreetAddress1: p.StreetAddress1,
		StreetAddress2: p.StreetAddress2, County: p.County, OriginalBag: p.OriginalBag,
		OrderTotal: p.OrderTotal, DeliveryCost: p.DeliveryCost, GrandTotal: p.GrandTotal,
		AmountPaid: p.AmountPaid, Currency: p.Currency, ReviewReason: p.ReviewReason,
		SaveInfo: p.SaveInfo, Username: p.Username, CreatedAt: p.CreatedAt, UserID: p.UserID,
	}
}

// newOrderNumber is 32 upper-case hex characters from 128 random bits.
func newOrderNumber() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// nullable stores an empty string as NULL.
func nullable(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// recordEvent writes a webhook event to the event log, when there is one.
func recordEvent(ctx context.Context, q *db.Queries, ev *stripeEvent, paymentIntentID, outcome string) error {
	if ev == nil {
		return nil
	}
	_, err := q.RecordEvent(ctx, db.RecordEventParams{ID: ev.ID, Type: ev.Type, PaymentIntentID: nullable(paymentIntentID),
		Outcome: outcome, ReceivedAt: sqliteTime(time.Now())})
	return err
}
