package cart

// MinCharge is the least a discount leaves to pay, in minor units: Stripe
// charges no less than about 50 of a currency's minor units, so a code
// never brings an order below it (nor a bag already below it any lower).
const MinCharge = 50

// A Discount is what a code takes off: a whole percentage or an amount in
// minor units (one of them), from a minimum spend on the bag's items, on
// the items alone or on the items and delivery.
type Discount struct {
	Percent  int64
	Amount   int64
	MinSpend int64
	Delivery bool
}

// Off is what the discount takes off a priced bag: 0 below the minimum
// spend; a percentage rounded half up to the currency's step; never so
// much that less than MinCharge is left to pay.
func (d Discount) Off(t Totals, step int64) int64 {
	if t.Total <= 0 || t.Total < d.MinSpend {
		return 0
	}
	base := t.Total
	if d.Delivery {
		base = addCapped(base, t.Delivery)
	}
	off := min(max(d.Amount, 0), base)
	if d.Percent > 0 {
		off = roundHalfUp(percentHalfUp(base, min(d.Percent, 100)*100), max(step, 1))
	}
	return max(min(off, t.GrandTotal-MinCharge), 0)
}

// PriceWith prices lines under the rules with a discount (nil for none):
// GrandTotal is the items and delivery less Discount.
func (r Rules) PriceWith(lines []Line, d *Discount) Totals {
	t := r.Price(lines)
	if d != nil {
		t.Discount = d.Off(t, r.Step)
		t.GrandTotal -= t.Discount
	}
	return t
}
