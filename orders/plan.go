package orders

import (
	"cmp"
	"fmt"
	"strings"

	"boutique/cart"
	"boutique/payments"
)

// Details are an order's contact and delivery details.
type Details struct {
	FullName, Email, Phone                            string
	Street1, Street2, Town, County, Postcode, Country string
}

// DetailsFromIntent reads the details a shopper gave Stripe: billing from
// the latest charge, delivery from the PaymentIntent's shipping.
func DetailsFromIntent(in payments.Intent) Details {
	b := in.Billing
	d := Details{FullName: b.Name, Email: b.Email, Phone: b.Phone,
		Street1: b.Address.Line1, Street2: b.Address.Line2, Town: b.Address.City,
		County: b.Address.State, Postcode: b.Address.PostalCode, Country: b.Address.Country}
	if s := in.Shipping; s != nil {
		d.FullName = cmp.Or(s.Name, d.FullName)
		d.Phone = cmp.Or(s.Phone, d.Phone)
		a := s.Address
		if a.Line1 != "" || a.City != "" || a.Country != "" {
			d.Street1, d.Street2, d.Town, d.County, d.Postcode, d.Country = a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country
		}
	}
	return d
}

// Rules are what the shop charges by: its currency and delivery rules.
type Rules struct {
	Currency string
	Delivery cart.Rules
}

// Money formats minor units in the shop's currency.
func (r Rules) Money(cents int64) string { return cart.Format(cents, r.Currency) }

// A Bag is the bag a payment carries in its metadata.
type Bag struct {
	JSON  string // as paid, "[]" when unreadable
	Lines []cart.Line
	Err   error // why it could not be read, if it could not
}

// ReadBag reads the bag from a PaymentIntent's metadata.
func ReadBag(in payments.Intent) Bag {
	s, err := payments.GetSplit(in.Metadata, "bag")
	var lines []cart.Line
	if err == nil {
		lines, err = cart.DecodeBag(s)
	}
	if err != nil {
		return Bag{JSON: "[]", Err: err}
	}
	return Bag{JSON: s, Lines: lines}
}

// ProductIDs are the products the bag names, in its order.
func (b Bag) ProductIDs() []int64 {
	ids := make([]int64, len(b.Lines))
	for i, l := range b.Lines {
		ids[i] = l.ProductID
	}
	return ids
}

// Product is what an order line keeps of its product.
type Product struct {
	ID        int64
	SKU, Name string
}

// Line is one line of a planned order.
type Line struct {
	ProductID int64 // 0 when the product is no longer in the shop
	Size      string
	Quantity  int64
	UnitPrice int64
	Total     int64
	Name, SKU string
}

// Plan is the order a payment makes, worked out before anything is
// written: its lines, totals, and why the owner should look at it.
type Plan struct {
	Bag      string
	Lines    []Line
	Totals   cart.Totals
	Reasons  []string
	SaveInfo bool
	Username string
}

// Review is the reasons for the owner to look at the order, "" for none.
func (p Plan) Review() string { return strings.Join(p.Reasons, "; ") }

// PlanOrder works out the order a succeeded PaymentIntent pays for, from
// the bag it carries priced as it was paid, the shop's rules, and the
// products the bag names (those missing are no longer in the shop). A
// payment is never refused: what does not add up is a reason to review.
func PlanOrder(in payments.Intent, bag Bag, rules Rules, products map[int64]Product) Plan {
	p := Plan{Bag: bag.JSON, SaveInfo: in.Metadata["save_info"] == "true", Username: in.Metadata["username"]}
	if bag.Err != nil {
		p.Reasons = append(p.Reasons, fmt.Sprintf("the payment carries no readable bag (%v)", bag.Err))
	}
	p.Totals = rules.Delivery.Price(bag.Lines)
	if p.Totals.GrandTotal != in.Amount {
		p.Reasons = append(p.Reasons, fmt.Sprintf("paid %s but the bag as priced at payment comes to %s",
			cart.Format(in.Amount, in.Currency), rules.Money(p.Totals.GrandTotal)))
	}
	if !strings.EqualFold(in.Currency, rules.Currency) {
		p.Reasons = append(p.Reasons, fmt.Sprintf("paid in %s, but the shop's prices are in %s",
			strings.ToUpper(in.Currency), strings.ToUpper(rules.Currency)))
	}
	for _, l := range bag.Lines {
		prod, ok := products[l.ProductID]
		line := Line{Size: l.Size, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Total: l.Subtotal(), Name: prod.Name, SKU: prod.SKU}
		if ok {
			line.ProductID = l.ProductID
		} else {
			line.Name = fmt.Sprintf("Product #%d (no longer in the catalog)", l.ProductID)
			p.Reasons = append(p.Reasons, fmt.Sprintf("product #%d is no longer in the catalog", l.ProductID))
		}
		p.Lines = append(p.Lines, line)
	}
	return p
}
