package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments/stripefake"
)

// The shop answers a webhook only once the order it recorded is on disk:
// traced with strace, every acknowledged order's WAL frames are synced
// (fsync or fdatasync of the WAL) after they are written and before the
// 200 is written to the socket. (With synchronous = NORMAL the answer
// would come first, and the sync only with a later checkpoint.)
func TestAnswersFollowTheSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it under strace")
	}
	straceBin, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	const secret = "whsec_sync_test"
	fake := stripefake.New()
	defer fake.Close()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	traceFile := filepath.Join(dir, "trace.txt")
	// strace runs the binary; startBinary starts "strace ... boutique
	// serve ...".
	wrapper := filepath.Join(dir, "traced")
	script := fmt.Sprintf("#!/bin/sh\nexec %s -f -y -s 96 -e trace=fsync,fdatasync,write,pwrite64 -o %s %s \"$@\"\n", straceBin, traceFile, bin)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/usr/bin:/bin", "STRIPE_PUBLIC_KEY=pk_test_sync", "STRIPE_SECRET_KEY=sk_test_sync",
		"STRIPE_WH_SECRET=" + secret, "STRIPE_API_BASE=" + fake.URL()}
	proc := startBinary(t, wrapper, dir, env)

	ctx := context.Background()
	client := &http.Client{Timeout: 10 * time.Second}
	const orders = 5
	for i := range orders {
		pid, err := paidCheckout(fake, fmt.Sprintf("sync-%d", i), "ada@example.com", []cart.Line{{ProductID: 26, Quantity: 1, UnitPrice: 1600}})
		if err != nil {
			t.Fatal(err)
		}
		st, err := stripefake.Deliver(ctx, client, proc.base+"/checkout/wh/", secret, fake.IntentEvent("payment_intent.succeeded", pid))
		if err != nil || st != http.StatusOK {
			t.Fatalf("delivery %d: %d %v", i, st, err)
		}
		// Apart, so that no later write is mistaken for this one's.
		time.Sleep(100 * time.Millisecond)
	}
	proc.killGroup()
	<-proc.exited

	f, err := os.Open(traceFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	walWrite := regexp.MustCompile(`\b(?:write|pwrite64)\(\d+<[^>]*shop\.db-wal>`)
	walSync := regexp.MustCompile(`\bf(?:data)?sync\(\d+<[^>]*shop\.db-wal>`)
	// Only webhooks are answered here: every 200 on a socket is one.
	answer := regexp.MustCompile(`\bwrite\(\d+<(?:TCP|socket)[^>]*>, "HTTP/1\.1 200 OK`)
	// pending is true between a write to the WAL and its sync.
	pending, answered := false, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case walWrite.MatchString(line):
			pending = true
		case walSync.MatchString(line):
			pending = false
		case answer.MatchString(line):
			answered++
			if pending {
				t.Errorf("a webhook was answered with its WAL frames written but not synced:\n%s", line)
			}
		}
	}
	if answered != orders {
		t.Fatalf("found %d webhook answers in the trace, want %d (is the trace format as expected?)", answered, orders)
	}
}
