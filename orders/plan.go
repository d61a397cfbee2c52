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

// Product is what an order line keeps of its product, and whether it
// comes in sizes.
type Product struct {
	ID        int64
	SKU, Name string
	Sized     bool
	Archived  bool // taken out of the shop
}

// Checkout is what the shop itself recorded of the checkout a payment was
// made in: the bag as it priced it for the PaymentIntent, and the account
// of the session that made it. A payment is checked against it, never
// trusted for what only its metadata says.
type Checkout struct {
	Found    bool
	BagID    string
	Lines    []cart.Line // the bag as the shop last sent it
	UserID   int64       // 0 for a guest
	Username string
	// DiscountCode and Discount are the code and what it took off, as
	// the shop priced the checkout.
	DiscountCode string
	Discount     int64
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
// written: its lines, totals, the account it belongs to, and why the
// owner should look at it.
type Plan struct {
	Bag      string
	Lines    []Line
	Totals   cart.Totals
	Reasons  []string
	SaveInfo bool
	UserID   int64
	Username string
	// DiscountCode is the code the payment was made with; Totals.Discount
	// what it took off.
	DiscountCode string
}

// Review is the reasons for the owner to look at the order, "" for none.
func (p Plan) Review() string { return strings.Join(p.Reasons, "; ") }

// PlanOrder works out the order a succeeded PaymentIntent pays for, from
// the bag it carries priced as it was paid, the checkout the shop recorded
// for it, the shop's rules, and the products the bag names (those missing
// are no longer in the shop). A payment is never refused: what does not
// add up is a reason to review, naming what differs.
func PlanOrder(in payments.Intent, bag Bag, ck Checkout, rules Rules, products map[int64]Product) Plan {
	p := Plan{Bag: bag.JSON, UserID: ck.UserID, Username: ck.Username}
	p.SaveInfo = in.Metadata["save_info"] == "true" && ck.UserID != 0
	if bag.Err != nil {
		p.Reasons = append(p.Reasons, fmt.Sprintf("the payment carries no readable bag (%v)", bag.Err))
	}
	p.Totals = rules.Delivery.Price(bag.Lines)
	code, off, err := readDiscount(in.Metadata)
	if err != nil {
		p.Reasons = append(p.Reasons, err.Error())
	}
	if code != "" {
		p.DiscountCode = code
		p.Totals.Discount = min(off, p.Totals.GrandTotal)
		p.Totals.GrandTotal -= p.Totals.Discount
	}
	if p.Totals.GrandTotal != in.Amount {
		p.Reasons = append(p.Reasons, fmt.Sprintf("paid %s but the bag as priced at payment comes to %s",
			cart.Format(in.Amount, in.Currency), rules.Money(p.Totals.GrandTotal)))
	}
	if !strings.EqualFold(in.Currency, rules.Currency) {
		p.Reasons = append(p.Reasons, fmt.Sprintf("paid in %s, but the shop's prices are in %s",
			strings.ToUpper(in.Currency), strings.ToUpper(rules.Currency)))
	}
	if !ck.Found {
		p.Reasons = append(p.Reasons, "the shop has no checkout of its own for this payment")
	} else {
		if bag.Err == nil {
			p.Reasons = append(p.Reasons, compareLines(bag.Lines, ck.Lines, rules)...)
		}
		if code != ck.DiscountCode || p.Totals.Discount != ck.Discount {
			p.Reasons = append(p.Reasons, fmt.Sprintf("the payment carries the code %q taking off %s, but the shop priced its checkout with %q taking off %s",
				code, rules.Money(p.Totals.Discount), ck.DiscountCode, rules.Money(ck.Discount)))
		}
		if named := in.Metadata["username"]; named != ck.Username {
			p.Reasons = append(p.Reasons, fmt.Sprintf("the payment names the account %q, but its checkout was made by %s",
				named, cmp.Or(ck.Username, "a guest")))
		}
	}
	for _, l := range bag.Lines {
		prod, ok := products[l.ProductID]
		line := Line{Size: l.Size, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Total: l.Subtotal(), Name: prod.Name, SKU: prod.SKU}
		switch {
		case !ok:
			line.Name = fmt.Sprintf("Product #%d (no longer in the catalog)", l.ProductID)
			p.Reasons = append(p.Reasons, fmt.Sprintf("product #%d is no longer in the catalog", l.ProductID))
		case prod.Archived:
			p.Reasons = append(p.Reasons, fmt.Sprintf("product #%d was taken out of the shop before the payment", l.ProductID))
		case !prod.Sized && l.Size != "":
			p.Reasons = append(p.Reasons, fmt.Sprintf("product #%d comes in no sizes, but the payment names size %s", l.ProductID, l.Size))
		case prod.Sized && l.Size == "":
			p.Reasons = append(p.Reasons, fmt.Sprintf("product #%d comes in sizes, but the payment names none", l.ProductID))
		}
		if ok {
			line.ProductID = l.ProductID
		}
		p.Lines = append(p.Lines, line)
	}
	return p
}

// compareLines names each way the bag a payment carries differs from the
// bag the shop priced for it.
func compareLines(paid, priced []cart.Line, rules Rules) []string {
	var reasons []string
	if len(paid) != len(priced) {
		reasons = append(reasons, fmt.Sprintf("the payment's bag has %d lines, the bag the shop priced %d", len(paid), len(priced)))
	}
	for i := range min(len(paid), len(priced)) {
		a, b := paid[i], priced[i]
		where := fmt.Sprintf("line %d (product #%d)", i+1, a.ProductID)
		if a.ProductID != b.ProductID {
			reasons = append(reasons, fmt.Sprintf("%s: the shop priced product #%d there", where, b.ProductID))
			continue
		}
		if a.Size != b.Size {
			reasons = append(reasons, fmt.Sprintf("%s: size %q in the payment, %q when the shop priced it", where, a.Size, b.Size))
		}
		if a.Quantity != b.Quantity {
			reasons = append(reasons, fmt.Sprintf("%s: quantity %d in the payment, %d when the shop priced it", where, a.Quantity, b.Quantity))
		}
		if a.UnitPrice != b.UnitPrice {
			reasons = append(reasons, fmt.Sprintf("%s: unit price %s in the payment, %s when the shop priced it", where,
				rules.Money(a.UnitPrice), rules.Money(b.UnitPrice)))
		}
	}
	return reasons
}
