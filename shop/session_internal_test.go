package shop

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"boutique/cart"
	"boutique/store"
	"boutique/store/storetest"
)

// The sweep deletes the bags no session can reach, and the links and
// request counts whose time has passed; nothing live.
func TestCleanSessionsDeletesOnlyWhatHasExpired(t *testing.T) {
	pool := storetest.Open(t)
	app, err := New(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Currency: "usd", Delivery: cart.DefaultRules, StripeJSURL: DefaultStripeJSURL})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	old := store.Time(time.Now().Add(-sessionLifetime - 2*time.Hour))
	recent := store.Time(time.Now().Add(-sessionLifetime + time.Hour))
	for id, at := range map[string]string{strings.Repeat("a", 32): old, strings.Repeat("b", 32): recent} {
		storetest.Exec(t, pool, `INSERT INTO bags (id, updated_at) VALUES (?, ?)`, id, at)
	}
	storetest.Exec(t, pool, `INSERT INTO users (id, username, email, password_hash) VALUES (1, 'ada', 'ada@example.com', 'x')`)
	past, future := store.Time(time.Now().Add(-time.Minute)), store.Time(time.Now().Add(time.Hour))
	stale, fresh := store.Time(time.Now().Add(-countsKept-time.Minute)), store.Time(time.Now().Add(-time.Minute))
	for i, at := range []string{past, future} {
		storetest.Exec(t, pool, `INSERT INTO signups (token_hash, username, email, password_hash, expires_at) VALUES (?, 'grace', 'g@example.com', 'x', ?)`, i, at)
		storetest.Exec(t, pool, `INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, 1, ?)`, i, at)
		storetest.Exec(t, pool, `INSERT INTO sessions (token, data, expiry) VALUES (?, x'00', julianday(?))`, i, strings.TrimSuffix(at, "Z"))
	}
	for _, at := range []string{stale, fresh} {
		storetest.Exec(t, pool, `INSERT INTO throttle_events (key, at) VALUES ('signup:203.0.113.7', ?)`, at)
		storetest.Exec(t, pool, `INSERT INTO login_failures (key, failed_at) VALUES ('addr:203.0.113.7', ?)`, at)
	}

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		app.cleanSessions(5*time.Millisecond, stop)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := pool.DB().QueryRow(`SELECT COUNT(*) FROM bags WHERE updated_at = ?`, old).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the old bag was not deleted within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	<-done
	var left int
	if err := pool.DB().QueryRow(`SELECT COUNT(*) FROM bags`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 1 {
		t.Fatalf("%d bags left, want the recent one", left)
	}
	for table, live := range map[string]string{
		"signups": "expires_at = '" + future + "'", "password_resets": "expires_at = '" + future + "'",
		"sessions": "token = '1'", "throttle_events": "at = '" + fresh + "'", "login_failures": "failed_at = '" + fresh + "'",
	} {
		var rows, kept int
		if err := pool.DB().QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE `+live+`) FROM `+table).Scan(&rows, &kept); err != nil {
			t.Fatal(err)
		}
		if rows != 1 || kept != 1 {
			t.Errorf("%s: %d rows left, %d of them live; want the live one alone", table, rows, kept)
		}
	}
}
