package shop_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"boutique/orders"
	"boutique/store"
)

// setStock counts a product's size as the owner would.
func (s *testShop) setStock(product int64, size string, n int64) {
	s.t.Helper()
	if err := s.st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		return orders.CountStock(ctx, tx, product, size, &n, "counted", "test")
	}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *testShop) onHand(product int64, size string) int64 {
	s.t.Helper()
	var n int64
	if err := s.pool.QueryRow(`SELECT on_hand FROM stock WHERE product_id = ? AND size = ?`, product, size).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// 20 shoppers, each with the same tee in size M in their bag, confirm
// their payments at once for the last 3: three are let through to pay
// and get an order, with the order form and the webhook racing for each;
// the other 17 are told it sold out before their card is touched, and
// their PaymentIntents are never confirmed. Stock ends at 0, and the
// pages and bags say sold out.
func TestLastUnitsGoToAsManyShoppersAsThereAreUnits(t *testing.T) {
	s := newWebhookShop(t)
	s.setStock(1, "M", 3)
	const shoppers = 20
	type paying struct {
		sh          *checkoutShop
		secret, tok string
	}
	var all []paying
	for range shoppers {
		sh := s.another()
		sh.add(1, "M", 1)
		secret, tok := sh.openCheckout()
		all = append(all, paying{sh, secret, tok})
	}

	var mu sync.Mutex
	var let, refused int
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, p := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := p.sh.cache(p.secret, p.tok, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case res.status == http.StatusOK:
				let++
			case res.status == http.StatusBadRequest && strings.Contains(res.body, "has sold out"):
				refused++
				return
			default:
				t.Errorf("cache_checkout_data: %d %s", res.status, res.body)
				return
			}
			if err := s.fake.Pay(pidOf(p.secret), shopper, &shopper); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if let != 3 || refused != shoppers-3 {
		t.Fatalf("%d shoppers were let pay and %d told it sold out; want 3 and %d", let, refused, shoppers-3)
	}

	// The order form and the webhook race for each paid one.
	for _, p := range all {
		in, _ := s.fake.Get(pidOf(p.secret))
		if in.Status != "succeeded" {
			if len(in.CardsTried) != 0 {
				t.Errorf("%s was confirmed (%s) though it was refused", in.ID, in.Status)
			}
			continue
		}
		wg.Add(2)
		go func() { defer wg.Done(); p.sh.post("/checkout/", orderForm(p.tok, p.secret), false) }()
		go func() { defer wg.Done(); s.deliver(s.fake.IntentEvent("payment_intent.succeeded", in.ID)) }()
	}
	wg.Wait()
	if n := s.countOrders(); n != 3 {
		t.Fatalf("%d orders, want 3", n)
	}
	if n := s.onHand(1, "M"); n != 0 {
		t.Fatalf("on hand %d, want 0", n)
	}
	var history int
	s.pool.QueryRow(`SELECT COUNT(*) FROM stock_history WHERE product_id = 1 AND size = 'M' AND change = -1 AND reason LIKE 'order %'`).Scan(&history)
	if history != 3 {
		t.Fatalf("%d stock history rows for orders, want 3", history)
	}

	// What a shopper sees now.
	loser := all[0].sh
	for _, p := range all {
		if in, _ := s.fake.Get(pidOf(p.secret)); in.Status != "succeeded" {
			loser = p.sh
			break
		}
	}
	if res := loser.get("/checkout/"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/bag/" {
		t.Fatalf("checkout with a sold-out line: %d %s", res.status, res.header.Get("Location"))
	}
	if bag := loser.get("/bag/").body; !strings.Contains(bag, "has sold out") {
		t.Fatalf("the bag does not say the tee sold out:\n%s", bag)
	}
	newcomer := s.another()
	if page := newcomer.get("/products/1/").body; !strings.Contains(page, `<option value="M" disabled>M — sold out</option>`) {
		t.Fatalf("the product page offers size M:\n%s", page)
	}
	tok := newcomer.csrfToken("/products/1/")
	res := newcomer.post("/bag/add/1/", form("csrf_token", tok, "product_size", "M", "quantity", "1"), true)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "sold out") {
		t.Fatalf("adding a sold-out size: %d %s", res.status, res.body)
	}
	newcomer.add(1, "L", 1) // untracked sizes sell as ever
}

// A shopper whose hold ran out before they paid, while the last unit went
// to someone else: their payment is recorded (it was made) and refunded in
// full at once, they are emailed that it sold out, and stock never goes
// below 0.
func TestPaymentAfterItsHoldRanOutIsRefundedInFull(t *testing.T) {
	s := newWebhookShop(t)
	s.setStock(2, "", 1)
	late := s.another()
	late.add(2, "", 1)
	lateSecret, lateTok := late.openCheckout()
	if res := late.cache(lateSecret, lateTok, false); res.status != http.StatusOK {
		t.Fatalf("cache: %d %s", res.status, res.body)
	}
	s.exec(`UPDATE stock_holds SET expires_at = '2000-01-01T00:00:00.000Z'`)

	first := s.another()
	first.add(2, "", 1)
	secret, tok := first.openCheckout()
	if res := first.payAndSubmit(secret, tok); res.status != http.StatusSeeOther {
		t.Fatalf("the first payment: %d %s", res.status, res.body)
	}

	if err := s.fake.Pay(pidOf(lateSecret), shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	res := late.post("/checkout/", orderForm(lateTok, lateSecret), false)
	if res.status != http.StatusSeeOther {
		t.Fatalf("the late payment's form: %d %s", res.status, res.body)
	}
	if page := late.get(res.header.Get("Location")).body; !strings.Contains(page, "Sorry, it sold out") || !strings.Contains(page, "Refunded") {
		t.Fatalf("the late shopper's confirmation does not say it sold out and was refunded:\n%s", page)
	}
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pidOf(lateSecret)))

	if n := s.onHand(2, ""); n != 0 {
		t.Fatalf("on hand %d, want 0", n)
	}
	o := s.order(pidOf(lateSecret))
	if o.status != "refunded" || !strings.Contains(o.review.String, "sold out") {
		t.Fatalf("the late order is %s (%q), want refunded for being sold out", o.status, o.review.String)
	}
	refunds := s.fake.Refunds(pidOf(lateSecret))
	if len(refunds) != 1 || refunds[0].Amount != o.paid {
		t.Fatalf("refunds at Stripe: %+v, want one of %d", refunds, o.paid)
	}
	if got := s.fake.Refunds(pidOf(secret)); len(got) != 0 {
		t.Fatalf("the first payment was refunded: %+v", got)
	}
	var soldOut, confirmations int
	s.pool.QueryRow(`SELECT COUNT(*) FROM outbox WHERE subject LIKE '%sold out, refunded in full'`).Scan(&soldOut)
	s.pool.QueryRow(`SELECT COUNT(*) FROM outbox WHERE subject LIKE '%order confirmation%'`).Scan(&confirmations)
	if soldOut != 1 || confirmations != 1 {
		t.Fatalf("%d sold-out emails and %d confirmations, want 1 each", soldOut, confirmations)
	}
}

// The owner counts a product's sizes on its stock page: a bad count sends
// the form back with nothing saved; a good one is kept with its reason in
// the history; an empty one stops tracking; the dashboard lists what is
// low; the shop's pages say how many are left.
func TestOwnerCountsStock(t *testing.T) {
	s := staffShop(t)
	page := "/owner/products/1/stock/"
	tok := s.csrfToken(page)
	res := s.post(page, form("csrf_token", tok, "stock_M", "-2", "stock_L", "4"), false)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Enter a whole number") || !strings.Contains(res.body, `value="-2"`) {
		t.Fatalf("a negative count: %d\n%s", res.status, res.body)
	}
	if n := s.count(`SELECT COUNT(*) FROM stock`); n != 0 {
		t.Fatalf("%d sizes saved from a bad form", n)
	}
	if res := s.post(page, form("csrf_token", tok, "stock_M", "2", "stock_L", "10", "reason", "delivery from the maker"), false); res.status != http.StatusSeeOther {
		t.Fatalf("saving stock: %d %s", res.status, res.body)
	}
	if s.onHand(1, "M") != 2 || s.onHand(1, "L") != 10 || s.count(`SELECT COUNT(*) FROM stock`) != 2 {
		t.Fatal("the counts were not saved as typed")
	}
	body := s.get(page).body
	for _, want := range []string{"delivery from the maker", "+10", "owner"} {
		if !strings.Contains(body, want) {
			t.Errorf("the stock page lacks %q", want)
		}
	}
	if dash := s.get("/owner/").body; !strings.Contains(dash, `id="low-stock"`) || !strings.Contains(dash, "2 left") {
		t.Fatalf("the dashboard does not list size M as low")
	}
	shopper := s.another()
	if p := shopper.get("/products/1/").body; !strings.Contains(p, "M — only 2 left") || strings.Contains(p, "L — only") {
		t.Fatal("the product page does not say how many are left of M, or says it of L")
	}
	// Emptied: not tracked any more, and the history says so.
	s.post(page, form("csrf_token", tok, "stock_M", "", "stock_L", "10"), false)
	if n := s.count(`SELECT COUNT(*) FROM stock WHERE size = 'M'`); n != 0 {
		t.Fatal("size M is still tracked")
	}
	if body := s.get(page).body; !strings.Contains(body, "not tracked") {
		t.Fatal("the history does not say M stopped being tracked")
	}
}
