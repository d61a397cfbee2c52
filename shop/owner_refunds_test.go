package shop_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitFor closes its channel once ch holds n values.
func waitFor(ch chan struct{}, n int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100 && len(ch) < n; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return done
}

var refundKeyField = regexp.MustCompile(`name="refund_key" value="([^"]+)"`)

// placeThreeLineOrder has a shopper pay for three lines, with stock
// tracked, and returns the PaymentIntent and the order's number.
func (s *checkoutShop) placeThreeLineOrder() (pid, number string) {
	s.t.Helper()
	s.setStock(1, "M", 5)
	s.setStock(2, "", 5)
	buyer := s.another()
	buyer.add(1, "M", 2) // 2 × $30.00
	buyer.add(1, "L", 1) // $30.00
	buyer.add(2, "", 1)  // $12.00: $102.00, free delivery
	secret, tok := buyer.openCheckout()
	if res := buyer.payAndSubmit(secret, tok); res.status != http.StatusSeeOther {
		s.t.Fatalf("paying: %d %s", res.status, res.body)
	}
	pid = pidOf(secret)
	return pid, s.order(pid).number
}

// The owner refunds one line of a three-line order, with restock, and the
// form goes three times (a double click whose two requests reach Stripe
// together, then once more); then Stripe's charge.refunded for it
// arrives. Stripe made one refund, the order is partly refunded by that
// amount, the unit is back in stock, and the shopper got one email.
func TestOwnerRefundsALineOnce(t *testing.T) {
	s := staffShop(t)
	pid, number := s.placeThreeLineOrder()
	if n := s.onHand(1, "M"); n != 3 {
		t.Fatalf("on hand after the order: %d, want 3", n)
	}
	page := s.get("/owner/orders/" + number + "/").body
	key := refundKeyField.FindStringSubmatch(page)
	var lineID string
	s.pool.QueryRow(`SELECT li.id FROM order_line_items li JOIN orders o ON o.id = li.order_id
		WHERE o.order_number = ? AND li.product_size = 'M'`, number).Scan(&lineID)
	if key == nil || lineID == "" || !strings.Contains(page, `name="line_`+lineID+`"`) {
		t.Fatalf("no refund form for the line on the order page:\n%s", page)
	}
	tok := s.csrfToken("/owner/orders/" + number + "/")
	refund := form("csrf_token", tok, "refund_key", key[1], "line_"+lineID, "1", "restock", "true", "reason", "arrived torn", "what", "lines")
	// The first request to Stripe waits, up to a second, for a second one
	// to arrive, so that the two clicks reach Stripe together if the shop
	// lets them.
	arrived := make(chan struct{}, 4)
	s.fake.BeforeRefund(func() {
		arrived <- struct{}{}
		if len(arrived) == 1 {
			select {
			case <-time.After(time.Second):
			case <-waitFor(arrived, 2):
			}
		}
	})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res := s.post("/owner/orders/"+number+"/refund/", refund, false); res.status != http.StatusSeeOther {
				t.Errorf("refund: %d %s", res.status, res.body)
			}
		}()
	}
	wg.Wait()
	if res := s.post("/owner/orders/"+number+"/refund/", refund, false); res.status != http.StatusSeeOther {
		t.Fatalf("refund again: %d %s", res.status, res.body)
	}
	if res := s.deliver(s.fake.RefundEvent(pid, -1)); res.status != http.StatusOK {
		t.Fatalf("charge.refunded: %d %s", res.status, res.body)
	}

	refunds := s.fake.Refunds(pid)
	if len(refunds) != 1 || refunds[0].Amount != 3000 {
		t.Fatalf("refunds at Stripe: %+v, want one of 3000", refunds)
	}
	var status string
	var refunded int64
	s.pool.QueryRow(`SELECT status, amount_refunded FROM orders WHERE stripe_pid = ?`, pid).Scan(&status, &refunded)
	if status != "partially_refunded" || refunded != 3000 {
		t.Fatalf("order %s with %d refunded; want partially_refunded with 3000", status, refunded)
	}
	if n := s.onHand(1, "M"); n != 4 {
		t.Fatalf("on hand after the refund: %d, want 4", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Boutique refund for order %'`); n != 1 {
		t.Fatalf("%d refund emails, want 1", n)
	}
	page = s.get("/owner/orders/" + number + "/").body
	for _, want := range []string{"$30.00", "arrived torn", "succeeded", "Up to $72.00 of the payment is left", "quantity to refund, of 1"} {
		if !strings.Contains(page, want) {
			t.Errorf("the order page lacks %q", want)
		}
	}

	// The rest, all at once; then nothing is left to offer.
	key = refundKeyField.FindStringSubmatch(page)
	res := s.post("/owner/orders/"+number+"/refund/", form("csrf_token", tok, "refund_key", key[1], "what", "all"), false)
	if res.status != http.StatusSeeOther {
		t.Fatalf("refund the rest: %d", res.status)
	}
	s.pool.QueryRow(`SELECT status, amount_refunded FROM orders WHERE stripe_pid = ?`, pid).Scan(&status, &refunded)
	if status != "refunded" || refunded != 10200 {
		t.Fatalf("order %s with %d refunded; want refunded with 10200", status, refunded)
	}
	if page := s.get("/owner/orders/" + number + "/").body; strings.Contains(page, `name="refund_key"`) {
		t.Error("a fully refunded order still offers a refund")
	}
}

// A refund beyond what is left is refused with a message, and Stripe is
// not asked.
func TestOwnerRefundBeyondWhatIsLeftIsRefused(t *testing.T) {
	s := staffShop(t)
	pid, number := s.placeThreeLineOrder()
	// Refunded in Stripe's Dashboard: the shop hears of it by webhook.
	s.exec(`UPDATE orders SET amount_refunded = 10000 WHERE stripe_pid = ?`, pid)
	page := s.get("/owner/orders/" + number + "/").body
	key := refundKeyField.FindStringSubmatch(page)
	var lineID string
	s.pool.QueryRow(`SELECT li.id FROM order_line_items li JOIN orders o ON o.id = li.order_id
		WHERE o.order_number = ? AND li.product_size = 'L'`, number).Scan(&lineID)
	tok := s.csrfToken("/owner/orders/" + number + "/")
	s.post("/owner/orders/"+number+"/refund/", form("csrf_token", tok, "refund_key", key[1], "line_"+lineID, "1", "what", "lines"), false)
	page = s.get("/owner/orders/" + number + "/").body
	if !strings.Contains(page, "only $2.00 of the payment is left to refund") {
		t.Fatalf("no message about what is left:\n%s", page)
	}
	if n := s.fake.Calls("POST /v1/refunds"); n != 0 {
		t.Fatalf("Stripe was asked %d times", n)
	}
}
