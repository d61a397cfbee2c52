package store

import "context"

// CreateCheckout records the PaymentIntent made for a bag.
func (s *Store) CreateCheckout(ctx context.Context, p CreateCheckoutParams) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.CreateCheckout(ctx, p) })
}

// UpdateCheckout records what a bag's PaymentIntent holds now.
func (s *Store) UpdateCheckout(ctx context.Context, p UpdateCheckoutParams) error {
	return s.Write(ctx, func(ctx context.Context, tx *Tx) error { return tx.UpdateCheckout(ctx, p) })
}
