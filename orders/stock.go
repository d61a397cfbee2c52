package orders

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"boutique/cart"
	"boutique/store"
)

// HoldFor is how long a checkout holds back the stock it is paying for,
// from the moment its browser is told to confirm the payment. A payment
// that succeeds later still gets its stock when some is left; when none
// is, it is refunded in full (see takeStock).
const HoldFor = 15 * time.Minute

// A Shortage is a line of a bag that asks for more than can be sold:
// Left is what is on hand less what other checkouts hold (0: sold out).
type Shortage struct {
	ProductID int64
	Size      string
	Wanted    int64
	Left      int64
}

// SoldOutError is a bag with lines that cannot all be sold.
type SoldOutError struct{ Lines []Shortage }

func (e *SoldOutError) Error() string {
	return fmt.Sprintf("%d line(s) of the bag are beyond the stock left", len(e.Lines))
}

// IsSoldOut is the shortages of a sold-out error, if err is one.
func IsSoldOut(err error) ([]Shortage, bool) {
	var so *SoldOutError
	if errors.As(err, &so) {
		return so.Lines, true
	}
	return nil, false
}

// Left is how many of a tracked size can still be sold: on hand, less
// what other checkouts hold.
func Left(onHand, held int64) int64 { return max(onHand-held, 0) }

// Shortages compares a bag's lines with the stock of its tracked lines.
func Shortages(lines []cart.Line, stock []store.BagStockRow) []Shortage {
	var out []Shortage
	for _, l := range lines {
		for _, s := range stock {
			if s.ProductID == l.ProductID && s.Size == l.Size && l.Quantity > Left(s.OnHand, s.Held) {
				out = append(out, Shortage{ProductID: l.ProductID, Size: l.Size, Wanted: l.Quantity, Left: Left(s.OnHand, s.Held)})
			}
		}
	}
	return out
}

// HoldForPayment holds back, for a PaymentIntent about to be confirmed, the
// tracked lines of its bag, in place of what it held before. It runs in
// the writer's turn, so checkouts that confirm at the same moment are
// counted one after another and the last units go to one of them. When a
// line is beyond what is left it holds nothing and returns a
// *SoldOutError naming every such line.
func HoldForPayment(ctx context.Context, tx *store.Tx, pid string, lines []cart.Line, now time.Time) error {
	if _, err := tx.ReleaseStock(ctx, pid); err != nil {
		return err
	}
	var short []Shortage
	var holds []cart.Line
	for _, l := range lines {
		s, err := tx.StockFor(ctx, store.StockForParams{Now: store.Time(now), PaymentIntentID: pid, ProductID: l.ProductID, Size: l.Size})
		if errors.Is(err, sql.ErrNoRows) {
			continue // not tracked
		} else if err != nil {
			return err
		}
		if left := Left(s.OnHand, s.Held); l.Quantity > left {
			short = append(short, Shortage{ProductID: l.ProductID, Size: l.Size, Wanted: l.Quantity, Left: left})
		}
		holds = append(holds, l)
	}
	if len(short) > 0 {
		return &SoldOutError{Lines: short}
	}
	for _, l := range holds {
		if err := tx.HoldStock(ctx, store.HoldStockParams{PaymentIntentID: pid, ProductID: l.ProductID, Size: l.Size,
			Quantity: l.Quantity, ExpiresAt: store.Time(now.Add(HoldFor))}); err != nil {
			return err
		}
	}
	return nil
}

// msgSoldOutWhenPaid is the review reason of an order paid for after its
// stock was gone.
const msgSoldOutWhenPaid = "sold out when paid: the payment is refunded in full and nothing is to be sent"

// SoldOutWhenPaid says whether an order was paid for after its stock was
// gone (and so refunded in full).
func SoldOutWhenPaid(o store.Order) bool {
	return strings.Contains(o.ReviewReason.String, msgSoldOutWhenPaid)
}

// shortOfStock finds an order's tracked lines, in the write that records
// it, and says whether one asks for more than is on hand. A payment that
// held its stock always finds it there. One whose hold ran out (the
// shopper took longer than HoldFor, or Stripe told the shop late) may take
// what is on hand, even units another checkout holds now: that payment
// succeeded first. Only when a line is no longer on hand at all is the
// order short.
func shortOfStock(ctx context.Context, tx *store.Tx, lines []Line) (tracked []Line, short bool, err error) {
	for _, l := range lines {
		if l.ProductID == 0 {
			continue
		}
		onHand, err := tx.GetStock(ctx, store.GetStockParams{ProductID: l.ProductID, Size: l.Size})
		if errors.Is(err, sql.ErrNoRows) {
			continue // not tracked
		} else if err != nil {
			return nil, false, err
		}
		if onHand < l.Quantity {
			short = true
		}
		tracked = append(tracked, l)
	}
	return tracked, short, nil
}

// takeStock takes an order's tracked lines off what is on hand, in the
// write that records it after shortOfStock found them there, and lets go
// of its checkout's holds.
func takeStock(ctx context.Context, tx *store.Tx, pid string, orderID int64, number string, tracked []Line) error {
	if _, err := tx.ReleaseStock(ctx, pid); err != nil {
		return err
	}
	for _, l := range tracked {
		if err := moveStock(ctx, tx, l.ProductID, l.Size, -l.Quantity, "order "+number, orderID); err != nil {
			return err
		}
	}
	return nil
}

// moveStock changes what is on hand of a size by change (negative to
// take, never below 0) for an order, and keeps the change in the
// history. A size that is not tracked is left as it is.
func moveStock(ctx context.Context, tx *store.Tx, productID int64, size string, change int64, reason string, orderID int64) error {
	n, err := tx.MoveStock(ctx, store.MoveStockParams{Change: change, ProductID: productID, Size: size})
	if err != nil || n == 0 {
		return err
	}
	onHand, err := tx.GetStock(ctx, store.GetStockParams{ProductID: productID, Size: size})
	if err != nil {
		return err
	}
	return tx.AddStockHistory(ctx, store.AddStockHistoryParams{ProductID: productID, Size: size, Change: change,
		OnHand: sql.NullInt64{Int64: onHand, Valid: true}, Reason: reason,
		OrderID: sql.NullInt64{Int64: orderID, Valid: true}, ChangedAt: store.Time(time.Now())})
}

// releaseHolds lets go of what a payment's checkout held, stock and a
// code use, when the payment failed or was cancelled; a new try holds
// them again.
func releaseHolds(ctx context.Context, tx *store.Tx, pid string) error {
	if _, err := tx.ReleaseStock(ctx, pid); err != nil {
		return err
	}
	return tx.ReleaseDiscount(ctx, pid)
}

// CountStock is the owner's count of a size: on hand (nil: not tracked any
// more), with the reason kept in the history.
func CountStock(ctx context.Context, tx *store.Tx, productID int64, size string, onHand *int64, reason, by string) error {
	cur, err := tx.GetStock(ctx, store.GetStockParams{ProductID: productID, Size: size})
	tracked := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	h := store.AddStockHistoryParams{ProductID: productID, Size: size, Reason: reason,
		ChangedBy: store.Nullable(by), ChangedAt: store.Time(time.Now())}
	switch {
	case onHand == nil && !tracked:
		return nil
	case onHand == nil:
		if _, err := tx.UntrackStock(ctx, store.UntrackStockParams{ProductID: productID, Size: size}); err != nil {
			return err
		}
		h.Change = -cur
	default:
		if tracked && cur == *onHand {
			return nil
		}
		if err := tx.SetStock(ctx, store.SetStockParams{ProductID: productID, Size: size, OnHand: *onHand}); err != nil {
			return err
		}
		h.Change = *onHand - cur
		h.OnHand = sql.NullInt64{Int64: *onHand, Valid: true}
	}
	return tx.AddStockHistory(ctx, h)
}
