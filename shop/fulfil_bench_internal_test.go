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
