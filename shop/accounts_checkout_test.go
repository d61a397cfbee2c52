package shop_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

type profileRow struct{ phone, street1, town, country string }

func (s *checkoutShop) profile(username string) (profileRow, bool) {
	s.t.Helper()
	var p profileRow
	err := s.pool.QueryRow(`SELECT COALESCE(default_phone_number, ''), COALESCE(default_street_address1, ''),
		COALESCE(default_town_or_city, ''), COALESCE(default_country, '')
		FROM profiles JOIN users ON users.id = profiles.user_id WHERE username = ?`, username).Scan(&p.phone, &p.street1, &p.town, &p.country)
	return p, err == nil
}

func (s *checkoutShop) orderOwner(pid string) string {
	s.t.Helper()
	var owner string
	s.pool.QueryRow(`SELECT COALESCE(users.username, '') FROM orders LEFT JOIN users ON users.id = orders.user_id WHERE stripe_pid = ?`, pid).Scan(&owner)
	return owner
}

// signedInCheckout signs a shopper up, fills the bag, opens the checkout
// and caches it with the save box as given, then pays.
func (s *checkoutShop) signedInCheckout(username string, save bool) (pid, secret, tok string) {
	s.t.Helper()
	if res := s.signUp(username, username+"@example.com", "correct horse"); res.status != http.StatusSeeOther {
		s.t.Fatalf("sign up: %d", res.status)
	}
	s.add(2, "", 1)
	secret, tok = s.openCheckout()
	if res := s.cache(secret, tok, save); res.status != http.StatusOK {
		s.t.Fatalf("cache: %d", res.status)
	}
	pid = pidOf(secret)
	if err := s.fake.Pay(pid, shopper, &shopper); err != nil {
		s.t.Fatal(err)
	}
	return pid, secret, tok
}

func TestSignedInCheckoutSavesTheProfileInEveryPath(t *testing.T) {
	paths := map[string]func(s *checkoutShop, pid, secret, tok string){
		"form": func(s *checkoutShop, pid, secret, tok string) {
			s.post("/checkout/", orderForm(tok, secret), false)
		},
		"webhook": func(s *checkoutShop, pid, secret, tok string) {
			s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
		},
		"both at once": func(s *checkoutShop, pid, secret, tok string) {
			ev := s.fake.IntentEvent("payment_intent.succeeded", pid)
			var wg sync.WaitGroup
			wg.Add(3)
			go func() { defer wg.Done(); deliverStatus(s, ev) }()
			go func() { defer wg.Done(); deliverStatus(s, ev) }()
			go func() { defer wg.Done(); postStatus(s, "/checkout/", orderForm(tok, secret).Encode()) }()
			wg.Wait()
		},
	}
	for name, pay := range paths {
		for _, save := range []bool{true, false} {
			t.Run(name+map[bool]string{true: ", box ticked", false: ", box unticked"}[save], func(t *testing.T) {
				s := newWebhookShop(t)
				pid, secret, tok := s.signedInCheckout("ada", save)
				in, _ := s.fake.Get(pid)
				if in.Metadata["username"] != "ada" {
					t.Fatalf("metadata username %q", in.Metadata["username"])
				}
				pay(s, pid, secret, tok)
				if s.countOrders() != 1 || s.orderOwner(pid) != "ada" {
					t.Fatalf("%d orders, owner %q", s.countOrders(), s.orderOwner(pid))
				}
				p, ok := s.profile("ada")
				if save && (!ok || p.street1 != "12 Harbour Row" || p.town != "Galway" || p.country != "IE" || p.phone != "+44 20 7946 0000") {
					t.Fatalf("profile not saved: %+v %v", p, ok)
				}
				if !save && ok && p.street1 != "" {
					t.Fatalf("profile changed with the box unticked: %+v", p)
				}
			})
		}
	}
}

func TestGuestCheckoutTouchesNoProfile(t *testing.T) {
	s := newWebhookShop(t)
	s.signUp("bystander", "b@example.com", "correct horse")
	s.logOut()
	pid := s.placeOrder()
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
	if s.orderOwner(pid) != "" {
		t.Fatal("a guest's order is linked to an account")
	}
	var profiles int
	s.pool.QueryRow(`SELECT COUNT(*) FROM profiles WHERE default_street_address1 IS NOT NULL`).Scan(&profiles)
	if profiles != 0 {
		t.Fatal("a guest's checkout wrote a profile")
	}
}

func TestCheckoutIsPrefilledFromTheProfile(t *testing.T) {
	s := newWebhookShop(t)
	pid, secret, tok := s.signedInCheckout("ada", true)
	s.post("/checkout/", orderForm(tok, secret), false)
	_ = pid
	s.add(2, "", 1)
	page := s.get("/checkout/").body
	for _, want := range []string{`value="ada@example.com"`, `value="12 Harbour Row"`, `value="Galway"`, `<option value="IE" selected>`,
		`id="id-save-info" name="save-info" checked`, "Save this delivery information to my profile"} {
		if !strings.Contains(page, want) {
			t.Errorf("checkout page lacks %s", want)
		}
	}
	guest := s.another()
	guest.add(2, "", 1)
	if page := guest.get("/checkout/").body; !strings.Contains(page, `<a href="/accounts/signup/">Create an account</a> or`) || !strings.Contains(page, `<a href="/accounts/login/?next=/checkout/">log in</a> to save this information`) || strings.Contains(page, `id="id-save-info"`) {
		t.Error("a guest is offered the save box")
	}
}

func TestOrderConfirmationsAreTheirOwnersOnly(t *testing.T) {
	s := newWebhookShop(t)
	pid, secret, tok := s.signedInCheckout("ada", false)
	s.post("/checkout/", orderForm(tok, secret), false)
	number := s.order(pid).number

	// In the owner's history, and viewable there.
	profile := s.get("/profile/").body
	if !strings.Contains(profile, number[:8]+"…") || !strings.Contains(profile, `title="`+number+`"`) {
		t.Fatal("the order is not in the history")
	}
	if res := s.get("/profile/order_history/" + number + "/"); res.status != http.StatusOK || !strings.Contains(res.body, "This is a past confirmation") ||
		!strings.Contains(res.body, `<dd id="order-status">Paid, being prepared</dd>`) {
		t.Fatalf("history page: %d, or no status", res.status)
	}
	if !strings.Contains(profile, `<td data-label="Status">Paid, being prepared</td>`) {
		t.Fatal("the history lacks the order's status")
	}
	// Another user sees neither page.
	other := s.another()
	other.signUp("grace", "grace@example.com", "correct horse")
	for _, path := range []string{"/profile/order_history/" + number + "/", "/checkout/checkout_success/" + number + "/"} {
		if res := other.get(path); res.status != http.StatusNotFound {
			t.Errorf("another user, %s: %d", path, res.status)
		}
	}
	// The owner in a new session (another device) sees the confirmation.
	device := s.another()
	device.logIn("ada", "correct horse")
	if res := device.get("/checkout/checkout_success/" + number + "/"); res.status != http.StatusOK {
		t.Fatalf("owner on another device: %d", res.status)
	}
}
