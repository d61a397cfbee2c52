package store

import "context"

// RecordCheckout records the PaymentIntent made for a bag.
func (s *Store) RecordCheckout(ctx context.Context, p CreateCheckoutParams) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.CreateCheckout(ctx, p) })
}

// RecordCheckoutChange records what a bag's PaymentIntent holds now.
func (s *Store) RecordCheckoutChange(ctx context.Context, p UpdateCheckoutParams) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.UpdateCheckout(ctx, p) })
}
