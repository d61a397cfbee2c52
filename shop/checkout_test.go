package shop_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/payments/stripefake"
	"boutique/shop"
	"boutique/store"
)

// checkoutShop is a shop whose Stripe is the stateful fake.
type checkoutShop struct {
	*testShop
	fake *stripefake.Fake
}

func stripeConfig(fake *stripefake.Fake) shop.Config {
	cfg := defaultConfig()
	cfg.StripePublicKey = "pk_test_boutique"
	cfg.StripeSecretKey = "sk_test_boutique"
	cfg.StripeAPIBase = fake.URL()
	cfg.StripeJSURL = fake.JSURL()
	return cfg
}

func newCheckoutShop(t *testing.T) *checkoutShop {
	t.Helper()
	fake := stripefake.New()
	t.Cleanup(fake.Close)
	s := newTestShop(t, stripeConfig(fake))
	s.loadFixture()
	return &checkoutShop{testShop: s, fake: fake}
}

// another is a second shopper on the same shop, with cookies of their own.
func (s *checkoutShop) another() *checkoutShop {
	jar, _ := cookiejar.New(nil)
	other := *s.testShop
	other.client = newClient(s.server, jar)
	return &checkoutShop{testShop: &other, fake: s.fake}
}

func (s *checkoutShop) add(product int64, size string, qty int) {
	s.t.Helper()
	tok := s.csrfToken(fmt.Sprintf("/products/%d/", product))
	res := s.post(fmt.Sprintf("/bag/add/%d/", product), form("csrf_token", tok, "product_size", size, "quantity", fmt.Sprint(qty)), true)
	if res.status != http.StatusOK {
		s.t.Fatalf("add %d: %d\n%s", product, res.status, res.body)
	}
}

var clientSecretField = regexp.MustCompile(`name="client_secret" value="([^"]+)"`)

// openCheckout loads /checkout/ and returns the page's client secret and
// CSRF token.
func (s *checkoutShop) openCheckout() (secret, tok string) {
	s.t.Helper()
	res := s.get("/checkout/")
	if res.status != http.StatusOK {
		s.t.Fatalf("GET /checkout/: %d\n%s", res.status, res.body)
	}
	m := clientSecretField.FindStringSubmatch(res.body)
	if m == nil {
		s.t.Fatalf("no client_secret on the checkout page")
	}
	return m[1], s.csrfToken("/checkout/")
}

func (s *checkoutShop) cache(secret, tok string, saveInfo bool) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.server.URL+"/checkout/cache_checkout_data/",
		strings.NewReader(form("client_secret", secret, "save_info", fmt.Sprint(saveInfo)).Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", tok)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(req)
}

var shopper = payments.Party{
	Name: "Ada Lovelace", Email: "ada@example.com", Phone: "+44 20 7946 0000",
	Address: payments.Address{Line1: "12 Harbour Row", Line2: "Flat 3", City: "Galway", State: "Connacht", PostalCode: "H91 X2Y3", Country: "IE"},
}

func orderForm(tok, secret string) url.Values {
	return form("csrf_token", tok, "client_secret", secret,
		"full_name", "Ada Lovelace", "email", "ada@example.com", "phone_number", "+44 20 7946 0000",
		"street_address1", "12 Harbour Row", "street_address2", "Flat 3", "town_or_city", "Galway",
		"county", "Connacht", "postcode", "H91 X2Y3", "country", "IE")
}

func pidOf(secret string) string { return secret[:strings.Index(secret, "_secret_")] }

func (s *checkoutShop) countOrders() int {
	s.t.Helper()
	var n int
	if err := s.pool.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

type orderRow struct {
	number, status, source, email, street1, street2 string
	total, delivery, grand, paid                    int64
	review                                          sql.NullString
	lines                                           int
}

func (s *checkoutShop) order(pid string) orderRow {
	s.t.Helper()
	var o orderRow
	err := s.pool.QueryRow(`SELECT order_number, status, source, email, street_address1, COALESCE(street_address2, ''),
		order_total, delivery_cost, grand_total, amount_paid, review_reason,
		(SELECT COUNT(*) FROM order_line_items WHERE order_id = orders.id)
		FROM orders WHERE stripe_pid = ?`, pid).Scan(&o.number, &o.status, &o.source, &o.email, &o.street1, &o.street2,
		&o.total, &o.delivery, &o.grand, &o.paid, &o.review, &o.lines)
	if err != nil {
		s.t.Fatalf("order for %s: %v", pid, err)
	}
	return o
}

// payAndSubmit caches the checkout data, pays at the fake and posts the
// order form, returning the answer to the form.
func (s *checkoutShop) payAndSubmit(secret, tok string) response {
	s.t.Helper()
	if res := s.cache(secret, tok, false); res.status != http.StatusOK {
		s.t.Fatalf("cache_checkout_data: %d %s", res.status, res.body)
	}
	if err := s.fake.Pay(pidOf(secret), shopper, &shopper); err != nil {
		s.t.Fatal(err)
	}
	return s.post("/checkout/", orderForm(tok, secret), false)
}

func TestCheckoutWithAnEmptyBagGoesBackToTheProducts(t *testing.T) {
	s := newCheckoutShop(t)
	res := s.get("/checkout/")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/products/" {
		t.Fatalf("%d to %q", res.status, res.header.Get("Location"))
	}
	if !strings.Contains(s.get("/products/").body, "There&#39;s nothing in your bag at the moment") {
		t.Fatal("no message about the empty bag")
	}
	if len(s.fake.All()) != 0 {
		t.Fatal("a PaymentIntent was made for an empty bag")
	}
}

func TestCheckoutWithoutStripeKeysSaysWhatToSet(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	tok := s.csrfToken("/products/2/")
	s.post("/bag/add/2/", form("csrf_token", tok, "quantity", "1"), false)
	res := s.get("/checkout/")
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	for _, want := range []string{"STRIPE_PUBLIC_KEY", "STRIPE_SECRET_KEY", "STRIPE_WH_SECRET", "Order summary"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page does not mention %s", want)
		}
	}
	if strings.Contains(res.body, `name="client_secret"`) {
		t.Error("a card form without Stripe")
	}
}

func TestCheckoutPageReusesThePaymentIntent(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 2) // 2 × $12.00 + $2.40 delivery
	page := s.get("/checkout/").body
	for _, want := range []string{"You will be charged", "$26.40", "Adjust bag", "Pay $26.40", `id="payment-element"`, `data-return-url="https://shop.example/checkout/return/"`,
		`name="full_name"`, `name="email"`, `name="phone_number"`, `name="country"`, `name="postcode"`, `name="town_or_city"`,
		`name="street_address1"`, `name="street_address2"`, `name="county"`, `<option value="IE">Ireland</option>`,
		`src="` + s.fake.JSURL() + `"`, "Secure checkout", `<a class="back-to-bag" href="/bag/">Back to bag</a>`, "Pay by card, wallet or bank"} {
		if !strings.Contains(page, want) {
			t.Errorf("checkout page lacks %s", want)
		}
	}
	// A stripped header: nothing to wander off through.
	for _, unwanted := range []string{`role="search"`, `class="category-nav"`, `class="account-menu"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("the checkout's header has %s", unwanted)
		}
	}
	first, _ := s.openCheckout()
	second, _ := s.openCheckout()
	if first != second || len(s.fake.All()) != 1 {
		t.Fatalf("reloading made new PaymentIntents: %d", len(s.fake.All()))
	}
	in, _ := s.fake.Get(pidOf(first))
	if in.Amount != 2640 || in.Currency != "usd" {
		t.Fatalf("PaymentIntent for %d %s, want 2640 usd", in.Amount, in.Currency)
	}
	// The bag changes: the same PaymentIntent, a new amount.
	s.add(2, "", 1)
	third, _ := s.openCheckout()
	in, _ = s.fake.Get(pidOf(third))
	if third != first || in.Amount != 3960 || len(s.fake.All()) != 1 {
		t.Fatalf("after the bag changed: same intent %v, amount %d, %d intents", third == first, in.Amount, len(s.fake.All()))
	}
	if got := s.fake.Calls("POST /v1/payment_intents"); got != 1 {
		t.Fatalf("%d creates", got)
	}
}

func TestCheckoutPaysAndRecordsOneOrder(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(1, "M", 2) // 2 × $30.00
	s.add(2, "", 1)  // $12.00; $72.00 ships free
	secret, tok := s.openCheckout()

	res := s.payAndSubmit(secret, tok)
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !regexp.MustCompile(`^/checkout/checkout_success/[0-9A-F]{32}/$`).MatchString(loc) {
		t.Fatalf("%d to %q\n%s", res.status, loc, res.body)
	}
	in, _ := s.fake.Get(pidOf(secret))
	o := s.order(in.ID)
	if o.total != 7200 || o.delivery != 0 || o.grand != 7200 || o.paid != in.Amount || o.lines != 2 || o.status != "paid" ||
		o.source != "form" || o.review.Valid || o.email != "ada@example.com" || o.street2 != "Flat 3" {
		t.Fatalf("order %+v, paid %d", o, in.Amount)
	}
	// The metadata carried the bag, the choice and the username.
	if in.Metadata["save_info"] != "false" || in.Metadata["username"] != "" || !strings.Contains(in.Metadata["bag"], `[1,"M",2,3000]`) {
		t.Fatalf("metadata %v", in.Metadata)
	}
	var lines []string
	rows, _ := s.pool.Query(`SELECT product_id, COALESCE(product_size, ''), quantity, unit_price, lineitem_total, product_name FROM order_line_items ORDER BY id`)
	for rows.Next() {
		var id, qty, unit, total int64
		var size, name string
		rows.Scan(&id, &size, &qty, &unit, &total, &name)
		lines = append(lines, fmt.Sprintf("%d/%s/%d/%d/%d/%s", id, size, qty, unit, total, name))
	}
	rows.Close()
	if strings.Join(lines, " ") != "1/M/2/3000/6000/Blue Oxford Shirt 2//1/1200/1200/Zebra Mug" {
		t.Fatalf("lines %v", lines)
	}

	page := s.get(loc)
	if page.status != http.StatusOK {
		t.Fatalf("success page: %d", page.status)
	}
	for _, want := range []string{"Thank you", o.number, "Blue Oxford Shirt", "Zebra Mug", "12 Harbour Row", "Flat 3", "Galway",
		"Ireland", "$72.00", "$60.00", "A confirmation email will be sent to <strong>ada@example.com</strong>"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("success page lacks %s", want)
		}
	}
	if bag := s.get("/bag/").body; !strings.Contains(bag, "Your bag is empty") {
		t.Error("the success page did not clear the bag")
	}
	if s.countOrders() != 1 {
		t.Fatalf("%d orders", s.countOrders())
	}

	// Someone else cannot see it.
	if res := s.another().get(loc); res.status != http.StatusNotFound {
		t.Fatalf("another session sees the order: %d", res.status)
	}
	if res := s.get("/checkout/checkout_success/0123456789ABCDEF0123456789ABCDEF/"); res.status != http.StatusNotFound {
		t.Fatalf("an unknown order: %d", res.status)
	}
}

func TestCheckoutTheSameFormTwiceMakesOneOrder(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, tok := s.openCheckout()
	first := s.payAndSubmit(secret, tok)
	again := s.post("/checkout/", orderForm(tok, secret), false)
	if first.header.Get("Location") == "" || again.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("first %d %q, again %d %q", first.status, first.header.Get("Location"), again.status, again.header.Get("Location"))
	}
	// And again after the confirmation page has emptied the bag.
	s.get(first.header.Get("Location"))
	third := s.post("/checkout/", orderForm(tok, secret), false)
	if third.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("after the confirmation: %d %q", third.status, third.header.Get("Location"))
	}
	if s.countOrders() != 1 {
		t.Fatalf("%d orders", s.countOrders())
	}
}

func TestCheckoutDeclinedCardMakesNoOrder(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, tok := s.openCheckout()
	if res := s.cache(secret, tok, false); res.status != http.StatusOK {
		t.Fatal(res.status)
	}
	if err := s.fake.Decline(pidOf(secret), shopper, &shopper); err == nil {
		t.Fatal("the fake did not decline")
	}
	res := s.post("/checkout/", orderForm(tok, secret), false)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	for _, want := range []string{"Your payment has not gone through, so no order was placed.", "Your card was declined.",
		`value="Ada Lovelace"`, `value="12 Harbour Row"`, secret} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if s.countOrders() != 0 {
		t.Fatal("a declined card made an order")
	}
}

func TestCheckoutUnpaidIntentMakesNoOrder(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, tok := s.openCheckout()
	res := s.post("/checkout/", orderForm(tok, secret), false)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "has not gone through") {
		t.Fatalf("status %d", res.status)
	}
	// With a bad form too: the errors show, and what was typed stays.
	bad := orderForm(tok, secret)
	bad.Set("email", "not-an-email")
	bad.Set("town_or_city", "")
	res = s.post("/checkout/", bad, false)
	for _, want := range []string{"Enter an email address such as name@example.com.", "Town or city is required.", `value="not-an-email"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if s.countOrders() != 0 {
		t.Fatal("an unpaid PaymentIntent made an order")
	}
}

func TestCheckoutBagChangedInAnotherTab(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1) // $12.00 + $1.20
	secret, tok := s.openCheckout()
	s.add(1, "S", 1) // another tab: + $30.00, $42.00 + $4.20

	res := s.cache(secret, tok, false)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Your bag changed — please check the new total") {
		t.Fatalf("cache after the bag changed: %d %q", res.status, res.body)
	}
	in, _ := s.fake.Get(pidOf(secret))
	if in.Amount != 1320 {
		t.Fatalf("PaymentIntent amount %d, want the amount of the bag it holds, 1320", in.Amount)
	}
	// The reloaded page tells the shopper, shows the new total and brings
	// the PaymentIntent to it.
	page := s.get("/checkout/").body
	if !strings.Contains(page, "Your bag changed — please check the new total") || !strings.Contains(page, "$46.20") {
		t.Fatal("the reloaded page does not tell the shopper")
	}
	if in, _ = s.fake.Get(pidOf(secret)); in.Amount != 4620 {
		t.Fatalf("PaymentIntent amount %d after the reload, want the new total 4620", in.Amount)
	}
	res = s.payAndSubmit(secret, tok)
	if res.status != http.StatusSeeOther {
		t.Fatalf("pay: %d", res.status)
	}
	in, _ = s.fake.Get(pidOf(secret))
	o := s.order(in.ID)
	if o.grand != in.Amount || o.paid != in.Amount || o.lines != 2 || o.review.Valid {
		t.Fatalf("charged %d, order %+v", in.Amount, o)
	}
}

func TestCheckoutRefusesAnotherSessionsPaymentIntent(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, _ := s.openCheckout()
	thief := s.another()
	thief.add(1, "M", 1)
	_, thiefTok := thief.openCheckout()
	updates := s.fake.Calls("POST /v1/payment_intents/{id}")

	res := thief.cache(secret, thiefTok, true)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "couldn't find your payment") {
		t.Fatalf("%d %q", res.status, res.body)
	}
	if s.fake.Calls("POST /v1/payment_intents/{id}") != updates {
		t.Fatal("Stripe was called for a PaymentIntent that is not the session's")
	}
	for _, bad := range []string{"", "nonsense", "pi_123", "pi_abc_secret_"} {
		if res := thief.cache(bad, thiefTok, false); res.status != http.StatusBadRequest {
			t.Errorf("client secret %q: %d", bad, res.status)
		}
	}
	// Posting the order form with it makes no order either.
	if err := s.fake.Pay(pidOf(secret), shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	if res := thief.post("/checkout/", orderForm(thiefTok, secret), false); res.status != http.StatusBadRequest {
		t.Fatalf("thief's order form: %d", res.status)
	}
	if s.countOrders() != 0 {
		t.Fatal("an order from another session's payment")
	}
}

func TestCheckoutCacheNeedsTheCSRFToken(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, _ := s.openCheckout()
	if res := s.cache(secret, "bogus", false); res.status != http.StatusForbidden {
		t.Fatalf("status %d, want 403", res.status)
	}
	if res := s.get("/checkout/cache_checkout_data/"); res.status != http.StatusNotFound && res.status != http.StatusMethodNotAllowed {
		t.Fatalf("GET cache_checkout_data: %d", res.status)
	}
}

// A bag of 100 distinct lines travels in the metadata and comes back whole.
func TestCheckoutHundredLineBagRoundTrips(t *testing.T) {
	s := newCheckoutShop(t)
	for i := range 100 {
		id := s.insert(`INSERT INTO products (category_id, sku, name, price) VALUES (1, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("BULK-%03d", i), fmt.Sprintf("Bulk item %d", i), 100+i)
		s.add(id, "", 1+i%99)
	}
	secret, tok := s.openCheckout()
	res := s.payAndSubmit(secret, tok)
	if res.status != http.StatusSeeOther {
		t.Fatalf("%d", res.status)
	}
	in, _ := s.fake.Get(pidOf(secret))
	if in.Metadata["bag_parts"] == "1" || in.Metadata["bag_parts"] == "" || len(in.Metadata) > payments.MaxMetadataKeys {
		t.Fatalf("bag_parts %q, %d keys", in.Metadata["bag_parts"], len(in.Metadata))
	}
	o := s.order(in.ID)
	if o.lines != 100 || o.grand != in.Amount || o.review.Valid {
		t.Fatalf("order %+v for %d", o, in.Amount)
	}
}

// A payment whose amount no longer matches its bag is still recorded, and
// flagged.
func TestCheckoutMismatchedPaymentIsFlaggedNotRefused(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, tok := s.openCheckout()
	if res := s.cache(secret, tok, false); res.status != http.StatusOK {
		t.Fatal(res.status)
	}
	pay := payments.New(payments.Config{SecretKey: "sk_test_other", APIBase: s.fake.URL()})
	if _, err := pay.Update(context.Background(), pidOf(secret), 9999, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.fake.Pay(pidOf(secret), shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	if res := s.post("/checkout/", orderForm(tok, secret), false); res.status != http.StatusSeeOther {
		t.Fatalf("%d", res.status)
	}
	o := s.order(pidOf(secret))
	if !o.review.Valid || !strings.Contains(o.review.String, "paid $99.99 but the bag as priced at payment comes to $13.20") || o.paid != 9999 {
		t.Fatalf("order %+v", o)
	}
}

// A shopper who paid but never came back to post the form finds the order
// when they open the checkout again.
func TestCheckoutPageFindsAPaymentAlreadyMade(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(1, "L", 1)
	secret, tok := s.openCheckout()
	if res := s.cache(secret, tok, false); res.status != http.StatusOK {
		t.Fatal(res.status)
	}
	if err := s.fake.Pay(pidOf(secret), shopper, &shopper); err != nil {
		t.Fatal(err)
	}
	res := s.get("/checkout/")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/checkout/checkout_success/") {
		t.Fatalf("%d %q", res.status, res.header.Get("Location"))
	}
	o := s.order(pidOf(secret))
	if o.source != "reconcile" || o.email != "ada@example.com" || o.street1 != "12 Harbour Row" || o.lines != 1 {
		t.Fatalf("order %+v", o)
	}
	if page := s.get(res.header.Get("Location")); page.status != http.StatusOK {
		t.Fatalf("confirmation: %d", page.status)
	}
}

func TestOrderFormFieldValidation(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	_, tok := s.openCheckout()
	check := func(field, value, want string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.server.URL+"/checkout/validate/", strings.NewReader(form(field, value).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", tok)
		req.Header.Set("Origin", s.server.URL)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Trigger-Name", field)
		res := s.do(req)
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="field-`+field+`"`) {
			t.Fatalf("%s: %d\n%s", field, res.status, res.body)
		}
		errText := regexp.MustCompile(`<p class="field-error" id="error-` + field + `">([^<]*)</p>`).FindStringSubmatch(res.body)
		if errText == nil || errText[1] != want {
			t.Errorf("%s=%q: error %v, want %q", field, value, errText, want)
		}
	}
	check("email", "ada@example.com", "")
	check("email", "ada@", "Enter an email address such as name@example.com.")
	check("email", "", "Email address is required.")
	check("full_name", strings.Repeat("a", 51), "Full name is too long (at most 50 characters).")
	check("full_name", "  Ada  ", "")
	check("phone_number", "call me", "A phone number has only digits, spaces and + - ( ).")
	check("country", "XX", "Choose a country from the list.")
	check("country", "IE", "")
	check("street_address2", "", "")
}

// A Stripe error while caching gives the shopper a 400 with a generic
// message; the detail stays in the log.
func TestCheckoutCacheStripeErrorIsGeneric(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	secret, tok := s.openCheckout()
	s.fake.BeforeUpdate(func(string) error {
		return errors.New("payment_intent_unexpected_state: the PaymentIntent is succeeded")
	})
	res := s.cache(secret, tok, false)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "cannot be processed right now") ||
		strings.Contains(res.body, "payment_intent_unexpected_state") {
		t.Fatalf("%d %q", res.status, res.body)
	}
}

// New PaymentIntents are limited an hour by address and by bag, with a
// clear page, never a 5xx, and no card charged; a shopper at another
// address is not held back.
func TestNewPaymentsAreLimited(t *testing.T) {
	fake := stripefake.New()
	t.Cleanup(fake.Close)
	cfg := stripeConfig(fake)
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	cfg.NewPaymentsPerAddress = 3
	cfg.NewPaymentsPerBag = 2
	base := newTestShop(t, cfg)
	base.loadFixture()
	open := func(s *checkoutShop, addr string) response {
		t.Helper()
		req := mustRequest(t, http.MethodGet, s.server.URL+"/checkout/")
		req.Header.Set("X-Forwarded-For", addr)
		return s.do(req)
	}
	newShopper := func() *checkoutShop {
		s := &checkoutShop{testShop: base.browser(), fake: fake}
		s.add(2, "", 1)
		return s
	}
	for i := range 3 {
		if res := open(newShopper(), "203.0.113.9"); res.status != http.StatusOK {
			t.Fatalf("checkout %d from one address: %d", i+1, res.status)
		}
	}
	res := open(newShopper(), "203.0.113.9")
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "started many checkouts") || strings.Contains(res.body, `name="client_secret" value="pi_`) {
		t.Fatalf("a fourth checkout from one address: %d", res.status)
	}
	if res := open(newShopper(), "198.51.100.4"); res.status != http.StatusOK {
		t.Fatalf("a shopper at another address: %d", res.status)
	}
	// One bag, paid for twice: its third PaymentIntent is refused.
	s := newShopper()
	for i := range 2 {
		if i > 0 {
			s.add(2, "", 1)
		}
		res := open(s, fmt.Sprintf("192.0.2.%d", 10+i))
		m := clientSecretField.FindStringSubmatch(res.body)
		if res.status != http.StatusOK || m == nil {
			t.Fatalf("the bag's checkout %d: %d", i+1, res.status)
		}
		pid := pidOf(m[1])
		buyer := shopper
		if err := fake.Pay(pid, buyer, &buyer); err != nil {
			t.Fatal(err)
		}
		if res := open(s, fmt.Sprintf("192.0.2.%d", 10+i)); res.status != http.StatusSeeOther {
			t.Fatalf("the paid checkout %d again: %d, want the confirmation", i+1, res.status)
		}
	}
	s.add(2, "", 1)
	if res := open(s, "192.0.2.20"); res.status != http.StatusTooManyRequests {
		t.Fatalf("the bag's third PaymentIntent in an hour: %d", res.status)
	}
	if n := len(fake.All()); n != 6 {
		t.Fatalf("%d PaymentIntents at Stripe, want 6", n)
	}
}

// A product archived while it is in a bag is shown there as no longer
// available and counted for nothing; the checkout refuses the bag with a
// clear message, whether it is opened now or was open before, and no card
// is charged.
func TestArchivedProductsCannotBeBought(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1) // $12.00
	s.add(1, "M", 1)
	secret, tok := s.openCheckout()
	s.exec(`UPDATE products SET archived_at = ? WHERE id = 2`, store.Time(time.Now()))

	bag := s.get("/bag/").body
	if !strings.Contains(bag, "No longer available") || !strings.Contains(bag, "$33.00") {
		t.Fatalf("the bag page does not show the product as unavailable, or counts it:\n%s", bag)
	}
	res := s.get("/checkout/")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/bag/" {
		t.Fatalf("checkout with an archived product: %d %q", res.status, res.header.Get("Location"))
	}
	if page := s.get("/bag/").body; !strings.Contains(page, "no longer available. Please remove them") {
		t.Fatal("no message on the bag page")
	}
	// The page opened before the product was archived.
	if res := s.cache(secret, tok, false); res.status != http.StatusBadRequest || !strings.Contains(res.body, "no longer available") {
		t.Fatalf("cache: %d %q", res.status, res.body)
	}
	// Once it is removed, the rest can be bought.
	tok = s.csrfToken("/bag/")
	s.post("/bag/remove/2/", form("csrf_token", tok, "product_size", ""), false)
	if res := s.get("/checkout/"); res.status != http.StatusOK {
		t.Fatalf("checkout after removing it: %d", res.status)
	}
}

// A yen shop and a dinar shop: the page says what the PaymentIntent
// charges, in the currency's own minor units, and the order records the
// same (the fixture's $12.00 product is ¥1,200, or 1.200 KWD).
func TestOddCurrenciesAgreeToTheMinorUnit(t *testing.T) {
	for _, tt := range []struct{ currency, shown string }{{"jpy", "1,320 JPY"}, {"kwd", "1.320 KWD"}} {
		t.Run(tt.currency, func(t *testing.T) {
			fake := stripefake.New()
			t.Cleanup(fake.Close)
			cfg := stripeConfig(fake)
			cfg.Currency = tt.currency
			s := &checkoutShop{testShop: newTestShop(t, cfg), fake: fake}
			s.loadFixture()
			s.add(2, "", 1)
			a := s.openTab()
			if a.total != tt.shown {
				t.Fatalf("the page says %s, want %s", a.total, tt.shown)
			}
			in, _ := fake.Get(pidOf(a.secret))
			if in.Amount != 1320 || in.Currency != tt.currency {
				t.Fatalf("the PaymentIntent charges %d %s", in.Amount, in.Currency)
			}
			if cart.Format(in.Amount, in.Currency) != a.total {
				t.Fatalf("the page says %s, Stripe will charge %s", a.total, cart.Format(in.Amount, in.Currency))
			}
			res := s.payAndSubmit(a.secret, a.tok)
			if res.status != http.StatusSeeOther {
				t.Fatalf("pay: %d", res.status)
			}
			if o := s.order(in.ID); o.grand != 1320 || o.paid != 1320 || o.review.Valid {
				t.Fatalf("order %+v", o)
			}
			if page := s.get(res.header.Get("Location")).body; !strings.Contains(page, tt.shown) {
				t.Fatalf("the confirmation does not say %s", tt.shown)
			}
		})
	}
}

// The checkout is never kept by the browser, and Back to it after paying
// shows the order just placed, not an empty checkout; a country comes
// from the browser's language when the shopper has none saved.
func TestCheckoutAfterPayingShowsTheOrder(t *testing.T) {
	s := newCheckoutShop(t)
	s.add(2, "", 1)
	req := mustRequest(t, http.MethodGet, s.server.URL+"/checkout/")
	req.Header.Set("Accept-Language", "en-IE,en;q=0.8")
	page := s.do(req)
	if page.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", page.header.Get("Cache-Control"))
	}
	if !strings.Contains(page.body, `<option value="IE" selected>`) {
		t.Fatal("the country is not taken from the browser's language")
	}
	secret, tok := s.openCheckout()
	res := s.payAndSubmit(secret, tok)
	if res.status != http.StatusSeeOther {
		t.Fatalf("pay: %d", res.status)
	}
	back := s.get("/checkout/")
	if back.status != http.StatusSeeOther || back.header.Get("Location") != res.header.Get("Location") {
		t.Fatalf("back to the checkout after paying: %d %q, want the order at %q", back.status, back.header.Get("Location"), res.header.Get("Location"))
	}
	// Another shopper with an empty bag still goes to the products.
	if res := s.another().get("/checkout/"); res.header.Get("Location") != "/products/" {
		t.Fatalf("an empty bag: %q", res.header.Get("Location"))
	}
}
