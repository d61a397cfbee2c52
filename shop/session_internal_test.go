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

func TestCleanSessionsDeletesOnlyBagsNoSessionCanReach(t *testing.T) {
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
}
