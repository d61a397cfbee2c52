package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"boutique/payments"
	"boutique/payments/stripefake"
	"boutique/shop"
	"boutique/store"
)

// checkoutRun is the shop with the fake Stripe and its test Stripe.js, and
// a browser with two tees in its bag at the checkout page.
type checkoutRun struct {
	base string
	pool *store.Store
	fake *stripefake.Fake
	ctx  context.Context
}

// orders counts the orders recorded.
func (r checkoutRun) orders(t *testing.T) int {
	t.Helper()
	var n int
	if err := r.pool.DB().QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// startCheckoutAt is startCheckout in a browser of a width.
func startCheckoutAt(t *testing.T, width int64) checkoutRun {
	t.Helper()
	run := startCheckout(t)
	do(t, run.ctx, chromedp.EmulateViewport(width, 844))
	return run
}

func startCheckout(t *testing.T, configure ...func(*shop.Config)) checkoutRun {
	base, pool, fake := startStripeShop(t, configure...)
	run := checkoutRun{base: base, pool: pool, fake: fake, ctx: newBrowser(t, 120*time.Second)}
	tee := productID(t, pool, "Harbour Stripe Tee")
	do(t, run.ctx, chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, tee)))
	waitTrue(t, run.ctx, "htmx", `typeof window.htmx === "object" && document.readyState === "complete"`)
	addToBag(t, run.ctx, "L", "2")
	waitTrue(t, run.ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)
	do(t, run.ctx, chromedp.Click(chromedp.CSS("#toasts .bag-toast a.button")))
	waitTrue(t, run.ctx, "the checkout page", `location.pathname === "/checkout/" && document.querySelector("#payment-element input") !== null`)
	return run
}

// fillOrderForm types the shopper's details, with stray spaces that the
// page must trim before they go to Stripe.
func fillOrderForm(t *testing.T, ctx context.Context) {
	t.Helper()
	fields := map[string]string{
		"#id_full_name":       "  Grace Hopper ",
		"#id_email":           "grace@example.com", // an email input trims itself
		"#id_phone_number":    " +1 555 0100 ",
		"#id_street_address1": " 1 Navy Yard  ",
		"#id_street_address2": "  Building 2",
		"#id_town_or_city":    " Arlington ",
		"#id_county":          " Virginia ",
		"#id_postcode":        " 22202 ",
	}
	for sel, v := range fields {
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), v)); err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
	}
	// Set without a change event: htmx would swap the select for its checked
	// copy while the next action still holds the old one.
	markPage(t, ctx, `(document.getElementById("id_country").value = "US") === "US"`)
}

func typeCard(t *testing.T, ctx context.Context, number string) {
	t.Helper()
	markPage(t, ctx, `(document.querySelector("#payment-element input").value = "") === ""`)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#payment-element input"), number))
}

func TestCheckoutInTheBrowser(t *testing.T) {
	run := startCheckout(t)
	ctx := run.ctx
	wantText(t, ctx, "#charge-amount", "$52.80") // 2 × $24.00 + 10% delivery

	// A field is checked as the shopper leaves it.
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#id_email"), "grace@"))
	moveFocus(t, ctx, "id_phone_number")
	waitTrue(t, ctx, "the email error", `document.getElementById("error-email")?.textContent === "Enter an email address such as name@example.com."`)

	fillOrderForm(t, ctx)
	// Leaving the phone field checks it (and trims it); then leaving the
	// corrected email checks that. One at a time: htmx may drop a
	// field's check while another field of the form is being checked.
	moveFocus(t, ctx, "id_email")
	waitTrue(t, ctx, "the phone checked", `document.getElementById("id_phone_number")?.value === "+1 555 0100"`)
	moveFocus(t, ctx, "id_phone_number")
	waitTrue(t, ctx, "no email error", `document.getElementById("error-email")?.textContent === ""`)
	typeCard(t, ctx, "4242 4242 4242 4242")
	screenshot(t, ctx, "checkout-form.png")
	do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
	waitTrue(t, ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/")`)

	intents := run.fake.All()
	if len(intents) != 1 {
		t.Fatalf("%d PaymentIntents", len(intents))
	}
	in := intents[0]
	if in.Status != "succeeded" || in.Amount != 5280 {
		t.Fatalf("PaymentIntent %s for %d", in.Status, in.Amount)
	}
	if n := run.orders(t); n != 1 {
		t.Fatalf("%d orders for one succeeded PaymentIntent", n)
	}
	wantBilling := payments.Party{Name: "Grace Hopper", Email: "grace@example.com", Phone: "+1 555 0100",
		Address: payments.Address{Line1: "1 Navy Yard", Line2: "Building 2", City: "Arlington", State: "Virginia", PostalCode: "22202", Country: "US"}}
	if in.Billing != wantBilling {
		t.Errorf("billing details as Stripe got them:\n%+v\nwant\n%+v", in.Billing, wantBilling)
	}
	wantShipping := payments.Party{Name: "Grace Hopper", Phone: "+1 555 0100",
		Address: payments.Address{Line1: "1 Navy Yard", Line2: "Building 2", City: "Arlington", State: "Virginia", PostalCode: "22202", Country: "US"}}
	if in.Shipping == nil || *in.Shipping != wantShipping {
		t.Errorf("shipping as Stripe got it:\n%+v\nwant\n%+v", in.Shipping, wantShipping)
	}
	if in.Metadata["bag"] == "" || in.Metadata["save_info"] != "false" {
		t.Errorf("metadata %v", in.Metadata)
	}

	page := text(t, ctx, "main")
	for _, want := range []string{"Thank you", "Harbour Stripe Tee", "1 Navy Yard", "Building 2", "Arlington", "United States",
		"$52.80", "A confirmation email will be sent to grace@example.com"} {
		if !strings.Contains(page, want) {
			t.Errorf("the confirmation lacks %q", want)
		}
	}
	if n := text(t, ctx, "#order-number"); len(n) != 32 || strings.ToUpper(n) != n {
		t.Errorf("order number %q", n)
	}
	wantText(t, ctx, "#bag-badge .bag-total", "$0.00")
	screenshot(t, ctx, "checkout-success.png")

}

// Back after paying lands on the order again, never on a spinner over
// the bag just paid for; on a phone and a desktop.
func TestBackAfterPayingShowsTheOrder(t *testing.T) {
	for _, width := range phoneAndDesktop {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := startCheckoutAt(t, width).ctx
			fillOrderForm(t, ctx)
			typeCard(t, ctx, "4242 4242 4242 4242")
			waitTrue(t, ctx, "the pay button", `!document.getElementById("submit-button").disabled`)
			do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
			waitTrue(t, ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/") && document.getElementById("order-number")?.textContent.length === 32`)
			number := text(t, ctx, "#order-number")
			do(t, ctx, chromedp.NavigateBack())
			waitTrue(t, ctx, "the order after Back", `location.pathname.startsWith("/checkout/checkout_success/") && document.readyState === "complete"`)
			if again := text(t, ctx, "#order-number"); again != number {
				t.Fatalf("Back shows order %q, want %q", again, number)
			}
			if spinning, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("#loading-overlay:not([hidden])")`)); spinning {
				t.Fatal("a spinner after Back")
			}
		})
	}
}

// Keyboard only: typing "united" into the country select picks a United…
// country, and checking the field on leaving it keeps the choice; on a
// phone and a desktop.
func TestCountryByKeyboardInTheBrowser(t *testing.T) {
	for _, width := range phoneAndDesktop {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := startCheckoutAt(t, width).ctx
			do(t, ctx, chromedp.Focus(chromedp.CSS("#id_country")))
			do(t, ctx, chromedp.KeyEvent("united"))
			moveFocus(t, ctx, "id_full_name")
			waitTrue(t, ctx, "the country checked", `document.getElementById("field-country") !== null && document.getElementById("error-country")?.textContent === ""`)
			time.Sleep(300 * time.Millisecond) // a check's redraw, if one is coming
			label := evalString(t, ctx, `document.getElementById("id_country").selectedOptions[0]?.textContent ?? ""`)
			if !strings.HasPrefix(label, "United") {
				t.Fatalf("typing united chose %q", label)
			}
		})
	}
}

// Without JavaScript the checkout says card payment needs it, and its
// button cannot be pressed.
func TestCheckoutWithoutJavaScript(t *testing.T) {
	base, pool, _ := startStripeShop(t)
	ctx := newBrowser(t, 60*time.Second)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, productID(t, pool, "Speckled Stoneware Mug"))))
	addToBag(t, ctx, "", "1")
	waitTrue(t, ctx, "the add", `(document.querySelector("#toasts")?.textContent ?? "").includes("to your bag")`)
	do(t, ctx, chromedp.Navigate(base+"/checkout/"))
	waitTrue(t, ctx, "the checkout", `document.readyState === "complete" && document.getElementById("submit-button") !== null`)
	if !strings.Contains(text(t, ctx, "main"), "Paying needs JavaScript") {
		t.Fatal("the checkout does not say paying needs JavaScript")
	}
	if !evalBool(t, ctx, `document.getElementById("submit-button").disabled`) {
		t.Fatal("the pay button can be pressed without JavaScript")
	}
	screenshot(t, ctx, "checkout-nojs.png")
}

func TestCheckoutDeclinedInTheBrowser(t *testing.T) {
	run := startCheckout(t)
	ctx := run.ctx
	fillOrderForm(t, ctx)
	typeCard(t, ctx, "4000 0000 0000 0002")
	do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
	waitTrue(t, ctx, "the card error", `document.getElementById("payment-errors").textContent === "Your card was declined."`)
	// The form is given back: button and card field usable, no overlay.
	waitTrue(t, ctx, "the form back", `!document.getElementById("submit-button").disabled && `+
		`!document.querySelector("#payment-element input").disabled && document.getElementById("loading-overlay").hidden`)
	if p := text(t, ctx, "h1"); p != "Checkout" || !strings.HasSuffix(evalString(t, ctx, "location.pathname"), "/checkout/") {
		t.Fatalf("left the checkout page: %q", p)
	}
	screenshot(t, ctx, "checkout-declined.png")
	if in := run.fake.All()[0]; in.Status != "requires_payment_method" {
		t.Fatalf("after the decline the PaymentIntent is %s", in.Status)
	}
	if n := run.orders(t); n != 0 {
		t.Fatalf("%d orders after a decline", n)
	}

	// Another card on the same form goes through.
	typeCard(t, ctx, "4242 4242 4242 4242")
	do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
	waitTrue(t, ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/")`)
	if in := run.fake.All()[0]; in.Status != "succeeded" || len(in.CardsTried) != 2 {
		t.Fatalf("PaymentIntent %s after %d cards", in.Status, len(in.CardsTried))
	}
	if n := run.orders(t); n != 1 {
		t.Fatalf("%d orders for one succeeded PaymentIntent", n)
	}
}

func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A shopper signs up, checks out with the save box ticked, finds the order
// in their profile's history and their address filled in at the next
// checkout.
func TestAccountCheckoutInTheBrowser(t *testing.T) {
	base, pool, _ := startStripeShop(t, func(cfg *shop.Config) { cfg.BaseURL = "https://shop.example" })
	ctx := newBrowser(t, 120*time.Second)
	mug := productID(t, pool, "Speckled Stoneware Mug")

	do(t, ctx, chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(base+"/accounts/signup/"))
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#id_username"), "grace"),
		chromedp.SendKeys(chromedp.CSS("#id_email"), "grace@example.com"),
		chromedp.SendKeys(chromedp.CSS("#id_password1"), "correct horse"),
		chromedp.SendKeys(chromedp.CSS("#id_password2"), "correct horse"),
		chromedp.Click(chromedp.CSS(`.account-form button[type="submit"]`)),
	)
	waitTrue(t, ctx, "the page asking to check the email", `location.pathname === "/accounts/signup/sent/"`)
	// The link emailed to the address opens the account.
	var body string
	if err := pool.DB().QueryRow(`SELECT body FROM outbox WHERE recipient = 'grace@example.com'`).Scan(&body); err != nil {
		t.Fatalf("no confirmation email: %v", err)
	}
	link := regexp.MustCompile(`https://shop\.example(/accounts/confirm/[^/\s]+/)`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no link in the confirmation email:\n%s", body)
	}
	do(t, ctx, chromedp.Navigate(base+link[1]))
	do(t, ctx, chromedp.Click(chromedp.CSS(`.account-form button[type="submit"]`)))
	waitTrue(t, ctx, "the profile", `location.pathname === "/profile/"`)
	wantText(t, ctx, ".account-menu a", "grace")

	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, mug)))
	waitTrue(t, ctx, "htmx", `typeof window.htmx === "object" && document.readyState === "complete"`)
	addToBag(t, ctx, "", "4")
	waitTrue(t, ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)
	do(t, ctx, chromedp.Navigate(base+"/checkout/"))
	waitTrue(t, ctx, "the card field", `document.querySelector("#payment-element input") !== null`)
	if v := evalString(t, ctx, `document.getElementById("id_email").value`); v != "grace@example.com" {
		t.Fatalf("email not prefilled: %q", v)
	}
	if !evalBool(t, ctx, `document.getElementById("id-save-info").checked`) {
		t.Fatal("the save box is not ticked")
	}
	fillOrderForm(t, ctx)
	typeCard(t, ctx, "4242 4242 4242 4242")
	do(t, ctx, chromedp.Click(chromedp.CSS("#submit-button")))
	waitTrue(t, ctx, "the confirmation page", `location.pathname.startsWith("/checkout/checkout_success/")`)
	number := text(t, ctx, "#order-number")

	do(t, ctx, chromedp.Navigate(base+"/profile/"))
	waitTrue(t, ctx, "the order history", `document.querySelector(".order-history a[title='`+number+`']") !== null`)
	if v := evalString(t, ctx, `document.getElementById("id_street_address1").value`); v != "1 Navy Yard" {
		t.Fatalf("profile street address %q", v)
	}
	screenshot(t, ctx, "profile.png")

	// The next checkout starts with the saved address.
	do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/products/%d/", base, mug)))
	waitTrue(t, ctx, "htmx", `typeof window.htmx === "object" && document.readyState === "complete"`)
	addToBag(t, ctx, "", "1")
	waitTrue(t, ctx, "the mini bag", `document.querySelector("#toasts .bag-toast") !== null`)
	do(t, ctx, chromedp.Navigate(base+"/checkout/"))
	waitTrue(t, ctx, "the card field", `document.querySelector("#payment-element input") !== null`)
	for id, want := range map[string]string{"id_street_address1": "1 Navy Yard", "id_town_or_city": "Arlington",
		"id_postcode": "22202", "id_country": "US", "id_phone_number": "+1 555 0100"} {
		if v := evalString(t, ctx, `document.getElementById("`+id+`").value`); v != want {
			t.Errorf("%s prefilled %q, want %q", id, v, want)
		}
	}
	wantText(t, ctx, "#charge-amount", "$17.60")
	screenshot(t, ctx, "checkout-prefilled.png")
}

func evalBool(t *testing.T, ctx context.Context, expr string) bool {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// moveFocus focuses a field by id, looking it up in the page at that
// moment: htmx may have just swapped it for its checked copy.
func moveFocus(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	markPage(t, ctx, `(document.getElementById("`+id+`").focus(), document.activeElement.id === "`+id+`")`)
}
