package shop_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// returnFrom is the return URL as Stripe.js sends a shopper back to it.
func returnFrom(pid, secret, status string) string {
	return "/checkout/return/?" + url.Values{"payment_intent": {pid}, "payment_intent_client_secret": {secret}, "redirect_status": {status}}.Encode()
}

// The return URL believes only Stripe, and only about the session's own
// payment: a missing or forged PaymentIntent, one of another session, a
// client secret that is not the PaymentIntent's, or "succeeded" for a
// payment that was not made records nothing and says so; a payment that
// was made records its order once.
func TestReturnURLBelievesOnlyStripeAboutTheSessionsPayment(t *testing.T) {
	s := newWebhookShop(t)
	s.add(1, "M", 1)
	secret, _ := s.openCheckout()
	pid := pidOf(secret)
	other := s.another()
	other.add(2, "", 1)
	otherSecret, _ := other.openCheckout()

	for name, path := range map[string]string{
		"nothing":                  "/checkout/return/",
		"a forged payment intent":  returnFrom("pi_forged123", secret, "succeeded"),
		"another session's":        returnFrom(pidOf(otherSecret), otherSecret, "succeeded"),
		"a secret that is not its": returnFrom(pid, pid+"_secret_notreally", "succeeded"),
		"a secret without an id":   returnFrom(pid, "", "succeeded"),
	} {
		res := s.get(path)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "find that payment") {
			t.Errorf("%s: %d\n%s", name, res.status, res.body)
		}
	}
	// Unpaid, whatever the query says: the form again, with no order.
	res := s.get(returnFrom(pid, secret, "succeeded"))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "has not gone through") || !strings.Contains(res.body, `id="payment-element"`) {
		t.Fatalf("an unpaid payment said to have succeeded: %d\n%s", res.status, res.body)
	}
	if n := s.countOrders(); n != 0 {
		t.Fatalf("%d orders before any payment", n)
	}
	// Another session paid: still nothing for this one to see or record.
	if err := s.fake.Pay(pidOf(otherSecret), shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	if res := s.get(returnFrom(pidOf(otherSecret), otherSecret, "succeeded")); res.status != http.StatusBadRequest {
		t.Fatalf("another session's paid payment: %d", res.status)
	}
	if n := s.countOrders(); n != 0 {
		t.Fatalf("%d orders from another session's return", n)
	}
	// Paid, and back twice: one order, shown.
	if err := s.fake.Pay(pid, shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res := s.get(returnFrom(pid, secret, "succeeded"))
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/checkout/checkout_success/") {
			t.Fatalf("a paid return: %d %s", res.status, res.header.Get("Location"))
		}
	}
	if n := s.countOrders(); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
	if o := s.order(pid); o.street1 != "12 Harbour Row" || o.email != "ada@example.com" {
		t.Fatalf("the order has %q, %q", o.street1, o.email)
	}
}

// A payment that settles later: processing makes no order, holds the
// stock past the usual hold, and the owner sees it awaited; when it
// fails, the shopper is emailed, the stock goes back on sale, and it is
// awaited no more.
func TestPaymentThatFailsAfterProcessing(t *testing.T) {
	s := staffShop(t)
	s.setStock(1, "M", 1)
	buyer := s.another()
	buyer.add(1, "M", 1)
	secret, tok := buyer.openCheckout()
	if res := buyer.cache(secret, tok, false); res.status != http.StatusOK {
		t.Fatalf("cache: %d %s", res.status, res.body)
	}
	pid := pidOf(secret)
	if err := s.fake.PayLater(pid, shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	res := buyer.post("/checkout/", orderForm(tok, secret), false)
	if res.status != http.StatusOK || !strings.Contains(res.body, "Your payment is on its way") {
		t.Fatalf("the form after a direct debit: %d\n%s", res.status, res.body)
	}
	if res := s.deliver(s.fake.IntentEvent("payment_intent.processing", pid)); res.status != http.StatusOK {
		t.Fatalf("payment_intent.processing: %d", res.status)
	}
	if n := s.countOrders(); n != 0 {
		t.Fatalf("%d orders while processing", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM stock_holds WHERE payment_intent_id = ? AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+10 days')`, pid); n != 1 {
		t.Fatal("the stock is not held while the payment settles")
	}
	if page := s.get("/owner/payments/").body; !strings.Contains(page, `id="awaited-payments"`) || !strings.Contains(page, pid) {
		t.Fatalf("the owner does not see the payment awaited:\n%s", page)
	}
	if page := buyer.get("/checkout/").body; !strings.Contains(page, "Your payment is on its way") {
		t.Fatal("the checkout page would start another payment while one is processing")
	}

	if err := s.fake.FailSettlement(pid); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if res := s.deliver(s.fake.IntentEvent("payment_intent.payment_failed", pid)); res.status != http.StatusOK {
			t.Fatalf("payment_failed: %d", res.status)
		}
	}
	if n := s.count(`SELECT COUNT(*) FROM outbox WHERE recipient = 'ada@example.com' AND subject = 'Boutique: your payment did not go through'`); n != 1 {
		t.Fatalf("%d emails about the failed payment, want 1", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM stock_holds`); n != 0 {
		t.Fatal("the stock is still held")
	}
	if page := s.get("/owner/payments/").body; strings.Contains(page, `id="awaited-payments"`) || !strings.Contains(page, "The direct debit was refused") {
		t.Fatal("the failed payment is still awaited, or not among the failures")
	}
	if n := s.countOrders(); n != 0 {
		t.Fatalf("%d orders", n)
	}
}

// The Apple Pay domain file is served, as it was given, only when set.
func TestApplePayDomainFile(t *testing.T) {
	path := "/.well-known/apple-developer-merchantid-domain-association"
	if res := newTestShop(t, defaultConfig()).get(path); res.status != http.StatusNotFound {
		t.Fatalf("without the file: %d", res.status)
	}
	cfg := defaultConfig()
	cfg.ApplePayDomainFile = []byte("7B227073704964223A2239373943394538343346343131343044463144313834343232393232313734313034353044314339464446394437384337313531303944334643463542433731227D")
	res := newTestShop(t, cfg).get(path)
	if res.status != http.StatusOK || res.body != string(cfg.ApplePayDomainFile) {
		t.Fatalf("with the file: %d %q", res.status, res.body)
	}
}
