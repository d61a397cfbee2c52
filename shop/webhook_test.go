package shop_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"boutique/payments"
	"boutique/payments/stripefake"
	"boutique/shop"
)

const whSecret = "whsec_test_boutique"

func newWebhookShop(t *testing.T, configure ...func(*shop.Config)) *checkoutShop {
	t.Helper()
	fake := stripefake.New()
	t.Cleanup(fake.Close)
	cfg := stripeConfig(fake)
	cfg.StripeWHSecret = whSecret
	for _, c := range configure {
		c(&cfg)
	}
	s := newTestShop(t, cfg)
	s.loadFixture()
	return &checkoutShop{testShop: s, fake: fake}
}

// deliver posts an event to the webhook as Stripe would.
func (s *checkoutShop) deliver(ev stripefake.Event) response {
	s.t.Helper()
	return s.deliverSigned(ev.Body, stripefake.Sign(ev.Body, whSecret, time.Now()))
}

func (s *checkoutShop) deliverSigned(body []byte, signature string) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.server.URL+"/checkout/wh/", strings.NewReader(string(body)))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	return s.do(req)
}

// rows counts what the webhook can write.
func (s *checkoutShop) rows() string {
	s.t.Helper()
	var o, e, f, m int
	err := s.pool.QueryRow(`SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM stripe_events),
		(SELECT COUNT(*) FROM payment_failures), (SELECT COUNT(*) FROM outbox)`).Scan(&o, &e, &f, &m)
	if err != nil {
		s.t.Fatal(err)
	}
	return fmt.Sprintf("orders=%d events=%d failures=%d outbox=%d", o, e, f, m)
}

// checkoutPaid runs a shopper through the checkout up to the payment,
// which Stripe takes; the browser then never posts the form.
func (s *checkoutShop) checkoutPaid(billing payments.Party, shipping *payments.Party) (pid, secret, tok string) {
	s.t.Helper()
	s.add(1, "M", 1) // $30.00
	s.add(2, "", 2)  // $24.00: $54.00, free delivery
	secret, tok = s.openCheckout()
	if res := s.cache(secret, tok, true); res.status != http.StatusOK {
		s.t.Fatalf("cache: %d %s", res.status, res.body)
	}
	pid = pidOf(secret)
	if err := s.fake.Pay(pid, billing, shipping); err != nil {
		s.t.Fatal(err)
	}
	return pid, secret, tok
}

// placeOrder pays as checkoutPaid does and posts the order form, as the
// shopper's browser does next; it returns the PaymentIntent's id.
func (s *checkoutShop) placeOrder() string {
	s.t.Helper()
	pid, secret, tok := s.checkoutPaid(shopper, &shopper)
	s.post("/checkout/", orderForm(tok, secret), false)
	return pid
}

func TestWebhookSignatures(t *testing.T) {
	s := newWebhookShop(t)
	ev := stripefake.NewEvent("customer.created", map[string]any{"id": "cus_1", "object": "customer"}, "")
	now := time.Now()
	big := stripefake.NewEvent("customer.created", map[string]any{"id": "cus_2", "object": "customer", "description": strings.Repeat("x", 70<<10)}, "")
	malformed := []byte(`{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": `)
	oldVersion := stripefake.NewEvent("payment_intent.succeeded", map[string]any{"id": "pi_x", "object": "payment_intent"}, "2020-08-27")

	refused := []struct {
		name   string
		body   []byte
		header string
		status int
	}{
		{"wrong secret", ev.Body, stripefake.Sign(ev.Body, "whsec_someone_else", now), 400},
		{"stale timestamp", ev.Body, stripefake.Sign(ev.Body, whSecret, now.Add(-301*time.Second)), 400},
		{"signed a day ahead", ev.Body, stripefake.Sign(ev.Body, whSecret, now.Add(24*time.Hour)), 400},
		{"signed past the tolerance ahead", ev.Body, stripefake.Sign(ev.Body, whSecret, now.Add(301*time.Second)), 400},
		{"missing header", ev.Body, "", 400},
		{"garbled header", ev.Body, "t=abc,v1=zz", 400},
		{"signature of another body", ev.Body, stripefake.Sign(big.Body, whSecret, now), 400},
		{"another API version", oldVersion.Body, stripefake.Sign(oldVersion.Body, whSecret, now), 400},
		{"oversize body", big.Body, stripefake.Sign(big.Body, whSecret, now), 413},
		{"malformed JSON", malformed, stripefake.Sign(malformed, whSecret, now), 400},
	}
	before := s.rows()
	for _, tt := range refused {
		res := s.deliverSigned(tt.body, tt.header)
		if res.status != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, res.status, tt.status, res.body)
		}
		if after := s.rows(); after != before {
			t.Fatalf("%s wrote: %s, was %s", tt.name, after, before)
		}
	}
	// A clock a minute fast is within the tolerance.
	if res := s.deliverSigned(ev.Body, stripefake.Sign(ev.Body, whSecret, now.Add(time.Minute))); res.status != http.StatusOK || !strings.Contains(res.body, "ignored") {
		t.Fatalf("valid event: %d %q", res.status, res.body)
	}
	// The same event again is acknowledged and changes nothing.
	after := s.rows()
	if res := s.deliver(ev); res.status != http.StatusOK || s.rows() != after {
		t.Fatalf("repeat: %d, %s", res.status, s.rows())
	}
}

// A signed payment_intent.succeeded for a PaymentIntent Stripe does not
// know is answered 500 (Stripe retries) for its first deliveries, then
// acknowledged as unknown, once; nothing else is written.
func TestWebhookForAnUnknownPaymentIntentIsRetriedABoundedTime(t *testing.T) {
	s := newWebhookShop(t)
	ev := stripefake.NewEvent("payment_intent.succeeded", map[string]any{"id": "pi_unknown", "object": "payment_intent",
		"status": "succeeded", "amount": 1320, "currency": "usd", "metadata": map[string]string{"bag_parts": "1", "bag": `[[2,"",1,1200]]`}}, "")
	for i := range 4 {
		if res := s.deliver(ev); res.status != http.StatusInternalServerError {
			t.Fatalf("delivery %d: %d %q, want 500 so that Stripe retries", i+1, res.status, res.body)
		}
	}
	res := s.deliver(ev)
	if res.status != http.StatusOK || !strings.Contains(res.body, "unknown payment intent") {
		t.Fatalf("delivery 5: %d %q, want it acknowledged as unknown", res.status, res.body)
	}
	if res := s.deliver(ev); res.status != http.StatusOK || !strings.Contains(res.body, "already handled") {
		t.Fatalf("delivery 6: %d %q", res.status, res.body)
	}
	if s.countOrders() != 0 || s.count(`SELECT COUNT(*) FROM stripe_events WHERE outcome LIKE 'unknown payment intent%'`) != 1 {
		t.Fatalf("after the deliveries: %s", s.rows())
	}
}

func TestWebhookOtherAPIVersionOnlyWhenAllowed(t *testing.T) {
	s := newWebhookShop(t, func(c *shop.Config) { c.StripeWHAllowOtherAPIVersion = true })
	ev := stripefake.NewEvent("customer.created", map[string]any{"id": "cus_1", "object": "customer"}, "2020-08-27")
	if res := s.deliver(ev); res.status != http.StatusOK {
		t.Fatalf("with the setting: %d %s", res.status, res.body)
	}
}

func TestWebhookWithoutASecretIsRetried(t *testing.T) {
	s := newCheckoutShop(t) // no STRIPE_WH_SECRET
	ev := stripefake.NewEvent("customer.created", map[string]any{"id": "cus_1", "object": "customer"}, "")
	if res := s.deliver(ev); res.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503 so Stripe retries", res.status)
	}
}

// The shopper pays and closes the tab: the webhook records the order.
func TestWebhookRecordsTheOrderOfAClosedTab(t *testing.T) {
	s := newWebhookShop(t)
	ship := shopper
	ship.Address.Line2 = "" // stored as NULL
	pid, _, _ := s.checkoutPaid(shopper, &ship)

	res := s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
	if res.status != http.StatusOK || !strings.Contains(res.body, "created") {
		t.Fatalf("%d %q", res.status, res.body)
	}
	o := s.order(pid)
	if o.source != "webhook" || o.lines != 2 || o.total != 5400 || o.delivery != 0 || o.grand != 5400 || o.paid != 5400 ||
		o.email != "ada@example.com" || o.street1 != "12 Harbour Row" || o.review.Valid || o.status != "paid" {
		t.Fatalf("order %+v", o)
	}
	var line2, town, saveInfo string
	s.pool.QueryRow(`SELECT COALESCE(street_address2, 'NULL'), town_or_city, save_info FROM orders`).Scan(&line2, &town, &saveInfo)
	// A guest has no profile to save to, whatever the browser sent.
	if line2 != "NULL" || town != "Galway" || saveInfo != "0" {
		t.Fatalf("street_address2 %q, town %q, save_info %q", line2, town, saveInfo)
	}
	var outbox int
	s.pool.QueryRow(`SELECT COUNT(*) FROM outbox WHERE recipient = 'ada@example.com' AND body LIKE '%' || ? || '%'`, o.number).Scan(&outbox)
	if outbox != 1 {
		t.Fatalf("%d confirmation emails queued", outbox)
	}
	if res := s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid)); !strings.Contains(res.body, "already recorded") {
		t.Fatalf("a second event: %q", res.body)
	}
	if s.countOrders() != 1 {
		t.Fatal("two orders")
	}
}

// The form and the webhook at the same instant, and the same event three
// times at once: one order, one email.
func TestWebhookAndFormTogetherMakeOneOrder(t *testing.T) {
	s := newWebhookShop(t)
	pid, secret, tok := s.checkoutPaid(shopper, &shopper)
	ev := s.fake.IntentEvent("payment_intent.succeeded", pid)

	var wg sync.WaitGroup
	statuses := make(chan int, 5)
	start := make(chan struct{})
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses <- deliverStatus(s, ev)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		statuses <- postStatus(s, "/checkout/", orderForm(tok, secret).Encode())
	}()
	close(start)
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusOK && st != http.StatusSeeOther {
			t.Errorf("an answer was %d", st)
		}
	}
	if got := s.rows(); !strings.HasPrefix(got, "orders=1 ") || !strings.HasSuffix(got, "outbox=1") {
		t.Fatalf("%s", got)
	}
}

// deliverStatus and postStatus are deliver and post for goroutines: they
// report failures as status 0 rather than stopping the test.
func deliverStatus(s *checkoutShop, ev stripefake.Event) int {
	st, err := stripefake.Deliver(context.Background(), s.server.Client(), s.server.URL+"/checkout/wh/", whSecret, ev)
	if err != nil {
		return 0
	}
	return st
}

func postStatus(s *checkoutShop, path, body string) int {
	req, err := http.NewRequest(http.MethodPost, s.server.URL+path, strings.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.server.URL)
	res, err := s.client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestWebhookFailedThenSucceeded(t *testing.T) {
	s := newWebhookShop(t)
	s.add(2, "", 1)
	secret, tok := s.openCheckout()
	s.cache(secret, tok, false)
	pid := pidOf(secret)
	if err := s.fake.Decline(pid, shopper, &shopper); err == nil {
		t.Fatal("not declined")
	}
	if res := s.deliver(s.fake.IntentEvent("payment_intent.payment_failed", pid)); res.status != http.StatusOK {
		t.Fatalf("payment_failed: %d", res.status)
	}
	var reason, code string
	if err := s.pool.QueryRow(`SELECT reason, code FROM payment_failures WHERE payment_intent_id = ?`, pid).Scan(&reason, &code); err != nil ||
		reason != "Your card was declined." || code != "card_declined" {
		t.Fatalf("failure %q %q %v", reason, code, err)
	}
	if s.countOrders() != 0 {
		t.Fatal("an order for a failed payment")
	}
	if err := s.fake.Pay(pid, shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	if res := s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid)); res.status != http.StatusOK {
		t.Fatalf("succeeded: %d", res.status)
	}
	if o := s.order(pid); o.status != "paid" || s.countOrders() != 1 {
		t.Fatalf("order %+v", o)
	}
}

func TestWebhookIgnoresAnotherIntegrationsPayments(t *testing.T) {
	s := newWebhookShop(t)
	other := payments.New(payments.Config{SecretKey: "sk_test_other", APIBase: s.fake.URL()})
	in, err := other.Create(context.Background(), 5000, "usd", "other-1", map[string]string{"invoice": "42"})
	if err != nil {
		t.Fatal(err)
	}
	s.fake.Pay(in.ID, shopper, &shopper)
	res := s.deliver(s.fake.IntentEvent("payment_intent.succeeded", in.ID))
	if res.status != http.StatusOK || !strings.Contains(res.body, "not ours") {
		t.Fatalf("%d %q", res.status, res.body)
	}
	if s.countOrders() != 0 {
		t.Fatal("an order from another integration's payment")
	}
}

func TestWebhookRefundsAndDisputes(t *testing.T) {
	s := newWebhookShop(t)
	pid, _, _ := s.checkoutPaid(shopper, &shopper)
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
	for _, step := range []struct {
		ev   stripefake.Event
		want string
	}{
		{s.fake.RefundEvent(pid, 1000), "partially_refunded"},
		{s.fake.RefundEvent(pid, 5400), "refunded"},
		{s.fake.DisputeEvent(pid), "disputed"},
	} {
		if res := s.deliver(step.ev); res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", step.ev.Type, res.status, res.body)
		}
		if got := s.order(pid).status; got != step.want {
			t.Fatalf("after %s: status %q, want %q", step.ev.Type, got, step.want)
		}
	}
}

// News of refunds and disputes arrives in any order; the order keeps the
// stronger status (a refund never undoes a dispute, a partial refund never
// a full one) and its history keeps every event, with Stripe as source.
func TestWebhookStatusOnlyMovesForward(t *testing.T) {
	for _, tt := range []struct {
		name string
		evs  func(s *checkoutShop, pid string) []stripefake.Event
		want string
	}{
		{"dispute then refund", func(s *checkoutShop, pid string) []stripefake.Event {
			return []stripefake.Event{s.fake.DisputeEvent(pid), s.fake.RefundEvent(pid, 5400)}
		}, "disputed"},
		{"refund then dispute", func(s *checkoutShop, pid string) []stripefake.Event {
			return []stripefake.Event{s.fake.RefundEvent(pid, 5400), s.fake.DisputeEvent(pid)}
		}, "disputed"},
		{"full then partial refund", func(s *checkoutShop, pid string) []stripefake.Event {
			return []stripefake.Event{s.fake.RefundEvent(pid, 5400), s.fake.RefundEvent(pid, 1000)}
		}, "refunded"},
		{"partial then full refund", func(s *checkoutShop, pid string) []stripefake.Event {
			return []stripefake.Event{s.fake.RefundEvent(pid, 1000), s.fake.RefundEvent(pid, 5400)}
		}, "refunded"},
		{"dispute then partial refund", func(s *checkoutShop, pid string) []stripefake.Event {
			return []stripefake.Event{s.fake.DisputeEvent(pid), s.fake.RefundEvent(pid, 1000)}
		}, "disputed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newWebhookShop(t)
			pid, _, _ := s.checkoutPaid(shopper, &shopper)
			s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
			evs := tt.evs(s, pid)
			for _, ev := range evs {
				if res := s.deliver(ev); res.status != http.StatusOK {
					t.Fatalf("%s: %d %s", ev.Type, res.status, res.body)
				}
			}
			if got := s.order(pid).status; got != tt.want {
				t.Fatalf("status %q, want %q", got, tt.want)
			}
			rows, err := s.pool.Query(`SELECT h.note, h.changed_by FROM order_status_history h
				JOIN orders o ON o.id = h.order_id WHERE o.stripe_pid = ? ORDER BY h.id`, pid)
			if err != nil {
				t.Fatal(err)
			}
			var notes []string
			for rows.Next() {
				var note, by string
				rows.Scan(&note, &by)
				if by != "Stripe" {
					t.Errorf("history row by %q, want Stripe", by)
				}
				notes = append(notes, note)
			}
			rows.Close()
			if len(notes) != len(evs) {
				t.Fatalf("history %q, want a row for each of %d events", notes, len(evs))
			}
			for i, ev := range evs {
				if !strings.Contains(notes[i], ev.ID) {
					t.Errorf("history row %d %q does not name event %s", i, notes[i], ev.ID)
				}
			}
		})
	}
}

// A storm: 50 PaymentIntents at once, each in one of the ways payments
// arrive, all concurrently. Every paid one of ours ends with one order and
// one email; no other has an order.
func TestWebhookStorm(t *testing.T) {
	s := newWebhookShop(t)
	const n = 50
	type result struct {
		pid  string
		want int // orders expected
		err  string
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- stormOne(s, i)
		}()
	}
	wg.Wait()
	close(results)
	var want int
	for r := range results {
		if r.err != "" {
			t.Errorf("payment %s: %s", r.pid, r.err)
			continue
		}
		var got int
		s.pool.QueryRow(`SELECT COUNT(*) FROM orders WHERE stripe_pid = ?`, r.pid).Scan(&got)
		if got != r.want {
			t.Errorf("payment %s: %d orders, want %d", r.pid, got, r.want)
		}
		want += r.want
	}
	if got := s.rows(); !strings.HasPrefix(got, fmt.Sprintf("orders=%d ", want)) || !strings.HasSuffix(got, fmt.Sprintf("outbox=%d", want)) {
		t.Fatalf("%s, want %d orders and emails", got, want)
	}
}

// stormOne is one shopper of the storm.
func stormOne(s *checkoutShop, i int) (r struct {
	pid  string
	want int
	err  string
}) {
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	if i%5 == 4 {
		// Another integration's payment.
		other := payments.New(payments.Config{SecretKey: "sk_test_other", APIBase: s.fake.URL()})
		in, err := other.Create(context.Background(), 1000+int64(i), "usd", fmt.Sprintf("storm-other-%d", i), nil)
		if err != nil {
			r.err = err.Error()
			return
		}
		r.pid = in.ID
		s.fake.Pay(in.ID, shopper, &shopper)
		for range 2 {
			if st := deliverStatus(s, s.fake.IntentEvent("payment_intent.succeeded", in.ID)); st != http.StatusOK {
				r.err = fmt.Sprintf("foreign event: %d", st)
			}
		}
		return
	}
	sh := s.another()
	sh.t = nil // helpers below report through r.err
	secret, tok, err := stormCheckout(sh, int64(1+i%2), rng.IntN(3)+1)
	if err != nil {
		r.err = err.Error()
		return
	}
	r.pid = pidOf(secret)
	switch i % 5 {
	case 0: // closed tab: the webhook only, delivered three times at once
		s.fake.Pay(r.pid, shopper, &shopper)
		r.want = 1
		ev := s.fake.IntentEvent("payment_intent.succeeded", r.pid)
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); deliverStatus(s, ev) }()
		}
		wg.Wait()
	case 1: // the form and the webhook together
		s.fake.Pay(r.pid, shopper, &shopper)
		r.want = 1
		ev := s.fake.IntentEvent("payment_intent.succeeded", r.pid)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); deliverStatus(s, ev) }()
		go func() { defer wg.Done(); postStatus(sh, "/checkout/", orderForm(tok, secret).Encode()) }()
		wg.Wait()
	case 2: // declined, then paid: failure and success events out of order
		s.fake.Decline(r.pid, shopper, &shopper)
		failed := s.fake.IntentEvent("payment_intent.payment_failed", r.pid)
		s.fake.Pay(r.pid, shopper, &shopper)
		succeeded := s.fake.IntentEvent("payment_intent.succeeded", r.pid)
		r.want = 1
		deliverStatus(s, succeeded)
		deliverStatus(s, failed)
		deliverStatus(s, succeeded)
	case 3: // declined and abandoned
		s.fake.Decline(r.pid, shopper, &shopper)
		if st := deliverStatus(s, s.fake.IntentEvent("payment_intent.payment_failed", r.pid)); st != http.StatusOK {
			r.err = fmt.Sprintf("payment_failed: %d", st)
		}
	}
	return
}

// stormCheckout fills a bag and caches the checkout, reporting failures
// as errors rather than through t.
func stormCheckout(s *checkoutShop, product int64, qty int) (secret, tok string, err error) {
	size := ""
	if product == 1 {
		size = "S"
	}
	res, err := s.client.Get(s.server.URL + fmt.Sprintf("/products/%d/", product))
	if err != nil {
		return "", "", err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return "", "", fmt.Errorf("no CSRF token")
	}
	tok = html.UnescapeString(string(m[1]))
	if st := postStatus(s, fmt.Sprintf("/bag/add/%d/", product), form("csrf_token", tok, "product_size", size, "quantity", fmt.Sprint(qty)).Encode()); st != http.StatusSeeOther {
		return "", "", fmt.Errorf("add: %d", st)
	}
	res, err = s.client.Get(s.server.URL + "/checkout/")
	if err != nil {
		return "", "", err
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	sm := clientSecretField.FindSubmatch(page)
	if sm == nil {
		return "", "", fmt.Errorf("checkout page %d without a client secret", res.StatusCode)
	}
	secret = string(sm[1])
	req, _ := http.NewRequest(http.MethodPost, s.server.URL+"/checkout/cache_checkout_data/",
		strings.NewReader(form("client_secret", secret, "save_info", "false").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", tok)
	req.Header.Set("Origin", s.server.URL)
	res, err = s.client.Do(req)
	if err != nil {
		return "", "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("cache: %d", res.StatusCode)
	}
	return secret, tok, nil
}

func TestReconcileRecordsMissedPayments(t *testing.T) {
	s := newWebhookShop(t)
	paid, _, _ := s.checkoutPaid(shopper, &shopper)
	// Another shopper whose order is recorded already, one who never paid,
	// and another integration's payment.
	other := s.another()
	recorded, _, _ := other.checkoutPaid(shopper, &shopper)
	other.deliver(s.fake.IntentEvent("payment_intent.succeeded", recorded))
	third := s.another()
	third.add(2, "", 1)
	third.openCheckout()
	foreign, _ := payments.New(payments.Config{SecretKey: "sk_test_other", APIBase: s.fake.URL()}).
		Create(context.Background(), 5000, "usd", "foreign", nil)
	s.fake.Pay(foreign.ID, shopper, &shopper)

	var out strings.Builder
	n, err := s.app.Orders().Reconcile(context.Background(), 72*time.Hour, &out)
	if err != nil || n != 1 {
		t.Fatalf("Reconcile = %d, %v\n%s", n, err, out.String())
	}
	o := s.order(paid)
	if o.source != "reconcile" || o.email != "ada@example.com" || o.lines != 2 || o.grand != 5400 {
		t.Fatalf("order %+v", o)
	}
	if !strings.Contains(out.String(), "recorded order "+o.number+" for payment "+paid) ||
		!strings.Contains(out.String(), "2 paid checkouts of this shop at Stripe, 1 already had their order, 1 recorded now") {
		t.Fatalf("output:\n%s", out.String())
	}
	out.Reset()
	if n, err := s.app.Orders().Reconcile(context.Background(), 72*time.Hour, &out); err != nil || n != 0 || s.countOrders() != 2 {
		t.Fatalf("second run: %d, %v, %d orders\n%s", n, err, s.countOrders(), out.String())
	}
}

// A repeated event is answered without asking Stripe again while the shop
// runs, and after a restart its transaction finds it: a repeat of the
// payment finds its order, and a late repeat of a refund does not undo the
// dispute that came after it.
func TestWebhookRepeatsOfAnEvent(t *testing.T) {
	s := newWebhookShop(t)
	pid, _, _ := s.checkoutPaid(shopper, &shopper)
	paid := s.fake.IntentEvent("payment_intent.succeeded", pid)
	if res := s.deliver(paid); !strings.Contains(res.body, "created") {
		t.Fatalf("first delivery: %d %q", res.status, res.body)
	}
	lookups := s.fake.Calls("GET /v1/payment_intents/{id}")
	if res := s.deliver(paid); res.status != http.StatusOK || !strings.Contains(res.body, "already handled") {
		t.Fatalf("repeat: %d %q", res.status, res.body)
	}
	if got := s.fake.Calls("GET /v1/payment_intents/{id}"); got != lookups {
		t.Fatalf("the repeat asked Stripe again (%d lookups, then %d)", lookups, got)
	}
	refund := s.fake.RefundEvent(pid, 5400)
	s.deliver(refund)
	s.deliver(s.fake.DisputeEvent(pid))

	// The same database, a new process: it remembers no event.
	cfg := stripeConfig(s.fake)
	cfg.StripeWHSecret = whSecret
	restarted := &checkoutShop{testShop: serveShop(t, s.st, cfg, nil, httptest.NewServer), fake: s.fake}
	if res := restarted.deliver(paid); res.status != http.StatusOK || !strings.Contains(res.body, "already recorded") {
		t.Fatalf("the payment again after a restart: %d %q", res.status, res.body)
	}
	if res := restarted.deliver(refund); res.status != http.StatusOK || !strings.Contains(res.body, "already handled") {
		t.Fatalf("the refund again after a restart: %d %q", res.status, res.body)
	}
	if s.countOrders() != 1 || s.order(pid).status != "disputed" {
		t.Fatalf("%d orders, status %q; want one, disputed", s.countOrders(), s.order(pid).status)
	}
}
