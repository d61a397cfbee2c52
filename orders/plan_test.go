package orders

import (
	"errors"
	"reflect"
	"testing"

	"boutique/cart"
	"boutique/payments"
)

// PlanOrder is a pure function of the payment, the bag it carries, the
// rules and the products: every case here runs without a database.
func TestPlanOrder(t *testing.T) {
	rules := Rules{Currency: "usd", Delivery: cart.DefaultRules}
	tee := Product{ID: 1, SKU: "CLO-0001", Name: "Harbour Stripe Tee"}
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
	cases := []struct {
		name     string
		in       payments.Intent
		bag      Bag
		products map[int64]Product
		want     Plan
	}{
		{
			name: "as paid", in: intent(paid, "usd", map[string]string{"save_info": "true", "username": "ada"}),
			bag: Bag{JSON: "b", Lines: bag}, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400}, SaveInfo: true, Username: "ada"},
		},
		{
			name: "paid another amount", in: intent(100, "usd", nil), bag: Bag{JSON: "b", Lines: bag}, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400},
				Reasons: []string{"paid $1.00 but the bag as priced at payment comes to $64.00"}},
		},
		{
			name: "paid in another currency", in: intent(paid, "eur", nil), bag: Bag{JSON: "b", Lines: bag}, products: catalog,
			want: Plan{Bag: "b", Lines: lines, Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400},
				Reasons: []string{"paid in EUR, but the shop's prices are in USD"}},
		},
		{
			name: "a product gone", in: intent(paid, "usd", nil), bag: Bag{JSON: "b", Lines: bag}, products: map[int64]Product{1: tee},
			want: Plan{Bag: "b", Totals: cart.Totals{Count: 3, Total: 6400, GrandTotal: 6400},
				Lines:   []Line{lines[0], {Quantity: 1, UnitPrice: 1600, Total: 1600, Name: "Product #26 (no longer in the catalog)"}},
				Reasons: []string{"product #26 is no longer in the catalog"}},
		},
		{
			name: "no readable bag", in: intent(paid, "usd", nil), bag: Bag{JSON: "[]", Err: errors.New("bad JSON")}, products: catalog,
			want: Plan{Bag: "[]", Reasons: []string{"the payment carries no readable bag (bad JSON)",
				"paid $64.00 but the bag as priced at payment comes to $0.00"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := PlanOrder(c.in, c.bag, rules, c.products)
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
