package orders

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/store"
)

// A RefundRequest is a refund the owner asks for: quantities of an
// order's lines (by line id) and an amount for delivery, or All that is
// left. Key is the request's own, from the form it was made on: the same
// key is the same refund, however often it is posted.
type RefundRequest struct {
	Key      string
	Lines    map[int64]int64
	Delivery int64
	All      bool
	Restock  bool
	Reason   string
	By       string
}

// ErrRefund is a refund request that cannot be made: nothing asked for,
// or more than is left to refund. Its text is for the owner.
type ErrRefund struct{ Msg string }

func (e *ErrRefund) Error() string { return e.Msg }

// RefundLeft is what is left to refund of an order's payment: what was
// paid, less the larger of what the shop's refunds take (total) and what
// Stripe says was refunded (refunds made in its Dashboard too).
func RefundLeft(ord store.Order, total store.RefundsTotalRow) int64 {
	return ord.AmountPaid - max(total.Amount, ord.AmountRefunded)
}

// RefundPlan is a refund worked out against what an order has left: the
// amount, of which for delivery, and the quantity of each line.
type RefundPlan struct {
	Amount, Delivery int64
	Lines            map[int64]int64
}

// PlanRefund works out a refund from an order, its lines, what earlier
// refunds took of each line (by id) and in all (amount and delivery),
// and the request. It refuses quantities beyond what is left of a line,
// delivery beyond what was charged for it, and an amount beyond what is
// left of the payment, counting refunds made at Stripe itself.
func PlanRefund(ord store.Order, lines []store.OrderLineItem, taken map[int64]int64, total store.RefundsTotalRow, req RefundRequest) (RefundPlan, error) {
	p := RefundPlan{Lines: map[int64]int64{}}
	left := RefundLeft(ord, total)
	for _, l := range lines {
		q := req.Lines[l.ID]
		if req.All {
			q = l.Quantity - taken[l.ID]
		}
		switch {
		case q < 0:
			return p, &ErrRefund{"A quantity to refund cannot be negative."}
		case q > l.Quantity-taken[l.ID]:
			return p, &ErrRefund{fmt.Sprintf("%s: %d left to refund, not %d.", l.ProductName, l.Quantity-taken[l.ID], q)}
		case q > 0:
			p.Lines[l.ID] = q
			p.Amount += q * l.UnitPrice
		}
	}
	p.Delivery = req.Delivery
	if req.All {
		p.Delivery = ord.DeliveryCost - total.Delivery
	}
	if p.Delivery < 0 || p.Delivery > ord.DeliveryCost-total.Delivery {
		return p, &ErrRefund{fmt.Sprintf("Delivery: %s left to refund.", cart.Format(ord.DeliveryCost-total.Delivery, ord.Currency))}
	}
	p.Amount += p.Delivery
	if req.All {
		p.Amount = left
	}
	switch {
	case p.Amount <= 0 && left <= 0:
		return p, &ErrRefund{"This order has been refunded in full already."}
	case p.Amount <= 0:
		return p, &ErrRefund{"Choose the lines, the quantities or the delivery to refund."}
	case p.Amount > left:
		return p, &ErrRefund{fmt.Sprintf("That comes to %s, but only %s of the payment is left to refund.",
			cart.Format(p.Amount, ord.Currency), cart.Format(left, ord.Currency))}
	}
	return p, nil
}

// Refund records the owner's refund of an order, or finds the one recorded
// under the same key, and asks Stripe for it. The refund comes back as it
// stands: succeeded, failed (Stripe refused it, with why), or pending
// (Stripe could not be reached; RetryRefunds asks again with the same
// idempotency key).
func (o *Orders) Refund(ctx context.Context, orderID int64, req RefundRequest) (store.Refund, error) {
	var ref store.Refund
	err := o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if ref, err = tx.GetRefundByKey(ctx, req.Key); err == nil {
			if ref.OrderID != orderID {
				return &ErrRefund{"That refund form belongs to another order; please reload the page."}
			}
			return nil // posted again
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		ord, err := tx.GetOrder(ctx, orderID)
		if err != nil {
			return err
		}
		lines, err := tx.ListOrderLines(ctx, orderID)
		if err != nil {
			return err
		}
		taken := map[int64]int64{}
		rows, err := tx.RefundedQuantities(ctx, orderID)
		if err != nil {
			return err
		}
		for _, r := range rows {
			taken[r.LineID] = r.Quantity
		}
		total, err := tx.RefundsTotal(ctx, orderID)
		if err != nil {
			return err
		}
		plan, err := PlanRefund(ord, lines, taken, total, req)
		if err != nil {
			return err
		}
		ref, err = createRefund(ctx, tx, orderID, req, plan)
		return err
	})
	if err != nil {
		return ref, err
	}
	return o.SendRefund(ctx, ref.ID)
}

// createRefund writes a refund and its lines, pending.
func createRefund(ctx context.Context, tx *store.Tx, orderID int64, req RefundRequest, plan RefundPlan) (store.Refund, error) {
	restock := int64(0)
	if req.Restock {
		restock = 1
	}
	res, err := tx.CreateRefund(ctx, store.CreateRefundParams{OrderID: orderID, Key: req.Key, Amount: plan.Amount, Delivery: plan.Delivery,
		Reason: cmp.Or(req.Reason, "refund"), Restock: restock, RequestedBy: store.Nullable(req.By), CreatedAt: store.Time(time.Now())})
	if err != nil {
		return store.Refund{}, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		id, err := res.LastInsertId()
		if err != nil {
			return store.Refund{}, err
		}
		for line, q := range plan.Lines {
			if err := tx.AddRefundLine(ctx, store.AddRefundLineParams{RefundID: id, LineID: line, Quantity: q}); err != nil {
				return store.Refund{}, err
			}
		}
	}
	return tx.GetRefundByKey(ctx, req.Key)
}

// SendRefund asks Stripe for a pending refund, with the refund's key as
// idempotency key, and records the answer. A refund no longer pending is
// returned as it is.
func (o *Orders) SendRefund(ctx context.Context, id int64) (store.Refund, error) {
	ref, err := o.st.Read().GetRefund(ctx, id)
	if err != nil || ref.Status != "pending" {
		return ref, err
	}
	if o.pay == nil {
		return ref, errors.New("refund: Stripe is not set up")
	}
	ord, err := o.st.Read().GetOrder(ctx, ref.OrderID)
	if err != nil {
		return ref, err
	}
	sr, err := o.pay.Refund(ctx, ord.StripePid, ref.Amount, "boutique-refund-"+ref.Key,
		map[string]string{"boutique_refund": ref.Key, "order_number": ord.OrderNumber})
	if err != nil {
		refused := errors.Is(err, payments.ErrRefundRefused)
		o.log.Error("refund: stripe", "order", ord.OrderNumber, "refund", ref.Key, "refused", refused, "err", err)
		werr := o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			if refused {
				_, err := tx.MarkRefundFailed(ctx, store.MarkRefundFailedParams{Failure: store.Nullable(err.Error()),
					DoneAt: store.Nullable(store.Time(time.Now())), ID: ref.ID})
				return err
			}
			return tx.RefundAttempted(ctx, store.RefundAttemptedParams{Failure: store.Nullable(err.Error()), ID: ref.ID})
		})
		if ref2, err2 := o.st.Read().GetRefund(ctx, id); err2 == nil {
			ref = ref2
		}
		return ref, errors.Join(err, werr)
	}
	err = o.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		n, err := tx.MarkRefundSucceeded(ctx, store.MarkRefundSucceededParams{StripeRefundID: store.Nullable(sr.ID),
			DoneAt: store.Nullable(store.Time(time.Now())), ID: ref.ID})
		if err != nil || n == 0 {
			return err // recorded already, by another click
		}
		return o.refundSucceeded(ctx, tx, ref)
	})
	if err != nil {
		return ref, err
	}
	o.Queued()
	return o.st.Read().GetRefund(ctx, id)
}

// refundSucceeded is the rest of a refund's write once Stripe has made
// it: the units back in stock when asked, what the order has had back,
// its status and history, and the shopper's email.
func (o *Orders) refundSucceeded(ctx context.Context, tx *store.Tx, ref store.Refund) error {
	ord, err := tx.GetOrder(ctx, ref.OrderID)
	if err != nil {
		return err
	}
	lines, err := tx.RefundLines(ctx, ref.ID)
	if err != nil {
		return err
	}
	if ref.Restock == 1 {
		for _, l := range lines {
			if l.ProductID.Valid {
				if err := moveStock(ctx, tx, l.ProductID.Int64, l.ProductSize.String, l.Quantity, "refund of order "+ord.OrderNumber, ord.ID); err != nil {
					return err
				}
			}
		}
	}
	total, err := tx.SucceededRefundsTotal(ctx, ord.ID)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("refund of %s (%s)", cart.Format(ref.Amount, ord.Currency), ref.Reason)
	if err := o.setRefunded(ctx, tx, ord, total, note, cmp.Or(ref.RequestedBy.String, "the shop")); err != nil {
		return err
	}
	if ord.Email.Valid {
		subject, body := o.refundEmail(ord, ref, lines)
		return Enqueue(ctx, tx, "refund:"+ref.Key, ord.Email.String, subject, body, store.Time(time.Now()))
	}
	return nil
}

// setRefunded raises what an order has had back to amount, if that is
// more than it knew, and moves its status to match: refunded when the
// whole payment is back, partly refunded otherwise. The shop's refunds
// and Stripe's charge.refunded both say the total so far, so a refund
// heard of from both is counted once, whichever comes first.
func (o *Orders) setRefunded(ctx context.Context, tx *store.Tx, ord store.Order, amount int64, note, by string) error {
	if err := tx.SetAmountRefunded(ctx, store.SetAmountRefundedParams{Amount: amount, ID: ord.ID}); err != nil {
		return err
	}
	status := "partially_refunded"
	if max(amount, ord.AmountRefunded) >= ord.AmountPaid {
		status = "refunded"
	}
	_, err := changeStatus(ctx, tx, ord, status, note, by)
	return err
}

// RetryRefunds asks Stripe again for the refunds still pending (Stripe
// was not reached, or the shop stopped before it recorded the answer).
func (o *Orders) RetryRefunds(ctx context.Context) error {
	ids, err := o.st.Read().PendingRefunds(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if _, err := o.SendRefund(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// refundEmail tells the shopper what was refunded.
func (o *Orders) refundEmail(ord store.Order, ref store.Refund, lines []store.RefundLinesRow) (string, string) {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", cmp.Or(ord.FullName.String, "there"))
	fmt.Fprintf(&b, "We have refunded %s of your order %s to the card you paid with. "+
		"Your bank may take a few days to show it.\n\n", cart.Format(ref.Amount, ord.Currency), ord.OrderNumber)
	for _, l := range lines {
		size := ""
		if l.ProductSize.Valid {
			size = " (size " + l.ProductSize.String + ")"
		}
		fmt.Fprintf(&b, "  %d × %s%s\n", l.Quantity, l.ProductName, size)
	}
	if ref.Delivery > 0 {
		fmt.Fprintf(&b, "  Delivery: %s\n", cart.Format(ref.Delivery, ord.Currency))
	}
	fmt.Fprintf(&b, "\nQuestions? Write to us at %s and quote your order number.\n\nBoutique\n", o.cfg.ContactEmail)
	return "Boutique refund for order " + ord.OrderNumber, b.String()
}
