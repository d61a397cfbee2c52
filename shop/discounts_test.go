package shop_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// createCode makes a discount code through the owner's form.
func (s *checkoutShop) createCode(fields ...string) {
	s.t.Helper()
	tok := s.csrfToken("/owner/discounts/")
	res := s.post("/owner/discounts/", form(append([]string{"csrf_token", tok}, fields...)...), false)
	if res.status != http.StatusSeeOther {
		s.t.Fatalf("creating a code: %d\n%s", res.status, res.body)
	}
}

// applyCode enters a code in the bag, as the bag page's form posts it.
func (s *checkoutShop) applyCode(code string) response {
	s.t.Helper()
	tok := s.csrfToken("/products/1/")
	return s.post("/bag/discount/", form("csrf_token", tok, "code", code, "redirect_url", "/bag/"), false)
}

// A code shows on the bag, the checkout, the PaymentIntent, the order,
// its email and the owner's order page; the amount charged is the
// discounted grand total.
func TestDiscountCodeFromBagToOrder(t *testing.T) {
	s := staffShop(t)
	s.createCode("code", "WINTER10", "kind", "percent", "value", "10", "min_spend", "20.00")
	buyer := s.another()
	buyer.add(2, "", 1) // $12.00: under the minimum spend
	if res := buyer.applyCode("winter10"); res.status != http.StatusSeeOther {
		t.Fatalf("applying: %d", res.status)
	}
	if bag := buyer.get("/bag/").body; !strings.Contains(bag, "Spend $8.00 more to use the code WINTER10") {
		t.Fatalf("the bag does not say how much more the code needs:\n%s", bag)
	}
	buyer.add(1, "M", 1) // $30.00: $42.00 + $4.20 delivery, 10% of $42.00 off
	bag := buyer.get("/bag/").body
	if !strings.Contains(bag, "Discount (WINTER10)") || !strings.Contains(bag, "−$4.20") || !strings.Contains(bag, "$42.00</dd>") {
		t.Fatalf("the bag does not show the discount:\n%s", bag)
	}
	secret, tok := buyer.openCheckout()
	in, _ := s.fake.Get(pidOf(secret))
	if in.Amount != 4200 || in.Metadata["discount"] != "WINTER10" || in.Metadata["discount_amount"] != "420" {
		t.Fatalf("the PaymentIntent holds %d with %v", in.Amount, in.Metadata)
	}
	if page := buyer.get("/checkout/").body; !strings.Contains(page, `id="checkout-discount">−$4.20`) {
		t.Fatal("the checkout does not show the discount")
	}
	if res := buyer.payAndSubmit(secret, tok); res.status != http.StatusSeeOther {
		t.Fatalf("paying: %d %s", res.status, res.body)
	}
	o := s.order(pidOf(secret))
	if o.grand != 4200 || o.paid != 4200 || o.review.Valid {
		t.Fatalf("order grand total %d, paid %d, review %q", o.grand, o.paid, o.review.String)
	}
	if mail := s.emailsTo("ada@example.com")[0]; !strings.Contains(mail, "Discount (WINTER10): -$4.20") || !strings.Contains(mail, "Grand total: $42.00") {
		t.Fatalf("the confirmation lacks the discount:\n%s", mail)
	}
	if page := s.get("/owner/orders/" + o.number + "/").body; !strings.Contains(page, "Discount (WINTER10)") {
		t.Fatal("the owner's order page lacks the discount")
	}
	if list := s.get("/owner/discounts/").body; !strings.Contains(list, "WINTER10") || !strings.Contains(list, "<td>1</td>") {
		t.Fatalf("the owner's list does not count the use:\n%s", list)
	}
	buyer.add(2, "", 1)
	if res := buyer.applyCode("NOSUCH"); res.status != http.StatusSeeOther {
		t.Fatal("an unknown code")
	}
	if bag := buyer.get("/bag/").body; !strings.Contains(bag, "The code NOSUCH isn&#39;t one of ours.") || strings.Contains(bag, "Discount (") {
		t.Fatalf("an unknown code was taken:\n%s", bag)
	}
}

// A code good for 5 orders, and 20 shoppers confirming their payments
// with it at once: 5 are let pay with the discount and 15 are told it was
// used up before their card is touched. One of those then reloads the
// checkout, sees the full total, and pays that. Exactly 5 orders carry
// the code.
func TestDiscountCodeAtItsLastUsesIsNeverOverRedeemed(t *testing.T) {
	s := staffShop(t)
	s.createCode("code", "FIVE", "kind", "amount", "value", "5.00", "max_uses", "5")
	type paying struct {
		sh          *checkoutShop
		secret, tok string
	}
	var all []paying
	for range 20 {
		sh := s.another()
		sh.add(1, "M", 1) // $30.00 + $3.00 delivery, $5.00 off: $28.00
		if res := sh.applyCode("FIVE"); res.status != http.StatusSeeOther {
			t.Fatalf("applying: %d", res.status)
		}
		secret, tok := sh.openCheckout()
		if in, _ := s.fake.Get(pidOf(secret)); in.Amount != 2800 {
			t.Fatalf("the PaymentIntent is for %d, want 2800", in.Amount)
		}
		all = append(all, paying{sh, secret, tok})
	}
	var mu sync.Mutex
	var let []paying
	var told []paying
	var wg sync.WaitGroup
	for _, p := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := p.sh.cache(p.secret, p.tok, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case res.status == http.StatusOK:
				let = append(let, p)
			case res.status == http.StatusBadRequest && strings.Contains(res.body, "used up"):
				told = append(told, p)
			default:
				t.Errorf("cache_checkout_data: %d %s", res.status, res.body)
			}
		}()
	}
	wg.Wait()
	if len(let) != 5 || len(told) != 15 {
		t.Fatalf("%d let pay and %d told; want 5 and 15", len(let), len(told))
	}
	for _, p := range let {
		if res := p.sh.payAndSubmitCached(p.secret, p.tok); res.status != http.StatusSeeOther {
			t.Fatalf("paying: %d %s", res.status, res.body)
		}
	}
	// One who was told sees the full total, then pays it.
	late := told[0]
	page := late.sh.get("/checkout/").body
	if strings.Contains(page, "checkout-discount") || !strings.Contains(page, "The code FIVE has been used up") {
		t.Fatalf("the checkout still offers the used-up code:\n%s", page)
	}
	secret, tok := late.sh.openCheckout()
	if in, _ := s.fake.Get(pidOf(secret)); in.Amount != 3300 || in.Metadata["discount"] != "" {
		t.Fatalf("after the code ran out the PaymentIntent holds %d with %v; want 3300 and no code", in.Amount, in.Metadata)
	}
	if res := late.sh.payAndSubmit(secret, tok); res.status != http.StatusSeeOther {
		t.Fatalf("paying the full total: %d %s", res.status, res.body)
	}
	if n := s.count(`SELECT COUNT(*) FROM orders WHERE discount_code = 'FIVE' AND discount = 500 AND grand_total = 2800`); n != 5 {
		t.Fatalf("%d orders carry the code, want 5", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM orders WHERE discount_code IS NULL AND grand_total = 3300 AND review_reason IS NULL`); n != 1 {
		t.Fatalf("%d orders at the full total, want 1", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM discount_uses WHERE order_id IS NOT NULL`); n != 5 {
		t.Fatalf("%d uses counted, want 5", n)
	}
}

// payAndSubmitCached pays at the fake and posts the order form, after
// cache_checkout_data has already answered 200.
func (s *checkoutShop) payAndSubmitCached(secret, tok string) response {
	s.t.Helper()
	if err := s.fake.Pay(pidOf(secret), shopper, &shopper); err != nil {
		s.t.Fatal(err)
	}
	return s.post("/checkout/", orderForm(tok, secret), false)
}

// A code limited to one order per customer is refused, before paying, to
// an email that has used it.
func TestDiscountCodePerCustomer(t *testing.T) {
	s := staffShop(t)
	s.createCode("code", "ONCE", "kind", "percent", "value", "20", "max_per_customer", "1")
	first := s.another()
	first.add(1, "M", 1)
	first.applyCode("ONCE")
	secret, tok := first.openCheckout()
	if res := first.payAndSubmit(secret, tok); res.status != http.StatusSeeOther {
		t.Fatalf("paying: %d", res.status)
	}
	again := s.another()
	again.add(1, "M", 1)
	again.applyCode("ONCE")
	secret, tok = again.openCheckout()
	req := form("client_secret", secret, "save_info", "false", "email", "ADA@example.com")
	req.Set("csrf_token", tok)
	res := again.post("/checkout/cache_checkout_data/", req, false)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "used as often as it allows") {
		t.Fatalf("the same email again: %d %s", res.status, res.body)
	}
	req.Set("email", "grace@example.com")
	if res := again.post("/checkout/cache_checkout_data/", req, false); res.status != http.StatusOK {
		t.Fatalf("another email: %d %s", res.status, res.body)
	}
}

// The owner's lists that grow (codes, a product's stock history, orders
// found by a search of several words) are paged, and the pager keeps the
// search.
func TestOwnerListsThatGrowArePaged(t *testing.T) {
	s := staffShop(t)
	for i := range 60 {
		s.exec(`INSERT INTO discount_codes (code, percent, created_at) VALUES (?, 10, ?)`,
			"CODE"+strconv.Itoa(i), fmt.Sprintf("2026-11-01T00:00:%02d.000Z", i))
		n := int64(i)
		s.setStock(2, "", n)
	}
	codes := func(body string) int { return strings.Count(body, `<td class="mono">CODE`) }
	if page := s.get("/owner/discounts/").body; codes(page) != 50 || !strings.Contains(page, `href="/owner/discounts/?page=2"`) {
		t.Fatalf("page 1 of the codes: %d rows", codes(page))
	}
	if page := s.get("/owner/discounts/?page=2").body; codes(page) != 10 || !strings.Contains(page, "Page 2 of 2") {
		t.Fatalf("page 2 of the codes: %d rows", codes(page))
	}
	rows := func(body string) int {
		i := strings.Index(body, `id="stock-history"`)
		if i < 0 {
			return 0
		}
		return strings.Count(body[i:], "<tr>") - 1 // less the header
	}
	if page := s.get("/owner/products/2/stock/").body; rows(page) != 50 || !strings.Contains(page, `href="/owner/products/2/stock/?page=2"`) {
		t.Fatalf("page 1 of the stock history: %d rows", rows(page))
	}
	if page := s.get("/owner/products/2/stock/?page=2").body; rows(page) != 10 { // 60 counts, each a change
		t.Fatalf("page 2 of the stock history: %d rows", rows(page))
	}
	for i := range 30 {
		s.exec(`INSERT INTO orders (order_number, stripe_pid, source, full_name, email, original_bag, order_total, delivery_cost,
			grand_total, amount_paid, currency) VALUES (?, ?, 'webhook', 'Grace Hopper', 'grace@example.com', '[]', 100, 0, 100, 100, 'usd')`,
			fmt.Sprintf("%032X", 0xF00+i), fmt.Sprintf("pi_paged%d", i))
	}
	page := s.get("/owner/orders/?q=grace+hopper").body
	if !strings.Contains(page, "30 orders") || !strings.Contains(page, `href="/owner/orders/?page=2&amp;q=grace+hopper&amp;status="`) {
		t.Fatalf("the search's pager:\n%s", page[strings.Index(page, "<main"):])
	}
}
