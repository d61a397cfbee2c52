package store

import (
	"context"
	"time"
)

// A Limit is how many requests one key may make within a window.
type Limit struct {
	Key    string
	Max    int64
	Window time.Duration
}

// Take counts a request against every limit at once, and reports whether
// it was within all of them; a request over any limit is counted against
// none. The counts are read and written in the writer's turn, so requests
// arriving together cannot slip past a limit together.
func (tx *Tx) Take(ctx context.Context, now time.Time, limits ...Limit) (bool, error) {
	for _, l := range limits {
		n, err := tx.CountThrottleEvents(ctx, CountThrottleEventsParams{Key: l.Key, At: Time(now.Add(-l.Window))})
		if err != nil || n >= l.Max {
			return false, err
		}
	}
	for _, l := range limits {
		if err := tx.RecordThrottleEvent(ctx, RecordThrottleEventParams{Key: l.Key, At: Time(now)}); err != nil {
			return false, err
		}
	}
	return true, nil
}
