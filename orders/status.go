package orders

import (
	"context"
	"errors"
	"slices"

	"boutique/store"
)

// statuses are the statuses of an order, weakest first. An order's status
// only moves to a stronger one, whatever order the news arrives in: a late
// partial refund does not undo a full refund, nor a refund a dispute, and
// nothing paid-for goes back to shipped.
var statuses = []string{"paid", "shipped", "partially_refunded", "refunded", "disputed"}

// StatusLabel is how a shopper is told an order's status.
func StatusLabel(status string) string {
	switch status {
	case "paid":
		return "Paid, being prepared"
	case "shipped":
		return "Shipped"
	case "partially_refunded":
		return "Partly refunded"
	case "refunded":
		return "Refunded"
	case "disputed":
		return "Payment disputed"
	}
	return status
}

// Statuses lists them, weakest first.
func Statuses() []string { return slices.Clone(statuses) }

// Stronger says whether status next would move an order on from cur.
func Stronger(next, cur string) bool {
	return slices.Index(statuses, next) > slices.Index(statuses, cur)
}

// ErrStatusMoved is an order whose status changed since it was read.
var ErrStatusMoved = errors.New("the order's status changed meanwhile")

// changeStatus moves an order to status when that is stronger than the
// status it was read with, and writes the news to the order's history
// either way, with its source (by) and note. It reports whether the
// status moved.
func changeStatus(ctx context.Context, tx *store.Tx, ord store.Order, status, note, by string) (bool, error) {
	moved := Stronger(status, ord.Status)
	if moved {
		n, err := tx.MoveOrderStatus(ctx, store.MoveOrderStatusParams{Status: status, ID: ord.ID, FromStatus: ord.Status})
		if err != nil {
			return false, err
		}
		if n == 0 {
			return false, ErrStatusMoved
		}
	} else {
		note = joinNote(note, "not applied: the order is "+ord.Status+" already")
	}
	return moved, tx.AddStatusHistory(ctx, store.AddStatusHistoryParams{OrderID: ord.ID, Status: status,
		Note: store.Nullable(note), ChangedBy: store.Nullable(by)})
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + " — " + b
}
