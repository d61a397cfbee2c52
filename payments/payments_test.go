package payments_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"boutique/cart"
	"boutique/payments"
)

// startStripeMock runs stripe-mock v0.183.0 on free loopback ports, with
// the API version check on, and returns its HTTP base URL.
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("stripe-mock")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		bin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "stripe-mock")
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("stripe-mock not found: go install github.com/stripe/stripe-mock@v0.183.0")
		}
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:", "-strict-version-check")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`Listening for HTTP at address: (\S+)`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("stripe-mock did not start within 30s")
		return ""
	}
}

// Every request the shop makes of Stripe, as stripe-mock's copy of the
// 2023-10-16 API accepts it.
func TestRequestsAgainstStripeMock(t *testing.T) {
	base := startStripeMock(t)
	ctx := context.Background()
	c := payments.New(payments.Config{SecretKey: "sk_test_123", APIBase: base, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})

	meta := map[string]string{"save_info": "false", "username": ""}
	in, err := c.Create(ctx, 2640, "usd", "checkout-test-1", meta)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(in.ID, "pi_") || in.ClientSecret == "" {
		t.Fatalf("create returned %+v", in)
	}

	if _, err := c.Update(ctx, in.ID, 4210, nil); err != nil {
		t.Fatalf("update amount: %v", err)
	}

	// A bag of 100 distinct lines, split across metadata keys.
	var lines []cart.Line
	for i := range 100 {
		lines = append(lines, cart.Line{ProductID: int64(1000 + i), Size: cart.Sizes[i%5], Quantity: 99, UnitPrice: 123456})
	}
	bag := map[string]string{"save_info": "true", "username": "shopper"}
	parts := payments.PutSplit(bag, "bag", cart.EncodeBag(lines), 0)
	if parts < 2 || len(bag) > payments.MaxMetadataKeys {
		t.Fatalf("a 100-line bag took %d parts and %d keys", parts, len(bag))
	}
	for k, v := range bag {
		if len(v) > payments.MaxMetadataValue || len(k) > 40 {
			t.Fatalf("metadata %s is %d characters", k, len(v))
		}
	}
	if _, err := c.Update(ctx, in.ID, 0, bag); err != nil {
		t.Fatalf("update metadata: %v", err)
	}
	// Shrinking the bag clears the pieces it no longer needs.
	small := map[string]string{}
	payments.PutSplit(small, "bag", cart.EncodeBag(lines[:1]), parts)
	if small["bag_1"] != "" || len(small) != parts+1 {
		t.Fatalf("shrunk metadata: %v", small)
	}
	if _, err := c.Update(ctx, in.ID, 5000, small); err != nil {
		t.Fatalf("update amount and metadata: %v", err)
	}

	got, err := c.Retrieve(ctx, in.ID)
	if err != nil {
		t.Fatalf("retrieve: %v", err)
	}
	if got.ID == "" || got.Status == "" {
		t.Fatalf("retrieve returned %+v", got)
	}
	// The shop's one-pass decode of that answer reads what stripe-go's
	// full decode reads.
	req, err := http.NewRequest(http.MethodGet, base+"/v1/payment_intents/"+in.ID+"?expand[]=latest_charge", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("sk_test_123", "")
	req.Header.Set("Stripe-Version", payments.APIVersion)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var pi stripe.PaymentIntent
	if err := json.Unmarshal(raw, &pi); err != nil {
		t.Fatalf("stripe-mock's answer: %v\n%s", err, raw)
	}
	if want := payments.FromStripe(&pi); want.ID != got.ID || want.Status != got.Status || want.Amount != got.Amount ||
		want.Billing != got.Billing || (want.Shipping == nil) != (got.Shipping == nil) {
		t.Fatalf("retrieve read %+v; stripe-go reads the same answer as %+v", got, want)
	}

	list, err := c.ListSince(ctx, time.Now().Add(-72*time.Hour))
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(list) == 0 || list[0].ID == "" {
		t.Fatalf("list returned %+v", list)
	}

	ref, err := c.Refund(ctx, in.ID, 1200, "boutique-refund-test-1", map[string]string{"boutique_refund": "test-1", "order_number": "ABC"})
	if err != nil {
		t.Fatalf("refund: %v", err)
	}
	if !strings.HasPrefix(ref.ID, "re_") || ref.Status == "" {
		t.Fatalf("refund returned %+v", ref)
	}
}

func TestSplitMetadataRoundTrips(t *testing.T) {
	for _, n := range []int{1, 5, 20, 100, 400} {
		var lines []cart.Line
		for i := range n {
			lines = append(lines, cart.Line{ProductID: int64(i + 1), Size: "XL", Quantity: 99, UnitPrice: 99999})
		}
		meta := map[string]string{}
		payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
		joined, err := payments.GetSplit(meta, "bag")
		if err != nil {
			t.Fatal(err)
		}
		back, err := cart.DecodeBag(joined)
		if err != nil || len(back) != n {
			t.Fatalf("%d lines came back as %d (%v)", n, len(back), err)
		}
	}
	if _, err := payments.GetSplit(map[string]string{"bag": "[]", "bag_parts": "2"}, "bag"); err == nil {
		t.Fatal("a missing piece went unnoticed")
	}
	// Metadata written without the count reads as one value.
	if v, err := payments.GetSplit(map[string]string{"bag": "[]"}, "bag"); err != nil || v != "[]" {
		t.Fatalf("single value: %q, %v", v, err)
	}
}
