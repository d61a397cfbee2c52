package shop

import (
	"context"
	"fmt"
	"testing"

	"boutique/cart"
	"boutique/demo"
	"boutique/payments"
)

// BenchmarkFulfilNewOrder is the writer's share of a webhook: one new
// order of a 3-line bag at a time, as the bench's webhooks make them, on
// the demo catalog. Run: go test -run '^$' -bench FulfilNewOrder ./shop
func BenchmarkFulfilNewOrder(b *testing.B) {
	app, pool, _ := writerApp(b)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, pool); err != nil {
		b.Fatal(err)
	}
	lines := []cart.Line{{ProductID: 26, Quantity: 1, UnitPrice: 1600}, {ProductID: 27, Quantity: 2, UnitPrice: 4200}, {ProductID: 1, Size: "M", Quantity: 1, UnitPrice: 2400}}
	meta := map[string]string{"save_info": "false", "username": ""}
	payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
	for _, id := range []int64{1, 26, 27} {
		app.product(ctx, id) // as product pages would have
	}
	in := payments.Intent{Status: "succeeded", Amount: cart.DefaultRules.Price(lines).GrandTotal, Currency: "usd", Metadata: meta}
	d := orderDetails{FullName: "Bench Shopper", Email: "bench@example.com", Street1: "1 Main St", Town: "Cork", Country: "IE"}
	b.ResetTimer()
	for i := range b.N {
		in.ID = fmt.Sprintf("pi_bench_%d", i)
		if _, created, err := app.fulfilEvent(ctx, in, d, "webhook", &stripeEvent{ID: fmt.Sprintf("evt_bench_%d", i), Type: "payment_intent.succeeded"}); err != nil || !created {
			b.Fatalf("order %d: created %v, %v", i, created, err)
		}
	}
}

// The order fulfilment returns (built from what it wrote) is the order as
// the database holds it, for a guest and for a signed-in shopper, and a
// second fulfilment of the same payment returns the same order.
func TestFulfilReturnsTheOrderAsStored(t *testing.T) {
	app, pool, _ := writerApp(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(`INSERT INTO users (username, email, password_hash) VALUES ('ada', 'ada@example.com', 'x')`); err != nil {
		t.Fatal(err)
	}
	lines := []cart.Line{{ProductID: 1, Size: "M", Quantity: 2, UnitPrice: 2400}, {ProductID: 9999, Quantity: 1, UnitPrice: 100}}
	for _, username := range []string{"", "ada"} {
		meta := map[string]string{"save_info": "true", "username": username}
		payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
		in := payments.Intent{ID: "pi_stored_" + username, Status: "succeeded", Amount: 5000, Currency: "usd", Metadata: meta}
		d := orderDetails{FullName: "Ada", Email: "ada@example.com", Phone: "+1 555", Street1: "1 Main St", Town: "Cork", Postcode: "T12", Country: "IE"}
		got, created, err := app.fulfil(ctx, in, d, "webhook")
		if err != nil || !created {
			t.Fatalf("fulfil: %v %v", created, err)
		}
		stored, err := app.q.GetOrderByPID(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != stored {
			t.Fatalf("fulfil returned\n%+v\nthe database holds\n%+v", got, stored)
		}
		if !stored.ReviewReason.Valid || (username != "") != stored.UserID.Valid {
			t.Fatalf("review %q, user %v: the order was not flagged or linked", stored.ReviewReason.String, stored.UserID)
		}
		again, created, err := app.fulfil(ctx, in, d, "form")
		if err != nil || created || again != stored {
			t.Fatalf("a second fulfilment: created %v, %v, %+v", created, err, again)
		}
	}
}
