package orders

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments"
)

// PlanOrder is a pure function of the payment, the bag it carries, the
// rules and the products: every case here runs without a database.
func TestPlanOrder(t *testing.T) {
	rules := Rules{Currency: "usd", Delivery: cart.DefaultRules}
	tee := Product{ID: 1, SKU: "CLO-0001", Name: "Harbour Stripe Tee", Sized: true}
	mug := Product{ID: 26, SKU: "KIT-0001", Name: "Speckled Stoneware Mug"}
	catalog := map[int64]Product{1: tee, 26: mug}
	bag := []cart.Line{{ProductID: 1, Size: "M", Quantity: 2, UnitPrice: 2400}, {ProductID: 26, Quantity: 1, UnitPrice: 1600}}
	// 48.00 + 16.00 = 64.00, free delivery.
	const paid = 6400
	lines := []Line{
		{ProductID: 1, Size: "M", Quantity: 2, UnitPrice: 2400, Total: 4800, Name: tee.Name, SKU: tee.SKU},
		{ProductID: 26, Quantity: 1, UnitPrice: 1600, Total: 1600, Name: mug.Name, SKU: mug.SKU},
	}
	intent := func(amount int64, currency string, meta map[string]string) payments.Intent {
		if meta == nil {
			meta = map[string]string{}
		}
		return payments.Intent{ID: "pi_1", Status: "succeeded", Amount: amount, Currency: currency, Metadata: meta}
	}
	guest := Checkout{Found: true, BagID: "bag1", Lines: bag}
	ada := Checkout{Found: true, BagID: "bag1", Lines: bag, UserID: 7, Username: "ada"}
	priced := func(change func(l []cart.Line) []cart.Line) Checkout {
		c := guest
		c.Lines = change(slices.Clone(bag))
		return c
	}
	totals := cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400}
	cases := []struct {
		name     string
		in       payments.Intent
		bag      Bag
		ck       Checkout
		products map[int64]Product
		want     Plan
	}{
		{
			name: "as paid", in: intent(paid, "usd", map[string]string{"save_info": "true", "username": "ada"}),
			bag: Bag{JSON: "b", Lines: bag}, ck: ada, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: totals, SaveInfo: true, UserID: 7, Username: "ada"},
		},
		{
			name: "a guest's, saving nothing", in: intent(paid, "usd", map[string]string{"save_info": "true"}),
			bag: Bag{JSON: "b", Lines: bag}, ck: guest, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: totals},
		},
		{
			name: "naming another account", in: intent(paid, "usd", map[string]string{"save_info": "true", "username": "carol"}),
			bag: Bag{JSON: "b", Lines: bag}, ck: guest, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: totals,
				Reasons: []string{`the payment names the account "carol", but its checkout was made by a guest`}},
		},
		{
			name: "a line priced low", in: intent(paid, "usd", nil), bag: Bag{JSON: "b", Lines: bag},
			ck: priced(func(l []cart.Line) []cart.Line { l[1].UnitPrice = 12400; return l }), products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: totals,
				Reasons: []string{"line 2 (product #26): unit price $16.00 in the payment, $124.00 when the shop priced it"}},
		},
		{
			name: "another size and quantity", in: intent(paid, "usd", nil), bag: Bag{JSON: "b", Lines: bag},
			ck: priced(func(l []cart.Line) []cart.Line { l[0].Size, l[0].Quantity = "S", 1; return l }), products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: totals, Reasons: []string{
				`line 1 (product #1): size "M" in the payment, "S" when the shop priced it`,
				"line 1 (product #1): quantity 2 in the payment, 1 when the shop priced it"}},
		},
		{
			name: "a line more", in: intent(paid, "usd", nil), bag: Bag{JSON: "b", Lines: bag},
			ck: priced(func(l []cart.Line) []cart.Line { return l[:1] }), products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: totals,
				Reasons: []string{"the payment's bag has 2 lines, the bag the shop priced 1"}},
		},
		{
			name: "sizes the products do not have", in: intent(5200, "usd", nil),
			bag:      Bag{JSON: "b", Lines: []cart.Line{{ProductID: 1, Quantity: 2, UnitPrice: 2400}, {ProductID: 26, Size: "XL", Quantity: 1, UnitPrice: 400}}},
			ck:       Checkout{Found: true, Lines: []cart.Line{{ProductID: 1, Quantity: 2, UnitPrice: 2400}, {ProductID: 26, Size: "XL", Quantity: 1, UnitPrice: 400}}},
			products: catalog,
			want: Plan{Bag: "b", Totals: cart.Totals{Count: 3, Total: 5200, GrandTotal: 5200},
				Lines: []Line{{ProductID: 1, Quantity: 2, UnitPrice: 2400, Total: 4800, Name: tee.Name, SKU: tee.SKU},
					{ProductID: 26, Size: "XL", Quantity: 1, UnitPrice: 400, Total: 400, Name: mug.Name, SKU: mug.SKU}},
				Reasons: []string{"product #1 comes in sizes, but the payment names none", "product #26 comes in no sizes, but the payment names size XL"}},
		},
		{
			name: "no checkout of the shop's", in: intent(paid, "usd", map[string]string{"username": "ada"}), bag: Bag{JSON: "b", Lines: bag},
			products: catalog,
			want:     Plan{Bag: "b", Lines: lines, Totals: totals, Reasons: []string{"the shop has no checkout of its own for this payment"}},
		},
		{
			name: "paid another amount", ck: guest, in: intent(100, "usd", nil), bag: Bag{JSON: "b", Lines: bag}, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400},
				Reasons: []string{"paid $1.00 but the bag as priced at payment comes to $64.00"}},
		},
		{
			name: "paid in another currency", ck: guest, in: intent(paid, "eur", nil), bag: Bag{JSON: "b", Lines: bag}, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400},
				Reasons: []string{"paid in EUR, but the shop's prices are in USD"}},
		},
		{
			name: "a product gone", ck: guest, in: intent(paid, "usd", nil), bag: Bag{JSON: "b", Lines: bag}, products: map[int64]Product{1: tee},
			want: Plan{Bag: "b", Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400},
				Lines:   []Line{lines[0], {Quantity: 1, UnitPrice: 1600, Total: 1600, Name: "Product #26 (no longer in the catalog)"}},
				Reasons: []string{"product #26 is no longer in the catalog"}},
		},
		{
			name: "no readable bag", ck: guest, in: intent(paid, "usd", nil), bag: Bag{JSON: "[]", Err: errors.New("bad JSON")}, products: catalog,
			want: Plan{Bag: "[]", Reasons: []string{"the payment carries no readable bag (bad JSON)",
				"paid $64.00 but the bag as priced at payment comes to $0.00"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := PlanOrder(c.in, c.bag, c.ck, rules, c.products)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// ReadBag reads the bag the checkout split over the metadata.
func TestReadBag(t *testing.T) {
	lines := []cart.Line{{ProductID: 3, Size: "XL", Quantity: 4, UnitPrice: 999}}
	meta := map[string]string{}
	payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
	b := ReadBag(payments.Intent{Metadata: meta})
	if b.Err != nil || !reflect.DeepEqual(b.Lines, lines) || !reflect.DeepEqual(b.ProductIDs(), []int64{3}) {
		t.Fatalf("%+v", b)
	}
	if b := ReadBag(payments.Intent{Metadata: map[string]string{"bag_parts": "1", "bag": "not json"}}); b.Err == nil || b.JSON != "[]" {
		t.Fatalf("an unreadable bag: %+v", b)
	}
}

// Times are shown in the shop's zone, named.
func TestOrderDateInTheShopsZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for loc, want := range map[*time.Location]string{nil: "1 December 2026, 12:00 UTC", ny: "1 December 2026, 07:00 EST"} {
		if got := OrderDate("2026-12-01T12:00:00.000Z", loc); got != want {
			t.Errorf("OrderDate in %v = %q, want %q", loc, got, want)
		}
	}
}
