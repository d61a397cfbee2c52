package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/payments/stripefake"
	"boutique/store"
)

// The real binary is killed with SIGKILL in the middle of a stream of
// webhook deliveries and started again on the same database; the fake
// Stripe then delivers again every event that got no 2xx, as Stripe
// retries. Afterwards every paid PaymentIntent has exactly one order and
// every failed one none.
func TestCrashDuringWebhookStream(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	const secret = "whsec_crash_test"
	fake := stripefake.New()
	defer fake.Close()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	env := []string{"PATH=/usr/bin:/bin", "STRIPE_PUBLIC_KEY=pk_test_crash", "STRIPE_SECRET_KEY=sk_test_crash",
		"STRIPE_WH_SECRET=" + secret, "STRIPE_API_BASE=" + fake.URL()}

	// 60 checkouts of this shop, as the checkout makes them; two in three
	// are paid, the rest declined. Product ids 1..45 are the demo catalog,
	// which serve loads into the new database.
	ctx := context.Background()
	stripe := payments.New(payments.Config{SecretKey: "sk_test_crash", APIBase: fake.URL()})
	type intent struct {
		id   string
		paid bool
	}
	var intents []intent
	var events []stripefake.Event
	for i := range 60 {
		lines := []cart.Line{{ProductID: int64(26 + i%7), Quantity: int64(1 + i%3), UnitPrice: 1000}}
		meta := map[string]string{"save_info": "false", "username": ""}
		payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
		in, err := stripe.Create(ctx, cart.DefaultRules.Price(lines).GrandTotal, "usd", fmt.Sprintf("crash-%d", i), meta)
		if err != nil {
			t.Fatal(err)
		}
		buyer := payments.Party{Name: fmt.Sprintf("Shopper %d", i), Email: fmt.Sprintf("s%d@example.com", i),
			Address: payments.Address{Line1: "1 Main St", City: "Cork", Country: "IE"}}
		paid := i%3 != 2
		if paid {
			fake.Pay(in.ID, buyer, &buyer)
			events = append(events, fake.IntentEvent("payment_intent.succeeded", in.ID))
		} else {
			fake.Decline(in.ID, buyer, &buyer)
			events = append(events, fake.IntentEvent("payment_intent.payment_failed", in.ID))
		}
		intents = append(intents, intent{in.ID, paid})
	}

	proc := startBinary(t, bin, dir, env)
	acked := make([]atomic.Bool, len(events))
	deliverAll := func(base string, stopAfter int32) {
		var sent atomic.Int32
		var wg sync.WaitGroup
		next := make(chan int)
		client := &http.Client{Timeout: 10 * time.Second}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					st, err := stripefake.Deliver(ctx, client, base+"/checkout/wh/", secret, events[i])
					if err == nil && st >= 200 && st < 300 {
						acked[i].Store(true)
					}
					if sent.Add(1) == stopAfter {
						proc.cmd.Process.Signal(syscall.SIGKILL)
					}
				}
			}()
		}
		for i := range events {
			if !acked[i].Load() {
				next <- i
			}
		}
		close(next)
		wg.Wait()
	}

	// Killed a third of the way through.
	deliverAll(proc.base, int32(len(events)/3))
	select {
	case <-proc.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the binary did not die")
	}
	var missed int
	for i := range acked {
		if !acked[i].Load() {
			missed++
		}
	}
	if missed == 0 {
		t.Fatal("the kill came too late: every event was acknowledged")
	}

	// Started again: Stripe delivers what got no 2xx, and a repeat of
	// everything for good measure.
	proc = startBinary(t, bin, dir, env)
	deliverAll(proc.base, -1)
	for i := range acked {
		if !acked[i].Load() {
			t.Fatalf("event %d still not acknowledged after the restart", i)
		}
	}
	for i := range acked {
		acked[i].Store(false)
	}
	deliverAll(proc.base, -1)

	pool, err := store.OpenReadOnly(filepath.Join(dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, in := range intents {
		var orders int
		if err := pool.QueryRow(`SELECT COUNT(*) FROM orders WHERE stripe_pid = ?`, in.id).Scan(&orders); err != nil {
			t.Fatal(err)
		}
		if in.paid && orders != 1 || !in.paid && orders != 0 {
			t.Errorf("payment %s (paid %v): %d orders", in.id, in.paid, orders)
		}
	}
	var emails, orders int
	pool.QueryRow(`SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM orders)`).Scan(&emails, &orders)
	if emails != orders || orders != 40 {
		t.Fatalf("%d orders and %d emails, want 40 of each", orders, emails)
	}
	t.Logf("%d of %d events were lost to the kill and delivered again", missed, len(events))
	if err := proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-proc.exited
}
