package cart

import (
	"slices"
	"strings"
)

// A Currency is how Stripe counts an ISO 4217 currency and how the shop
// writes it.
type Currency struct {
	Code string // lower case, as Stripe takes it
	// Exponent is the digits after the point of Stripe's minor unit:
	// amounts are integers of 10^-Exponent of the currency.
	Exponent int
	// Shown is the digits after the point shoppers see and owners type.
	Shown int
	// Step is what every amount Stripe charges must be a multiple of,
	// in minor units.
	Step   int64
	Symbol string
}

// Stripe's zero-decimal currencies, its three-decimal ones (charged in
// multiples of 10 minor units), and its special case ISK: two decimals
// in the API, but whole krónur only.
var (
	zeroDecimal  = []string{"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
	threeDecimal = []string{"bhd", "jod", "kwd", "omr", "tnd"}
	twoDecimal   = []string{"usd", "eur", "gbp", "aud", "cad", "nzd", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "ron",
		"bgn", "hkd", "sgd", "mxn", "brl", "inr", "zar", "aed", "ils", "thb", "myr", "php", "twd", "try", "cny", "idr",
		"sar", "qar", "egp", "ngn", "kes", "cop", "pen", "uah", "mad"}
	symbols = map[string]string{"usd": "$", "eur": "€", "gbp": "£", "aud": "A$", "cad": "C$", "nzd": "NZ$"}
)

// LookupCurrency is a currency the shop can charge in, by its code in any
// case.
func LookupCurrency(code string) (Currency, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	c := Currency{Code: code, Exponent: 2, Shown: 2, Step: 1, Symbol: symbols[code]}
	switch {
	case slices.Contains(twoDecimal, code):
	case slices.Contains(zeroDecimal, code):
		c.Exponent, c.Shown = 0, 0
	case slices.Contains(threeDecimal, code):
		c.Exponent, c.Shown, c.Step = 3, 3, 10
	case code == "isk":
		c.Shown, c.Step = 0, 100
	default:
		return Currency{}, false
	}
	return c, true
}

// Currencies are the codes LookupCurrency knows, sorted.
func Currencies() []string {
	all := slices.Concat(twoDecimal, zeroDecimal, threeDecimal, []string{"isk"})
	slices.Sort(all)
	return all
}

// currencyOrTwoDecimals is the currency, or for a code the shop does not
// know (an order paid in another currency) two decimals and no symbol.
func currencyOrTwoDecimals(code string) Currency {
	if c, ok := LookupCurrency(code); ok {
		return c
	}
	return Currency{Code: strings.ToLower(code), Exponent: 2, Shown: 2, Step: 1}
}
