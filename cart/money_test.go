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
	}
	for _, tt := range tests {
		if got := Format(tt.cents, tt.currency); got != tt.want {
			t.Errorf("Format(%d, %q) = %q, want %q", tt.cents, tt.currency, got, tt.want)
		}
	}
}
