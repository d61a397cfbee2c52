package cart

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		cents    int64
		currency string
		want     string
	}{
		{0, "usd", "$0.00"},
		{5, "usd", "$0.05"},
		{1999, "USD", "$19.99"},
		{100000, "eur", "€1,000.00"},
		{123456789, "gbp", "£1,234,567.89"},
		{-250, "usd", "-$2.50"},
		{4200, "chf", "42.00 CHF"},
		{1760, "jpy", "1,760 JPY"},
		{1760, "JPY", "1,760 JPY"},
		{1760, "kwd", "1.760 KWD"},
		{1234567, "bhd", "1,234.567 BHD"},
		{176000, "isk", "1,760 ISK"},
		{176050, "isk", "1,760.5 ISK"}, // not a whole króna: the fraction shows
		{1760, "xyz", "17.60 XYZ"},
	}
	for _, tt := range tests {
		if got := Format(tt.cents, tt.currency); got != tt.want {
			t.Errorf("Format(%d, %q) = %q, want %q", tt.cents, tt.currency, got, tt.want)
		}
	}
}

// Amounts are read in the currency's own minor units: yen have none,
// dinars three digits (in steps of 10 fils, as Stripe charges them), and
// krónur whole ones, though Stripe counts them in hundredths.
func TestParseAmountByCurrency(t *testing.T) {
	good := []struct {
		in, currency string
		want         int64
	}{
		{"1760", "jpy", 1760}, {"17.60", "usd", 1760}, {"1.76", "kwd", 1760}, {"1.760", "kwd", 1760},
		{"1760", "isk", 176000}, {"50", "bhd", 50000},
	}
	for _, tt := range good {
		if got, err := ParseAmount(tt.in, tt.currency); err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tt.in, tt.currency, got, err, tt.want)
		}
		if back, err := ParseAmount(Plain(tt.want, tt.currency), tt.currency); err != nil || back != tt.want {
			t.Errorf("Plain(%d, %s) = %q reads back as %d, %v", tt.want, tt.currency, Plain(tt.want, tt.currency), back, err)
		}
	}
	for _, bad := range []struct{ in, currency string }{{"17.60", "jpy"}, {"1.765", "kwd"}, {"1.7654", "kwd"}, {"17.5", "isk"}} {
		if got, err := ParseAmount(bad.in, bad.currency); err == nil {
			t.Errorf("ParseAmount(%q, %s) = %d, accepted", bad.in, bad.currency, got)
		}
	}
	if _, ok := LookupCurrency("xyz"); ok {
		t.Error("an unknown currency was found")
	}
}

// Delivery is rounded to the currency's step, so a bag of KWD prices in
// steps of 10 fils costs a whole number of steps.
func TestDeliveryRoundsToTheStep(t *testing.T) {
	r := Rules{FreeDeliveryThreshold: 50000, DeliveryBasisPoints: 1000, Step: 10}
	if got := r.Price([]Line{{1, "", 1, 1230}}); got.Delivery != 120 || got.GrandTotal != 1350 {
		t.Fatalf("%+v", got)
	}
}
