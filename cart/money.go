// Package cart holds the shop's money rules in integer minor units of its
// currency: formatting and reading amounts, and the bag's lines, totals and
// delivery as the bag grows. It does no I/O.
package cart

import (
	"fmt"
	"strconv"
	"strings"
)

// Format renders an amount of minor units in a currency for a shopper:
// $12.34 for currencies with a symbol here, 1,760 JPY or 1.760 KWD for the
// rest, with the digits after the point the currency has.
func Format(amount int64, currency string) string {
	c := currencyOrTwoDecimals(currency)
	sign := ""
	if amount < 0 {
		sign = "-"
		amount = -amount
	}
	s := c.plain(amount)
	whole, frac, _ := strings.Cut(s, ".")
	s = groupThousands(whole)
	if frac != "" {
		s += "." + frac
	}
	if c.Symbol != "" {
		return sign + c.Symbol + s
	}
	return sign + s + " " + strings.ToUpper(c.Code)
}

// Plain writes an amount as an owner types it: 1234.50, 1760 for JPY.
func Plain(amount int64, currency string) string {
	return currencyOrTwoDecimals(currency).plain(amount)
}

// plain writes a non-negative amount with the digits after the point the
// currency shows, and more only when the amount has them.
func (c Currency) plain(amount int64) string {
	unit := pow10(c.Exponent)
	s := strconv.FormatInt(amount/unit, 10)
	if c.Exponent == 0 {
		return s
	}
	frac := fmt.Sprintf("%0*d", c.Exponent, amount%unit)
	for len(frac) > c.Shown && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if frac == "" {
		return s
	}
	return s + "." + frac
}

// ParseAmount reads a money amount an owner typed, such as "50" or
// "50.00", into minor units of the currency: no more digits after the
// point than it shows, and a multiple of what Stripe charges it in.
func ParseAmount(s, currency string) (int64, error) {
	c := currencyOrTwoDecimals(currency)
	example := c.plain(50 * pow10(c.Exponent))
	whole, frac, err := parseDecimal(s, c.Shown)
	amount := whole*pow10(c.Exponent) + frac*pow10(c.Exponent-c.Shown)
	if err != nil || whole > MaxUnitPrice || amount > MaxUnitPrice {
		return 0, fmt.Errorf("%q is not an amount such as %s", s, example)
	}
	if amount%c.Step != 0 {
		return 0, fmt.Errorf("%q: amounts in %s are charged in steps of %s", s, strings.ToUpper(c.Code), c.plain(c.Step))
	}
	return amount, nil
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
