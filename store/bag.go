package store

import (
	"context"
	"database/sql"
	"errors"
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
