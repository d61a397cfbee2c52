package shop_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments"
)

// A tab is one checkout page as the browser holds it.
type tab struct {
	secret, tok, version, total string
}

var (
	bagVersionField = regexp.MustCompile(`name="bag_version" value="(\d+)"`)
	chargeAmount    = regexp.MustCompile(`id="charge-amount">([^<]+)<`)
)

// openTab loads /checkout/ as a new tab does.
func (s *checkoutShop) openTab() tab {
	s.t.Helper()
	res := s.get("/checkout/")
	secret, version, total := clientSecretField.FindStringSubmatch(res.body), bagVersionField.FindStringSubmatch(res.body), chargeAmount.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || secret == nil || version == nil || total == nil {
		s.t.Fatalf("GET /checkout/: %d, no client secret, bag version or amount\n%s", res.status, res.body)
	}
	return tab{secret: secret[1], tok: s.csrfToken("/checkout/"), version: version[1], total: html.UnescapeString(total[1])}
}

// cacheFrom posts cache_checkout_data as the tab's script does.
func (s *checkoutShop) cacheFrom(tb tab) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.server.URL+"/checkout/cache_checkout_data/",
		strings.NewReader(form("client_secret", tb.secret, "save_info", "false", "bag_version", tb.version).Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", tb.tok)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(req)
}

// heldUpdates holds every PaymentIntent update at the fake Stripe until
// released; entered says when one is waiting.
type heldUpdates struct {
	entered chan string
	release chan struct{}
	once    sync.Once
}

func holdUpdates(s *checkoutShop) *heldUpdates {
	h := &heldUpdates{entered: make(chan string, 8), release: make(chan struct{})}
	s.fake.BeforeUpdate(func(id string) error {
		h.entered <- id
		<-h.release
		return nil
	})
	s.t.Cleanup(h.let)
	return h
}

func (h *heldUpdates) let() { h.once.Do(func() { close(h.release) }) }

// waitHeld waits, at most 10 s, for an update to reach the fake.
func (h *heldUpdates) waitHeld(t *testing.T) {
	t.Helper()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no update reached Stripe within 10s")
	}
}

// Two tabs of one bag: tab A shows the bag (one $12.00 item) and is about
// to pay; tab B adds a $30.00 tee and loads the checkout. In every order
// of A's cache_checkout_data and B's add and page load, with Stripe's
// answer to either held back: Stripe never holds an amount of one bag with
// another bag in the metadata, A is charged only what its page showed or
// not at all, the order holds exactly the lines A paid for, and B's tee
// stays in the bag.
func TestTwoTabsPayOnlyWhatTheirPageShowed(t *testing.T) {
	type step func(s *checkoutShop, a tab) (cached response)
	add := func(s *checkoutShop) { s.add(1, "S", 1) }
	load := func(s *checkoutShop) { s.openTab() }
	cases := map[string]step{
		"add, load, cache": func(s *checkoutShop, a tab) response {
			add(s)
			load(s)
			return s.cacheFrom(a)
		},
		"add, cache, load": func(s *checkoutShop, a tab) response {
			add(s)
			res := s.cacheFrom(a)
			load(s)
			return res
		},
		"cache, add, load": func(s *checkoutShop, a tab) response {
			res := s.cacheFrom(a)
			add(s)
			load(s)
			return res
		},
		// A's cache is at Stripe when B adds and loads.
		"cache held at Stripe, add, load": func(s *checkoutShop, a tab) response {
			h := holdUpdates(s)
			done := make(chan response, 1)
			go func() { done <- s.cacheFrom(a) }()
			h.waitHeld(t)
			add(s)
			loaded := make(chan struct{})
			go func() { defer close(loaded); load(s) }()
			time.Sleep(100 * time.Millisecond) // B's load reaches the shop
			h.let()
			<-loaded
			return <-done
		},
		// B's load is bringing the PaymentIntent to the new bag at
		// Stripe when A caches.
		"add, load held at Stripe, cache": func(s *checkoutShop, a tab) response {
			add(s)
			h := holdUpdates(s)
			loaded := make(chan struct{})
			go func() { defer close(loaded); load(s) }()
			h.waitHeld(t)
			done := make(chan response, 1)
			go func() { done <- s.cacheFrom(a) }()
			time.Sleep(100 * time.Millisecond) // A's cache reaches the shop
			h.let()
			<-loaded
			return <-done
		},
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			s := newWebhookShop(t)
			s.t = t
			s.add(2, "", 1)
			a := s.openTab()
			if a.total != "$13.20" {
				t.Fatalf("tab A shows %s", a.total)
			}
			res := run(s, a)
			s.fake.BeforeUpdate(nil)

			// Whatever happened, every PaymentIntent's amount is the total
			// of the bag in its metadata.
			rules := cart.DefaultRules
			for _, in := range s.fake.All() {
				bag, err := payments.GetSplit(in.Metadata, "bag")
				if err != nil {
					t.Fatalf("%s carries no bag: %v", in.ID, err)
				}
				lines, err := cart.DecodeBag(bag)
				if err != nil {
					t.Fatal(err)
				}
				if total := rules.Price(lines).GrandTotal; total != in.Amount {
					t.Fatalf("%s: amount %d, but the bag in its metadata comes to %d", in.ID, in.Amount, total)
				}
			}
			if res.status != http.StatusOK {
				if !strings.Contains(res.body, "Your bag changed") {
					t.Fatalf("cache: %d %q", res.status, res.body)
				}
				return // A is not charged; its reloaded page shows the new bag
			}
			// A goes on to pay: the amount is what its page showed.
			pid := pidOf(a.secret)
			if in, _ := s.fake.Get(pid); cart.Format(in.Amount, "usd") != a.total {
				t.Fatalf("tab A showed %s and is charged %s", a.total, cart.Format(in.Amount, "usd"))
			}
			if err := s.fake.Pay(pid, shopper, &shopper); err != nil {
				t.Fatal(err)
			}
			if res := s.post("/checkout/", orderForm(a.tok, a.secret), false); res.status != http.StatusSeeOther {
				t.Fatalf("order form: %d", res.status)
			}
			o := s.order(pid)
			if o.review.Valid || o.paid != 1320 || o.grand != 1320 {
				t.Fatalf("order %+v", o)
			}
			var lines []string
			rows, err := s.pool.Query(`SELECT product_id, COALESCE(product_size, ''), quantity FROM order_line_items`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id, qty int64
				var size string
				rows.Scan(&id, &size, &qty)
				lines = append(lines, fmt.Sprintf("%d/%s×%d", id, size, qty))
			}
			rows.Close()
			if strings.Join(lines, " ") != "2/×1" {
				t.Fatalf("the order holds %v, want the one item tab A paid for", lines)
			}
			if got := s.bagLines(); len(got) != 1 || got["1/S"] != 1 {
				t.Fatalf("the bag holds %v after the order, want tab B's tee alone", got)
			}
		})
	}
}
