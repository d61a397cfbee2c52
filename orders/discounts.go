package orders

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"boutique/cart"
	"boutique/store"
)

// An Applied code is a bag's discount code as it stands for a payment:
// its discount when it applies, or why not (Note).
type Applied struct {
	Code     string // as the owner wrote it; "" for none
	ID       int64
	Discount *cart.Discount // nil when it does not apply
	Note     string
	// UsedUp says the code's uses, in all or by the email, have run out.
	UsedUp bool
}

// Reader is what applying a code reads: the store's read queries, or a
// write's.
type Reader interface {
	GetDiscountCode(ctx context.Context, code string) (store.DiscountCode, error)
	DiscountUses(ctx context.Context, arg store.DiscountUsesParams) (store.DiscountUsesRow, error)
}

// ApplyCode checks a code for a payment (pid; "" before there is one) by
// a shopper's email ("" when not known yet) at a time: it applies when it
// exists, has started and not ended, and its uses (by orders and by other
// checkouts holding it) leave room in all and for the email.
func ApplyCode(ctx context.Context, q Reader, code, pid, email string, now time.Time) (Applied, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Applied{}, nil
	}
	c, err := q.GetDiscountCode(ctx, code)
	if errors.Is(err, sql.ErrNoRows) {
		return Applied{Code: code, Note: fmt.Sprintf("The code %s isn't one of ours.", code)}, nil
	} else if err != nil {
		return Applied{}, err
	}
	a := Applied{Code: c.Code, ID: c.ID}
	at := store.Time(now)
	uses, err := q.DiscountUses(ctx, store.DiscountUsesParams{Email: sql.NullString{String: email, Valid: email != ""},
		CodeID: c.ID, PaymentIntentID: pid, Now: sql.NullString{String: at, Valid: true}})
	if err != nil {
		return a, err
	}
	switch {
	case c.StartsAt.Valid && at < c.StartsAt.String:
		a.Note = fmt.Sprintf("The code %s starts on %s.", c.Code, OrderDate(c.StartsAt.String, time.UTC))
	case c.EndsAt.Valid && at >= c.EndsAt.String:
		a.Note = fmt.Sprintf("The code %s has ended.", c.Code)
	case c.MaxUses.Valid && uses.Uses >= c.MaxUses.Int64:
		a.Note, a.UsedUp = fmt.Sprintf("The code %s has been used up.", c.Code), true
	case c.MaxPerCustomer.Valid && email != "" && uses.ByEmail >= c.MaxPerCustomer.Int64:
		a.Note, a.UsedUp = fmt.Sprintf("The code %s has been used as often as it allows with %s.", c.Code, email), true
	default:
		a.Discount = &cart.Discount{Percent: c.Percent.Int64, Amount: c.Amount.Int64, MinSpend: c.MinSpend, Delivery: c.Delivery == 1}
	}
	return a, nil
}

// MinSpendNote says how much more a bag needs for a code that applies
// but takes nothing off it yet, or "".
func (a Applied) MinSpendNote(t cart.Totals, currency string) string {
	if a.Discount == nil || t.Discount > 0 || t.Total >= a.Discount.MinSpend {
		return ""
	}
	return fmt.Sprintf("Spend %s more to use the code %s.", cart.Format(a.Discount.MinSpend-t.Total, currency), a.Code)
}

// DiscountError is a code that no longer applies when a checkout comes to
// hold it; its text is for the shopper.
type DiscountError struct{ Msg string }

func (e *DiscountError) Error() string { return e.Msg }

// HoldCode holds a use of a checkout's code for its PaymentIntent,
// in the write that marks it confirming, so that checkouts at a code's
// last use are counted one after another: those past its limits get a
// *DiscountError and are never confirmed. An empty code lets go of any
// hold the payment had.
func HoldCode(ctx context.Context, tx *store.Tx, pid, code, email string, now time.Time) error {
	if code == "" {
		return tx.ReleaseDiscount(ctx, pid)
	}
	a, err := ApplyCode(ctx, tx, code, pid, email, now)
	if err != nil {
		return err
	}
	if a.Discount == nil {
		return &DiscountError{a.Note}
	}
	return tx.HoldDiscount(ctx, store.HoldDiscountParams{PaymentIntentID: pid, CodeID: a.ID,
		Email: sql.NullString{String: email, Valid: email != ""}, ExpiresAt: store.Nullable(store.Time(now.Add(HoldFor)))})
}

// DiscountMeta are the metadata keys a PaymentIntent carries its code and
// discount in.
func DiscountMeta(code string, off int64) map[string]string {
	m := map[string]string{"discount": "", "discount_amount": ""}
	if code != "" && off > 0 {
		m["discount"], m["discount_amount"] = code, strconv.FormatInt(off, 10)
	}
	return m
}

// readDiscount is the code and discount a PaymentIntent's metadata carry.
func readDiscount(meta map[string]string) (string, int64, error) {
	code := meta["discount"]
	if code == "" {
		return "", 0, nil
	}
	off, err := strconv.ParseInt(meta["discount_amount"], 10, 64)
	if err != nil || off < 0 {
		return code, 0, fmt.Errorf("the payment's discount amount %q is not an amount", meta["discount_amount"])
	}
	return code, off, nil
}

// discountReason checks the code a payment used, in the write that
// records its order, before its use is counted: it gives the code's id,
// and why the owner should look when the code is gone or its uses had
// run out meanwhile (a hold that ran out before the payment came).
func discountReason(ctx context.Context, tx *store.Tx, pid, code, email string) (int64, string, error) {
	if code == "" {
		return 0, "", nil
	}
	a, err := ApplyCode(ctx, tx, code, pid, email, time.Now())
	switch {
	case err != nil:
		return 0, "", err
	case a.ID == 0:
		return 0, fmt.Sprintf("the payment used the code %s, which the shop no longer has", code), nil
	case a.UsedUp:
		return a.ID, "the payment used the code " + code + " past its limits: " + a.Note, nil
	}
	return a.ID, "", nil
}

// redeemDiscount counts an order's use of its code, in the order's write:
// its checkout's hold becomes the order's, or a use is added when the
// hold had run out. One use a payment, however often it is recorded.
func redeemDiscount(ctx context.Context, tx *store.Tx, pid string, codeID int64, email string, orderID int64) error {
	if codeID == 0 {
		return nil
	}
	return tx.RedeemDiscount(ctx, store.RedeemDiscountParams{PaymentIntentID: pid, CodeID: codeID,
		Email: sql.NullString{String: email, Valid: email != ""}, OrderID: sql.NullInt64{Int64: orderID, Valid: true}})
}
