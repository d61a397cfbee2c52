package cart

import "testing"

func TestDiscountOff(t *testing.T) {
	rules := DefaultRules // free delivery from 50.00, else 10%
	line := func(price int64) []Line { return []Line{{ProductID: 1, Quantity: 1, UnitPrice: price}} }
	cases := []struct {
		name               string
		price              int64
		d                  Discount
		wantOff, wantGrand int64
	}{
		{"10% of the items", 4000, Discount{Percent: 10}, 400, 4000 + 400 - 400},
		{"10% of items and delivery", 4000, Discount{Percent: 10, Delivery: true}, 440, 4400 - 440},
		{"half up to the cent", 1005, Discount{Percent: 50}, 503, 1005 + 101 - 503},
		{"an amount", 6000, Discount{Amount: 1500}, 1500, 4500},
		{"an amount beyond the items", 1000, Discount{Amount: 5000}, 1000, 100},
		{"below the minimum spend", 3000, Discount{Percent: 10, MinSpend: 3001}, 0, 3300},
		{"at the minimum spend", 3000, Discount{Percent: 10, MinSpend: 3000}, 300, 3000},
		{"never below the least charge", 6000, Discount{Percent: 100, Delivery: true}, 6000 - MinCharge, MinCharge},
		{"a bag under the least charge stays", 40, Discount{Percent: 50}, 0, 44},
	}
	for _, c := range cases {
		got := rules.PriceWith(line(c.price), &c.d)
		if got.Discount != c.wantOff || got.GrandTotal != c.wantGrand {
			t.Errorf("%s: off %d, grand total %d; want %d and %d", c.name, got.Discount, got.GrandTotal, c.wantOff, c.wantGrand)
		}
	}
	if got := rules.PriceWith(line(4000), nil); got != rules.Price(line(4000)) {
		t.Errorf("no discount priced %+v, want %+v", got, rules.Price(line(4000)))
	}
}
