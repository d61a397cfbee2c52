package shop_test

import (
	"bytes"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"boutique/payments/stripefake"
	"boutique/shop"
	"boutique/store/storetest"
)

// FuzzWebhook throws bodies and signature headers at the webhook: it never
// panics, never answers 2xx to what is not signed with the endpoint's
// secret, and never writes anything then. The seeds, signed and not, run
// with every `go test`.
func FuzzWebhook(f *testing.F) {
	pool := storetest.Open(f)
	cfg := shop.Config{Currency: "usd", StripeJSURL: shop.DefaultStripeJSURL, StripeWHSecret: whSecret}
	app, err := shop.New(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(app.Close)
	handler := app.Handler()

	ours := map[string]any{"id": "pi_seed1", "object": "payment_intent", "status": "succeeded", "amount": 1320, "currency": "usd",
		"metadata": map[string]any{"bag": `[[1,"",1,1200]]`, "bag_parts": "1", "save_info": "false", "username": ""}}
	seeds := []stripefake.Event{
		stripefake.NewEvent("payment_intent.succeeded", ours, ""),
		stripefake.NewEvent("payment_intent.payment_failed", ours, ""),
		stripefake.NewEvent("payment_intent.succeeded", map[string]any{"id": "pi_other", "object": "payment_intent", "status": "succeeded"}, ""),
		stripefake.NewEvent("charge.refunded", map[string]any{"id": "ch_1", "object": "charge", "payment_intent": "pi_seed1", "amount": 1320, "amount_refunded": 1320}, ""),
		stripefake.NewEvent("charge.dispute.created", map[string]any{"id": "dp_1", "object": "dispute", "payment_intent": "pi_seed1"}, ""),
		stripefake.NewEvent("customer.created", map[string]any{"id": "cus_1", "object": "customer"}, ""),
		stripefake.NewEvent("payment_intent.succeeded", ours, "2020-08-27"),
	}
	now := time.Now()
	for _, ev := range seeds {
		f.Add(ev.Body, stripefake.Sign(ev.Body, whSecret, now))
		f.Add(ev.Body, stripefake.Sign(ev.Body, "whsec_wrong", now))
		f.Add(ev.Body, "")
	}
	f.Add([]byte(`{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","metadata":{"bag_parts":"1"}}}}`), "t=1,v1=00")
	f.Add([]byte(`not json`), stripefake.Sign([]byte(`not json`), whSecret, now))
	f.Add([]byte{}, "")

	f.Fuzz(func(t *testing.T, body []byte, header string) {
		before := writes(t, pool.DB())
		req := httptest.NewRequest(http.MethodPost, "/checkout/wh/", bytes.NewReader(body))
		req.Header.Set("Stripe-Signature", header)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)

		signed := webhook.ValidatePayload(body, header, whSecret) == nil
		if signed {
			return
		}
		if rec.Code < 400 {
			t.Fatalf("an unsigned body was answered %d", rec.Code)
		}
		if after := writes(t, pool.DB()); after != before {
			t.Fatalf("an unsigned body wrote: %v, was %v", after, before)
		}
	})
}

// writes counts the rows of every table the webhook writes to.
func writes(t *testing.T, pool *sql.DB) [5]int {
	t.Helper()
	var n [5]int
	err := pool.QueryRow(`SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM order_line_items),
		(SELECT COUNT(*) FROM stripe_events), (SELECT COUNT(*) FROM payment_failures), (SELECT COUNT(*) FROM outbox)`).
		Scan(&n[0], &n[1], &n[2], &n[3], &n[4])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
