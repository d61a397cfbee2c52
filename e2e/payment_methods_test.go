package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"boutique/payments/stripefake"
	"boutique/shop"
)

const e2eWebhookSecret = "whsec_e2e_boutique"

// startMethodRun is a shopper at the checkout with two tees in the bag
// and the order form filled, on a shop whose webhook the test can deliver
// to.
func startMethodRun(t *testing.T) checkoutRun {
	t.Helper()
	run := startCheckout(t, func(cfg *shop.Config) { cfg.StripeWHSecret = e2eWebhookSecret })
	waitPayable(t, run.ctx)
	fillOrderForm(t, run.ctx)
	return run
}

// waitPayable waits for the payment field and a usable pay button.
func waitPayable(t *testing.T, ctx context.Context) {
	t.Helper()
	waitTrue(t, ctx, "the payment field", `document.querySelector("#payment-element select") !== null && !document.getElementById("submit-button").disabled`)
}

// payWith chooses a payment method in the Payment Element and pays.
func payWith(t *testing.T, ctx context.Context, method string) {
	t.Helper()
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#payment-element select"), method))
	do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
}

// A bank that approves: the shopper comes back to the return URL, and
// the shop, asking Stripe, records the order and shows it.
func TestRedirectMethodThatSucceeds(t *testing.T) {
	m := startMethodRun(t)
	payWith(t, m.ctx, "ideal")
	waitTrue(t, m.ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/") && document.getElementById("order-number")?.textContent.length === 32`)
	in := m.fake.All()[0]
	if in.Status != "succeeded" || in.CardsTried[0] != "ideal" {
		t.Fatalf("the PaymentIntent is %s after %v", in.Status, in.CardsTried)
	}
	if n := m.orders(t); n != 1 {
		t.Fatalf("%d orders", n)
	}
	var email, street string
	m.pool.DB().QueryRow(`SELECT email, street_address1 FROM orders`).Scan(&email, &street)
	if email != "grace@example.com" || street != "1 Navy Yard" {
		t.Fatalf("the order has %q, %q", email, street)
	}
}

// A bank that declines: the shopper comes back to the form with Stripe's
// message and no order; another way to pay then works, once.
func TestRedirectMethodThatFails(t *testing.T) {
	m := startMethodRun(t)
	payWith(t, m.ctx, "bancontact")
	waitTrue(t, m.ctx, "the form back", `location.pathname === "/checkout/return/" && document.querySelector("#payment-element select") !== null`)
	if page := text(t, m.ctx, "body"); !strings.Contains(page, "has not gone through") || !strings.Contains(page, "declined at your bank") {
		t.Fatalf("the returned form does not say why:\n%s", page)
	}
	screenshot(t, m.ctx, "checkout-redirect-failed.png")
	if n := m.orders(t); n != 0 {
		t.Fatalf("%d orders after a declined payment", n)
	}
	waitPayable(t, m.ctx)
	if name := evalString(t, m.ctx, `document.getElementById("id_full_name").value`); name != "Grace Hopper" {
		t.Fatalf("the returned form lost the shopper's details: name %q", name)
	}
	typeCard(t, m.ctx, "4242 4242 4242 4242")
	payWith(t, m.ctx, "card")
	waitTrue(t, m.ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/")`)
	if n, all := m.orders(t), m.fake.All(); n != 1 || len(all) != 1 || all[0].Status != "succeeded" {
		t.Fatalf("%d orders over %d PaymentIntents", n, len(all))
	}
}

// A 3-D Secure challenge the shopper fails: Stripe's message under the
// payment field, the form given back, no order.
func TestFailedAuthenticationGivesTheFormBack(t *testing.T) {
	m := startMethodRun(t)
	typeCard(t, m.ctx, stripefake.FailedAuthenticationCard)
	payWith(t, m.ctx, "card")
	waitTrue(t, m.ctx, "the error", `document.getElementById("payment-errors").textContent.includes("unable to authenticate")`)
	waitTrue(t, m.ctx, "the form back", `!document.getElementById("submit-button").disabled && document.getElementById("loading-overlay").hidden`)
	if n := m.orders(t); n != 0 {
		t.Fatalf("%d orders after a failed authentication", n)
	}
	if in := m.fake.All()[0]; in.Status != "requires_payment_method" {
		t.Fatalf("the PaymentIntent is %s", in.Status)
	}
}

// A direct debit, which settles days later: the shopper is told it is on
// its way and no order is made; the checkout page says the same rather
// than start another payment; when Stripe's payment_intent.succeeded
// arrives, the order is recorded once and confirmed by email.
func TestPaymentThatSettlesLater(t *testing.T) {
	m := startMethodRun(t)
	payWith(t, m.ctx, "sepa_debit")
	waitTrue(t, m.ctx, "the processing page", `document.getElementById("payment-processing") !== null`)
	if page := text(t, m.ctx, "main"); !strings.Contains(page, "We'll record your order and email grace@example.com") {
		t.Fatalf("the processing page says:\n%s", page)
	}
	screenshot(t, m.ctx, "checkout-processing.png")
	do(t, m.ctx, chromedp.Navigate(m.base+"/checkout/"))
	waitTrue(t, m.ctx, "the processing page again", `document.getElementById("payment-processing") !== null`)
	if n, all := m.orders(t), m.fake.All(); n != 0 || len(all) != 1 {
		t.Fatalf("%d orders and %d PaymentIntents while processing", n, len(all))
	}
	pid := m.fake.All()[0].ID
	var awaited int
	m.pool.DB().QueryRow(`SELECT COUNT(*) FROM checkouts WHERE processing_since IS NOT NULL`).Scan(&awaited)
	if awaited != 1 {
		t.Fatalf("%d checkouts awaited", awaited)
	}

	if err := m.fake.Settle(pid); err != nil {
		t.Fatal(err)
	}
	for range 2 { // Stripe may send it twice
		st, err := stripefake.Deliver(context.Background(), http.DefaultClient, m.base+"/checkout/wh/", e2eWebhookSecret,
			m.fake.IntentEvent("payment_intent.succeeded", pid))
		if err != nil || st != http.StatusOK {
			t.Fatalf("webhook: %d %v", st, err)
		}
	}
	if n := m.orders(t); n != 1 {
		t.Fatalf("%d orders after the payment settled", n)
	}
	var mails int
	m.pool.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE recipient = 'grace@example.com' AND subject LIKE '%order confirmation%'`).Scan(&mails)
	if mails != 1 {
		t.Fatalf("%d confirmation emails", mails)
	}
}
