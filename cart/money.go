// Package cart holds the shop's money rules in integer cents: formatting
// amounts now, and the bag's lines, totals and delivery as the bag grows.
// It does no I/O.
package cart

import (
	"strconv"
	"strings"
)

var symbols = map[string]string{"usd": "$", "eur": "€", "gbp": "£", "aud": "A$", "cad": "C$", "nzd": "NZ$"}

// Format renders an amount of cents in a currency for a shopper: $12.34 for
// currencies with a symbol here, 12.34 CHF for the rest.
func Format(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		cents = -cents
	}
	frac := strconv.FormatInt(cents%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	amount := groupThousands(strconv.FormatInt(cents/100, 10)) + "." + frac
	cur := strings.ToLower(currency)
	if s, ok := symbols[cur]; ok {
		return sign + s + amount
	}
	return sign + amount + " " + strings.ToUpper(cur)
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
