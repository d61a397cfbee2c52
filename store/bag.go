package store

import (
	"context"
	"database/sql"
	"errors"

	"boutique/cart"
)

// ErrLineFull is an add that would take a bag line past its limit.
var ErrLineFull = errors.New("bag line full")

// AddToBag adds to a line of a bag, creating the bag on its first line.
// The line grows in a single statement, so adds that arrive together all
// count; one that would pass the line's limit changes nothing and is
// ErrLineFull.
func (s *Store) AddToBag(ctx context.Context, bagID string, productID int64, size string, qty int64) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.TouchBag(ctx, bagID); err != nil {
			return err
		}
		_, err := tx.AddToBagLine(ctx, AddToBagLineParams{BagID: bagID, ProductID: productID, Size: size, Quantity: qty})
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLineFull
		}
		return err
	})
}

// SetBagLine sets a line of a bag to qty, or removes it when qty is 0. It
// reports whether the line was there.
func (s *Store) SetBagLine(ctx context.Context, bagID string, productID int64, size string, qty int64) (bool, error) {
	var changed int64
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if qty == 0 {
			changed, err = tx.DeleteBagLine(ctx, DeleteBagLineParams{BagID: bagID, ProductID: productID, Size: size})
		} else {
			changed, err = tx.SetBagLineQuantity(ctx, SetBagLineQuantityParams{Quantity: qty, BagID: bagID, ProductID: productID, Size: size})
		}
		return err
	})
	return changed > 0, err
}

// StepBagLine moves a line of a bag by step (+1 or -1, or any other),
// from whatever it holds when the write runs, within 0 and MaxQuantity;
// at 0 the line goes. It reports the line's new quantity, and whether the
// line was there. Steps that arrive together all count.
func (s *Store) StepBagLine(ctx context.Context, bagID string, productID int64, size string, step int64) (qty int64, found bool, err error) {
	err = s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		cur, err := tx.GetBagLineQuantity(ctx, GetBagLineQuantityParams{BagID: bagID, ProductID: productID, Size: size})
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		found, qty = true, min(max(cur+step, 0), cart.MaxQuantity)
		if qty == 0 {
			_, err = tx.DeleteBagLine(ctx, DeleteBagLineParams{BagID: bagID, ProductID: productID, Size: size})
		} else if qty != cur {
			_, err = tx.SetBagLineQuantity(ctx, SetBagLineQuantityParams{Quantity: qty, BagID: bagID, ProductID: productID, Size: size})
		}
		return err
	})
	return qty, found, err
}
