package orders

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"boutique/cart"
	"boutique/countries"
	"boutique/store"
)

// Enqueue puts an email in the outbox, in the caller's write, written at
// (the time of the write's other rows) and due at once. A second email
// with the same dedupeKey is not queued.
func Enqueue(ctx context.Context, tx *store.Tx, dedupeKey, recipient, subject, body, at string) error {
	return tx.EnqueueEmail(ctx, store.EnqueueEmailParams{DedupeKey: dedupeKey, Recipient: recipient,
		Subject: subject, Body: body, NextAttemptAt: at, CreatedAt: at})
}

// confirmationEmail is the email an order sends its shopper.
func (o *Orders) confirmationEmail(ord store.Order, lines []Line) (string, string) {
	cur := ord.Currency
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", cmp.Or(ord.FullName.String, "there"))
	fmt.Fprintf(&b, "Thank you for your order. Here is what you bought.\n\n")
	fmt.Fprintf(&b, "Order number: %s\nOrder date: %s\n\n", ord.OrderNumber, OrderDate(ord.CreatedAt, o.cfg.TimeZone))
	for _, l := range lines {
		size := ""
		if l.Size != "" {
			size = " (size " + l.Size + ")"
		}
		fmt.Fprintf(&b, "  %d × %s%s at %s: %s\n", l.Quantity, l.Name, size, cart.Format(l.UnitPrice, cur), cart.Format(l.Total, cur))
	}
	fmt.Fprintf(&b, "\nOrder total: %s\nDelivery: %s\n", cart.Format(ord.OrderTotal, cur), cart.Format(ord.DeliveryCost, cur))
	if ord.Discount > 0 {
		fmt.Fprintf(&b, "Discount (%s): -%s\n", ord.DiscountCode.String, cart.Format(ord.Discount, cur))
	}
	fmt.Fprintf(&b, "Grand total: %s\n", cart.Format(ord.GrandTotal, cur))
	if ord.AmountPaid != ord.GrandTotal {
		fmt.Fprintf(&b, "Charged to your card: %s\n", cart.Format(ord.AmountPaid, cur))
	}
	fmt.Fprintf(&b, "\nWe will deliver to:\n")
	for _, line := range []string{ord.FullName.String, ord.StreetAddress1.String, ord.StreetAddress2.String, ord.TownOrCity.String,
		ord.County.String, ord.Postcode.String, cmp.Or(countries.Name(ord.Country.String), ord.Country.String)} {
		if line != "" {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	if ord.PhoneNumber.Valid {
		fmt.Fprintf(&b, "  Phone: %s\n", ord.PhoneNumber.String)
	}
	fmt.Fprintf(&b, "\nQuestions about your order? Write to us at %s and quote your order number.\n\nBoutique\n", o.cfg.ContactEmail)
	return "Boutique order confirmation " + ord.OrderNumber, b.String()
}

// soldOutEmail tells the shopper of a payment that came after the last
// units went that nothing will be sent and the payment comes back.
func (o *Orders) soldOutEmail(ord store.Order, lines []Line) (string, string) {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", cmp.Or(ord.FullName.String, "there"))
	fmt.Fprintf(&b, "We are sorry: by the time your payment reached us, the last of these had been sold to another shopper.\n\n")
	for _, l := range lines {
		size := ""
		if l.Size != "" {
			size = " (size " + l.Size + ")"
		}
		fmt.Fprintf(&b, "  %d × %s%s\n", l.Quantity, l.Name, size)
	}
	fmt.Fprintf(&b, "\nWe are refunding the whole %s to the card you paid with, and nothing will be sent. "+
		"Your bank may take a few days to show the refund.\n\nOrder number: %s\n", cart.Format(ord.AmountPaid, ord.Currency), ord.OrderNumber)
	fmt.Fprintf(&b, "\nQuestions? Write to us at %s and quote your order number.\n\nBoutique\n", o.cfg.ContactEmail)
	return "Boutique order " + ord.OrderNumber + ": sold out, refunded in full", b.String()
}

// OrderDate shows a time the database recorded (in UTC) in the shop's
// time zone, naming the zone.
func OrderDate(at string, loc *time.Location) string {
	t, err := store.ParseTime(at)
	if err != nil {
		return at
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2 January 2006, 15:04 MST")
}

// MarkShipped marks a paid order shipped with a tracking note, and emails
// the shopper through the outbox, in one write. It reports ErrStatusMoved
// when the order is no longer as ord says (a refund or dispute came in).
func (o *Orders) MarkShipped(ctx context.Context, ord store.Order, note, by string) error {
	if !Stronger("shipped", ord.Status) {
		return ErrStatusMoved
	}
	err := o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		if _, err := changeStatus(ctx, tx, ord, "shipped", note, by); err != nil {
			return err
		}
		if !ord.Email.Valid {
			return nil
		}
		body := fmt.Sprintf("Hello %s,\n\nGood news: your order %s is on its way.\n", cmp.Or(ord.FullName.String, "there"), ord.OrderNumber)
		if note != "" {
			body += "\n" + note + "\n"
		}
		body += fmt.Sprintf("\nQuestions? Write to us at %s and quote your order number.\n\nBoutique\n", o.cfg.ContactEmail)
		return Enqueue(ctx, tx, "order-shipped:"+ord.OrderNumber, ord.Email.String,
			"Your Boutique order "+ord.OrderNumber+" has shipped", body, store.Time(time.Now()))
	})
	if err == nil && ord.Email.Valid {
		o.Queued()
	}
	return err
}
