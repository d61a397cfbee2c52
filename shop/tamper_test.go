package shop_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"boutique/cart"
	"boutique/payments"
)

// tamper rewrites a PaymentIntent's metadata as someone holding the Stripe
// key could: the bag through change, other keys from meta, and the amount
// to match the new bag, so that the totals agree.
func (s *checkoutShop) tamper(pid string, change func([]cart.Line) []cart.Line, meta map[string]string) {
	s.t.Helper()
	in, _ := s.fake.Get(pid)
	bag, err := payments.GetSplit(in.Metadata, "bag")
	if err != nil {
		s.t.Fatal(err)
	}
	lines, err := cart.DecodeBag(bag)
	if err != nil {
		s.t.Fatal(err)
	}
	lines = change(lines)
	m := map[string]string{}
	for k, v := range meta {
		m[k] = v
	}
	parts, _ := strconv.Atoi(in.Metadata["bag_parts"])
	payments.PutSplit(m, "bag", cart.EncodeBag(lines), parts)
	c := payments.New(payments.Config{SecretKey: "sk_test_boutique", APIBase: s.fake.URL()})
	if _, err := c.Update(context.Background(), pid, cart.DefaultRules.Price(lines).GrandTotal, m); err != nil {
		s.t.Fatal(err)
	}
}

// A PaymentIntent whose metadata says other than what the shop priced is
// recorded (the card was charged) but flagged, with a reason that names
// what differs; a name in the metadata links the order to no account and
// changes no one's saved address.
func TestTamperedMetadataIsFlagged(t *testing.T) {
	same := func(l []cart.Line) []cart.Line { return l }
	cases := []struct {
		name   string
		change func([]cart.Line) []cart.Line
		meta   map[string]string
		says   string
	}{
		{"a line priced at 45¢", func(l []cart.Line) []cart.Line { l[0].UnitPrice = 45; return l }, nil,
			"line 1 (product #2): unit price $0.45 in the payment, $12.00 when the shop priced it"},
		{"a size for an unsized product", func(l []cart.Line) []cart.Line { l[0].Size = "XL"; return l }, nil,
			"product #2 comes in no sizes, but the payment names size XL"},
		{"another quantity", func(l []cart.Line) []cart.Line { l[0].Quantity = 99; return l }, nil,
			"line 1 (product #2): quantity 99 in the payment, 1 when the shop priced it"},
		{"a line added", func(l []cart.Line) []cart.Line {
			return append(l, cart.Line{ProductID: 1, Size: "M", Quantity: 1, UnitPrice: 1})
		}, nil,
			"the payment's bag has 2 lines, the bag the shop priced 1"},
		{"another account", same, map[string]string{"username": "carol", "save_info": "true"},
			`the payment names the account "carol", but its checkout was made by a guest`},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s := newWebhookShop(t)
			s.t = t
			carol := s.another()
			carol.signUp("carol", "carol@example.com", "correct horse")
			s.exec(`INSERT INTO profiles (user_id, default_street_address1, default_town_or_city)
				SELECT id, '1 Carol Street', 'Cork' FROM users WHERE username = 'carol'`)

			s.add(2, "", 1)
			secret, tok := s.openCheckout()
			if res := s.cache(secret, tok, false); res.status != http.StatusOK {
				t.Fatalf("cache: %d", res.status)
			}
			pid := pidOf(secret)
			s.tamper(pid, tt.change, tt.meta)
			if err := s.fake.Pay(pid, shopper, &shopper); err != nil {
				t.Fatal(err)
			}
			if res := s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid)); res.status != http.StatusOK {
				t.Fatalf("webhook: %d %s", res.status, res.body)
			}
			o := s.order(pid)
			if !o.review.Valid || !strings.Contains(o.review.String, tt.says) {
				t.Fatalf("review %q, want it to say %q", o.review.String, tt.says)
			}
			if owner := s.orderOwner(pid); owner != "" {
				t.Fatalf("the order is linked to %q", owner)
			}
			var street string
			s.pool.QueryRow(`SELECT default_street_address1 FROM profiles JOIN users ON users.id = profiles.user_id
				WHERE username = 'carol'`).Scan(&street)
			if street != "1 Carol Street" {
				t.Fatalf("carol's saved address is now %q", street)
			}
		})
	}
}
