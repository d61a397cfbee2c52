package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Sessions keeps scs's sessions in the shop's own file, in the table and
// format of scs's sqlite3store, read through prepared statements and the
// session cache, written through the writer.
type Sessions struct{ s *Store }

// Sessions is the store scs keeps its sessions in.
func (s *Store) Sessions() Sessions { return Sessions{s} }

func (ss Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, err := through(ss.s.caches.sessions, token, func() ([]byte, time.Time, error) {
		row, err := ss.s.read.FindSession(ctx, token)
		return row.Data, time.Unix(row.ExpiresUnix, 0), err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (ss Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return ss.s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.CommitSession(ctx, CommitSessionParams{Token: token, Data: b, Expiry: expiry.UTC().Format("2006-01-02T15:04:05.999")})
	})
}

func (ss Sessions) DeleteCtx(ctx context.Context, token string) error {
	return ss.s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.DeleteSession(ctx, token)
	})
}

func (ss Sessions) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

func (ss Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

func (ss Sessions) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }
