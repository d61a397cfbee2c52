package cart

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxQuantity is the most of one product in one size a bag line holds.
const MaxQuantity = 99

// MaxUnitPrice is the highest price, in minor units, a product can have:
// a billion dollars. With MaxQuantity and MaxLines, no bag's total comes
// near what an int64 holds.
const MaxUnitPrice = 100_000_000_000

// MaxLines is the most lines a bag carried with a payment may have.
const MaxLines = 1000

// maxAmount is where sums stop rather than wrap, should a price beyond
// MaxUnitPrice reach them: far above any real total, and refused by Stripe.
const maxAmount = math.MaxInt64 / 4

// Sizes are the sizes clothing comes in, smallest first.
var Sizes = []string{"XS", "S", "M", "L", "XL"}

// SizesOf are the sizes a product is sold, and its stock counted, in:
// Sizes, or the one size "" of a product without sizes.
func SizesOf(hasSizes bool) []string {
	if hasSizes {
		return Sizes
	}
	return []string{""}
}

// Rules are the shop's delivery rules.
type Rules struct {
	// FreeDeliveryThreshold is the bag total, in cents, from which
	// delivery is free.
	FreeDeliveryThreshold int64
	// DeliveryBasisPoints is the standard delivery charge as hundredths
	// of a percent of the bag total: 1000 is 10%.
	DeliveryBasisPoints int64
	// Step is what the delivery charge is rounded to, in minor units: the
	// currency's Step, so that a bag of prices in steps costs a whole
	// number of steps. 0 is 1.
	Step int64
}

// DefaultRules: free delivery from 50.00, otherwise 10% of the bag total.
var DefaultRules = Rules{FreeDeliveryThreshold: 5000, DeliveryBasisPoints: 1000}

// A Line is one product in one size ("" for products without sizes), at
// its unit price in cents when the bag is priced.
type Line struct {
	ProductID int64
	Size      string
	Quantity  int64
	UnitPrice int64
}

// Subtotal is the line's unit price times its quantity (at most
// maxAmount, never wrapping; 0 for a line that is not an item).
func (l Line) Subtotal() int64 {
	if l.Quantity <= 0 || l.UnitPrice <= 0 {
		return 0
	}
	if l.UnitPrice > maxAmount/l.Quantity {
		return maxAmount
	}
	return l.UnitPrice * l.Quantity
}

// addCapped adds non-negative amounts, stopping at maxAmount.
func addCapped(a, b int64) int64 { return min(a, maxAmount-min(b, maxAmount)) + min(b, maxAmount) }

// Totals are a priced bag, all in cents.
type Totals struct {
	Count    int64 // items, counting quantities
	Total    int64 // the lines' subtotals added up
	Delivery int64
	// Discount is what a discount code took off (PriceWith); 0 without.
	Discount   int64
	GrandTotal int64
	// FreeDeliveryDelta is how much more would make delivery free; 0
	// when it is free already or the bag is empty.
	FreeDeliveryDelta int64
}

// Price prices lines under the rules. Lines with no quantity or a negative
// price are not items and count for nothing, so no total is ever negative.
func (r Rules) Price(lines []Line) Totals {
	var t Totals
	for _, l := range lines {
		if l.Quantity <= 0 || l.UnitPrice < 0 {
			continue
		}
		t.Count = addCapped(t.Count, l.Quantity)
		t.Total = addCapped(t.Total, l.Subtotal())
	}
	if t.Total > 0 && t.Total < r.FreeDeliveryThreshold {
		t.Delivery = roundHalfUp(percentHalfUp(t.Total, max(r.DeliveryBasisPoints, 0)), max(r.Step, 1))
		t.FreeDeliveryDelta = r.FreeDeliveryThreshold - t.Total
	}
	t.GrandTotal = addCapped(t.Total, t.Delivery)
	return t
}

// percentHalfUp is amount * basisPoints / 10000, rounded half up to the
// cent, for non-negative values.
func percentHalfUp(amount, basisPoints int64) int64 {
	return (amount*basisPoints + 5000) / 10000
}

// roundHalfUp rounds a non-negative amount to a multiple of step.
func roundHalfUp(amount, step int64) int64 { return (amount + step/2) / step * step }

// ParseQuantity reads a quantity typed by a shopper: a whole number from
// min (1 to add, 0 to adjust, where 0 removes) to MaxQuantity.
func ParseQuantity(s string, min int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < min || n > MaxQuantity {
		return 0, fmt.Errorf("Quantity must be a whole number from %d to %d.", min, MaxQuantity)
	}
	return n, nil
}

// ParseSize reads a size for a product: one of Sizes, required when the
// product comes in sizes, and refused when it does not. It returns the
// size in upper case, or "" for a product without sizes.
func ParseSize(s string, sized bool) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !sized {
		if s != "" {
			return "", errors.New("This product doesn't come in sizes.")
		}
		return "", nil
	}
	if s == "" {
		return "", errors.New("Please choose a size.")
	}
	for _, size := range Sizes {
		if s == size {
			return s, nil
		}
	}
	return "", fmt.Errorf("Size must be one of %s.", strings.Join(Sizes, ", "))
}

// ParsePercent reads a percentage such as "10" or "7.5" into basis points
// (hundredths of a percent).
func ParsePercent(s string) (int64, error) {
	whole, frac, err := parseDecimal(s, 2)
	if err != nil || whole > 100 || (whole == 100 && frac > 0) {
		return 0, fmt.Errorf("%q is not a percentage from 0 to 100 such as 10 or 7.5", s)
	}
	return whole*100 + frac, nil
}

// parseDecimal reads a non-negative decimal with at most places digits
// after the point, returning the whole part and the fraction scaled to
// places digits.
func parseDecimal(s string, places int) (int64, int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || len(frac) > places || (hasPoint && frac == "") || len(whole) > 12 {
		return 0, 0, errors.New("bad decimal")
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, 0, errors.New("bad decimal")
			}
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac += strings.Repeat("0", places-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w, f, nil
}
