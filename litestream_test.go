package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments/stripefake"
	"boutique/store"
)

// Litestream replicates the shop's database to a file replica while
// webhooks stream in. The shop and Litestream are killed with SIGKILL in
// the middle of a second stream; the replica, restored into a new file,
// holds every order acknowledged before the position Litestream had
// replicated (all of the first stream), and nothing that was never
// acknowledged or sent. What the second stream loses is what Litestream's
// asynchronous replication had not shipped at the kill.
func TestLitestreamReplicaAfterAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Litestream")
	}
	litestream, err := exec.LookPath("litestream")
	if err != nil {
		t.Skip("litestream is not installed (.ci/run installs it)")
	}
	const secret = "whsec_litestream_test"
	fake := stripefake.New()
	defer fake.Close()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shop.db")
	replica := "file://" + filepath.Join(dir, "replica")
	bin := buildBinary(t, dir)
	env := []string{"PATH=/usr/bin:/bin", "STRIPE_PUBLIC_KEY=pk_test_ls", "STRIPE_SECRET_KEY=sk_test_ls",
		"STRIPE_WH_SECRET=" + secret, "STRIPE_API_BASE=" + fake.URL()}
	shop := startBinary(t, bin, dir, env)

	ls := exec.Command(litestream, "replicate", dbPath, replica)
	ls.Dir = dir
	ls.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	lsLog, err := os.Create(filepath.Join(dir, "litestream.log"))
	if err != nil {
		t.Fatal(err)
	}
	ls.Stdout, ls.Stderr = lsLog, lsLog
	if err := ls.Start(); err != nil {
		t.Fatal(err)
	}
	lsDone := make(chan error, 1)
	go func() { lsDone <- ls.Wait() }()
	t.Cleanup(func() { syscall.Kill(-ls.Process.Pid, syscall.SIGKILL) })

	ctx := context.Background()
	var mu sync.Mutex
	acked := map[string]bool{} // PaymentIntent id: acknowledged
	sent := map[string]bool{}
	// stream delivers new paid orders from 4 senders while more says so,
	// then calls end (if set) while the last deliveries are in flight.
	stream := func(prefix string, more func(i int) bool, end func()) {
		var wg sync.WaitGroup
		next := make(chan int)
		client := &http.Client{Timeout: 5 * time.Second}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					pid, err := paidCheckout(fake, fmt.Sprintf("%s-%d", prefix, i), "ada@example.com",
						[]cart.Line{{ProductID: int64(26 + i%7), Quantity: 1, UnitPrice: 1000}})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					sent[pid] = true
					mu.Unlock()
					st, err := stripefake.Deliver(ctx, client, shop.base+"/checkout/wh/", secret, fake.IntentEvent("payment_intent.succeeded", pid))
					if err == nil && st == http.StatusOK {
						mu.Lock()
						acked[pid] = true
						mu.Unlock()
					}
				}
			}()
		}
		for i := 0; more(i); i++ {
			next <- i
		}
		if end != nil {
			end()
		}
		close(next)
		wg.Wait()
	}

	// restore restores the replica into a new file and returns the
	// PaymentIntents of its orders.
	restores := 0
	restore := func() map[string]bool {
		t.Helper()
		restores++
		out := filepath.Join(dir, fmt.Sprintf("restored-%d.db", restores))
		if b, err := exec.Command(litestream, "restore", "-o", out, replica).CombinedOutput(); err != nil {
			t.Logf("litestream restore: %v\n%s", err, b)
			return nil
		}
		if err := store.Check(ctx, out); err != nil {
			t.Fatalf("the restored database: %v", err)
		}
		db, err := store.OpenReadOnly(out)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query(`SELECT stripe_pid FROM orders`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		pids := map[string]bool{}
		for rows.Next() {
			var pid string
			rows.Scan(&pid)
			pids[pid] = true
		}
		return pids
	}

	// The first stream, then the time until the replica holds all of it.
	stream("first", func(i int) bool { return i < 150 }, nil)
	mu.Lock()
	first := make([]string, 0, len(acked))
	for pid := range acked {
		first = append(first, pid)
	}
	mu.Unlock()
	if len(first) != 150 {
		t.Fatalf("%d of the first 150 deliveries acknowledged", len(first))
	}
	start := time.Now()
	for {
		got := restore()
		missing := 0
		for _, pid := range first {
			if !got[pid] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Since(start) > 60*time.Second {
			t.Fatalf("the replica still lacks %d acknowledged orders 60s after the stream", missing)
		}
		time.Sleep(250 * time.Millisecond)
	}
	lag := time.Since(start)

	// The second stream, for 3 seconds, and the power cut in its middle:
	// the shop and Litestream die at once.
	second := time.Now()
	stream("second", func(int) bool { return time.Since(second) < 3*time.Second }, func() {
		shop.killGroup()
		syscall.Kill(-ls.Process.Pid, syscall.SIGKILL)
	})
	<-shop.exited
	<-lsDone

	got := restore()
	mu.Lock()
	defer mu.Unlock()
	for _, pid := range first {
		if !got[pid] {
			t.Errorf("the restored replica lacks %s, acknowledged before the replicated position", pid)
		}
	}
	lost, secondAcked := 0, 0
	for pid := range acked {
		if !got[pid] {
			lost++
		}
	}
	for pid := range got {
		if !sent[pid] {
			t.Errorf("the restored replica has an order for %s, never paid", pid)
		}
	}
	secondAcked = len(acked) - len(first)
	t.Logf("replica complete %s after the first stream (restore polled every 250ms); "+
		"at the kill, %d of %d orders acknowledged in the second stream were not yet in the replica",
		lag.Round(10*time.Millisecond), lost, secondAcked)
}
