package orders

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"boutique/cart"
	"boutique/demo"
	"boutique/payments"
	"boutique/store"
	"boutique/store/storetest"
)

func testOrders(t testing.TB) (*Orders, *store.Store) {
	t.Helper()
	st := storetest.Open(t)
	if _, err := demo.Seed(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return New(st, nil, nil, Config{Rules: Rules{Currency: "usd", Delivery: cart.DefaultRules}, ContactEmail: "help@example.com"}), st
}

func paidIntent(id string, lines []cart.Line, amount int64, meta map[string]string) payments.Intent {
	m := map[string]string{"save_info": "false", "username": ""}
	for k, v := range meta {
		m[k] = v
	}
	payments.PutSplit(m, "bag", cart.EncodeBag(lines), 0)
	return payments.Intent{ID: id, Status: "succeeded", Amount: amount, Currency: "usd", Metadata: m}
}

// recordCheckout records the shop's checkout of a payment, as the
// checkout page does: its bag, and its account (0 for a guest).
func recordCheckout(t testing.TB, st *store.Store, pid string, lines []cart.Line, userID int64) {
	t.Helper()
	var user any
	if userID != 0 {
		user = userID
	}
	storetest.Exec(t, st, `INSERT INTO checkouts (payment_intent_id, bag_id, amount, currency, bag, bag_version, user_id)
		VALUES (?, ?, ?, 'usd', ?, 1, ?)`, pid, fmt.Sprintf("%032d", len(pid)), cart.DefaultRules.Price(lines).GrandTotal, cart.EncodeBag(lines), user)
}

// BenchmarkFulfilNewOrder is the writer's share of a webhook: one new
// order of a 3-line bag at a time, as the bench's webhooks make them, on
// the demo catalog. Run: go test -run '^$' -bench FulfilNewOrder ./orders
func BenchmarkFulfilNewOrder(b *testing.B) {
	o, st := testOrders(b)
	ctx := context.Background()
	lines := []cart.Line{{ProductID: 26, Quantity: 1, UnitPrice: 1600}, {ProductID: 27, Quantity: 2, UnitPrice: 4200}, {ProductID: 1, Size: "M", Quantity: 1, UnitPrice: 2400}}
	for _, id := range []int64{1, 26, 27} {
		st.Product(ctx, id) // as product pages would have
	}
	in := paidIntent("", lines, cart.DefaultRules.Price(lines).GrandTotal, nil)
	d := Details{FullName: "Bench Shopper", Email: "bench@example.com", Street1: "1 Main St", Town: "Cork", Country: "IE"}
	b.ResetTimer()
	for i := range b.N {
		in.ID = fmt.Sprintf("pi_bench_%d", i)
		if _, created, err := o.fulfil(ctx, in, d, "webhook", &Event{ID: fmt.Sprintf("evt_bench_%d", i), Type: "payment_intent.succeeded"}); err != nil || !created {
			b.Fatalf("order %d: created %v, %v", i, created, err)
		}
	}
}

// The order fulfilment returns (built from what it wrote) is the order as
// the database holds it, for a guest and for a signed-in shopper, and a
// second fulfilment of the same payment returns the same order.
func TestFulfilReturnsTheOrderAsStored(t *testing.T) {
	o, st := testOrders(t)
	ctx := context.Background()
	storetest.Exec(t, st, `INSERT INTO users (username, email, password_hash) VALUES ('ada', 'ada@example.com', 'x')`)
	lines := []cart.Line{{ProductID: 1, Size: "M", Quantity: 2, UnitPrice: 2400}, {ProductID: 9999, Quantity: 1, UnitPrice: 100}}
	for userID, username := range []string{"", "ada"} {
		in := paidIntent("pi_stored_"+username, lines, 5000, map[string]string{"save_info": "true", "username": username})
		recordCheckout(t, st, in.ID, lines, int64(userID))
		d := Details{FullName: "Ada", Email: "ada@example.com", Phone: "+1 555", Street1: "1 Main St", Town: "Cork", Postcode: "T12", Country: "IE"}
		got, created, err := o.Fulfil(ctx, in, d, "webhook")
		if err != nil || !created {
			t.Fatalf("fulfil: %v %v", created, err)
		}
		stored, err := st.Read().GetOrderByPID(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != stored {
			t.Fatalf("fulfil returned\n%+v\nthe database holds\n%+v", got, stored)
		}
		if !stored.ReviewReason.Valid || (username != "") != stored.UserID.Valid {
			t.Fatalf("review %q, user %v: the order was not flagged or linked", stored.ReviewReason.String, stored.UserID)
		}
		again, created, err := o.Fulfil(ctx, in, d, "form")
		if err != nil || created || again != stored {
			t.Fatalf("a second fulfilment: created %v, %v, %+v", created, err, again)
		}
	}
}

// An archived product keeps its name on the line; one deleted since is
// named by its id; both flag the order.
func TestFulfilNamesProductsNoLongerInTheCatalog(t *testing.T) {
	o, st := testOrders(t)
	ctx := context.Background()
	storetest.Exec(t, st, `UPDATE products SET archived_at = '2026-01-01T00:00:00.000Z' WHERE id = 2`)
	lines := []cart.Line{{ProductID: 2, Size: "M", Quantity: 1, UnitPrice: 100}, {ProductID: 4242, Quantity: 1, UnitPrice: 100}}
	in := paidIntent("pi_archived", lines, cart.DefaultRules.Price(lines).GrandTotal, nil)
	recordCheckout(t, st, in.ID, lines, 0)
	ord, _, err := o.Fulfil(ctx, in, Details{Email: "a@example.com"}, "webhook")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Read().ListOrderLines(ctx, ord.ID)
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d lines, %v", len(rows), err)
	}
	var name string
	st.DB().QueryRow(`SELECT name FROM products WHERE id = 2`).Scan(&name)
	if rows[0].ProductName != name || !rows[0].ProductID.Valid {
		t.Errorf("the archived product's line: %+v", rows[0])
	}
	if rows[1].ProductID.Valid || rows[1].ProductName != "Product #4242 (no longer in the catalog)" {
		t.Errorf("the deleted product's line: %+v", rows[1])
	}
	if ord.ReviewReason.String != "product #2 was taken out of the shop before the payment; product #4242 is no longer in the catalog" {
		t.Errorf("review %q", ord.ReviewReason.String)
	}
}

// BenchmarkFulfilFourAtOnce is BenchmarkFulfilNewOrder with four orders
// arriving together, as the bench's four webhook senders send them: their
// writes share commits, and each commit's sync. Run: go test -run '^$'
// -bench FulfilFourAtOnce ./orders
func BenchmarkFulfilFourAtOnce(b *testing.B) {
	o, st := testOrders(b)
	ctx := context.Background()
	lines := []cart.Line{{ProductID: 26, Quantity: 1, UnitPrice: 1600}, {ProductID: 27, Quantity: 2, UnitPrice: 4200}, {ProductID: 1, Size: "M", Quantity: 1, UnitPrice: 2400}}
	for _, id := range []int64{1, 26, 27} {
		st.Product(ctx, id)
	}
	d := Details{FullName: "Bench Shopper", Email: "bench@example.com", Street1: "1 Main St", Town: "Cork", Country: "IE"}
	var n atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := paidIntent("", lines, cart.DefaultRules.Price(lines).GrandTotal, nil)
			for {
				i := n.Add(1)
				if i > int64(b.N) {
					return
				}
				in.ID = fmt.Sprintf("pi_bench_%d", i)
				if _, created, err := o.fulfil(ctx, in, d, "webhook", &Event{ID: fmt.Sprintf("evt_bench_%d", i), Type: "payment_intent.succeeded"}); err != nil || !created {
					b.Errorf("order %d: created %v, %v", i, created, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
