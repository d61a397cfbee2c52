package store

import (
	"context"
	"time"
)

// Swept is what one Sweep deleted.
type Swept struct {
	Sessions, Bags, Signups, Resets, ThrottleEvents, LoginFailures, StockHolds, DiscountHolds int64
}

// Sweep deletes what has expired: sessions; bags not touched since
// bagsBefore (no live session can point to them any more); confirmation
// and reset links past their time; stock and code holds run out; and request counts older than
// countsBefore, which no limit looks back to.
func (s *Store) Sweep(ctx context.Context, now, bagsBefore, countsBefore time.Time) (Swept, error) {
	var d Swept
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		steps := []struct {
			n   *int64
			del func() (int64, error)
		}{
			{&d.Sessions, func() (int64, error) { return tx.DeleteExpiredSessions(ctx) }},
			{&d.Bags, func() (int64, error) { return tx.DeleteBagsUpdatedBefore(ctx, Time(bagsBefore)) }},
			{&d.Signups, func() (int64, error) { return tx.DeleteExpiredSignups(ctx, Time(now)) }},
			{&d.Resets, func() (int64, error) { return tx.DeleteExpiredPasswordResets(ctx, Time(now)) }},
			{&d.ThrottleEvents, func() (int64, error) { return tx.DeleteThrottleEventsBefore(ctx, Time(countsBefore)) }},
			{&d.LoginFailures, func() (int64, error) { return tx.DeleteLoginFailuresBefore(ctx, Time(countsBefore)) }},
			{&d.StockHolds, func() (int64, error) { return tx.DeleteExpiredStockHolds(ctx, Time(now)) }},
			{&d.DiscountHolds, func() (int64, error) { return tx.DeleteExpiredDiscountHolds(ctx, Nullable(Time(now))) }},
		}
		for _, st := range steps {
			if *st.n, err = st.del(); err != nil {
				return err
			}
		}
		return nil
	})
	return d, err
}
